"""Extracted articles -> Markdown files in the corpus, written once and atomically.

One file per article, ``<into>/<site>/<date>-<name>.md``: ``<site>`` from the canonical
address's host (``www.egemen.kz`` -> ``egemen-kz``; the site name when there is no
address), ``<name>`` from the address's last path segment (or the title, or a hash). The
file is the corpus's Markdown format (front matter, paragraphs) that ``corpus.py`` reads.

``CorpusFolder`` knows what the folder already holds, by canonical address and by text,
so that importing again writes nothing for a known article, and rewrites its file when
the article changed at the same address. Files are written to a hidden temporary file
in the same folder and renamed over the target: a reader (or ``reindex``) sees the old
file or the new one, never half of one; the corpus reader skips hidden files.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import yaml
from courlan import normalize_url

from ..corpus import Article, SourceFileError, read_file, source_files
from ..text import dedupe_key, short_hash
from .attribution import outlet_key, site_of
from .extract import ExtractedArticle

MAX_NAME_CHARS = 60
_NON_SLUG_RE = re.compile(r"[^a-z0-9]+")
_PAGE_SUFFIX_RE = re.compile(r"\.(s?html?|php|aspx?)$", re.I)


def render(article: ExtractedArticle) -> str:
    """The Markdown file for ``article``: YAML front matter, then its paragraphs."""
    meta: dict = {
        "title": article.title,
        "date": dt.date.fromisoformat(article.date),
        "outlet": article.outlet,
        "url": article.url,
        "lang": article.lang,
    }
    if article.section:
        meta["section"] = article.section
    # Claims the page made for another host (attribution.vet): kept for a maintainer to
    # judge; the corpus reader ignores these keys.
    meta["canonical_claimed"] = article.canonical_claimed
    meta["outlet_claimed"] = article.outlet_claimed
    meta = {k: v for k, v in meta.items() if v is not None}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{front}---\n{article.body.strip()}\n"


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by hyphens ('' when none)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_SLUG_RE.sub("-", ascii_text.lower()).strip("-")


def site_slug(article: ExtractedArticle) -> str:
    if article.url:
        host = (urlsplit(article.url).hostname or "").removeprefix("www.")
        if slug(host):
            return slug(host)
    return slug(article.outlet) or "unknown-outlet"


def file_name(article: ExtractedArticle) -> str:
    name = ""
    if article.url:
        segments = [s for s in urlsplit(article.url).path.split("/") if s]
        if segments:
            name = slug(_PAGE_SUFFIX_RE.sub("", unquote(segments[-1])))
    name = name or slug(article.title) or short_hash(article.url or article.title, length=8)
    return f"{article.date}-{name[:MAX_NAME_CHARS].rstrip('-')}.md"


def url_key(url: str | None) -> str | None:
    """A form under which two spellings of one address match (host case, port, tracking
    parameters, fragment)."""
    if not url:
        return None
    try:
        return urldefrag(normalize_url(str(url)))[0]
    except ValueError:
        return str(url)


def text_key(title: str, body: str) -> str:
    """The corpus's own duplicate key (``corpus.dedupe``), hashed."""
    return short_hash(dedupe_key(" ".join(title.split()) + "\n" + body.strip()), length=24)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Outcome:
    """What importing one article did: ``imported``, ``updated`` or ``unchanged``."""

    status: str
    path: Path
    note: str = ""


@dataclass
class CorpusFolder:
    """The articles already in a corpus folder, by address and by text, and the hosts
    each outlet's articles are on (``attribution.vet``)."""

    root: Path
    by_url: dict[str, Path] = field(default_factory=dict)
    by_text: dict[str, Path] = field(default_factory=dict)
    outlet_sites: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def scan(cls, root: Path) -> CorpusFolder:
        """Read every source file under ``root`` (any format); files that fail to parse are
        left to ``reindex`` to report and do not stop an import."""
        folder = cls(Path(root))
        if not folder.root.is_dir():
            return folder
        for path in source_files(folder.root):
            try:
                articles = read_file(path, folder.root)
            except SourceFileError:
                continue
            for article in articles:
                folder._remember(path, article)
        return folder

    def _remember(self, path: Path, article: Article | ExtractedArticle) -> None:
        """Index ``article`` (as read from the corpus, or as just written) under ``path``."""
        key = url_key(article.url)
        if key:
            self.by_url.setdefault(key, path)
        self.by_text.setdefault(text_key(article.title, article.body), path)
        if site_of(article.url):
            self.outlet_sites.setdefault(outlet_key(article.outlet), set()).add(
                site_of(article.url)
            )

    def save(self, article: ExtractedArticle, *, dry_run: bool = False) -> Outcome:
        """Write ``article`` unless the folder holds it already; see the module doc."""
        text = render(article)
        known = self.by_url.get(url_key(article.url) or "")
        if known is not None:
            if known.suffix != ".md":
                return Outcome("unchanged", known, "kept in a non-Markdown source")
            if _read(known) == text:
                return Outcome("unchanged", known)
            if not dry_run:
                write_atomic(known, text)
            self._remember(known, article)
            return Outcome("updated", known)
        same_text = self.by_text.get(text_key(article.title, article.body))
        if same_text is not None:
            return Outcome("unchanged", same_text, "same text under another address")
        path = self._free_path(self.root / site_slug(article) / file_name(article), article)
        if not dry_run:
            write_atomic(path, text)
        self._remember(path, article)
        return Outcome("imported", path)

    def _free_path(self, path: Path, article: ExtractedArticle) -> Path:
        """``path``, or beside it with a hash suffix when another article took the name."""
        taken = set(self.by_url.values()) | set(self.by_text.values())
        if not path.exists() and path not in taken:
            return path
        suffix = short_hash(article.url or article.title, article.date, length=6)
        return path.with_name(f"{path.stem}-{suffix}{path.suffix}")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
