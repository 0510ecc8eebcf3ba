"""Glossary terms as precomputed vectors (retrieval/glossary_vectors.py) and the glossary's
concepts named in any language (glossary.py)."""

import numpy as np

from qa_service.glossary import Glossary
from qa_service.lexical import words
from qa_service.retrieval.glossary_vectors import GlossaryVectors, mix_latent, mixed


class _Encoder:
    """Counts its passes; a text's vector is a fixed function of its length."""

    def __init__(self):
        self.passes = 0

    def encode(self, text, latent_text=None):
        self.passes += 1
        v = np.zeros((1, 4), dtype=np.float32)
        v[0, len(text) % 4] = 1.0
        terms = np.array([[len(text) % 7 + 1, 0], [1.0, 0.0]], dtype=np.float32)
        return v, terms


def test_terms_are_encoded_once_and_mixed_in():
    encoder = _Encoder()
    vectors = GlossaryVectors(encoder, ["Kurultai", "deputies deputy", "unused"], eager=False)
    q = np.array([[1.0, 0, 0, 0]], dtype=np.float32)
    latent = np.array([[3, 0], [1.0, 0.0]], dtype=np.float32)
    for _ in range(3):
        mixed, mixed_latent = vectors.mix(q, latent, [0, 1], 0.5)
    assert encoder.passes == 2  # each entry once, however many questions name it
    assert abs(np.linalg.norm(mixed) - 1.0) < 1e-6 and mixed[0, 0] > 0.5
    assert set(mixed_latent[0][mixed_latent[1] > 0].astype(int)) >= {3}
    assert vectors.mix(q, latent, [], 0.5)[0] is q
    eager = _Encoder()
    GlossaryVectors(eager, ["Kurultai", "deputies deputy"])
    assert eager.passes == 2  # built with the searcher: no question pays for them


def test_mix_latent_sums_per_term_and_keeps_k():
    a = np.array([[5, 6], [0.8, 0.6]], dtype=np.float32)
    b = np.array([[6, 7], [0.6, 0.8]], dtype=np.float32)
    out = mix_latent(a, [b], 1.0)
    assert out.shape == (2, 2) and int(out[0, 0]) == 6  # 0.6 + 0.6 is the strongest
    assert abs(np.linalg.norm(out[1]) - 1.0) < 1e-6


def test_concepts_are_named_in_any_language():
    g = Glossary.load()
    ru = g.concept_ids(words("Сколько депутатов в Курултае?"))
    en = g.concept_ids(words("How many deputies in the Kurultai?"))
    kk = g.concept_ids(words("Құрылтайда неше депутат болады?"))
    assert ru == en == kk and len(ru) == 2
    # Retrieval's matching stays Russian and Kazakh only: English questions add nothing.
    assert g.matched(words("How many deputies in the Kurultai?")) == []
    assert len(g.matched(words("Сколько депутатов в Курултае?"))) == 2
    # A two-word concept is not named by one of its words alone.
    court = g.concept_ids(words("Constitutional Court"))
    commission = g.concept_ids(words("Constitutional Commission"))
    assert court != commission


def test_nearest_is_the_closest_entrys_cosine():
    """``nearest`` (the ``domain`` signal) is the largest cosine between a question's own
    vector and any entry's, each entry encoded once, whichever entries the question names."""
    encoder = _Encoder()
    # Lengths 8, 15 and 6: vectors e0, e3 and e2 (see _Encoder).
    vectors = GlossaryVectors(encoder, ["Kurultai", "deputies deputy", "unused"], eager=False)
    assert vectors.nearest(np.array([[0.0, 0.0, 1.0, 0.0]], dtype=np.float32)) == 1.0
    assert vectors.nearest(np.array([0.0, 1.0, 0.0, 0.0], dtype=np.float32)) == 0.0
    tilted = np.array([0.6, 0.0, 0.0, 0.8], dtype=np.float32)
    assert abs(vectors.nearest(tilted) - 0.8) < 1e-6
    assert encoder.passes == 3
    assert GlossaryVectors(_Encoder(), []).nearest(tilted) == 0.0


def test_domain_reads_the_entries_other_names_too():
    # Cosines across languages run lower: a Kazakh question is measured against the
    # Kazakh names as well as the English side (the nearest of all of them).
    encoder = _Encoder()
    english_only = GlossaryVectors(encoder, ["abc"])  # len 3 -> axis 3
    with_names = GlossaryVectors(encoder, ["abc"], names=["Құрылтай"])  # len 8 -> axis 0
    assert encoder.passes == 3  # each built with the searcher, before any question
    q = np.array([1.0, 0, 0, 0], dtype=np.float32)
    assert english_only.nearest(q) == 0.0 and with_names.nearest(q) == 1.0
    g = Glossary.load()
    names = g.names_besides("en")
    assert {"Құрылтай", "Курултай", "Мәжіліс"} <= set(names)
    assert "Kurultai" not in names and len(names) == len({n.casefold() for n in names})
    assert names.count("Сенат") == 1  # one name in both languages: once


def test_mixing_is_worked_out_once_per_set_and_adds_what_mix_latent_adds():
    """``mixing`` is kept per set of entries (a question's encoder pass is the only work
    a repeated set pays for); ``mixed`` gives the numbers ``mix_latent`` and the mean
    vector give."""
    encoder = _Encoder()
    vectors = GlossaryVectors(encoder, ["Kurultai", "deputies deputy"], eager=False)
    first = vectors.mixing([0, 1], 0.5)
    assert vectors.mixing((0, 1), 0.5) is first and encoder.passes == 2
    assert vectors.mixing([], 0.5) is None and vectors.mixing([0], 0.0) is None
    q = np.array([[0.6, 0.8, 0, 0]], dtype=np.float32)
    latent = np.array([[5, 6], [0.8, 0.6]], dtype=np.float32)
    vector, terms = mixed(q, latent, first)
    own = [encoder.encode(t) for t in ("Kurultai", "deputies deputy")]
    want = q[0] + 0.5 * np.mean([v[0] for v, _ in own], axis=0)
    assert np.allclose(vector[0], want / np.linalg.norm(want), atol=1e-7)
    assert np.array_equal(terms, mix_latent(latent, [t for _, t in own], 0.5))
    unmixed = mixed(q, latent, None)
    assert unmixed[0] is q and unmixed[1] is latent
