"""Dense retrieval: e5 cosine with each passage *and* with each of its sentences.

A passage scores the better of its own cosine and its best sentence's: an answer is often
one sentence in a window about something else. Sentence vectors are computed at reindex
and stored in the build (``sentence_vectors.npy``, required since build format 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

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
        # Plain lists first: iterating a numpy row makes a numpy scalar per element.
        found = [(i, s) for i, s in zip(ids[0].tolist(), scores[0].tolist(), strict=True) if i >= 0]
        return self._ranking(query, dict(found))

    def rescore(self, query: Query, rows: Sequence[int]) -> Ranking:
        vectors = self.index.vectors[list(rows)]
        cosines = np.asarray(vectors, dtype=np.float32) @ query.vector[0]
        return self._ranking(query, {r: float(c) for r, c in zip(rows, cosines, strict=True)})

    def _ranking(self, query: Query, passage: dict[int, float]) -> Ranking:
        """One matrix product for the candidates' sentences (their rows gathered), not one
        per candidate, and each candidate's best sentence by one ``reduceat``: a dozen
        whole-array calls, where a loop over the fifty candidates cost a third more
        (``lab/costs.py --stages``). ``detail["sentences"]`` gives each row's cosines
        (views into one array), ``detail["all_sentences"]`` that array."""
        rows = np.fromiter(passage, dtype=np.int64, count=len(passage))
        starts = self.offsets[rows]
        counts = self.offsets[rows + 1] - starts
        ends = np.cumsum(counts)
        total = int(ends[-1]) if len(ends) else 0
        # Row j of the gather is sentence starts[i] + (j - the candidate's first j).
        gather = np.repeat(starts - ends + counts, counts) + np.arange(total)
        cosines = self.sentence_vectors[gather] @ query.vector[0]
        bounds = [0, *ends.tolist()]
        if total and counts.min() > 0:
            own = np.fromiter(passage.values(), dtype=np.float64, count=len(passage))
            reduced = np.maximum.reduceat(cosines, bounds[:-1])
            best = dict(zip(passage, np.maximum(own, reduced).tolist(), strict=True))
        else:  # a candidate without sentences keeps its own cosine
            flat = cosines.tolist()
            best = {
                row: max([cosine, *flat[bounds[i] : bounds[i + 1]]])
                for i, (row, cosine) in enumerate(passage.items())
            }
        sentences = SentenceCosines(passage, bounds, cosines)
        detail = {"passage": passage, "sentences": sentences, "all_sentences": cosines}
        return Ranking.of(self.name, best, detail)


class SentenceCosines(Mapping[int, np.ndarray]):
    """Row -> the cosines of its sentences, a view into one array made when a stage asks
    for that row: the later stages read a handful of the fifty candidates, and each view
    made is a numpy call, microseconds each with the caches cold after the encoder pass."""

    def __init__(self, rows: Iterable[int], bounds: list[int], cosines: np.ndarray):
        self._where = {r: i for i, r in enumerate(rows)}
        self._bounds = bounds
        self._cosines = cosines

    def __getitem__(self, row: int) -> np.ndarray:
        i = self._where[row]
        return self._cosines[self._bounds[i] : self._bounds[i + 1]]

    def __iter__(self) -> Iterator[int]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)
