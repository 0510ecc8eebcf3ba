"""`referendum-qa feedback export`: readers' feedback as evaluation lines to label."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group("feedback")
def feedback_group() -> None:
    """Reader feedback collected by POST /api/v1/feedback."""


@feedback_group.command("export")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (JSON Lines); default: standard output.",
)
@click.pass_obj
def feedback_export(ctx, out: Path | None) -> None:
    """Write questions marked unhelpful, and those asked when no passage answered, in the
    evaluation set format (answerable, article, evidence left for maintainers to label)."""
    from .feedback import FeedbackStore, export_lines, export_unanswered

    path = ctx.settings.feedback_db
    if not path.exists():
        raise click.ClickException(f"no feedback database at {path} (QA_FEEDBACK_DB)")
    store = FeedbackStore(path)
    try:
        items = export_unanswered(store)
    finally:
        store.close()
    text = export_lines(items)
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        click.echo(f"{len(items)} question(s) written to {out}", err=True)
