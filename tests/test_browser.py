"""The page and the widget in headless Chromium against a live server on 127.0.0.1.

Skipped (with the reason) only when Debian's /usr/bin/chromium is absent; scripts/test
installs it. Screenshots go to test-artifacts/screenshots/ (copied to docs/screenshots/).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import abstaining

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
ON_TOPIC = "How many deputies will the Kurultai have?"
OFF_TOPIC = "Who won the football World Cup final in 2022?"
TIMEOUT_MS = 20_000


class LiveServer:
    """A WSGI app served by werkzeug in a thread, on a free port."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


def host_page_app(widget_url: str, lang: str = "en"):
    """Another site (another port, so another origin) that pastes the embed line."""
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>A news site</title></head><body><h1>Local news</h1>"
        "<p>Our readers ask about the referendum:</p>"
        f'<script src="{widget_url}/embed.js" data-lang="{lang}" data-height="200" async></script>'
        "<p id='after'>The rest of the article.</p></body></html>"
    ).encode()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html]

    return app


@pytest.fixture(scope="session")
def browser_app(seed_index, e5):
    """The seed app, with its own rate-limit counts switched off: the other test files'
    requests to a shared app must not turn a browser test's click into a 429."""
    from dataclasses import replace

    from qa_service.app import create_app

    settings, _ = seed_index
    return create_app({"TESTING": True}, settings=replace(settings, rate_limits=False), embedder=e5)


@pytest.fixture(scope="session")
def live_server(browser_app) -> Iterator[LiveServer]:
    with LiveServer(browser_app) as server:
        yield server


@pytest.fixture(scope="session")
def host_server(live_server) -> Iterator[LiveServer]:
    with LiveServer(host_page_app(live_server.url)) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (scripts/test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture()
def console_errors() -> list[str]:
    """Script errors, CSP violations and failed loads seen by ``page``; a test may remove
    the ones it caused on purpose."""
    return []


@pytest.fixture()
def page(browser, console_errors):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = console_errors
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    yield page
    context.close()
    # CSP violations and script errors show up here: a page that "works" with them does not.
    assert errors == []


def shot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(200)  # let the layout settle after the resize
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def api_answer(live_server, q: str, lang: str = "en") -> dict:
    import json
    import urllib.parse
    import urllib.request

    url = f"{live_server.url}/api/v1/ask?" + urllib.parse.urlencode({"q": q, "lang": lang})
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def test_ask_shows_attributed_results_with_highlight(page, live_server):
    page.goto(f"{live_server.url}/?lang=en")
    page.fill("#q", ON_TOPIC)
    page.press("#q", "Enter")
    first = page.locator("#results .result").first
    first.wait_for()
    # Results came from the API without a reload, and the URL can be shared.
    assert re.search(r"[?&]q=How\+many", page.url)
    expected = api_answer(live_server, ON_TOPIC)
    assert page.locator("#results .result").count() == len(expected["results"])
    top = expected["results"][0]
    assert first.locator(".result-title a").inner_text() == top["article"]["title"]
    href = first.locator(".result-title a").get_attribute("href")
    assert href.startswith(f"/articles/{top['article']['id']}?")
    assert first.locator("time").get_attribute("datetime") == top["article"]["date"]
    assert first.locator(".outlet").inner_text() == top["article"]["outlet"]
    marks = [h for h in expected["results"] if h["highlight"]]
    assert marks, "the API highlights no sentence at all for an on-topic question"
    rendered = page.locator("#results .result").evaluate_all(
        "items => items.map(li => Array.from(li.querySelectorAll('mark'), m => m.textContent))"
    )
    for hit, texts in zip(expected["results"], rendered, strict=True):
        spans = sorted((s["start"], s["end"]) for s in hit["highlight"])
        assert "".join(texts) == "".join(hit["text"][s:e] for s, e in spans)
    assert page.locator("#status").inner_text().strip() != ""
    shot(page, "page", 1280)
    shot(page, "page", 375)
    # The article page shows the whole text with the passage marked.
    first.locator(".result-title a").click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("h1").inner_text() == top["article"]["title"]
    assert top["text"][:40] in page.locator("mark#passage").inner_text()


def test_off_topic_question_gets_the_no_answer_state(page, live_server, browser_app):
    answer = api_answer(live_server, OFF_TOPIC)
    assert answer["abstained"], "the abstention rule answers a question about football"
    page.goto(f"{live_server.url}/?lang=en")
    page.fill("#q", OFF_TOPIC)
    page.press("#q", "Enter")
    state = page.locator("#results .state-no-answer")
    state.wait_for()
    official = browser_app.extensions["qa"].settings.official_info_url
    assert state.locator("a.official-link").get_attribute("href") == official
    assert page.locator("#results .results:not(.related) .result").count() == 0
    assert page.locator("#results .related .result").count() == len(answer["related"])
    shot(page, "no-answer", 375)


def test_language_switch_keeps_the_question(page, live_server):
    page.goto(f"{live_server.url}/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.fill("#q", ON_TOPIC)
    page.press("#q", "Enter")
    page.locator("#results .result").first.wait_for()
    page.locator("nav.langs a[lang=kk]").click()
    page.wait_for_url(re.compile(r"lang=kk"))
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("label[for=q]").inner_text() == "Сіздің сұрағыңыз"
    assert page.locator("#q").input_value() == ON_TOPIC
    # The seed is English: each result says so, in Kazakh.
    assert page.locator("#results .result .source-lang").first.inner_text() == (
        "Дереккөз ағылшын тілінде"
    )
    page.locator("nav.langs a[lang=ru]").click()
    page.wait_for_url(re.compile(r"lang=ru"))
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("nav.langs a[aria-current]").get_attribute("lang") == "ru"


def _tab_until(page, predicate_js: str, limit: int = 40) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return True
    return False


def test_keyboard_only(page, live_server):
    page.goto(f"{live_server.url}/?lang=en")
    assert _tab_until(page, "document.activeElement.id === 'q'", limit=12)
    page.keyboard.type(ON_TOPIC)
    page.keyboard.press("Enter")
    page.locator("#results .result").first.wait_for()
    assert _tab_until(page, "document.activeElement.matches('#results a.article-link')")
    focused = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return {outline: s.outlineStyle, width: s.outlineWidth,"
        " href: document.activeElement.getAttribute('href')}; })()"
    )
    assert focused["outline"] != "none" and focused["width"] != "0px"  # visible focus
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/"))
    assert focused["href"].split("#")[0] in page.url


def test_works_with_javascript_disabled(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/?lang=ru")
        page.fill("#q", ON_TOPIC)
        page.press("#q", "Enter")
        page.wait_for_url(re.compile(r"[?&]q="))
        results = page.locator("#results .result")
        assert results.count() == len(api_answer(live_server, ON_TOPIC, "ru")["results"])
        assert page.locator("html").get_attribute("lang") == "ru"
        # Feedback without JavaScript: the form posts, and we come back to the results.
        results.first.locator("button[value=yes]").click()
        page.wait_for_load_state()
        assert "/?" in page.url and "q=" in page.url
        assert page.locator("#results .result").count() == results.count()
        assert page.locator(".feedback-thanks, .feedback-failed").count() == 1
    finally:
        context.close()


def test_widget_embedded_on_another_origin_grows_to_fit(page, live_server, host_server):
    assert live_server.url != host_server.url
    page.goto(host_server.url)
    frame_el = page.locator("iframe.referendum-qa-widget")
    frame_el.wait_for()
    frame = page.frame_locator("iframe.referendum-qa-widget")
    frame.locator("#q").wait_for()
    src = frame_el.get_attribute("src")
    assert src.startswith(f"{live_server.url}/widget?")
    assert f"origin={host_server.url.replace(':', '%3A').replace('/', '%2F')}" in src
    # The widget reported its own (empty) size once loaded.
    page.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height > 0")
    before = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")

    frame.locator("#q").fill(ON_TOPIC)
    frame.locator("#q").press("Enter")
    frame.locator("#results .result").first.wait_for()
    page.wait_for_function(
        f"document.querySelector('iframe').getBoundingClientRect().height > {before} + 200"
    )
    inner = frame.locator("main").evaluate("m => Math.ceil(m.getBoundingClientRect().height)")
    outer = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    assert abs(outer - min(inner, 4000)) <= 2  # fits its content: no inner scrollbar
    # The host page's text after the widget is pushed down, not covered.
    assert page.locator("#after").bounding_box()["y"] >= outer

    # A message from any other origin (here the host page itself) is ignored.
    page.evaluate("window.postMessage({type: 'referendum-qa:height', height: 3000}, '*')")
    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelector('iframe').getBoundingClientRect().height") == (
        outer
    )
    shot(page, "embed-host", 375)
    shot(page, "embed-host", 1280)


def test_widget_alone_screenshots(page, live_server):
    from urllib.parse import quote

    page.goto(f"{live_server.url}/widget?lang=kk&q={quote(ON_TOPIC)}")
    page.locator("#results .result").first.wait_for()
    assert page.locator("html").get_attribute("lang") == "kk"
    shot(page, "widget", 375)
    shot(page, "widget", 1280)
    page.goto(f"{live_server.url}/widget?lang=ru&theme=dark&q={quote(ON_TOPIC)}")
    page.locator("#results .result").first.wait_for()
    shot(page, "widget-dark", 375)


def test_feedback_buttons_call_the_api(page, live_server, browser_app, console_errors):
    page.goto(f"{live_server.url}/?lang=en")
    page.fill("#q", ON_TOPIC)
    page.press("#q", "Enter")
    first = page.locator("#results .result").first
    first.wait_for()
    url_before = page.url
    with page.expect_response(lambda r: r.url.endswith("/api/v1/feedback")) as info:
        first.locator("button[value=yes]").click()
    response = info.value
    api_exists = any(r.rule == "/api/v1/feedback" for r in browser_app.url_map.iter_rules())
    note = first.locator("[role=status]")
    note.wait_for()
    assert page.url == url_before  # no reload
    if api_exists:
        assert response.status == 201
        assert note.get_attribute("class") == "feedback-thanks"
    else:  # the endpoint has not landed: the page says so instead of pretending
        assert response.status == 404
        assert note.get_attribute("class") == "feedback-failed"
        console_errors[:] = [e for e in console_errors if "404" not in e]


def test_embed_page_preview_loads_the_widget(page, live_server):
    page.goto(f"{live_server.url}/embed?lang=ru")
    snippet = page.locator("#snippet").inner_text()
    assert snippet == f'<script src="{live_server.url}/embed.js" data-lang="ru" async></script>'
    frame = page.frame_locator(".preview iframe.referendum-qa-widget")
    frame.locator("#q").wait_for()
    assert frame.locator("html").get_attribute("lang") == "ru"
    assert page.locator("button.copy").is_visible()


def test_first_load_transfer_size(browser, live_server):
    """What a phone downloads for the first visit: the page and every resource it loads."""
    import json

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/?lang=kk")
        page.wait_for_load_state("load")
        try:  # the icon is fetched after `load`; count it when it comes
            page.wait_for_function(  # a function, not a string: the page's CSP forbids eval
                "() => performance.getEntriesByType('resource').length >= 3", timeout=3000
            )
        except PlaywrightTimeout:
            pass
        entries = page.evaluate(
            "[...performance.getEntriesByType('navigation'),"
            " ...performance.getEntriesByType('resource')]"
            ".map(e => ({name: e.name, bytes: e.transferSize}))"
        )
    finally:
        context.close()
    total = sum(e["bytes"] for e in entries)
    assert len(entries) >= 3 and all(e["bytes"] > 0 for e in entries)  # page, CSS, JS (+ icon)
    SHOTS.parent.mkdir(parents=True, exist_ok=True)
    report = {"url": "/?lang=kk", "total_bytes": total, "entries": entries}
    (SHOTS.parent / "page-weight.json").write_text(json.dumps(report, indent=2))
    assert total <= 100 * 1024


SIGNATURE_JS = """root => Array.from(root.querySelectorAll('*')).map(e => {
  const href = e.getAttribute('href');
  let link = '';
  if (href) {
    const u = new URL(href, location.href);
    const params = [...u.searchParams.entries()].sort().map(p => p.join('=')).join('&');
    link = u.pathname + '?' + params + u.hash;
  }
  const text = ['P', 'BLOCKQUOTE', 'H2', 'H3', 'LEGEND', 'BUTTON', 'A', 'MARK', 'TIME', 'SPAN']
    .includes(e.tagName) ? e.textContent.replace(/\\s+/g, ' ').trim() : '';
  const attrs = ['id', 'lang', 'datetime', 'name', 'value', 'type', 'method', 'action', 'target']
    .map(a => e.getAttribute(a) || '').join('|');
  return [e.tagName, e.getAttribute('class') || '', text, link, attrs].join(' ~ ');
})"""


@pytest.mark.parametrize("path", ["/", "/widget"])
def test_script_renders_the_same_markup_as_the_server(page, live_server, path):
    """app.js and _results.html must not drift apart: compare them element by element."""
    from urllib.parse import quote

    page.goto(f"{live_server.url}{path}?lang=kk&q={quote(ON_TOPIC)}")
    server = page.locator("#results").evaluate(SIGNATURE_JS)
    page.goto(f"{live_server.url}{path}?lang=kk")
    page.fill("#q", ON_TOPIC)
    page.press("#q", "Enter")
    page.locator("#results .result").first.wait_for()
    script = page.locator("#results").evaluate(SIGNATURE_JS)
    assert len(server) > 20
    assert script == server


@pytest.fixture(scope="session")
def abstaining_server(seed_index, e5) -> Iterator[LiveServer]:
    """The app with a searcher that always abstains (keeping the real passages as
    ``related``): the no-answer state, whatever the abstention rule decides."""
    from dataclasses import replace

    from qa_service.app import create_app

    settings, _ = seed_index
    app = create_app({"TESTING": True}, settings=replace(settings, rate_limits=False), embedder=e5)
    service = app.extensions["qa"]
    always_abstaining = abstaining(service.searcher())
    service.searcher = lambda: always_abstaining
    with LiveServer(app) as server:
        yield server


def test_no_answer_state_rendered_by_script_and_server_alike(page, abstaining_server):
    from urllib.parse import quote

    url = abstaining_server.url
    page.goto(f"{url}/?lang=ru&q={quote(OFF_TOPIC)}")
    server = page.locator("#results").evaluate(SIGNATURE_JS)
    page.goto(f"{url}/?lang=ru")
    page.fill("#q", OFF_TOPIC)
    page.press("#q", "Enter")
    state = page.locator("#results .state-no-answer")
    state.wait_for()
    official = abstaining_server.app.extensions["qa"].settings.official_info_url
    assert state.locator("a.official-link").get_attribute("href") == official
    assert page.locator("#results .related .result").count() == 2
    assert page.locator("#results form.feedback").count() == 0
    assert page.locator("#results").evaluate(SIGNATURE_JS) == server
    shot(page, "no-answer-related", 375)
