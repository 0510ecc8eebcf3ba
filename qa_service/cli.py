"""`referendum-qa`: serve, reindex, ask (and the maintainer tools added beside them).

The group callback builds one ``Context`` (settings from the environment plus global
options); subcommands load the embedder only when they need it. User errors end in a
``ClickException``: a message and exit code 1, no traceback.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from . import validate
from .config import Settings, child_env
from .exit_codes import ExitCode
from .validate import LANGS


@dataclass
class Context:
    settings: Settings

    def require_data(self) -> None:
        """Stop with one line and exit code 2 when there is neither a corpus nor an index.

        Installed from a wheel and run outside the repository, the defaults (``./corpus``,
        ``./embeddings``) usually point nowhere; say which settings to give instead of
        failing later with a traceback or an empty service.
        """
        s = self.settings
        if not s.corpus_dir.is_dir() and not s.embeddings_dir.is_dir():
            click.echo(
                f"Error: no corpus at {s.corpus_dir} and no index at {s.embeddings_dir}: "
                "set QA_CORPUS_DIR and/or QA_EMBEDDINGS_DIR (or --corpus/--embeddings)",
                err=True,
            )
            sys.exit(ExitCode.USAGE)

    def embedder(self):
        from .embedder import EmbedderError, embedder_for

        try:
            return embedder_for(self.settings)
        except EmbedderError as exc:
            raise click.ClickException(str(exc)) from None


pass_context = click.make_pass_decorator(Context)


class LazyGroup(click.Group):
    """A command group whose maintainer tools are imported only when invoked.

    ``serve``, ``reindex`` and ``ask`` must not pull the lab (evaluation, benchmarks,
    matplotlib) into memory; ``eval`` and ``bench`` live in ``qa_service.lab`` and are
    registered here by dotted path (the pattern from click's documentation).
    """

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module, attr = self.lazy[name].rsplit(".", 1)
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(
    cls=LazyGroup,
    lazy={
        "bench": "qa_service.lab.bench.bench",
        "eval": "qa_service.lab.quality_cli.eval_command",
    },
)
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), help="Corpus folder.")
@click.option(
    "--embeddings", "embeddings_dir", type=click.Path(path_type=Path), help="Index folder."
)
@click.option("--embedder", help="e5-small, minilm, or a local model directory.")
@click.version_option(package_name="referendum-qa")
@click.pass_context
def cli(ctx: click.Context, corpus_dir, embeddings_dir, embedder) -> None:
    """Referendum QA: source passages that answer questions about the 2026 reform.

    Settings come from QA_* environment variables (see the README); these options
    override them.
    """
    overrides = {
        k: v
        for k, v in {
            "corpus_dir": corpus_dir,
            "embeddings_dir": embeddings_dir,
            "embedder": embedder,
        }.items()
        if v is not None
    }
    try:
        settings = Settings.load(overrides)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    ctx.obj = Context(settings)


@cli.command()
@click.option("--dry-run", is_flag=True, help="Parse and cut the corpus only; write nothing.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Build without sources that fail to parse (they are listed) instead of stopping.",
)
@click.option("--if-stale", is_flag=True, help="Do nothing when the live index is up to date.")
@click.option("--index-type", help="flat, hnsw, ivf or auto (default: the setting).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    help="Encoding threads, each on one core (default: every core this process may use).",
)
@pass_context
def reindex(ctx: Context, dry_run, skip_invalid, if_stale, index_type, quiet, jobs) -> None:
    """Rebuild the index from the corpus and make it live once verified.

    Exit codes: 0 built (or up to date, or a clean dry run); 1 error; 2 usage error;
    3 invalid sources, nothing replaced; 4 the build or its verification failed,
    nothing replaced.
    """
    ctx.require_data()
    from tqdm import tqdm

    from .build import BuildError, available_cores, is_stale
    from .build import reindex as run_reindex
    from .embedder import EmbedderId

    settings = ctx.settings
    if index_type:
        try:
            settings = settings.replace(index_type=index_type)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    jobs = jobs or available_cores()
    # Parallelism comes from the jobs: each engine call then runs on one core (unless
    # QA_EMBED_THREADS says otherwise). The one-pass library (QA_ONE_PASS) gives each
    # passage its vector and latent terms in one encoder pass.
    threads = settings.embed_threads or (1 if jobs > 1 else 0)
    loading = Context(settings.replace(embed_threads=threads))
    embedder = None if dry_run else loading.embedder()
    if if_stale and embedder is not None:
        terms = embedder.passage_terms if embedder.latent_dim else None
        reason = is_stale(settings, EmbedderId.of(embedder), terms)
        if reason is None:
            click.echo("index is up to date")
            return
        click.echo(f"reindexing: {reason}")
    bar = None

    def on_total(total: int) -> None:
        nonlocal bar
        if not quiet and total:
            bar = tqdm(total=total, desc="encoding", unit="text", file=sys.stderr)

    def progress(n: int) -> None:
        if bar is not None:
            bar.update(n)

    try:
        summary = run_reindex(
            settings,
            embedder,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            progress=progress,
            on_total=on_total,
            jobs=jobs,
        )
    except BuildError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    finally:
        if bar is not None:
            bar.close()
    for error in summary.errors:
        click.echo(f"skipped invalid source {error}", err=True)
    click.echo("\n".join(summary.lines()))


@cli.command()
@click.argument("question")
@click.option("-k", default=None, type=int, help="How many passages (1 to QA_MAX_K).")
@click.option("--lang", type=click.Choice(LANGS), help="UI language.")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON records.")
@pass_context
def ask(ctx: Context, question: str, k: int | None, lang: str | None, as_json: bool) -> None:
    """Print the passages that answer QUESTION, with score and attribution."""
    ctx.require_data()
    from .answer import LOW
    from .service import QAService, Unavailable

    caps = validate.Caps.of(ctx.settings)  # the API's rules, checked before the model loads
    try:
        k = caps.default_k if k is None else validate.k(k, caps)
    except validate.ValidationError as exc:
        raise click.BadParameter(exc.detail, param_hint="'-k'") from None
    try:
        question = validate.question(question, caps, name="QUESTION")
    except validate.ValidationError as exc:
        raise click.ClickException(exc.detail) from None
    service = QAService(ctx.settings, embedder=ctx.embedder())
    service.load()
    try:
        searcher = service.searcher()
    except Unavailable as exc:
        raise click.ClickException(str(exc)) from None
    answer = searcher.ask(question, k=k, lang=lang)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    if answer.abstained:
        click.secho(
            "Confidence: none. No passage in these sources answers this question. "
            "Official information: " + ctx.settings.official_info_url,
            fg="yellow",
        )
        shown = answer.related
        if shown:
            click.echo("Closest passages (they do not answer it):")
    elif answer.confidence == LOW:
        click.secho(
            "Confidence: low. These passages are on the subject but may not answer exactly.",
            fg="yellow",
        )
        shown = answer.results
    else:
        click.secho("Confidence: high. The first passage answers.", fg="green")
        shown = answer.results
    for hit in shown:
        a = hit.article
        click.secho(f"\n#{hit.rank}  score {hit.score:.3f}  {a.title}", bold=True)
        click.echo(f"    {a.date} · {a.outlet}" + (f" · {a.url}" if a.url else ""))
        click.echo("    " + _highlighted(hit, styled=sys.stdout.isatty()))
    click.echo(f"\n(index {answer.index_version}, {answer.took_ms:.1f} ms)")


def _highlighted(hit, styled: bool) -> str:
    """The passage with its answering sentence(s) in bold and underlined on a terminal,
    between ``**`` when piped (click drops the styles there, and the highlight with them)."""
    text = hit.passage.text
    if not hit.highlight:
        return text
    out, last = [], 0
    for start, end in hit.highlight:
        out.append(text[last:start])
        sentence = text[start:end]
        marked = click.style(sentence, bold=True, underline=True) if styled else f"**{sentence}**"
        out.append(marked)
        last = end
    out.append(text[last:])
    return "".join(out)


@cli.command()
@click.option("--host", help="Bind address (default: the setting, 127.0.0.1).")
@click.option("--port", type=int, help="Port (default: the setting, 8000).")
@click.option("--workers", type=click.IntRange(1, 64), help="gunicorn workers (default 2).")
@click.option("--dev", is_flag=True, help="Flask's development server instead of gunicorn.")
@pass_context
def serve(ctx: Context, host, port, workers, dev) -> None:
    """Serve the page, the widget and the API (gunicorn; each worker loads the index once)."""
    ctx.require_data()
    settings = ctx.settings.replace(
        **{
            k: v
            for k, v in {"host": host, "port": port, "workers": workers}.items()
            if v is not None
        }
    )
    env = child_env(settings)
    if dev:
        from .app import create_app
        from .logs import configure

        configure(settings)
        app = create_app(settings=settings)
        app.run(host=settings.host, port=settings.port, debug=False)
        return
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    # Bind, workers, JSON logs without questions or addresses, metrics: gunicorn_conf.py.
    cmd = [gunicorn, "--config", "python:qa_service.gunicorn_conf", "qa_service.wsgi:app"]
    click.echo(f"serving on http://{settings.host}:{settings.port} ({settings.workers} workers)")
    if os.path.isabs(cmd[0]):
        os.execve(cmd[0], cmd, env)
    sys.exit(subprocess.run(cmd, env=env).returncode)


from .feedback_cli import feedback_group  # noqa: E402 - registered after the group
from .lifecycle import builds_command, rollback_command  # noqa: E402 - after the group

cli.add_command(rollback_command)
cli.add_command(builds_command)
cli.add_command(feedback_group)

from .importer.command import import_command  # noqa: E402 - after the group

cli.add_command(import_command)
