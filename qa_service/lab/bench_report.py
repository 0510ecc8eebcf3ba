"""Turn a benchmark run (bench.py) into the markdown tables and the plot of docs/benchmarks.md.

Kept apart from the measuring code so that the report can be regenerated from a saved
``bench.json`` without measuring again (``python -m qa_service.lab.bench_report bench.json``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .harness import table
from .scale_corpus import corpus_md

# Targets from the issue, checked in the report (never in a test).
TARGETS = {
    "p50_ms": 10.0,
    "p99_ms": 30.0,
    "rps_c32": 300.0,
    "overhead": 1.3,
    "rss_mb": 300.0,
    "scale_p50_ms": 5.0,
    "scale_recall": 0.95,
}


def _mb(n: int | float) -> float:
    return round(n / 1024 / 1024, 1)


def _verdict(value: float | None, target: float, lower_is_better: bool = True) -> str:
    if value is None:
        return "not measured"
    ok = value <= target if lower_is_better else value >= target
    if ok:
        return "met"
    ratio = value / target if lower_is_better else target / value if value else float("inf")
    return f"missed ({ratio:.1f}x)"


def machine_md(m: dict) -> str:
    v = m.get("versions", {})
    return "\n".join(
        [
            f"- CPU: {m.get('cpu')}, {m.get('cores')} cores ({m.get('cores_usable')} usable), "
            f"RAM {m.get('ram_gb')} GB",
            f"- {m.get('platform')}",
            "- " + ", ".join(f"{k} {val}" for k, val in v.items()),
            f"- load average (1, 5, 15 min): start {m.get('loadavg_start')}, "
            f"end {m.get('loadavg_end')}",
            f"- HTTP load tool: {'wrk' if m.get('wrk') else 'Python client (wrk missing)'}",
        ]
    )


def inprocess_md(r: dict) -> str:
    rows = []
    floor = r["floor"]
    for name, stats in (("floor: embed", floor["embed"]), ("floor: FAISS", floor["faiss"])):
        rows.append([name, stats["p50"], stats["p95"], stats["p99"]])
    rows.append(
        ["**floor total**", floor["total"]["p50"], floor["total"]["p95"], floor["total"]["p99"]]
    )
    for label in ("uncached", "cached"):
        for stage, stats in r[label].items():
            name = f"**{label} total**" if stage == "total" else f"{label}: {stage}"
            rows.append([name, stats["p50"], stats["p95"], stats["p99"]])
    plain = r.get("uncached_without_latent")
    if plain:
        rows.append(["uncached total, latent terms off", plain["p50"], plain["p95"], plain["p99"]])
    latent = (
        f" Latent terms on / off (uncached, same queries, interleaved): p50 "
        f"**{r['latent_cost_p50']}x**."
        if r.get("latent_cost_p50")
        else ""
    )
    note = (
        ""
        if r.get("stage_timings")
        else ("\n\n(search.py recorded no `Answer.timings` in this run: stages not broken down.)")
    )
    return (
        f"{r['queries']:,} distinct queries perturbed from the dev set, {r['passages']} "
        f"passages, index `{r['index_type']}`; cache hits/misses over both passes: "
        f"{r['cache']['hits']}/{r['cache']['misses']}.\n\n"
        + table(["stage", "p50 ms", "p95 ms", "p99 ms"], rows)
        + f"\n\nOverhead (service / floor): p50 **{r['overhead_p50']}x**, p99 "
        f"**{r['overhead_p99']}x**." + latent + note
    )


def http_md(r: dict) -> str:
    rows = [
        [
            x["concurrency"],
            x["requests"],
            x["rps"],
            x["p50_ms"],
            x["p99_ms"],
            x["errors"],
            x["tool"],
        ]
        for x in r["runs"]
    ]
    return (
        f"{r['workers']} gunicorn workers, {r['distinct_questions']:,} distinct questions "
        f"cycled, cold start to /readyz {r['ready_s']} s.\n\n"
        + table(["concurrency", "requests", "req/s", "p50 ms", "p99 ms", "errors", "tool"], rows)
    )


def build_md(r: dict) -> str:
    rows = []
    for name, b in r["backends"].items():
        if "error" in b:
            rows.append([name, "error: " + b["error"], None, None])
        else:
            rows.append([name, b["passages_per_s"], b["passages"], b["load_s"]])
    full, inc = r["full_reindex"], r["incremental_reindex"]
    threads = [
        [t, x["p50"], x["p95"], x["p99"]] for t, x in r.get("query_embed_by_threads", {}).items()
    ]
    return (
        table(["backend", "passages/s", "passages", "model load s"], rows)
        + "\n\nOne query embedding (e5-small) by engine threads:\n\n"
        + table(["threads", "p50 ms", "p95 ms", "p99 ms"], threads)
        + "\n\n"
        + table(
            ["reindex", "passages", "embedded", "reused", "seconds"],
            [
                [
                    "full (seed corpus)",
                    full["passages"],
                    full["embedded"],
                    full["reused"],
                    full["seconds"],
                ],
                ["+1 new article", inc["passages"], inc["embedded"], inc["reused"], inc["seconds"]],
            ],
        )
    )


def memory_md(r: dict) -> str:
    rows = []
    for workers, m in r["by_workers"].items():
        for i, w in enumerate(m["workers"]):
            rows.append(
                [workers, i + 1, w.get("rss_mb"), w.get("pss_mb"), w.get("uss_mb"), m["ready_s"]]
            )
    return f"Index build on disk: {_mb(r['index_bytes'])} MB.\n\n" + table(
        ["workers", "worker", "RSS MB", "PSS MB", "USS MB", "cold start s"], rows
    )


def scale_md(r: dict) -> str:
    rows = []
    for x in r["rows"]:
        if "skipped" in x:
            rows.append(
                [x["n"], x["kind"], "skipped: " + x["skipped"], None, None, None, None, None]
            )
            continue
        param = f"{x['param']}={x['value']}" if x["param"] else "exact"
        rows.append(
            [
                x["n"],
                x["kind"],
                x["build_s"],
                _mb(x["bytes"]),
                x["p50_ms"],
                x["p99_ms"],
                x["recall10"],
                param,
            ]
        )
    sweeps = []
    for x in r["rows"]:
        if x.get("sweep") and x["sweep"][0]["param"]:
            points = ", ".join(
                f"{p['value']}: {p['p50_ms']:.2f} ms / {p['recall10']:.3f}" for p in x["sweep"]
            )
            sweeps.append(
                f"- {x['kind']} at {x['n']:,} ({x['sweep'][0]['param']}: p50 / recall@10): {points}"
            )
    return (
        f"{r['queries']} held-out synthetic queries, one at a time, k=10; FAISS threads: "
        f"{r.get('faiss_threads')}.\n\n"
        + table(
            ["passages", "index", "build s", "MB", "p50 ms", "p99 ms", "recall@10", "setting"], rows
        )
        + "\n\nParameter sweeps:\n\n"
        + "\n".join(sweeps)
    )


def shared_md(r: dict) -> str:
    rows = []
    for x in r["runs"]:
        per = x["memory"]
        rows.append(
            [
                x["kind"],
                x["mode"],
                _mb(x["index_bytes"]),
                x["rss_mb_total"],
                x["pss_mb_total"],
                x["uss_mb_total"],
                max((m.get("rss_mb", 0) for m in per), default=0),
                max(x["p50_ms"]),
            ]
        )
    return f"{r['workers']} processes, {r['n']:,} passages.\n\n" + table(
        [
            "index",
            "loading",
            "index MB",
            "RSS total",
            "PSS total",
            "USS total",
            "RSS max/worker",
            "p50 ms (worst worker)",
        ],
        rows,
    )


def targets_md(results: dict) -> str:

    rows = []
    inproc = results.get("inprocess")
    if inproc:
        unc = inproc["uncached"]["total"]
        rows.append(
            [
                "server-side p50 (seed, uncached)",
                "<= 10 ms",
                unc["p50"],
                _verdict(unc["p50"], TARGETS["p50_ms"]),
            ]
        )
        rows.append(
            [
                "server-side p99 (seed, uncached)",
                "<= 30 ms",
                unc["p99"],
                _verdict(unc["p99"], TARGETS["p99_ms"]),
            ]
        )
        rows.append(
            [
                "overhead vs floor (p50)",
                "<= 1.3x",
                inproc["overhead_p50"],
                _verdict(inproc["overhead_p50"], TARGETS["overhead"]),
            ]
        )
    http = results.get("http")
    if http:
        top = max(http["runs"], key=lambda x: x["concurrency"])
        rows.append(
            [
                f"req/s at concurrency {top['concurrency']}",
                ">= 300",
                top["rps"],
                _verdict(top["rps"], TARGETS["rps_c32"], False),
            ]
        )
    memory = results.get("memory")
    if memory:
        worst = max(
            (w.get("rss_mb", 0) for m in memory["by_workers"].values() for w in m["workers"]),
            default=None,
        )
        rows.append(["RSS per worker", "<= 300 MB", worst, _verdict(worst, TARGETS["rss_mb"])])
    scale = results.get("scale")
    if scale:
        biggest = max((x["n"] for x in scale["rows"]), default=0)
        good = [
            (p["p50_ms"], x["kind"], p)
            for x in scale["rows"]
            if x["n"] == biggest and "sweep" in x
            for p in x["sweep"]
            if p["recall10"] >= TARGETS["scale_recall"]
        ]
        if good:
            p50, kind, p = min(good, key=lambda g: g[0])
            label = f"{kind} {p['param']}={p['value']}" if p["param"] else kind
            rows.append(
                [
                    f"search p50 at {biggest:,} with recall@10 >= 0.95",
                    "<= 5 ms",
                    f"{p50} ({label})",
                    _verdict(p50, TARGETS["scale_p50_ms"]),
                ]
            )
        else:
            rows.append(
                [
                    f"search p50 at {biggest:,} with recall@10 >= 0.95",
                    "<= 5 ms",
                    None,
                    "no setting reached the recall",
                ]
            )
    return table(["target", "wanted", "measured", "verdict"], rows)


# issue 19 (archive_bench.py)


def reindex_floor_md(result: dict) -> str:
    lines = [
        f"Full e5 reindex of {result['articles']} archive articles ({result['passages']} "
        f"passages, {result['distinct_sentences']} distinct sentences), {result['jobs']} "
        f"jobs; the floor (the encoder alone: each passage and distinct sentence once) "
        f"{result['floor_s']} s, {result['floor_cpu_s']} CPU s (mean of a run before and "
        f"after), {result['floor_passages_per_s']} passages/s; with the latent-terms head "
        f"counted in (each passage through the one pass) {result['floor_with_head_s']} s, "
        f"{result['floor_with_head_cpu_s']} CPU s; the strict floor (the same encoder as "
        f"the one-pass library compiles it, no latent-terms head) "
        f"{result.get('own_floor_s')} s, {result.get('own_floor_cpu_s')} CPU s. Load average: "
        + ", ".join(f"{a[0]:.1f}" for a in result["loadavg"])
        + ".",
        "",
        "| reindex | wall s | CPU s | passages/s | floor / reindex (wall) | (CPU) "
        "| (CPU, head in the floor) | strict floor / reindex (wall) | (CPU) | target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, run in result["runs"].items():
        met = "met" if run["cpu_ratio_to_floor"] >= 0.8 and run["ratio_to_floor"] >= 0.8 else "-"
        lines.append(
            f"| {label.replace('_', ' ')} ({run['passage_terms']} terms"
            f"{', packed head' if run.get('packed_head') else ''}) | {run['reindex_s']} "
            f"| {run['reindex_cpu_s']} | {run['passages_per_s']} | {run['ratio_to_floor']} "
            f"| {run['cpu_ratio_to_floor']} | {run['cpu_ratio_to_floor_with_head']} "
            f"| {run.get('ratio_to_own_floor')} | {run.get('cpu_ratio_to_own_floor')} "
            f"| >= 0.8: {met} |"
        )
    return "\n".join(lines)


def archive_latency_md(result: dict) -> str:
    w = result["worker"]
    return (
        f"{result['articles']} archive articles, {result['passages']} passages "
        f"(`{result['index_type']}`), the passages' vectors and latent terms the stand-in's, "
        f"questions encoded by {result['question_encoder']}. Load average: "
        + ", ".join(f"{a[0]:.1f}" for a in result["loadavg"])
        + ".\n\n"
        + inprocess_md(result["inprocess"])
        + f"\n\nA fresh worker (e5 + the build + the searcher, one answer): ready in "
        f"{w.get('ready_s')} s, RSS {w.get('rss_mb')} MB."
    )


SECTION_TITLES = {
    "inprocess": ("In-process latency", inprocess_md),
    "http": ("HTTP load", http_md),
    "build": ("Index build", build_md),
    "memory": ("Memory per worker", memory_md),
    "scale": ("Index types at scale", scale_md),
    "shared": ("Shared index memory", shared_md),
    "corpus": ("Archives of 1,000 and 10,000 articles (issue 19)", corpus_md),
    "reindex-floor": ("Full reindex against the encoder floor (issue 19)", reindex_floor_md),
    "archive-latency": ("Answer latency at 10,000 articles (issue 19)", archive_latency_md),
}


def to_markdown(report: Any) -> str:
    data = report if isinstance(report, dict) else report.__dict__
    results, errors = data["results"], data["errors"]
    from .capacity_report import SECTIONS as CAPACITY_SECTIONS
    from .capacity_report import targets_md as capacity_targets_md

    parts = [
        "## Machine\n\n" + machine_md(results["machine"]),
        "## Targets\n\n" + targets_md(results),
    ]
    if set(CAPACITY_SECTIONS) & set(results):
        targets = capacity_targets_md(results)
        parts.append("## Targets: one encoder pass, answer cache\n\n" + targets)
    for key, (title, render) in {**SECTION_TITLES, **CAPACITY_SECTIONS}.items():
        if key in results:
            seconds = data.get("seconds", {}).get(key)
            parts.append(
                f"## {title}\n\n" + render(results[key]) + (f"\n\n({seconds} s)" if seconds else "")
            )
        elif key in errors:
            parts.append(f"## {title}\n\nFailed: {errors[key]}")
    return "\n\n".join(parts) + "\n"


def plot(scale: dict, path: Path) -> None:
    """p50 search latency vs corpus size, one line per index type (log-log)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    kinds = sorted({x["kind"] for x in scale["rows"] if "p50_ms" in x})
    for kind in kinds:
        points = sorted(
            (x["n"], x["p50_ms"], x["recall10"])
            for x in scale["rows"]
            if x["kind"] == kind and "p50_ms" in x
        )
        if not points:
            continue
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=kind)
        for n, ms, recall in points:
            ax.annotate(
                f"r={recall:.2f}", (n, ms), textcoords="offset points", xytext=(4, 4), fontsize=7
            )
    ax.axhline(5.0, color="grey", linestyle="--", linewidth=0.8, label="target p50 5 ms")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages")
    ax.set_ylabel("p50 search latency, ms (one query, k=10)")
    ax.set_title("FAISS search latency vs corpus size (r = recall@10 vs exact)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":  # pragma: no cover - regenerate from a saved run
    saved = json.loads(Path(sys.argv[1]).read_text())
    print(to_markdown(saved))
    if "scale" in saved["results"] and len(sys.argv) > 2:
        plot(saved["results"]["scale"], Path(sys.argv[2]))
