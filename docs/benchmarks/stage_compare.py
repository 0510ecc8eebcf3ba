"""In-process latency of Searcher.ask: the same questions, uncached then cached encoder.

A one-off for comparing checkouts side by side (issue 10's before/after): run it from the
repository root once per checkout, alternating, e.g.
``PYTHONPATH=/path/to/checkout .venv/bin/python docs/benchmarks/stage_compare.py 150``.
"""

import json
import statistics
import sys
import time
from pathlib import Path

try:
    from qa_service.lab.evaluate import load_questions, memory_index
except ImportError:
    from qa_service.evaluate import load_questions, memory_index
from qa_service.corpus import read_corpus
from qa_service.embedder import CachedEmbedder, load_embedder
from qa_service.passages import split_corpus
from qa_service.search import Searcher

rep = read_corpus(Path("corpus"))
passages = split_corpus(rep.articles)
emb = CachedEmbedder(load_embedder("e5-small", 1), 10000)
index = memory_index(rep.articles, passages, emb)
s = Searcher(index, emb)
qs = [q.question for q in load_questions(Path("docs/quality/bank.jsonl"))][: int(sys.argv[1])]
for q in qs[:10]:
    s.ask(q)
emb.clear()


def run():
    out = []
    for q in qs:
        t = time.perf_counter()
        s.ask(q)
        out.append((time.perf_counter() - t) * 1000)
    return out


unc = run()
cached = run()
print(json.dumps({"uncached_p50": statistics.median(unc), "cached_p50": statistics.median(cached)}))
