"""Reindex: corpus -> articles -> passages -> vectors -> a verified build -> ``current``.

The live index is replaced only when every step succeeded: the sources parsed (or the
maintainer passed ``skip_invalid``), the new build was written completely, loaded back
from disk and answered a self-check. Embeddings are reused by passage content hash, so
adding one article embeds only its passages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import index as idx
from .config import Settings
from .corpus import CorpusReport, SourceError, read_corpus, source_files
from .embedder import LATENT_TERMS, Embedder, EmbedderId
from .exit_codes import ExitCode
from .lexical import BM25Index
from .passages import MAX_WORDS, MIN_WORDS, TARGET_WORDS, split_corpus

# Bumped when passage cutting changes, so that a stale index is detected as such.
# 2: builds also hold sentence vectors (`reindex --if-stale` adds them to older builds).
# 3: and passages' latent terms.
PIPELINE_VERSION = f"4;{MIN_WORDS},{TARGET_WORDS},{MAX_WORDS}"
BATCH = 32


def available_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


class BuildError(RuntimeError):
    def __init__(self, message: str, exit_code: ExitCode = ExitCode.BUILD_FAILED):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class BuildSummary:
    sources: int = 0
    articles: int = 0
    duplicates_removed: int = 0
    passages: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    build_id: str | None = None
    index_type: str | None = None
    switched: bool = False
    dry_run: bool = False
    errors: list[SourceError] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"sources read:        {self.sources}",
            f"articles:            {self.articles}",
            f"duplicates removed:  {self.duplicates_removed}",
            f"passages:            {self.passages}",
        ]
        if not self.dry_run:
            out += [
                f"embedded:            {self.embedded}",
                f"reused:              {self.reused}",
                f"index type:          {self.index_type}",
                f"build:               {self.build_id}",
                f"live:                {'yes' if self.switched else 'no'}",
            ]
        out.append(f"seconds:             {self.seconds:.1f}")
        if self.errors:
            out.append(f"invalid sources:     {len(self.errors)}")
        return out


def corpus_hash(corpus_dir: Path) -> str:
    """Hash of every source file's path and bytes, and of the passage-cutting rules."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in source_files(corpus_dir):
        digest.update(str(path.relative_to(corpus_dir)).encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def is_stale(settings: Settings, want: EmbedderId) -> str | None:
    """Why the live index should be rebuilt (a sentence), or None when it is up to date.

    The embedder is compared exactly as ``load_build`` compares it (``EmbedderId``): a
    build that workers would refuse is never "up to date".
    """
    live = idx.current_build(settings.embeddings_dir)
    if live is None:
        return "no index has been built yet"
    try:
        manifest = idx.read_manifest(live)
    except idx.IndexError_ as exc:
        return str(exc)
    built = EmbedderId.from_dict(manifest.embedder)
    if built != want:
        return f"the live index was built with {built}, not {want}"
    if manifest.corpus_hash != corpus_hash(settings.corpus_dir):
        return "the corpus, or how passages are cut and stored, changed since the last build"
    if manifest.format_version != idx.FORMAT_VERSION:
        return "the index format changed"
    return None


def embed_passages(
    embedder: Embedder,
    texts: list[str],
    keys: list[str],
    cache: dict[str, np.ndarray],
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> tuple[np.ndarray, int, int]:
    """Vectors for ``texts``, taking cached ones by key; returns (vectors, embedded, reused)."""
    return _encode_cached(
        embedder.encode_passages, (embedder.dim,), texts, keys, cache, progress, jobs
    )


def _encode_cached(
    encode: Callable[[list[str]], np.ndarray],
    row_shape: tuple[int, ...],
    texts: list[str],
    keys: list[str],
    cache: dict[str, np.ndarray],
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> tuple[np.ndarray, int, int]:
    """``encode`` the texts whose key is not in ``cache``, in batches; the rest from it.

    With ``jobs`` > 1 the batches are encoded by that many threads at once: the e5 engine
    (like torch) releases the GIL while it computes and allocates its buffers per call, so
    threads use every core with one copy of the model in memory. The embedder should
    then run each call on one thread (``reindex --jobs`` loads it so)."""
    rows = np.zeros((len(texts), *row_shape), dtype=np.float32)
    todo = [i for i, key in enumerate(keys) if key not in cache]
    for i, key in enumerate(keys):
        if key in cache:
            rows[i] = cache[key]
    # Several jobs: smaller batches, so that the last round leaves no core idle for long.
    size = BATCH if jobs <= 1 else max(1, min(BATCH, -(-len(todo) // (4 * jobs))))
    batches = [todo[start : start + size] for start in range(0, len(todo), size)]
    if jobs <= 1 or len(batches) <= 1:
        for batch in batches:
            rows[batch] = encode([texts[i] for i in batch])
            if progress:
                progress(len(batch))
    else:
        with ThreadPoolExecutor(jobs, thread_name_prefix="reindex") as pool:
            running = {pool.submit(encode, [texts[i] for i in b]): b for b in batches}
            for done in as_completed(running):
                batch = running[done]
                rows[batch] = done.result()
                if progress:
                    progress(len(batch))
    return rows, len(todo), len(texts) - len(todo)


def embed_sentences(
    embeddings_dir: Path, embedder: Embedder, passages: list, jobs: int = 1
) -> np.ndarray:
    """One vector per sentence of every passage (for highlighting and sentence-level
    scores), reusing the live build's by sentence text; each distinct sentence once."""
    from .passages import sentence_key, sentence_texts

    texts = sentence_texts(passages)
    cache = idx.reusable_sentence_vectors(embeddings_dir, EmbedderId.of(embedder))
    unique = list(dict.fromkeys(texts))
    keys = [sentence_key(t) for t in unique]
    vectors, _, _ = embed_passages(embedder, unique, keys, cache, jobs=jobs)
    row = {t: i for i, t in enumerate(unique)}
    return vectors[[row[t] for t in texts]] if texts else vectors


def embed_latent_terms(
    embeddings_dir: Path, embedder: Embedder, passages: list, jobs: int = 1
) -> np.ndarray | None:
    """Each passage's latent terms (None for a backend without them), reusing the live
    build's by passage content hash."""
    if not embedder.latent_dim or not passages:
        return None
    shape = (2, LATENT_TERMS)
    cache = idx.reusable_latent_terms(embeddings_dir, EmbedderId.of(embedder))
    cache = {key: row for key, row in cache.items() if row.shape == shape}
    texts = [p.text for p in passages]
    keys = [p.content_hash for p in passages]
    terms, _, _ = _encode_cached(embedder.encode_latent, shape, texts, keys, cache, jobs=jobs)
    return terms


def verify_build(loaded: idx.LoadedIndex, samples: int = 20) -> None:
    """The build loaded back from disk must find its own passages: a cheap end-to-end check."""
    n = len(loaded.passages)
    if n == 0:
        raise BuildError("the new build has no passages")
    rows = np.unique(np.linspace(0, n - 1, num=min(samples, n)).astype(int))
    queries = np.asarray(loaded.vectors[rows], dtype=np.float32)
    _, ids = loaded.search(queries, min(10, n))
    found = np.mean([row in ids[i] for i, row in enumerate(rows)])
    needed = 1.0 if loaded.manifest.index_type == "flat" else 0.9
    if found < needed:
        raise BuildError(
            f"verification failed: the new index found {found:.0%} of sampled passages "
            f"(needs {needed:.0%}); the live index was left in place"
        )


def reindex(
    settings: Settings,
    embedder: Embedder,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    report: CorpusReport | None = None,
    jobs: int = 1,
) -> BuildSummary:
    """Build a new index from ``settings.corpus_dir`` and make it live if all went well.
    ``jobs``: encoding threads (see ``_encode_cached``)."""
    started = time.perf_counter()
    report = report or read_corpus(settings.corpus_dir)
    summary = BuildSummary(
        sources=len(report.sources),
        articles=len(report.articles),
        duplicates_removed=report.duplicates_removed,
        errors=list(report.errors),
        dry_run=dry_run,
    )
    passages = split_corpus(report.articles)
    summary.passages = len(passages)
    if report.errors and not skip_invalid:
        summary.seconds = time.perf_counter() - started
        raise BuildError(
            "invalid sources (the live index was left in place; fix them, or pass "
            "--skip-invalid to build without them):\n" + "\n".join(f"  {e}" for e in report.errors),
            ExitCode.SOURCES_FAILED,
        )
    if not report.articles:
        raise BuildError("no articles found in the corpus", ExitCode.SOURCES_FAILED)
    if dry_run:
        summary.seconds = time.perf_counter() - started
        return summary

    cache = idx.reusable_vectors(settings.embeddings_dir, EmbedderId.of(embedder))
    keys = [p.content_hash for p in passages]
    if on_total:
        on_total(sum(1 for k in keys if k not in cache))
    vectors, summary.embedded, summary.reused = embed_passages(
        embedder, [p.text for p in passages], keys, cache, progress, jobs
    )
    sentence_vectors = embed_sentences(settings.embeddings_dir, embedder, passages, jobs)
    latent_terms = embed_latent_terms(settings.embeddings_dir, embedder, passages, jobs)
    chash = corpus_hash(settings.corpus_dir)
    kind = idx.choose_index_type(settings.index_type, len(passages))
    manifest = idx.Manifest(
        build_id=idx.new_build_id(chash),
        embedder=EmbedderId.of(embedder).to_dict(),
        corpus_hash=chash,
        articles=len(report.articles),
        passages=len(passages),
        index_type=kind,
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - started, 3),
        sources=report.sources,
    )
    try:
        build_dir = idx.write_build(
            settings.embeddings_dir,
            manifest,
            report.articles,
            passages,
            vectors,
            sentence_vectors,
            latent_terms,
            BM25Index(BM25Index.passage_texts(passages, {a.id: a for a in report.articles})),
        )
    except OSError as exc:
        raise BuildError(f"the new build failed ({exc}); the live index was left in place") from exc
    try:
        loaded = idx.load_build(build_dir, EmbedderId.of(embedder))
        verify_build(loaded)
    except (OSError, idx.IndexError_, BuildError) as exc:
        # A written build that fails its check must not stay around as a rollback target.
        shutil.rmtree(build_dir, ignore_errors=True)
        if isinstance(exc, BuildError):
            raise
        raise BuildError(f"the new build failed ({exc}); the live index was left in place") from exc
    idx.switch_current(settings.embeddings_dir, build_dir)
    idx.prune_builds(settings.embeddings_dir, settings.keep_builds)
    summary.build_id = manifest.build_id
    summary.index_type = kind
    summary.switched = True
    summary.seconds = time.perf_counter() - started
    return summary
