"""Encoding many texts at reindex: known ones from a cache, the rest in batches on threads.

A reindex encodes three things: each passage's vector, each distinct sentence's vector,
and (for a backend with them) each passage's latent terms. ``encode_all`` queues the
three as one list of batches on one thread pool, so the cores never wait for one kind to
drain before the next starts (three pools in a row left a core idle at every hand-off),
and every batch holds texts of about one length (sorted), so the engine pads less.

The e5 engine (like torch) releases the GIL while it computes and allocates its buffers
per call, so ``jobs`` threads use that many cores with one copy of the model in memory;
the embedder should then run each call on one thread (``reindex --jobs`` loads it so).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

BATCH = 32


@dataclass
class Work:
    """One kind of encoding: ``encode`` the ``texts`` whose key is not in ``cache``."""

    encode: Callable[[list[str]], np.ndarray]
    row_shape: tuple[int, ...]
    texts: Sequence[str]
    keys: Sequence[str]
    cache: Mapping[str, np.ndarray]

    def __post_init__(self) -> None:
        self.rows = np.zeros((len(self.texts), *self.row_shape), dtype=np.float32)
        self.todo: list[int] = []
        for i, key in enumerate(self.keys):
            cached = self.cache.get(key)
            if cached is None or cached.shape != self.row_shape:
                self.todo.append(i)
            else:
                self.rows[i] = cached

    @property
    def reused(self) -> int:
        return len(self.texts) - len(self.todo)


def batches(work: Work, jobs: int) -> list[list[int]]:
    """``work.todo`` cut into batches of texts of similar length (longest first, so the
    last batches, which decide when the pool finishes, are the short ones)."""
    order = sorted(work.todo, key=lambda i: -len(work.texts[i]))
    # Several jobs: smaller batches, so that the last round leaves no core idle for long.
    size = BATCH if jobs <= 1 else max(1, min(BATCH, -(-len(order) // (4 * jobs))))
    return [order[start : start + size] for start in range(0, len(order), size)]


def encode_all(
    works: Sequence[Work],
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Fill every ``work.rows``; ``progress(n)`` after each batch of n texts."""
    tasks = [(work, batch) for work in works for batch in batches(work, jobs)]

    def run(task: tuple[Work, list[int]]) -> tuple[Work, list[int], np.ndarray]:
        work, batch = task
        return work, batch, work.encode([work.texts[i] for i in batch])

    if jobs <= 1 or len(tasks) <= 1:
        results = map(run, tasks)
        for work, batch, rows in results:
            work.rows[batch] = rows
            if progress:
                progress(len(batch))
        return
    with ThreadPoolExecutor(jobs, thread_name_prefix="reindex") as pool:
        # map keeps at most the pool's queue in flight and returns in order; the order of
        # completion does not matter as every result says where it goes.
        for work, batch, rows in pool.map(run, tasks):
            work.rows[batch] = rows
            if progress:
                progress(len(batch))
