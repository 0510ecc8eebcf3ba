"""One small LRU mapping: the query caches, the in-process answer cache, feedback's ids.

On referendum day many citizens ask the same few questions, so several places keep the
last few results; each keeps them the same way, here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most ``size`` entries; a ``put`` beyond that forgets the least recently used
    (read or written) one. Thread-safe; ``None`` is never stored (it means "absent")."""

    def __init__(self, size: int):
        if size < 1:
            raise ValueError("cache size must be at least 1")
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
