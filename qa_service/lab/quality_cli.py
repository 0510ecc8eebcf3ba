"""`referendum-qa eval`: the answer-quality tool.

Lab code: cli.py registers it lazily, so serving never imports the evaluation.
"""

from __future__ import annotations

import functools
from pathlib import Path

import click

DEFAULT_REPORT = Path("var/eval/report.json")


@click.command("eval")
@click.option(
    "--set",
    "question_sets",
    required=True,
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Question set (JSON Lines: id, lang, question, answerable, article, evidence); "
    "repeat to combine sets.",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_REPORT,
    show_default=True,
    help="Where to write the JSON report.",
)
@click.option(
    "--chart",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the bar chart (PNG). Default: next to the JSON report.",
)
@click.option(
    "--backends",
    default="e5-small,minilm",
    show_default=True,
    help="Embedders to compare dense-only, comma-separated.",
)
@click.option(
    "--rule-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where --calibrate writes the rule (default: qa_service/confidence.json, which the "
    "service reads).",
)
@click.option(
    "--calibrate",
    is_flag=True,
    help="Also choose the abstention rule by cross-validation on this set and save it "
    "to qa_service/confidence.json (review the diff before committing).",
)
@click.pass_obj
def eval_command(ctx, question_sets, json_out, chart, backends, rule_file, calibrate) -> None:
    """Compare BM25, dense (per embedder) and the hybrid on a labelled question set.

    Indexes are built in memory from the corpus; the live embeddings/ is not touched.
    Prints a table of recall@1, recall@5 and MRR@10 per language and the abstention
    counts; writes the JSON report and a bar chart.
    """
    ctx.require_data()
    from ..confidence import RULE_FILE
    from ..embedder import EmbedderError, load_embedder
    from .evaluate import (
        EvalSetError,
        calibrate_from,
        default_methods,
        evaluate,
        load_questions,
        table_lines,
        to_json,
        write_chart,
        write_curve,
    )

    questions = []
    try:
        for path in question_sets:
            questions += load_questions(path)
    except EvalSetError as exc:
        raise click.ClickException(str(exc)) from None
    if len({q.id for q in questions}) != len(questions):
        raise click.ClickException("question ids repeat across the sets; make them unique")
    names = [b.strip() for b in backends.split(",") if b.strip()]
    if not names:
        raise click.ClickException("--backends is empty")
    hybrid = ctx.settings.embedder

    @functools.cache
    def load(name: str):
        try:
            return load_embedder(name, ctx.settings.embed_threads, ctx.settings.one_pass)
        except EmbedderError as exc:
            raise click.ClickException(str(exc)) from None

    methods = default_methods(names, hybrid)
    if not ctx.settings.corpus_dir.is_dir():
        raise click.ClickException(f"corpus folder {ctx.settings.corpus_dir} does not exist")
    report = evaluate(ctx.settings.corpus_dir, questions, load, methods)
    if calibrate:
        rule, record = calibrate_from(report)
        rule_file = rule_file or RULE_FILE
        sets = [str(p) for p in question_sets]
        rule.save(rule_file, {"question_sets": sets, "calibration": record})
        report["calibration"] = record | {"rule": rule.to_dict()}
        # Re-run the hybrids with the new rule so the report shows its effect.
        hybrids = [m for m in methods if m.params.confidence]
        again = evaluate(ctx.settings.corpus_dir, questions, load, hybrids, rule=rule)
        for m in hybrids:
            report["methods"][m.name] = again["methods"][m.name]
            report["per_question"][m.name] = again["per_question"][m.name]
        click.echo(f"abstention rule saved to {rule_file}: {record['chosen']}", err=True)
    click.echo("\n".join(table_lines(report)))
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(to_json(report) + "\n", encoding="utf-8")
    chart = chart or json_out.with_suffix(".png")
    write_chart(report, chart)
    click.echo(f"\nreport: {json_out}\nchart:  {chart}")
    if calibrate:
        curve = chart.with_name(chart.stem + "-abstention.png")
        write_curve(report["calibration"], curve)
        click.echo(f"curve:  {curve}")
