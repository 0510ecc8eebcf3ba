"""Finished answers, kept so that a repeated question costs a lookup, not a search.

On referendum day most citizens ask the same few questions. The query-vector cache
(embedder.py) spares such a question the encoder, not the rest of the pipeline; this
cache keeps the whole JSON body of the answer. Its key is the answer's ETag: the
question as validate.py normalizes it (case kept: the ranking reads capitals), the
language asked for, ``k``, the id of the build that answered, and a salt of everything
else that ranks (the search composition, the ranking settings, the code and its data
files: ``answer_salt``), so a new build, an upgrade or a replica configured otherwise
never serves an old answer: the difference is in every key, and old entries age out.
The stored body leaves out ``took_ms``: each response says its own time (service.py).

Backends, chosen by ``answer_cache_uri``:

- ``memory://`` (default): an LRU per process (``answer_cache_size`` entries);
- ``redis://host:port/db``: one cache for every worker and replica, each entry kept for
  ``answer_cache_ttl`` seconds (Redis' ``maxmemory-policy`` bounds it too), with the
  per-process LRU in front: a popular answer is then a dictionary lookup, not a round
  trip (a key never changes meaning, so the two cannot disagree). A Redis that fails or
  is slow is skipped for ``REDIS_BACKOFF`` seconds: questions are then answered by
  searching, never refused;
- ``none``: no cache.

Keys hold a hash, never the question; the cached body holds the question as the
answer does (``query``), for at most the TTL.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import __version__
from .lru import LRU

if TYPE_CHECKING:
    from .config import Settings

log = logging.getLogger(__name__)

KEY_PREFIX = "qa:answer:"
REDIS_TIMEOUT = 0.05  # seconds; a lookup must stay far below the cost of a search
REDIS_BACKOFF = 5.0  # seconds without Redis after it failed


def answer_key(build_id: str, question: str, k: int, lang: str | None, salt: str = "") -> str:
    """The cache key of one answer, which is also its ETag: the same question, language,
    k, build and ``salt`` (``answer_salt``) give the same key (``question`` already
    normalized by validate.py)."""
    parts = [build_id, question, str(k), lang or "", salt]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


# Settings that change a ranking without changing the build (issue 21, row 4: two replicas
# sharing a Redis cache with different `QA_LATENT_TERMS` served each other's rankings).
RANKING_SETTINGS = (
    "embedder",
    "latent_terms",
    "one_pass",
    "max_query_tokens",
    "hnsw_ef_search",
    "ivf_nprobe",
)


def answer_salt(settings: Settings, params: object) -> str:
    """What decides an answer besides the build and the question: the search composition
    (``params``, a ``SearchParams``), the ranking settings, and the code and data that
    rank (``code_fingerprint``), so that an upgrade or a replica configured otherwise
    never serves, or gets a 304 for, another's answer."""
    parts = [code_fingerprint(), repr(params)]
    parts += [f"{name}={getattr(settings, name)!r}" for name in RANKING_SETTINGS]
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:16]


# What decides an answer in the package folder: code, the rule and the topic probe
# (.json), the glossary (.tsv), the one-pass source (.c), the topic neighbours (.npz).
SERVING_FILES = (".py", ".json", ".tsv", ".c", ".npz")


@functools.cache
def code_fingerprint() -> str:
    """A hash of the package's version and of its serving code and data files (the
    confidence rule, the topic probe and neighbours, the glossary, the one-pass source):
    a development checkout keeps its version number across changes, its files do not. The
    lab is left out."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == "lab" or path.suffix not in SERVING_FILES:
            continue
        digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Lookup:
    """A lookup's result: the body, or None; ``outcome`` is ``hit``, ``miss``, ``error``
    (the backend failed: searched instead) or ``off``."""

    body: bytes | None
    outcome: str


class AnswerCache(Protocol):
    kind: str

    def get(self, key: str) -> Lookup: ...

    def put(self, key: str, body: bytes) -> None: ...


class NoCache:
    kind = "none"

    def get(self, key: str) -> Lookup:
        return Lookup(None, "off")

    def put(self, key: str, body: bytes) -> None:
        return None


class MemoryCache:
    """An LRU of answer bodies in this process (lru.py). Thread-safe."""

    kind = "memory"

    def __init__(self, size: int):
        if size < 1:
            raise ValueError("answer cache size must be at least 1")
        self.size = size
        self._items: LRU[str, bytes] = LRU(size)

    def get(self, key: str) -> Lookup:
        body = self._items.get(key)
        return Lookup(None, "miss") if body is None else Lookup(body, "hit")

    def put(self, key: str, body: bytes) -> None:
        self._items.put(key, body)

    def __len__(self) -> int:
        return len(self._items)


class RedisCache:
    """Answers shared through Redis by every worker and replica.

    The client connects lazily and reconnects after a fork (redis-py's pool checks the
    process id). Every failure is logged once per back-off period, without the key.
    """

    kind = "redis"

    def __init__(self, uri: str, ttl: int):
        import redis

        self.ttl = max(int(ttl), 1)
        self._errors = (redis.RedisError, OSError)
        self._client = redis.Redis.from_url(
            uri, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        self._down_until = 0.0

    def _usable(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, exc: Exception) -> None:
        self._down_until = time.monotonic() + REDIS_BACKOFF
        log.warning(
            "answer cache: Redis failed; searching without it for a while",
            extra={"detail": type(exc).__name__, "seconds": REDIS_BACKOFF},
        )

    def get(self, key: str) -> Lookup:
        if not self._usable():
            return Lookup(None, "error")
        try:
            body = self._client.get(KEY_PREFIX + key)
        except self._errors as exc:
            self._failed(exc)
            return Lookup(None, "error")
        return Lookup(body, "hit") if body is not None else Lookup(None, "miss")

    def put(self, key: str, body: bytes) -> None:
        if not self._usable():
            return
        try:
            self._client.set(KEY_PREFIX + key, body, ex=self.ttl)
        except self._errors as exc:
            self._failed(exc)


class TieredCache:
    """The per-process LRU in front of the shared Redis cache."""

    kind = "redis"

    def __init__(self, local: MemoryCache, shared: RedisCache):
        self.local = local
        self.shared = shared

    def get(self, key: str) -> Lookup:
        found = self.local.get(key)
        if found.body is not None:
            return found
        found = self.shared.get(key)
        if found.body is not None:
            self.local.put(key, found.body)
        return found

    def put(self, key: str, body: bytes) -> None:
        self.local.put(key, body)
        self.shared.put(key, body)


def make_answer_cache(uri: str, size: int, ttl: int) -> AnswerCache:
    """The backend ``uri`` names (see the module docstring); a clear error otherwise."""
    uri = (uri or "").strip()
    if uri in ("", "none", "off"):
        return NoCache()
    if uri == "memory://":
        return MemoryCache(size) if size > 0 else NoCache()
    if uri.startswith(("redis://", "rediss://", "unix://")):
        shared = RedisCache(uri, ttl)
        return TieredCache(MemoryCache(size), shared) if size > 0 else shared
    raise ValueError(
        f"setting QA_ANSWER_CACHE_URI: {uri!r} is not `memory://`, `redis://host:port/db` or `none`"
    )
