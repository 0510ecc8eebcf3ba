"""Lexical retrieval: BM25 over each passage with its article's title (lexical.py).

The BM25 index is written at reindex into the build (``bm25/``) and loaded, memory-mapped,
by each worker; builds made before that get it built in memory once.

How much BM25 may weigh follows from ``coverage``: the share of the question's content
words that reached the corpus vocabulary (directly or through transliteration). An
English question over English sources gets it at full weight; a Kazakh or Russian one
only as far as its names and key terms carry over (search.py, docs/quality.md).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from ..lexical import BM25Index, LexicalQuery
from .base import Query, Ranking


class BM25Retriever:
    name = "bm25"

    def __init__(self, bm25: BM25Index):
        self.bm25 = bm25
        # Retrieval, fusion and confidence each need the question's lexical form and
        # scores: computed once per question (a few recent ones kept; thread-safe).
        self._lexical = functools.lru_cache(maxsize=32)(self.bm25.query)
        self._scores = functools.lru_cache(maxsize=32)(self._all_scores)

    def lexical(self, query: Query) -> LexicalQuery:
        """The question's tokens in the corpus vocabulary, and how many of its words got
        there (``coverage``)."""
        return self._lexical(query.lexical_text or query.text)

    def all_scores(self, lexical: LexicalQuery) -> np.ndarray:
        """BM25 score of every passage (read-only: shared between calls)."""
        return self._scores(lexical.tokens)

    def _all_scores(self, tokens: tuple[str, ...]) -> np.ndarray:
        scores = self.bm25.scores(tokens)
        scores.flags.writeable = False
        return scores

    def search(self, query: Query, depth: int) -> Ranking:
        scores = self.all_scores(self.lexical(query))
        rows = [int(r) for r in np.argsort(-scores, kind="stable")[: max(depth, 1)]]
        return Ranking.of(self.name, {r: float(scores[r]) for r in rows})

    def rescore(self, query: Query, rows: Sequence[int]) -> Ranking:
        """Candidates with a BM25 match only: a passage none of whose words the question
        shares gets no vote in the fusion."""
        scores = self.all_scores(self.lexical(query))
        rows = list(rows)
        # One gather and ``tolist``: indexing the array per row makes a numpy scalar each.
        picked = scores[rows].tolist() if rows else []
        return Ranking.of(self.name, {r: s for r, s in zip(rows, picked, strict=True) if s > 0})
