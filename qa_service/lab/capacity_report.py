"""Markdown for the capacity sections (capacity.py): issue 14's targets with the old
figure (two encoder passes) beside the new one, and each section's table."""

from __future__ import annotations

from typing import Any

from .harness import table

# Issue 14's targets, checked in the report (never in a test).
RATE_OF_FLOOR = 0.8  # distinct questions/s at concurrency 16 over the 2-core floor rate
P50_OF_FLOOR = 1.3
P99_OF_FLOOR = 3.0
CACHED_P50_MS = 1.0
CACHED_OVER_UNCACHED = 20.0
REINDEX_SPEEDUP = 1.7


def _ok(value: float | None, target: float, lower_is_better: bool = True) -> str:
    if value is None:
        return "–"
    met = value <= target if lower_is_better else value >= target
    return "met" if met else "**missed**"


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def targets_md(results: dict) -> str:
    """One row per target: wanted, two passes (old), one pass (new), verdict on new."""
    rows: list[list[Any]] = []
    enc = results.get("encoder") or {}
    floors = enc.get("floor_threads") or {}
    floor1 = ((floors.get("1") or {}).get("wall") or {}).get("p50")
    floor2 = ((floors.get("2") or {}).get("wall") or {}).get("p50")
    if floor1:
        rows.append(["floor: one e5 query pass, 1 thread (ms p50)", "", floor1, floor1, ""])
        rows.append(["floor: one pass, 2 threads (ms p50)", "", floor2, floor2, ""])
    runs = (results.get("throughput") or {}).get("runs") or {}
    old, new = runs.get("two_passes"), runs.get("one_pass")
    if old and new and floor1:
        floor_rate = 2 * 1000 / floor1
        rows.append(["2-core floor rate (questions/s)", "", round(floor_rate, 1), None, ""])
        a, b = _ratio(old["rps"], floor_rate), _ratio(new["rps"], floor_rate)
        rows.append(
            [
                "distinct questions/s at c=16, 2 workers (/ floor rate)",
                f">= {RATE_OF_FLOOR}",
                f"{old['rps']} ({a})",
                f"{new['rps']} ({b})",
                _ok(b, RATE_OF_FLOOR, False),
            ]
        )
        o50, n50 = old["server_ms"]["p50"], new["server_ms"]["p50"]
        a, b = _ratio(o50, floor1), _ratio(n50, floor1)
        rows.append(
            [
                "server-side p50 at c=16 (/ 1-thread floor)",
                f"<= {P50_OF_FLOOR}x",
                f"{o50} ({a}x)",
                f"{n50} ({b}x)",
                _ok(b, P50_OF_FLOOR),
            ]
        )
        o99, n99 = old["server_ms"]["p99"], new["server_ms"]["p99"]
        a, b = _ratio(o99, floor1), _ratio(n99, floor1)
        rows.append(
            [
                "server-side p99 at c=16 (/ 1-thread floor p50)",
                f"<= {P99_OF_FLOOR}x",
                f"{o99} ({a}x)",
                f"{n99} ({b}x)",
                _ok(b, P99_OF_FLOOR),
            ]
        )
        rows.append(
            [
                "worker CPU per distinct question (ms)",
                "",
                old.get("cpu_ms_per_request"),
                new.get("cpu_ms_per_request"),
                "",
            ]
        )
    if enc.get("two_passes"):
        rows.append(
            [
                "in-process Searcher.ask p50 (/ 1-thread floor), one at a time",
                f"<= {P50_OF_FLOOR}x",
                f"{enc['two_passes']['p50']} ({enc.get('two_passes_over_floor_p50')}x)",
                f"{enc['one_pass']['p50']} ({enc.get('one_pass_over_floor_p50')}x)",
                _ok(enc.get("one_pass_over_floor_p50"), P50_OF_FLOOR),
            ]
        )
    cached = runs.get("cached_redis") or runs.get("cached_memory")
    if cached and new:
        p50 = cached["server_ms"]["p50"]
        source = "Redis" if runs.get("cached_redis") else "LRU"
        rows.append(
            [
                f"cached answer, server-side p50 ({source})",
                f"<= {CACHED_P50_MS} ms",
                "–",
                p50,
                _ok(p50, CACHED_P50_MS),
            ]
        )
        times = _ratio(cached["rps"], new["rps"])
        rows.append(
            [
                "cached answers/s over uncached (c=16, 2 workers)",
                f">= {CACHED_OVER_UNCACHED}x",
                "–",
                f"{cached['rps']} ({times}x)",
                _ok(times, CACHED_OVER_UNCACHED, False),
            ]
        )
        cpu = _ratio(new.get("cpu_ms_per_request"), cached.get("cpu_ms_per_request"))
        rows.append(
            [
                "worker CPU per answer, uncached over cached",
                f">= {CACHED_OVER_UNCACHED}x",
                "–",
                f"{cpu}x",
                _ok(cpu, CACHED_OVER_UNCACHED, False),
            ]
        )
    reindex = results.get("reindex")
    if reindex:
        rows_r = reindex["rows"]
        rows.append(
            [
                f"reindex, {reindex['cores']} jobs over 1 job on 1 core (passages/s)",
                f">= {REINDEX_SPEEDUP}x",
                f"{rows_r[1]['passages_per_s']} ({rows_r[1]['speedup']}x, 1 job, all threads)",
                f"{rows_r[-1]['passages_per_s']} ({rows_r[-1]['speedup']}x)",
                _ok(rows_r[-1]["speedup"], REINDEX_SPEEDUP, False),
            ]
        )
    if not rows:
        return "(no capacity sections in this run)"
    return table(["measure", "target", "two passes (old)", "one pass (new)", "verdict"], rows)


def encoder_md(r: dict) -> str:
    rows = []
    for t, floor in (r.get("floor_threads") or {}).items():
        w, c = floor["wall"], floor["cpu"]
        rows.append([f"floor: one e5 query pass, {t} thread(s)", w["p50"], w["p99"], c["p50"]])
        if "one_pass_wall" in floor:
            o = floor["one_pass_wall"]
            rows.append(["the same question, one pass + latent head", o["p50"], o["p99"], None])
    for label in ("two_passes", "one_pass"):
        x = r[label]
        rows.append([f"Searcher.ask, {label.replace('_', ' ')}", x["p50"], x["p99"], None])
    note = (
        f"\n\n{r['questions']} distinct questions; the two searchers interleaved, alternating "
        f"which goes first. One pass over two passes, p50: **{r['one_over_two_p50']}x**. "
        f"Engine threads in this process: {r.get('engine_threads_here')}."
    )
    return table(["measure", "p50 ms", "p99 ms", "CPU p50 ms"], rows) + note


def throughput_md(r: dict) -> str:
    if "skipped" in r:
        return f"Skipped: {r['skipped']}."
    rows = []
    for label, x in r["runs"].items():
        memory = max((m.get("rss_mb", 0) for m in x.get("worker_memory", [])), default=None)
        rows.append(
            [
                label.replace("_", " "),
                x["requests"],
                x["rps"],
                x["p50_ms"],
                x["p99_ms"],
                x["server_ms"]["p50"],
                x["server_ms"]["p99"],
                x.get("cpu_ms_per_request"),
                x.get("hit_ratio"),
                x["errors"],
                memory,
            ]
        )
    header = [
        "run",
        "requests",
        "req/s",
        "client p50 ms",
        "client p99 ms",
        "server p50 ms",
        "server p99 ms",
        "worker CPU ms/request",
        "answer-cache hits",
        "errors",
        "RSS MB/worker",
    ]
    note = (
        f"\n\n`serve --workers {r['workers']}`, wrk at concurrency {r['concurrency']}. Server "
        "times: the `Server-Timing` header (the view: cache lookup or search, and the JSON)."
    )
    return table(header, rows) + note + (f" {r['note']}." if r.get("note") else "")


def reindex_md(r: dict) -> str:
    rows = [
        [
            x["variant"],
            x["seconds"],
            x["passages_per_s"],
            x["speedup"],
            x.get("cores_used"),
            x.get("cpu_s_per_passage"),
            x["projected_10k_articles_min"],
        ]
        for x in r["rows"]
    ]
    header = ["reindex from scratch", "s", "passages/s", "speed-up", "cores used"]
    header += ["CPU s/passage", "10,000 articles, min"]
    note = (
        f"\n\n{r['articles']} synthetic articles, {r['passages']} passages (each: vector, "
        f"sentence vectors, latent terms). Projection: {r['seed_passages_per_article']} "
        "passages per article, as in the seed corpus."
    )
    return table(header, rows) + note


def loadtest_md(r: dict) -> str:
    if "skipped" in r:
        return f"Skipped: {r['skipped']}."
    rows = [
        [
            x["concurrency"],
            x["requests"],
            x["rps"],
            x["p50_ms"],
            x["p99_ms"],
            x["server_ms"]["p50"],
            x.get("hit_ratio"),
            x["errors"],
        ]
        for x in r["runs"]
    ]
    header = ["concurrency", "requests", "req/s", "p50 ms", "p99 ms", "server p50 ms"]
    header += ["hit ratio", "errors"]
    note = (
        "\n\nnginx (deploy/nginx/site.conf, proxy cache off) -> 2 replicas of one worker -> "
        "one Redis answer cache; half the requests from "
        f"{r['popular_questions']} popular questions, half new."
    )
    return table(header, rows) + note


def capacity_md(p: dict) -> str:
    rows = [
        ["questions/s per core, uncached (one pass)", p["questions_per_core_uncached"]],
        [f"questions/s per core, cached ({p['cached_source']})", p["questions_per_core_cached"]],
        ["questions/s per core at 50% hits", p["questions_per_core_at_50pct_hits"]],
        [f"cores for 1,000 questions/s at {p['utilization']:.0%} use", p["cores_needed"]],
        ["pods of 2 workers (2 cores)", p["pods_of_2_workers"]],
        ["RSS per worker, MB", p.get("rss_mb_per_worker")],
    ]
    if "loadtest_best_rps_p99_under_300ms" in p:
        rows.append(
            [
                "load test: best req/s with p99 < 300 ms (2 cores, shared with nginx, "
                "Redis and wrk)",
                f"{p['loadtest_best_rps_p99_under_300ms']} at c={p['loadtest_best_concurrency']}"
                f", hit ratio {p['loadtest_hit_ratio']}",
            ]
        )
        rows.append(
            [
                "per-core figures predict for 2 cores at that hit ratio",
                p["loadtest_predicted_rps_2_cores"],
            ]
        )
    return table(["capacity", "value"], rows)


SECTIONS = {
    "encoder": ("One encoder pass: in-process", encoder_md),
    "throughput": ("Throughput: distinct and cached questions", throughput_md),
    "reindex": ("Reindex jobs", reindex_md),
    "loadtest": ("Load test: nginx + 2 replicas + Redis", loadtest_md),
    "capacity": ("Capacity plan (computed)", capacity_md),
}
