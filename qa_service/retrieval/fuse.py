"""Fusion: several rankings of the same candidates into one. Pure: rankings in, scores out.

Modes (after Haystack's ``DocumentJoiner``):

- ``rrf``: reciprocal rank fusion, each list adding ``weight / (k + rank)`` for the rows it
  ranks. Ranks only, so retrievers whose scores live on different scales (cosine, BM25,
  latent cosine) combine without calibration; the service's mode.
- ``merge``: the weighted sum of each list's scores, each divided by its list's best
  score (a row a list does not rank adds 0).

Weights are given per ranking name; a ranking without a weight, or with weight 0, does
not vote. Rows are those of the ``candidates`` ranking, in its order on ties, so the
result is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import Ranking

FUSION_MODES = ("rrf", "merge")
RRF_K = 60


def fuse(
    candidates: Ranking,
    rankings: Mapping[str, Ranking],
    weights: Mapping[str, float],
    mode: str = "rrf",
    k: int = RRF_K,
) -> Ranking:
    """One ranking of ``candidates``' rows from ``rankings`` (by name) and their weights."""
    if mode not in FUSION_MODES:
        raise ValueError(f"unknown fusion mode {mode!r}: use {', '.join(FUSION_MODES)}")
    unknown = set(weights) - set(rankings)
    if unknown:
        raise ValueError(f"weights for rankings that are not there: {sorted(unknown)}")
    total = dict.fromkeys(candidates.rows, 0.0)
    for name, ranking in rankings.items():
        weight = float(weights.get(name, 0.0))
        if weight == 0:
            continue
        if mode == "rrf":
            for place, row in enumerate(ranking.rows, start=1):
                if row in total:
                    total[row] += weight / (k + place)
        else:
            best = max(ranking.scores, default=0.0)
            if best <= 0:
                continue
            for row, score in zip(ranking.rows, ranking.scores, strict=True):
                if row in total:
                    total[row] += weight * score / best
    order = sorted(total, key=lambda r: (-total[r], r))
    return Ranking("fused", tuple(order), tuple(total[r] for r in order))
