"""The HTML side through Flask's test client: languages, server-rendered answers (the
no-JavaScript path), escaping, headers per route, the embed loader and snippet, feedback
without JavaScript, and the weight of the first page load."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from qa_service.i18n import DEFAULT_LANG, LANGS, CatalogError, Catalogs, negotiate
from qa_service.ui import parent_origin, segments

from .conftest import abstaining

ON_TOPIC = "How many deputies will the Kurultai have?"
PAGE_BUDGET_BYTES = 100 * 1024


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.fixture(scope="module")
def ui_app(seed_index, e5):
    """The seed app with rate limits off: these tests make more page requests a minute
    than a citizen may, and must not share counts with the other test files."""
    from qa_service.app import create_app

    settings, _ = seed_index
    return create_app({"TESTING": True}, settings=replace(settings, rate_limits=False), embedder=e5)


@pytest.fixture()
def app(ui_app):
    return ui_app


@pytest.fixture(scope="module")
def catalogs(ui_app) -> Catalogs:
    return ui_app.extensions["i18n"]


def config_of(page: BeautifulSoup) -> dict:
    return json.loads(page.find("script", id="qa-config").string)


# --- languages ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_page_renders_in_each_language(client, catalogs, lang):
    r = client.get(f"/?lang={lang}")
    assert r.status_code == 200
    page = soup(r)
    assert page.html["lang"] == lang
    assert page.find("label", attrs={"for": "q"}).get_text(strip=True) == catalogs.text(
        lang, "question_label"
    )
    switcher = page.select("nav.langs a")
    assert sorted(a["lang"] for a in switcher) == sorted(LANGS)
    assert [a["lang"] for a in switcher if a.has_attr("aria-current")] == [lang]
    for a in switcher:
        assert parse_qs(urlsplit(a["href"]).query)["lang"] == [a["lang"]]
    examples = [a.get_text(strip=True) for a in page.select("a.example")]
    assert examples == catalogs.get(lang, "examples")
    assert config_of(page)["lang"] == lang


@pytest.mark.parametrize("lang", LANGS)
def test_every_example_question_is_answered_by_the_seed(client, catalogs, lang):
    """An example that leads to "no source answers" would teach people the service is empty."""
    for example in catalogs.get(lang, "examples"):
        answer = client.get("/api/v1/ask", query_string={"q": example, "lang": lang}).get_json()
        assert not answer["abstained"] and answer["results"], example


def test_catalogs_have_the_same_keys_and_real_translations(catalogs):
    keys = {lang: set(catalogs.messages[lang]) for lang in LANGS}
    assert keys["kk"] == keys["ru"] == keys["en"]
    # A string left untranslated shows up as the English text in another catalog.
    for key in keys["en"]:
        english = catalogs.get("en", key)
        if isinstance(english, str) and len(english) > 12:
            assert catalogs.get("kk", key) != english, key
            assert catalogs.get("ru", key) != english, key


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("en-GB,en;q=0.9", "en"),
        ("kk-KZ", "kk"),
        ("kz", "kk"),
        ("de-DE,de;q=0.9", DEFAULT_LANG),
        (None, DEFAULT_LANG),
    ],
)
def test_accept_language_fallback(client, header, expected):
    headers = {"Accept-Language": header} if header else {}
    r = client.get("/", headers=headers)
    assert soup(r).html["lang"] == expected
    assert "Accept-Language" in r.headers.get("Vary", "")


def test_lang_parameter_wins_over_accept_language(client):
    r = client.get("/?lang=en", headers={"Accept-Language": "ru"})
    assert soup(r).html["lang"] == "en"
    assert negotiate("bogus", None) == DEFAULT_LANG


def test_a_broken_catalog_is_a_startup_error(tmp_path, catalogs):
    for lang in LANGS:
        data = dict(catalogs.messages[lang])
        if lang == "ru":
            del data["ask_button"]
        (tmp_path / f"{lang}.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"ru\.json: missing keys ask_button"):
        Catalogs.load(tmp_path)


def test_dates_in_each_language(catalogs):
    assert catalogs.format_date("en", "2026-02-14") == "14 February 2026"
    assert catalogs.format_date("ru", "2026-02-14") == "14 февраля 2026 г."
    assert catalogs.format_date("kk", "2026-02-14") == "2026 жылғы 14 ақпан"
    assert catalogs.format_date("en", "sometime") == "sometime"


# --- answers rendered on the server (JavaScript off) -------------------------------------


def test_server_renders_attributed_results(client, catalogs):
    expected = client.get("/api/v1/ask", query_string={"q": ON_TOPIC, "lang": "en"}).get_json()
    r = client.get("/", query_string={"q": ON_TOPIC, "lang": "en"})
    assert r.status_code == 200
    page = soup(r)
    items = page.select("#results ol.results > li.result")
    assert len(items) == len(expected["results"]) > 0
    for li, hit in zip(items, expected["results"], strict=True):
        a = hit["article"]
        title = li.select_one(".result-title a")
        assert title.get_text() == a["title"]
        assert urlsplit(title["href"]).path == f"/articles/{a['id']}"
        assert li.find("time")["datetime"] == a["date"]
        assert li.select_one(".outlet").get_text() == a["outlet"]
        quote = li.select_one("blockquote.passage")
        assert quote.get_text() == hit["text"]
        marked = "".join(m.get_text() for m in quote.find_all("mark"))
        spans = sorted((s["start"], s["end"]) for s in hit["highlight"])
        assert marked == "".join(hit["text"][s:e] for s, e in spans)
        if a["url"]:
            assert li.select_one("a.source-link")["href"] == a["url"]
        else:
            assert li.select_one("a.source-link") is None
        form = li.select_one("form.feedback")
        assert form["method"] == "post" and form["action"] == "/feedback"
        assert form.find("input", attrs={"name": "passage_id"})["value"] == hit["passage_id"]
    assert page.select_one("#status").get_text(strip=True) == catalogs.text(
        "en", "status_found", n=len(items)
    )
    # The seed is English: no "source in ..." note on an English page, one on a Kazakh one.
    assert not page.select(".source-lang")
    kk = soup(client.get("/", query_string={"q": ON_TOPIC, "lang": "kk"}))
    notes = {n.get_text() for n in kk.select("#results .source-lang")}
    assert notes == {catalogs.get("kk", "source_in")["en"]}


def test_highlight_segments():
    text = "One. Two. Three."
    assert segments(text, []) == [(text, False)]
    assert segments(text, [{"start": 5, "end": 9}]) == [
        ("One. ", False),
        ("Two.", True),
        (" Three.", False),
    ]
    # Overlapping, unsorted and out-of-range spans are merged and clamped, never lost.
    parts = segments(
        text, [{"start": 10, "end": 99}, {"start": 0, "end": 3}, {"start": 2, "end": 4}]
    )
    assert parts == [("One.", True), (" Two. ", False), ("Three.", True)]
    assert "".join(p for p, _ in parts) == text
    assert segments("", [{"start": 0, "end": 5}]) == [("", False)]


def test_question_html_is_escaped_everywhere(client):
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    for path in ("/", "/widget"):
        r = client.get(path, query_string={"q": evil, "lang": "en"})
        body = r.get_data(as_text=True)
        assert "<script>alert" not in body
        assert "<img src=x" not in body
        assert soup(r).find("input", id="q")["value"] == evil
        assert soup(r).title.get_text().startswith(evil) or path == "/widget"


def test_blank_and_too_long_questions_get_a_clear_error(client, catalogs, app):
    r = client.get("/?q=%20%20&lang=ru")
    assert r.status_code == 400
    assert soup(r).select_one(".state-error p").get_text() == catalogs.text("ru", "error_blank")
    limit = app.extensions["qa"].settings.max_query_chars
    r = client.get("/", query_string={"q": "я" * (limit + 1), "lang": "kk"})
    assert r.status_code == 400
    assert soup(r).select_one(".state-error p").get_text() == catalogs.text(
        "kk", "error_too_long", max=limit
    )


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_unknown_pages_get_a_page_in_the_readers_language(client, catalogs, lang):
    r = client.get(f"/no-such-page?lang={lang}")
    assert r.status_code == 404 and r.mimetype == "text/html"
    page = soup(r)
    assert page.find("p", string=catalogs.text(lang, "error_no_page"))
    assert page.find("a", href=lambda h: h and h.startswith("/"))  # a way back
    r = client.delete(f"/?lang={lang}")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    assert soup(r).find("p", string=catalogs.text(lang, "error_method"))
    # The API keeps answering in problem+json.
    r = client.get("/api/v1/no-such-endpoint")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"


def test_no_index_is_a_503_page(tmp_path, e5, catalogs, seed_index):
    from qa_service.app import create_app

    settings, _ = seed_index
    app = create_app(
        {"TESTING": True}, settings=replace(settings, embeddings_dir=tmp_path), embedder=e5
    )
    r = app.test_client().get("/?q=anything&lang=en")
    assert r.status_code == 503
    assert r.headers["Retry-After"]
    assert soup(r).select_one(".state-error p").get_text() == catalogs.text(
        "en", "error_unavailable"
    )


def test_rate_limited_pages_get_a_page_not_json(e5, seed_index, catalogs):
    from qa_service.app import create_app

    settings, _ = seed_index
    app = create_app(
        {"TESTING": True},
        settings=replace(settings, rate_limit_ask="2/minute", rate_limit_other="2/minute"),
        embedder=e5,
    )
    client = app.test_client()
    statuses = [client.get("/?lang=ru").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    r = client.get("/?lang=ru")
    assert r.mimetype == "text/html" and r.headers["Retry-After"]
    assert soup(r).find("p", string=catalogs.text("ru", "error_too_many"))


def test_abstention_is_shown_honestly(client, app, monkeypatch, catalogs):
    """The page's side of the contract, whatever search.py decides for a given question."""
    service = app.extensions["qa"]
    always_abstaining = abstaining(service.searcher())
    monkeypatch.setattr(service, "searcher", lambda: always_abstaining)
    r = client.get("/", query_string={"q": "Who won the World Cup?", "lang": "en"})
    page = soup(r)
    state = page.select_one(".state-no-answer")
    assert state.h2.get_text() == catalogs.text("en", "no_answer_heading")
    assert state.select_one("a.official-link")["href"] == service.settings.official_info_url
    assert page.select_one(".related-heading").get_text() == catalogs.text("en", "related_heading")
    assert len(page.select("ol.related li.result")) == 2
    # They do not answer: nothing is highlighted as an answer, and nothing to rate.
    assert not page.select("ol.related form.feedback")
    assert not page.select("ol.related mark")
    assert "sr-only" in page.select_one("#status")["class"]  # the panel says it visibly
    assert not page.select("ol.results:not(.related)")
    assert page.select_one("#status").get_text(strip=True) == catalogs.text(
        "en", "status_no_answer"
    )


def test_article_page_marks_the_passage(client, app, catalogs):
    index = app.extensions["qa"].searcher().index
    passage = index.passages[3]
    article = index.articles[passage.article_id]
    r = client.get(f"/articles/{article.id}", query_string={"p": passage.id, "lang": "ru"})
    assert r.status_code == 200
    page = soup(r)
    assert page.h1.get_text() == article.title
    assert page.select_one("mark#passage").get_text() == passage.text
    assert page.select_one(".article-body").get_text() == article.body
    assert page.select_one("article")["lang"] == article.lang
    missing = client.get("/articles/no-such-id?lang=en")
    assert missing.status_code == 404
    assert catalogs.text("en", "article_not_found") in missing.get_data(as_text=True)


def test_api_docs_page_lists_every_operation(client, app):
    from qa_service.openapi import spec

    doc = spec(app.extensions["qa"].settings)
    page = soup(client.get("/api/docs?lang=en"))
    headings = {h.get_text() for h in page.select("section.operation h2")}
    expected = {f"{m.upper()} {p}" for p, ops in doc["paths"].items() for m in ops}
    assert headings == expected
    assert page.find("a", href="/openapi.json")


# --- feedback without JavaScript ---------------------------------------------------------


class FakeFeedback:
    def __init__(self):
        self.calls: list[dict] = []

    def record(self, **kwargs):
        self.calls.append(kwargs)


def served(client) -> tuple[str, str]:
    """(passage id, build id) of a real answer: the form rates what the page showed."""
    answer = client.get("/api/v1/ask", query_string={"q": ON_TOPIC}).get_json()
    return answer["results"][0]["passage_id"], answer["index"]["version"]


def test_feedback_form_records_and_redirects_back(client, app, monkeypatch, catalogs):
    store = FakeFeedback()
    monkeypatch.setitem(app.extensions, "feedback", store)
    passage_id, version = served(client)
    form = {
        "q": ON_TOPIC,
        "passage_id": passage_id,
        "helpful": "no",
        "lang": "ru",
        "index_version": version,
        "view": "page",
    }
    r = client.post("/feedback", data=form)
    assert r.status_code == 303
    assert store.calls == [
        {
            "question": ON_TOPIC,
            "passage_id": passage_id,
            "helpful": False,
            "lang": "ru",
            "index_version": version,
        }
    ]
    target = urlsplit(r.headers["Location"])
    assert target.path == "/" and target.fragment == f"r-{passage_id}"
    assert parse_qs(target.query) == {"q": [ON_TOPIC], "lang": ["ru"], "fb": [passage_id]}
    # Back on the results, the rated one says thank you.
    page = soup(client.get("/", query_string={"q": ON_TOPIC, "lang": "ru", "fb": passage_id}))
    item = page.find("li", id=f"r-{passage_id}")
    assert item.select_one(".feedback-thanks").get_text() == catalogs.text("ru", "feedback_thanks")
    assert item.select_one("form.feedback") is None


def test_feedback_from_the_widget_returns_to_the_widget(client, app, monkeypatch):
    monkeypatch.setitem(app.extensions, "feedback", FakeFeedback())
    form = {"q": "x?", "helpful": "yes", "lang": "kk", "view": "widget"}
    form |= {"origin": "https://news.example", "theme": "dark"}
    r = client.post("/feedback", data=form)
    target = urlsplit(r.headers["Location"])
    assert target.path == "/widget"
    assert parse_qs(target.query)["origin"] == ["https://news.example"]
    assert app.extensions["feedback"].calls[0]["passage_id"] is None


def test_feedback_without_a_store_says_it_was_not_recorded(client, app, monkeypatch):
    monkeypatch.delitem(app.extensions, "feedback", raising=False)
    passage_id, _ = served(client)
    r = client.post("/feedback", data={"q": "x?", "passage_id": passage_id, "helpful": "yes"})
    assert r.status_code == 303
    assert parse_qs(urlsplit(r.headers["Location"]).query)["fberr"] == [passage_id]


@pytest.mark.parametrize(
    "form",
    [{"q": "x?", "helpful": "maybe"}, {"q": " ", "helpful": "yes"}, {"helpful": "yes"}],
)
def test_bad_feedback_form_is_400(client, form):
    assert client.post("/feedback", data=form).status_code == 400


# --- headers per route -------------------------------------------------------------------


def _csp(response) -> dict[str, str]:
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


@pytest.mark.parametrize(
    "path", ["/", "/?q=deputies", "/embed", "/api/docs", "/articles/no-such-id"]
)
def test_pages_may_not_be_framed(client, path):
    r = client.get(path)
    csp = _csp(r)
    assert csp["frame-ancestors"] == "'none'"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-inline'" not in csp["style-src"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_widget_may_be_framed_per_setting(client, app, e5, seed_index):
    r = client.get("/widget?lang=kk")
    assert _csp(r)["frame-ancestors"] == app.extensions["qa"].settings.frame_ancestors
    assert "X-Frame-Options" not in r.headers
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert _csp(client.get("/embed"))["frame-src"] == "'self'"

    from qa_service.app import create_app

    settings, _ = seed_index
    only = "https://news.example https://www.egemen.kz"
    framed = create_app(
        {"TESTING": True}, settings=replace(settings, frame_ancestors=only), embedder=e5
    ).test_client()
    r = framed.get("/widget?origin=https://news.example")
    # Plus 'self', so that the /embed page can preview the widget.
    assert _csp(r)["frame-ancestors"] == f"'self' {only}"
    assert config_of(soup(r))["parentOrigin"] == "https://news.example"
    r = framed.get("/widget?origin=https://evil.example")
    assert config_of(soup(r))["parentOrigin"] is None


def test_parent_origin_accepts_only_plain_origins():
    assert parent_origin("https://news.example", "*") == "https://news.example"
    assert parent_origin("http://127.0.0.1:8080", "*") == "http://127.0.0.1:8080"
    for bad in ("javascript:alert(1)", "https://a.example/path", "null", "", None, "ftp://x.y"):
        assert parent_origin(bad, "*") is None
    assert parent_origin("https://b.example", "https://a.example") is None
    # frame_ancestors holds CSP source expressions, not only exact origins.
    allowed = "'self' https://*.example.kz news.example:8443"
    assert parent_origin("https://www.example.kz", allowed) == "https://www.example.kz"
    assert parent_origin("https://example.kz.evil.example", allowed) is None
    assert parent_origin("https://news.example:8443", allowed) == "https://news.example:8443"
    assert parent_origin("https://news.example", allowed) is None
    assert parent_origin("http://anything.example", "https:") is None
    assert parent_origin("https://anything.example", "https:") == "https://anything.example"
    assert parent_origin("https://qa.example", allowed, "https://qa.example") == (
        "https://qa.example"
    )


def test_widget_carries_its_parent_origin_and_theme(client):
    page = soup(client.get("/widget?lang=ru&origin=https://news.example&theme=dark"))
    cfg = config_of(page)
    assert cfg["view"] == "widget" and cfg["parentOrigin"] == "https://news.example"
    assert "theme-dark" in page.body["class"]
    form = page.find("form", id="ask-form")
    assert form["action"] == "/widget"
    hidden = {i["name"]: i["value"] for i in form.find_all("input", type="hidden")}
    assert hidden == {"lang": "ru", "theme": "dark", "origin": "https://news.example"}


# --- the embed loader and snippet --------------------------------------------------------


def test_embed_js_is_served_as_cacheable_public_javascript(client):
    r = client.get("/embed.js")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "public" in r.headers["Cache-Control"] and "max-age=" in r.headers["Cache-Control"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Set-Cookie" not in r.headers
    # Revalidation works, so a cached copy is refreshed cheaply after a deploy.
    again = client.get("/embed.js", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_embed_page_shows_the_snippet_with_the_real_host(client):
    r = client.get("/embed?lang=en", base_url="https://qa.example.kz")
    page = soup(r)
    snippet = page.find("code", id="snippet").get_text()
    assert snippet == '<script src="https://qa.example.kz/embed.js" data-lang="en" async></script>'
    preview = page.select_one(".preview script")
    assert preview["src"] == "/embed.js"


# --- weight ------------------------------------------------------------------------------


def first_load_bytes(client, path: str) -> tuple[int, dict[str, int]]:
    """Bytes of the page plus every stylesheet, script and icon it references."""
    r = client.get(path)
    sizes = {path: len(r.data)}
    page = soup(r)
    refs = [link["href"] for link in page.find_all("link", href=True)]
    refs += [s["src"] for s in page.find_all("script", src=True)]
    for ref in refs:
        with client.get(ref) as asset:  # static files are streamed: close them
            assert asset.status_code == 200, ref
            sizes[ref] = len(asset.get_data())
    return sum(sizes.values()), sizes


def test_versioned_assets_are_cached_for_long(client):
    page = soup(client.get("/?lang=en"))
    href = page.find("link", rel="stylesheet")["href"]
    with client.get(href) as r:
        assert "immutable" in r.headers["Cache-Control"]
    with client.get(href.split("?")[0] + "?v=stale") as r:
        assert "immutable" not in r.headers.get("Cache-Control", "")


def test_first_load_of_the_page_is_under_100_kb(client):
    total, sizes = first_load_bytes(client, "/?lang=kk")
    assert total <= PAGE_BUDGET_BYTES, sizes
    assert len(sizes) >= 4  # the page, its stylesheet, its script and its icon were counted
    with_answer, _ = first_load_bytes(client, "/?" + "q=deputies&lang=ru")
    assert with_answer <= PAGE_BUDGET_BYTES
