"""Answer-type retrieval, a lab candidate (compositions.py), not served: for a "how many"
or "when" question, the passages whose most question-like sentence *holding a number or a
time* is closest to the question.

A classic QA signal the other retrievers lack: "Референдум қашан?" is close to every
passage that mentions the referendum, but only one of them names a date. Rows without a
sentence of the wanted type get no vote; a question that asks for no type gets an empty
ranking (then this list adds nothing to the fusion). Uses the dense retriever's sentence
vectors; which sentences hold a number or a time is computed once per build.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..answer_type import expected_type, holds_type
from ..retrieval.base import Query, Ranking
from ..retrieval.dense import DenseRetriever


class AnswerTypeRetriever:
    name = "type"

    def __init__(self, dense: DenseRetriever):
        self.dense = dense
        texts = dense.sentence_texts
        self._holds = {
            kind: np.array([holds_type(kind, t) for t in texts], dtype=bool)
            for kind in ("quantity", "time")
        }

    def search(self, query: Query, depth: int) -> Ranking:
        return self.rescore(query, self.dense.search(query, depth).rows)

    def rescore(self, query: Query, rows: Sequence[int]) -> Ranking:
        kind = expected_type(query.reading or query.text)
        if kind is None or query.vector is None:
            return Ranking(self.name, (), ())
        holds = self._holds[kind]
        offsets, vectors = self.dense.offsets, self.dense.sentence_vectors
        scores = {}
        for row in rows:
            a, b = offsets[row], offsets[row + 1]
            mask = holds[a:b]
            if mask.any():
                cosines = vectors[a:b][mask] @ query.vector[0]
                scores[row] = float(cosines.max())
        return Ranking.of(self.name, scores)
