"""Retrievers: each scores passages of one build for a prepared question, its own way.

One retriever per file (``dense``, ``bm25``, ``latent``), all with the same small interface
(``base.Retriever``); ``fuse`` combines their rankings. ``search.Searcher`` wires them.
"""

from .base import Query, Ranking, Retriever
from .fuse import FUSION_MODES, fuse, scaled_weights

__all__ = ["FUSION_MODES", "Query", "Ranking", "Retriever", "fuse", "scaled_weights"]
