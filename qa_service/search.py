"""Question -> ranked, attributed passages (``Answer``), the records the API returns.

The pipeline (each stage timed on ``Answer.timings``):

1. clean the question and embed it once (``embed``);
2. dense: cosine of the question with every candidate passage *and* with each of its
   sentences (sentence vectors are precomputed at build time); a passage scores the better
   of its own cosine and its best sentence's, since an answer is often one sentence in a
   window about something else (``dense``);
3. BM25 over the same passages, with the question bridged into the corpus vocabulary by
   lexical.py (``bm25``);
4. latent terms: the candidates' precomputed sparse concept vectors (embedder.py) against
   the question's, a lexical-like match that works across languages (``latent``);
5. fuse by reciprocal rank: the dense list, the latent-terms list, and the BM25 list
   weighted by the share of the question's words that reached the corpus vocabulary. An
   English question over English sources gets BM25 at full weight; a Russian or Kazakh
   one gets it only as far as its names and key terms carry over, so BM25 noise cannot
   drag those languages down (docs/quality.md has the numbers) (``fuse``);
6. collapse overlapping windows of one article, keeping the best-scoring one;
7. highlight the answering sentence(s) (``highlight``) and decide whether to abstain
   (``abstain``; the rule and its calibration live in abstain.py).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .abstain import AbstainRule, signals_of, type_check, type_satisfied
from .corpus import Article
from .embedder import Embedder, latent_scores
from .highlight import pick_sentences
from .index import LoadedIndex
from .lexical import BM25Index, latin_kazakh_to_cyrillic, looks_latin_kazakh
from .passages import Passage, sentence_offsets, sentence_texts
from .text import clean_query, detect_lang

log = logging.getLogger(__name__)

MODES = ("hybrid", "dense", "bm25", "latent")
RRF_K = 60
TYPE_CHECK_HITS = 3  # highlighted sentences of this many top hits must hold the answer type


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    passage: Passage
    article: Article
    highlight: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict:
        return {
            "rank": self.rank,
            "score": round(float(self.score), 4),
            "passage_id": self.passage.id,
            "text": self.passage.text,
            "highlight": [{"start": s, "end": e} for s, e in self.highlight],
            "article": self.article.attribution(),
        }


@dataclass(frozen=True)
class Answer:
    query: str
    lang: str
    abstained: bool
    results: list[Hit]
    index_version: str
    index_articles: int
    index_passages: int
    took_ms: float
    related: list[Hit] = field(default_factory=list)
    # Not serialized: per-stage milliseconds (read by the benchmark) and the evidence the
    # abstention rule saw (read by the evaluation).
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    signals: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def ranked(self) -> list[Hit]:
        """What was found, best first, whether or not the service abstained."""
        return self.results or self.related

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "lang": self.lang,
            "abstained": self.abstained,
            "results": [h.to_dict() for h in self.results],
            "related": [h.to_dict() for h in self.related],
            "index": {
                "version": self.index_version,
                "articles": self.index_articles,
                "passages": self.index_passages,
            },
            "took_ms": round(self.took_ms, 2),
        }


@dataclass(frozen=True)
class SearchParams:
    """Knobs of the ranking; the defaults are the measured choice (docs/quality.md)."""

    mode: str = "hybrid"  # hybrid | dense | bm25 | latent (the last three for the evaluation)
    fusion: str = "rrf"  # rrf (reciprocal rank, k=60) | weighted (scaled scores)
    bm25_weight: float = 1.0  # weight of the BM25 list at full vocabulary coverage
    # How a passage's dense score uses its sentences: "max" of its own cosine and its best
    # sentence's, "mean" of the two, "off" (its own cosine only), or "rrf" (with RRF
    # fusion: passage and best-sentence rankings as two separate lists).
    sentence_scores: str = "max"
    # Weight of the latent-terms list (RRF) or score (weighted) in the hybrid; 0 turns it
    # off, and so does an embedder without latent terms.
    latent_weight: float = 1.0
    depth: int = 50  # dense candidates considered before fusion
    collapse: bool = True
    latin_kazakh: bool = True  # embed Kazakh typed in Latin letters as Cyrillic
    abstain: AbstainRule | None = None  # None: the committed, calibrated rule


@dataclass(frozen=True)
class Scored:
    """One candidate passage with the scores of each retriever."""

    row: int
    score: float
    dense: float
    bm25: float
    sentence_scores: tuple[float, ...]


class Searcher:
    """Answers questions from one loaded build with one embedder. Thread-safe for reads.

    Construction does the per-build work once: the BM25 index and, for builds made before
    sentence vectors were stored, the sentence vectors.
    """

    def __init__(self, index: LoadedIndex, embedder: Embedder, params: SearchParams | None = None):
        self.index = index
        self.embedder = embedder
        self.params = params or SearchParams()
        if self.params.mode not in MODES:
            raise ValueError(f"unknown search mode {self.params.mode!r}: use {', '.join(MODES)}")
        self.abstain_rule = self.params.abstain or AbstainRule.load()
        self._corpus_langs = {a.lang for a in index.articles.values()}
        passages = index.passages
        self._offsets = sentence_offsets(passages)
        vectors = index.sentence_vectors
        if vectors is None or len(vectors) != self._offsets[-1]:
            vectors = embedder.encode_passages(sentence_texts(passages))
        self._sentence_vectors = np.asarray(vectors, dtype=np.float32)
        self._latent_dim = int(getattr(embedder, "latent_dim", 0) or 0)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0
        self._pool_lock = threading.Lock()
        # A build made before latent terms were stored is served without them (and with
        # the abstention rule's fallback) rather than encoding every passage at load,
        # which would hold a worker for minutes to hours; `reindex --if-stale` adds them.
        self._latent = None
        wanted = self.params.latent_weight > 0 or self.params.mode == "latent"
        # Said by /readyz: the ranking and abstention run without what they were set up for.
        self.latent_missing = bool(self._latent_dim and wanted and index.latent_terms is None)
        if self._latent_dim and wanted:
            if index.latent_terms is None:
                log.warning(
                    "build has no latent terms: serving without them until a reindex",
                    extra={"version": index.version},
                )
            else:
                self._latent = np.asarray(index.latent_terms, dtype=np.float32)
        if self.params.mode == "latent" and self._latent is None:
            raise ValueError(
                "search mode 'latent' needs an embedder with latent terms and a build that "
                "stores them"
            )
        # The article's title is indexed with each of its passages: titles name the topic
        # that a passage's sentences often only imply.
        self.bm25 = BM25Index([f"{index.articles[p.article_id].title}\n{p.text}" for p in passages])

    def _background(self, fn, *args) -> Future:
        """Run ``fn`` on this searcher's helper thread, made anew in a forked worker
        (threads do not survive a fork)."""
        with self._pool_lock:
            if self._pool is None or self._pool_pid != os.getpid():
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="latent-terms")
                self._pool_pid = os.getpid()
                # A reload replaces this searcher: its thread goes with it, not at exit.
                weakref.finalize(self, self._pool.shutdown, wait=False)
            return self._pool.submit(fn, *args)

    def _latent_query(self, text: str) -> np.ndarray:
        cached = getattr(self.embedder, "encode_latent_query", None)
        return cached(text) if cached else self.embedder.encode_latent([text])[0]

    def dense(self, query: str, depth: int) -> list[tuple[int, float]]:
        """(passage row, cosine) pairs, best first."""
        qvec = self.embedder.encode_queries([query])
        return self._dense(np.asarray(qvec, dtype=np.float32), depth)

    def _dense(self, qvec: np.ndarray, depth: int) -> list[tuple[int, float]]:
        scores, ids = self.index.search(qvec, depth)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def rank(
        self, query: str, timings: dict[str, float] | None = None, dense_query: str | None = None
    ) -> tuple[list[Scored], dict[str, float], tuple[str, ...]]:
        """Every candidate scored and sorted, the signals abstention needs, and the
        question's BM25 tokens (highlighting uses them)."""
        timings = {} if timings is None else timings
        p = self.params
        clock = time.perf_counter()
        n = len(self.index.passages)
        dense: dict[int, float] = {}
        sentences: dict[int, np.ndarray] = {}
        qvec = None
        latent_job = None
        if self._latent is not None and p.mode in ("hybrid", "latent"):
            # The latent terms take a second pass of the encoder: run it beside the dense
            # one (the engine releases the GIL), so a lone question waits for one pass.
            latent_job = self._background(self._latent_query, dense_query or query)
        if p.mode != "bm25":
            qvec = self.embedder.encode_queries([dense_query or query])
            qvec = np.asarray(qvec, dtype=np.float32)
            clock = _lap(timings, "embed", clock)
            dense = dict(self._dense(qvec, max(p.depth, 1)))
            for row in dense:
                a, b = self._offsets[row], self._offsets[row + 1]
                sentences[row] = self._sentence_vectors[a:b] @ qvec[0]
            clock = _lap(timings, "dense", clock)
        lexical = self.bm25.query(query)
        bm25_all = self.bm25.scores(lexical.tokens)
        clock = _lap(timings, "bm25", clock)

        if p.mode == "bm25":
            rows = [int(r) for r in np.argsort(-bm25_all, kind="stable")[: max(p.depth, 1)]]
        elif p.mode == "latent":
            rows = list(range(n))
        else:
            rows = list(dense)
        latent: dict[int, float] = {}
        if latent_job is not None and rows:
            terms = latent_job.result()
            found = latent_scores(terms, self._latent[rows], self._latent_dim)
            latent = {r: float(v) for r, v in zip(rows, found, strict=True)}
            if p.mode == "latent":
                rows = sorted(rows, key=lambda r: (-latent[r], r))[: max(p.depth, 1)]
            clock = _lap(timings, "latent", clock)
        bm25_top = float(bm25_all.max()) if n else 0.0
        latent_top = max(latent.values(), default=0.0)
        weight = p.bm25_weight * lexical.coverage if p.mode == "hybrid" else 0.0
        latent_weight = p.latent_weight if p.mode == "hybrid" and latent else 0.0
        rrf_rank: dict[int, dict[str, int]] = {}
        if p.fusion == "rrf":
            orders = {
                "dense": sorted(
                    rows,
                    key=lambda r: (
                        -_with_sentences(
                            dense.get(r, 0.0), _max(sentences.get(r)), p.sentence_scores
                        )
                    ),
                ),
                "bm25": sorted(rows, key=lambda r: -bm25_all[r]),
            }
            if p.sentence_scores == "rrf":  # passage and best-sentence lists fused apart
                orders["dense"] = sorted(rows, key=lambda r: -dense.get(r, 0.0))
                orders["sentence"] = sorted(rows, key=lambda r: -_max(sentences.get(r)))
            if latent_weight:
                orders["latent"] = sorted(rows, key=lambda r: -latent[r])
            place = {name: {r: i + 1 for i, r in enumerate(o)} for name, o in orders.items()}
            rrf_rank = {r: {name: place[name][r] for name in orders} for r in rows}
        scored = []
        for row in rows:
            sent = sentences.get(row, np.zeros(0, dtype=np.float32))
            d = dense.get(row, 0.0)
            if p.mode == "hybrid" and len(sent):
                d = _with_sentences(d, float(sent.max()), p.sentence_scores)
            b = float(bm25_all[row]) / bm25_top if bm25_top > 0 else 0.0
            if p.mode == "bm25":
                score = float(bm25_all[row])
            elif p.mode == "latent":
                score = latent[row]
            elif rrf_rank:
                ranks = rrf_rank[row]
                # Each list adds 1/(k + rank); BM25 counts only where it matched at all.
                score = 1 / (RRF_K + ranks["dense"])
                if "sentence" in ranks:
                    score += 1 / (RRF_K + ranks["sentence"])
                if bm25_all[row] > 0 and p.bm25_weight:
                    score += weight / p.bm25_weight / (RRF_K + ranks["bm25"])
                if "latent" in ranks:
                    score += latent_weight / (RRF_K + ranks["latent"])
            else:
                score = d + weight * b
                if latent_weight and latent_top > 0:
                    score += latent_weight * latent[row] / latent_top
            scored.append(Scored(row, score, d, b, tuple(float(x) for x in sent)))
        scored.sort(key=lambda s: (-s.score, s.row))
        _lap(timings, "fuse", clock)
        signals = signals_of(
            [s.dense for s in scored],
            [s.score for s in scored],
            dense_all=list(dense.values()),
            sentences_all=np.concatenate(list(sentences.values())) if sentences else (),
            coverage=lexical.coverage,
            bm25_top_row=int(np.argmax(bm25_all)) if bm25_top > 0 else -1,
            fused_top_row=scored[0].row if scored else -1,
        )
        if latent and scored:
            # How far the top passage names the concepts the question names (in any language).
            signals["latent"] = latent.get(scored[0].row, 0.0)
        # A question in a language the sources are written in, none of whose content words
        # (nor their transliterations) occurs anywhere in them, is about something else.
        signals["off_vocabulary"] = float(
            lexical.content_words >= 2
            and lexical.matched_words == 0
            and detect_lang(query) in self._corpus_langs
        )
        return scored, signals, lexical.tokens

    def ask(self, question: str, k: int = 5, lang: str | None = None) -> Answer:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        query = clean_query(question)
        dense_query = None
        if self.params.latin_kazakh and looks_latin_kazakh(query):
            # e5 has seen little Latin-script Kazakh; the Cyrillic spelling embeds near the
            # sources (BM25 keeps the Latin words, which match names directly).
            dense_query = latin_kazakh_to_cyrillic(query)
            lang = lang or "kk"
        lang = lang or detect_lang(query)
        scored, signals, tokens = self.rank(query, timings, dense_query)
        if self.params.collapse:
            scored = collapse(scored, self.index.passages)
        clock = time.perf_counter()
        asked = dense_query or query  # the answer type reads the Cyrillic spelling if any
        hits = self._hits(scored[: max(k, TYPE_CHECK_HITS)], asked, set(tokens))
        clock = _lap(timings, "highlight", clock)
        answers = [h.passage.text[a:b] for h in hits[:TYPE_CHECK_HITS] for a, b in h.highlight]
        signals["type"] = 1.0 if type_satisfied(asked, answers) else 0.0
        hits = hits[:k]
        abstained = self.params.mode == "hybrid" and self.abstain_rule.abstains(
            signals, similarity=dense_query is None
        )
        _lap(timings, "abstain", clock)
        return Answer(
            query=query,
            lang=lang,
            abstained=abstained,
            results=[] if abstained else hits,
            related=hits if abstained else [],
            index_version=self.index.version,
            index_articles=len(self.index.articles),
            index_passages=len(self.index.passages),
            took_ms=(time.perf_counter() - started) * 1000,
            timings=timings,
            signals=signals,
        )

    def _hits(self, scored: list[Scored], query: str, tokens: set[str]) -> list[Hit]:
        hits = []
        check = type_check(query)
        for s in scored:
            passage = self.index.passages[s.row]
            article = self.index.articles[passage.article_id]
            spans = pick_sentences(passage, s.sentence_scores, tokens, check)
            hits.append(Hit(len(hits) + 1, s.score, passage, article, spans))
        return hits


def collapse(scored: list[Scored], passages: Sequence[Passage]) -> list[Scored]:
    """Drop a window that repeats a better-scoring window of the same article.

    ``scored`` is best first. A later window of the same article is a near-copy of a kept
    one when they share at least half of the shorter one's characters, or when its own
    best sentence lies in the part they share (it would highlight the same sentence);
    windows that merely touch (the one-sentence overlap of passages.py) both stay.
    """
    kept: list[Scored] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    for s in scored:
        p = passages[s.row]
        taken = spans.setdefault(p.article_id, [])
        best = None
        if s.sentence_scores and len(s.sentence_scores) == len(p.sentences):
            a, b = p.sentences[int(np.argmax(s.sentence_scores))]
            best = (p.start + a, p.start + b)
        if any(_repeats(p.start, p.end, best, start, end) for start, end in taken):
            continue
        taken.append((p.start, p.end))
        kept.append(s)
    return kept


def _repeats(start: int, end: int, best: tuple[int, int] | None, t0: int, t1: int) -> bool:
    shared = min(end, t1) - max(start, t0)
    if shared <= 0:
        return False
    if shared * 2 >= min(end - start, t1 - t0):
        return True
    return best is not None and t0 <= best[0] and best[1] <= t1


def _with_sentences(passage: float, sentence: float, how: str) -> float:
    if how == "max":
        return max(passage, sentence)
    if how == "mean":
        return (passage + sentence) / 2
    return passage


def _max(values) -> float:
    return float(values.max()) if values is not None and len(values) else 0.0


def _lap(timings: dict[str, float], stage: str, since: float) -> float:
    now = time.perf_counter()
    timings[stage] = round(timings.get(stage, 0.0) + (now - since) * 1000, 3)
    return now
