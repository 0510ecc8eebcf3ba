"""`referendum-qa import` against a local news site (never the internet).

The fixture site (tests/data/import/site) copies the layout of Kazakh, Russian and
English news pages: navigation, ads, share buttons, "read also", comments, Open Graph
and JSON-LD. The server adds what a site does wrong: a 404, a page slower than the
timeout, one larger than the size cap, a PDF, a redirect to ftp:, a robots.txt that
forbids /private/. Settings keep the run fast (no delay, a short timeout, no retries).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import threading
from pathlib import Path

import pytest
import yaml

from qa_service import __version__
from qa_service.cli import cli
from qa_service.config import Settings
from qa_service.corpus import read_corpus
from qa_service.importer.discover import kind_of, ungzip
from qa_service.importer.extract import ExtractedArticle, NotAnArticle, choose_lang
from qa_service.importer.extract import extract_article as extract
from qa_service.importer.fetch import Fetcher, FetchError, FetchPolicy, Page
from qa_service.importer.write import CorpusFolder, render

from .conftest import DATA

SITE = DATA / "import" / "site"
SAVED = DATA / "import" / "saved"
FAST = {
    "QA_IMPORT_DELAY_SECONDS": "0",
    "QA_IMPORT_TIMEOUT_SECONDS": "1",
    "QA_IMPORT_RETRIES": "0",
    "QA_IMPORT_MAX_BYTES": "100000",
    "QA_IMPORT_ALLOW_PRIVATE": "true",  # the fixture site is on loopback
}
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain",
}
FEED_TYPES = {"/feed.xml": "application/rss+xml", "/atom.xml": "application/atom+xml"}

# What the feed's four good articles must come out as. The fixture site plays four outlets
# from one loopback host, so their canonical addresses (and a site name that is a domain)
# are claims for other hosts: each is filed under the address it was served from, the
# claim kept as `canonical_claimed` (issue 21, row 3; test_import_safety.py).
EXPECTED = {
    "egemen-kz": {
        "title": "Референдумда 10 мыңнан астам учаске жұмыс істейді",
        "date": "2026-02-20",
        "outlet": "Egemen Qazaqstan",
        "url": "https://egemen.kz/article/412345-referendum-uchaskeleri",
        "served": "/kk/egemen-referendum.html",
        "lang": "kk",
        "says": "сағат жетіде ашылып",
    },
    "tengrinews-kz": {
        "title": "Наблюдатели из 30 стран приедут на референдум",
        "date": "2026-02-18",  # from JSON-LD
        "outlet": "Tengrinews.kz",  # JSON-LD publisher, a domain: not 127.0.0.1's to claim
        "url": "https://tengrinews.kz/kazakhstan_news/nablyudateli-referendum-561234/",
        "served": "/ru/tengri-referendum.html",
        "lang": "ru",
        "says": "из 30 стран",
    },
    "astanatimes-com": {
        "title": "Ballots to Be Printed in Three Languages for Referendum",
        "date": "2026-02-16",
        "outlet": "The Astana Times",
        "url": "https://astanatimes.com/2026/02/ballots-to-be-printed-in-three-languages-for-referendum/",
        "served": "/en/astana-times-ballot.html",
        "lang": "en",
        "says": "printed in Kazakh, Russian and English",
    },
    "inform-kz": {
        "title": "How to check your polling station",
        "date": "2026-02-19",  # the page has none: the feed's pubDate
        "outlet": "Kazinform",
        "url": "https://www.inform.kz/en/how-to-check-your-polling-station-a4123456",
        "served": "/en/no-date.html",
        "lang": "en",
        "says": "individual identification number",
    },
}
# Text around the articles that must never reach a body, in the three languages.
BOILERPLATE = [
    "Тағы оқыңыз", "Жарнама", "Пікірлер", "Бөлісу", "Келісемін", "Басты бет", "Айгүл",
    "Астанада жаңа мектеп", "Читайте также", "Комментарии", "Поделиться", "Реклама",
    "Telegram", "Гость_42", "Погода на выходные", "Все права защищены", "Read also",
    "Leave a Reply", "Share this", "Advertisement", "newsletter", "Subscribe",
    "Top 10 places", "Braille", "Weather forecast", "All rights reserved", "USD",
]  # fmt: skip
FEED_FAILURES = {
    "/ru/missing.html": "HTTP 404",
    "/slow.html": "timed out after 1 s",
    "/big.html": "larger than 100000 bytes",
    "/files/turnout.pdf": "not an HTML page (application/pdf)",
    "/private/internal.html": "forbidden by robots.txt",
}


class NewsSite(http.server.ThreadingHTTPServer):
    """Serves SITE and records each request's path and User-Agent. ``serve`` adds or
    overrides a path with a list of responses, given in turn (the last one sticks)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.requests: list[tuple[str, str]] = []
        self.scripted: dict[str, list[tuple[int, str, bytes, dict]]] = {}
        self.released = threading.Event()  # set at teardown: the slow page stops waiting

    def serve(self, path, *responses):
        """Each response: ``body`` or ``(status, content_type, body[, headers])``."""
        self.scripted[path] = [
            (200, "text/html", r, {}) if isinstance(r, bytes) else (*r, {})[:4] for r in responses
        ]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: NewsSite

    def do_GET(self):  # noqa: N802 - http.server's name
        site = self.server
        site.requests.append((self.path, self.headers.get("User-Agent", "")))
        path = self.path.split("?")[0]
        if path in site.scripted:
            queue = site.scripted[path]
            return self._send(*(queue.pop(0) if len(queue) > 1 else queue[0]))
        if path == "/slow.html":
            site.released.wait(5)
            return self._send(200, TYPES[".html"], b"<html><body>late</body></html>")
        if path == "/big.html":  # no Content-Length: the cap must hold while streaming
            self.send_response(200)
            self.send_header("Content-Type", TYPES[".html"])
            self.end_headers()
            paragraph = b"<p>" + "Бюллетень. ".encode() * 50 + b"</p>\n"
            self.wfile.write(b"<html><body>" + paragraph * 400 + b"</body></html>")
            return None
        if path == "/files/turnout.pdf":
            return self._send(200, "application/pdf", b"%PDF-1.4\n% test fixture\n%%EOF\n")
        if path == "/redirect-ftp":
            return self._send(302, "text/plain", b"", {"Location": "ftp://127.0.0.1/f.html"})
        if path == "/moved/tengri":
            return self._send(301, "text/plain", b"", {"Location": "/ru/tengri-referendum.html"})
        file = (SITE / path.lstrip("/")).resolve()
        if not file.is_relative_to(SITE) or not file.is_file():
            return self._send(404, "text/html", b"<html><body>Not found</body></html>")
        body = file.read_bytes()
        if file.suffix == ".xml":
            body = body.replace(b"{base}", site.base.encode())
        return self._send(200, FEED_TYPES.get(path) or TYPES.get(file.suffix, "text/plain"), body)

    def _send(self, status, content_type, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if "Content-Length" not in (headers or {}):  # a scripted one replaces it
            self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output clean
        pass

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the slow page): expected


@contextlib.contextmanager
def news_site():
    server = NewsSite()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.released.set()
        server.shutdown()
        server.server_close()


@pytest.fixture()
def site():
    with news_site() as server:
        yield server


def run_import(runner, corpus: Path, *args: str):
    return runner.invoke(cli, ["--corpus", str(corpus), "import", "--quiet", *args], env=FAST)


def summary_of(output: str) -> dict[str, int]:
    counts = {}
    for line in output.splitlines():
        key, _, value = line.partition(":")
        if key in ("found", "imported", "updated", "unchanged", "failed") and value.strip():
            counts[key] = int(value)
    return counts


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8").split("---\n")[1])


def written(corpus: Path) -> dict[str, str]:
    return {str(p.relative_to(corpus)): p.read_text("utf-8") for p in corpus.rglob("*.md")}


# --- the command on every kind of source --------------------------------------------------


def test_feed_imports_the_articles_and_names_each_failure(runner, site, tmp_path):
    corpus = tmp_path / "corpus"
    result = run_import(runner, corpus, f"{site.base}/feed.xml")

    assert result.exit_code == 3, result.output
    assert summary_of(result.output) == {
        "found": 9,
        "imported": 4,
        "updated": 0,
        "unchanged": 0,
        "failed": 5,
    }
    for path, reason in FEED_FAILURES.items():
        assert f"{site.base}{path}: {reason}" in result.stderr
    report = read_corpus(corpus)
    assert report.errors == []
    by_title = {a.title: a for a in report.articles}
    assert set(by_title) == {want["title"] for want in EXPECTED.values()}
    for folder, want in EXPECTED.items():
        article = by_title[want["title"]]
        got = {k: getattr(article, k) for k in ("title", "date", "lang")}
        assert got == {k: want[k] for k in got}
        assert article.url == site.base + want["served"]
        claims = front_matter(corpus / article.source)
        assert claims["canonical_claimed"] == want["url"]
        if "." in want["outlet"]:
            assert (article.outlet, claims["outlet_claimed"]) == ("127.0.0.1", want["outlet"])
        else:
            assert article.outlet == want["outlet"] and "outlet_claimed" not in claims
        assert Path(article.source).parts[0] == "127-0-0-1"
        assert want["says"] in article.body
        assert Path(article.source).name.startswith(want["date"])
        leaked = [b for b in BOILERPLATE if b in article.body]
        assert leaked == [], f"{folder}: {leaked}"
        assert article.title not in article.body  # the <h1> is not repeated as a paragraph


def test_politeness_robots_user_agent_and_forbidden_paths(runner, site, tmp_path):
    run_import(runner, tmp_path / "corpus", f"{site.base}/feed.xml")
    paths = [path for path, _ in site.requests]
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    assert "/private/internal.html" not in paths
    agents = {agent for _, agent in site.requests}
    assert len(agents) == 1 and agents.pop().startswith(f"referendum-qa/{__version__} (")


def test_sitemap_index_then_again_writes_nothing(runner, site, tmp_path):
    corpus = tmp_path / "corpus"
    first = run_import(runner, corpus, f"{site.base}/sitemap_index.xml")
    assert first.exit_code == 0, first.output
    assert summary_of(first.output) == {
        "found": 4,
        "imported": 4,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
    }
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in corpus.rglob("*.md")}

    again = run_import(runner, corpus, f"{site.base}/sitemap.xml", f"{site.base}/atom.xml")
    assert again.exit_code == 0, again.output
    assert summary_of(again.output) == {
        "found": 4,
        "imported": 0,
        "updated": 0,
        "unchanged": 4,
        "failed": 0,
    }
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in corpus.rglob("*.md")} == before
    assert list(corpus.rglob(".*")) == []  # no temporary file left behind


def test_a_changed_article_updates_its_file(runner, site, tmp_path):
    corpus = tmp_path / "corpus"
    page = (SITE / "ru" / "vlast-kvorum.html").read_bytes()
    site.serve("/live.html", page)
    assert run_import(runner, corpus, f"{site.base}/live.html").exit_code == 0
    [path] = corpus.rglob("*.md")

    edited = page.replace("Эксперты отмечают".encode(), "Политологи отмечают".encode())
    site.serve("/live.html", edited)
    result = run_import(runner, corpus, f"{site.base}/live.html")

    assert result.exit_code == 0
    assert summary_of(result.output)["updated"] == 1
    assert list(corpus.rglob("*.md")) == [path]
    assert "Политологи отмечают" in path.read_text("utf-8")


def test_the_same_text_under_another_address_is_not_written_twice(runner, site, tmp_path):
    corpus = tmp_path / "corpus"
    page = (SITE / "kk" / "egemen-referendum.html").read_bytes()
    copy = page.replace(b"https://egemen.kz/article/412345", b"https://other.kz/copy/1")
    site.serve("/copy.html", copy)
    result = run_import(
        runner, corpus, f"{site.base}/kk/egemen-referendum.html", f"{site.base}/copy.html"
    )
    assert summary_of(result.output) == {
        "found": 2,
        "imported": 1,
        "updated": 0,
        "unchanged": 1,
        "failed": 0,
    }
    assert len(list(corpus.rglob("*.md"))) == 1


def test_a_folder_of_saved_pages(runner, tmp_path):
    corpus = tmp_path / "corpus"
    result = run_import(runner, corpus, str(SAVED))

    assert result.exit_code == 3
    assert summary_of(result.output) == {
        "found": 2,  # notes.txt is not a page
        "imported": 1,
        "updated": 0,
        "unchanged": 0,
        "failed": 1,
    }
    assert f"{SAVED / 'kk-no-date.html'}: no publication date found" in result.stderr
    [article] = read_corpus(corpus).articles
    assert article.source == "informburo-kz/2026-02-19-gde-golosovat-esli-vy-ne-doma-2026.md"
    # The address comes from the browser's "saved from url" comment.
    assert article.url == "https://informburo.kz/novosti/gde-golosovat-esli-vy-ne-doma-2026.html"
    assert (article.lang, article.outlet) == ("ru", "Informburo.kz")


def test_dry_run_reports_and_writes_nothing(runner, site, tmp_path):
    corpus = tmp_path / "corpus"
    result = run_import(runner, corpus, "--dry-run", f"{site.base}/sitemap.xml")
    assert result.exit_code == 0
    assert summary_of(result.output)["imported"] == 4
    assert "dry run: nothing was written" in result.output
    assert not corpus.exists()


def test_into_writes_to_another_folder(runner, site, tmp_path):
    elsewhere = tmp_path / "incoming"
    result = run_import(
        runner, tmp_path / "corpus", "--into", str(elsewhere), f"{site.base}/moved/tengri"
    )
    assert result.exit_code == 0, result.output
    [path] = elsewhere.rglob("*.md")
    assert path.parent.name == "127-0-0-1"  # the host that served it (after the redirect)
    assert not (tmp_path / "corpus").exists()


def test_bad_sources_fail_one_by_one(runner, site, tmp_path):
    corpus = tmp_path / "corpus"
    result = run_import(
        runner,
        corpus,
        str(tmp_path / "nowhere"),
        "egemen.kz/article/1",
        "ftp://127.0.0.1/feed.xml",
        f"{site.base}/redirect-ftp",
        f"{site.base}/kk/egemen-referendum.html",
    )
    assert result.exit_code == 3
    assert f"{tmp_path / 'nowhere'}: no such file or folder\n" in result.stderr
    assert "egemen.kz/article/1: no such file or folder (a web address needs its https://)" in (
        result.stderr
    )
    assert "ftp://127.0.0.1/feed.xml: only http(s) addresses and local files" in result.stderr
    assert f"{site.base}/redirect-ftp: redirected to a non-http(s) address" in result.stderr
    assert summary_of(result.output)["imported"] == 1  # the good one is still written


@pytest.mark.parametrize(
    "args",
    [[], ["--into", __file__, "x.html"], ["--bogus", "x.html"]],
    ids=["no source", "into a file", "unknown option"],
)
def test_usage_errors_exit_2(runner, tmp_path, args):
    result = runner.invoke(cli, ["--corpus", str(tmp_path), "import", *args], env=FAST)
    assert result.exit_code == 2


@pytest.mark.slow
def test_reindex_embeds_only_the_new_articles(runner, site, tmp_path, e5):
    from qa_service.build import reindex

    corpus = tmp_path / "corpus"
    settings = Settings.load(
        {"corpus_dir": corpus, "embeddings_dir": tmp_path / "emb", "embedder": e5.name}
    )
    run_import(runner, corpus, f"{site.base}/kk/egemen-referendum.html")
    first = reindex(settings, e5)
    run_import(runner, corpus, f"{site.base}/sitemap.xml")
    second = reindex(settings, e5)
    assert (first.articles, second.articles) == (1, 4)
    assert second.reused == first.passages
    assert second.embedded == second.passages - first.passages


# --- the pieces ---------------------------------------------------------------------------


def _article(**changes) -> ExtractedArticle:
    fields = {
        "title": 'Title: with "quotes", a # and --- dashes',
        "date": "2026-02-14",
        "outlet": "Outlet: Qazaq",
        "url": "https://example.kz/news/a-1.html",
        "lang": "kk",
        "body": "Бірінші абзац: «тырнақша».\n\n---\n\nЕкінші абзац.",
        "section": "Саясат",
    }
    return ExtractedArticle(**(fields | changes))


def test_written_markdown_reads_back_unchanged(tmp_path):
    article = _article()
    outcome = CorpusFolder.scan(tmp_path).save(article)
    assert outcome.status == "imported"
    assert outcome.path == tmp_path / "example-kz" / "2026-02-14-a-1.md"
    [read] = read_corpus(tmp_path).articles
    for name in ("title", "date", "outlet", "url", "lang", "section", "body"):
        assert getattr(read, name) == getattr(article, name), name
    assert [p.name for p in tmp_path.rglob("*")] == ["example-kz", "2026-02-14-a-1.md"]


def test_a_hand_written_file_with_the_same_address_counts(tmp_path):
    (tmp_path / "mine.md").write_text(
        "---\ntitle: Mine\ndate: 2026-02-14\nurl: https://EXAMPLE.kz/news/a-1.html#top\n---\n"
        "Written by hand.\n",
        encoding="utf-8",
    )
    folder = CorpusFolder.scan(tmp_path)
    assert folder.save(_article()).status == "updated"  # a Markdown file: rewritten
    assert "Бірінші абзац" in (tmp_path / "mine.md").read_text("utf-8")


def test_two_articles_with_one_file_name_both_kept(tmp_path):
    folder = CorpusFolder.scan(tmp_path)
    one = folder.save(_article())
    two = folder.save(_article(url="https://example.kz/other/a-1.html", body="Басқа мәтін."))
    assert one.path != two.path and one.path.exists() and two.path.exists()


def test_render_starts_with_front_matter():
    text = render(_article(section=None))
    assert text.startswith("---\ntitle: ") and "\nsection:" not in text


@pytest.mark.parametrize(
    ("declared", "text", "lang"),
    [
        ("ru", "Бюллетеньде бір ғана сұрақ болады. Сайлаушы белгі қоюы тиіс.", "kk"),
        (
            "ru",
            "Депутаты Мәжіліс обсудили поправки к закону о выборах. Председатель комитета "
            "сообщил, что законопроект рассмотрят на следующей неделе, после заключения "
            "правительства и консультаций с общественными объединениями.",
            "ru",
        ),
        ("en", "Наблюдатели из 30 стран приедут на референдум.", "ru"),
        ("kk", "Ballots will be printed in three languages.", "en"),
        (None, "Ballots will be printed in three languages.", "en"),
        ("kk", "Бюллетень канша болады, кашан жарияланады?", "kk"),
    ],
)
def test_choose_lang(declared, text, lang):
    assert choose_lang(declared, text) == lang


def test_a_listing_page_is_not_an_article():
    listing = "<html><body><ul>" + "<li><a href='/x'>Headline</a></li>" * 5 + "</ul></body></html>"
    with pytest.raises(NotAnArticle):
        extract(listing, "https://example.kz/")


def test_kind_of_sniffs_the_body_not_the_name():
    def page(body, ctype=""):
        return Page("u", "u", ctype, body)

    assert kind_of(page(b"<?xml version='1.0'?><rss version='2.0'>", "text/html")) == "feed"
    assert kind_of(page(b"\xef\xbb\xbf<urlset xmlns='x'>", "application/xml")) == "sitemap"
    assert kind_of(page(b"<!DOCTYPE html><html>", "text/html")) == "html"
    assert kind_of(page(b"%PDF-1.4", "application/pdf")) == "other"


def test_gzip_sitemaps_are_inflated_within_the_cap():
    import gzip

    body = gzip.compress(b"<urlset>" + b" " * 5000 + b"</urlset>")
    assert ungzip(Page("u", "u", "application/gzip", body), 10_000).body.startswith(b"<urlset")
    with pytest.raises(FetchError, match="once inflated"):
        ungzip(Page("u", "u", "application/gzip", body), 1_000)


def _policy(**changes) -> FetchPolicy:
    fields = {"user_agent": "referendum-qa/test", "delay": 0.0, "timeout": 1.0}
    defaults = {"retries": 0, "max_bytes": 100_000, "allow_private": True}
    return FetchPolicy(**(fields | defaults | changes))


class FakeClock:
    """A clock that only moves when slept on: records each wait the fetcher asks for."""

    def __init__(self):
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))
        self.now += seconds


def test_retries_back_off_then_succeed(site):
    page = (SITE / "kk" / "egemen-referendum.html").read_bytes()
    site.serve("/flaky.html", (503, "text/plain", b"busy"), (503, "text/plain", b"busy"), page)
    clock = FakeClock()
    with Fetcher(_policy(retries=2, delay=0.5), sleep=clock.sleep, clock=clock) as fetcher:
        got = fetcher.get(f"{site.base}/flaky.html")
    assert got.body == page
    assert [p for p, _ in site.requests].count("/flaky.html") == 3
    # The host's delay after robots.txt, then backoff: max(delay, 1 s) x 1, x 2.
    assert clock.waits == [0.5, 1.0, 2.0]


def test_retry_after_is_honoured_and_retries_end(site):
    site.serve("/busy.html", (429, "text/plain", b"", {"Retry-After": "7"}))
    clock = FakeClock()
    with Fetcher(_policy(retries=1), sleep=clock.sleep, clock=clock) as fetcher:
        with pytest.raises(FetchError, match="HTTP 429"):
            fetcher.get(f"{site.base}/busy.html")
    assert clock.waits == [7.0]
    assert [p for p, _ in site.requests].count("/busy.html") == 2


def test_per_host_delay_and_crawl_delay(site):
    site.serve("/robots.txt", (200, "text/plain", b"User-agent: *\nCrawl-delay: 3\n"))
    clock = FakeClock()
    with Fetcher(_policy(delay=0.5), sleep=clock.sleep, clock=clock) as fetcher:
        fetcher.get(f"{site.base}/en/no-date.html")
        fetcher.get(f"{site.base}/en/astana-times-ballot.html")
    # robots.txt's Crawl-delay (3 s) is longer than the setting (0.5 s): it wins.
    assert clock.waits == [3.0, 3.0]


def test_size_cap_with_a_declared_length(site):
    site.serve("/declared.html", b"x" * 2000)
    with Fetcher(_policy(max_bytes=1000)) as fetcher:
        with pytest.raises(FetchError, match="larger than 1000 bytes"):
            fetcher.get(f"{site.base}/declared.html")
        assert fetcher.get(f"{site.base}/robots.txt").body.startswith(b"#")


def test_robots_unreadable_means_nothing_is_fetched(site):
    site.serve("/robots.txt", (500, "text/plain", b"oops"))
    with Fetcher(_policy()) as fetcher:
        with pytest.raises(FetchError, match="forbidden by robots.txt"):
            fetcher.get(f"{site.base}/en/no-date.html")
    assert "/en/no-date.html" not in [p for p, _ in site.requests]


def test_robots_txt_redirects_are_followed(site):
    site.serve("/robots.txt", (301, "text/plain", b"", {"Location": "/rules.txt"}))
    site.serve("/rules.txt", (200, "text/plain", b"User-agent: *\nDisallow: /en/\n"))
    with Fetcher(_policy()) as fetcher:
        with pytest.raises(FetchError, match="forbidden by robots.txt"):
            fetcher.get(f"{site.base}/en/no-date.html")
        assert fetcher.get(f"{site.base}/kk/egemen-referendum.html").body


def test_a_windows_1251_page_is_read():
    page = (SITE / "ru" / "vlast-kvorum.html").read_text("utf-8")
    page = page.replace('<meta charset="utf-8">', '<meta charset="windows-1251">')
    article = extract(page.encode("cp1251"), "https://vlast.kz/x")
    assert article.title.startswith("Референдум признают") and article.lang == "ru"


def test_feed_date_is_only_a_fallback():
    page = (SITE / "kk" / "egemen-referendum.html").read_bytes()
    assert extract(page, "https://egemen.kz/x", date_hint="2020-01-01").date == "2026-02-20"
    undated = (SITE / "en" / "no-date.html").read_bytes()
    assert extract(undated, "https://x.kz/a", date_hint="2026-02-19").date == "2026-02-19"


def test_today_bounds_dates():
    """A date after today in the markup is not taken (htmldate's max_date)."""
    tomorrow = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    page = (SITE / "en" / "no-date.html").read_text("utf-8")
    page = page.replace(
        "<head>", f'<head><meta property="article:published_time" content="{tomorrow}">'
    )
    with pytest.raises(NotAnArticle, match="no publication date"):
        extract(page, "https://x.kz/a")
