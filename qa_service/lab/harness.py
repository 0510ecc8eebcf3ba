"""The lab's harness, written once: servers on free ports, the question mix, wrk with the
server's own timings, redis-server, the nginx configuration (shared with
tests/test_nginx.py) and Markdown tables. bench.py, capacity.py, soak.py and the report
modules build on it; it imports none of them.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Settings, child_env

# Questions the load is drawn from: the repository's held-out set when run from a checkout,
# a few built-in ones otherwise (the bench must not depend on files outside the project).
DEV_QUESTIONS = Path("docs/quality/heldout_questions.jsonl")
FALLBACK_QUESTIONS = (
    "How many deputies will the new parliament have?",
    "When is the referendum on the new constitution?",
    "Сколько депутатов будет в однопалатном парламенте?",
    "Референдум қашан өтеді?",
    "What happens to the Senate under the reform?",
    "Will Kazakh remain the state language?",
)


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean in ms, rounded for the report; empty input gives zeros."""
    if not len(values_ms):
        return {"n": 0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "mean": 0.0}
    arr = np.asarray(values_ms, dtype=np.float64)
    p50, p95, p99 = np.percentile(arr, [50, 95, 99])
    return {
        "n": int(arr.size),
        "p50": round(float(p50), 3),
        "p95": round(float(p95), 3),
        "p99": round(float(p99), 3),
        "mean": round(float(arr.mean()), 3),
    }


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def dev_questions(path: Path = DEV_QUESTIONS) -> list[str]:
    """A labelled set's questions (any language); a few built-in ones if it is absent."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        questions = [json.loads(line)["question"] for line in lines if line.strip()]
    except (OSError, KeyError, json.JSONDecodeError):
        questions = []
    return questions or list(FALLBACK_QUESTIONS)


_PREFIXES = ("", "", "Please tell me: ", "Quick question: ", "I would like to know ", "So, ")
_SUFFIXES = ("", "", " Thanks.", " Please explain.", " (asking for my parents)", " Is it true?")


def question_mix(questions: Sequence[str], n: int, seed: int = 0) -> list[str]:
    """``n`` distinct questions perturbed from ``questions``, as real users vary them.

    Prefixes, suffixes, case, a dropped word and, when those run out, a number: every
    string is new, so the query cache cannot hide the cost of embedding.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    attempts = 0
    while len(out) < n:
        attempts += 1
        words = rng.choice(questions).split()
        if len(words) > 4 and rng.random() < 0.4:
            del words[rng.randrange(1, len(words) - 1)]
        text = rng.choice(_PREFIXES) + " ".join(words) + rng.choice(_SUFFIXES)
        if rng.random() < 0.3:
            text = text.lower()
        if text in seen or attempts > 20 * n:
            text = f"{text} ({len(out) + 1})"
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def proc_memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS of one process in MB (PSS/USS from /proc/<pid>/smaps_rollup)."""
    out: dict[str, float] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out["rss_mb"] = round(int(line.split()[1]) / 1024, 1)
    with contextlib.suppress(OSError):
        fields: dict[str, int] = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                fields[parts[0][:-1]] = int(parts[1])
        if "Pss" in fields:
            out["pss_mb"] = round(fields["Pss"] / 1024, 1)
            uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
            out["uss_mb"] = round(uss / 1024, 1)
    return out


def children_of(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return sorted(kids)


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path
    ready_s: float | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        return children_of(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(
    settings: Settings,
    workers: int,
    log: Path,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> Server:
    """``referendum-qa serve`` on a free port; returns once ``/readyz`` answers 200.

    Rate limiting is switched off for the run: every request comes from 127.0.0.1.
    ``env``: more QA_* settings for this server (they win over this process's).
    """
    extra = env or {}
    port = free_port()
    env = {
        **child_env(settings),
        "QA_EMBEDDINGS_DIR": str(settings.embeddings_dir),
        "QA_CORPUS_DIR": str(settings.corpus_dir),
        "QA_EMBEDDER": settings.embedder,
        "QA_RATE_LIMITS": "0",
        "QA_LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        **extra,
    }
    cmd = [sys.executable, "-m", "qa_service", "serve", "--workers", str(workers)]
    cmd += ["--port", str(port)]
    started = time.perf_counter()
    fh = open(log, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT)
    fh.close()
    server = Server(process, port, log)
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(server.base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    server.ready_s = round(time.perf_counter() - started, 2)
                    return server
        except urllib.error.HTTPError as exc:  # 503 while loading: close its body
            exc.close()
        except OSError:
            pass
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"server not ready after {timeout}s; see {log}")


def ask_paths(n: int, seed: int) -> list[str]:
    return [
        "/api/v1/ask?" + urllib.parse.urlencode({"q": q, "k": 5})
        for q in question_mix(dev_questions(), n, seed=seed)
    ]


WRK_SCRIPT = r"""
local tid = 0
local threads = {}
function setup(thread)
  thread:set("tid", tid)
  tid = tid + 1
  table.insert(threads, thread)
end
function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = tid * math.floor(#paths / 8)
  timings = {}
  statuses = 0
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
function response(status, headers, body)
  if status ~= 200 then statuses = statuses + 1 end
  local v = headers["Server-Timing"]
  if v then
    local d = string.match(v, "dur=([%d%.]+)")
    if d then timings[#timings + 1] = d end
  end
end
function done(summary, latency, requests)
  local out = io.open(wrk_out, "w")
  local bad = 0
  for _, t in ipairs(threads) do
    for _, d in ipairs(t:get("timings")) do out:write(d, "\n") end
    bad = bad + t:get("statuses")
  end
  out:close()
  local e = summary.errors
  io.write(string.format(
    '@@{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "non200": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, bad))
end
"""


def wrk(base: str, paths: list[str], concurrency: int, seconds: float, work: Path) -> dict:
    """wrk over ``paths`` (cycled), with the server's own time per answer collected from
    the ``Server-Timing`` header of every response. ``errors``: failed connections,
    reads, writes, timeouts and answers other than 200."""
    work.mkdir(parents=True, exist_ok=True)
    paths_file = work / f"paths-{time.monotonic_ns()}.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    timings = paths_file.with_suffix(".timings")
    script = work / "timed.lua"
    script.write_text(f"wrk_out = {json.dumps(str(timings))}\n" + WRK_SCRIPT)
    threads = max(1, min(concurrency, 2))
    cmd = ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{max(1, round(seconds))}s"]
    cmd += ["--timeout", "10s", "-s", str(script), base, "--", str(paths_file)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    line = next((x for x in out.stdout.splitlines() if x.startswith("@@")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {out.stdout[-500:]} {out.stderr[-500:]}")
    raw = json.loads(line[2:])
    duration = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect", "read", "write", "timeout")) + raw["non200"]
    server = [float(x) for x in timings.read_text().split()] if timings.exists() else []
    return {
        "tool": "wrk",
        "concurrency": concurrency,
        "seconds": round(duration, 2),
        "requests": raw["requests"],
        "rps": round(raw["requests"] / duration, 1) if duration else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "errors": errors,
        "server_ms": percentiles(server),
    }


class RedisServer:
    """A throwaway redis-server on a free loopback port (nothing persisted)."""

    def __init__(self, work: Path):
        self.port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--maxmemory", "256mb", "--maxmemory-policy", "volatile-lru"],
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                break
            except redis.RedisError:
                time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("redis-server did not start")

    @property
    def uri(self) -> str:
        return f"redis://127.0.0.1:{self.port}/1"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def warm(base: str, paths: list[str]) -> None:
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            response.read()


NGINX_DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "nginx"


@dataclass(frozen=True)
class NginxSetup:
    """How a local nginx differs from deploy/nginx: every request comes from one address,
    so the limit_req rates go up; paths live under the run's folder."""

    rate: str = "1000r/s"  # both limit_req zones
    proxy_cache: bool = True  # off: the app's answer cache is what is measured
    conn_limit: int | None = None  # limit_conn per address (None: as deployed)
    access_log: Path | None = None  # None: off
    server_names: str = "127.0.0.1"
    keepalive: int | None = None  # upstream keepalive connections (None: as deployed)
    worker_processes: int | None = None  # None: as deployed (auto)


def nginx_config(
    prefix: Path, port: int, replica_ports: Sequence[int], setup: NginxSetup = NginxSetup()
) -> Path:
    """deploy/nginx's files rewritten under ``prefix`` (its ``conf/``) for nginx on
    loopback ``port`` in front of ``replica_ports``; the main file's path, for
    ``nginx -p PREFIX -c PATH``. The load test and tests/test_nginx.py both use it."""
    prefix = prefix.resolve()  # nginx resolves relative paths against its own prefix
    conf = prefix / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    site = (NGINX_DEPLOY / "site.conf").read_text(encoding="utf-8")
    site = site.replace("rate=5r/s", f"rate={setup.rate}").replace(
        "rate=30r/s", f"rate={setup.rate}"
    )
    if not setup.proxy_cache:
        site = site.replace("proxy_cache qa_cache;", "proxy_cache off;")
    if setup.conn_limit is not None:
        site = site.replace("limit_conn qa_conn 32;", f"limit_conn qa_conn {setup.conn_limit};")
    (conf / "site.conf").write_text(site)
    shutil.copy(Path("/etc/nginx/mime.types"), conf / "mime.types")
    (conf / "listen.conf").write_text(f"listen 127.0.0.1:{port};\n")
    (conf / "server_name.conf").write_text(f"server_name {setup.server_names};\n")
    servers = "".join(
        f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in replica_ports
    )
    keepalive = f"    keepalive {setup.keepalive};\n" if setup.keepalive else ""
    (conf / "upstream.conf").write_text(f"upstream qa_app {{\n{servers}{keepalive}}}\n")
    access = f"access_log {setup.access_log} qa_private;" if setup.access_log else "access_log off;"
    main = (
        (NGINX_DEPLOY / "nginx.conf")
        .read_text(encoding="utf-8")
        .replace("pid /tmp/nginx.pid;", f"pid {prefix}/nginx.pid;")
        .replace("/var/cache/nginx/qa", str(prefix / "nginx-cache"))
        .replace("access_log /dev/stdout qa_private;", access)
        .replace("error_log /dev/stderr crit;", f"error_log {prefix}/nginx-error.log crit;")
    )
    if setup.worker_processes is not None:
        main = main.replace("worker_processes auto;", f"worker_processes {setup.worker_processes};")
    temp = "".join(
        f"    {name}_temp_path {prefix}/nginx-{name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = main.replace("http {\n", "http {\n" + temp, 1)
    if os.geteuid() == 0:  # the run's folders are root's: let the workers read them
        main = "user root;\n" + main
    (conf / "nginx.conf").write_text(main)
    return conf / "nginx.conf"


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table; None shows as a dash, numbers with thousands separators."""

    def cell(value: Any) -> str:
        if value is None:
            return "–"
        if isinstance(value, float):
            return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
