"""Issue 18: the confidence rule measured on two corpora, and carried from one to the other.

Two steps, so the slow one runs once per corpus (in parallel if wished) and the cheap one
can be repeated:

``python -m qa_service.lab.carry collect --corpus corpus --set QUESTIONS --out seed.json``
    answers every question of the set (resolved against that corpus: lab/targets.py) with
    each candidate composition, no confidence applied, and stores the records (signals,
    rank of the first answering passage, superseded-first, same-language-first).

``python -m qa_service.lab.carry report seed.json grown.json [--write-rule]``
    per corpus and per rule form (lab/cv.py ``FORMS``, side by side): grouped 5-fold
    cross-validation by fact (the composition chosen inside the folds among the collected
    ones, one-standard-error rule), issue 18's measures per language with 95% intervals;
    then the rule fitted on all of one corpus judging the other (seed -> grown, grown ->
    seed), with the composition chosen on the first. ``--write-rule``: saves the rule
    fitted on both corpora's records together (served form), its composition chosen on
    them, to qa_service/confidence.json, keeping the committed fallback.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..confidence import RULE_FILE, ConfidenceRule
from ..corpus import read_corpus
from ..embedder import CachedEmbedder, load_embedder
from . import cv, targets
from .compositions import COMPOSITIONS, searcher
from .evaluate import load_questions, memory_index_for

CANDIDATES = ("dbsf+glossary-mix", "dbsf+glossary", "dbsf+glossary:no-order")


def collect(corpus: Path, question_set: Path, names: Sequence[str], out: Path) -> None:
    embedder = CachedEmbedder(load_embedder("e5-small", 2), 100_000)
    index = memory_index_for(corpus, embedder)
    questions = targets.resolve(load_questions(question_set), read_corpus(corpus).articles)
    records = {}
    for name in names:
        params = dataclasses.replace(COMPOSITIONS[name], confidence=False)
        print(f"{corpus}: {name}", file=sys.stderr, flush=True)
        records[name] = [
            dataclasses.asdict(r) for r in cv.collect(searcher(index, embedder, params), questions)
        ]
        # Written after each composition: a long run leaves what it has finished.
        body = {"corpus": str(corpus), "set": str(question_set), "records": records}
        out.write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")


def _load(path: Path) -> tuple[str, dict[str, list[cv.Record]]]:
    body = json.loads(path.read_text(encoding="utf-8"))
    records = {n: [cv.Record(**r) for r in rs] for n, rs in body["records"].items()}
    return body["corpus"], records


def _judge(rule: ConfidenceRule, records: Sequence[cv.Record]) -> list[tuple[cv.Record, str]]:
    return [(r, rule.judge(r.signals, r.detected)) for r in records]


def crossval(records: Mapping[str, Sequence[cv.Record]], form: cv.RuleForm, n: int) -> dict:
    some = next(iter(records.values()))
    folds = cv.grouped_folds(some, cv.FOLDS)  # Record has id and fact, as Question does
    judged, choices = cv.cross_validate(records, folds, cv.FOLDS, form=form)
    return {
        "targets": targets.report([(j.record, j.state) for j in judged], n),
        "chosen": sorted({c["configs"]["kk"] for c in choices}),
    }


def final(records: Mapping[str, Sequence[cv.Record]], form: cv.RuleForm):
    one = cv.best_config(records, lambda r: True)
    return one, cv.fit_rule(records[one], form=form)


def report(paths: Sequence[Path], n: int, write_rule: bool) -> dict:
    corpora = [_load(p) for p in paths]
    out: dict = {"corpora": [c for c, _ in corpora], "crossval": {}, "carried": {}, "ms": {}}
    for corpus, records in corpora:
        for name, rs in records.items():
            out["ms"][f"{corpus} · {name}"] = cv.stage_costs(rs)
    for corpus, records in corpora:
        for form in cv.FORMS.values():
            # "before" is the service before issue 18: its rule form, and its ranking (no
            # verify-and-order stage) when that was collected, else the same ranking.
            plain = "dbsf+glossary:no-order"
            pool = {k: v for k, v in records.items() if k != plain}
            if form.name == "before" and plain in records:
                pool = {plain: records[plain]}
            out["crossval"][f"{corpus} · {form.name}"] = crossval(pool, form, n)
    shared = set(corpora[0][1]) & set(corpora[1][1]) - {"dbsf+glossary:no-order"}
    served = {k: v for k, v in corpora[0][1].items() if k in shared}
    for (a, ra), (b, rb) in [(corpora[0], corpora[1]), (corpora[1], corpora[0])]:
        pool = {k: v for k, v in ra.items() if k in shared}
        one, rule = final(pool, cv.SERVED_FORM)
        out["carried"][f"{a} → {b}"] = {
            "composition": one,
            "rule": rule.to_dict(),
            "targets": targets.report(_judge(rule, rb[one]), n),
            "fitted_on": targets.report(_judge(rule, ra[one]), n),
        }
    if write_rule:
        both = {k: [*served[k], *corpora[1][1][k]] for k in served}
        one, rule = final(both, cv.SERVED_FORM)
        committed = ConfidenceRule.load()
        chosen_by = (
            f"issue 18: grouped {cv.FOLDS}-fold cross-validation by fact on "
            f"{' and '.join(out['corpora'])}; form {cv.SERVED_FORM.name!r} "
            f"({', '.join(cv.SERVED_FORM.features)}; {_none_reads(cv.SERVED_FORM)}); "
            f"composition {one!r} (one standard "
            f"error rule); fitted on both corpora's records ({dt.date.today().isoformat()})"
        )
        rule = dataclasses.replace(
            rule,
            composition=one,
            search=COMPOSITIONS[one],
            chosen_by=chosen_by,
            fallback=committed.fallback,
        )
        rule.save(RULE_FILE, {"question_sets": [str(p) for p in paths]})
        out["written"] = {"composition": one, "rule": rule.to_dict()}
    return out


def _none_reads(form: cv.RuleForm) -> str:
    if form.none_features:
        return f"the none model reads only {', '.join(form.none_features)}"
    return f"the none model also reads {', '.join(form.none_only) or 'nothing more'}"


def markdown(result: Mapping) -> list[str]:
    stages = (
        "prepare", "embed", "terms", "dense", "bm25", "latent", "fuse", "highlight", "order",
        "confidence",
    )  # fmt: skip
    lines = ["| corpus, composition | " + " | ".join(stages) + " | total | beyond the encoder |"]
    lines.append("|---|" + "---|" * (len(stages) + 2))
    for name, ms in result["ms"].items():
        cells = " | ".join(f"{ms.get(s, float('nan')):.2f}" for s in stages)
        beyond = ms.get("beyond", float("nan"))
        lines.append(f"| {name} | {cells} | {ms['total']:.1f} | {beyond:.1%} |")
    for name, entry in result["crossval"].items():
        lines += ["", f"### cross-validated: {name} (chosen: {', '.join(entry['chosen'])})", ""]
        lines += targets.table_markdown(entry["targets"])
    for name, entry in result["carried"].items():
        lines += ["", f"### carried: {name} (composition {entry['composition']})", ""]
        lines += targets.table_markdown(entry["targets"])
    return lines


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m qa_service.lab.carry")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect", help="answer the set on one corpus with every candidate")
    c.add_argument("--corpus", type=Path, required=True)
    c.add_argument("--set", type=Path, required=True)
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--compositions", default=",".join(CANDIDATES))
    r = sub.add_parser("report", help="cross-validate and carry across two corpora")
    r.add_argument("records", type=Path, nargs=2)
    r.add_argument("--bootstrap", type=int, default=1000)
    r.add_argument("--json", type=Path)
    r.add_argument("--write-rule", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "collect":
        collect(args.corpus, args.set, args.compositions.split(","), args.out)
        return
    result = report(args.records, args.bootstrap, args.write_rule)
    print("\n".join(markdown(result)))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
