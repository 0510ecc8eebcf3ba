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

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .article import Article
from .dedupe import NUM_PERM, SHINGLE, dedupe_signed
from .language import article_language
from .text import dedupe_key, short_hash, space_glued_sentences
from .validate import LANGS

FORMATS = (".txt", ".md", ".jsonl")
REQUIRED_FIELDS = ("title", "date", "body")
# Bumped when a reader or the dedupe signature changes: a build's stored records of
# unchanged files (SourceRecord) are then read again rather than reused.
READER_VERSION = f"3;{SHINGLE},{NUM_PERM}"  # 2: other languages refused; 3: glued sentences spaced

# A dump's title line ends in a date: "<title> dd.mm.yyyy". Read by title_line(), from
# the end, not by one regex: `^(\S.*?)\s+dd.mm.yyyy\s*$` backtracks quadratically on a
# long line of spaces (8,000 of them took 1.1 s).
_DATE_RE = re.compile(r"(?P<d>\d{2})\.(?P<m>\d{2})\.(?P<y>\d{4})")
DATE_CHARS = 10
_SECTION_RE = re.compile(r"^(?P<section>[A-Z][\w ]{0,40}?)\s+More\s*$")
_SOURCE_RE = re.compile(r"\s*Source\s*:\s*(?P<url>https?://\S+)\s*$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#].\S*$")


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
    # Every file read, duplicates included, with signatures (see SourceRecord).
    records: list[SourceRecord] = field(default_factory=list)
    reused_files: int = 0  # of those, taken from the previous build instead of parsed


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
    lang = lang or article_language(title + "\n" + body)
    if lang not in LANGS:
        raise _ParseError(line, f"language {lang} is not one of {', '.join(LANGS)}")
    return Article(
        id=article_id(title, iso),
        title=title,
        date=iso,
        outlet=str(outlet).strip() or "unknown",
        section=section,
        url=url,
        lang=lang,
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
    return _parse(_read_bytes(path, rel), path.suffix.lower(), rel)


def _read_bytes(path: Path, rel: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceFileError(SourceError(rel, 0, f"cannot read: {exc.strerror}")) from None


def _parse(data: bytes, suffix: str, rel: str) -> list[Article]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceFileError(SourceError(rel, line, "not valid UTF-8")) from None
    try:
        return PARSERS[suffix](text, rel)
    except _ParseError as exc:
        raise SourceFileError(SourceError(rel, exc.line, exc.message)) from None


class SourceFileError(Exception):
    def __init__(self, error: SourceError):
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class SourceRecord:
    """One source file as last read: the hash of its bytes, the articles read from it
    (duplicates included) and their dedupe signatures, under the reader version.

    A build stores one per file (``sources.jsonl``); the next reindex takes an unchanged
    file's articles and signatures from it instead of parsing and shingling it again."""

    path: str
    sha256: str
    articles: tuple[Article, ...]
    signatures: tuple[np.ndarray | None, ...]
    reader: str = READER_VERSION

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "reader": self.reader,
            "articles": [a.to_dict() for a in self.articles],
            "signatures": [_b64(s) for s in self.signatures],
        }

    @classmethod
    def from_dict(cls, data: dict) -> SourceRecord:
        return cls(
            path=str(data["path"]),
            sha256=str(data["sha256"]),
            articles=tuple(Article.from_dict(a) for a in data["articles"]),
            signatures=tuple(_from_b64(s) for s in data["signatures"]),
            reader=str(data["reader"]),
        )


def _b64(values: np.ndarray | None) -> str | None:
    if values is None:
        return None
    return base64.b64encode(np.asarray(values, dtype="<u4").tobytes()).decode("ascii")


def _from_b64(text: str | None) -> np.ndarray | None:
    if text is None:
        return None
    return np.frombuffer(base64.b64decode(text), dtype="<u4").astype(np.uint32)


def _read_source(path: Path, rel: str, known: SourceRecord | None) -> SourceRecord:
    data = _read_bytes(path, rel)
    digest = hashlib.sha256(data).hexdigest()
    if known is not None and known.sha256 == digest and known.reader == READER_VERSION:
        return known
    articles = tuple(_parse(data, path.suffix.lower(), rel))
    return SourceRecord(rel, digest, articles, (None,) * len(articles))


def read_corpus(corpus_dir: Path, known: Mapping[str, SourceRecord] | None = None) -> CorpusReport:
    """Read every source file, collecting errors per file, then drop duplicate articles.

    ``known``: records of a previous read by path (a build's ``sources.jsonl``); a file
    whose bytes and reader version are unchanged is taken from there, not parsed."""
    corpus_dir = Path(corpus_dir)
    report = CorpusReport()
    if not corpus_dir.is_dir():
        report.errors.append(SourceError(str(corpus_dir), 0, "corpus folder does not exist"))
        return report
    records: list[SourceRecord] = []
    for path in source_files(corpus_dir):
        rel = str(path.relative_to(corpus_dir))
        report.sources.append(rel)
        try:
            records.append(_read_source(path, rel, (known or {}).get(rel)))
        except SourceFileError as exc:
            report.errors.append(exc.error)
    report.reused_files = sum(r is (known or {}).get(r.path) for r in records)
    found = [a for r in records for a in r.articles]
    result = dedupe_signed(found, [s for r in records for s in r.signatures])
    report.articles, report.duplicates_removed = result.kept, result.removed
    signatures = iter(result.signatures)
    report.records = [
        dataclasses.replace(r, signatures=tuple(next(signatures) for _ in r.articles))
        for r in records
    ]
    return report
