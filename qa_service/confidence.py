"""When no passage answers: a calibrated rule over signals of the ranking.

``signals_of`` turns one ranking into a few numbers: the (sentence-aware) cosine of the
passage ranked first, how far it stands above the other candidates in standard deviations
(``z``), its lead over the runner-up (``margin``), how far the best sentence stands above
the mean candidate sentence (``gap``), how much of the question reached the corpus
vocabulary, whether BM25 and the fused ranking agree on the top passage, the cosine of the
question's latent terms with the top passage's (``latent``: does it name the concepts the
question names, in whatever language), and whether the answer type the question asks for
appears in the top hits (``type``).

``AbstainRule`` abstains when the answer type the question asks for ("how many", "when")
is in none of the top hits' highlighted sentences (``require_type``), or when
``sum(weights[f] * signal[f]) < threshold``. Whether to require the type, the weights and
the threshold are chosen by ``referendum-qa eval --calibrate`` (cross-validation on a labelled
question set; see evaluate.py) and stored, with how they were chosen, in
``qa_service/confidence.json``, a committed file, so that every build and worker uses the same
rule and a change to it is reviewed like code.
"""

from __future__ import annotations

import importlib.resources
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .retrieval.base import Ranking

# Package data: shipped in the wheel beside this module.
RULE_FILE = Path(str(importlib.resources.files("qa_service") / "confidence.json"))
SIGNALS = ("top", "z", "margin", "gap", "coverage", "agree", "type", "latent")


def signals_of(
    fused: Ranking,
    dense: Ranking,
    *,
    coverage: float,
    bm25_top_row: int,
    latent: Ranking | None = None,
) -> dict[str, float]:
    """The numbers the rule looks at, from one question's rankings.

    ``dense`` is the dense retriever's ranking (sentence-aware scores; its ``detail``
    holds the passage and sentence cosines of every candidate); ``fused`` the final
    order. ``latent`` is present only when latent terms ranked the candidates.
    """
    if not fused.rows:
        return {name: 0.0 for name in SIGNALS}
    ranked = [dense.score_of(r) for r in fused.rows]
    top = ranked[0]
    values = [float(v) for v in dense.detail.get("passage", {}).values()] or [top]
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) or 1.0
    second = ranked[1] if len(ranked) > 1 else mean
    sentences = [float(x) for row in dense.detail.get("sentences", {}).values() for x in row]
    signals = {
        "top": top,
        "z": (top - mean) / std,
        "margin": top - second,
        # Best sentence minus the mean sentence among the candidates: how much one
        # sentence stands out from the topic's background (low for off-topic questions).
        "gap": max(sentences) - sum(sentences) / len(sentences) if sentences else 0.0,
        "coverage": float(coverage),
        "agree": 1.0 if bm25_top_row >= 0 and bm25_top_row == fused.top() else 0.0,
    }
    if latent is not None and latent.rows:
        # How far the top passage names the concepts the question names (in any language).
        signals["latent"] = latent.score_of(fused.top())
    return signals


@dataclass(frozen=True)
class AbstainRule:
    """Abstain when the question's answer type is missing from the top hits (if
    ``require_type``), or when the weighted sum of signals falls below ``threshold``."""

    weights: Mapping[str, float] = field(default_factory=dict)
    threshold: float = -math.inf
    require_type: bool = False
    chosen_by: str = "default: never abstain (no calibration file)"
    # Abstain on a question whose words the sources never use although written in their
    # language (signal ``off_vocabulary``): a rule of evidence, not a fitted threshold.
    require_vocabulary: bool = True
    # The rule for a ranking without latent terms (turned off, or an embedder without
    # them), fitted on the same questions from the other signals only.
    fallback: AbstainRule | None = None

    def score(self, signals: Mapping[str, float]) -> float:
        return sum(w * float(signals.get(name, 0.0)) for name, w in self.weights.items())

    def abstains(self, signals: Mapping[str, float], similarity: bool = True) -> bool:
        """``similarity=False`` applies the type gate only: for questions unlike those the
        threshold was fitted on (Kazakh typed in Latin and converted, whose cosines run
        lower), where the threshold would abstain on answerable questions."""
        if self.require_type and float(signals.get("type", 1.0)) == 0.0:
            return True
        if similarity and self.require_vocabulary and signals.get("off_vocabulary") == 1.0:
            return True
        # A ranking that lacks a signal the rule weighs (latent terms) is not the one it was
        # fitted on: the fallback decides, or else only the gates above.
        if any(name not in signals for name in self.weights):
            return self.fallback is not None and self.fallback.abstains(signals, similarity)
        return similarity and bool(self.weights) and self.score(signals) < self.threshold

    def to_dict(self) -> dict:
        return {
            "weights": dict(self.weights),
            "threshold": self.threshold if math.isfinite(self.threshold) else None,
            "require_type": self.require_type,
            "require_vocabulary": self.require_vocabulary,
            "chosen_by": self.chosen_by,
        } | ({"without_latent": self.fallback.to_dict()} if self.fallback else {})

    @classmethod
    def from_dict(cls, data: Mapping) -> AbstainRule:
        unknown = set(data.get("weights", {})) - set(SIGNALS)
        if unknown:
            raise ValueError(f"abstention rule uses unknown signal(s): {sorted(unknown)}")
        return cls(
            weights={k: float(v) for k, v in data.get("weights", {}).items()},
            threshold=-math.inf if data.get("threshold") is None else float(data["threshold"]),
            require_type=bool(data.get("require_type", False)),
            require_vocabulary=bool(data.get("require_vocabulary", True)),
            chosen_by=str(data.get("chosen_by", "")),
            fallback=cls.from_dict(data["without_latent"]) if data.get("without_latent") else None,
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
