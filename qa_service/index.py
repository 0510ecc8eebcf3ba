"""The on-disk index: one directory per build, and ``current`` pointing at the live one.

A build directory ``embeddings/<build-id>/`` holds:

- ``manifest.json``: readable facts about the build (format version, embedder name,
  version and dimension, corpus hash, counts, build time, FAISS index type);
- ``articles.jsonl`` and ``passages.jsonl``: the passage store, one record a line;
- ``vectors.npy``: the float32, L2-normalized passage vectors, row i = passage i (kept so
  that a rebuild reuses them and another index type can be built without re-embedding);
- ``index.faiss``: the FAISS index over those vectors (inner product = cosine;
  faiss_index.py chooses and makes it);
- ``sentence_vectors.npy``: one vector per sentence of the passages in order (search
  scores and highlights sentences without embedding them per request);
- ``bm25/``: the BM25 index (lexical.BM25Index.save), so workers load it instead of
  tokenizing the corpus at every start;
- ``latent_terms.npy`` (only for an embedder with latent terms): each passage's terms;
- ``sources.jsonl``: every source file's hash and the articles read from it, duplicates
  included, with their dedupe signatures: what the next reindex reuses instead of
  reading, parsing and shingling an unchanged file again. Serving never reads it.

Format 2 made sentence vectors and BM25 required: a format-1 build is refused with a
message to reindex, rather than served after minutes of embedding or tokenizing at load.

Files are written under a temporary name, fsynced, and the directory renamed into place;
``current`` is a symlink replaced atomically with ``os.replace``. A reader therefore sees
either the old build or the new one, never half of one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .article import Article
from .embedder import EmbedderId
from .faiss_index import MMAP_FLAGS, make_faiss_index
from .lexical import BM25Index
from .passages import Passage

# 2: sentence vectors and BM25 required, sources.jsonl added.
FORMAT_VERSION = 2
CURRENT = "current"
SENTENCE_VECTORS = "sentence_vectors.npy"
FILES = (
    "manifest.json",
    "articles.jsonl",
    "passages.jsonl",
    "vectors.npy",
    "index.faiss",
    SENTENCE_VECTORS,
)
BM25_DIR = "bm25"
# Optional: each passage's latent terms (embedder.latent_array), for backends with them.
LATENT_TERMS = "latent_terms.npy"
# The next reindex's input cache (see the module docstring); optional.
SOURCES = "sources.jsonl"


class IndexError_(RuntimeError):  # noqa: N801 - avoids shadowing the builtin IndexError
    """An index cannot be used; the message names the file or the mismatch."""


class IndexMissing(IndexError_):
    pass


class IndexMismatch(IndexError_):
    pass


class IndexCorrupt(IndexError_):
    pass


@dataclass(frozen=True)
class Manifest:
    build_id: str
    embedder: dict  # name, version, dim
    corpus_hash: str
    articles: int
    passages: int
    index_type: str
    built_at: str
    build_seconds: float = 0.0
    sources: list[str] = field(default_factory=list)
    format_version: int = FORMAT_VERSION
    pipeline: str = ""  # build.PIPELINE_VERSION: passages are reused only under the same
    # How the passages' latent terms were made (Embedder.passage_terms; "" for builds
    # before it was recorded, whose terms were made "raw", or without latent terms).
    passage_terms: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> Manifest:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_build_id(corpus_hash: str) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{corpus_hash[:8]}"


@dataclass(frozen=True)
class BuildContents:
    """Everything a build folder holds besides its manifest, in passage row order."""

    articles: list[Article]
    passages: list[Passage]
    vectors: np.ndarray
    sentence_vectors: np.ndarray  # row j = sentence j of the passages in order
    bm25: BM25Index
    latent_terms: np.ndarray | None = None  # row i = passage i's terms
    sources: list[dict] = field(default_factory=list)  # lines of sources.jsonl


def _save_array(path: Path, array: np.ndarray) -> None:
    """``np.save``'s format, written through Python's file object in slices: numpy's own
    writer reports a full disk as "requested and written" without ENOSPC."""
    array = np.ascontiguousarray(array, dtype=np.float32)
    fmt = np.lib.format
    with open(path, "wb") as fh:
        fmt.write_array_header_1_0(fh, fmt.header_data_from_array_1_0(array))
        flat = array.reshape(-1)
        for start in range(0, len(flat), 1 << 20):
            fh.write(flat[start : start + (1 << 20)].tobytes())
        fh.flush()
        os.fsync(fh.fileno())


def _jsonl(records: Iterable[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def _write_files(folder: Path, manifest: Manifest, contents: BuildContents) -> None:
    import faiss

    _fsync_write(folder / "articles.jsonl", _jsonl(a.to_dict() for a in contents.articles))
    _fsync_write(folder / "passages.jsonl", _jsonl(p.to_dict() for p in contents.passages))
    _fsync_write(folder / SOURCES, _jsonl(contents.sources))
    _save_array(folder / "vectors.npy", contents.vectors)
    _save_array(folder / SENTENCE_VECTORS, contents.sentence_vectors)
    if contents.latent_terms is not None:
        _save_array(folder / LATENT_TERMS, contents.latent_terms)
    contents.bm25.save(folder / BM25_DIR)
    index = make_faiss_index(contents.vectors, manifest.index_type)
    faiss.write_index(index, str(folder / "index.faiss"))
    with open(folder / "index.faiss", "rb+") as fh:
        os.fsync(fh.fileno())
    # The manifest goes last: a directory without one is never a build.
    _fsync_write(folder / "manifest.json", manifest.to_json().encode("utf-8"))
    fsync_dir(folder)


def write_build(embeddings_dir: Path, manifest: Manifest, contents: BuildContents) -> Path:
    """Write a complete build directory; returns its final path. Never touches ``current``.

    Written under a temporary name and renamed into place, so a half-written build is
    never seen; on failure nothing is left behind and the error names the file."""
    embeddings_dir.mkdir(parents=True, exist_ok=True)
    final = embeddings_dir / manifest.build_id
    tmp = embeddings_dir / f".tmp-{manifest.build_id}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        _write_files(tmp, manifest, contents)
        os.replace(tmp, final)
        fsync_dir(embeddings_dir)
    except OSError as exc:
        # A full disk says "No space left on device" without a file: name the one we wrote.
        where = exc.filename or _newest_file(tmp) or tmp
        shutil.rmtree(tmp, ignore_errors=True)
        raise OSError(exc.errno, f"{exc.strerror or exc} while writing {where}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def _newest_file(folder: Path) -> Path | None:
    """The file written last in ``folder`` (the one a failed write was busy with)."""
    try:
        files = [p for p in folder.iterdir() if p.is_file()]
    except OSError:
        return None
    return max(files, key=lambda p: p.stat().st_mtime_ns, default=None)


@dataclass
class LoadedIndex:
    """A build in memory: manifest, passage store, vectors and the indexes over them."""

    path: Path
    manifest: Manifest
    articles: dict[str, Article]
    passages: list[Passage]
    vectors: np.ndarray
    faiss_index: object
    # Row j = sentence j of the passages in order (passages.sentence_texts).
    sentence_vectors: np.ndarray
    bm25: BM25Index
    # Row i = passage i's latent terms, shape (passages, 2, k); None with a backend
    # without them (MiniLM) or when built with QA_LATENT_TERMS=false.
    latent_terms: np.ndarray | None = None

    def __post_init__(self) -> None:
        # Article id -> its passages' rows, in order: the article endpoints read it per
        # request instead of scanning every passage.
        self.rows_by_article: dict[str, list[int]] = {}
        for row, p in enumerate(self.passages):
            self.rows_by_article.setdefault(p.article_id, []).append(row)

    @property
    def version(self) -> str:
        return self.manifest.build_id

    def passages_of(self, article_id: str) -> list[Passage]:
        return [self.passages[r] for r in self.rows_by_article.get(article_id, ())]

    def search(self, query_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, passage row numbers) for each query row; -1 pads short results."""
        k = max(1, min(k, len(self.passages)))
        scores, ids = self.faiss_index.search(np.ascontiguousarray(query_vectors), k)
        return scores, ids


def verify_build(loaded: LoadedIndex, samples: int = 20) -> None:
    """The build loaded back from disk must find its own passages: a cheap end-to-end
    check, run before a build goes live (reindex) or back to live (rollback)."""
    n = len(loaded.passages)
    if n == 0:
        raise IndexCorrupt("the build has no passages")
    rows = np.unique(np.linspace(0, n - 1, num=min(samples, n)).astype(int))
    queries = np.asarray(loaded.vectors[rows], dtype=np.float32)
    _, ids = loaded.search(queries, min(10, n))
    found = np.mean([row in ids[i] for i, row in enumerate(rows)])
    needed = 1.0 if loaded.manifest.index_type == "flat" else 0.9
    if found < needed:
        raise IndexCorrupt(
            f"verification failed: the index found {found:.0%} of sampled passages "
            f"(needs {needed:.0%})"
        )


def read_manifest(build_dir: Path) -> Manifest:
    path = build_dir / "manifest.json"
    try:
        return Manifest.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise IndexMissing(f"{path}: no manifest (not a finished build)") from None
    except (json.JSONDecodeError, TypeError, KeyError) as exc:
        raise IndexCorrupt(f"{path}: unreadable manifest ({exc})") from None


def check_embedder(manifest: Manifest, want: EmbedderId, where: Path) -> None:
    """Refuse vectors made by another model: their scores would be meaningless."""
    built = EmbedderId.from_dict(manifest.embedder)
    if built != want:
        raise IndexMismatch(
            f"{where}: index was built with embedder {built}, but the service is configured "
            f"for {want}. Run `referendum-qa reindex` for this embedder, or set "
            f"QA_EMBEDDER={built.name}."
        )


def load_build(build_dir: Path, want: EmbedderId) -> LoadedIndex:
    """Load and check one build; raises an ``IndexError_`` naming the bad file."""
    build_dir = Path(build_dir)
    manifest = _checked_manifest(build_dir, want)
    articles, passages = _read_store(build_dir)
    vectors = _load_array(build_dir / "vectors.npy", lambda shape: shape[1:] == (want.dim,))
    index = _read_faiss(build_dir / "index.faiss")
    counts = (len(articles), len(passages), vectors.shape[0], index.ntotal)
    expected = (manifest.articles, manifest.passages, manifest.passages, manifest.passages)
    if counts != expected or index.d != want.dim:
        raise IndexCorrupt(
            f"{build_dir}: counts or dimension disagree with manifest.json "
            f"(articles, passages, vectors, index = {counts}, manifest says {expected})"
        )
    missing = {p.article_id for p in passages} - set(articles)
    if missing:
        raise IndexCorrupt(f"{build_dir}/passages.jsonl: passages of unknown article(s) {missing}")
    rows = sum(len(p.sentences) for p in passages)
    sentence_vectors = _load_array(
        build_dir / SENTENCE_VECTORS, lambda shape: shape == (rows, want.dim)
    )
    latent_terms = None
    if (build_dir / LATENT_TERMS).is_file():
        latent_terms = _load_array(
            build_dir / LATENT_TERMS,
            lambda shape: len(shape) == 3 and shape[:2] == (len(passages), 2),
        )
    bm25 = _load_bm25(build_dir / BM25_DIR, len(passages))
    return LoadedIndex(
        build_dir,
        manifest,
        articles,
        passages,
        vectors,
        index,
        sentence_vectors,
        bm25,
        latent_terms,
    )


def _checked_manifest(build_dir: Path, want: EmbedderId) -> Manifest:
    """The manifest of a complete build of this format, made by this embedder."""
    if not build_dir.exists():
        raise IndexMissing(f"{build_dir}: no index build here; run `referendum-qa reindex`")
    manifest = read_manifest(build_dir)
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatch(
            f"{build_dir}/manifest.json: format version {manifest.format_version}, this "
            f"service reads {FORMAT_VERSION}; run `referendum-qa reindex`"
        )
    check_embedder(manifest, want, build_dir)
    for name in FILES:
        if not (build_dir / name).is_file():
            raise IndexCorrupt(f"{build_dir / name}: missing")
    if not (build_dir / BM25_DIR).is_dir():
        raise IndexCorrupt(f"{build_dir / BM25_DIR}: missing")
    return manifest


def _read_store(build_dir: Path) -> tuple[dict[str, Article], list[Passage]]:
    try:
        articles = {
            a.id: a for a in map(Article.from_dict, read_jsonl(build_dir / "articles.jsonl"))
        }
        passages = [Passage.from_dict(d) for d in read_jsonl(build_dir / "passages.jsonl")]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise IndexCorrupt(f"{build_dir}: passage store unreadable ({exc})") from None
    return articles, passages


def _read_faiss(path: Path):
    import faiss

    try:
        return faiss.read_index(str(path), MMAP_FLAGS(faiss))
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "read failed"
        raise IndexCorrupt(f"{path}: unreadable ({first})") from None


def _load_bm25(folder: Path, passages: int) -> BM25Index:
    """The stored BM25 index, memory-mapped; an ``IndexCorrupt`` naming the folder when
    it is unreadable or of another size."""
    try:
        bm25 = BM25Index.load(folder)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorrupt(f"{folder}: unreadable BM25 index ({exc})") from None
    if bm25.size != passages:
        raise IndexCorrupt(f"{folder}: BM25 over {bm25.size} passages, the build has {passages}")
    return bm25


def _load_array(path: Path, fits: Callable[[tuple], bool]) -> np.ndarray:
    """An array of a build, memory-mapped (workers share the page cache); an
    ``IndexCorrupt`` naming the file when it is unreadable or misshapen."""
    try:
        array = np.load(path, mmap_mode="r")
    except (ValueError, OSError) as exc:
        raise IndexCorrupt(f"{path}: unreadable ({exc})") from None
    if not fits(array.shape):
        raise IndexCorrupt(f"{path}: shape {array.shape} does not fit the build")
    return array


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
