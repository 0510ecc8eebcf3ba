"""Soak and chaos test: mixed traffic against `referendum-qa serve` on 127.0.0.1.

For SECONDS (default 60) at CONCURRENCY (16) it sends valid questions in kk/ru/en from
many simulated client addresses (X-Forwarded-For, one trusted proxy), invalid and
oversized requests, feedback, and bursts from one address over the rate limit. At 1/3 of
the run it adds an article and reindexes; at 2/3 it attempts a corrupt build twice (a
source that fails to parse, then a build with a truncated index.faiss made live by hand),
and rolls back a few seconds later.

Report: requests, failures (anything but the expected status: deliberate 4xx and 429 are
expected, 5xx, resets and timeouts are not), index versions seen and when, latency p50
and p99, /readyz over time, and whether the server log named the broken file and kept
questions out. Exit 1 when a request failed or the new build was never served.

    scripts/soak                      # 60 s, concurrency 16, 2 workers
    scripts/soak --seconds 10 --json report.json

(``python -m qa_service.lab.soak`` from the repository root does the same.)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..config import process_env
from .harness import free_port

PRIVATE = "soak-private-marker"  # put in some questions; must never reach the log

QUESTIONS = [
    "How many deputies will the unicameral parliament have?",
    "What happens to the Senate?",
    "Is personal data protection in the new Constitution?",
    "Когда пройдет референдум?",
    "Сколько депутатов будет в Курултае?",
    "Что изменится в статусе государственного языка?",
    "Мемлекеттік тіл мәртебесі өзгере ме?",
    "Парламент қанша палатадан тұрады?",
    "Who can vote in the referendum?",
    "recipe for beshbarmak",
]

NEW_ARTICLE = """---
title: Soak test article on polling station hours
date: 2026-03-01
outlet: Soak Gazette
url: https://example.org/soak
lang: en
---
Polling stations for the referendum open at seven in the morning and close at eight in the
evening, the soak test article says. Voters bring an identity card.
"""


@dataclass
class Result:
    kind: str
    status: int  # 0: connection error or timeout
    expected: tuple[int, ...]
    at: float
    seconds: float
    version: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in self.expected


@dataclass
class Run:
    port: int
    started: float
    results: list[Result] = field(default_factory=list)
    events: list[tuple[float, str]] = field(default_factory=list)
    ready: list[tuple[float, int, str | None, str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.monotonic() - self.started

    def event(self, text: str) -> None:
        with self.lock:
            self.events.append((round(self.now(), 1), text))
        print(f"[{self.now():5.1f}s] {text}", file=sys.stderr)


def request(port: int, method: str, path: str, body=None, headers=None, timeout=30.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = None
        headers = dict(headers or {})
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


def one_request(run: Run, rng: random.Random, burst_addr: str | None = None) -> Result:
    """Pick a kind of request, send it, and say which statuses count as correct."""
    from urllib.parse import quote

    addr = burst_addr or f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    headers = {"X-Forwarded-For": addr}
    roll = rng.random()
    q = rng.choice(QUESTIONS)
    if burst_addr:
        kind, method, path, body, expected = (
            "burst",
            "GET",
            f"/api/v1/ask?q={quote(q)}",
            None,
            (
                200,
                429,
            ),
        )
    elif roll < 0.65:
        if rng.random() < 0.1:
            q = f"{q} {PRIVATE}"
        if rng.random() < 0.5:
            kind, method, path, body = "ask", "GET", f"/api/v1/ask?q={quote(q)}&k=5", None
        else:
            kind, method, path, body = "ask", "POST", "/api/v1/ask", {"q": q, "k": 3}
        expected = (200,)
    elif roll < 0.75:
        kind, expected = "invalid", (400,)
        method, body = "GET", None
        path = rng.choice(
            [
                "/api/v1/ask?q=x&k=0",
                "/api/v1/ask?q=%00%01",
                "/api/v1/ask?k=3",
                "/api/v1/ask?q=x&lang=de",
                "/api/v1/ask?q=x&debug=1",
            ]
        )
    elif roll < 0.82:
        kind, method, path, body = "oversized", "GET", "/api/v1/ask?q=" + "a" * 600, None
        expected = (400,)
        if rng.random() < 0.5:
            method, path, body = "POST", "/api/v1/ask", {"q": "x" * 20000}
            expected = (413,)
    elif roll < 0.90:
        kind, method, path, body, expected = "articles", "GET", "/api/v1/articles", None, (200,)
    elif roll < 0.95:
        kind, method, path, expected = "feedback", "POST", "/api/v1/feedback", (201,)
        body = {"q": q, "helpful": rng.random() < 0.5}
    else:
        kind, method, path, body, expected = "page", "GET", "/?q=" + quote(q), None, (200,)
    started = time.perf_counter()
    at = run.now()
    try:
        status, raw, _ = request(run.port, method, path, body, headers)
    except (OSError, http.client.HTTPException) as exc:
        return Result(kind, 0, expected, at, time.perf_counter() - started, error=repr(exc))
    version = None
    if status == 200 and kind in ("ask", "burst"):
        try:
            version = json.loads(raw)["index"]["version"]
        except (ValueError, KeyError):
            status = -1  # a 200 without a well-formed answer is a failure
    return Result(kind, status, expected, at, time.perf_counter() - started, version)


def traffic(run: Run, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        result = one_request(run, rng)
        with run.lock:
            run.results.append(result)


def burst(run: Run, n: int, addr: str) -> None:
    rng = random.Random(addr)
    got = Counter()
    for _ in range(n):
        result = one_request(run, rng, burst_addr=addr)
        got[result.status] += 1
        with run.lock:
            run.results.append(result)
    run.event(f"burst of {n} from {addr}: {dict(got)}")


def watch_ready(run: Run, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            status, raw, _ = request(run.port, "GET", "/readyz", timeout=10)
            body = json.loads(raw)
            version = (body.get("index") or {}).get("version")
            problem = body.get("warning") or body.get("detail")
        except (OSError, ValueError, http.client.HTTPException) as exc:
            status, version, problem = 0, None, repr(exc)
        with run.lock:
            run.ready.append((round(run.now(), 1), status, version, problem))
        stop.wait(1.0)


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qa_service", *args], env=env, capture_output=True, text=True
    )


def chaos(run: Run, env: dict, corpus: Path, embeddings: Path, t: dict, stop: threading.Event):
    def wait_until(moment: float) -> bool:
        while run.now() < moment:
            if stop.wait(0.2):
                return False
        return True

    if not wait_until(t["reindex"]):
        return
    (corpus / "soak-article.md").write_text(NEW_ARTICLE, encoding="utf-8")
    run.event("reindex started (one article added)")
    done = cli(env, "reindex", "--quiet")
    lines = done.stdout.splitlines()
    build = next((ln.split()[-1] for ln in lines if ln.startswith("build:")), "?")
    run.event(f"reindex finished: exit {done.returncode}, build {build}")
    if not wait_until(t["corrupt"]):
        return
    broken = corpus / "broken-source.md"
    broken.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    done = cli(env, "reindex", "--quiet")
    broken.unlink()
    run.event(f"reindex with a source that fails to parse: exit {done.returncode} (3 = refused)")
    good = (embeddings / "current").resolve()
    bad = embeddings / "29991231T000000000000Z-corrupt0"
    shutil.copytree(good, bad)
    manifest = json.loads((bad / "manifest.json").read_text(encoding="utf-8"))
    manifest["build_id"] = bad.name
    (bad / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    data = (bad / "index.faiss").read_bytes()
    (bad / "index.faiss").write_bytes(data[: len(data) // 3])
    tmp_link = embeddings / ".soak-link"
    os.symlink(bad.name, tmp_link)
    os.replace(tmp_link, embeddings / "current")
    run.event(f"corrupt build {bad.name} made live by hand (index.faiss truncated)")
    if not wait_until(t["rollback"]):
        return
    done = cli(env, "rollback", "--to", good.name)
    run.event(f"rollback to {good.name}: exit {done.returncode} {done.stderr.strip()[:80]}")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="qa-soak-"))
    corpus, embeddings = tmp / "corpus", tmp / "embeddings"
    shutil.copytree(args.corpus, corpus)
    port = free_port()
    env = {
        **process_env(),
        "HF_HUB_OFFLINE": "1",
        "QA_CORPUS_DIR": str(corpus),
        "QA_EMBEDDINGS_DIR": str(embeddings),
        "QA_FEEDBACK_DB": str(tmp / "feedback.sqlite3"),
        "QA_TRUSTED_PROXIES": "1",
        # Lower than the default 60/minute so that a burst is refused even though each
        # of the workers counts on its own (memory storage).
        "QA_RATE_LIMIT_ASK": "30/minute",
        "QA_RELOAD_CHECK_SECONDS": "1",
        "QA_WORKERS": str(args.workers),
        "QA_PORT": str(port),
    }
    built = cli(env, "reindex", "--quiet")
    if built.returncode != 0:
        print(built.stdout, built.stderr, file=sys.stderr)
        return 1
    log_path = tmp / "server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "qa_service", "serve"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        return soak(args, server, port, env, corpus, embeddings, log_path)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)


def soak(args, server, port, env, corpus, embeddings, log_path) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/readyz", timeout=5)[0] == 200:
                break
        except OSError:
            pass
        if server.poll() is not None:
            print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
            return 1
        time.sleep(0.3)
    first_version = json.loads(request(port, "GET", "/readyz")[1])["index"]["version"]
    run = Run(port=port, started=time.monotonic())
    run.event(f"server ready on :{port}, {args.workers} workers, build {first_version}")
    stop = threading.Event()
    s = args.seconds
    moments = {"reindex": s / 3, "corrupt": 2 * s / 3, "rollback": 2 * s / 3 + max(3, s / 12)}
    threads = [
        threading.Thread(target=traffic, args=(run, stop, n)) for n in range(args.concurrency)
    ]
    threads.append(threading.Thread(target=watch_ready, args=(run, stop)))
    chaos_thread = threading.Thread(
        target=chaos, args=(run, env, corpus, embeddings, moments, stop)
    )
    threads.append(chaos_thread)
    for t in threads:
        t.start()
    bursts = []
    for n, at in enumerate([s / 6, s / 2, 5 * s / 6]):
        while run.now() < at:
            time.sleep(0.1)
        for _ in range(4):  # 4 connections at once from one address, 80 requests in all
            bursts.append(threading.Thread(target=burst, args=(run, 20, f"203.0.113.{n + 1}")))
            bursts[-1].start()
    # Traffic goes on until the chaos is over (a reindex may outlast a short run), then
    # a little longer, so that the build served after the rollback is seen too.
    while run.now() < s or chaos_thread.is_alive():
        time.sleep(0.2)
    end = run.now() + 3
    while run.now() < end:
        time.sleep(0.2)
    stop.set()
    for t in threads + bursts:
        t.join(timeout=120)
    elapsed = run.now()
    time.sleep(0.5)
    metrics = request(port, "GET", "/metrics")[1].decode()
    return report(args, run, elapsed, first_version, log_path, metrics)


def report(args, run: Run, elapsed: float, first_version: str, log_path: Path, metrics: str):
    results = run.results
    failures = [r for r in results if not r.ok]
    by_kind = defaultdict(Counter)
    for r in results:
        by_kind[r.kind][r.status] += 1
    versions: dict[str, list[float]] = {}
    for r in sorted(results, key=lambda r: r.at):
        if r.version:
            seen = versions.setdefault(r.version, [r.at, r.at, 0])
            seen[1] = r.at
            seen[2] += 1
    asks = [r.seconds * 1000 for r in results if r.kind == "ask" and r.status == 200]
    every = [r.seconds * 1000 for r in results]
    log = log_path.read_text(errors="replace")
    lines = log.splitlines()
    named = [ln for ln in lines if "index load failed" in ln and "index.faiss" in ln]
    problems_seen = sorted({p for _, _, _, p in run.ready if p})
    summary = {
        "seconds": round(elapsed, 1),
        "concurrency": args.concurrency,
        "workers": args.workers,
        "requests": len(results),
        "requests_per_second": round(len(results) / elapsed, 1),
        "failures": len(failures),
        "failure_examples": [vars(r) for r in failures[:10]],
        "by_kind": {k: {str(s): n for s, n in sorted(c.items())} for k, c in by_kind.items()},
        "deliberate_4xx_429": sum(1 for r in results if r.ok and 400 <= r.status < 500),
        "versions_seen": {
            v: {"first_s": round(a, 1), "last_s": round(b, 1), "responses": n}
            for v, (a, b, n) in versions.items()
        },
        "ask_latency_ms": {
            "p50": round(percentile(asks, 50), 1),
            "p99": round(percentile(asks, 99), 1),
            "max": round(max(asks), 1) if asks else None,
            "mean": round(statistics.fmean(asks), 1) if asks else None,
        },
        "all_latency_ms": {
            "p50": round(percentile(every, 50), 1),
            "p99": round(percentile(every, 99), 1),
        },
        "readyz": {
            "checks": len(run.ready),
            "non_200": sum(1 for _, status, _, _ in run.ready if status != 200),
            "problems_reported": problems_seen[:5],
        },
        "events": run.events,
        "log": {
            "lines": len(lines),
            "json_lines": sum(1 for ln in lines if ln.startswith("{")),
            "load_failures_naming_index_faiss": len(named),
            "private_question_text_in_log": PRIVATE in log,
        },
        "metrics_requests_total_lines": sum(
            1 for ln in metrics.splitlines() if ln.startswith("qa_http_requests_total")
        ),
    }
    text = json.dumps(summary, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    new_served = any(v != first_version for v in versions)
    corrupt_served = any("corrupt" in v for v in versions)
    ok = not failures and new_served and not corrupt_served and PRIVATE not in log
    print("\nSOAK " + ("PASSED" if ok else "FAILED"), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
