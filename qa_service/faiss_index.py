"""FAISS index types: which one a build gets, how it is built, tuned and memory-mapped.

All of them are inner-product indexes over L2-normalized vectors, so a score is a
cosine. ``auto`` chooses by passage count; docs/benchmarks.md has the measurements
behind every constant here.
"""

from __future__ import annotations

import numpy as np

from .config import INDEX_TYPES

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
