"""Fusion: several rankings of the same candidates into one. Pure: rankings in, scores out.

Modes (after Haystack's ``DocumentJoiner``):

- ``rrf``: reciprocal rank fusion, each list adding ``weight / (k + rank)`` for the rows it
  ranks. Ranks only, so retrievers whose scores live on different scales (cosine, BM25,
  latent cosine) combine without calibration.
- ``merge``: the weighted sum of each list's scores, each divided by its list's best
  score (a row a list does not rank adds 0). Keeps how far apart the scores are, which
  ranks throw away: a passage BM25 scores twice as high as the next one counts double.
- ``dbsf``: distribution-based score fusion: each list's scores mapped from
  [mean - 3 sd, mean + 3 sd] to [0, 1] before the weighted sum, so lists on different
  scales weigh alike.

Which mode is served is the composition's (``SearchParams.fusion``, stored in the rule
file; DBSF since the cross-validation of docs/quality.md).

Weights are given per ranking name; a ranking without a weight, or with weight 0, does
not vote. Rows are those of the ``candidates`` ranking, in its order on ties, so the
result is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import Ranking

FUSION_MODES = ("rrf", "merge", "dbsf")
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
            for row, score in zip(ranking.rows, _normalized(ranking.scores, mode), strict=True):
                if row in total:
                    total[row] += weight * score
    # Best first, the lower row first on ties: sorted by row, then stably by score.
    order = sorted(sorted(total), key=total.__getitem__, reverse=True)
    return Ranking("fused", tuple(order), tuple(total[r] for r in order))


def scaled_weights(
    weights: Mapping[str, float], rankings: Mapping[str, Ranking], coverage: float
) -> dict[str, float]:
    """The weight of each ranking present, BM25's scaled by ``coverage`` (the share of
    the question's words that reached the corpus vocabulary), so BM25 noise cannot drag
    Russian and Kazakh questions over English sources down (docs/quality.md)."""
    scaled = {name: float(weights.get(name, 0.0)) for name in rankings}
    if "bm25" in scaled:
        scaled["bm25"] *= coverage
    return scaled


def _normalized(scores: tuple[float, ...], mode: str) -> list[float]:
    if not scores:
        return []
    if mode == "merge":
        best = max(scores)
        return [s / best if best > 0 else 0.0 for s in scores]
    mean = sum(scores) / len(scores)
    sd = (sum([(s - mean) ** 2 for s in scores]) / len(scores)) ** 0.5
    if sd == 0:
        return [0.5] * len(scores)
    low, width = mean - 3 * sd, 6 * sd
    # Clipped to [0, 1] by comparisons, not two builtin calls per score (the same values).
    return [0.0 if (x := (s - low) / width) < 0.0 else 1.0 if x > 1.0 else x for s in scores]
