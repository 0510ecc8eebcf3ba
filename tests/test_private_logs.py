"""Issue 13, row 7: hostile traffic against a live `referendum-qa serve` (gunicorn), then
every line any logger wrote (the app, Flask-Limiter, gunicorn) is scanned for the
client's address and the question's text.

The client connects from 127.0.0.77 (any 127/8 address is loopback on Linux) while the
server binds 127.0.0.1, so the socket address is told apart from the server's own; a
second address, 203.0.113.77, arrives through X-Forwarded-For (QA_TRUSTED_PROXIES=1).
Every question and path carries a marker. Before the fix, Flask-Limiter logged
"ratelimit 2 per 1 minute (203.0.113.77) exceeded" and gunicorn "Invalid request from
ip=127.0.0.77: Invalid HTTP request line: 'GET /?q=<marker> ...'".
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import pytest

from .conftest import free_port

pytestmark = pytest.mark.slow

CLIENT = "127.0.0.77"
FORWARDED = "203.0.113.77"
MARKER = "private-marker-7f3a"


def _request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(CLIENT, 0))
    try:
        headers = {"X-Forwarded-For": FORWARDED, **(headers or {})}
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        r.read()
        return r.status
    finally:
        conn.close()


def _raw(port, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(CLIENT, 0)) as s:
        s.sendall(data)
        try:
            return s.recv(4096)
        except OSError:
            return b""


@pytest.fixture(scope="module")
def server(seed_index, tmp_path_factory):
    settings, _ = seed_index
    tmp = tmp_path_factory.mktemp("private-logs")
    port = free_port()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "QA_CORPUS_DIR": str(settings.corpus_dir),
        "QA_EMBEDDINGS_DIR": str(settings.embeddings_dir),
        "QA_FEEDBACK_DB": str(tmp / "feedback.sqlite3"),
        "QA_TRUSTED_PROXIES": "1",
        "QA_WORKERS": "1",
        "QA_PORT": str(port),
        "QA_RATE_LIMIT_ASK": "2/minute",
        "QA_RATE_LIMIT_FEEDBACK": "2/minute",
        "QA_RATE_LIMIT_OTHER": "5/minute",
        "QA_LOG_LEVEL": "DEBUG",  # the most a log can say
    }
    log_path = tmp / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qa_service", "serve"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"serve exited with {proc.returncode}: {log_path.read_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("serve never became ready")
        yield {"port": port, "log": log_path}
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def _hostile_traffic(port: int) -> dict[str, int]:
    question = quote(f"How many deputies {MARKER}?")
    statuses: dict[str, int] = {}
    for i in range(4):  # over the ask limit: 429 (Flask-Limiter's INFO line)
        statuses[f"ask {i}"] = _request(port, "GET", f"/api/v1/ask?q={question}")
    for i in range(7):  # unmatched paths over the general limit
        statuses[f"404 {i}"] = _request(port, "GET", f"/{MARKER}/{i}")
    statuses["method"] = _request(port, "FOOBAR", f"/healthz?{MARKER}")
    bodies = {
        "nested": "[" * 5000 + MARKER + "]" * 5000,
        "surrogate": json.dumps({"q": MARKER}).replace(MARKER, "\\ud800" + MARKER),
        "bad json": "{" + MARKER,
    }
    for name, body in bodies.items():
        statuses[name] = _request(
            port, "POST", "/api/v1/feedback", body, {"Content-Type": "application/json"}
        )
    form = f"q={MARKER}&helpful=no&passage_id=p-1%0D%0A{MARKER}"
    statuses["forged form"] = _request(
        port,
        "POST",
        "/feedback",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"},
    )
    statuses["bad host"] = _request(port, "GET", f"/embed?{MARKER}", headers={"Host": "a b"})
    for name, data in {
        "bad version": f"GET /?q={MARKER} HTTP/9.9\r\nHost: x\r\n\r\n",
        "bad line": f"GET /?q={MARKER} HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        "bad header": f"GET /?q={MARKER} HTTP/1.1\r\nHost: x\r\nBad Header: {MARKER}\r\n\r\n",
        "bad method": f"G\x01T /?q={MARKER} HTTP/1.1\r\n\r\n",
        "long line": f"GET /?q={MARKER}{'x' * 9000} HTTP/1.1\r\n\r\n",
    }.items():
        reply = _raw(port, data.encode("latin-1"))
        statuses[name] = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0
    return statuses


def test_no_log_line_names_a_client_or_quotes_a_question(server):
    statuses = _hostile_traffic(server["port"])
    # The traffic was hostile: refused in every way, never a 5xx.
    assert statuses["ask 3"] == 429 and statuses["404 6"] == 429, statuses
    assert all(0 < code < 500 or code == 0 for code in statuses.values()), statuses
    assert {statuses["bad version"], statuses["bad line"], statuses["bad method"]} <= {400, 0}
    time.sleep(1.0)  # let the worker flush
    lines = server["log"].read_text(encoding="utf-8", errors="replace").splitlines()
    leaks = [line for line in lines if MARKER in line or CLIENT in line or FORWARDED in line]
    assert leaks == [], "\n".join(leaks)[:3000]
    # The scan saw the lines that used to leak: they are there, without the details.
    assert any("rate limit" in line and "exceeded" in line for line in lines)
    assert any("invalid request refused" in line for line in lines)
    assert sum('"logger": "qa_service.access"' in line for line in lines) >= 15
