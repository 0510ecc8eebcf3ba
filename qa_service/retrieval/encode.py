"""The question's encodings: its dense vector and, when wanted, its latent terms.

One pass of the encoder gives both where the embedder can (``one_pass``: e5-small with
the library of onepass.py). Otherwise two passes (the dense one over "query: <text>",
the latent one over the raw text), the latent one on a helper thread beside the dense one
(the engine releases the GIL), so a lone question waits for one pass, not two; a busy
worker pays for both.
"""

from __future__ import annotations

import os
import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from ..embedder import Embedder


class QueryEncoder:
    """Encodes questions for one searcher; ``latent`` says whether to compute the terms."""

    def __init__(self, embedder: Embedder, latent: bool):
        self.embedder = embedder
        self.latent = latent
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0
        self._lock = threading.Lock()

    def encode(
        self, text: str, latent_text: str | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """(vector of ``text``, shape (1, dim); latent terms of ``latent_text`` (default:
        ``text``), shape (2, k), or None). One encoder pass where both read the same text
        and the embedder can (``one_pass``), else two."""
        latent_text = latent_text or text
        if self.latent and latent_text == text and self.embedder.one_pass:
            vector, terms = self.embedder.encode_query_both(text)
            return np.asarray(vector, dtype=np.float32).reshape(1, -1), terms
        job = self._background(self._latent, latent_text) if self.latent else None
        vector = np.asarray(self.embedder.encode_queries([text]), dtype=np.float32)
        return vector, (job.result() if job is not None else None)

    def _latent(self, text: str) -> np.ndarray:
        return self.embedder.encode_latent_query(text)

    def _background(self, fn, *args) -> Future:
        """Run ``fn`` on the helper thread, made anew in a forked worker (threads do not
        survive a fork)."""
        with self._lock:
            if self._pool is None or self._pool_pid != os.getpid():
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="latent-terms")
                self._pool_pid = os.getpid()
                # A reload replaces the searcher and this encoder: the thread goes with
                # them, not at exit.
                weakref.finalize(self, self._pool.shutdown, wait=False)
            return self._pool.submit(fn, *args)
