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
    help="Question set (JSON Lines: id, lang, question, answerable, and evidence, or spans "
    "naming their files as in docs/quality/grown/README.md); repeat to combine sets. Spans "
    "count only where the corpus (--corpus) holds them.",
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
    "--cv",
    "folds",
    type=click.IntRange(2, 20),
    help="Grouped cross-validation with this many folds (the question bank: questions "
    "need `fact`): chooses the ranking per language and fits the confidence rule on the "
    "other folds, reports held-out figures per language and style with 95%% intervals.",
)
@click.option(
    "--check",
    "checks",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --cv: extra sets scored with the final choice, never fitted on (repeatable).",
)
@click.option(
    "--bootstrap",
    default=1000,
    show_default=True,
    type=click.IntRange(50),
    help="Bootstrap resamples (over facts) for the 95%% intervals.",
)
@click.option(
    "--served",
    "served_only",
    is_flag=True,
    help="Only issue 18's measures of the served composition and rule as committed, one "
    "pass over the set (no method comparison, nothing fitted).",
)
@click.option(
    "--write-rule",
    is_flag=True,
    help="With --cv: save the rule fitted on the whole set to qa_service/confidence.json "
    "(review the diff before committing).",
)
@click.pass_obj
def eval_command(
    ctx, question_sets, json_out, chart, backends, folds, checks, bootstrap, served_only,
    write_rule,
) -> None:  # fmt: skip
    """Compare BM25, dense (per embedder) and the hybrid on labelled question sets, or,
    with --cv, cross-validate the service's choices on the question bank.

    Indexes are built in memory from the corpus; the live embeddings/ is not touched.
    Writes the JSON report and a chart (with --cv: the calibration plot).
    """
    ctx.require_data()
    from ..corpus import read_corpus
    from ..embedder import EmbedderError, load_embedder
    from .evaluate import EvalSetError, load_questions, to_json
    from .targets import resolve

    articles = read_corpus(ctx.settings.corpus_dir).articles

    def read(paths) -> list:
        questions = []
        try:
            for path in paths:
                questions += load_questions(path)
        except EvalSetError as exc:
            raise click.ClickException(str(exc)) from None
        if len({q.id for q in questions}) != len(questions):
            raise click.ClickException("question ids repeat across the sets; make them unique")
        return resolve(questions, articles)

    questions = read(question_sets)

    @functools.cache
    def load(name: str):
        try:
            return load_embedder(name, ctx.settings.embed_threads, one_pass=ctx.settings.one_pass)
        except EmbedderError as exc:
            raise click.ClickException(str(exc)) from None

    if folds:
        _cross_validate(ctx, questions, read(checks), load, folds, bootstrap, write_rule,
                        question_sets, json_out, chart)  # fmt: skip
        return
    if checks or write_rule:
        raise click.UsageError("--check and --write-rule go with --cv")
    if served_only:
        index, embedder = _memory_index(ctx, load)
        report = {"served_targets": _served_targets(ctx, questions, index, embedder, bootstrap)}
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(to_json(report) + "\n", encoding="utf-8")
        click.echo(f"\nreport: {json_out}")
        return
    _compare(ctx, questions, load, backends, bootstrap, json_out, chart)


def _memory_index(ctx, load):
    """The corpus (--corpus) indexed in memory with the served embedder."""
    from ..embedder import CachedEmbedder
    from .evaluate import memory_index_for

    embedder = CachedEmbedder(load(ctx.settings.embedder), 100_000)
    return memory_index_for(ctx.settings.corpus_dir, embedder), embedder


def _served_targets(ctx, questions, index, embedder, bootstrap) -> dict:
    """Issue 18's measures of today's served composition and rule (nothing refitted)."""
    from ..confidence import ConfidenceRule
    from ..search import Searcher
    from . import cv, targets

    rule = ConfidenceRule.load()
    searcher_for = lambda params: Searcher(index, embedder, params, rule=rule)  # noqa: E731
    report = cv.served(searcher_for, questions, rule, bootstrap)
    click.echo(f"\nthe served rule ({rule.composition}, confidence.json as committed) on "
               f"{ctx.settings.corpus_dir}, {len(questions)} questions, 95% intervals "
               "over facts:")  # fmt: skip
    click.echo("\n".join(targets.table_markdown(report)))
    return report


def _compare(ctx, questions, load, backends, bootstrap, json_out, chart) -> None:
    from .evaluate import default_methods, evaluate, table_lines, to_json, write_chart

    names = [b.strip() for b in backends.split(",") if b.strip()]
    if not names:
        raise click.ClickException("--backends is empty")
    methods = default_methods(names, ctx.settings.embedder)
    report = evaluate(ctx.settings.corpus_dir, questions, load, methods)
    click.echo("\n".join(table_lines(report)))
    index, embedder = _memory_index(ctx, load)
    report["served_targets"] = _served_targets(ctx, questions, index, embedder, bootstrap)
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(to_json(report) + "\n", encoding="utf-8")
    chart = chart or json_out.with_suffix(".png")
    write_chart(report, chart)
    click.echo(f"\nreport: {json_out}\nchart:  {chart}")


def _cross_validate(
    ctx, questions, checks, load, folds, bootstrap, write_rule, question_sets, json_out, chart
) -> None:
    from ..composition import SearchParams
    from ..confidence import RULE_FILE
    from . import compositions, cv, targets
    from .evaluate import evaluate_index, table_lines, to_json

    if not all(q.fact for q in questions):
        raise click.ClickException(
            "--cv needs every question's `fact` (the question bank has it): folds group by it"
        )
    index, embedder = _memory_index(ctx, load)
    log = functools.partial(click.echo, err=True)
    try:
        report, rule = cv.run(
            lambda params: compositions.searcher(index, embedder, params),
            questions,
            k=folds,
            n_bootstrap=bootstrap,
            log=log,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    final = report["final"]["configs"]
    click.echo(f"cross-validated over {report['questions']} questions, {report['facts']} facts, "
               f"{folds} folds grouped by fact")  # fmt: skip
    click.echo("\n".join(cv.table_markdown(report)))
    click.echo("\nissue 18's measures, held-out folds:")
    click.echo("\n".join(targets.table_markdown(report["targets"])))
    click.echo("\nranking compositions on the whole set (the choice is made inside each fold):")
    click.echo("\n".join(cv.configs_markdown(report)))
    click.echo(f"\nfinal choice (every language): {final['kk']}")
    if checks:
        params = {lang: cv.CONFIGS[name] for lang, name in final.items()}
        extra = evaluate_index(index, embedder, checks, params, rule)
        report["checks"] = extra
        click.echo("\nextra checks, never fitted on (final choice and rule):")
        click.echo("\n".join(table_lines(extra)))
    report["served_targets"] = _served_targets(ctx, questions, index, embedder, bootstrap)
    if write_rule:
        try:  # the service serves only its own retrievers: refuse a file it cannot load
            SearchParams.from_dict(rule.search.to_dict())
        except ValueError as exc:
            raise click.ClickException(f"cannot serve the chosen composition: {exc}") from None
        sets = [str(p) for p in question_sets]
        rule.save(RULE_FILE, {"question_sets": sets})
        click.echo(f"\nconfidence rule saved to {RULE_FILE}", err=True)
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(to_json(report) + "\n", encoding="utf-8")
    chart = chart or json_out.with_suffix(".png")
    cv.write_calibration_plot(report, chart)
    click.echo(f"\nreport: {json_out}\nchart:  {chart}")
