"""Speed and scale: the query cache, index types, memory-mapped loading, synthetic corpora
and the benchmark command itself (as a smoke test: no timing is asserted anywhere)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa_service import faiss_index as fx
from qa_service import index as idx
from qa_service import lifecycle
from qa_service.cli import cli
from qa_service.config import Settings
from qa_service.embedder import CachedEmbedder, EmbedderId, NoLatentTerms
from qa_service.lab.harness import percentiles, question_mix
from qa_service.lab.synthetic import synthetic_vectors
from qa_service.lru import LRU

from .conftest import DATA


class CountingEmbedder(NoLatentTerms):
    """A deterministic stand-in: one vector per text, and a count of what was encoded."""

    name = "counting"
    version = "1"
    dim = 8

    def __init__(self):
        self.encoded: list[str] = []

    def encode_queries(self, texts):
        self.encoded += texts
        rng = [np.random.default_rng(abs(hash(t)) % 2**32) for t in texts]
        out = np.array([r.standard_normal(self.dim) for r in rng], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    encode_passages = encode_queries


def test_query_cache_returns_the_same_vectors_and_counts_hits():
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, size=2)
    first = cached.encode_queries(["a", "b"])
    again = cached.encode_queries(["b", "a"])
    assert np.array_equal(first[::-1], again)
    assert inner.encoded == ["a", "b"]
    assert (cached.hits, cached.misses) == (2, 2)
    assert (cached.name, cached.version, cached.dim) == ("counting", "1", 8)


def test_lru_forgets_the_least_recently_used():
    lru: LRU[str, int] = LRU(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # "a" is now the most recent
    lru.put("c", 3)  # evicts "b"
    assert (lru.get("a"), lru.get("b"), lru.get("c"), len(lru)) == (1, None, 3, 2)
    with pytest.raises(ValueError, match="at least 1"):
        LRU(0)


def test_query_cache_evicts_the_least_recently_used():
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, size=2)
    cached.encode_queries(["a"])
    cached.encode_queries(["b"])
    cached.encode_queries(["a"])  # "a" is now the most recent
    cached.encode_queries(["c"])  # evicts "b"
    inner.encoded.clear()
    cached.encode_queries(["a", "b", "c"])
    assert inner.encoded == ["b"]
    assert len(cached) == 2


def test_query_cache_never_caches_passages_and_rejects_size_zero():
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, size=4)
    cached.encode_passages(["p"])
    cached.encode_passages(["p"])
    assert inner.encoded == ["p", "p"]
    with pytest.raises(ValueError):
        CachedEmbedder(inner, size=0)


def test_cached_vectors_cannot_be_changed_by_a_caller():
    cached = CachedEmbedder(CountingEmbedder(), size=4)
    out = cached.encode_queries(["a"])
    out[0, :] = 0
    assert np.linalg.norm(cached.encode_queries(["a"])[0]) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("size, wrapped", [(16, True), (0, False)])
def test_service_wraps_its_embedder_per_the_setting(size, wrapped):
    from qa_service.service import QAService

    settings = Settings.load({"query_cache_size": size})
    service = QAService(settings, embedder=CountingEmbedder())
    assert isinstance(service.embedder, CachedEmbedder) is wrapped
    assert service.embedder is service.embedder  # wrapped once, not on every access


def test_a_304_costs_no_embedding(app, client):
    from qa_service.service import current_service

    r = client.get("/api/v1/ask?q=How many deputies in the Kurultai?")
    assert r.status_code == 200 and r.headers["ETag"]
    assert "max-age=" in r.headers["Cache-Control"]
    cache = current_service(app).embedder
    assert isinstance(cache, CachedEmbedder)
    before = (cache.hits, cache.misses)
    again = client.get(
        "/api/v1/ask?q=How many deputies in the Kurultai?",
        headers={"If-None-Match": r.headers["ETag"]},
    )
    assert again.status_code == 304
    assert (cache.hits, cache.misses) == before


def test_auto_index_type_follows_the_thresholds_and_an_override_wins():
    assert fx.choose_index_type("auto", 23) == "flat"
    assert fx.choose_index_type("auto", fx.FLAT_MAX) == "flat"
    assert fx.choose_index_type("auto", fx.FLAT_MAX + 1) == "ivf"
    assert fx.choose_index_type("auto", 10**6) == "ivf"
    assert fx.choose_index_type("hnsw", 10**6) == "hnsw"
    assert fx.choose_index_type("ivf", 10) == "ivf"
    assert fx.choose_index_type("flat", 10**7) == "flat"
    with pytest.raises(ValueError, match="unknown index type"):
        fx.choose_index_type("annoy", 10)


@pytest.fixture(scope="module")
def clustered():
    """4,000 vectors shaped like the synthetic corpora, plus held-out queries."""
    base = np.random.default_rng(3).standard_normal((30, 64)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    return synthetic_vectors(base, 4000, seed=0), synthetic_vectors(base, 50, seed=1)


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_approximate_indexes_find_what_exact_search_finds(clustered, kind):
    vectors, queries = clustered
    _, truth = fx.make_faiss_index(vectors, "flat").search(queries, 10)
    index = fx.make_faiss_index(vectors, kind)
    _, found = index.search(queries, 10)
    recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])
    assert index.ntotal == len(vectors)
    assert recall >= 0.9


def test_ivf_trains_on_a_bounded_sample():
    vectors = np.random.default_rng(0).standard_normal((5000, 16)).astype(np.float32)
    lists = fx.ivf_lists(len(vectors))
    sample = fx.training_sample(vectors, lists)
    assert lists * fx.IVF_TRAIN_PER_LIST == len(sample) < len(vectors)
    assert fx.ivf_lists(10) == 1


def test_loaded_index_is_memory_mapped(built_index, e5):
    settings, _ = built_index
    build = lifecycle.current_build(settings.embeddings_dir)
    loaded = idx.load_build(build, EmbedderId.of(e5))
    maps = Path("/proc/self/maps").read_text()
    assert str(build / "index.faiss") in maps
    assert str(build / "vectors.npy") in maps
    scores, ids = loaded.search(np.asarray(loaded.vectors[:1]), 3)
    assert ids[0][0] == 0 and scores[0][0] == pytest.approx(1.0, abs=1e-4)


def test_synthetic_vectors_are_normalized_reproducible_and_near_the_real_ones():
    base = np.random.default_rng(1).standard_normal((20, 384)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    a = synthetic_vectors(base, 300, seed=0)
    assert a.dtype == np.float32 and a.shape == (300, 384)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(a, synthetic_vectors(base, 300, seed=0))
    assert not np.array_equal(a, synthetic_vectors(base, 300, seed=1))
    nearest = (a @ base.T).max(axis=1)
    assert 0.75 < float(np.median(nearest)) < 0.99


def test_question_mix_gives_distinct_questions():
    questions = question_mix(["How many deputies?", "When is the vote?"], 500, seed=0)
    assert len(questions) == len(set(questions)) == 500
    assert question_mix(["x y"], 5, seed=1) == question_mix(["x y"], 5, seed=1)


def test_percentiles():
    stats = percentiles(list(range(1, 101)))
    assert stats["n"] == 100 and stats["p50"] == pytest.approx(50.5)
    assert stats["p50"] <= stats["p95"] <= stats["p99"]
    assert percentiles([])["n"] == 0


def test_bench_rejects_an_unknown_section(runner):
    result = runner.invoke(cli, ["bench", "--only", "nonsense"])
    assert result.exit_code == 1
    assert "unknown section" in result.output


@pytest.mark.slow
def test_bench_small_runs_every_section(runner, tmp_path):
    out = tmp_path / "bench"
    corpus = DATA / "corpus"
    result = runner.invoke(cli, ["--corpus", str(corpus), "bench", "--small", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "bench.json").read_text())
    assert report["errors"] == {}
    results = report["results"]
    assert {"machine", "build", "inprocess", "http", "scale", "shared"} <= set(results)
    assert results["machine"]["cores"] >= 1
    assert results["inprocess"]["cache"]["hits"] > 0
    assert results["inprocess"]["latent_cost_p50"] > 0
    # Every load run answered, and without errors: a run that served nothing is a failure.
    assert all(run["requests"] > 0 and run["rps"] > 0 for run in results["http"]["runs"])
    assert all(run["errors"] == 0 for run in results["http"]["runs"])
    assert {row["kind"] for row in results["scale"]["rows"]} == {"flat", "hnsw", "ivf"}
    # Flat search is exact, so it finds every true neighbour; the approximate kinds most.
    assert all(row["recall10"] == 1.0 for row in results["scale"]["rows"] if row["kind"] == "flat")
    assert all(row["recall10"] > 0.5 for row in results["scale"]["rows"])
    assert results["build"]["incremental_reindex"]["reused"] > 0
    corpus = results["corpus"]["sizes"][0]
    assert corpus["dedupe"]["subset"]["same_decisions"] and corpus["if_stale_up_to_date"]
    assert corpus["add_10"]["files_parsed"] == 10 and corpus["dry_run_live_reread"] == 0
    # Only the added articles, and stories an added copy replaced, are embedded.
    add = corpus["add_10"]
    assert 0 < add["passages_embedded"] <= add["passages_of_changed_articles"]
    # The floor and the reindexes encoded the same archive; the one-pass reindex made
    # its latent terms in its one pass where the library builds.
    floor = results["reindex-floor"]
    assert floor["passages"] > 0 and floor["floor_cpu_s"] > 0
    assert {"one_pass", "one_pass_engine_head", "two_passes"} == set(floor["runs"])
    assert floor["runs"]["two_passes"]["passage_terms"] == "raw"
    assert not floor["runs"]["one_pass_engine_head"]["packed_head"]
    assert all(run["cpu_ratio_to_floor"] > 0 for run in floor["runs"].values())
    assert floor["own_floor_cpu_s"] > 0
    assert all(run["cpu_ratio_to_own_floor"] > 0 for run in floor["runs"].values())
    latency = results["archive-latency"]
    assert latency["passages"] == latency["inprocess"]["passages"] > 0
    assert latency["inprocess"]["uncached"]["total"]["p50"] > 0
    assert latency["worker"]["rss_mb"] > 0 and latency["worker"]["ready_s"] > 0
    assert "## Targets" in (out / "bench.md").read_text()
    assert (out / "latency_vs_size.png").stat().st_size > 0


def test_search_knobs_apply_after_a_round_trip_through_disk(clustered, tmp_path):
    import faiss

    vectors, _ = clustered
    for kind in ("hnsw", "ivf"):
        path = tmp_path / f"{kind}.faiss"
        faiss.write_index(fx.make_faiss_index(vectors, kind), str(path))
        index = faiss.read_index(str(path))
        fx.tune_search(index)
        if kind == "hnsw":
            assert index.hnsw.efSearch == fx.HNSW_EF_SEARCH  # 4,000 passages: the small default
            fx.tune_search(index, ef_search=300)
            assert index.hnsw.efSearch == 300
        else:
            assert index.nprobe == min(index.nlist, fx.IVF_NPROBE)
            fx.tune_search(index, nprobe=2)
            assert index.nprobe == 2
    assert fx.default_ef_search(fx.HNSW_LARGE) == fx.HNSW_EF_SEARCH_LARGE
    fx.tune_search(fx.make_faiss_index(vectors[:10], "flat"), 99, 99)  # no knob: no error


def test_service_applies_the_ef_search_setting(tmp_path, e5):
    import shutil

    from qa_service.service import QAService

    from .conftest import DATA, build

    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "corpus", corpus)
    settings, _ = build(corpus, tmp_path / "emb", e5, index_type="hnsw")
    service = QAService(settings.replace(hnsw_ef_search=123), embedder=e5)
    assert service.searcher().index.faiss_index.hnsw.efSearch == 123
    plain = QAService(settings, embedder=e5)
    assert plain.searcher().index.faiss_index.hnsw.efSearch == fx.HNSW_EF_SEARCH
