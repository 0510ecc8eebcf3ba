"""The `import` command (registered in cli.py): arguments in, summary and exit code out."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("import")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option(
    "--dry-run", is_flag=True, help="Fetch and extract, say what would be written; write nothing."
)
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    help="Corpus folder to write to (default: the corpus setting).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_obj
def import_command(ctx, sources: tuple[str, ...], dry_run: bool, into: Path | None, quiet: bool):
    """Import articles into the corpus, one Markdown file each.

    SOURCE is an article's address, an RSS/Atom feed or sitemap (each linked article is
    imported), a saved .html page, or a folder of them. Known articles are left alone;
    one whose text changed at the same address has its file rewritten. Then run
    `referendum-qa reindex`.

    Exit codes: 0 everything imported or already present; 2 usage error; 3 some sources
    failed (each printed as SOURCE: reason; the others were still imported).
    """
    from tqdm import tqdm

    from .fetch import Fetcher, FetchPolicy
    from .run import run_import

    settings = ctx.settings
    target = into or settings.corpus_dir

    def progress(items):
        # disable=None: no bar when stderr is not a terminal (logs, CI).
        return tqdm(
            items, desc="importing", unit="article", file=sys.stderr, leave=False, disable=None
        )

    def on_failure(failure) -> None:
        tqdm.write(str(failure), file=sys.stderr)

    def on_outcome(outcome) -> None:
        if outcome.status != "unchanged":
            verb = "would write" if dry_run else "wrote"
            kind = "new" if outcome.status == "imported" else "updated"
            tqdm.write(f"{verb} {outcome.path} ({kind})", file=sys.stdout)

    with Fetcher(FetchPolicy.from_settings(settings)) as fetcher:
        summary = run_import(
            sources,
            target,
            fetcher,
            dry_run=dry_run,
            on_failure=on_failure,
            on_outcome=on_outcome,
            progress=None if quiet else progress,
        )
    click.echo("\n".join(summary.lines()))
    if (summary.imported or summary.updated) and not dry_run:
        click.echo("next: referendum-qa reindex (embeds only the new passages)")
    sys.exit(summary.exit_code)
