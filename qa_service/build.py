"""Reindex: corpus -> articles -> passages -> vectors -> a verified build -> ``current``.

The live index is replaced only when every step succeeded: the sources parsed (or the
maintainer passed ``skip_invalid``), the new build was written completely, loaded back
from disk and answered a self-check. Embeddings are reused by passage content hash, so
adding one article embeds only its passages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import index as idx
from .article import Article
from .config import Settings
from .corpus import CorpusReport, SourceError, SourceRecord, read_corpus, source_files
from .embed_batches import Work, encode_all
from .embedder import LATENT_TERMS, Embedder, EmbedderId
from .exit_codes import ExitCode
from .faiss_index import choose_index_type
from .index import verify_build
from .lexical import BM25Index
from .lifecycle import current_build, prune_builds, switch_current
from .passages import (
    MAX_WORDS,
    MIN_WORDS,
    TARGET_WORDS,
    Passage,
    sentence_key,
    sentence_texts,
    split_article,
)

# Bumped when passage cutting changes, so that a stale index is detected as such.
# 2: builds also hold sentence vectors (`reindex --if-stale` adds them to older builds).
# 3: and passages' latent terms.
PIPELINE_VERSION = f"4;{MIN_WORDS},{TARGET_WORDS},{MAX_WORDS}"


def available_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


class BuildError(RuntimeError):
    """A reindex that cannot go on; ``exit_code`` is the command's (see the README)."""

    def __init__(self, message: str, exit_code: ExitCode = ExitCode.BUILD_FAILED):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class BuildSummary:
    sources: int = 0
    reread: int = 0  # source files parsed (the others came from the live build)
    articles: int = 0
    duplicates_removed: int = 0
    passages: int = 0
    resplit: int = 0  # articles cut into passages (the others' came from the live build)
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    build_id: str | None = None
    index_type: str | None = None
    switched: bool = False
    dry_run: bool = False
    errors: list[SourceError] = field(default_factory=list)

    @classmethod
    def of(cls, report: CorpusReport, dry_run: bool) -> BuildSummary:
        return cls(
            sources=len(report.sources),
            reread=len(report.records) - report.reused_files,
            articles=len(report.articles),
            duplicates_removed=report.duplicates_removed,
            errors=list(report.errors),
            dry_run=dry_run,
        )

    def lines(self) -> list[str]:
        out = [
            f"sources read:        {self.sources} ({self.reread} parsed, the rest unchanged)",
            f"articles:            {self.articles} ({self.resplit} cut into passages)",
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


def is_stale(settings: Settings, want: EmbedderId, passage_terms: str | None = None) -> str | None:
    """Why the live index should be rebuilt (a sentence), or None when it is up to date.

    The embedder is compared exactly as ``load_build`` compares it (``EmbedderId``): a
    build that workers would refuse is never "up to date". ``passage_terms``: how this
    embedder makes passages' latent terms (``Embedder.passage_terms``; None: not
    compared): a build whose terms were made otherwise is re-encoded, never mixed.
    """
    live = current_build(settings.embeddings_dir)
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
    if passage_terms and terms_made(manifest) != passage_terms:
        return (
            f"the passages' latent terms were made {terms_made(manifest)}, "
            f"this embedder makes them {passage_terms}"
        )
    return None


def terms_made(manifest: idx.Manifest) -> str:
    """How a build's latent terms were made; builds from before it was recorded made
    them "raw" (a second pass over the raw text)."""
    return manifest.passage_terms or "raw"


@dataclass
class Reuse:
    """What the live build offers the next reindex, so unchanged work is not redone.

    ``sources``: each source file's record (its bytes' hash, articles and dedupe
    signatures): an unchanged file is not parsed or shingled again. ``passages``: each
    article's passages by article id with the body and language they were cut from
    (reused only under the same pipeline version). The three vector caches are keyed by
    content (passage text hash, sentence text hash) and filled only when the live build
    was made by this embedder; the latent terms only when they were also made the same
    way (``passage_terms``). Reuse is an optimisation: anything unreadable means "do it
    again", never an error."""

    sources: dict[str, SourceRecord] = field(default_factory=dict)
    passages: dict[str, tuple[str, str, list[Passage]]] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    sentence_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    latent_terms: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of_live(
        cls, embeddings_dir: Path, want: EmbedderId | None, passage_terms: str | None = None
    ) -> Reuse:
        live = current_build(embeddings_dir)
        if live is None:
            return cls()
        try:
            return cls._read(live, want, passage_terms)
        except (idx.IndexError_, OSError, ValueError, KeyError, TypeError, json.JSONDecodeError):
            return cls()

    @classmethod
    def _read(cls, live: Path, want: EmbedderId | None, passage_terms: str | None) -> Reuse:
        manifest = idx.read_manifest(live)
        reuse = cls()
        if (live / idx.SOURCES).is_file():
            records = map(SourceRecord.from_dict, idx.read_jsonl(live / idx.SOURCES))
            reuse.sources = {r.path: r for r in records}
        articles = {a["id"]: a for a in idx.read_jsonl(live / "articles.jsonl")}
        passages = [Passage.from_dict(d) for d in idx.read_jsonl(live / "passages.jsonl")]
        if manifest.pipeline == PIPELINE_VERSION:
            for p in passages:
                a = articles[p.article_id]
                reuse.passages.setdefault(p.article_id, (a["body"], a["lang"], []))[2].append(p)
        if want is not None and EmbedderId.from_dict(manifest.embedder) == want:
            # By content, whatever the build's format or pipeline: a build of an older
            # format still spares the first reindex after an upgrade its encoding.
            reuse.vectors = _by_key(live / "vectors.npy", [p.content_hash for p in passages])
            keys = [sentence_key(t) for t in sentence_texts(passages)]
            reuse.sentence_vectors = _by_key(live / idx.SENTENCE_VECTORS, keys)
            if passage_terms is not None and terms_made(manifest) == passage_terms:
                hashes = [p.content_hash for p in passages]
                reuse.latent_terms = _by_key(live / idx.LATENT_TERMS, hashes)
        return reuse


def _by_key(path: Path, keys: list[str]) -> dict[str, np.ndarray]:
    """Row i of the array in ``path`` under ``keys[i]``; empty when the file is missing,
    unreadable or of another length."""
    try:
        rows = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return {}
    return {key: rows[i] for i, key in enumerate(keys)} if len(rows) == len(keys) else {}


def split_reusing(articles: list[Article], reuse: Reuse) -> tuple[list[Passage], int]:
    """Every article's passages, taken from the live build when the article's body and
    language are unchanged (pysbd is the slow part of a dry run); returns (passages,
    articles cut again)."""
    passages: list[Passage] = []
    cut = 0
    for article in articles:
        known = reuse.passages.get(article.id)
        if known is not None and known[:2] == (article.body, article.lang):
            passages.extend(known[2])
        else:
            passages.extend(split_article(article))
            cut += 1
    return passages, cut


@dataclass
class Encoded:
    vectors: np.ndarray
    sentence_vectors: np.ndarray
    latent_terms: np.ndarray | None
    embedded: int
    reused: int


def encode_build(
    embedder: Embedder,
    passages: list[Passage],
    reuse: Reuse,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Encoded:
    """Passage vectors, each distinct sentence's vector and (for a backend with them) the
    passages' latent terms, reusing the live build's by content; all of it as one queue
    of batches (embed_batches.py). A passage's vector and latent terms are one piece of
    work (``encode_passages_both``: one encoder pass with the one-pass library), reused
    only together. ``on_total``: how many texts will be encoded."""
    texts = [p.text for p in passages]
    keys = [p.content_hash for p in passages]
    latent = bool(embedder.latent_dim and passages)
    if latent:
        dense = Work(
            lambda batch: _joined(embedder.encode_passages_both(batch)),
            (embedder.dim + 2 * LATENT_TERMS,),
            texts,
            keys,
            _JoinedCache(reuse.vectors, reuse.latent_terms),
        )
    else:
        dense = Work(embedder.encode_passages, (embedder.dim,), texts, keys, reuse.vectors)
    all_sentences = sentence_texts(passages)
    unique = list(dict.fromkeys(all_sentences))
    sentences = Work(
        embedder.encode_passages,
        (embedder.dim,),
        unique,
        [sentence_key(t) for t in unique],
        reuse.sentence_vectors,
    )
    works = [dense, sentences]
    if on_total:
        on_total(sum(len(w.todo) for w in works))
    encode_all(works, jobs, progress)
    row = {t: i for i, t in enumerate(unique)}
    sentence_vectors = sentences.rows[[row[t] for t in all_sentences]]
    vectors, terms = dense.rows, None
    if latent:
        vectors = np.ascontiguousarray(dense.rows[:, : embedder.dim])
        terms = np.ascontiguousarray(dense.rows[:, embedder.dim :]).reshape(-1, 2, LATENT_TERMS)
    return Encoded(vectors, sentence_vectors, terms, len(dense.todo), dense.reused)


def _joined(both: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """A passage's vector and latent terms as one row (one piece of work to queue)."""
    vectors, terms = both
    return np.concatenate([vectors, terms.reshape(len(terms), -1)], axis=1)


@dataclass(frozen=True)
class _JoinedCache:
    """The live build's vectors and latent terms by content hash, as ``_joined`` rows:
    a passage is reused only when both are known."""

    vectors: Mapping[str, np.ndarray]
    terms: Mapping[str, np.ndarray]

    def get(self, key: str) -> np.ndarray | None:
        vector, terms = self.vectors.get(key), self.terms.get(key)
        if vector is None or terms is None:
            return None
        return np.concatenate([vector, np.asarray(terms).reshape(-1)])


def reindex(
    settings: Settings,
    embedder: Embedder | None,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    report: CorpusReport | None = None,
    jobs: int = 1,
) -> BuildSummary:
    """Build a new index from ``settings.corpus_dir`` and make it live if all went well.

    Only what changed is redone: files, passages and vectors of the live build are
    reused by content (``Reuse``). ``jobs``: encoding threads (embed_batches.py);
    ``embedder`` may be None for a dry run."""
    started = time.perf_counter()
    want = EmbedderId.of(embedder) if embedder is not None else None
    terms = embedder.passage_terms if embedder is not None and embedder.latent_dim else None
    reuse = Reuse.of_live(settings.embeddings_dir, want, terms)
    report = report or read_corpus(settings.corpus_dir, reuse.sources)
    summary = BuildSummary.of(report, dry_run)
    passages, summary.resplit = split_reusing(report.articles, reuse)
    summary.passages = len(passages)
    _check_sources(report, skip_invalid)
    if dry_run or embedder is None:
        summary.seconds = time.perf_counter() - started
        return summary
    encoded = encode_build(embedder, passages, reuse, jobs, progress, on_total)
    summary.embedded, summary.reused = encoded.embedded, encoded.reused
    manifest = _manifest(settings, embedder, report, len(passages), started)
    contents = idx.BuildContents(
        articles=report.articles,
        passages=passages,
        vectors=encoded.vectors,
        sentence_vectors=encoded.sentence_vectors,
        bm25=BM25Index(BM25Index.passage_texts(passages, {a.id: a for a in report.articles})),
        latent_terms=encoded.latent_terms,
        sources=[r.to_dict() for r in report.records],
    )
    _write_and_switch(settings, manifest, contents, want)
    summary.build_id, summary.index_type = manifest.build_id, manifest.index_type
    summary.switched = True
    summary.seconds = time.perf_counter() - started
    return summary


def _check_sources(report: CorpusReport, skip_invalid: bool) -> None:
    if report.errors and not skip_invalid:
        raise BuildError(
            "invalid sources (the live index was left in place; fix them, or pass "
            "--skip-invalid to build without them):\n" + "\n".join(f"  {e}" for e in report.errors),
            ExitCode.SOURCES_FAILED,
        )
    if not report.articles:
        raise BuildError("no articles found in the corpus", ExitCode.SOURCES_FAILED)


def _manifest(
    settings: Settings, embedder: Embedder, report: CorpusReport, passages: int, started: float
) -> idx.Manifest:
    chash = corpus_hash(settings.corpus_dir)
    return idx.Manifest(
        build_id=idx.new_build_id(chash),
        embedder=EmbedderId.of(embedder).to_dict(),
        corpus_hash=chash,
        articles=len(report.articles),
        passages=passages,
        index_type=choose_index_type(settings.index_type, passages),
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - started, 3),
        sources=report.sources,
        pipeline=PIPELINE_VERSION,
        passage_terms=embedder.passage_terms if embedder.latent_dim else "",
    )


def _write_and_switch(
    settings: Settings, manifest: idx.Manifest, contents: idx.BuildContents, want: EmbedderId
) -> None:
    """Write the build, load it back and check it, then make it live; on any failure the
    new build is removed and the live one left in place."""
    try:
        build_dir = idx.write_build(settings.embeddings_dir, manifest, contents)
    except OSError as exc:
        raise BuildError(f"the new build failed ({exc}); the live index was left in place") from exc
    try:
        verify_build(idx.load_build(build_dir, want))
    except (OSError, idx.IndexError_, BuildError) as exc:
        # A written build that fails its check must not stay around as a rollback target.
        shutil.rmtree(build_dir, ignore_errors=True)
        if isinstance(exc, BuildError):
            raise
        raise BuildError(f"{exc}; the live index was left in place") from exc
    switch_current(settings.embeddings_dir, build_dir)
    prune_builds(settings.embeddings_dir, settings.keep_builds)
