"""Index lifecycle under stress: reindex while serving, rollback, pruning, and faults.

In every fault the live index keeps answering, /readyz says what is wrong, the log names
the file, and nothing half-written is left in the embeddings folder.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from qa_service import index as idx
from qa_service import lifecycle
from qa_service.app import create_app
from qa_service.build import BuildError, reindex
from qa_service.cli import cli
from qa_service.config import Settings

NEW_ARTICLE = """---
title: Referendum day polling stations open at seven
date: 2026-03-01
outlet: Test Gazette
url: https://example.org/en/polling
lang: en
---
Polling stations for the constitutional referendum open at seven in the morning and close
at eight in the evening. Voters bring an identity card.
"""


@pytest.fixture()
def live(tmp_path, built_index):
    """A private copy of the tiny corpus and its built index, checked on every request."""
    settings, _ = built_index
    corpus = tmp_path / "corpus"
    embeddings = tmp_path / "embeddings"
    shutil.copytree(settings.corpus_dir, corpus)
    shutil.copytree(settings.embeddings_dir, embeddings, symlinks=True)
    return settings.replace(
        corpus_dir=corpus, embeddings_dir=embeddings, reload_check_seconds=0, rate_limits=False
    )


def _app(settings, e5):
    return create_app({"TESTING": True}, settings=settings, embedder=e5)


def _version(client) -> str:
    return client.get("/readyz").get_json()["index"]["version"]


def _version_of(body: dict | None) -> str | None:
    return (body or {}).get("index", {}).get("version")


def _passage_ids(build_dir: Path) -> set[str]:
    lines = (build_dir / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["id"] for line in lines if line.strip()}


def _leftovers(embeddings: Path) -> list[str]:
    return sorted(p.name for p in embeddings.iterdir() if p.name.startswith(".tmp-"))


# --- zero-downtime reindex -----------------------------------------------------------


def test_reindex_while_hammered_no_failure_no_mixed_build(live, e5):
    app = _app(live, e5)
    old = _version(app.test_client())
    questions = ["state language", "referendum", "парламент", "тіл мәртебесі", "polling"]
    results: list[list[tuple[int, dict | None]]] = [[] for _ in range(4)]
    stop = threading.Event()

    def hammer(slot: int) -> None:
        client = app.test_client()
        i = 0
        while not stop.is_set():
            r = client.get(f"/api/v1/ask?q={questions[i % len(questions)]}&k=3")
            results[slot].append((r.status_code, r.get_json()))
            i += 1

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        (live.corpus_dir / "polling.md").write_text(NEW_ARTICLE, encoding="utf-8")
        summary = reindex(live, e5)
        new = summary.build_id
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until every thread has seen the new build
            if all(any(_version_of(b) == new for _, b in r[-3:]) for r in results):
                break
            time.sleep(0.1)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)

    builds = {old: live.embeddings_dir / old, new: live.embeddings_dir / new}
    ids = {v: _passage_ids(p) for v, p in builds.items()}
    total = sum(len(r) for r in results)
    assert total > 20
    for per_thread in results:
        versions = [body["index"]["version"] for status, body in per_thread]
        assert {status for status, _ in per_thread} == {200}
        assert set(versions) <= {old, new}
        assert versions[-1] == new
        # Once a thread saw the new build it never sees the old one again.
        assert old not in versions[versions.index(new) :]
        for _, body in per_thread:
            version = body["index"]["version"]
            # Every passage of a response comes from the build the response names.
            assert {h["passage_id"] for h in body["results"] + body["related"]} <= ids[version]
            assert body["index"]["passages"] == len(ids[version])


# --- rollback and pruning ------------------------------------------------------------


def _two_builds(live, e5) -> tuple[str, str]:
    old = idx.current_build(live.embeddings_dir).name
    (live.corpus_dir / "polling.md").write_text(NEW_ARTICLE, encoding="utf-8")
    new = reindex(live, e5).build_id
    return old, new


def _cli(runner, live, *args):
    base = ["--corpus", str(live.corpus_dir), "--embeddings", str(live.embeddings_dir)]
    return runner.invoke(cli, [*base, *args])


def test_rollback_returns_to_the_previous_build_and_services_follow(live, e5, runner):
    old, new = _two_builds(live, e5)
    client = _app(live, e5).test_client()
    assert _version(client) == new

    result = _cli(runner, live, "rollback")
    assert result.exit_code == 0, result.output
    assert old in result.output and new in result.output
    assert idx.current_build(live.embeddings_dir).name == old
    client.get("/healthz")
    app_service = client.application.extensions["qa"]
    app_service.maybe_reload()
    assert app_service.wait_reloaded()
    assert _version(client) == old

    listing = _cli(runner, live, "builds")
    assert listing.exit_code == 0
    live_lines = [line for line in listing.output.splitlines() if line.startswith("*")]
    assert len(live_lines) == 1 and old in live_lines[0]

    # Nothing older than the oldest: a clean error, nothing changed.
    again = _cli(runner, live, "rollback")
    assert again.exit_code == 1 and "oldest" in again.output
    assert idx.current_build(live.embeddings_dir).name == old

    forward = _cli(runner, live, "rollback", "--to", new)
    assert forward.exit_code == 0
    assert idx.current_build(live.embeddings_dir).name == new


def test_rollback_refuses_a_broken_target(live, e5, runner):
    old, new = _two_builds(live, e5)
    (live.embeddings_dir / old / "index.faiss").write_bytes(b"garbage")
    result = _cli(runner, live, "rollback")
    assert result.exit_code == 1
    assert "index.faiss" in result.output
    assert idx.current_build(live.embeddings_dir).name == new


def test_rollback_to_unknown_build_is_a_clean_error(live, runner):
    result = _cli(runner, live, "rollback", "--to", "no-such-build")
    assert result.exit_code == 1 and "no build 'no-such-build'" in result.output


def test_old_builds_are_pruned_beyond_keep_builds_but_never_the_live_one(live, e5):
    settings = live.replace(keep_builds=2)
    made = [idx.current_build(settings.embeddings_dir).name]
    for _ in range(3):
        made.append(reindex(settings, e5).build_id)
    kept = [b.build_id for b in lifecycle.builds(settings.embeddings_dir)]
    assert kept == made[-2:]
    # Roll back to the older kept build, then reindex: the live (older) build survives.
    lifecycle.rollback(settings.embeddings_dir, e5)
    assert idx.current_build(settings.embeddings_dir).name == made[-2]
    newest = reindex(settings, e5).build_id
    kept = [b.build_id for b in lifecycle.builds(settings.embeddings_dir)]
    assert newest in kept and len(kept) == 2
    assert _leftovers(settings.embeddings_dir) == []


# --- faults: a bad build goes live --------------------------------------------------


def _break_missing(build: Path) -> str:
    (build / "passages.jsonl").unlink()
    return "passages.jsonl"


def _break_truncated_index(build: Path) -> str:
    data = (build / "index.faiss").read_bytes()
    (build / "index.faiss").write_bytes(data[: len(data) // 2])
    return "index.faiss"


def _break_corrupt_vectors(build: Path) -> str:
    (build / "vectors.npy").write_bytes(b"\x93NUMPY garbage" * 10)
    return "vectors.npy"


def _break_truncated_passages(build: Path) -> str:
    data = (build / "passages.jsonl").read_bytes()
    (build / "passages.jsonl").write_bytes(data[: len(data) // 2])
    return str(build.name)


def _break_manifest(build: Path) -> str:
    (build / "manifest.json").write_text("{not json", encoding="utf-8")
    return "manifest.json"


def _break_embedder(build: Path) -> str:
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    manifest["embedder"] = {"name": "minilm", "version": "x", "dim": 384}
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return "minilm"


FAULTS = [
    _break_missing,
    _break_truncated_index,
    _break_corrupt_vectors,
    _break_truncated_passages,
    _break_manifest,
    _break_embedder,
]


def _bad_copy_goes_live(live, breaker) -> tuple[Path, str]:
    good = idx.current_build(live.embeddings_dir)
    bad = live.embeddings_dir / "20991231T000000000000Z-broken00"
    shutil.copytree(good, bad)
    manifest = json.loads((bad / "manifest.json").read_text(encoding="utf-8"))
    manifest["build_id"] = bad.name
    (bad / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    named = breaker(bad)
    idx.switch_current(live.embeddings_dir, bad)
    return bad, named


@pytest.mark.parametrize("breaker", FAULTS, ids=lambda f: f.__name__.removeprefix("_break_"))
def test_broken_build_going_live_keeps_the_old_one_serving(live, e5, breaker, caplog):
    client = _app(live, e5).test_client()
    old = _version(client)
    bad, named = _bad_copy_goes_live(live, breaker)
    caplog.set_level(logging.INFO, logger="qa_service")

    first = client.get("/api/v1/ask?q=state language")
    assert first.status_code == 200 and first.get_json()["index"]["version"] == old
    service = client.application.extensions["qa"]
    assert service.wait_reloaded()

    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.get_json()
    assert body["index"]["version"] == old
    assert named in body["warning"] and bad.name in body["warning"]
    assert str(live.embeddings_dir) not in body["warning"]  # no absolute path (row 10)
    failures = [r for r in caplog.records if r.getMessage() == "index load failed"]
    assert failures and named in failures[0].detail and failures[0].build == str(bad)
    # Still answering from the old build, and it does not retry the bad one per request.
    again = client.get("/api/v1/ask?q=referendum")
    assert again.status_code == 200 and again.get_json()["index"]["version"] == old
    assert len([r for r in caplog.records if r.getMessage() == "index load failed"]) == 1


def test_a_worker_starting_on_a_broken_build_serves_the_newest_good_one(live, e5):
    good = idx.current_build(live.embeddings_dir).name
    bad, _ = _bad_copy_goes_live(live, _break_truncated_index)
    client = _app(live, e5).test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["index"]["version"] == good
    assert "index.faiss" in ready.get_json()["warning"]
    assert client.get("/api/v1/ask?q=referendum").status_code == 200
    # Once an operator rolls back, the warning goes.
    lifecycle.rollback(live.embeddings_dir, e5, to=good)
    service = client.application.extensions["qa"]
    assert service.wait_reloaded()  # a reload begun before the rollback ends first
    service.maybe_reload()  # the reload runs in the background: wait for it
    assert service.wait_reloaded()
    assert client.get("/readyz").get_json().get("warning") is None


def test_without_any_good_build_readyz_says_why(live, e5):
    good = idx.current_build(live.embeddings_dir)
    bad, _ = _bad_copy_goes_live(live, _break_truncated_index)
    shutil.rmtree(good)
    client = _app(live, e5).test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["detail"] == (
        f"{bad.name}/index.faiss: unreadable (details in the server log)"
    )
    ask = client.get("/api/v1/ask?q=referendum")
    assert ask.status_code == 503 and ask.mimetype == "application/problem+json"
    assert "Retry-After" in ask.headers


@pytest.mark.parametrize("breaker", FAULTS, ids=lambda f: f.__name__.removeprefix("_break_"))
def test_readyz_and_503_name_no_path_and_no_library_internals(live, e5, breaker, caplog):
    """Issue 21 row 10: /readyz and 503 details said `/srv/.../index.faiss: unreadable
    (Error in ... index_read.cpp:3251 ...)` to anyone. They name the build and the file;
    the server log keeps the whole message."""
    good = idx.current_build(live.embeddings_dir)
    bad, named = _bad_copy_goes_live(live, breaker)
    shutil.rmtree(good)
    caplog.set_level(logging.INFO, logger="qa_service")
    client = _app(live, e5).test_client()
    said = [client.get("/readyz").get_json()["detail"]]
    said.append(client.get("/api/v1/ask?q=referendum").get_json()["detail"])
    for text in said:
        assert named in text
        assert "/" + bad.name not in text and str(live.embeddings_dir) not in text
        assert not any(word in text for word in ("Error in", ".cpp", "Traceback", "faiss::"))
    logged = [r.detail for r in caplog.records if r.getMessage() == "index load failed"]
    assert logged and str(bad) in logged[0]


def test_no_index_names_no_folder(tmp_path, e5):
    embeddings = tmp_path / "secret-folder" / "embeddings"
    client = _app(Settings.load({"embeddings_dir": embeddings, "corpus_dir": tmp_path}), e5)
    ready = client.test_client().get("/readyz").get_json()
    assert "reindex" in ready["detail"] and "secret-folder" not in ready["detail"]


# --- faults during a build ----------------------------------------------------------


def test_disk_full_during_a_build_leaves_nothing_and_names_the_file(live, e5, monkeypatch):
    before = sorted(p.name for p in live.embeddings_dir.iterdir())
    live_build = idx.current_build(live.embeddings_dir)
    real_save = np.save

    def full_disk(fh, array, *args, **kwargs):
        real_save(fh, array[: len(array) // 2], *args, **kwargs)  # half of it lands
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(idx.np, "save", full_disk)
    (live.corpus_dir / "polling.md").write_text(NEW_ARTICLE, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        reindex(live, e5)
    assert caught.value.exit_code == 4
    message = str(caught.value)
    assert "No space left on device" in message and "vectors.npy" in message
    assert sorted(p.name for p in live.embeddings_dir.iterdir()) == before
    assert idx.current_build(live.embeddings_dir) == live_build


def test_failed_verification_removes_the_new_build(live, e5, monkeypatch):
    before = sorted(p.name for p in live.embeddings_dir.iterdir())

    def fail(loaded, samples=20):
        raise BuildError("verification failed: simulated")

    monkeypatch.setattr("qa_service.build.verify_build", fail)
    with pytest.raises(BuildError):
        reindex(live, e5)
    assert sorted(p.name for p in live.embeddings_dir.iterdir()) == before


def test_invalid_source_stops_the_build_and_names_the_file(live, runner):
    before = sorted(p.name for p in live.embeddings_dir.iterdir())
    (live.corpus_dir / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody.\n", "utf-8")
    result = _cli(runner, live, "reindex", "--quiet")
    assert result.exit_code == 3
    assert "broken.md" in result.output
    assert sorted(p.name for p in live.embeddings_dir.iterdir()) == before


@pytest.fixture()
def tiny_disk(tmp_path):
    """A real 1.5 MiB tmpfs (root only): the second build cannot fit."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", str(mount)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_real_full_disk_keeps_the_live_build(live, e5, tiny_disk):
    embeddings = tiny_disk / "embeddings"
    shutil.copytree(live.embeddings_dir, embeddings, symlinks=True)
    settings = live.replace(embeddings_dir=embeddings)
    client = _app(settings, e5).test_client()
    old = _version(client)
    build_size = sum(p.stat().st_size for p in idx.current_build(embeddings).iterdir())
    usage = shutil.disk_usage(tiny_disk)
    (tiny_disk / "filler").write_bytes(b"\0" * max(0, usage.free - build_size // 2))
    before = sorted(p.name for p in embeddings.iterdir())
    with pytest.raises(BuildError) as caught:
        reindex(settings, e5)
    assert "No space left on device" in str(caught.value)
    assert ".tmp-" in str(caught.value)  # the file being written is named
    assert sorted(p.name for p in embeddings.iterdir()) == before
    r = client.get("/api/v1/ask?q=referendum")
    assert r.status_code == 200 and r.get_json()["index"]["version"] == old
