"""Held-out precision of `high`: each probe's first run, before anything was mended for it.

Since the sixteenth session, probes are written by helpers that read only the grown corpus
(never the code, the docs or the other question sets), and each is run once on the code of
its moment before its failures are mended as kinds; the next probe is written after that.
``docs/quality/grown/first_runs.jsonl`` keeps those first runs, one record a question:
``probe`` (its number), ``id``, ``lang``, ``kind``, ``fact``, ``question``, ``state``
(`high`, `low`, `none`), ``first_answers`` (the first passage's highlighted sentence holds
an answering span: what `high` promises) and ``repeat`` (the same question was in a set
asked before: the grown, fresh or an earlier probe's; its answer is not held out). The
fourth probe's first run was kept as a count only, not question by question.

``python -m qa_service.lab.heldout`` prints, per probe, per language and pooled (new
questions only, and all; ``--since 12,16``: from those probes on too), the precision of
`high` with a Wilson 95% interval: the figure
for questions nobody has seen, which the cross-validated one (lab/carry.py, on questions
the checks were written from) is not.

``--familiar``: how well a question's nearness to the questions asked before it (the
largest cosine of its e5 vector to theirs, asked before its probe: the grown, fresh and
earlier probes' answerable questions) tells the wrong `high`s from the right ones, time by
time (a question is compared only with what was asked before it): its AUC, and what
hedging every `high` below a cut would keep. Beside it, the share of the grown set's
answerable questions that would stay `high`-able (their nearness to the fresh and probe
sets' questions, their own fact left out): the coverage such a gate costs in the
cross-validation. Measured, not wired (docs/quality.md, seventeenth session).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

GROWN = Path("docs/quality/grown")
RECORDS = GROWN / "first_runs.jsonl"
Z95 = 1.959964


@dataclass(frozen=True)
class FirstRun:
    """One question of a probe as its first run answered it."""

    probe: int
    id: str
    lang: str
    kind: str
    fact: str
    question: str
    state: str
    first_answers: bool
    repeat: bool

    @property
    def right(self) -> bool:
        """A `high` whose first passage answers (what the heading promises)."""
        return self.kind in ("answerable", "local") and self.first_answers


def load_runs(path: Path = RECORDS) -> list[FirstRun]:
    """The first-run records, checked field by field (errors name ``file:line``)."""
    runs = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            runs.append(FirstRun(**json.loads(line)))
        except (TypeError, ValueError) as exc:
            raise SystemExit(f"{path}:{n}: not a first-run record ({exc})") from None
    return runs


def wilson(right: int, n: int) -> tuple[float, float]:
    """The Wilson 95% interval of ``right`` of ``n`` (0, 1 for none)."""
    if n == 0:
        return 0.0, 1.0
    p = right / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def precision(runs: Sequence[FirstRun]) -> str:
    """`high` count, wrong count, precision and its interval."""
    high = [r for r in runs if r.state == "high"]
    right = sum(r.right for r in high)
    low, up = wilson(right, len(high))
    share = right / len(high) if high else float("nan")
    return f"high {len(high):4}  wrong {len(high) - right:3}  {share:.3f} [{low:.2f}-{up:.2f}]"


def precision_line(label: str, runs: Sequence[FirstRun]) -> str:
    return f"{label:<14} {precision(runs)}"


def report(runs: Sequence[FirstRun], since: Sequence[int] = ()) -> list[str]:
    """Per probe (new questions, then all), per language and pooled; and pooled from each
    probe of ``since`` on (new questions)."""
    lines = ["precision of `high` on each probe's first run: new questions | all"]
    for probe in sorted({r.probe for r in runs}):
        mine = [r for r in runs if r.probe == probe]
        new = [r for r in mine if not r.repeat]
        lines.append(f"{precision_line(f'probe {probe}', new)} | {precision(mine)}")
    new = [r for r in runs if not r.repeat]
    for lang in ("kk", "ru", "en"):
        lines.append(precision_line(f"pooled, {lang}", [r for r in new if r.lang == lang]))
    lines.append(precision_line("pooled, new", new))
    lines.append(precision_line("pooled, all", runs))
    for first in since:
        later = [r for r in new if r.probe >= first]
        lines.append(precision_line(f"probes {first}-", later))
        for lang in ("kk", "ru", "en"):
            mine = [r for r in later if r.lang == lang]
            lines.append(precision_line(f"probes {first}-, {lang}", mine))
    return lines


def _unit_rows(vectors: Sequence[Sequence[float]]) -> np.ndarray:
    rows = np.asarray(vectors, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def auc(right: Sequence[float], wrong: Sequence[float]) -> float:
    """The chance a right `high`'s score exceeds a wrong one's (ties count half)."""
    if not right or not wrong:
        return float("nan")
    r = np.asarray(right)[:, None]
    w = np.asarray(wrong)[None, :]
    return float(((r > w) + 0.5 * (r == w)).mean())


def familiar(runs: Sequence[FirstRun], cuts: Sequence[float]) -> list[str]:
    """The time-faithful nearness analysis (``--familiar``)."""
    from ..embedder import load_embedder
    from .evaluate import load_questions

    grown = load_questions(GROWN / "questions.jsonl")
    fresh = load_questions(GROWN / "fresh_questions.jsonl")
    probes = load_questions(GROWN / "probe_questions.jsonl")
    probe_of = {(r.id, r.question): r.probe for r in runs}
    # (question, fact, the probe it came with: 0 before the first recorded one)
    known = [(q.question, q.fact, 0) for q in (*grown, *fresh) if q.kind == "answerable"]
    known += [
        (q.question, q.fact, probe_of.get((q.id, q.question), 0))
        for q in probes
        if q.kind == "answerable"
    ]
    encoder = load_embedder("e5-small", 2)
    high = [r for r in runs if r.state == "high" and not r.repeat]
    k = _unit_rows(encoder.encode_queries([q for q, _, _ in known]))
    h = _unit_rows(encoder.encode_queries([r.question for r in high]))
    when = np.array([p for _, _, p in known])
    near = [float((k[when < r.probe] @ v).max()) for r, v in zip(high, h, strict=True)]
    right = [s for r, s in zip(high, near, strict=True) if r.right]
    wrong = [s for r, s in zip(high, near, strict=True) if not r.right]
    lines = [
        f"nearness to the answerable questions asked before: AUC {auc(right, wrong):.3f} "
        f"({len(right)} right, {len(wrong)} wrong `high`s of new questions)"
    ]
    # The grown set's answerable questions against the fresh and probe sets' (own fact out).
    later = [i for i, (_, _, p) in enumerate(known) if i >= len(grown) or p > 0]
    later = [i for i in later if known[i][0] not in {q.question for q in grown}]
    asked = [q for q in grown if q.kind == "answerable"]
    g = _unit_rows(encoder.encode_queries([q.question for q in asked]))
    cos = g @ k[later].T
    facts = np.array([known[i][1] for i in later])
    for row, q in enumerate(asked):
        cos[row, facts == q.fact] = -1.0
    grown_near = cos.max(axis=1)
    for cut in cuts:
        kept_right = sum(s >= cut for s in right)
        kept_wrong = sum(s >= cut for s in wrong)
        share = kept_right / max(1, kept_right + kept_wrong)
        low, up = wilson(kept_right, kept_right + kept_wrong)
        lines.append(
            f"hedge below {cut:.2f}: right kept {kept_right}/{len(right)}, wrong kept "
            f"{kept_wrong}/{len(wrong)}, precision {share:.3f} [{low:.2f}-{up:.2f}]; grown "
            f"set's answerable questions still `high`-able {float(np.mean(grown_near >= cut)):.2f}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m qa_service.lab.heldout", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--records", type=Path, default=RECORDS)
    parser.add_argument("--familiar", action="store_true", help="the nearness analysis too")
    parser.add_argument(
        "--since",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[],
        help="comma-separated probe numbers: pooled from each on too",
    )
    parser.add_argument(
        "--cuts", type=lambda s: [float(x) for x in s.split(",")], default=[0.92, 0.94, 0.96]
    )
    args = parser.parse_args(argv)
    runs = load_runs(args.records)
    print("\n".join(report(runs, args.since)))
    if args.familiar:
        print("\n".join(familiar(runs, args.cuts)))


if __name__ == "__main__":
    main()
