"""Issue 18's measures: is the page's "An answer from the sources" (`high`) true?

A question set labelled with every answering span (docs/quality/grown/questions.jsonl) is
first *resolved* against the corpus it is measured on: a span counts only if its file is in
that corpus and holds it, so the same file serves the seed corpus (where a question answered
only by the grown articles is an on-topic question the corpus does not answer) and the grown
one. Then, per language, with 95% intervals from a bootstrap over facts:

- precision of `high`: of the questions shown at `high`, the share whose first passage
  answers (every kind counts in the denominator: a `high` on an unanswerable question is a
  false answer);
- answerable questions at `high` with an answering first passage;
- on-topic unanswerable questions at `high`; off-topic questions at `none`;
- superseded report first: of the questions about a superseded fact, the share whose first
  passage holds a superseded report and no current one;
- recall@1 and recall@5 of the ranking; answerable questions at `none`;
- same-language@1: of the answerable questions that an article in their own language
  answers, the share whose first passage answers and is in that language.

Local-news questions the corpus does answer (kind ``local``) are outside the service's topic
and outside these measures; they are counted apart.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np

from ..corpus import Article
from .evaluate import LANGS, Question, is_hit

BOOTSTRAP = 1000


def resolve(questions: Sequence[Question], articles: Sequence[Article]) -> list[Question]:
    """The questions as the corpus of ``articles`` answers them.

    A span names its file: it counts when an article read from that file holds it. An
    answerable question left with no span becomes an on-topic unanswerable one (a local one
    an off-topic one). ``same_lang`` says whether an answering article is in the question's
    language (for the bank's single evidence, any article holding it)."""
    by_file: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_file[article.source].append(article)

    def holders(file: str | None, text: str) -> list[Article]:
        pool = by_file.get(file, []) if file is not None else articles
        return [a for a in pool if text in a.body]

    out = []
    for q in questions:
        if not (q.spans or q.superseded):
            langs = {a.lang for a in holders(None, q.evidence)} if q.evidence else set()
            out.append(replace(q, same_lang=q.lang in langs))
            continue
        kept = tuple((f, t) for f, t in q.spans if holders(f, t))
        older = tuple((f, t) for f, t in q.superseded if holders(f, t))
        langs = {a.lang for f, t in kept for a in holders(f, t)}
        kind, answerable = q.kind, bool(kept)
        if not answerable and kind == "answerable":
            kind = "unanswerable"
        elif not answerable and kind == "local":
            kind = "offtopic"
        out.append(
            replace(
                q,
                spans=kept,
                superseded=older if kept else (),
                answerable=answerable,
                kind=kind,
                same_lang=q.lang in langs,
            )
        )
    return out


def superseded_first(first_text: str | None, q: Question) -> bool | None:
    """For a question about a superseded fact: does its first passage hold an older report
    and no current one? None for other questions."""
    if not q.superseded:
        return None
    if first_text is None:
        return False
    older = any(is_hit(first_text, text) for _, text in q.superseded)
    return older and not any(is_hit(first_text, e) for e in q.evidences)


class Scored(Protocol):
    """What the measures read of one answered question (``cv.Record`` has it)."""

    lang: str
    fact: str
    kind: str
    rank: int | None
    superseded_first: bool | None
    same_lang_first: bool | None


def metrics(pairs: Sequence[tuple[Scored, str]]) -> dict[str, float]:
    """The measures on (record, state) pairs; nan where a group is empty."""

    def share(items, test) -> float:
        return sum(1 for item in items if test(item)) / len(items) if items else math.nan

    measured = [(r, s) for r, s in pairs if r.kind != "local"]
    ans = [(r, s) for r, s in measured if r.kind == "answerable"]
    unans = [(r, s) for r, s in measured if r.kind == "unanswerable"]
    off = [(r, s) for r, s in measured if r.kind == "offtopic"]
    high = [(r, s) for r, s in measured if s == "high"]
    sup = [r for r, _ in ans if r.superseded_first is not None]
    same = [r for r, _ in ans if r.same_lang_first is not None]
    local = [(r, s) for r, s in pairs if r.kind == "local"]
    return {
        "answerable": len(ans),
        "unanswerable": len(unans),
        "offtopic": len(off),
        "high": len(high),
        "precision_high": share(high, lambda p: p[0].kind == "answerable" and p[0].rank == 1),
        "answerable_high_right": share(ans, lambda p: p[1] == "high" and p[0].rank == 1),
        "unanswerable_high": share(unans, lambda p: p[1] == "high"),
        "offtopic_none": share(off, lambda p: p[1] == "none"),
        "superseded": len(sup),
        "superseded_first": share(sup, lambda r: r.superseded_first),
        "recall@1": share(ans, lambda p: p[0].rank == 1),
        "recall@5": share(ans, lambda p: p[0].rank is not None and p[0].rank <= 5),
        "answerable_none": share(ans, lambda p: p[1] == "none"),
        "same_lang": len(same),
        "same_language@1": share(same, lambda r: r.same_lang_first),
        "local": len(local),
        "local_high_right": share(local, lambda p: p[1] == "high" and p[0].rank == 1),
        "local_none": share(local, lambda p: p[1] == "none"),
    }


def bootstrap(
    pairs: Sequence[tuple[Scored, str]], n: int = BOOTSTRAP, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """95% intervals of ``metrics``, resampling facts with all their questions (the
    paraphrases of one fact are not independent)."""
    by_fact: dict[str, list] = defaultdict(list)
    for pair in pairs:
        by_fact[pair[0].fact].append(pair)
    facts = sorted(by_fact)
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(n):
        picked = rng.integers(0, len(facts), len(facts))
        for key, value in metrics([p for i in picked for p in by_fact[facts[i]]]).items():
            if not math.isnan(value):
                samples[key].append(value)
    return {
        key: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5)))
        for key, v in samples.items()
    }


def report(pairs: Sequence[tuple[Scored, str]], n: int = BOOTSTRAP) -> dict:
    """Per language and overall: the measures and their intervals."""
    groups: dict[str, list] = {lang: [p for p in pairs if p[0].lang == lang] for lang in LANGS}
    groups["all"] = list(pairs)
    return {
        name: {"metrics": metrics(group), "ci95": bootstrap(group, n)}
        for name, group in groups.items()
        if group
    }


# The targets, for the table's last row (None: no target set).
TARGETS: Mapping[str, str] = {
    "precision_high": "≥ 0.95",
    "answerable_high_right": "≥ 0.75",
    "unanswerable_high": "≤ 0.05",
    "offtopic_none": "≥ 0.90",
    "superseded_first": "≤ 0.02",
    "recall@1": "≥ 0.90",
    "recall@5": "≥ 0.98",
    "answerable_none": "≤ 0.01",
    "same_language@1": "(higher)",
}
_COLUMNS = (
    ("precision_high", "precision of high", "high"),
    ("answerable_high_right", "answerable at high, right 1st", "answerable"),
    ("unanswerable_high", "on-topic unanswerable at high", "unanswerable"),
    ("offtopic_none", "off-topic at none", "offtopic"),
    ("superseded_first", "superseded report 1st", "superseded"),
    ("recall@1", "recall@1", "answerable"),
    ("recall@5", "recall@5", "answerable"),
    ("answerable_none", "answerable at none", "answerable"),
    ("same_language@1", "same-language@1", "same_lang"),
)


def _cell(m: Mapping, ci: Mapping, key: str, count: str) -> str:
    value = m.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    lo, hi = ci.get(key, (math.nan, math.nan))
    interval = "" if math.isnan(lo) else f" [{lo:.2f}–{hi:.2f}]"
    return f"{value:.2f}{interval} (n={m[count]})"


def table_markdown(entries: Mapping[str, Mapping], title: Callable[[str], str] = str) -> list[str]:
    """One row per language (and ``all``), one column per measure, then the targets;
    other keys of ``entries`` (e.g. ``judged``) are not rows."""
    lines = [
        "| | " + " | ".join(label for _, label, _ in _COLUMNS) + " |",
        "|---|" + "---|" * len(_COLUMNS),
    ]
    for name in (*LANGS, "all"):
        if name not in entries:
            continue
        m, ci = entries[name]["metrics"], entries[name]["ci95"]
        cells = " | ".join(_cell(m, ci, key, count) for key, _, count in _COLUMNS)
        lines.append(f"| {title(name)} | {cells} |")
    lines.append("| target | " + " | ".join(TARGETS[key] for key, _, _ in _COLUMNS) + " |")
    local = entries.get("all", {}).get("metrics", {})
    if local.get("local"):
        lines += [
            "",
            f"Local news the corpus answers ({local['local']} questions, outside the measures): "
            f"at high with the right first passage {local['local_high_right']:.2f}, "
            f"at none {local['local_none']:.2f}.",
        ]
    return lines
