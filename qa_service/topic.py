"""Is a question about the reform at all? A linear probe on the question's own vector.

The ``domain`` signal (the nearest glossary entry's cosine) separates a football question
from a Kurultai question only roughly: e5's cosines crowd into 0.80-0.87 for everything,
and a procedural question ("What time do polling stations open?") sits as far from the
glossary's constitutional terms as a weather question (docs/quality.md, eighth session).
A logistic model over the 384 coordinates of the question's e5 vector, fitted on labelled
questions about the reform and about everything else (``lab/topic_probe.py``; never on the
question sets the rule is cross-validated or checked on), reads the direction of the whole
vector instead of its nearness to a few dozen points.

Like ``domain`` it reads only the question and a fixed file, never the corpus: a corpus
grown with local news cannot make a football question look closer. Its value is the
model's log-odds (``topic``), a confidence feature (confidence.py) read by the ``none``
model. It belongs to one embedder's vector space: a probe fitted on another embedder's
vectors is not used (``for_embedder``).
"""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Package data: shipped in the wheel beside this module.
PROBE_FILE = Path(str(importlib.resources.files("qa_service") / "topic_probe.json"))


class TopicProbeError(ValueError):
    """A probe file that cannot be used (its fields, its dimension)."""


@dataclass(frozen=True)
class TopicProbe:
    """log-odds(on topic) = ``weights`` . vector + ``bias``, for ``embedder``'s vectors.

    ``fitted_on``: what it was fitted on and how it was chosen (the lab writes it)."""

    embedder: str
    weights: np.ndarray
    bias: float
    fitted_on: str = ""

    def score(self, vector: np.ndarray) -> float:
        """The log-odds that the question whose own vector (shape (1, dim) or (dim,)) this
        is asks about the reform."""
        v = np.asarray(vector, dtype=np.float32).reshape(-1)
        if v.shape != self.weights.shape:
            raise TopicProbeError(
                f"a {v.shape[0]}-dim vector for a probe of {self.weights.shape[0]} dims"
            )
        return float(v @ self.weights) + self.bias

    def to_dict(self) -> dict:
        return {
            "embedder": self.embedder,
            "bias": self.bias,
            "fitted_on": self.fitted_on,
            "weights": [round(float(w), 6) for w in self.weights],
        }

    @classmethod
    def from_dict(cls, data: dict) -> TopicProbe:
        try:
            weights = np.asarray([float(w) for w in data["weights"]], dtype=np.float32)
            fitted_on = str(data.get("fitted_on", ""))
            probe = cls(str(data["embedder"]), weights, float(data["bias"]), fitted_on)
        except (KeyError, TypeError, ValueError) as e:
            raise TopicProbeError(f"topic probe: {e}") from e
        if weights.ndim != 1 or not len(weights) or not np.isfinite(weights).all():
            raise TopicProbeError("topic probe: weights must be a non-empty list of numbers")
        return probe

    @classmethod
    def load(cls, path: Path | None = None) -> TopicProbe | None:
        """The committed probe (or ``path``'s); None when there is no file."""
        path = path or PROBE_FILE
        if not path.exists():
            return None
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path | None = None) -> None:
        (path or PROBE_FILE).write_text(
            json.dumps(self.to_dict(), ensure_ascii=False) + "\n", encoding="utf-8"
        )


def for_embedder(name: str, dim: int, path: Path | None = None) -> TopicProbe | None:
    """The committed probe when it was fitted on this embedder's vectors (same name and
    dimension), else None: another embedder's coordinates mean nothing to it."""
    probe = TopicProbe.load(path)
    if probe is None or probe.embedder != name or len(probe.weights) != dim:
        return None
    return probe
