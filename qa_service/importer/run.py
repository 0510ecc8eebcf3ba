"""One import run: sources -> candidate articles -> extracted -> written, with a summary.

Every failure is per source: it is recorded as ``SOURCE: reason`` and the run goes on,
so one dead link in a feed costs that link only. The summary counts the articles found
(after discovery, each address once), imported (new files), updated (an article whose
text changed at a known address), unchanged (already in the corpus) and failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..exit_codes import ExitCode
from .attribution import vet
from .discover import (
    HTML_SUFFIXES,
    MAX_SITEMAP_DEPTH,
    Candidate,
    feed_candidates,
    kind_of,
    local_candidates,
    sitemap_candidates,
    ungzip,
)
from .extract import NotAnArticle, extract_article
from .fetch import Fetcher, FetchError, Page
from .write import CorpusFolder, Outcome


@dataclass(frozen=True)
class Failure:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class ImportSummary:
    found: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False

    @property
    def failed(self) -> int:
        return len(self.failures)

    def count(self, outcome: Outcome) -> None:
        """One article written (or found unchanged), counted under its status."""
        if outcome.status == "imported":
            self.imported += 1
        elif outcome.status == "updated":
            self.updated += 1
        elif outcome.status == "unchanged":
            self.unchanged += 1
        else:
            raise ValueError(f"unknown import outcome {outcome.status!r}")
        self.outcomes.append(outcome)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.SOURCES_FAILED if self.failures else ExitCode.OK

    def lines(self) -> list[str]:
        out = [
            f"found:      {self.found}",
            f"imported:   {self.imported}",
            f"updated:    {self.updated}",
            f"unchanged:  {self.unchanged}",
            f"failed:     {self.failed}",
        ]
        if self.dry_run:
            out.append("(dry run: nothing was written)")
        return out


Progress = Callable[[list[Candidate]], Iterable[Candidate]]


@dataclass
class Importer:
    """Runs sources through discovery, extraction and writing into ``folder``."""

    fetcher: Fetcher
    folder: CorpusFolder
    dry_run: bool = False
    on_failure: Callable[[Failure], None] = lambda failure: None
    on_outcome: Callable[[Outcome], None] = lambda outcome: None
    summary: ImportSummary = field(default_factory=ImportSummary)

    def run(self, sources: Iterable[str], progress: Progress | None = None) -> ImportSummary:
        self.summary.dry_run = self.dry_run
        candidates = _unique(c for source in sources for c in self.discover(source))
        self.summary.found = len(candidates)
        many = len(candidates) > 1 and progress is not None
        for candidate in progress(candidates) if many else candidates:
            self.import_one(candidate)
        return self.summary

    def fail(self, source: str, reason: str) -> None:
        failure = Failure(source, reason)
        self.summary.failures.append(failure)
        self.on_failure(failure)

    # --- discovery ------------------------------------------------------------------

    def discover(self, source: str) -> list[Candidate]:
        """The articles a SOURCE holds; a failure is recorded and yields none."""
        scheme = urlsplit(source).scheme.lower()
        if scheme in ("http", "https"):
            return self._discover_url(source, depth=0)
        if len(scheme) > 1:  # not a Windows drive letter
            self.fail(source, f"only http(s) addresses and local files are imported ({scheme}:)")
            return []
        path = Path(source)
        if not path.exists():
            hint = " (a web address needs its https://)" if _looks_like_host(source) else ""
            self.fail(source, f"no such file or folder{hint}")
            return []
        found = local_candidates(path)
        if not found:
            self.fail(source, "no .html or .htm file in this folder")
        return found

    def _discover_url(self, url: str, depth: int) -> list[Candidate]:
        try:
            page = ungzip(self.fetcher.get(url), self.fetcher.policy.max_bytes)
        except FetchError as exc:
            self.fail(url, str(exc))
            return []
        kind = kind_of(page)
        if kind == "html":
            return [Candidate(source=url, url=page.final_url, page=page)]
        if kind == "feed":
            try:
                found = feed_candidates(page)
            except FetchError as exc:
                self.fail(url, str(exc))
                return []
        elif kind == "sitemap":
            try:
                found, nested = sitemap_candidates(page)
            except FetchError as exc:
                self.fail(url, str(exc))
                return []
            for child in nested:
                if depth + 1 > MAX_SITEMAP_DEPTH:
                    self.fail(child, f"sitemaps nested deeper than {MAX_SITEMAP_DEPTH}")
                    continue
                found += self._discover_url(child, depth + 1)
        else:
            self.fail(url, f"not an HTML page, feed or sitemap ({_type_name(page)})")
            return []
        if not found:
            self.fail(url, f"no article link in this {kind}")
        return found

    # --- one article ----------------------------------------------------------------

    def import_one(self, candidate: Candidate) -> None:
        try:
            html, url = self._html_of(candidate)
            article = extract_article(html, url, date_hint=candidate.date_hint)
            article = vet(article, url, self.folder.outlet_sites)
        except (FetchError, NotAnArticle) as exc:
            self.fail(candidate.source, str(exc))
            return
        except Exception as exc:  # a library bug on one odd page must not stop the run
            self.fail(candidate.source, f"extraction failed ({type(exc).__name__}: {exc})")
            return
        try:
            outcome = self.folder.save(article, dry_run=self.dry_run)
        except OSError as exc:
            self.fail(candidate.source, f"cannot write: {exc.strerror or exc}")
            return
        self.summary.count(outcome)
        self.on_outcome(outcome)

    def _html_of(self, candidate: Candidate) -> tuple[bytes, str | None]:
        if candidate.path is not None:
            if candidate.path.suffix.lower() not in (".html", ".htm"):
                raise FetchError("not a saved .html or .htm page")
            try:
                return candidate.path.read_bytes(), None
            except OSError as exc:
                raise FetchError(f"cannot read: {exc.strerror or exc}") from None
        page = candidate.page or self.fetcher.get(str(candidate.url))
        if kind_of(page) != "html":
            raise FetchError(f"not an HTML page ({_type_name(page)})")
        return page.body, page.final_url


def _looks_like_host(source: str) -> bool:
    """``egemen.kz/article/1``: a domain name first, not a file name."""
    first = source.split("/")[0]
    return "." in first and not first.lower().endswith(HTML_SUFFIXES) and first not in (".", "..")


def _type_name(page: Page) -> str:
    return page.content_type or "no content type"


def _unique(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Each address (or file) once, in order of first appearance."""
    seen: set[str] = set()
    kept = []
    for c in candidates:
        key = c.url or str(c.path)
        if key not in seen:
            seen.add(key)
            kept.append(c)
    return kept


def run_import(
    sources: Iterable[str],
    into: Path,
    fetcher: Fetcher,
    *,
    dry_run: bool = False,
    on_failure: Callable[[Failure], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import every SOURCE into the corpus folder ``into``; see ``Importer``."""
    importer = Importer(fetcher=fetcher, folder=CorpusFolder.scan(into), dry_run=dry_run)
    if on_failure:
        importer.on_failure = on_failure
    if on_outcome:
        importer.on_outcome = on_outcome
    return importer.run(sources, progress)
