"""Dense retrieval: e5 cosine with each passage *and* with each of its sentences.

A passage scores the better of its own cosine and its best sentence's: an answer is often
one sentence in a window about something else. Sentence vectors are computed at reindex
and stored in the build (``sentence_vectors.npy``, required since build format 2).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..embedder import Embedder
from ..index import LoadedIndex
from ..passages import sentence_offsets, sentence_texts
from .base import Query, Ranking


class DenseRetriever:
    name = "dense"

    def __init__(self, index: LoadedIndex, embedder: Embedder):
        self.index = index
        # Row j of sentence_vectors is sentence j of the passages in order; passage i's
        # sentences are rows offsets[i] to offsets[i + 1] (load_build checked the count).
        self.offsets = sentence_offsets(index.passages)
        self.sentence_texts = sentence_texts(index.passages)
        self.sentence_vectors = np.asarray(index.sentence_vectors, dtype=np.float32)

    def search(self, query: Query, depth: int) -> Ranking:
        """The ``depth`` passages nearest the question (FAISS), re-scored with their
        sentences. ``detail``: ``passage`` (row -> passage cosine) and ``sentences`` (row
        -> cosine of each of its sentences)."""
        scores, ids = self.index.search(query.vector, max(depth, 1))
        found = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        return self._ranking(query, dict(found))

    def rescore(self, query: Query, rows: Sequence[int]) -> Ranking:
        vectors = self.index.vectors[list(rows)]
        cosines = np.asarray(vectors, dtype=np.float32) @ query.vector[0]
        return self._ranking(query, {r: float(c) for r, c in zip(rows, cosines, strict=True)})

    def _ranking(self, query: Query, passage: dict[int, float]) -> Ranking:
        sentences = {}
        for row in passage:
            a, b = self.offsets[row], self.offsets[row + 1]
            sentences[row] = self.sentence_vectors[a:b] @ query.vector[0]
        best = {
            r: max(c, float(sentences[r].max()) if len(sentences[r]) else c)
            for r, c in passage.items()
        }
        return Ranking.of(self.name, best, {"passage": passage, "sentences": sentences})
