"""What a SOURCE holds: one article, a feed or sitemap listing articles, or saved pages.

A source on disk is a saved ``.html``/``.htm`` file or a folder of them (read
recursively). A source address is fetched once and classified by its content, not its
name: RSS/Atom (feedparser), a sitemap or sitemap index (lxml; links on the sitemap's own host
only), or an HTML page, which is the article
itself. Anything else (a PDF, an image) is "not an HTML page".
"""

from __future__ import annotations

import gzip
import io
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree

from .fetch import FetchError, Page, is_http_url

HTML_SUFFIXES = (".html", ".htm")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
XML_TYPES = frozenset({"text/xml", "application/xml"}) | FEED_TYPES
MAX_SITEMAP_DEPTH = 2  # an index of sitemaps of sitemaps is as deep as news sites go


@dataclass(frozen=True)
class Candidate:
    """One article to import: an address to fetch (``page`` when already fetched) or a
    saved file. ``source`` is how failures name it; ``date_hint`` is the publication date
    its feed gave, used when the page's markup has none."""

    source: str
    url: str | None = None
    path: Path | None = None
    page: Page | None = None
    date_hint: str | None = None


def local_candidates(path: Path) -> list[Candidate]:
    """A saved page, or every saved page under a folder in a stable order."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in HTML_SUFFIXES and not p.name.startswith(".")
        )
        return [Candidate(source=str(p), path=p) for p in files]
    return [Candidate(source=str(path), path=path)]


def kind_of(page: Page) -> str:
    """``feed``, ``sitemap``, ``html`` or ``other``, from the body first, then the type."""
    head = _text_head(page.body)
    if head.startswith("<?xml") or page.content_type in XML_TYPES or not page.content_type:
        if any(tag in head for tag in ("<rss", "<feed", "<rdf:rdf")):
            return "feed"
        if any(tag in head for tag in ("<urlset", "<sitemapindex")):
            return "sitemap"
    if page.content_type in HTML_TYPES or "<html" in head or "<!doctype html" in head:
        return "html"
    return "other"


def _text_head(body: bytes) -> str:
    return body[:2048].decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n").lower()


def ungzip(page: Page, max_bytes: int) -> Page:
    """A ``.xml.gz`` sitemap served as gzip bytes, inflated up to ``max_bytes``."""
    if not page.body.startswith(b"\x1f\x8b"):
        return page
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(page.body)) as stream:
            body = stream.read(max_bytes + 1)
    except (OSError, EOFError) as exc:
        raise FetchError(f"broken gzip data ({exc})") from None
    if len(body) > max_bytes:
        raise FetchError(f"larger than {max_bytes} bytes once inflated")
    return Page(page.url, page.final_url, "application/xml", body)


def feed_candidates(page: Page) -> list[Candidate]:
    """The entries of an RSS or Atom feed, each with the date the feed gives it."""
    parsed = feedparser.parse(page.body, response_headers={"content-location": page.final_url})
    if not parsed.entries:
        if parsed.bozo:
            raise FetchError(f"unreadable feed ({type(parsed.bozo_exception).__name__})")
        return []
    found = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        url = urljoin(page.final_url, link)
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        date = time.strftime("%Y-%m-%d", stamp) if stamp else None
        found.append(Candidate(source=url, url=url, date_hint=date))
    return found


def sitemap_candidates(page: Page) -> tuple[list[Candidate], list[str]]:
    """(articles, nested sitemap addresses) of a sitemap or sitemap index.

    Only links on the sitemap's own host are kept (the sitemap protocol's rule, and what
    stops one site's sitemap from sending the importer elsewhere). A Google News
    ``<news:publication_date>`` becomes the article's date hint. Parsed by lxml with
    entities and network access off.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(page.body, parser)
    except etree.XMLSyntaxError as exc:
        raise FetchError(f"unreadable sitemap ({exc.msg})") from None
    host = _site(page.final_url)
    articles, nested = [], []
    for entry in root:
        if not isinstance(entry.tag, str):
            continue  # a comment or processing instruction
        loc = _child_text(entry, "loc")
        if not loc:
            continue
        url = urljoin(page.final_url, loc)
        if not is_http_url(url) or _site(url) != host:
            continue
        if etree.QName(entry).localname == "sitemap":
            nested.append(url)
        else:
            date = _child_text(entry, "publication_date")
            articles.append(Candidate(source=url, url=url, date_hint=date[:10] if date else None))
    return articles, list(dict.fromkeys(nested))


def _child_text(element, name: str) -> str:
    """Text of the first descendant named ``name`` in any namespace."""
    for child in element.iter():
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return (child.text or "").strip()
    return ""


def _site(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")
