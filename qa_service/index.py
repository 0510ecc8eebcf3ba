"""The on-disk index: one directory per build, and ``current`` pointing at the live one.

A build directory ``embeddings/<build-id>/`` holds:

- ``manifest.json``: readable facts about the build (format version, embedder name,
  version and dimension, corpus hash, counts, build time, FAISS index type);
- ``articles.jsonl`` and ``passages.jsonl``: the passage store, one record a line;
- ``vectors.npy``: the float32, L2-normalized passage vectors, row i = passage i (kept so
  that a rebuild reuses them and another index type can be built without re-embedding);
- ``index.faiss``: the FAISS index over those vectors (inner product = cosine).

Files are written under a temporary name, fsynced, and the directory renamed into place;
``current`` is a symlink replaced atomically with ``os.replace``. A reader therefore sees
either the old build or the new one, never half of one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .config import INDEX_TYPES
from .corpus import Article
from .embedder import EmbedderId
from .lexical import BM25Index
from .passages import Passage

FORMAT_VERSION = 1
CURRENT = "current"
FILES = ("manifest.json", "articles.jsonl", "passages.jsonl", "vectors.npy", "index.faiss")
# Optional: builds made before it existed still load (search then embeds sentences once).
SENTENCE_VECTORS = "sentence_vectors.npy"
# Optional too: each passage's latent terms (embedder.latent_array), for backends with them.
LATENT_TERMS = "latent_terms.npy"
# Optional: the BM25 index (lexical.BM25Index.save); older builds get one built at load.
BM25_DIR = "bm25"

# Index type threshold for `auto`, by passage count (docs/benchmarks.md has the figures).
# Up to FLAT_MAX exact search takes under ~3 ms on one core. Beyond, IVF: at 100k it built
# in 2 s with recall@10 0.998 at 1.7 ms, where HNSW took 140 s for 0.97 at 0.6 ms (both far
# below the ~10-50 ms of embedding the question), and at 1M IVF builds in 40 s where HNSW
# would take tens of minutes on two cores. HNSW stays available by override.
FLAT_MAX = 20_000

# Build and search parameters, chosen from the measurements in docs/benchmarks.md.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64  # recall@10 0.97 at 100k, but only 0.85 at 1M ...
HNSW_EF_SEARCH_LARGE = 256  # ... where 256 gives 0.977 at 4.1 ms (docs/benchmarks.md)
HNSW_LARGE = 200_000  # from here on the larger default (unmeasured between 100k and 1M)
IVF_TRAIN_PER_LIST = 40  # k-means training points per list (FAISS warns below 39)
IVF_LISTS_PER_SQRT_N = 1  # sqrt(n) lists; 4 sqrt(n) built 6x slower at 1M, no better
IVF_NPROBE = 32
PQ_SUBQUANTIZERS = 48  # 384 dims -> 48 bytes per vector


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

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> Manifest:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def MMAP_FLAGS(faiss) -> int:  # noqa: N802 - reads like the constant it stands for
    """Memory-map the index file read-only instead of copying it into each process.

    ``IO_FLAG_MMAP_IFC`` maps the stored vectors of flat and HNSW indexes and the inverted
    lists of IVF ones (combining it with ``IO_FLAG_MMAP`` fails on IVF in FAISS 1.15). The
    pages come from the page cache, so gunicorn workers share one copy (see the PSS
    figures in docs/benchmarks.md). Builds are never modified in place, so a mapping
    cannot see a half-written file.
    """
    return faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY


def set_search_threads(threads: int) -> None:
    """FAISS's OpenMP threads for this process (0 leaves FAISS's default, every core).

    Process-wide by nature (an OpenMP setting). One search on two threads is several
    times *slower* than on one when gunicorn workers already keep the cores busy: the
    threads spin-wait for each other (docs/benchmarks.md).
    """
    if threads > 0:
        import faiss

        faiss.omp_set_num_threads(threads)


def choose_index_type(requested: str, count: int) -> str:
    """`auto` picks exact search while it is fast enough, then inverted lists.

    An explicit type (setting ``index_type`` or ``reindex --index-type``) always wins.
    """
    if requested != "auto":
        if requested not in INDEX_TYPES:
            raise ValueError(
                f"unknown index type {requested!r}: use {', '.join(INDEX_TYPES)} or auto"
            )
        return requested
    return "flat" if count <= FLAT_MAX else "ivf"


def ivf_lists(count: int) -> int:
    """About sqrt(n) lists, at least one, and never more than the data can train.

    In theory ~sqrt(nprobe * n) lists scan the fewest vectors; measured at 1M (see
    docs/benchmarks.md), 4,000 lists took 264 s to build against 40 s for 1,000 and gave
    clear gain in recall for the time, since k-means cost grows with the list count."""
    lists = int(IVF_LISTS_PER_SQRT_N * np.sqrt(max(count, 1)))
    return max(1, min(lists, count // IVF_TRAIN_PER_LIST or 1))


def training_sample(vectors: np.ndarray, lists: int, seed: int = 0) -> np.ndarray:
    """A bounded random sample for k-means: training on all of 1M vectors costs minutes."""
    n = vectors.shape[0]
    size = min(n, max(lists * IVF_TRAIN_PER_LIST, 1))
    if size == n:
        return np.ascontiguousarray(vectors, dtype=np.float32)
    rows = np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))
    return np.ascontiguousarray(vectors[rows], dtype=np.float32)


def make_faiss_index(vectors: np.ndarray, kind: str):
    """A FAISS inner-product index of the given kind over normalized vectors.

    ``ivf`` and ``ivfpq`` train their coarse quantizer (and codebooks) on a sample of
    ``IVF_TRAIN_PER_LIST`` points per list, so build time stays bounded at 1M passages.
    ``ivfpq`` needs about 10k vectors to train its codebooks; below that it stores exact
    vectors (an IVF-flat index), which is also the better choice at that size.
    """
    import faiss

    n, dim = vectors.shape
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = default_ef_search(n)
    elif kind in ("ivf", "ivfpq"):
        nlist = ivf_lists(n)
        quantizer = faiss.IndexFlatIP(dim)
        if kind == "ivf" or dim % PQ_SUBQUANTIZERS or n < 256 * IVF_TRAIN_PER_LIST:
            index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        else:
            index = faiss.IndexIVFPQ(
                quantizer, dim, nlist, PQ_SUBQUANTIZERS, 8, faiss.METRIC_INNER_PRODUCT
            )
        index.train(training_sample(vectors, max(nlist, 256)))
        index.nprobe = min(nlist, IVF_NPROBE)
    else:
        raise ValueError(f"unknown index type {kind!r}")
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def default_ef_search(passages: int) -> int:
    return HNSW_EF_SEARCH_LARGE if passages >= HNSW_LARGE else HNSW_EF_SEARCH


def tune_search(index, ef_search: int = 0, nprobe: int = 0) -> None:
    """Set an approximate index's search-time knob: HNSW's efSearch, IVF's nprobe (0: the
    default for its size). A flat index has none. Recall against latency: the sweeps in
    docs/benchmarks.md show what each value buys."""
    hnsw = getattr(index, "hnsw", None)
    if hnsw is not None:
        hnsw.efSearch = ef_search or default_ef_search(index.ntotal)
    elif hasattr(index, "nprobe") and hasattr(index, "nlist"):
        index.nprobe = min(index.nlist, nprobe or IVF_NPROBE)


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_build_id(corpus_hash: str) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{corpus_hash[:8]}"


def write_build(
    embeddings_dir: Path,
    manifest: Manifest,
    articles: Iterable[Article],
    passages: list[Passage],
    vectors: np.ndarray,
    sentence_vectors: np.ndarray | None = None,
    latent_terms: np.ndarray | None = None,
    bm25: BM25Index | None = None,
) -> Path:
    """Write a complete build directory; returns its final path. Never touches ``current``.

    ``sentence_vectors`` (optional, row j = sentence j of the passages in order) goes to
    ``sentence_vectors.npy``: search highlights and scores sentences without embedding
    them per request. ``latent_terms`` (optional, row i = passage i) to
    ``latent_terms.npy``, for the same reason; ``bm25`` to ``bm25/``, so workers load
    BM25 instead of tokenizing the corpus at every start."""
    import faiss

    embeddings_dir.mkdir(parents=True, exist_ok=True)
    final = embeddings_dir / manifest.build_id
    tmp = embeddings_dir / f".tmp-{manifest.build_id}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        lines = "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in articles)
        _fsync_write(tmp / "articles.jsonl", lines.encode("utf-8"))
        lines = "".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in passages)
        _fsync_write(tmp / "passages.jsonl", lines.encode("utf-8"))
        with open(tmp / "vectors.npy", "wb") as fh:
            np.save(fh, np.ascontiguousarray(vectors, dtype=np.float32))
            fh.flush()
            os.fsync(fh.fileno())
        for name, extra in ((SENTENCE_VECTORS, sentence_vectors), (LATENT_TERMS, latent_terms)):
            if extra is not None:
                with open(tmp / name, "wb") as fh:
                    np.save(fh, np.ascontiguousarray(extra, dtype=np.float32))
                    fh.flush()
                    os.fsync(fh.fileno())
        if bm25 is not None:
            bm25.save(tmp / BM25_DIR)
        index = make_faiss_index(vectors, manifest.index_type)
        faiss.write_index(index, str(tmp / "index.faiss"))
        with open(tmp / "index.faiss", "rb+") as fh:
            os.fsync(fh.fileno())
        # The manifest goes last: a directory without one is never a build.
        _fsync_write(tmp / "manifest.json", manifest.to_json().encode("utf-8"))
        _fsync_dir(tmp)
        os.replace(tmp, final)
        _fsync_dir(embeddings_dir)
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
    """A build in memory: manifest, passage store, vectors and FAISS index."""

    path: Path
    manifest: Manifest
    articles: dict[str, Article]
    passages: list[Passage]
    vectors: np.ndarray
    faiss_index: object
    # Row j = sentence j of the passages in order (search.sentence_texts); None for builds
    # made before sentence vectors were stored (the searcher then embeds them at load).
    sentence_vectors: np.ndarray | None = None
    # Row i = passage i's latent terms, shape (passages, 2, k); None for builds made before
    # they were stored or with a backend without them.
    latent_terms: np.ndarray | None = None
    # The stored BM25 index; None for builds made before it was stored.
    bm25: BM25Index | None = None

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
    import faiss

    build_dir = Path(build_dir)
    if not build_dir.exists():
        raise IndexMissing(f"{build_dir}: no index build here; run `referendum-qa reindex`")
    manifest = read_manifest(build_dir)
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatch(
            f"{build_dir}/manifest.json: format version {manifest.format_version}, this "
            f"service reads {FORMAT_VERSION}; run `referendum-qa reindex`"
        )
    check_embedder(manifest, want, build_dir)
    dim = want.dim
    for name in FILES:
        if not (build_dir / name).is_file():
            raise IndexCorrupt(f"{build_dir / name}: missing")
    try:
        articles = {
            a.id: a for a in map(Article.from_dict, _read_jsonl(build_dir / "articles.jsonl"))
        }
        passages = [Passage.from_dict(d) for d in _read_jsonl(build_dir / "passages.jsonl")]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise IndexCorrupt(f"{build_dir}: passage store unreadable ({exc})") from None
    try:
        vectors = np.load(build_dir / "vectors.npy", mmap_mode="r")
    except (ValueError, OSError) as exc:
        raise IndexCorrupt(f"{build_dir / 'vectors.npy'}: unreadable ({exc})") from None
    try:
        index = faiss.read_index(str(build_dir / "index.faiss"), MMAP_FLAGS(faiss))
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "read failed"
        raise IndexCorrupt(f"{build_dir / 'index.faiss'}: unreadable ({first})") from None
    counts = (len(articles), len(passages), vectors.shape[0], index.ntotal)
    expected = (manifest.articles, manifest.passages, manifest.passages, manifest.passages)
    if counts != expected or vectors.shape[1:] != (dim,) or index.d != dim:
        raise IndexCorrupt(
            f"{build_dir}: counts or dimension disagree with manifest.json "
            f"(articles, passages, vectors, index = {counts}, manifest says {expected})"
        )
    missing = {p.article_id for p in passages} - set(articles)
    if missing:
        raise IndexCorrupt(f"{build_dir}/passages.jsonl: passages of unknown article(s) {missing}")
    sentence_vectors = _load_sentence_vectors(build_dir, passages, dim)
    latent_terms = _load_latent_terms(build_dir, len(passages))
    bm25 = _load_bm25(build_dir / BM25_DIR, len(passages))
    return LoadedIndex(
        build_dir,
        manifest,
        articles,
        passages,
        vectors,
        index,
        sentence_vectors,
        latent_terms,
        bm25,
    )


def _load_bm25(folder: Path, passages: int) -> BM25Index | None:
    """The stored BM25 index, memory-mapped; None when the build predates it, an
    ``IndexCorrupt`` naming the folder when it is there but unreadable or of another size."""
    if not folder.is_dir():
        return None
    try:
        bm25 = BM25Index.load(folder)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorrupt(f"{folder}: unreadable BM25 index ({exc})") from None
    if bm25.size != passages:
        raise IndexCorrupt(f"{folder}: BM25 over {bm25.size} passages, the build has {passages}")
    return bm25


def _load_sentence_vectors(build_dir: Path, passages: list[Passage], dim: int):
    rows = sum(len(p.sentences) for p in passages)
    return _load_optional(
        build_dir / SENTENCE_VECTORS, lambda shape: shape == (rows, dim), f"({rows}, {dim})"
    )


def _load_latent_terms(build_dir: Path, passages: int):
    return _load_optional(
        build_dir / LATENT_TERMS,
        lambda shape: len(shape) == 3 and shape[:2] == (passages, 2),
        f"({passages}, 2, k)",
    )


def _load_optional(path: Path, fits: Callable[[tuple], bool], expected: str):
    """An optional array of a build, memory-mapped: None when the build predates it, an
    ``IndexCorrupt`` naming the file when it is there but unreadable or misshapen."""
    if not path.is_file():
        return None
    try:
        array = np.load(path, mmap_mode="r")
    except (ValueError, OSError) as exc:
        raise IndexCorrupt(f"{path}: unreadable ({exc})") from None
    if not fits(array.shape):
        raise IndexCorrupt(f"{path}: shape {array.shape}, expected {expected}")
    return array


def _live_store(
    embeddings_dir: Path, want: EmbedderId, vectors_file: str
) -> tuple[list[Passage], np.ndarray] | None:
    """The live build's passages and one of its vector files, if this embedder made them.

    Reuse is an optimisation: anything unreadable means "embed again", never an error.
    """
    live = current_build(embeddings_dir)
    if live is None or not (live / vectors_file).is_file():
        return None
    try:
        manifest = read_manifest(live)
        if EmbedderId.from_dict(manifest.embedder) != want:
            return None
        passages = [Passage.from_dict(d) for d in _read_jsonl(live / "passages.jsonl")]
        vectors = np.load(live / vectors_file)
    except (IndexError_, OSError, ValueError, KeyError, json.JSONDecodeError):
        return None
    return passages, vectors


def reusable_sentence_vectors(embeddings_dir: Path, want: EmbedderId) -> dict[str, np.ndarray]:
    """Sentence vectors of the live build keyed by sentence text hash, if this embedder's."""
    from .passages import sentence_key, sentence_texts

    store = _live_store(embeddings_dir, want, SENTENCE_VECTORS)
    if store is None:
        return {}
    texts = sentence_texts(store[0])
    vectors = store[1]
    if len(texts) != len(vectors):
        return {}
    return {sentence_key(t): vectors[i] for i, t in enumerate(texts)}


def reusable_latent_terms(embeddings_dir: Path, want: EmbedderId) -> dict[str, np.ndarray]:
    """Latent terms of the live build keyed by passage content hash, if this embedder's."""
    store = _live_store(embeddings_dir, want, LATENT_TERMS)
    if store is None or len(store[0]) != len(store[1]) or store[1].ndim != 3:
        return {}
    return {p.content_hash: store[1][i] for i, p in enumerate(store[0])}


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def current_build(embeddings_dir: Path) -> Path | None:
    """The live build's directory, or None when there is none yet."""
    link = Path(embeddings_dir) / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def switch_current(embeddings_dir: Path, build_dir: Path) -> None:
    """Point ``current`` at ``build_dir`` atomically (a symlink renamed over the old one)."""
    embeddings_dir = Path(embeddings_dir)
    tmp = embeddings_dir / f".current-{os.getpid()}-{time.monotonic_ns()}"
    os.symlink(build_dir.name, tmp)
    os.replace(tmp, embeddings_dir / CURRENT)
    _fsync_dir(embeddings_dir)


def list_builds(embeddings_dir: Path) -> list[tuple[Path, Manifest]]:
    """Finished builds (those with a readable manifest), oldest first."""
    builds = []
    root = Path(embeddings_dir)
    if not root.is_dir():
        return builds
    for path in root.iterdir():
        if path.name.startswith(".") or path.name == CURRENT or not path.is_dir():
            continue
        if path.is_symlink():
            continue
        try:
            builds.append((path, read_manifest(path)))
        except IndexError_:
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


def reusable_vectors(embeddings_dir: Path, want: EmbedderId) -> dict[str, np.ndarray]:
    """Vectors of the live build keyed by passage content hash, if made by this embedder."""
    store = _live_store(embeddings_dir, want, "vectors.npy")
    if store is None:
        return {}
    passages, vectors = store
    if len(passages) != len(vectors):
        return {}
    return {p.content_hash: vectors[i] for i, p in enumerate(passages)}
