"""Question -> ranked, attributed passages (``Answer``): the search stages, wired.

``Searcher.ask`` reads top to bottom as the stages, one call each, each timed on
``Answer.timings``; every decision lives in the stage's own module, and a value a later
stage needs is passed on:

1. prepare (prepare.py): clean the question, read Kazakh typed in Latin letters in its
   Cyrillic spelling, add the glossary's terms, detect the language (``prepare``);
2. encode (retrieval/encode.py): its dense vector and latent terms (``embed``), the
   glossary terms' vectors mixed in and the nearest one's cosine, and the topic probe's
   log-odds and nearest labelled questions (topic.py) (``terms``);
3. retrieve (retrieval/): the first retriever (dense: passages and their sentences) picks
   the candidates, the others (BM25, latent terms) re-rank them (``dense``, ``bm25``,
   ``latent``);
4. fuse (retrieval/fuse.py): one ranking, in the composition's mode (DBSF is served), with
   BM25's weight scaled by the question's vocabulary coverage (``fuse``);
5. collapse (collapse.py): one window per stretch of an article;
6. highlight (highlight.py): the answering sentence(s) of each hit (``highlight``);
7. verify and order (verify.py, timeline.py): whether each of the first hits' sentences
   states the asked attribute; the report that states it first, the newer one when
   reports disagree (the older ones noted as superseded), one in the reader's language
   when it answers as well (``order``);
8. confidence (confidence.py): every signal, from the rankings, the highlighted hits and
   the first hit's verification, and the rule: ``high``, ``low`` or ``none``
   (``confidence``).

Which retrievers run, their weights, the fusion mode and the glossary are a
``SearchParams`` (composition.py); the served one is stored in the rule file
(``served_params``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace

from . import english_vocab
from .answer import NONE, Answer, Hit
from .claim import LEAD_SAYS_AT_MOST
from .collapse import collapse
from .composition import RETRIEVERS, SearchParams
from .confidence import HITS_READ, ConfidenceRule, ConfidenceStage, Evidence
from .embedder import Embedder
from .glossary import Glossary
from .highlight import highlight_hits
from .index import LoadedIndex
from .prepare import prepare
from .retrieval import Query, Ranking, Retriever, fuse, scaled_weights
from .retrieval.bm25 import BM25Retriever
from .retrieval.dense import DenseRetriever
from .retrieval.encode import QueryEncoder
from .retrieval.glossary_vectors import GlossaryVectors, mixed
from .retrieval.latent import LatentRetriever
from .timeline import WINDOW, Ordered, asks_outcome, order_reports
from .topic import TopicNeighbours, TopicProbe, for_embedder, neighbours_for
from .verify import (
    Asked,
    Check,
    as_lead,
    asked,
    check_hit,
    check_hits,
    claim_said,
    with_claim,
)

log = logging.getLogger(__name__)

DEPTH = 50  # candidates the first retriever picks, before fusion


def served_params(latent_terms: bool = True, rule: ConfidenceRule | None = None) -> SearchParams:
    """The composition the committed rule was fitted on (its file's ``search``), or the
    same without latent terms (``QA_LATENT_TERMS=false``, and the rule's fallback). An
    unfitted rule (no file) gets the plain ``SearchParams()``."""
    rule = rule or ConfidenceRule.load()
    params = rule.search or SearchParams()
    return params if latent_terms else params.without_latent()


class Searcher:
    """Answers questions from one loaded build with one embedder. Thread-safe for reads.

    Construction does the per-build work once: the retrievers over the build's stored
    vectors, BM25 index and latent terms, and the stages. ``rule``: the confidence rule
    (None: the committed one). ``extra``: retrievers beyond the served ones, by name,
    that ``params`` may name (the lab's candidates)."""

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        params: SearchParams | None = None,
        rule: ConfidenceRule | None = None,
        extra: Mapping[str, Retriever] | None = None,
        glossary: Glossary | None = None,
        topic: TopicProbe | None = None,
        neighbours: TopicNeighbours | None = None,
    ):
        self.index = index
        self.embedder = embedder
        rule = rule or ConfidenceRule.load()
        self.params = params or served_params(rule=rule)
        # Always there: how many of its terms a question uses is evidence for confidence.
        # The service passes its own, so a reload does not parse the file again.
        self.glossary = glossary if glossary is not None else Glossary.load()
        english_vocab.warm()  # read by every Latin-letter question (lexical.py): loaded now
        wanted = set(self.params.retrievers)
        self.dense = DenseRetriever(index, embedder) if "dense" in wanted else None
        self.bm25 = BM25Retriever(index.bm25)
        self.latent = self._latent_retriever("latent" in wanted)
        self.encoder = QueryEncoder(embedder, latent=self.latent is not None)
        # The glossary entries' vectors, wherever a question is encoded: mixed into its
        # encodings (``glossary_mix``), and the nearest one's cosine (its Russian and
        # Kazakh names counted too) is the ``domain`` signal (only a composition with no
        # encoder at all, BM25 alone, lacks it).
        self.term_vectors = (
            GlossaryVectors(
                self.encoder,
                [e.english for e in self.glossary.entries],
                names=self.glossary.names_besides("en"),
            )
            if self.dense is not None or self.latent is not None
            else None
        )
        # Whether the question is about the reform at all (topic.py): ``topic`` when given
        # (the lab's), else the committed probe if it was fitted on this embedder's vectors.
        self.topic_probe = (
            (topic if topic is not None else for_embedder(embedder.name, embedder.dim))
            if self.dense is not None or self.latent is not None
            else None
        )
        # And how much nearer its nearest labelled questions about the reform are than
        # those about everything else (topic.py, ``near``): the same, for ``neighbours``.
        self.topic_neighbours = (
            (neighbours if neighbours is not None else neighbours_for(embedder.name, embedder.dim))
            if self.dense is not None or self.latent is not None
            else None
        )
        self._row_of = {p.id: row for row, p in enumerate(index.passages)}
        self.retrievers = self._compose(dict(extra or {}))
        self.confidence = ConfidenceStage(
            rule,
            self.bm25,
            {a.lang for a in index.articles.values()},
            judging=self.params.confidence,
        )

    def _compose(self, extra: dict[str, Retriever]) -> list[Retriever]:
        """The retrievers ``params`` names, in its order (those this build cannot run
        left out, e.g. latent terms on a build without them)."""
        available = {"dense": self.dense, "bm25": self.bm25, "latent": self.latent} | extra
        unknown = [r for r in self.params.retrievers if r not in available]
        if unknown:
            valid = ", ".join([*RETRIEVERS, *extra])
            raise ValueError(f"unknown retrievers {unknown}: use some of {valid}")
        chosen = [available[r] for r in self.params.retrievers if available[r] is not None]
        if not chosen:
            raise ValueError(f"none of {self.params.retrievers} can run on this build")
        return chosen

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

    def ask(self, question: str, k: int = 5, lang: str | None = None) -> Answer:
        started = clock = time.perf_counter()
        timings: dict[str, float] = {}
        query = self.prepare(question, lang)
        _lap(timings, "prepare", clock)
        query = self.encode(query, timings)
        rankings = self.retrieve(query, timings)
        clock = time.perf_counter()
        lexical = self.bm25.lexical(query)
        fused = self.fuse(rankings, lexical.coverage)
        clock = _lap(timings, "fuse", clock)
        question = asked(query.reading, self.glossary)
        clock = _lap(timings, "order", clock)
        dense = rankings.get("dense")
        # The reports compared are the first WINDOW hits, only where the time stage
        # reorders; else the shown k and the HITS_READ the confidence stage reads.
        read = max(k, HITS_READ, WINDOW if self._reorders(question) else 0)
        kept = collapse(fused, dense, self.index.passages, read)
        hits = highlight_hits(self.index, kept, dense, query.reading, lexical.tokens, read)
        clock = _lap(timings, "highlight", clock)
        ordered, check = self.order(query, question, hits)
        if ordered.moved:
            fused = _lead(fused, self._row_of[ordered.hits[0].passage.id])
        hits = ordered.hits
        clock = _lap(timings, "order", clock)
        judged = self.confidence.judge(
            Evidence(query, lexical, rankings, fused, hits, check, question)
        )
        _lap(timings, "confidence", clock)
        hits = hits[:k]
        abstained = judged.state == NONE
        return Answer(
            query=query.text,
            lang=query.lang,
            confidence=judged.state,
            results=[] if abstained else hits,
            related=hits if abstained else [],
            index_version=self.index.version,
            index_articles=len(self.index.articles),
            index_passages=len(self.index.passages),
            took_ms=(time.perf_counter() - started) * 1000,
            timings=timings,
            signals=judged.signals,
            reading=query.reading,
            superseded=() if abstained else ordered.superseded,
        )

    def prepare(self, question: str, lang: str | None = None) -> Query:
        """Stage 1 (prepare.py), with this composition's glossary."""
        return prepare(question, lang, self.glossary, self.params.glossary)

    def encode(self, query: Query, timings: dict[str, float] | None = None) -> Query:
        """Stage 2: the encoder pass(es) the retrievers need (timed as ``embed`` on
        ``timings`` when given), then the glossary terms' vectors mixed in and the nearest
        one's cosine (``terms``: part of what issue 18 counts beyond the encoder pass)."""
        if self.dense is None and self.latent is None:
            return query
        timings = {} if timings is None else timings
        clock = time.perf_counter()
        vector, latent = self.encoder.encode(query.dense_text, query.latent_text)
        clock = _lap(timings, "embed", clock)
        domain = topic = near = None
        if self.topic_probe is not None:
            topic = self.topic_probe.score(vector)
        if self.topic_neighbours is not None:
            near = self.topic_neighbours.score(vector)
        if self.term_vectors is not None:
            domain = self.term_vectors.nearest(vector)
            mixing = self.term_vectors.mixing(query.glossary_ids, self.params.glossary_mix)
            vector, latent = mixed(vector, latent, mixing)
        _lap(timings, "terms", clock)
        return replace(query, vector=vector, latent=latent, domain=domain, topic=topic, near=near)

    def order(self, query: Query, question: Asked, hits: list[Hit]) -> tuple[Ordered, Check | None]:
        """Stage 7 (verify.py, timeline.py): the first hits checked against what the
        question asks (``question``: ``verify.asked`` of its reading), reordered
        (``params.order``; only for a check of a named attribute or a duration, reports
        compared only for a named attribute), and the first hit's check, with whether its
        sentence names the question's claim words (``says``, claim.py)."""
        if not hits:
            return Ordered(hits), None
        reorders = self._reorders(question)
        checks = check_hits(hits[:WINDOW] if reorders else hits[:1], question, self.glossary)
        if not reorders:
            check = with_claim(as_lead(checks[0]), hits[0], question, query.lang)
            if self.params.order and check.says is not None and check.says <= LEAD_SAYS_AT_MOST:
                return self._lead_by_claim(query, question, hits, check)
            return Ordered(hits), check
        ordered = order_reports(
            hits, checks, query.lang, asks_outcome(query.reading), compare=question.specific
        )
        by_id = {h.passage.id: c for h, c in zip(hits, checks, strict=False)}
        first = ordered.hits[0]
        check = by_id.get(first.passage.id)
        if check is not None:
            check = with_claim(as_lead(check), first, question, query.lang)
        return ordered, check

    def _reorders(self, question: Asked) -> bool:
        """Whether the time stage compares reports for this question (``order``)."""
        return bool(self.params.order and (question.specific or question.duration))

    def _lead_by_claim(
        self, query: Query, question: Asked, hits: list[Hit], check: Check
    ) -> tuple[Ordered, Check]:
        """An open or yes/no question whose first hit's sentence names at most half its
        claim words (claim.py, ``LEAD_SAYS_AT_MOST``): the first of the next hits read for
        the answer type (``HITS_READ``) whose sentence names them all leads ("Was the
        referendum valid?": the report that it was, not the rule of when it would be; a
        Kazakh question's Kazakh report before an English one, which the claim check
        cannot read word for word)."""
        for i in range(1, min(HITS_READ, len(hits))):
            hit = hits[i]
            if claim_said(hit, question, query.lang) == 1.0:
                lead = replace(check_hit(hit, question, self.glossary), says=1.0)
                return Ordered([hit, *hits[:i], *hits[i + 1 :]], moved=True), lead
        return Ordered(hits), check

    def retrieve(self, query: Query, timings: dict[str, float] | None = None) -> dict[str, Ranking]:
        """Stage 3: the first retriever's candidates, re-ranked by each of the others;
        the rankings by retriever name (each timed on ``timings`` when given)."""
        timings = {} if timings is None else timings
        clock = time.perf_counter()
        first, *others = self.retrievers
        rankings = {first.name: first.search(query, DEPTH)}
        clock = _lap(timings, first.name, clock)
        for retriever in others:
            rankings[retriever.name] = retriever.rescore(query, rankings[first.name].rows)
            clock = _lap(timings, retriever.name, clock)
        return rankings

    def fuse(self, rankings: dict[str, Ranking], coverage: float) -> Ranking:
        """Stage 4: one ranking of the first retriever's candidates. ``coverage``: the
        share of the question's words in the corpus vocabulary, which scales BM25's
        weight."""
        first = rankings[self.retrievers[0].name]
        if len(rankings) == 1:
            return Ranking("fused", first.rows, first.scores)
        weights = scaled_weights(self.params.weights, rankings, coverage)
        return fuse(first, rankings, weights, self.params.fusion)


def _lead(fused: Ranking, row: int) -> Ranking:
    """``fused`` with ``row`` first (the time stage's lead), so the confidence stage's
    ranking signals describe the passage shown first."""
    rows = [row] + [r for r in fused.rows if r != row]
    scores = [fused.score_of(row)] + [
        s for r, s in zip(fused.rows, fused.scores, strict=True) if r != row
    ]
    return Ranking(fused.name, tuple(rows), tuple(scores), fused.detail)


def _lap(timings: dict[str, float], stage: str, since: float) -> float:
    now = time.perf_counter()
    timings[stage] = round(timings.get(stage, 0.0) + (now - since) * 1000, 3)
    return now
