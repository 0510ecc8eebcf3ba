"""The records a search returns: ``Hit`` (one attributed passage) and ``Answer``.

Their ``to_dict`` is the API's JSON; the page and the widget render the same records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .corpus import Article
from .passages import Passage

# The confidence states (confidence.py decides which): "high": the top passage answers;
# "low": on topic, but no passage clearly answers (results still given, with a caveat);
# "none": outside what the sources cover (no results; the closest passages under
# ``related``). Every module spells them through these names.
HIGH, LOW, NONE = "high", "low", "none"
STATES = (HIGH, LOW, NONE)


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
class Superseded:
    """An older report that states another value for the asked attribute than the first
    result (timeline.py): shown as "An earlier report, 8 Sep 2025, said ...". ``values``:
    the values it stated, as written."""

    date: str
    outlet: str
    title: str
    url: str | None
    lang: str
    sentence: str
    passage_id: str
    values: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "date": self.date,
            "outlet": self.outlet,
            "title": self.title,
            "url": self.url,
            "lang": self.lang,
            "sentence": self.sentence,
            "passage_id": self.passage_id,
            "values": list(self.values),
        }


@dataclass(frozen=True)
class Answer:
    query: str
    lang: str
    confidence: str  # one of STATES
    results: list[Hit]
    index_version: str
    index_articles: int
    index_passages: int
    took_ms: float
    related: list[Hit] = field(default_factory=list)
    # Older reports the first result supersedes (another value for the asked attribute),
    # newest first; empty when the reports agree or the question asks for no value.
    superseded: tuple[Superseded, ...] = ()
    # Not serialized: per-stage milliseconds (read by the benchmark) and the evidence the
    # confidence stage saw (read by the evaluation).
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    signals: dict[str, float] = field(default_factory=dict, compare=False)
    # Not serialized: the question as the stages read it (prepare.reading_of: respelt,
    # Latin-typed Kazakh in Cyrillic), which the fact line reads too.
    reading: str = field(default="", compare=False)

    @property
    def abstained(self) -> bool:
        """The API's ``abstained``: exactly ``confidence == "none"``."""
        return self.confidence == NONE

    @property
    def as_of(self) -> str | None:
        """The report date of the best match (the page's "as of ..."), None when abstained."""
        return self.results[0].article.date if self.results else None

    @property
    def ranked(self) -> list[Hit]:
        """What was found, best first, whether or not the service abstained."""
        return self.results or self.related

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "lang": self.lang,
            "confidence": self.confidence,
            "abstained": self.abstained,
            "results": [h.to_dict() for h in self.results],
            "related": [h.to_dict() for h in self.related],
            "as_of": self.as_of,
            "superseded": [s.to_dict() for s in self.superseded],
            "index": {
                "version": self.index_version,
                "articles": self.index_articles,
                "passages": self.index_passages,
            },
            "took_ms": round(self.took_ms, 2),
        }
