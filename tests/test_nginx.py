"""nginx (deploy/nginx/site.conf) in front of two `referendum-qa serve` replicas on loopback.

What docker-compose.yml runs, without Docker: both replicas answer, one killed under
load loses no request (nginx retries on the other), a reindex reaches both and the cached
answers within seconds, answers are gzipped and cached, nginx' log holds neither
questions nor addresses, and only the site's own host names get through (issue 13, row 6:
other hosts 421, a malformed Host 400, absolute URLs from QA_PUBLIC_URL).
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from qa_service.build import reindex
from qa_service.lab.harness import NginxSetup, nginx_config

from .conftest import free_port

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
MARKER = "nginx-private-marker"
PUBLIC_URL = "https://qa.example.kz"


def _get(port: int, path: str, headers: dict | None = None, timeout: float = 30.0):
    """GET through one connection; ``headers`` may replace Host."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def _wait_ready(port: int, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"process on :{port} exited with {proc.returncode}")
        try:
            if _get(port, "/readyz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"nothing ready on :{port}")


def _version(port: int) -> str:
    return json.loads(_get(port, "/readyz")[2])["index"]["version"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory, seed_index):
    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    settings, _ = seed_index
    tmp = tmp_path_factory.mktemp("nginx-stack")
    corpus, embeddings = tmp / "corpus", tmp / "embeddings"
    shutil.copytree(settings.corpus_dir, corpus)
    shutil.copytree(settings.embeddings_dir, embeddings, symlinks=True)
    port = free_port()  # nginx's
    replicas = []
    for n in range(2):
        replica_port = free_port()
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "QA_CORPUS_DIR": str(corpus),
            "QA_EMBEDDINGS_DIR": str(embeddings),
            "QA_FEEDBACK_DB": str(tmp / f"feedback-{n}.sqlite3"),
            "QA_TRUSTED_PROXIES": "1",
            "QA_RELOAD_CHECK_SECONDS": "0.5",
            "QA_WORKERS": "1",
            "QA_PORT": str(replica_port),
            "QA_PUBLIC_URL": PUBLIC_URL,
            # All test traffic comes from one address (the app's limits: test_limits.py).
            "QA_RATE_LIMIT_ASK": "100000/minute",
        }
        log = open(tmp / f"app-{n}.log", "wb")  # noqa: SIM115 - closed at teardown
        proc = subprocess.Popen(
            [sys.executable, "-m", "qa_service", "serve"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        replicas.append({"port": replica_port, "proc": proc, "log": log})
    # deploy/nginx as deployed; only the rates go up, since every test request comes from
    # one address, and loopback is the site too.
    setup = NginxSetup(access_log=tmp / "access.log", server_names="127.0.0.1 qa.example.kz")
    conf = nginx_config(tmp, port, [r["port"] for r in replicas], setup)
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp.resolve()), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for r in replicas:
        _wait_ready(r["port"], r["proc"])
    _wait_ready(port, nginx, seconds=20)
    yield {
        "port": port,
        "replicas": replicas,
        "corpus": corpus,
        "embeddings": embeddings,
        "settings": settings.replace(corpus_dir=corpus, embeddings_dir=embeddings),
        "access_log": tmp / "access.log",
        "app_logs": [tmp / f"app-{n}.log" for n in range(2)],
    }
    for proc in [nginx] + [r["proc"] for r in replicas]:
        _stop_group(proc)
    for r in replicas:
        r["log"].close()


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM the process group (a killed gunicorn master may leave its worker behind)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=20)
            break
        except subprocess.TimeoutExpired:
            continue


def _ask(port: int, i: int, extra: str = "") -> tuple[int, dict]:
    status, headers, body = _get(port, f"/api/v1/ask?q={quote(f'deputies {extra} {i}')}")
    return status, json.loads(body) if status == 200 else {"raw": body[:200]}


def _upstreams(stack) -> set[str]:
    text = stack["access_log"].read_text()
    ports = {str(r["port"]) for r in stack["replicas"]}
    return {p for p in ports if f"127.0.0.1:{p}" in text}


def test_both_replicas_answer_through_nginx(stack):
    statuses = [_ask(stack["port"], i)[0] for i in range(16)]
    assert statuses == [200] * 16
    time.sleep(0.5)
    assert _upstreams(stack) == {str(r["port"]) for r in stack["replicas"]}


def test_answers_are_gzipped_cached_and_not_logged(stack):
    path = f"/api/v1/ask?q={quote('How many deputies? ' + MARKER)}"
    status, headers, body = _get(stack["port"], path, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(body))["results"]
    again = _get(stack["port"], path, {"Accept-Encoding": "gzip"})
    # HIT within 2 s of the first answer, REVALIDATED (a 304 from the app) after.
    assert again[1].get("X-Cache-Status") in ("HIT", "REVALIDATED")
    assert _get(stack["port"], "/metrics")[0] == 200  # loopback counts as private
    # The page, its stylesheet and its script are compressed by nginx too (the app sends
    # them plain): docs/ui.md, "Weight".
    status, headers, body = _get(stack["port"], "/?lang=kk", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    page = gzip.decompress(body).decode()
    for ref in re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js)[^"]*)"', page):
        status, headers, body = _get(
            stack["port"], ref.replace("&amp;", "&"), {"Accept-Encoding": "gzip"}
        )
        assert status == 200 and headers.get("Content-Encoding") == "gzip", ref
    time.sleep(0.5)
    logs = [stack["access_log"], *stack["app_logs"]]
    for log in logs:
        text = log.read_text(errors="replace")
        assert MARKER not in text, log.name
        assert "How many deputies" not in text, log.name


def test_an_unchanged_cached_answer_is_revalidated_by_etag(stack):
    path = f"/api/v1/ask?q={quote('Who may vote in the referendum?')}"
    first = _get(stack["port"], path)
    assert first[0] == 200 and first[1].get("X-Cache-Status") in ("MISS", "EXPIRED")
    time.sleep(3.2)  # past proxy_cache_valid (2 s, counted in whole seconds: up to 3)
    again = _get(stack["port"], path)
    assert again[0] == 200 and again[1].get("X-Cache-Status") == "REVALIDATED"
    assert json.loads(again[2]) == json.loads(first[2])


def test_other_hosts_are_refused_and_a_malformed_host_is_400(stack):
    assert _get(stack["port"], "/healthz", {"Host": "evil.example"})[0] == 421
    assert _get(stack["port"], "/healthz", {"Host": "a b"})[0] == 400
    assert _get(stack["port"], "/healthz", {"Host": "qa.example.kz"})[0] == 200
    assert _get(stack["port"], "/healthz")[0] == 200  # Host: 127.0.0.1:<port>


def test_absolute_urls_come_from_public_url_not_the_host(stack):
    for host in ("qa.example.kz", None):
        headers = {"Host": host} if host else {}
        status, _, body = _get(stack["port"], "/embed?lang=en", headers)
        assert status == 200
        page = body.decode("utf-8")
        assert f'src="{PUBLIC_URL}/embed.js"' in page.replace("&#34;", '"').replace("&quot;", '"')
        assert "127.0.0.1" not in page


def test_reindex_reaches_both_replicas_and_the_cache(stack, e5):
    cached = f"/api/v1/ask?q={quote('deputies cached before the reindex')}"
    before = json.loads(_get(stack["port"], cached)[2])["index"]["version"]
    old = _version(stack["replicas"][0]["port"])
    assert before == old
    (stack["corpus"] / "polling.md").write_text(
        "---\ntitle: Polling stations open at seven\ndate: 2026-03-01\noutlet: Test Gazette\n"
        "lang: en\n---\nPolling stations for the referendum open at seven in the morning.\n",
        encoding="utf-8",
    )
    new = reindex(stack["settings"], e5).build_id
    assert new != old
    deadline = time.monotonic() + 120
    seen = {}
    while time.monotonic() < deadline:
        seen = {r["port"]: _version(r["port"]) for r in stack["replicas"]}
        if set(seen.values()) == {new}:
            break
        time.sleep(0.5)
    assert set(seen.values()) == {new}
    versions = {_ask(stack["port"], i, "after reindex")[1]["index"]["version"] for i in range(6)}
    assert versions == {new}
    time.sleep(3.2)  # the cached answer expires and is asked again: the new build answers
    assert json.loads(_get(stack["port"], cached)[2])["index"]["version"] == new


def test_a_replica_killed_under_load_loses_no_request(stack):
    results: list[int] = []
    stop = threading.Event()

    def load(slot: int) -> None:
        i = 0
        while not stop.is_set():
            try:
                results.append(_ask(stack["port"], i, f"kill {slot}")[0])
            except Exception as exc:  # noqa: BLE001 - any failure is a lost request: shown below
                results.append(repr(exc))
            i += 1

    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(2)
    victim = stack["replicas"][0]["proc"]
    os.killpg(victim.pid, signal.SIGKILL)  # master and worker, mid-request
    before = len(results)
    time.sleep(4)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert len(results) > before  # traffic went on after the kill
    assert set(results) == {200}, [r for r in results if r != 200][:5]
