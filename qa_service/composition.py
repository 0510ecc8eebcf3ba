"""How the search stages are composed: ``SearchParams``, and its form in the rule file.

The served composition is written once, in ``confidence.json`` (``search``), beside the
confidence rule fitted on its rankings: the rule only holds for the rankings it was fitted
on, so the two travel together (txtai's habit of an index's ``config.json``). Evaluation
variants (one retriever alone, other weights, the lab's candidates in ``lab/compositions.py``)
are other ``SearchParams``: the same stages composed differently, never flags inside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .retrieval.fuse import FUSION_MODES

# The retrievers the service can run (retrieval/); the first one named picks the candidates.
RETRIEVERS = ("dense", "bm25", "latent")
# What the rule file may say about the served composition (``confidence`` is the lab's).
STORED_FIELDS = ("retrievers", "weights", "fusion", "glossary")


@dataclass(frozen=True)
class SearchParams:
    """Which stages run and how they combine.

    ``retrievers``: which ones run, the first picking the candidates (the others re-rank
    them); one alone is that retriever's own ranking. ``weights``: each ranking's weight in
    the fusion (BM25's is further scaled by the question's vocabulary coverage).
    ``fusion``: a mode of retrieval/fuse.py. ``glossary``: the retrievers whose text gets
    the glossary's English terms for the question's Russian/Kazakh terms (glossary.py).
    ``confidence``: False gives a bare ranking that never abstains (evaluation).

    The defaults are a plain starting point; what is served is the rule file's ``search``
    (``search.served_params``).
    """

    retrievers: tuple[str, ...] = RETRIEVERS
    weights: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(RETRIEVERS, 1.0))
    fusion: str = "dbsf"
    glossary: tuple[str, ...] = RETRIEVERS
    confidence: bool = True

    def __post_init__(self) -> None:
        if not self.retrievers or len(set(self.retrievers)) != len(self.retrievers):
            raise ValueError(f"retrievers {self.retrievers}: name each at most once, at least one")
        if self.fusion not in FUSION_MODES:
            raise ValueError(f"unknown fusion mode {self.fusion!r}: use {', '.join(FUSION_MODES)}")
        unknown = sorted(set(self.glossary) - set(RETRIEVERS))
        if unknown:
            raise ValueError(
                f"glossary for unknown retrievers {unknown}: use some of {', '.join(RETRIEVERS)}"
            )

    def without_latent(self) -> SearchParams:
        """The same composition without latent terms (``QA_LATENT_TERMS=false``, an
        embedder without the head, the rule's fallback)."""
        return replace(
            self,
            retrievers=tuple(r for r in self.retrievers if r != "latent"),
            glossary=tuple(g for g in self.glossary if g != "latent"),
        )

    def to_dict(self) -> dict:
        """The stored fields, as the rule file holds them."""
        return {
            "retrievers": list(self.retrievers),
            "weights": {name: float(w) for name, w in self.weights.items()},
            "fusion": self.fusion,
            "glossary": list(self.glossary),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> SearchParams:
        """The served composition from the rule file: every field named, each known, and
        only the retrievers the service has."""
        given, stored = set(data), set(STORED_FIELDS)
        if given != stored:
            raise ValueError(
                f"search composition: unknown fields {sorted(given - stored)}, missing "
                f"{sorted(stored - given)}; the fields are {', '.join(STORED_FIELDS)}"
            )
        retrievers = tuple(str(r) for r in data["retrievers"])
        unknown = sorted(set(retrievers) - set(RETRIEVERS))
        if unknown:
            raise ValueError(
                f"search composition: unknown retrievers {unknown}: use some of "
                f"{', '.join(RETRIEVERS)}"
            )
        return cls(
            retrievers=retrievers,
            weights={str(k): float(v) for k, v in dict(data["weights"]).items()},
            fusion=str(data["fusion"]),
            glossary=tuple(str(g) for g in data["glossary"]),
        )
