"""The running service's hold on the live index: load once, notice new builds, never mix.

Each request takes one ``Searcher`` reference at its start and uses it to the end, so a
response never mixes two builds. A check on request (at most every
``reload_check_seconds``) notices that ``embeddings/current`` moved; a background thread
then loads the new build while the old one keeps answering, and swaps the reference once
the load is complete (loading takes seconds: no request waits for it). If that load
fails, the old build keeps serving and the failure is reported by ``/readyz``.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
import time
from pathlib import Path

from flask import Flask, current_app

from . import faiss_index as fx
from . import index as idx
from . import lifecycle
from .answer_cache import answer_key, answer_salt, make_answer_cache
from .composition import SearchParams
from .config import Settings
from .embedder import CachedEmbedder, Embedder, EmbedderId, embedder_for
from .facts import fact_of
from .glossary import Glossary
from .search import Searcher, served_params
from .verify import translator

log = logging.getLogger(__name__)

QA_KEY = "qa"  # where the app factory keeps its QAService: app.extensions[QA_KEY]


def current_service(app: Flask | None = None) -> QAService:
    """The ``QAService`` of ``app`` (default: the app serving this request); the one way
    routes, hooks and tools reach it."""
    return (app if app is not None else current_app).extensions[QA_KEY]


class Unavailable(RuntimeError):
    """No index can answer right now; the message says why (shown by /readyz)."""


class QAService:
    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self._embedder = embedder
        self._searcher: Searcher | None = None
        self._loaded_from: Path | None = None
        self._problem: str | None = None
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._failed: Path | None = None
        self._reloading = threading.Event()
        self.answer_cache = make_answer_cache(
            settings.answer_cache_uri, settings.answer_cache_size, settings.answer_cache_ttl
        )
        # The reform's terms, read once per process and shared with every searcher built on
        # a reload: names for readers (the page's terms line), the counted nouns'
        # other-language forms (the fact line), and the search's own glossary stage.
        self.glossary = Glossary.load()
        self.translate = translator(self.glossary)

    @functools.cached_property
    def answer_salt(self) -> str:
        """What besides the build and the question decides an answer (answer_cache.py):
        part of every cache key and ETag."""
        return answer_salt(self.settings, self.search_params)

    def answer_key(self, version: str, q: str, k: int, lang: str | None) -> str:
        """The answer cache's key for one question, which is also the answer's ETag."""
        return answer_key(version, q, k, lang, self.answer_salt)

    def answer_body(
        self, searcher: Searcher, q: str, k: int, lang: str | None
    ) -> tuple[bytes, str]:
        """The answer to an already validated question as a JSON body, from the answer
        cache when it holds it (answer_cache.py), and the lookup's outcome (``hit``,
        ``miss``, ``error`` or ``off``). The build id of ``searcher`` and the answer salt
        are in the key: a new build, other search settings or other code never answer
        from another's entries. ``took_ms`` is this request's time and ``cached`` says
        whether it came from the cache: the stored body holds neither."""
        salt = self.answer_salt  # computed once per process, not this request's time
        started = time.perf_counter()
        key = answer_key(searcher.index.version, q, k, lang, salt)
        found = self.answer_cache.get(key)
        if found.body is not None:
            return _stamped(found.body, started, cached=True), found.outcome
        answer = searcher.ask(q, k=k, lang=lang)
        # The asked value in the reader's language (facts.py): part of the cached body,
        # whose key holds the language.
        fact = fact_of(answer, answer.lang, self.translate)
        data = answer.to_dict() | {"fact": fact.to_dict() if fact else None}
        data.pop("took_ms", None)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.answer_cache.put(key, body)
        return _stamped(body, started, cached=False), found.outcome

    def _searcher_for(self, loaded: idx.LoadedIndex) -> Searcher:
        fx.tune_search(loaded.faiss_index, self.settings.hnsw_ef_search, self.settings.ivf_nprobe)
        return Searcher(loaded, self.embedder, self.search_params, glossary=self.glossary)

    @property
    def search_params(self) -> SearchParams:
        return served_params(self.settings.latent_terms)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = embedder_for(self.settings)
        size = self.settings.query_cache_size
        if size > 0 and not isinstance(self._embedder, CachedEmbedder):
            # Query vectors do not depend on the index, so the cache survives reloads.
            self._embedder = CachedEmbedder(self._embedder, size)
        return self._embedder

    @property
    def problem(self) -> str | None:
        """Why the live build is not (or not the newest) in service, if anything is wrong."""
        return self._problem

    def load(self) -> None:
        """Load the build ``current`` points at. Keeps the old one if the new one fails."""
        with self._lock:
            self._checked_at = time.monotonic()
            target = lifecycle.current_build(self.settings.embeddings_dir)
            if target is None:
                self._problem = "no index build yet; run `referendum-qa reindex`"
                return
            if target == self._loaded_from and self._searcher is not None:
                # `current` is back on the build we serve (e.g. a rollback): all is well.
                self._problem = None
                self._failed = None
                return
            embedder = self.embedder
            fx.set_search_threads(self.settings.faiss_threads)
            try:
                loaded = idx.load_build(target, EmbedderId.of(embedder))
            except idx.IndexError_ as exc:
                self._problem = public_reason(exc, self.settings.embeddings_dir)
                self._failed = target
                log.error("index load failed", extra={"build": str(target), "detail": str(exc)})
                if self._searcher is None:
                    self._fall_back(target)
                return
            self._searcher = self._searcher_for(loaded)
            self._loaded_from = target
            self._problem = None
            self._failed = None
            log.info("index loaded", extra={"version": loaded.version})

    def maybe_reload(self) -> None:
        """Cheap on the hot path: one clock read, and a readlink every few seconds."""
        if time.monotonic() - self._checked_at < self.settings.reload_check_seconds:
            return
        self._checked_at = time.monotonic()
        target = lifecycle.current_build(self.settings.embeddings_dir)
        if target != self._failed and (target != self._loaded_from or self._problem):
            if self._searcher is None:
                self.load()  # nothing to answer with: this request waits for the load
            elif not self._reloading.is_set():
                self._reloading.set()
                threading.Thread(target=self._reload, name="qa-reload", daemon=True).start()

    def _reload(self) -> None:
        try:
            self.load()
        except Exception:  # noqa: BLE001 - a reload must never take the worker down
            log.exception("index reload crashed; the old build keeps serving")
        finally:
            self._reloading.clear()

    def wait_reloaded(self, timeout: float = 60.0) -> bool:
        """Block until no background reload runs (tests, CLI); False on timeout."""
        deadline = time.monotonic() + timeout
        while self._reloading.is_set():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _fall_back(self, broken: Path) -> None:
        """Nothing served yet and ``current`` is unusable: serve the newest build that loads.

        A worker started (or restarted by gunicorn) after a build went bad would otherwise
        answer 503 while its siblings still serve; ``problem`` keeps saying what is wrong.
        """
        from .lifecycle import newest_loadable

        loaded = newest_loadable(self.settings.embeddings_dir, self.embedder, exclude=broken)
        if loaded is None:
            return
        self._searcher = self._searcher_for(loaded)
        self._loaded_from = loaded.path.resolve()
        self._problem = f"{self._problem}; serving the older build {loaded.version} meanwhile"
        log.warning("serving an older build", extra={"version": loaded.version})

    @property
    def current(self) -> Searcher | None:
        """The build in service now, without looking for a newer one (metrics, probes)."""
        return self._searcher

    def searcher(self) -> Searcher:
        self.maybe_reload()
        searcher = self._searcher
        if searcher is None:
            raise Unavailable(self._problem or "index not loaded yet")
        return searcher


def _stamped(body: bytes, started: float, *, cached: bool) -> bytes:
    """``body`` (a JSON object) with this request's ``took_ms`` and ``cached`` added last."""
    took = (time.perf_counter() - started) * 1000
    tail = b',"took_ms":%.2f,"cached":%s}' % (took, b"true" if cached else b"false")
    return body[:-1] + (tail if body.rstrip() != b"{}" else tail[1:])


# An absolute path's folders (`/srv/qa/embeddings/`), where no relative name is known.
_FOLDERS_RE = re.compile(r"(?<![\w.])/(?:[^\s/:()]+/)+")


def public_reason(exc: Exception, embeddings_dir: Path) -> str:
    """Why a build cannot serve, as /readyz and a 503 may say it to anyone: paths relative
    to the embeddings folder (``<build>/index.faiss: unreadable``) and no library
    internals (a FAISS message names its C++ source and line). The full text is logged.

    A damaged build's message ends in the library's own words in parentheses; the rest
    (missing, mismatched) is ours and kept."""
    text = str(exc)
    for root in {str(embeddings_dir.resolve()), str(embeddings_dir)}:
        text = text.replace(root.rstrip("/") + "/", "")
    if isinstance(exc, idx.IndexCorrupt) and " (" in text:
        text = text[: text.index(" (")] + " (details in the server log)"
    return _FOLDERS_RE.sub("", text)
