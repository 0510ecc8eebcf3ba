"""When no passage answers: a calibrated rule over signals of the ranking.

``signals_of`` turns one ranking into a few numbers: the best (sentence-aware) cosine, how
far it stands above the rest of the corpus in standard deviations (``z``: a question that
every passage matches about equally, i.e. on topic but unanswered, has a low one), the gap
to the runner-up, how much of the question reached the corpus vocabulary, and whether BM25
and the fused ranking agree on the top passage.

``AbstainRule`` abstains when ``sum(weights[f] * signal[f]) < threshold``. Its weights and
threshold are chosen by ``referendum-qa eval --calibrate`` (cross-validation on a labelled
question set; see evaluate.py) and stored, with how they were chosen, in
``qa_service/abstain.json``, a committed file, so that every build and worker uses the same
rule and a change to it is reviewed like code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

RULE_FILE = Path(__file__).resolve().parent / "abstain.json"
SIGNALS = ("top", "z", "margin", "coverage", "agree")


def signals_of(
    dense_sorted: Sequence[float],
    fused_sorted: Sequence[float],
    *,
    dense_all: Sequence[float],
    coverage: float,
    bm25_top_row: int,
    fused_top_row: int,
) -> dict[str, float]:
    """The numbers the rule looks at, from one question's ranking (best first)."""
    if not dense_sorted:
        return {name: 0.0 for name in SIGNALS}
    top = float(dense_sorted[0])
    values = [float(v) for v in dense_all] or [top]
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) or 1.0
    second = float(dense_sorted[1]) if len(dense_sorted) > 1 else mean
    return {
        "top": top,
        "z": (top - mean) / std,
        "margin": top - second,
        "coverage": float(coverage),
        "agree": 1.0 if bm25_top_row >= 0 and bm25_top_row == fused_top_row else 0.0,
    }


@dataclass(frozen=True)
class AbstainRule:
    """Abstain when the weighted sum of signals falls below ``threshold``."""

    weights: Mapping[str, float] = field(default_factory=dict)
    threshold: float = -math.inf
    chosen_by: str = "default: never abstain (no calibration file)"

    def score(self, signals: Mapping[str, float]) -> float:
        return sum(w * float(signals.get(name, 0.0)) for name, w in self.weights.items())

    def abstains(self, signals: Mapping[str, float]) -> bool:
        return bool(self.weights) and self.score(signals) < self.threshold

    def to_dict(self) -> dict:
        return {
            "weights": dict(self.weights),
            "threshold": self.threshold,
            "chosen_by": self.chosen_by,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> AbstainRule:
        unknown = set(data.get("weights", {})) - set(SIGNALS)
        if unknown:
            raise ValueError(f"abstention rule uses unknown signal(s): {sorted(unknown)}")
        return cls(
            weights={k: float(v) for k, v in data.get("weights", {}).items()},
            threshold=float(data.get("threshold", -math.inf)),
            chosen_by=str(data.get("chosen_by", "")),
        )

    @classmethod
    def load(cls, path: Path = RULE_FILE) -> AbstainRule:
        """The committed rule; never-abstain when the file is absent (before calibration)."""
        if not path.is_file():
            return cls()
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path = RULE_FILE, extra: Mapping | None = None) -> None:
        body = self.to_dict() | dict(extra or {})
        path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
