"""What the glossary costs beside one encoder pass of the question's own text (issue 18, 6).

Three ways to let the glossary's English terms reach the dense and latent retrievers:
``text`` (appended to the question, one longer encoder pass), ``mix`` (each term's
encodings computed once and mixed in: retrieval/glossary_vectors.py) and ``none``. For each
question of a set, in the same run and interleaved (so machine load hits all alike), the
encoder pass of the bare question, of the question with its terms, and the mixing are
timed; the report gives the medians and each as a share of the bare pass.

``python -m qa_service.lab.costs docs/quality/bank.jsonl`` (record ``uptime`` beside it).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from ..embedder import load_embedder
from ..glossary import Glossary
from ..lexical import words
from ..retrieval.encode import QueryEncoder
from ..retrieval.glossary_vectors import GlossaryVectors
from .evaluate import load_questions


def measure(questions: list[str], rounds: int = 3) -> dict:
    """Median milliseconds per question: bare pass, pass with the terms appended, and the
    mix of precomputed term encodings (after they are cached), over questions naming terms."""
    embedder = load_embedder("e5-small", 2)
    encoder = QueryEncoder(embedder, latent=True)
    glossary = Glossary.load()
    vectors = GlossaryVectors(encoder, [e.english for e in glossary.entries])
    bare, text, mix = [], [], []
    named = 0
    for _ in range(rounds):
        for q in questions:
            ids = glossary.matched(words(q))
            if not ids:
                continue
            named += 1
            terms = " ".join(
                dict.fromkeys(w for i in ids for w in glossary.entries[i].english.split())
            )
            vectors.mix(*encoder.encode(q), ids, 0.5)  # warm the term cache
            t0 = time.perf_counter()
            vector, latent = encoder.encode(q)
            t1 = time.perf_counter()
            encoder.encode(f"{q} ({terms})")
            t2 = time.perf_counter()
            vectors.mix(vector, latent, ids, 0.5)
            t3 = time.perf_counter()
            bare.append(t1 - t0)
            text.append(t2 - t1)
            mix.append(t3 - t2)
    b = statistics.median(bare) * 1000
    t = statistics.median(text) * 1000
    m = statistics.median(mix) * 1000
    return {
        "questions_with_terms": named // rounds,
        "rounds": rounds,
        "bare_pass_ms": round(b, 3),
        "text_pass_ms": round(t, 3),
        "text_extra_share": round((t - b) / b, 3),
        "mix_ms": round(m, 3),
        "mix_share": round(m / b, 4),
    }


def main(argv: list[str]) -> None:
    """``[--limit N] [--rounds R] SET...``: the first N questions of the sets (all by
    default), R interleaved rounds."""
    limit = rounds = None
    paths = []
    args = iter(argv)
    for arg in args:
        if arg == "--limit":
            limit = int(next(args))
        elif arg == "--rounds":
            rounds = int(next(args))
        else:
            paths.append(arg)
    questions = [q.question for path in paths for q in load_questions(Path(path))][:limit]
    print(json.dumps(measure(questions, rounds or 3), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:] or ["docs/quality/bank.jsonl"])
