"""What happens to builds after they are made: list, roll back, fall back.

``reindex`` makes a build live only after it loaded back and passed its self-check, but a
build can still go bad later (a disk error, a hand edit, a bad release). Two remedies:

- ``rollback``: an operator points ``current`` back at the previous build, after that
  build has itself been loaded and checked (a rollback onto a broken build would make
  things worse). Builds are kept up to ``keep_builds``, so there is something to go to.
- ``newest_loadable``: a worker that starts while ``current`` is unusable serves the
  newest build that loads rather than nothing; ``/readyz`` still reports the problem.

Here too: where ``current`` points (``current_build``, ``switch_current``: a symlink
replaced atomically, so a reader sees either the old build or the new one), which builds
exist, and pruning the oldest.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import click

from . import index as idx
from .embedder import Embedder, EmbedderId

log = logging.getLogger(__name__)


def current_build(embeddings_dir: Path) -> Path | None:
    """The live build's directory, or None when there is none yet."""
    link = Path(embeddings_dir) / idx.CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def switch_current(embeddings_dir: Path, build_dir: Path) -> None:
    """Point ``current`` at ``build_dir`` atomically (a symlink renamed over the old one)."""
    embeddings_dir = Path(embeddings_dir)
    tmp = embeddings_dir / f".current-{os.getpid()}-{time.monotonic_ns()}"
    os.symlink(build_dir.name, tmp)
    os.replace(tmp, embeddings_dir / idx.CURRENT)
    idx.fsync_dir(embeddings_dir)


def list_builds(embeddings_dir: Path) -> list[tuple[Path, idx.Manifest]]:
    """Finished builds (those with a readable manifest), oldest first."""
    builds = []
    root = Path(embeddings_dir)
    if not root.is_dir():
        return builds
    for path in root.iterdir():
        if path.name.startswith(".") or path.name == idx.CURRENT or not path.is_dir():
            continue
        if path.is_symlink():
            continue
        try:
            builds.append((path, idx.read_manifest(path)))
        except idx.IndexError_:
            continue
    return sorted(builds, key=lambda item: (item[1].built_at, item[0].name))


def prune_builds(embeddings_dir: Path, keep: int) -> list[Path]:
    """Remove the oldest builds beyond ``keep``; never the live one. Returns what went."""
    live = current_build(embeddings_dir)
    builds = [path for path, _ in list_builds(embeddings_dir)]
    removed = []
    for path in builds[: max(0, len(builds) - max(keep, 1))]:
        if live is not None and path.resolve() == live:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    for stale in Path(embeddings_dir).glob(".tmp-*"):
        # Left by a build that died; safe to remove once no build of that name runs.
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)
    return removed


class LifecycleError(RuntimeError):
    """A rollback cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BuildInfo:
    build_id: str
    path: Path
    built_at: str
    passages: int
    index_type: str
    embedder: str
    live: bool


def builds(embeddings_dir: Path) -> list[BuildInfo]:
    """Finished builds, oldest first, with the live one marked."""
    live = current_build(embeddings_dir)
    return [
        BuildInfo(
            build_id=m.build_id,
            path=path,
            built_at=m.built_at,
            passages=m.passages,
            index_type=m.index_type,
            embedder=str(m.embedder.get("name")),
            live=live is not None and path.resolve() == live,
        )
        for path, m in list_builds(embeddings_dir)
    ]


def _check(build_dir: Path, embedder: Embedder) -> idx.LoadedIndex:
    loaded = idx.load_build(build_dir, EmbedderId.of(embedder))
    try:
        idx.verify_build(loaded)
    except idx.IndexCorrupt as exc:
        raise idx.IndexCorrupt(f"{build_dir}: {exc}") from None
    return loaded


@dataclass(frozen=True)
class Rollback:
    previous: str | None  # build id live before, None if current pointed nowhere usable
    live: str


def rollback(embeddings_dir: Path, embedder: Embedder, to: str | None = None) -> Rollback:
    """Point ``current`` at ``to`` (a build id) or else at the build before the live one.

    The target is loaded and self-checked first; on any problem nothing changes.
    """
    embeddings_dir = Path(embeddings_dir)
    found = builds(embeddings_dir)
    if not found:
        raise LifecycleError(f"no finished builds in {embeddings_dir}; run `referendum-qa reindex`")
    live = next((b for b in found if b.live), None)
    if to is not None:
        target = next((b for b in found if b.build_id == to), None)
        if target is None:
            known = ", ".join(b.build_id for b in found)
            raise LifecycleError(f"no build {to!r} in {embeddings_dir}; builds: {known}")
    elif live is None:
        target = found[-1]
    else:
        older = found[: found.index(live)]
        if not older:
            raise LifecycleError(
                f"the live build {live.build_id} is the oldest kept; nothing to roll back to"
            )
        target = older[-1]
    if live is not None and target.build_id == live.build_id:
        raise LifecycleError(f"{target.build_id} is already live")
    try:
        _check(target.path, embedder)
    except idx.IndexError_ as exc:
        raise LifecycleError(f"cannot roll back to {target.build_id}: {exc}") from None
    switch_current(embeddings_dir, target.path)
    log.warning(
        "rolled back",
        extra={"from_build": live.build_id if live else None, "to_build": target.build_id},
    )
    return Rollback(previous=live.build_id if live else None, live=target.build_id)


def newest_loadable(
    embeddings_dir: Path, embedder: Embedder, exclude: Path | None = None
) -> idx.LoadedIndex | None:
    """The newest build that loads and passes its self-check, other than ``exclude``."""
    for info in reversed(builds(embeddings_dir)):
        if exclude is not None and info.path.resolve() == Path(exclude).resolve():
            continue
        try:
            return _check(info.path, embedder)
        except idx.IndexError_ as exc:
            log.error("fallback build unusable", extra={"build": info.build_id, "detail": str(exc)})
    return None


# --- command line (registered in cli.py) -------------------------------------------------


@click.command("rollback")
@click.option("--to", "to", metavar="BUILD_ID", help="Go to this build (default: the previous).")
@click.pass_obj
def rollback_command(ctx, to: str | None) -> None:
    """Make the previous build (or BUILD_ID) live again, once it loads and checks out.

    Running services switch to it between requests, as after a reindex.
    """
    ctx.require_data()
    try:
        done = rollback(ctx.settings.embeddings_dir, ctx.embedder(), to)
    except LifecycleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"live: {done.live} (was {done.previous or 'nothing usable'})")


@click.command("builds")
@click.pass_obj
def builds_command(ctx) -> None:
    """List the kept index builds, oldest first; `*` marks the live one."""
    ctx.require_data()
    found = builds(ctx.settings.embeddings_dir)
    if not found:
        raise click.ClickException(
            f"no builds in {ctx.settings.embeddings_dir}; run `referendum-qa reindex`"
        )
    for b in found:
        mark = "*" if b.live else " "
        facts = f"{b.built_at}  {b.passages} passages  {b.index_type}  {b.embedder}"
        click.echo(f"{mark} {b.build_id}  {facts}")
