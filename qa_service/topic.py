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


# --- the labelled questions nearest a question ------------------------------------------------

NEIGHBOURS_FILE = Path(str(importlib.resources.files("qa_service") / "topic_neighbours.npz"))


@dataclass(frozen=True)
class TopicNeighbours:
    """How much nearer a question is to the labelled questions about the reform than to
    those about everything else: the mean cosine of its ``k`` nearest on-topic questions
    minus that of its ``k`` nearest off-topic ones (``near``).

    The probe above is one direction through the vector space, and a question about a
    maslikhat by-election, in Kazakh, lies on the reform's side of it (an election); its
    nearest labelled questions are other local elections. Held out, this reads Kazakh
    questions better than the probe (docs/quality.md, twelfth session). The same labelled
    questions as the probe's, never the sets the rule is checked on (lab/topic_probe.py);
    the vectors are stored in half precision (a question's cosines move by under 0.001)."""

    embedder: str
    on: np.ndarray  # (n_on, dim) float32, unit rows
    off: np.ndarray  # (n_off, dim) float32, unit rows
    k: int = 3
    fitted_on: str = ""

    def score(self, vector: np.ndarray) -> float:
        """Mean cosine of the ``k`` nearest on-topic questions minus the ``k`` nearest
        off-topic ones, for a question's own vector (shape (1, dim) or (dim,))."""
        v = np.asarray(vector, dtype=np.float32).reshape(-1)
        if v.shape[0] != self.on.shape[1]:
            raise TopicProbeError(
                f"a {v.shape[0]}-dim vector for neighbours of {self.on.shape[1]} dims"
            )
        return _top_mean(self.on @ v, self.k) - _top_mean(self.off @ v, self.k)

    def save(self, path: Path | None = None) -> None:
        np.savez_compressed(
            path or NEIGHBOURS_FILE,
            embedder=np.array(self.embedder),
            fitted_on=np.array(self.fitted_on),
            k=np.array(self.k),
            on=self.on.astype(np.float16),
            off=self.off.astype(np.float16),
        )

    @classmethod
    def load(cls, path: Path | None = None) -> TopicNeighbours | None:
        """The committed neighbours (or ``path``'s); None when there is no file."""
        path = path or NEIGHBOURS_FILE
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                on = np.ascontiguousarray(data["on"], dtype=np.float32)
                off = np.ascontiguousarray(data["off"], dtype=np.float32)
                found = cls(str(data["embedder"]), on, off, int(data["k"]), str(data["fitted_on"]))
        except (KeyError, TypeError, ValueError, OSError) as e:
            raise TopicProbeError(f"topic neighbours {path}: {e}") from e
        if (
            on.ndim != 2
            or off.ndim != 2
            or on.shape[1] != off.shape[1]
            or min(len(on), len(off)) < found.k
            or found.k < 1
            or not (np.isfinite(on).all() and np.isfinite(off).all())
        ):
            raise TopicProbeError(f"topic neighbours {path}: malformed arrays")
        return found


def _top_mean(cosines: np.ndarray, k: int) -> float:
    return float(np.partition(cosines, len(cosines) - k)[-k:].mean())


def neighbours_for(name: str, dim: int, path: Path | None = None) -> TopicNeighbours | None:
    """The committed neighbours when their vectors are this embedder's (same name and
    dimension), else None (as ``for_embedder``)."""
    found = TopicNeighbours.load(path)
    if found is None or found.embedder != name or found.on.shape[1] != dim:
        return None
    return found
