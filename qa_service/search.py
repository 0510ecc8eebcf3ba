"""Question -> ranked, attributed passages (``Answer``): the search pipeline.

``Searcher.ask`` reads top to bottom as the stages, each timed on ``Answer.timings``:

1. prepare: clean the question; Kazakh typed in Latin letters is embedded in its Cyrillic
   spelling; detect its language;
2. encode: its dense vector and latent terms (retrieval/encode.py) (``embed``);
3. retrieve: the first retriever (dense: passages and their sentences) picks the
   candidates, the others (BM25, latent terms) re-rank them (retrieval/) (``dense``,
   ``bm25``, ``latent``);
4. fuse the rankings by reciprocal rank (retrieval/fuse.py). BM25's weight is the share of
   the question's words that reached the corpus vocabulary, so BM25 noise cannot drag
   Russian and Kazakh questions over English sources down (docs/quality.md) (``fuse``);
5. collapse overlapping windows of one article, keeping the best-scoring one;
6. highlight the answering sentence(s) of each hit (highlight.py) (``highlight``);
7. confidence: ``high``, ``low`` or ``none`` (confidence.py) (``confidence``).

Evaluation variants (one retriever alone, other weights) are other ``SearchParams``: the
same stages composed differently, never flags inside them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np

from .answer import Answer
from .answer_type import type_satisfied
from .confidence import ConfidenceRule, signals_of
from .embedder import Embedder
from .glossary import Glossary
from .highlight import highlight_hits
from .index import LoadedIndex
from .lexical import latin_kazakh_to_cyrillic, looks_latin_kazakh, words
from .passages import Passage
from .retrieval import Query, Ranking, Retriever, fuse
from .retrieval.answer_type import AnswerTypeRetriever
from .retrieval.bm25 import BM25Retriever
from .retrieval.dense import DenseRetriever
from .retrieval.encode import QueryEncoder
from .retrieval.latent import LatentRetriever
from .text import clean_query, detect_lang

log = logging.getLogger(__name__)

RETRIEVERS = ("dense", "bm25", "latent", "type")
TYPE_CHECK_HITS = 3  # highlighted sentences of this many top hits must hold the answer type
DEFAULT_WEIGHTS = MappingProxyType({"dense": 1.0, "bm25": 1.0, "latent": 1.0, "type": 1.0})


@dataclass(frozen=True)
class SearchParams:
    """How the stages are composed; the defaults are the served composition (DBSF of dense,
    BM25 and latent terms, glossary on; docs/quality.md).

    ``retrievers``: which ones run, the first picking the candidates (the others re-rank
    them); one alone is that retriever's own ranking. ``weights``: each ranking's weight in
    the fusion (BM25's is further scaled by the question's vocabulary coverage).
    ``confidence``: False gives a bare ranking that never abstains (evaluation).
    """

    retrievers: tuple[str, ...] = ("dense", "bm25", "latent")
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    fusion: str = "dbsf"
    depth: int = 50  # candidates considered before fusion
    collapse: bool = True
    latin_kazakh: bool = True  # embed Kazakh typed in Latin letters as Cyrillic
    # Add the glossary's English terms for the question's Russian/Kazakh terms to what
    # these retrievers read: any of "dense", "bm25", "latent" (glossary.py).
    glossary: tuple[str, ...] = ("dense", "bm25", "latent")
    confidence: bool = True
    rule: ConfidenceRule | None = None  # None: the committed, fitted rule

    def __post_init__(self) -> None:
        unknown = [r for r in self.retrievers if r not in RETRIEVERS]
        if unknown or not self.retrievers:
            raise ValueError(f"unknown retrievers {unknown}: use some of {', '.join(RETRIEVERS)}")
        if set(self.glossary) - set(RETRIEVERS):
            raise ValueError(f"glossary applies to retrievers only: {', '.join(RETRIEVERS)}")


# Named compositions of the stages: the candidates `referendum-qa eval --cv` compares
# (lab/cv.py), simplest first (a tie goes to the earlier one). The chosen one's name is
# stored in confidence.json beside the rule fitted on its rankings, and served.
_G = ("dense", "bm25", "latent")  # the glossary's English terms for every retriever
_TYPED = ("dense", "bm25", "latent", "type")


def _w(dense=1.0, bm25=1.0, latent=1.0, type=1.0) -> dict[str, float]:  # noqa: A002
    return {"dense": dense, "bm25": bm25, "latent": latent, "type": type}


_PLAIN = {"fusion": "rrf", "glossary": ()}
COMPOSITIONS: dict[str, SearchParams] = {
    # The service before this measurement: RRF of dense, BM25 and latent terms.
    "hybrid": SearchParams(retrievers=("dense", "bm25", "latent"), **_PLAIN),
    "dense": SearchParams(retrievers=("dense",), **_PLAIN),
    "rrf+glossary": SearchParams(retrievers=_G, fusion="rrf", glossary=_G),
    "dbsf+glossary": SearchParams(retrievers=_G, fusion="dbsf", glossary=_G),
    "rrf+glossary+type": SearchParams(retrievers=_TYPED, fusion="rrf", glossary=_G),
    "dbsf+glossary+type": SearchParams(retrievers=_TYPED, fusion="dbsf", glossary=_G),
    "dbsf+glossary+type:latent/2": SearchParams(
        retrievers=_TYPED, fusion="dbsf", glossary=_G, weights=_w(latent=0.5)
    ),
    "dbsf+glossary+type:bm25/2": SearchParams(
        retrievers=_TYPED, fusion="dbsf", glossary=_G, weights=_w(bm25=0.5)
    ),
    "dbsf+glossary+type:dense×2": SearchParams(
        retrievers=_TYPED, fusion="dbsf", glossary=_G, weights=_w(dense=2.0)
    ),
    "dbsf+glossary+type:type/2": SearchParams(
        retrievers=_TYPED, fusion="dbsf", glossary=_G, weights=_w(type=0.5)
    ),
}


def served_params(latent_terms: bool = True, composition: str | None = None) -> SearchParams:
    """The composition the committed rule was fitted on (``composition`` overrides), or
    the same without latent terms (``QA_LATENT_TERMS=false``, and the rule's fallback)."""
    name = composition or ConfidenceRule.load().composition
    params = COMPOSITIONS.get(name, SearchParams())
    if latent_terms:
        return params
    return replace(
        params,
        retrievers=tuple(r for r in params.retrievers if r != "latent"),
        glossary=tuple(g for g in params.glossary if g != "latent"),
    )


class Searcher:
    """Answers questions from one loaded build with one embedder. Thread-safe for reads.

    Construction does the per-build work once: the retrievers over the build's stored
    vectors, BM25 index and latent terms.
    """

    def __init__(self, index: LoadedIndex, embedder: Embedder, params: SearchParams | None = None):
        self.index = index
        self.embedder = embedder
        self.params = params or served_params()
        self.rule = self.params.rule or ConfidenceRule.load()
        # Always loaded: how many of its terms a question uses is evidence for confidence.
        self.glossary = Glossary.load()
        self._corpus_langs = {a.lang for a in index.articles.values()}
        wanted = set(self.params.retrievers)
        self.dense = DenseRetriever(index, embedder) if "dense" in wanted else None
        self.bm25 = BM25Retriever(index.bm25)
        self.latent = self._latent_retriever("latent" in wanted)
        self.encoder = QueryEncoder(embedder, latent=self.latent is not None)
        self.typed = (
            AnswerTypeRetriever(self.dense) if "type" in wanted and self.dense is not None else None
        )
        self.retrievers: list[Retriever] = [
            r for name in self.params.retrievers if (r := self._by_name(name)) is not None
        ]
        if not self.retrievers:
            raise ValueError(f"none of {self.params.retrievers} can run on this build")

    def _latent_retriever(self, wanted: bool) -> LatentRetriever | None:
        """Latent terms need the embedder's head and a build that stores them. A build made
        before them is served without (and with the rule's fallback) rather than encoding
        every passage at load, which would hold a worker for minutes to hours."""
        # Said by /readyz: the ranking and confidence run without what they were set up for.
        self.latent_missing = bool(
            wanted and self.embedder.latent_dim and self.index.latent_terms is None
        )
        if self.latent_missing:
            log.warning(
                "build has no latent terms: serving without them until a reindex",
                extra={"version": self.index.version},
            )
        if not (wanted and self.embedder.latent_dim and self.index.latent_terms is not None):
            if wanted and self.params.retrievers == ("latent",):
                raise ValueError(
                    "latent terms alone need an embedder with latent terms and a build "
                    "that stores them"
                )
            return None
        return LatentRetriever(self.index.latent_terms, self.embedder.latent_dim)

    def _by_name(self, name: str) -> Retriever | None:
        return {"dense": self.dense, "bm25": self.bm25, "latent": self.latent, "type": self.typed}[
            name
        ]

    def ask(self, question: str, k: int = 5, lang: str | None = None) -> Answer:
        started = clock = time.perf_counter()
        timings: dict[str, float] = {}
        query = self.prepare(question, lang)
        query = self.encode(query)
        clock = _lap(timings, "embed", clock)
        rankings = self.retrieve(query, timings)
        clock = time.perf_counter()
        lexical = self.bm25.lexical(query)
        fused = self.fuse(rankings, lexical.coverage)
        clock = _lap(timings, "fuse", clock)
        signals = self.signals(query, fused, rankings)
        if self.params.collapse:
            fused = collapse(fused, rankings.get("dense"), self.index.passages)
        hits = highlight_hits(
            self.index, fused, rankings.get("dense"), query.reading, lexical.tokens,
            max(k, TYPE_CHECK_HITS),
        )  # fmt: skip
        clock = _lap(timings, "highlight", clock)
        answers = [h.passage.text[a:b] for h in hits[:TYPE_CHECK_HITS] for a, b in h.highlight]
        signals["type"] = 1.0 if type_satisfied(query.reading, answers) else 0.0
        confidence = self.rule.judge(signals, query.lang) if self.params.confidence else "high"
        _lap(timings, "confidence", clock)
        hits = hits[:k]
        abstained = confidence == "none"
        return Answer(
            query=query.text,
            lang=query.lang,
            confidence=confidence,
            results=[] if abstained else hits,
            related=hits if abstained else [],
            index_version=self.index.version,
            index_articles=len(self.index.articles),
            index_passages=len(self.index.passages),
            took_ms=(time.perf_counter() - started) * 1000,
            timings=timings,
            signals=signals,
        )

    def prepare(self, question: str, lang: str | None = None) -> Query:
        """Stage 1: the cleaned question, the texts each retriever reads, the language."""
        text = clean_query(question)
        reading = text
        if self.params.latin_kazakh and looks_latin_kazakh(text):
            # e5 has seen little Latin-script Kazakh; the Cyrillic spelling embeds near the
            # sources (BM25 keeps the Latin words, which match names directly).
            reading = latin_kazakh_to_cyrillic(text)
            lang = lang or "kk"
        texts = {"dense": reading, "bm25": text, "latent": reading}
        concepts = self.glossary.concepts(words(reading))
        terms = " ".join(dict.fromkeys(w for c in concepts for w in c.split()))
        for name in self.params.glossary if terms else ():
            texts[name] = f"{texts[name]} ({terms})"
        return Query(
            text=text,
            dense_text=texts["dense"],
            lang=lang or detect_lang(text),
            reading=reading,
            converted=reading != text,
            lexical_text=texts["bm25"],
            latent_text=texts["latent"],
            concepts=len(concepts),
        )

    def encode(self, query: Query) -> Query:
        """Stage 2: the encoder pass(es) the retrievers need."""
        if self.dense is None and self.latent is None:
            return query
        vector, latent = self.encoder.encode(query.dense_text, query.latent_text)
        return replace(query, vector=vector, latent=latent)

    def retrieve(self, query: Query, timings: dict[str, float] | None = None) -> dict[str, Ranking]:
        """Stage 3: the first retriever's candidates, re-ranked by each of the others;
        the rankings by retriever name (each timed on ``timings`` when given)."""
        timings = {} if timings is None else timings
        clock = time.perf_counter()
        first, *others = self.retrievers
        rankings = {first.name: first.search(query, self.params.depth)}
        clock = _lap(timings, first.name, clock)
        for retriever in others:
            rankings[retriever.name] = retriever.rescore(query, rankings[first.name].rows)
            clock = _lap(timings, retriever.name, clock)
        return rankings

    def fuse(self, rankings: dict[str, Ranking], coverage: float) -> Ranking:
        """Stage 4: one ranking of the candidates. ``coverage``: the share of the
        question's words in the corpus vocabulary, which scales BM25's weight."""
        first = rankings[self.retrievers[0].name]
        if len(rankings) == 1:
            return Ranking("fused", first.rows, first.scores)
        weights = {name: float(self.params.weights.get(name, 0.0)) for name in rankings}
        if "bm25" in weights:
            weights["bm25"] *= coverage
        return fuse(first, rankings, weights, self.params.fusion)

    def signals(
        self, query: Query, fused: Ranking, rankings: dict[str, Ranking]
    ) -> dict[str, float]:
        """The evidence confidence weighs, from the rankings before collapsing."""
        lexical = self.bm25.lexical(query)
        dense = rankings.get("dense") or Ranking("dense", (), ())
        bm25_all = self.bm25.all_scores(lexical)
        signals = signals_of(
            fused,
            dense,
            coverage=lexical.coverage,
            bm25_top_row=int(np.argmax(bm25_all)) if len(bm25_all) and bm25_all.max() > 0 else -1,
            latent=rankings.get("latent"),
        )
        # A question in a language the sources are written in, none of whose content words
        # (nor their transliterations) occurs anywhere in them, is about something else.
        # (Kazakh typed in Latin letters looks English to the detector: never this gate.)
        signals["off_vocabulary"] = float(
            lexical.content_words >= 2
            and lexical.matched_words == 0
            and not query.converted
            and detect_lang(query.text) in self._corpus_langs
        )
        # Kazakh typed in Latin letters and converted: its cosines run lower.
        signals["converted"] = float(query.converted)
        # The reform's terms the question uses (glossary concepts, at most 3 counted), and
        # the best BM25 score: how much of the sources' own vocabulary it shares.
        signals["concepts"] = float(min(query.concepts, 3))
        signals["bm25"] = float(bm25_all.max()) if len(bm25_all) else 0.0
        return signals


def collapse(fused: Ranking, dense: Ranking | None, passages: Sequence[Passage]) -> Ranking:
    """Drop a window that repeats a better-scoring window of the same article.

    ``fused`` is best first. A later window of the same article is a near-copy of a kept
    one when they share at least half of the shorter one's characters, or when its own
    best sentence lies in the part they share (it would highlight the same sentence);
    windows that merely touch (the one-sentence overlap of passages.py) both stay.
    """
    sentences = dense.detail.get("sentences", {}) if dense is not None else {}
    kept_rows, kept_scores = [], []
    spans: dict[str, list[tuple[int, int]]] = {}
    for row, score in zip(fused.rows, fused.scores, strict=True):
        p = passages[row]
        taken = spans.setdefault(p.article_id, [])
        best = None
        cosines = sentences.get(row)
        if cosines is not None and len(cosines) == len(p.sentences) and len(cosines):
            a, b = p.sentences[int(np.argmax(cosines))]
            best = (p.start + a, p.start + b)
        if any(_repeats(p.start, p.end, best, start, end) for start, end in taken):
            continue
        taken.append((p.start, p.end))
        kept_rows.append(row)
        kept_scores.append(score)
    return Ranking(fused.name, tuple(kept_rows), tuple(kept_scores))


def _repeats(start: int, end: int, best: tuple[int, int] | None, t0: int, t1: int) -> bool:
    shared = min(end, t1) - max(start, t0)
    if shared <= 0:
        return False
    if shared * 2 >= min(end - start, t1 - t0):
        return True
    return best is not None and t0 <= best[0] and best[1] <= t1


def _lap(timings: dict[str, float], stage: str, since: float) -> float:
    now = time.perf_counter()
    timings[stage] = round(timings.get(stage, 0.0) + (now - since) * 1000, 3)
    return now
