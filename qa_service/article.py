"""The ``Article`` record: what every reader produces and every later stage reads.

Apart from corpus.py (the readers) so that dedupe.py and the build can use the record
without importing the readers, and the readers can call dedupe without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


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
    # The outlet republished another publisher's page, and ``url`` is that original (a
    # page dump's "Source: <url>" line): credited "via <outlet>, originally <host>".
    republished: bool = False

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
            "original_publisher": publisher_of(self.url) if self.republished else None,
        }

    def to_dict(self) -> dict:
        return self.attribution() | {
            "body": self.body,
            "source": self.source,
            "line": self.line,
            "republished": self.republished,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        # ``republished`` may be absent from records written before it existed.
        fields = {
            k: data[k] for k in cls.__dataclass_fields__ if k != "also_reported_by" and k in data
        }
        others = tuple(
            OtherOutlet(str(o["outlet"]), o.get("url")) for o in data.get("also_reported_by", ())
        )
        return cls(**fields, also_reported_by=others)


def publisher_of(url: str | None) -> str | None:
    """The site an address belongs to, as readers know it: ``www.gov.kz`` -> ``gov.kz``."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    return host.removeprefix("www.")
