"""What every retriever takes and gives: a prepared ``Query`` in, a ``Ranking`` out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Query:
    """A question ready for retrieval, prepared once and shared by every retriever.

    ``text`` is the cleaned question; ``dense_text`` what the dense encoder reads (the
    Cyrillic spelling of Latin-script Kazakh, else ``text``); ``lexical_text`` what BM25
    reads and ``latent_text`` what the latent terms are computed from (both with the
    glossary's English terms added when it is on). ``vector``: the dense embedding, shape
    (1, dim); ``latent``: the latent terms, shape (2, k), or None without them.
    """

    text: str
    dense_text: str
    lang: str
    # The question as read for its answer type and highlighting: ``text``, or its
    # Cyrillic spelling when it was Kazakh typed in Latin letters (``converted``).
    reading: str = ""
    converted: bool = False
    lexical_text: str = ""
    latent_text: str = ""
    concepts: int = 0  # glossary concepts (the reform's terms) the question names
    glossary_ids: tuple[int, ...] = ()  # those entries' indices (glossary.Glossary.matched)
    vector: np.ndarray | None = None
    latent: np.ndarray | None = None
    # The cosine of the question's own vector (before the glossary mix) with the nearest
    # glossary entry's: how near it is to the reform's terms (confidence's ``domain``).
    domain: float | None = None
    # The topic probe's log-odds that the question is about the reform (topic.py), from the
    # same vector; None without a probe for this embedder (confidence's ``topic``).
    topic: float | None = None
    # The mean cosine of its 3 nearest labelled questions about the reform minus that of
    # its 3 nearest about anything else (topic.TopicNeighbours); None without them.
    near: float | None = None


@dataclass(frozen=True)
class Ranking:
    """Passage rows, best first, with the retriever's score for each.

    ``detail`` carries what a later stage needs from this retriever and nothing else
    computes: the dense retriever's per-sentence cosines (highlighting, confidence).
    """

    name: str
    rows: tuple[int, ...]
    scores: tuple[float, ...]
    detail: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if len(self.rows) != len(self.scores):
            raise ValueError("a ranking needs one score per row")

    @classmethod
    def of(cls, name: str, scored: dict[int, float], detail: dict | None = None) -> Ranking:
        """From row -> score; ties keep the mapping's order (stable), so results repeat."""
        # Stable even reversed: rows of equal score keep the mapping's order.
        order = sorted(scored.items(), key=itemgetter(1), reverse=True)
        rows = tuple(map(itemgetter(0), order))
        return cls(name, rows, tuple(map(float, map(itemgetter(1), order))), detail or {})

    def score_of(self, row: int, default: float = 0.0) -> float:
        return self._lookup.get(row, default)

    @property
    def _lookup(self) -> dict[int, float]:
        cached = self.__dict__.get("_lookup_cache")
        if cached is None:
            cached = dict(zip(self.rows, self.scores, strict=True))
            object.__setattr__(self, "_lookup_cache", cached)
        return cached

    def top(self) -> int:
        """The best row, or -1 when nothing was found."""
        return self.rows[0] if self.rows else -1


class Retriever(Protocol):
    """One way of scoring passages. ``search`` finds its own candidates among all
    passages; ``rescore`` scores given candidates (the hybrid lets the dense retriever
    pick candidates and the others re-rank them)."""

    name: str

    def search(self, query: Query, depth: int) -> Ranking: ...

    def rescore(self, query: Query, rows: Sequence[int]) -> Ranking: ...
