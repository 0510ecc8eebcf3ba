"""The collapse stage: one window per stretch of an article.

Passages are overlapping sentence windows (passages.py), so one article's stretch can come
back several times; a citizen should see it once, in its best-scoring window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .passages import Passage
from .retrieval.base import Ranking


def collapse(
    fused: Ranking,
    dense: Ranking | None,
    passages: Sequence[Passage],
    limit: int | None = None,
) -> Ranking:
    """Drop a window that repeats a better-scoring window of the same article; stop once
    ``limit`` windows are kept (None: read them all; the later stages read a few).

    ``fused`` is best first. A later window of the same article is a near-copy of a kept
    one when they share at least half of the shorter one's characters, or when its own
    best sentence (by ``dense``'s sentence cosines) lies in the part they share (it would
    highlight the same sentence); windows that merely touch (the one-sentence overlap of
    passages.py) both stay.
    """
    sentences = dense.detail.get("sentences", {}) if dense is not None else {}
    kept_rows, kept_scores = [], []
    spans: dict[str, list[tuple[int, int]]] = {}
    for row, score in zip(fused.rows, fused.scores, strict=True):
        p = passages[row]
        taken = spans.setdefault(p.article_id, [])
        if taken and _repeats_kept(p, row, sentences, taken):
            continue
        taken.append((p.start, p.end))
        kept_rows.append(row)
        kept_scores.append(score)
        if limit is not None and len(kept_rows) >= limit:
            break
    return Ranking(fused.name, tuple(kept_rows), tuple(kept_scores))


def _repeats_kept(
    p: Passage, row: int, sentences: Mapping[int, np.ndarray], taken: list[tuple[int, int]]
) -> bool:
    """Whether window ``p`` repeats one its article already has kept. Its best sentence is
    looked up only where a kept window overlaps it: most windows come from an article
    with none kept, and a numpy call right after the encoder pass costs microseconds."""
    overlapping = [(t0, t1) for t0, t1 in taken if min(p.end, t1) > max(p.start, t0)]
    if not overlapping:
        return False
    best = None
    cosines = sentences.get(row)
    if cosines is not None and len(cosines) == len(p.sentences) and len(cosines):
        a, b = p.sentences[int(np.argmax(cosines))]
        best = (p.start + a, p.start + b)
    return any(_repeats(p.start, p.end, best, t0, t1) for t0, t1 in overlapping)


def _repeats(start: int, end: int, best: tuple[int, int] | None, t0: int, t1: int) -> bool:
    shared = min(end, t1) - max(start, t0)
    if shared <= 0:
        return False
    if shared * 2 >= min(end - start, t1 - t0):
        return True
    return best is not None and t0 <= best[0] and best[1] <= t1
