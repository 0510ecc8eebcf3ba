"""What every embedder is and gives: ``EmbedderId``, the ``Embedder`` protocol, the
latent-terms array format, and the query truncation every backend shares."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from ..config import Settings

DEFAULT = "e5-small"
# Strongest latent terms kept per text: 64 retrieved better than 256 on the dev set (the
# weaker terms are generic; docs/quality.md) and keeps a passage's terms at 512 bytes.
LATENT_TERMS = 64
# Tokens of a question the encoder reads, the setting's default (see its help, and
# docs/reliability.md: a question costs roughly what its tokens cost).
DEFAULT_MAX_QUERY_TOKENS: int = Settings.max_query_tokens
_WORD_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class EmbedderId:
    """Which model made a set of vectors. Vectors from another name, version or dimension
    live in another space, so every comparison (loading a build, reusing vectors at
    reindex, ``reindex --if-stale``) goes through this one equality."""

    name: str
    version: str
    dim: int

    @classmethod
    def of(cls, embedder: Embedder) -> EmbedderId:
        return cls(str(embedder.name), str(embedder.version), int(embedder.dim))

    @classmethod
    def from_dict(cls, data: Mapping) -> EmbedderId:
        """From a manifest's ``embedder`` record; missing fields never equal a real id."""
        return cls(str(data.get("name")), str(data.get("version")), int(data.get("dim") or 0))

    def to_dict(self) -> dict:
        return {"name": self.name, "version": self.version, "dim": self.dim}

    def __str__(self) -> str:
        return f"{self.name!r} ({self.version}, dim {self.dim})"


@runtime_checkable
class Embedder(Protocol):
    """What search and reindex need of a model, every capability declared (a backend
    without one says so: ``NoLatentTerms``), so nothing probes for it.

    ``latent_dim``: the latent-terms head's size, 0 without one (then the ``*latent*``
    methods and the ``*_both`` methods raise ``EmbedderError``). ``one_pass``: whether
    ``encode_query_both`` and ``encode_passages_both`` cost one encoder pass (else two).
    ``passage_terms``: how ``encode_passages_both`` makes latent terms (a build records
    it; a build made otherwise is stale), "" without a head."""

    name: str
    version: str
    dim: int
    latent_dim: int
    one_pass: bool
    passage_terms: str

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...

    def encode_latent(self, texts: list[str]) -> np.ndarray:
        """Latent terms of passages (``latent_array``'s shape, one row per text)."""
        ...

    def encode_passages_both(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Passages' vectors, shape (n, dim), and latent terms, shape (n, 2, k)."""
        ...

    def encode_latent_query(self, text: str) -> np.ndarray:
        """One question's latent terms, shape (2, k), read as its vector reads it."""
        ...

    def encode_query_both(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One question's vector, shape (dim,), and latent terms, shape (2, k)."""
        ...


class NoLatentTerms:
    """For a backend without a latent-terms head: it says so, and asking fails clearly."""

    latent_dim = 0
    one_pass = False
    passage_terms = ""

    def encode_latent(self, texts: list[str]) -> np.ndarray:
        raise EmbedderError("this embedder has no latent-terms head")

    def encode_passages_both(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        raise EmbedderError("this embedder has no latent-terms head")

    def encode_latent_query(self, text: str) -> np.ndarray:
        raise EmbedderError("this embedder has no latent-terms head")

    def encode_query_both(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        raise EmbedderError("this embedder has no latent-terms head")


def latent_array(ids_values: list[tuple[np.ndarray, np.ndarray]], k: int) -> np.ndarray:
    """Latent terms as one float32 array of shape (n, 2, k): row i is text i's term ids
    (row 0; float32 holds ids below 2**24 exactly) and their L2-normalized weights (row
    1), padded with id 0 and weight 0, so a dot product never needs the padding masked."""
    out = np.zeros((len(ids_values), 2, k), dtype=np.float32)
    for i, (ids, values) in enumerate(ids_values):
        ids, values = np.asarray(ids)[:k], np.asarray(values, dtype=np.float32)[:k]
        norm = float(np.linalg.norm(values)) or 1.0
        out[i, 0, : len(ids)] = ids
        out[i, 1, : len(ids)] = values / norm
    return out


def latent_row(ids: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """One text's latent terms as one row of ``latent_array`` (shape (2, k)), the same
    numbers from fewer numpy calls: a question's are made right after its encoder pass,
    when each call costs several times what it costs warm (lab/costs.py --stages)."""
    values = np.asarray(values[:k], dtype=np.float32)
    out = np.zeros((2, k), dtype=np.float32)
    out[0, : len(values)] = ids[: len(values)]
    out[1, : len(values)] = values / (math.sqrt(float(values @ values)) or 1.0)
    return out


def latent_scores(query: np.ndarray, terms: np.ndarray, dim: int) -> np.ndarray:
    """Cosine of one query's latent terms (shape (2, k)) with each row of ``terms``
    (shape (n, 2, k)): the query is spread into a dense vector of ``dim`` once, then each
    row reads only its own k terms."""
    dense = np.zeros(dim, dtype=np.float32)
    dense[query[0].astype(np.int64)] = query[1]
    dense[0] = query[1][query[0] == 0].sum()  # id 0 is the padding id: only a real term counts
    return (dense[terms[:, 0].astype(np.int64)] * terms[:, 1]).sum(axis=1)


def truncate_to_tokens(text: str, count: Callable[[str], int], limit: int) -> str:
    """The longest prefix of ``text`` that ``count`` puts at ``limit`` tokens or fewer,
    cut after a whole word where one fits (else inside the first word). ``limit`` <= 0
    means no limit. About log2(words) calls of ``count``, each linear in the text."""
    if limit <= 0 or count(text) <= limit:
        return text
    ends = [m.end() for m in _WORD_RE.finditer(text)]
    words = _longest(len(ends), lambda n: count(text[: ends[n - 1]]) <= limit)
    if words:
        return text[: ends[words - 1]]
    first = ends[0] if ends else len(text)
    return text[: _longest(first, lambda n: count(text[:n]) <= limit)]


def _longest(high: int, fits: Callable[[int], bool]) -> int:
    """The largest n in 0..high with fits(n) (fits is monotone; fits(0) is assumed)."""
    low = 0
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


class EmbedderError(RuntimeError):
    """The configured embedder cannot be loaded; the message says what to install or fix."""


def normalized(vectors: np.ndarray, dim: int) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)
