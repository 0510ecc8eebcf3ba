"""Synthetic corpora for the scale benchmarks: 10k to 1M passages shaped like the real ones.

Embedding a million real passages would take hours on two cores, and the seed corpus has
23. So the vectors are made from the real ones: each synthetic vector mixes two real
passage embeddings and adds noise, mostly in a fixed low-rank "topic" subspace (real
text embeddings occupy far fewer than 384 directions) plus a little isotropic noise,
then is L2-normalized like the embedder's output. Its cosine to its nearest real
passage is about 0.9, close to what e5 gives for two passages on one topic. Queries for
recall are drawn from the same distribution, but never stored in the index.

Texts, for the lexical side of search, recombine real sentences of the seed passages and
add a number so that no two passages are the same string.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..corpus import read_corpus
from ..embedder import Embedder
from ..passages import split_corpus

RANK = 64  # directions of the topic subspace
TOPIC_NOISE = 0.35  # norm of the low-rank noise added to a unit-norm mix
ISO_NOISE = 0.15  # norm of the isotropic noise
PASSAGES_PER_ARTICLE = 10


@dataclass(frozen=True)
class Seed:
    """Real passages and their embeddings: the material synthetic ones are made from."""

    texts: tuple[str, ...]
    sentences: tuple[str, ...]
    vectors: np.ndarray
    lang: str = "en"


def load_seed(corpus_dir: Path, embedder: Embedder) -> Seed:
    """Read and embed the real corpus (seconds for the seed corpus)."""
    report = read_corpus(corpus_dir)
    passages = split_corpus(report.articles)
    if not passages:
        raise ValueError(f"{corpus_dir}: no passages to build a synthetic corpus from")
    texts = tuple(p.text for p in passages)
    sentences = (
        tuple(p.text[s:e].strip() for p in passages for s, e in p.sentences if e - s > 20) or texts
    )
    return Seed(texts, sentences, embedder.encode_passages(list(texts)))


def synthetic_vectors(seed_vectors: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """``n`` float32 L2-normalized vectors; ``seed`` makes them reproducible.

    The topic subspace depends only on the seed vectors' shape (fixed generator), so
    vectors and queries made with different ``seed`` values share it.
    """
    base = np.asarray(seed_vectors, dtype=np.float32)
    count, dim = base.shape
    basis = np.linalg.qr(np.random.default_rng(12345).standard_normal((dim, RANK)))[0].T
    basis = basis.astype(np.float32)
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 65536):
        m = min(65536, n - start)
        first = rng.integers(0, count, m)
        second = rng.integers(0, count, m)
        weight = rng.uniform(0.5, 1.0, (m, 1)).astype(np.float32)
        mix = weight * base[first] + (1 - weight) * base[second]
        mix /= np.linalg.norm(mix, axis=1, keepdims=True)
        topic = rng.standard_normal((m, RANK), dtype=np.float32) @ basis
        topic *= TOPIC_NOISE / np.sqrt(RANK)
        iso = rng.standard_normal((m, dim), dtype=np.float32) * (ISO_NOISE / np.sqrt(dim))
        chunk = mix + topic + iso
        chunk /= np.linalg.norm(chunk, axis=1, keepdims=True)
        out[start : start + m] = chunk
    return out


def synthetic_texts(seed: Seed, n: int, rng_seed: int = 0) -> Iterator[str]:
    """``n`` distinct passage texts of two to four real sentences each."""
    rng = np.random.default_rng(rng_seed)
    sentences = seed.sentences
    for i in range(n):
        picks = rng.integers(0, len(sentences), int(rng.integers(2, 5)))
        yield " ".join(sentences[j] for j in picks) + f" (Explainer {i + 1}.)"
