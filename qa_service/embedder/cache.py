"""An LRU cache of question encodings in front of any embedder."""

from __future__ import annotations

import threading

import numpy as np

from ..lru import LRU
from .base import Embedder


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


class CachedEmbedder:
    """An LRU cache of query vectors in front of any embedder.

    On referendum day many citizens ask the same few questions; embedding is the costliest
    step of a search, so each worker keeps the last ``size`` query vectors. Keys are the
    exact (already cleaned) query strings; the query's latent terms, when the backend has
    them, are cached beside its vector. Passage encoding is never cached: reindexing
    reuses vectors by content hash instead. Thread-safe; ``hits``/``misses`` are kept for
    the benchmark report. Cached arrays are read-only (shared between requests).
    """

    def __init__(self, embedder: Embedder, size: int):
        if size < 1:
            raise ValueError("query cache size must be at least 1")
        self.inner = embedder
        self.name = embedder.name
        self.version = embedder.version
        self.dim = embedder.dim
        self.latent_dim = embedder.latent_dim
        self.size = size
        self.hits = 0
        self.misses = 0
        self._vectors: LRU[str, np.ndarray] = LRU(size)
        self._latent: LRU[str, np.ndarray] = LRU(size)
        self._both: LRU[str, tuple[np.ndarray, np.ndarray]] = LRU(size)
        self._count = threading.Lock()

    @property
    def one_pass(self) -> bool:
        return self.inner.one_pass

    @property
    def passage_terms(self) -> str:
        return self.inner.passage_terms

    def _counted(self, hits: int, misses: int) -> None:
        with self._count:
            self.hits += hits
            self.misses += misses

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        todo: list[int] = []
        for i, text in enumerate(texts):
            vector = self._vectors.get(text)
            if vector is None:
                todo.append(i)
            else:
                out[i] = vector
        self._counted(len(texts) - len(todo), len(todo))
        if todo:
            fresh = self.inner.encode_queries([texts[i] for i in todo])
            for row, i in enumerate(todo):
                out[i] = fresh[row]
                self._vectors.put(texts[i], _frozen(fresh[row].copy()))
        return out

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_passages(texts)

    def encode_latent(self, texts: list[str]) -> np.ndarray:
        """Passages' latent terms, uncached (like ``encode_passages``)."""
        return self.inner.encode_latent(texts)

    def encode_passages_both(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Passages' vectors and latent terms, uncached (like ``encode_passages``)."""
        return self.inner.encode_passages_both(texts)

    def encode_latent_query(self, text: str) -> np.ndarray:
        """One question's latent terms, through the LRU cache."""
        terms = self._latent.get(text)
        if terms is None:
            terms = _frozen(self.inner.encode_latent_query(text))
            self._latent.put(text, terms)
        return terms

    def encode_query_both(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One question's vector and latent terms (``E5Small.encode_query_both``), through
        the LRU cache."""
        found = self._both.get(text)
        self._counted(found is not None, found is None)
        if found is None:
            vector, terms = self.inner.encode_query_both(text)
            found = (_frozen(vector), _frozen(terms))
            self._both.put(text, found)
        return found

    def __len__(self) -> int:
        return len(self._vectors) + len(self._both)

    def clear(self) -> None:
        self._vectors.clear()
        self._latent.clear()
        self._both.clear()
        with self._count:
            self.hits = self.misses = 0
