"""The glossary's terms as vectors: encoded once each, mixed into a question's encodings.

The glossary helps Kazakh and Russian questions most by putting the English words of
their terms where the dense and latent retrievers read (docs/quality.md). Appending the
words to the question's text costs a longer encoder pass on every question (issue 18: about
29% of the pass). The same words' encodings do not depend on the question: each entry's
English text is encoded once, when the searcher is built (a few dozen short texts; no
question pays for them), and a question's vector becomes its own plus ``weight`` times the
mean of its terms' vectors, renormalized; its latent terms likewise (summed per term id,
the strongest ``k`` kept, renormalized). BM25 still reads the words (no encoder).

The same encodings, with the entries' Russian and Kazakh names beside them (``names``),
say how near a question is to the reform's terms at all (``nearest``: the ``domain``
signal). The names are there because cosines across languages run lower: against the
English side alone a Kazakh question about the Kurultai looked about as far from the
reform as a Kazakh question about football (docs/quality.md, seventh session).
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .encode import QueryEncoder


class GlossaryVectors:
    """Per-entry encodings of the glossary's English sides, computed once and kept."""

    def __init__(
        self,
        encoder: QueryEncoder,
        english: Sequence[str],
        eager: bool = True,
        names: Sequence[str] = (),
    ):
        self._encoder = encoder
        self._english = tuple(english)
        self._names = tuple(names)  # read by ``nearest`` only, never mixed in
        self._cache: dict[int, tuple[np.ndarray, np.ndarray | None]] = {}
        self._lock = threading.Lock()
        self._matrix: np.ndarray | None = None  # every entry's vector, for ``nearest``
        if eager and self._english:  # built with the searcher: no question pays for it
            self._matrix = self._domain_matrix()
        self._mixing = functools.lru_cache(maxsize=512)(self._mixing_of)

    def _of(self, entry: int) -> tuple[np.ndarray, np.ndarray | None]:
        found = self._cache.get(entry)
        if found is None:
            vector, latent = self._encoder.encode(self._english[entry])
            found = (vector[0], latent)
            with self._lock:
                self._cache[entry] = found
        return found

    def nearest(self, vector: np.ndarray) -> float:
        """The cosine of a question's own vector (shape (1, dim) or (dim,)) with the
        closest glossary entry's, in English or by one of its other names: how near the
        question is to the reform's terms at all, whatever the corpus holds (the ``domain``
        signal, confidence.py)."""
        if not self._english:
            return 0.0
        matrix = self._matrix
        if matrix is None:
            matrix = self._matrix = self._domain_matrix()
        return float(np.max(matrix @ np.asarray(vector, dtype=np.float32).reshape(-1)))

    def _domain_matrix(self) -> np.ndarray:
        """Every entry's English vector, then every other name's (what ``nearest`` reads)."""
        english = [self._of(e)[0] for e in range(len(self._english))]
        names = [self._encoder.encode(name)[0][0] for name in self._names]
        return np.stack(english + names)

    def mixing(self, entries: Sequence[int], weight: float) -> Mixing | None:
        """What ``entries`` add to a question's encodings at ``weight`` (None: nothing).
        It depends on the question's words alone, so it is kept per set of entries (a few
        hundred): a set met before costs a lookup, not the mean and the latent terms'
        pairs again, right after the encoder pass when each numpy call costs most
        (lab/costs.py --stages)."""
        if not entries or weight <= 0:
            return None
        return self._mixing(tuple(entries), float(weight))

    def _mixing_of(self, entries: tuple[int, ...], weight: float) -> Mixing:
        encoded = [self._of(e) for e in entries]
        vector = weight * np.mean([v for v, _ in encoded], axis=0)
        if any(t is None for _, t in encoded):
            return Mixing(vector, None)
        return Mixing(vector, latent_pairs([t for _, t in encoded], weight))

    def mix(
        self,
        vector: np.ndarray,
        latent: np.ndarray | None,
        entries: Sequence[int],
        weight: float,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The question's (vector (1, dim), latent terms (2, k) or None) with its entries'
        encodings mixed in at ``weight``; unchanged without entries."""
        return mixed(vector, latent, self.mixing(entries, weight))


@dataclass(frozen=True)
class Mixing:
    """What a question's glossary entries add to its encodings (``GlossaryVectors.mixing``):
    ``vector``, the weight times their vectors' mean; ``latent``, each of their latent
    terms as (id, weight / entries x value), in the order met (None: the embedder has no
    latent terms)."""

    vector: np.ndarray
    latent: tuple[tuple[int, float], ...] | None


def mixed(
    vector: np.ndarray, latent: np.ndarray | None, mixing: Mixing | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """The question's (vector (1, dim), latent terms (2, k) or None) with ``mixing`` added:
    the vector renormalized, the latent terms as ``mix_latent`` sums them."""
    if mixing is None:
        return vector, latent
    out = vector[0] + mixing.vector
    out = (out / (math.sqrt(float(out @ out)) or 1.0)).astype(np.float32).reshape(1, -1)
    if latent is None or mixing.latent is None:
        return out, latent
    return out, _summed(latent, mixing.latent)


def latent_pairs(others: Sequence[np.ndarray], weight: float) -> tuple[tuple[int, float], ...]:
    """Latent terms (each (2, k): ids, values) as (id, weight / len(others) x value), in
    order, the padding id 0 left out: the others' side of ``mix_latent``."""
    w = weight / len(others)
    return tuple(
        (int(i), w * v)
        for terms in others
        for i, v in zip(terms[0].tolist(), terms[1].tolist(), strict=True)
        if i != 0
    )


def mix_latent(question: np.ndarray, others: Sequence[np.ndarray], weight: float) -> np.ndarray:
    """Sparse latent terms (2, k: ids, values) summed per id (the others' mean at
    ``weight``), the strongest k kept (ties: the id met first), renormalized; id 0
    (padding) never counts."""
    return _summed(question, latent_pairs(others, weight))


def _summed(question: np.ndarray, pairs: Sequence[tuple[int, float]]) -> np.ndarray:
    """``mix_latent`` with the others' side given as ``latent_pairs``. Over plain lists:
    right after an encoder pass, with the CPU's caches cold, a dozen numpy calls (unique,
    bincount, argsort) cost more than this loop over a few hundred numbers."""
    k = question.shape[1]
    total: dict[int, float] = {}
    for i, v in zip(question[0].tolist(), question[1].tolist(), strict=True):
        if i != 0:
            i = int(i)
            total[i] = total.get(i, 0.0) + v
    for i, v in pairs:
        total[i] = total.get(i, 0.0) + v
    best = sorted(total, key=total.__getitem__, reverse=True)[:k]
    values = np.array([total[i] for i in best], dtype=np.float32)
    values /= math.sqrt(float(values @ values)) or 1.0
    out = np.zeros((2, k), dtype=question.dtype)
    out[0, : len(best)] = best
    out[1, : len(best)] = values
    return out
