"""The importer against hostile sources (issue 21, rows 2, 3, 9 and 15).

The fixture site (test_import.NewsSite) is on loopback, which the importer refuses unless
``QA_IMPORT_ALLOW_PRIVATE`` is set. To play a *public* site that points the importer at an
internal one, a test gives the fetcher a rule under which 127.0.0.1 alone is public: then
127.0.0.2 (also loopback on Linux), ``[::1]`` and the cloud metadata address stand for the
internal services a feed, a sitemap or a redirect must not reach.
"""

from __future__ import annotations

import ipaddress

import pytest

from qa_service.cli import cli
from qa_service.importer import addresses, fetch
from qa_service.importer.attribution import vet
from qa_service.importer.fetch import Fetcher, FetchError
from qa_service.importer.run import run_import as import_sources

from .test_import import (
    FAST,
    SITE,
    _article,
    _policy,
    front_matter,
    news_site,
    run_import,
    summary_of,
)

LOOPBACK_ONE = ipaddress.ip_address("127.0.0.1")
EGEMEN = "https://egemen.kz/article/412345-referendum-uchaskeleri"
STRICT = FAST | {"QA_IMPORT_ALLOW_PRIVATE": "false"}


@pytest.fixture()
def site():
    with news_site() as server:
        yield server


def only_127_0_0_1(ip) -> bool:
    """The tests' stand-in for "public": the fixture site's address and nothing else."""
    return ip == LOOPBACK_ONE


def playing_public(**policy) -> Fetcher:
    return Fetcher(_policy(allow_private=False, **policy), address_rule=only_127_0_0_1)


# --- row 2: no request to a loopback, private or link-local address --------------------


@pytest.mark.parametrize(
    "address, public",
    [
        ("8.8.8.8", True),
        ("93.184.216.34", True),
        ("2a00:1450:4001:82b::200e", True),
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # shared (carrier-grade NAT)
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("2002:7f00:1::1", False),  # 6to4 around 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 around 169.254.169.254
    ],
)
def test_only_public_addresses_are_public(address, public):
    assert addresses.is_public(ipaddress.ip_address(address)) is public


def test_a_loopback_source_is_refused_unless_allowed(runner, site, tmp_path):
    corpus = tmp_path / "corpus"
    result = runner.invoke(
        cli,
        ["--corpus", str(corpus), "import", "--quiet", f"{site.base}/feed.xml"],
        env=STRICT,
    )
    assert result.exit_code == 3, result.output
    assert (
        f"{site.base}/feed.xml: refused: 127.0.0.1 is a loopback address (127.0.0.1); "
        "QA_IMPORT_ALLOW_PRIVATE=true allows it"
    ) in result.stderr
    assert site.requests == []  # not even robots.txt
    assert not corpus.exists()


@pytest.mark.parametrize(
    "target, kind",
    [
        ("http://127.0.0.2:{port}/kk/egemen-referendum.html", "loopback"),
        ("http://[::1]:{port}/secret.html", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.7/admin", "private"),
        ("http://[::ffff:7f00:2]:{port}/secret.html", "loopback"),
    ],
)
def test_a_redirect_to_a_private_address_is_refused(site, target, kind):
    port = site.server_address[1]
    site.serve("/jump", (302, "text/plain", b"", {"Location": target.format(port=port)}))
    with playing_public() as fetcher:
        with pytest.raises(FetchError, match=f"refused: .* is a {kind} address"):
            fetcher.get(f"{site.base}/jump")


def test_feed_and_sitemap_links_to_private_addresses_are_not_imported(site, tmp_path):
    port = site.server_address[1]
    links = [
        f"http://127.0.0.2:{port}/kk/egemen-referendum.html",
        f"http://[::1]:{port}/en/no-date.html",
        f"{site.base}/en/astana-times-ballot.html",  # the one public link
    ]
    items = "".join(
        f"<item><title>t{i}</title><link>{link}</link></item>" for i, link in enumerate(links)
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}'
    site.serve("/evil-feed.xml", (200, "application/rss+xml", (feed + "</channel></rss>").encode()))
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site.base}/jump</loc></url></urlset>"
    )
    site.serve("/evil-sitemap.xml", (200, "application/xml", sitemap.encode()))
    site.serve("/jump", (302, "text/plain", b"", {"Location": links[0]}))
    failures = []
    with playing_public() as fetcher:
        summary = import_sources(
            [f"{site.base}/evil-feed.xml", f"{site.base}/evil-sitemap.xml"],
            tmp_path / "corpus",
            fetcher,
            on_failure=failures.append,
        )
    assert (summary.found, summary.imported, summary.failed) == (4, 1, 3)
    assert sorted(f.source for f in failures) == sorted([*links[:2], f"{site.base}/jump"])
    assert all("is a loopback address" in f.reason for f in failures)
    requested = [path for path, _ in site.requests]
    assert "/kk/egemen-referendum.html" not in requested and "/en/no-date.html" not in requested


def test_the_address_a_connection_reaches_is_checked_too(site, monkeypatch):
    """A name that resolves to a public address when checked and to a private one when
    connected (DNS rebinding) is caught by the connection's own check."""
    monkeypatch.setattr(fetch, "check_host", lambda host, port, rule: None)
    with Fetcher(_policy(allow_private=False)) as fetcher:
        with pytest.raises(FetchError, match="refused: 127.0.0.1 is a loopback address"):
            fetcher.get(f"{site.base}/kk/egemen-referendum.html")
    assert site.requests == []


# --- row 3: a page cannot take another host's article or outlet ---------------------------


def test_a_canonical_on_another_host_does_not_overwrite_that_article(runner, site, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "egemen-kz").mkdir(parents=True)
    real = corpus / "egemen-kz" / "2026-02-20-referendum-uchaskeleri.md"
    real.write_text(
        "---\ntitle: Real\ndate: 2026-02-20\noutlet: Egemen Qazaqstan\n"
        f"url: {EGEMEN}\nlang: kk\n---\nThe real article.\n",
        "utf-8",
    )
    before = real.read_bytes()
    page = (SITE / "kk" / "egemen-referendum.html").read_bytes()
    hostile = page.replace("сағат жетіде".encode(), "ЖАЛҒАН".encode())
    site.serve("/hostile.html", hostile)

    result = run_import(runner, corpus, f"{site.base}/hostile.html")

    assert result.exit_code == 0, result.output
    assert summary_of(result.output)["imported"] == 1 and real.read_bytes() == before
    [written] = [p for p in corpus.rglob("*.md") if p != real]
    meta = front_matter(written)
    assert meta["url"] == f"{site.base}/hostile.html"
    assert meta["canonical_claimed"] == EGEMEN
    # The corpus knows Egemen Qazaqstan on egemen.kz only: the name is not 127.0.0.1's.
    assert (meta["outlet"], meta["outlet_claimed"]) == ("127.0.0.1", "Egemen Qazaqstan")


def test_a_site_name_or_canonical_for_another_host_is_only_a_claim():
    article = _article(url=EGEMEN, outlet="egemen.kz")
    vetted = vet(article, "https://evil.example/a?utm_source=x", {})
    assert (vetted.url, vetted.outlet) == ("https://evil.example/a", "evil.example")
    assert (vetted.canonical_claimed, vetted.outlet_claimed) == (EGEMEN, "egemen.kz")
    # Its own host's claims stand ("www." aside), and so do a saved file's.
    assert vet(article, "https://www.egemen.kz/amp/412345", {}) == article
    assert vet(article, None, {"egemen qazaqstan": {"egemen.kz"}}) == article
    named = _article(url=EGEMEN, outlet="Egemen  Qazaqstan")
    assert vet(named, EGEMEN, {"egemen qazaqstan": {"egemen.kz"}}) == named
    forged = vet(named, "https://evil.example/x", {"egemen qazaqstan": {"egemen.kz"}})
    assert forged.outlet == "evil.example"
    assert vet(_article(outlet="New Outlet"), "https://example.kz/n", {}).outlet == "New Outlet"


# --- row 9: numbers in headers and robots.txt ---------------------------------------------


@pytest.mark.parametrize(
    "path, response",
    [
        ("/odd-length.html", {"Content-Length": "\u00b2"}),
        ("/robots.txt", {"Content-Length": "\u00b2"}),
        ("/robots.txt", {"Content-Length": "9" * 5000}),
    ],
    ids=["page Content-Length ²", "robots Content-Length ²", "robots 5,000-digit length"],
)
def test_odd_digits_in_headers_do_not_crash_the_import(runner, site, tmp_path, path, response):
    page = (SITE / "kk" / "egemen-referendum.html").read_bytes()
    body = page if path.endswith(".html") else b"User-agent: *\nDisallow: /private/\n"
    site.serve(path, (200, "text/html" if path.endswith(".html") else "text/plain", body, response))
    result = run_import(runner, tmp_path / "corpus", f"{site.base}/odd-length.html")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_a_source_with_odd_digits_is_still_imported(runner, site, tmp_path):
    page = (SITE / "kk" / "egemen-referendum.html").read_bytes()
    site.serve("/odd.html", (200, "text/html", page, {"Content-Length": "\u00b2"}))
    result = run_import(runner, tmp_path / "corpus", f"{site.base}/odd.html")
    assert result.exit_code == 0, result.output
    assert summary_of(result.output)["imported"] == 1


@pytest.mark.parametrize("value", ["\u00b2", "\u2460", "9" * 5000, "Fri, 99 Foo 2026 99:99:99"])
def test_an_unreadable_retry_after_means_the_usual_backoff(site, value):
    page = (SITE / "kk" / "egemen-referendum.html").read_bytes()
    site.serve("/busy.html", (429, "text/plain", b"", {"Retry-After": value}), page)
    waits = []
    with Fetcher(_policy(retries=1), sleep=waits.append) as fetcher:
        assert fetcher.get(f"{site.base}/busy.html").body == page
    assert waits == [1.0]


@pytest.mark.parametrize(
    "line", ["Crawl-delay: \u00b2", "Request-rate: \u2460/5", "Crawl-delay: 1x"]
)
def test_an_odd_crawl_delay_is_ignored(site, line):
    site.serve(
        "/robots.txt", (200, "text/plain", f"User-agent: *\n{line}\nDisallow: /private/\n".encode())
    )
    with Fetcher(_policy()) as fetcher:
        assert fetcher.get(f"{site.base}/kk/egemen-referendum.html").body
        with pytest.raises(FetchError, match="forbidden by robots.txt"):
            fetcher.get(f"{site.base}/private/internal.html")


# --- row 15: robots.txt's status ----------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410, 400])
def test_a_missing_robots_txt_means_no_rules(site, status):
    site.serve("/robots.txt", (status, "text/html", b"<html>Not found</html>"))
    with Fetcher(_policy()) as fetcher:
        assert fetcher.get(f"{site.base}/kk/egemen-referendum.html").body
        assert fetcher.get(f"{site.base}/private/internal.html").body


@pytest.mark.parametrize("status", [401, 403, 429, 500, 503])
def test_a_refused_or_failing_robots_txt_still_means_keep_out(site, status):
    site.serve("/robots.txt", (status, "text/plain", b"no"))
    with Fetcher(_policy()) as fetcher:
        with pytest.raises(FetchError, match="forbidden by robots.txt"):
            fetcher.get(f"{site.base}/kk/egemen-referendum.html")
