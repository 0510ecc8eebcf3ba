"""The ``Article`` record: what every reader produces and every later stage reads.

Apart from corpus.py (the readers) so that dedupe.py and the build can use the record
without importing the readers, and the readers can call dedupe without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OtherOutlet:
    """Another outlet that carried the same story (a near-duplicate dropped at dedupe)."""

    outlet: str
    url: str | None

    def to_dict(self) -> dict:
        return {"outlet": self.outlet, "url": self.url}


@dataclass(frozen=True)
class Article:
    """One article. ``id`` depends only on the normalized title and the date, so it is
    stable across rebuilds and across copies of the same article in other files.
    ``also_reported_by``: the other outlets whose copies dedupe folded into this one."""

    id: str
    title: str
    date: str  # ISO 8601, yyyy-mm-dd
    outlet: str
    section: str | None
    url: str | None
    lang: str
    body: str
    source: str  # file the article was read from, relative to the corpus folder
    line: int  # line in that file where the article starts
    also_reported_by: tuple[OtherOutlet, ...] = ()

    def attribution(self) -> dict:
        """What every result carries about its source (API, page, CLI)."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "outlet": self.outlet,
            "section": self.section,
            "url": self.url,
            "lang": self.lang,
            "also_reported_by": [o.to_dict() for o in self.also_reported_by],
        }

    def to_dict(self) -> dict:
        return self.attribution() | {"body": self.body, "source": self.source, "line": self.line}

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k != "also_reported_by"}
        others = tuple(
            OtherOutlet(str(o["outlet"]), o.get("url")) for o in data.get("also_reported_by", ())
        )
        return cls(**fields, also_reported_by=others)
