"""What the glossary costs beside one encoder pass of the question's own text (issue 18, 6).

Three ways to let the glossary's English terms reach the dense and latent retrievers:
``text`` (appended to the question, one longer encoder pass), ``mix`` (each term's
encodings computed once and mixed in: retrieval/glossary_vectors.py) and ``none``. For each
question of a set, in the same run and interleaved (so machine load hits all alike), the
encoder pass of the bare question, of the question with its terms, and the mixing are
timed; the report gives the medians and each as a share of the bare pass.

``python -m qa_service.lab.costs docs/quality/bank.jsonl`` (record ``uptime`` beside it).

``--stages CORPUS``: the served search on CORPUS (built in memory), every stage timed
(``Answer.timings``); per question, everything but the encoder pass as a share of that
pass (issue 18: at most 10%). The first round meets every sentence for the first time
(``cold``: a question about a part of the corpus nobody asked about yet); the later rounds
are the steady state of a serving process, whose per-sentence caches hold what questions
keep returning (``warm``). The encoder is never cached: each round encodes every question.
``no_pass``: the same stages once more with each question's encoding remembered, so no
encoder pass runs between two questions: what the stages cost when the pass has not just
emptied the CPU's caches (its share is against the warm rounds' pass). ``spin``: the same,
with a busy wait as long as the warm rounds' median pass in the pass's place, a loop that
touches next to no memory: what the stages cost after that much time has gone by on this
machine, whatever ran meanwhile (fifteenth session: on the shared 2-core VM, most of the
gap between ``no_pass`` and ``warm``; the caches decay while the pass runs, not only
through what it reads).

``--warm-with SET``: those questions asked twice before the rounds, so the first round
(``cold``) asks each measured question for the first time in a process that has answered
others: a new question on a serving process (its question-keyed caches empty, its
sentence caches holding what other questions returned), where the later rounds repeat
questions already asked.

``--against CHECKOUT`` (with ``--stages``): this checkout and another (a ``git worktree``
of an earlier commit, its ``qa_service/_build`` copied in) side by side, question by
question: two worker processes, each with its own searcher, asked in turn (A then B, B
then A for the next question), so a drift in the machine's state (other tenants on the
shared L3 cache: the same code's share moved by a third between two runs in the
thirteenth session) falls on both alike. Each side's stages run after the other side's
whole question, so all of them are cold: the pessimistic regime, which resolves a change
in the work the stages do (the median of the per-question ratio of the two shares, with a
bootstrap interval), not one in how much the pass sweeps out of the caches.
"""

from __future__ import annotations

import argparse
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


def stages(
    corpus: Path,
    questions: list[str],
    rounds: int = 3,
    threads: int = 1,
    warm_with: list[str] | None = None,
) -> dict:
    """Median milliseconds per stage and median share beyond the encoder pass, for the
    first round (``cold``) and the rounds after it (``warm``), then without a pass
    (``no_pass``) and with a busy wait in its place (``spin``). ``threads``: the encoder's;
    1 is what a served worker runs (gunicorn_conf.py), and then the share is also one of
    CPU time, the throughput's currency (with 2, the pass's wall time halves, not its
    CPU time). ``warm_with``: questions asked twice first (the module's docstring)."""
    from .. import faiss_index
    from ..search import served_params
    from .compositions import searcher
    from .evaluate import memory_index_for

    embedder = load_embedder("e5-small", threads)
    index = memory_index_for(corpus, embedder)
    faiss_index.set_search_threads(1)  # as a served worker (config.faiss_threads)
    search = searcher(index, embedder, served_params())
    runs: dict[str, list[dict[str, float]]] = {"cold": [], "warm": [], "no_pass": [], "spin": []}
    for _ in range(2 if warm_with else 0):
        for q in warm_with:
            search.ask(q)
    for round_ in range(max(rounds, 2)):
        for q in questions:
            runs["cold" if round_ == 0 else "warm"].append(search.ask(q).timings)
    # The same stages with no encoder pass between two questions (each question's
    # encoding kept from the rounds above): what they cost with the CPU's caches still
    # holding them. Beside ``warm``, the share of the stages' cost that is the caches
    # refilling after the pass (twelfth session: about half).
    encode, kept = search.encoder.encode, {}

    def remembered(*texts: str):
        if texts not in kept:
            kept[texts] = encode(*texts)
        return kept[texts]

    search.encoder.encode = remembered
    for q in questions:
        search.ask(q)
    for q in questions:
        runs["no_pass"].append(search.ask(q).timings)
    pass_ms = statistics.median(t["embed"] for t in runs["warm"])
    for q in questions:
        _busy(pass_ms / 1000)
        runs["spin"].append(search.ask(q).timings)
    search.encoder.encode = encode
    out = {
        "corpus": str(corpus),
        "questions": len(questions),
        "rounds": max(rounds, 2),
        "encoder_threads": threads,
        "warmed_with": len(warm_with or ()),
    }
    for name, timings in runs.items():
        stage_names = sorted({s for t in timings for s in t})
        # ``no_pass`` and ``spin`` have no pass of their own: their stages against the
        # warm rounds' pass.
        own_pass = name in ("cold", "warm")
        beyond = [
            (sum(t.values()) - t["embed"]) / (t["embed"] if own_pass else pass_ms)
            for t in timings
            if t["embed"] or not own_pass
        ]
        out[name] = {
            "stage_ms": {
                s: round(statistics.median(t.get(s, 0.0) for t in timings), 3) for s in stage_names
            },
            "beyond_ms": round(statistics.median(sum(t.values()) - t["embed"] for t in timings), 3),
            "beyond_share": round(statistics.median(beyond), 4),
            "beyond_share_p90": round(statistics.quantiles(beyond, n=10)[-1], 4),
        }
    return out


def _busy(seconds: float) -> None:
    """Wait ``seconds`` on the CPU, not asleep (a sleeping core may idle down): a loop
    over the clock, touching next to no memory."""
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        pass


# A worker of ``paired``: the searcher of the checkout it runs in (its cwd first on the
# path), answering one question per line of stdin with the stage timings as JSON. Only
# what every checkout since the eleventh session has (load_embedder, memory_index_for,
# searcher, served_params), so an earlier commit can be the other side.
_WORKER = """
import json, sys
from pathlib import Path
sys.path.insert(0, ".")
from qa_service import faiss_index
from qa_service.embedder import load_embedder
from qa_service.lab.compositions import searcher
from qa_service.lab.evaluate import memory_index_for
from qa_service.search import served_params
embedder = load_embedder("e5-small", 1)
index = memory_index_for(Path(sys.argv[1]), embedder)
faiss_index.set_search_threads(1)
search = searcher(index, embedder, served_params())
print("ready", flush=True)
for line in sys.stdin:
    print(json.dumps(search.ask(json.loads(line)).timings), flush=True)
"""


def paired(corpus: Path, questions: list[str], other: Path, rounds: int = 2, seed: int = 0) -> dict:
    """This checkout (``a``) and ``other`` (``b``) asked the same questions in turn (see
    the module's docstring); the first round warms both and is not counted."""
    import random
    import subprocess

    here = Path(__file__).resolve().parents[2]
    sides = {}
    for name, root in (("a", here), ("b", Path(other).resolve())):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(Path(corpus).resolve())],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        sides[name] = proc

    def ask(name: str, question: str) -> dict[str, float]:
        proc = sides[name]
        proc.stdin.write(json.dumps(question) + "\n")
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())

    shares: dict[str, list[float]] = {"a": [], "b": []}
    beyond: dict[str, list[float]] = {"a": [], "b": []}
    passes: dict[str, list[float]] = {"a": [], "b": []}
    try:
        for proc in sides.values():
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError("a worker did not start (see its error above)")
        for round_ in range(max(rounds, 2)):
            for i, q in enumerate(questions):
                order = ("a", "b") if i % 2 == 0 else ("b", "a")
                timed = {name: ask(name, q) for name in order}
                if round_ == 0 or not all(t.get("embed") for t in timed.values()):
                    continue
                for name, t in timed.items():
                    rest = sum(t.values()) - t["embed"]
                    shares[name].append(rest / t["embed"])
                    beyond[name].append(rest)
                    passes[name].append(t["embed"])
    finally:
        for proc in sides.values():
            proc.stdin.close()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()
    ratios = [a / b for a, b in zip(shares["a"], shares["b"], strict=True) if b > 0]
    rng = random.Random(seed)
    boot = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(1000))
    return {
        "corpus": str(corpus),
        "questions": len(questions),
        "rounds_counted": max(rounds, 2) - 1,
        "other": str(other),
        **{
            name: {
                "pass_ms": round(statistics.median(passes[name]), 3),
                "beyond_ms": round(statistics.median(beyond[name]), 3),
                "beyond_share": round(statistics.median(shares[name]), 4),
            }
            for name in ("a", "b")
        },
        "share_ratio_a_over_b": round(statistics.median(ratios), 3),
        "share_ratio_interval": [round(boot[25], 3), round(boot[974], 3)],
    }


def main(argv: list[str]) -> None:
    """``[--limit N] [--rounds R] [--stages CORPUS [--threads T] [--warm-with SET]]
    SET...``: the first N questions of the sets (all by default), R interleaved rounds;
    with ``--stages``, the served search's stages on CORPUS (encoder threads T, 1 by
    default: a served worker's) instead of the glossary's three ways."""
    parser = argparse.ArgumentParser(
        prog="python -m qa_service.lab.costs",
        description="What a question costs beyond the encoder pass of its own text.",
    )
    parser.add_argument("sets", nargs="*", default=["docs/quality/bank.jsonl"], metavar="SET")
    parser.add_argument("--limit", type=int, help="the first N questions of the sets")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (3)")
    parser.add_argument("--stages", type=Path, metavar="CORPUS", help="the served stages on it")
    parser.add_argument("--threads", type=int, default=1, help="encoder threads (1)")
    parser.add_argument(
        "--against", type=Path, metavar="CHECKOUT", help="with --stages: side by side with it"
    )
    parser.add_argument(
        "--warm-with",
        type=Path,
        action="append",
        default=[],
        metavar="SET",
        help="with --stages: these questions asked twice first, so the first round's are new",
    )
    args = parser.parse_args(argv)
    questions = [q.question for path in args.sets for q in load_questions(Path(path))]
    questions = questions[: args.limit]
    if args.stages is not None and args.against is not None:
        print(json.dumps(paired(args.stages, questions, args.against, args.rounds), indent=2))
        return
    if args.stages is not None:
        asked = set(questions)
        warm_with = [
            q.question
            for path in args.warm_with
            for q in load_questions(path)
            if q.question not in asked  # new to the process when measured
        ]
        out = stages(args.stages, questions, args.rounds, args.threads, warm_with)
        print(json.dumps(out, indent=2))
        return
    print(json.dumps(measure(questions, args.rounds), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
