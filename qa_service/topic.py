"""Is a question about the reform at all? A linear probe on the question's own vector,
and the labelled questions nearest it (``TopicNeighbours``, below).

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
import math
from dataclasses import dataclass, field
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
    questions as the probe's, never the sets the rule is checked on (lab/topic_probe.py).

    Cosines are taken in the labelled questions' first principal components (``mean``,
    ``basis``: dim -> r; None: the whole vector), renormalized: read right after the
    encoder pass, with the CPU's caches cold, a thousand whole vectors cost 0.2 ms, more
    than a point of the pass; 96 components read a third of the bytes, cost 0.08 ms with
    one matrix product for both sides, and separate the held-out questions as well (r
    chosen by grouped cross-validation, lab/topic_probe.py).
    The rows are stored in half precision (a question's score moves by under 0.001)."""

    embedder: str
    on: np.ndarray  # (n_on, r) float32, unit rows
    off: np.ndarray  # (n_off, r) float32, unit rows
    k: int = 3
    fitted_on: str = ""
    mean: np.ndarray | None = None  # (dim,) float32
    basis: np.ndarray | None = None  # (dim, r) float32
    _rows: np.ndarray = field(init=False, repr=False, compare=False)  # on, then off
    _shift: np.ndarray | None = field(init=False, repr=False, compare=False)  # mean @ basis

    def __post_init__(self) -> None:
        # One matrix product for both sides, and the mean's projection once: after the
        # encoder pass every separate numpy call costs microseconds (cold caches).
        rows = np.ascontiguousarray(np.vstack([self.on, self.off]), dtype=np.float32)
        object.__setattr__(self, "_rows", rows)
        shift = None
        if self.basis is not None and self.mean is not None:
            shift = (self.mean @ self.basis).astype(np.float32)
        object.__setattr__(self, "_shift", shift)

    @property
    def dim(self) -> int:
        """The embedder's dimension the neighbours read."""
        return self.basis.shape[0] if self.basis is not None else self.on.shape[1]

    def score(self, vector: np.ndarray) -> float:
        """Mean cosine of the ``k`` nearest on-topic questions minus the ``k`` nearest
        off-topic ones, for a question's own vector (shape (1, dim) or (dim,))."""
        v = np.asarray(vector, dtype=np.float32).reshape(-1)
        if v.shape[0] != self.dim:
            raise TopicProbeError(f"a {v.shape[0]}-dim vector for neighbours of {self.dim} dims")
        if self._shift is not None:  # ``in_components`` for one vector, its mean term kept
            z = v @ self.basis - self._shift
            z /= math.sqrt(float(z @ z)) or 1.0
        else:
            z = v
        cosines = self._rows @ z
        n = len(self.on)
        return _top_mean(cosines[:n], self.k) - _top_mean(cosines[n:], self.k)

    def save(self, path: Path | None = None) -> None:
        reduced = {}
        if self.basis is not None and self.mean is not None:
            reduced = {"mean": self.mean.astype(np.float32), "basis": self.basis.astype(np.float32)}
        np.savez_compressed(
            path or NEIGHBOURS_FILE,
            embedder=np.array(self.embedder),
            fitted_on=np.array(self.fitted_on),
            k=np.array(self.k),
            on=self.on.astype(np.float16),
            off=self.off.astype(np.float16),
            **reduced,
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
                mean = basis = None
                if "basis" in data:
                    mean = np.ascontiguousarray(data["mean"], dtype=np.float32)
                    basis = np.ascontiguousarray(data["basis"], dtype=np.float32)
                found = cls(
                    str(data["embedder"]),
                    on,
                    off,
                    int(data["k"]),
                    str(data["fitted_on"]),
                    mean,
                    basis,
                )
        except (KeyError, TypeError, ValueError, OSError) as e:
            raise TopicProbeError(f"topic neighbours {path}: {e}") from e
        arrays = [on, off] + ([mean, basis] if basis is not None else [])
        if (
            on.ndim != 2
            or off.ndim != 2
            or on.shape[1] != off.shape[1]
            or min(len(on), len(off)) < found.k
            or found.k < 1
            or (basis is not None and (basis.ndim != 2 or basis.shape[1] != on.shape[1]))
            or (basis is not None and mean.shape != (basis.shape[0],))
            or not all(np.isfinite(a).all() for a in arrays)
        ):
            raise TopicProbeError(f"topic neighbours {path}: malformed arrays")
        return found


def in_components(vectors: np.ndarray, mean: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Vectors (n, dim) in the principal components ``basis`` (dim, r) about ``mean``, each
    renormalized: the space ``TopicNeighbours`` keeps its rows in."""
    z = (np.asarray(vectors, dtype=np.float32) - mean) @ basis
    norms = np.linalg.norm(z, axis=-1, keepdims=True)
    return z / np.where(norms > 0, norms, 1.0)


def _top_mean(cosines: np.ndarray, k: int) -> float:
    return float(np.partition(cosines, len(cosines) - k)[-k:].sum()) / k


def neighbours_for(name: str, dim: int, path: Path | None = None) -> TopicNeighbours | None:
    """The committed neighbours when their vectors are this embedder's (same name and
    dimension), else None (as ``for_embedder``)."""
    found = TopicNeighbours.load(path)
    if found is None or found.embedder != name or found.dim != dim:
        return None
    return found
