"""Fit and check the topic probe (topic.py): is a question about the reform at all?

``python -m qa_service.lab.topic_probe [--write] [--json OUT]``

Trained on labelled questions that are never the rule's cross-validation set nor its
fresh check: the question bank (on- and off-topic, grouped by fact) and the off-topic sets
(every question in them off-topic). The ridge is chosen by 5-fold cross-validation grouped
by fact on the training questions alone (mean AUC); the probe is then fitted on all of
them. Beside it, the same questions' vectors kept (``TopicNeighbours``: the mean cosine
of the k nearest on-topic questions minus the k nearest off-topic ones, in their first r
principal components), k and then r chosen by the same folds. Checked, never fitted, on
the grown question set and the fresh one: the AUC of on-topic against off-topic, beside
the glossary's ``domain`` cosine on the same questions, and how many off-topic questions
score below every answerable on-topic one (what a ``none`` cut that never refuses an
answerable question could catch).

The questions are encoded as the served search encodes them (prepare.py, then the
question's own vector, before the glossary mix).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..embedder import load_embedder
from ..glossary import Glossary
from ..prepare import prepare
from ..retrieval.encode import QueryEncoder
from ..retrieval.glossary_vectors import GlossaryVectors
from ..search import served_params
from ..topic import NEIGHBOURS_FILE, PROBE_FILE, TopicNeighbours, TopicProbe, in_components
from . import cv
from .evaluate import Question, load_questions

TRAIN = ("docs/quality/bank.jsonl", "docs/quality/kk_latin_questions.jsonl")
# Sets whose every question is off-topic (their rows carry no ``topic`` field).
TRAIN_OFF = (
    "docs/quality/offtopic_questions.jsonl",
    "docs/quality/offtopic_general_en.jsonl",
    "docs/quality/offtopic_probe.jsonl",
)
CHECKS = ("docs/quality/grown/questions.jsonl", "docs/quality/grown/fresh_questions.jsonl")
RIDGES = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0)
NEIGHBOURS = (1, 3, 5, 10)  # k of the nearest labelled questions (TopicNeighbours)
# Principal components the neighbours' cosines are taken in (0: the whole vector): the
# fewest within 0.001 of the best held-out AUC (fewer bytes read per question).
COMPONENTS = (32, 64, 96, 128, 0)
FOLDS = 5


def labelled(paths: Sequence[str], all_off: Sequence[str] = ()) -> list[tuple[Question, bool]]:
    """(question, on topic) for every question of ``paths`` and of ``all_off`` (off)."""
    out = [(q, q.topic != "off") for p in paths for q in load_questions(Path(p))]
    return out + [(q, False) for p in all_off for q in load_questions(Path(p))]


def fit(x: np.ndarray, y: np.ndarray, ridge: float) -> tuple[np.ndarray, float]:
    """L2-regularized logistic regression on standardized coordinates (``cv``'s Newton
    solver), the classes weighted to equal mass; the weights returned for the raw
    coordinates."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    on = y.mean()
    mass = np.where(y == 1, 0.5 / on, 0.5 / (1 - on))
    w = cv.newton_logistic((x - mean) / scale, y, ridge, mass, steps=100)
    weights = w[1:] / scale
    return weights, float(w[0] - weights @ mean)


def auc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """The chance that a positive scores above a negative (ties: half)."""
    pos = np.array([s for s, p in zip(scores, positive, strict=True) if p])
    neg = np.array([s for s, p in zip(scores, positive, strict=True) if not p])
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def choose_ridge(x: np.ndarray, y: np.ndarray, folds: np.ndarray) -> dict[float, float]:
    """Mean held-out AUC of each ridge over the grouped folds."""
    out = {}
    for ridge in RIDGES:
        aucs = []
        for f in range(folds.max() + 1):
            train, test = folds != f, folds == f
            weights, bias = fit(x[train], y[train], ridge)
            aucs.append(auc(x[test] @ weights + bias, y[test].astype(bool)))
        out[ridge] = float(np.nanmean(aucs))
    return out


def neighbours(
    x: np.ndarray, y: np.ndarray, k: int, r: int = 0, fitted_on: str = "", embedder: str = ""
) -> TopicNeighbours:
    """The labelled questions' vectors split by topic (``TopicNeighbours``), in their
    first ``r`` principal components (0: whole)."""
    mean = basis = None
    z = x.astype(np.float32)
    if r:
        mean = x.mean(axis=0)
        basis = np.linalg.svd(x - mean, full_matrices=False)[2][:r].T
        mean, basis = mean.astype(np.float32), basis.astype(np.float32)
        z = in_components(x, mean, basis)
    return TopicNeighbours(embedder, z[y == 1], z[y == 0], k, fitted_on, mean, basis)


def choose(
    x: np.ndarray, y: np.ndarray, folds: np.ndarray, ks=NEIGHBOURS, components=(0,)
) -> dict[tuple[int, int], float]:
    """Mean held-out AUC of the neighbours' score for each (k, r) over the grouped folds
    (a held-out question's neighbours, and the components, are the other folds')."""
    out = {}
    for k in ks:
        for r in components:
            aucs = []
            for f in range(folds.max() + 1):
                train, test = folds != f, folds == f
                near = neighbours(x[train], y[train], k, r)
                aucs.append(auc([near.score(v) for v in x[test]], y[test].astype(bool)))
            out[(k, r)] = float(np.nanmean(aucs))
    return out


def check(
    rows: list[tuple[Question, bool]],
    x: np.ndarray,
    domain: np.ndarray,
    probe: TopicProbe,
    near: TopicNeighbours,
) -> dict:
    """On a set never fitted on: AUC of the probe and of ``domain``, and the off-topic
    questions below every answerable on-topic one, by each."""
    on = [t for _, t in rows]
    topic = x @ probe.weights + probe.bias
    nearness = np.array([near.score(v) for v in x])
    answerable = [i for i, (q, t) in enumerate(rows) if t and q.answerable]
    off = [i for i, (_, t) in enumerate(rows) if not t]
    out = {"questions": len(rows), "off_topic": len(off), "answerable": len(answerable)}
    for name, s in (("topic", topic), ("near", nearness), ("domain", domain)):
        floor = min(s[i] for i in answerable) if answerable else float("-inf")
        out[name] = {
            "auc_on_vs_off": round(auc(s.tolist(), on), 4),
            "off_below_every_answerable": round(sum(s[i] < floor for i in off) / len(off), 4)
            if off
            else None,
        }
    return out


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m qa_service.lab.topic_probe")
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"write {PROBE_FILE.name} and {NEIGHBOURS_FILE.name}",
    )
    parser.add_argument("--json", type=Path, help="write the report here")
    args = parser.parse_args(argv)
    embedder = load_embedder("e5-small", 2)
    # As served: with the latent head, so the one-pass engine gives the very same vector.
    encoder = QueryEncoder(embedder, latent=bool(embedder.latent_dim))
    glossary = Glossary.load()
    expand = served_params().glossary
    terms = GlossaryVectors(
        encoder, [e.english for e in glossary.entries], names=glossary.names_besides("en")
    )

    def encode(rows: list[tuple[Question, bool]]) -> tuple[np.ndarray, np.ndarray]:
        vectors = [
            encoder.encode(prepare(q.question, None, glossary, expand).dense_text)[0][0]
            for q, _ in rows
        ]
        return np.array(vectors, dtype=np.float64), np.array([terms.nearest(v) for v in vectors])

    train = labelled(TRAIN, TRAIN_OFF)
    x, _ = encode(train)
    y = np.array([t for _, t in train], dtype=np.float64)
    fold_of = cv.grouped_folds([q for q, _ in train], FOLDS)
    folds = np.array([fold_of[q.id] for q, _ in train])
    by_ridge = choose_ridge(x, y, folds)
    ridge = max(by_ridge, key=lambda r: (round(by_ridge[r], 3), r))
    weights, bias = fit(x, y, ridge)
    probe = TopicProbe(
        embedder.name,
        weights.astype(np.float32),
        bias,
        f"{int(y.sum())} on-topic and {int(len(y) - y.sum())} off-topic questions "
        f"({', '.join(TRAIN + TRAIN_OFF)}); ridge {ridge} by 5-fold CV grouped by fact "
        f"(mean AUC {by_ridge[ridge]:.3f}); lab/topic_probe.py",
    )
    by_k = choose(x, y, folds)
    k = min(by_k, key=lambda n: (-round(by_k[n], 3), n))[0]
    by_r = choose(x, y, folds, ks=(k,), components=COMPONENTS)
    best = max(by_r.values())
    r = min((r or x.shape[1], r) for (_, r), a in by_r.items() if a >= best - 0.001)[1]
    near = neighbours(
        x,
        y,
        k,
        r,
        f"{int(y.sum())} on-topic and {int(len(y) - y.sum())} off-topic questions (as the "
        f"probe's); k {k}, then {r or 'all'} principal components, by 5-fold CV grouped by "
        f"fact (mean AUC {by_r[(k, r)]:.3f}); lab/topic_probe.py",
        embedder.name,
    )
    report = {
        "train": {"on": int(y.sum()), "off": int(len(y) - y.sum())},
        "cv_auc_by_ridge": by_ridge,
        "ridge": ridge,
        "cv_auc_by_k": {str(k): a for (k, _), a in by_k.items()},
        "k": k,
        "cv_auc_by_components": {str(r or "all"): a for (_, r), a in by_r.items()},
        "components": r or "all",
        "checks": {},
    }
    for path in CHECKS:
        rows = labelled((path,))
        cx, cd = encode(rows)
        report["checks"][path] = check(rows, cx, cd, probe, near)
        for lang in ("kk", "ru", "en"):
            mine = [i for i, (q, _) in enumerate(rows) if q.lang == lang]
            report["checks"][path][lang] = check(
                [rows[i] for i in mine], cx[mine], cd[mine], probe, near
            )
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if args.write:
        probe.save()
        near.save()
        print(f"wrote {PROBE_FILE} and {NEIGHBOURS_FILE}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
