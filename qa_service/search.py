"""Question -> ranked, attributed passages (``Answer``), the records the API returns.

The pipeline: clean the question, embed it, search the dense index, collapse overlapping
windows of one article, highlight the answering sentence, decide whether to abstain.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .corpus import Article
from .embedder import Embedder
from .index import LoadedIndex
from .passages import Passage
from .text import clean_query, detect_lang


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    passage: Passage
    article: Article
    highlight: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict:
        a = self.article
        return {
            "rank": self.rank,
            "score": round(float(self.score), 4),
            "passage_id": self.passage.id,
            "text": self.passage.text,
            "highlight": [{"start": s, "end": e} for s, e in self.highlight],
            "article": {
                "id": a.id,
                "title": a.title,
                "date": a.date,
                "outlet": a.outlet,
                "section": a.section,
                "url": a.url,
                "lang": a.lang,
            },
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


class Searcher:
    """Answers questions from one loaded build with one embedder. Thread-safe for reads."""

    def __init__(self, index: LoadedIndex, embedder: Embedder):
        self.index = index
        self.embedder = embedder

    def dense(self, query: str, depth: int) -> list[tuple[int, float]]:
        """(passage row, cosine) pairs, best first."""
        qvec = self.embedder.encode_queries([query])
        scores, ids = self.index.search(np.asarray(qvec, dtype=np.float32), depth)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def ask(self, question: str, k: int = 5, lang: str | None = None) -> Answer:
        started = time.perf_counter()
        query = clean_query(question)
        lang = lang or detect_lang(query)
        ranked = self.dense(query, depth=max(k * 4, 20))
        hits = self._hits(ranked, k)
        return Answer(
            query=query,
            lang=lang,
            abstained=False,
            results=hits,
            index_version=self.index.version,
            index_articles=len(self.index.articles),
            index_passages=len(self.index.passages),
            took_ms=(time.perf_counter() - started) * 1000,
        )

    def _hits(self, ranked: list[tuple[int, float]], k: int) -> list[Hit]:
        hits = []
        for row, score in ranked[:k]:
            passage = self.index.passages[row]
            article = self.index.articles[passage.article_id]
            hits.append(Hit(len(hits) + 1, score, passage, article))
        return hits
