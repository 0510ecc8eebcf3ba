"""The candidate compositions `referendum-qa eval --cv` compares (lab/cv.py), by name.

Simplest first (a tie goes to the earlier one). The chosen one is written into
``confidence.json`` beside the rule fitted on its rankings (``search``: its fields, and
``composition``: its name), and that file is what the service composes its stages from.
The answer-type list (``type``) is a lab retriever: a composition naming it gets one.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..composition import SearchParams
from ..confidence import ConfidenceRule
from ..embedder import Embedder
from ..index import LoadedIndex
from ..retrieval.dense import DenseRetriever
from ..search import Searcher
from .answer_type_retriever import AnswerTypeRetriever

_G = ("dense", "bm25", "latent")  # the glossary's English terms for every retriever
_TYPED = ("dense", "bm25", "latent", "type")


def _w(dense=1.0, bm25=1.0, latent=1.0, type=1.0) -> dict[str, float]:  # noqa: A002
    return {"dense": dense, "bm25": bm25, "latent": latent, "type": type}


_PLAIN = {"fusion": "rrf", "glossary": ()}
COMPOSITIONS: dict[str, SearchParams] = {
    # The service before the cross-validation: RRF of dense, BM25 and latent terms.
    "hybrid": SearchParams(retrievers=_G, **_PLAIN),
    "dense": SearchParams(retrievers=("dense",), **_PLAIN),
    "rrf+glossary": SearchParams(retrievers=_G, fusion="rrf", glossary=_G),
    "dbsf+glossary": SearchParams(retrievers=_G, fusion="dbsf", glossary=_G),
    "rrf+glossary+type": SearchParams(retrievers=_TYPED, fusion="rrf", glossary=_G, weights=_w()),
    "dbsf+glossary+type": SearchParams(retrievers=_TYPED, fusion="dbsf", glossary=_G, weights=_w()),
    "dbsf+glossary+type:latent/2": SearchParams(
        retrievers=_TYPED, fusion="dbsf", glossary=_G, weights=_w(latent=0.5)
    ),
    "dbsf+glossary+type:bm25/2": SearchParams(
        retrievers=_TYPED, fusion="dbsf", glossary=_G, weights=_w(bm25=0.5)
    ),
    "dbsf+glossary+type:dense×2": SearchParams(
        retrievers=_TYPED, fusion="dbsf", glossary=_G, weights=_w(dense=2.0)
    ),
    "dbsf+glossary+type:type/2": SearchParams(
        retrievers=_TYPED, fusion="dbsf", glossary=_G, weights=_w(type=0.5)
    ),
}


def composition(name: str, compositions: Mapping[str, SearchParams] = COMPOSITIONS) -> SearchParams:
    """The named candidate; an unknown name is an error listing the valid ones."""
    if name not in compositions:
        raise ValueError(f"unknown composition {name!r}: use one of {', '.join(compositions)}")
    return compositions[name]


def searcher(
    index: LoadedIndex,
    embedder: Embedder,
    params: SearchParams,
    rule: ConfidenceRule | None = None,
) -> Searcher:
    """A ``Searcher`` for any composition, the lab's retrievers included."""
    extra = {}
    if "type" in params.retrievers:
        extra["type"] = AnswerTypeRetriever(DenseRetriever(index, embedder))
    return Searcher(index, embedder, params, rule=rule, extra=extra)
