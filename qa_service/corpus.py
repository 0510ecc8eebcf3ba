"""Source files -> ``Article`` records, one reader per format, then dedupe.

Formats (chosen by file extension, documented in the README):

- ``.txt``: a news page dump as received from the site: an outlet line, section headers
  such as ``News More``, a title line ending in a ``dd.mm.yyyy`` date, then the body.
- ``.md``: one article per file, YAML front matter (title, date, outlet, url, lang,
  section) and the body in Markdown paragraphs.
- ``.jsonl``: one article per line, a JSON object with the same fields plus ``body``.

A file that fails to parse yields a ``SourceError`` naming the file and line; the other
files are still read, and the caller decides whether a build may go on without it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .text import dedupe_key, detect_lang, short_hash, space_glued_sentences
from .validate import LANGS

FORMATS = (".txt", ".md", ".jsonl")
REQUIRED_FIELDS = ("title", "date", "body")

# A dump's title line ends in a date: "<title> dd.mm.yyyy". Read by title_line(), from
# the end, not by one regex: `^(\S.*?)\s+dd.mm.yyyy\s*$` backtracks quadratically on a
# long line of spaces (8,000 of them took 1.1 s).
_DATE_RE = re.compile(r"(?P<d>\d{2})\.(?P<m>\d{2})\.(?P<y>\d{4})")
DATE_CHARS = 10
_SECTION_RE = re.compile(r"^(?P<section>[A-Z][\w ]{0,40}?)\s+More\s*$")
_SOURCE_RE = re.compile(r"\s*Source\s*:\s*(?P<url>https?://\S+)\s*$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#].\S*$")


@dataclass(frozen=True)
class Article:
    """One article. ``id`` depends only on the normalized title and the date, so it is
    stable across rebuilds and across copies of the same article in other files."""

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
            "original_publisher": publisher_of(self.url) if self.republished else None,
        }

    def to_dict(self) -> dict:
        return {
            **self.attribution(),
            "body": self.body,
            "source": self.source,
            "line": self.line,
            "republished": self.republished,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        # Fields with defaults may be absent from builds written before they existed.
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def publisher_of(url: str | None) -> str | None:
    """The site an address belongs to, as readers know it: ``www.gov.kz`` -> ``gov.kz``."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    return host.removeprefix("www.")


@dataclass(frozen=True)
class SourceError:
    """A problem in one source file, precise enough to fix without a debugger."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class CorpusReport:
    articles: list[Article] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    duplicates_removed: int = 0


class _ParseError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def article_id(title: str, date: str) -> str:
    return f"{date}-{short_hash(dedupe_key(title), date, length=10)}"


def make_article(
    *,
    title: str,
    date: str,
    body: str,
    outlet: str,
    source: str,
    line: int,
    section: str | None = None,
    url: str | None = None,
    lang: str | None = None,
    republished: bool = False,
) -> Article:
    title = " ".join(str(title).split())
    # Spaced once here, before passages take offsets: every offset is into this body.
    body = space_glued_sentences(str(body).strip())
    if not title:
        raise _ParseError(line, "empty title")
    if not body:
        raise _ParseError(line, f"article {title!r} has an empty body")
    iso = _iso_date(date, line)
    if url is not None and not _URL_RE.match(str(url)):
        raise _ParseError(line, f"url {url!r} is not an http(s) address")
    if lang is not None and lang not in LANGS:
        raise _ParseError(line, f"lang {lang!r} is not one of {', '.join(LANGS)}")
    return Article(
        id=article_id(title, iso),
        title=title,
        date=iso,
        outlet=str(outlet).strip() or "unknown",
        section=section,
        url=url,
        lang=lang or detect_lang(body),
        body=body,
        source=source,
        line=line,
        republished=republished and url is not None,
    )


def _iso_date(value: object, line: int) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise _ParseError(line, f"date {text!r} is neither yyyy-mm-dd nor dd.mm.yyyy")


def parse_page_dump(text: str, source: str) -> list[Article]:
    """Read a news page dump: outlet line, section headers, dated title lines, bodies."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise _ParseError(1, "expected the outlet name on the first line")
    outlet = lines[0].strip()
    section: str | None = None
    articles: list[Article] = []
    current: dict | None = None

    def flush() -> None:
        if current is None:
            return
        body = "\n".join(current["body"]).strip()
        url = None
        match = _SOURCE_RE.search(body)
        if match:
            url = match.group("url")
            body = body[: match.start()].rstrip()
        articles.append(
            make_article(
                title=current["title"],
                date=current["date"],
                body=body,
                outlet=outlet,
                section=current["section"],
                url=url,
                # A dump's "Source:" line names the page the outlet republished.
                republished=url is not None,
                source=source,
                line=current["line"],
            )
        )

    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if not line:
            if current is not None:
                current["body"].append("")
            continue
        if m := _SECTION_RE.match(line):
            flush()
            current = None
            section = m.group("section")
            continue
        if found := title_line(line):
            flush()
            current = {
                "title": found[0],
                "date": found[1],
                "section": section,
                "line": number,
                "body": [],
            }
            continue
        if current is None:
            raise _ParseError(number, "text before the first dated title line")
        current["body"].append(line)
    flush()
    if not articles:
        raise _ParseError(1, "no article found (a title line must end in a dd.mm.yyyy date)")
    return articles


def title_line(line: str) -> tuple[str, str] | None:
    """(title, "dd.mm.yyyy") when ``line`` is a title followed by whitespace and a date,
    else None. Linear in the line: the date is read from the end, the title is what
    precedes the whitespace before it (and must start with a non-space)."""
    stripped = line.rstrip()
    if len(stripped) <= DATE_CHARS or stripped[:1].isspace():
        return None
    date = _DATE_RE.fullmatch(stripped[-DATE_CHARS:])
    before = stripped[:-DATE_CHARS]
    title = before.rstrip()
    if date is None or not title or len(title) == len(before):
        return None
    return title, f"{date['d']}.{date['m']}.{date['y']}"


def parse_markdown(text: str, source: str) -> list[Article]:
    """One article in Markdown with YAML front matter."""
    import frontmatter  # light, but only needed for this format
    import yaml

    if not text.startswith("---"):
        raise _ParseError(1, "expected YAML front matter starting with '---'")
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _ParseError((mark.line + 1) if mark else 1, f"front matter: {exc}") from None
    meta = post.metadata
    missing = [k for k in ("title", "date") if not meta.get(k)]
    if missing:
        raise _ParseError(1, f"front matter lacks {', '.join(missing)}")
    closing = re.search(r"^---\s*$", text[3:], flags=re.M)
    body_line = text[: 3 + closing.end()].count("\n") + 2 if closing else 1
    return [
        make_article(
            title=meta["title"],
            date=meta["date"],
            body=post.content,
            outlet=meta.get("outlet", "unknown"),
            section=meta.get("section"),
            url=meta.get("url"),
            lang=meta.get("lang"),
            source=source,
            line=body_line,
        )
    ]


def parse_jsonl(text: str, source: str) -> list[Article]:
    """One article per line; blank lines are allowed."""
    articles = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _ParseError(number, f"invalid JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(data, dict):
            raise _ParseError(number, "each line must be a JSON object")
        missing = [k for k in REQUIRED_FIELDS if not data.get(k)]
        if missing:
            raise _ParseError(number, f"missing field(s): {', '.join(missing)}")
        articles.append(
            make_article(
                title=data["title"],
                date=data["date"],
                body=data["body"],
                outlet=data.get("outlet", "unknown"),
                section=data.get("section"),
                url=data.get("url"),
                lang=data.get("lang"),
                source=source,
                line=number,
            )
        )
    if not articles:
        raise _ParseError(1, "no article in file")
    return articles


PARSERS = {".txt": parse_page_dump, ".md": parse_markdown, ".jsonl": parse_jsonl}


def source_files(corpus_dir: Path) -> list[Path]:
    """Every file in the corpus folder a reader exists for, in a stable order.

    A symlinked file whose target is outside the folder is left out, as symlinked folders
    are: otherwise a link to any readable file (``/etc/…``, another project's notes) would
    be published by the next reindex (issue 21, row 13)."""
    root = Path(corpus_dir).resolve()
    return sorted(
        p
        for p in Path(corpus_dir).rglob("*")
        if p.is_file()
        and p.suffix.lower() in FORMATS
        and not p.name.startswith(".")
        and (not p.is_symlink() or p.resolve().is_relative_to(root))
    )


def read_file(path: Path, corpus_dir: Path) -> list[Article]:
    """Parse one file; raises ``SourceFileError`` with the file and line on bad input."""
    rel = str(path.relative_to(corpus_dir)) if path.is_relative_to(corpus_dir) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise SourceFileError(SourceError(rel, line, "not valid UTF-8")) from None
    except OSError as exc:
        raise SourceFileError(SourceError(rel, 0, f"cannot read: {exc.strerror}")) from None
    try:
        return PARSERS[path.suffix.lower()](text, rel)
    except _ParseError as exc:
        raise SourceFileError(SourceError(rel, exc.line, exc.message)) from None


class SourceFileError(Exception):
    def __init__(self, error: SourceError):
        super().__init__(str(error))
        self.error = error


def read_corpus(corpus_dir: Path) -> CorpusReport:
    """Read every source file, collecting errors per file, then drop duplicate articles."""
    corpus_dir = Path(corpus_dir)
    report = CorpusReport()
    if not corpus_dir.is_dir():
        report.errors.append(SourceError(str(corpus_dir), 0, "corpus folder does not exist"))
        return report
    found: list[Article] = []
    for path in source_files(corpus_dir):
        report.sources.append(str(path.relative_to(corpus_dir)))
        try:
            found.extend(read_file(path, corpus_dir))
        except SourceFileError as exc:
            report.errors.append(exc.error)
    report.articles, report.duplicates_removed = dedupe(found)
    return report


def _shingles(text: str, size: int = 5) -> set[str]:
    return {text[i : i + size] for i in range(max(1, len(text) - size + 1))}


def near_duplicate(a: str, b: str, threshold: float = 0.9) -> bool:
    """Jaccard similarity of character 5-gram shingles of the normalized texts.

    Catches small edits (a changed word, a dropped sentence end) that exact matching misses,
    while two different articles on the same topic stay far below the threshold.
    """
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return False
    # Cheap length bound first: Jaccard cannot exceed min/max of the set sizes.
    if min(len(sa), len(sb)) / max(len(sa), len(sb)) < threshold:
        return False
    return len(sa & sb) / len(sa | sb) >= threshold


def _richness(article: Article) -> tuple[int, int]:
    """Prefer the copy that kept more: its quotes and punctuation, then a source link."""
    return (len(article.body), article.url is not None)


def dedupe(articles: Iterable[Article]) -> tuple[list[Article], int]:
    """Keep one copy of each article (the richer one), in order of first appearance."""
    kept: list[Article] = []
    keys: list[str] = []
    removed = 0
    for article in articles:
        key = dedupe_key(article.title + "\n" + article.body)
        match = None
        for i, other in enumerate(keys):
            if key == other or near_duplicate(key, other):
                match = i
                break
        if match is None:
            kept.append(article)
            keys.append(key)
            continue
        removed += 1
        if _richness(article) > _richness(kept[match]):
            # Same position, richer content; the id is the same as both share title and date.
            kept[match] = article
            keys[match] = key
    return kept, removed
