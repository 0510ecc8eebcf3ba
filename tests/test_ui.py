"""The HTML side through Flask's test client: languages, server-rendered answers (the
no-JavaScript path), escaping, headers per route, the embed loader and snippet, feedback
without JavaScript, and the weight of the first page load."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from qa_service.answer import Superseded
from qa_service.i18n import DEFAULT_LANG, LANGS, CatalogError, Catalogs, negotiate
from qa_service.origin import parent_origin
from qa_service.presenters import (
    confidence_of,
    group_by_article,
    language_line,
    parse_span_param,
    quote_of,
    segments,
    span_param,
)

from .conftest import abstaining

ON_TOPIC = "How many deputies will the Kurultai have?"
PAGE_BUDGET_BYTES = 100 * 1024


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.fixture(scope="module")
def ui_app(seed_index, e5):
    """The seed app with rate limits off: these tests make more page requests a minute
    than a citizen may, and must not share counts with the other test files. No answer
    cache: some tests swap the searcher, and a cache would replay the real answer."""
    from qa_service.app import create_app

    settings = replace(seed_index[0], rate_limits=False, answer_cache_uri="none")
    return create_app({"TESTING": True}, settings=settings, embedder=e5)


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


def ask_page(client, q: str = ON_TOPIC, lang: str = "en", path: str = "/") -> BeautifulSoup:
    r = client.get(path, query_string={"q": q, "lang": lang})
    assert r.status_code == 200
    return soup(r)


def api_answer(client, q: str = ON_TOPIC, lang: str = "en") -> dict:
    return client.get("/api/v1/ask", query_string={"q": q, "lang": lang}).get_json()


def visible_text(node) -> str:
    """Text a sighted reader sees: without the visually hidden labels ("Answer: ")."""
    copy = BeautifulSoup(str(node), "html.parser")
    for hidden in copy.select(".sr-only"):
        hidden.decompose()
    return copy.get_text()


def highlighted(hit: dict) -> list[str]:
    return [hit["text"][s["start"] : s["end"]] for s in sorted(hit["highlight"], key=_start)]


def _start(span: dict) -> int:
    return span["start"]


def test_the_best_match_comes_first_quoted_with_its_source(client, catalogs):
    expected = api_answer(client)
    top = expected["results"][0]
    a = top["article"]
    page = ask_page(client)
    best = page.select_one("#results section.best")
    state = expected["confidence"]  # high, or low: the rule hedges (docs/quality.md)
    assert state in ("high", "low") and f"best-{state}" in best["class"]
    assert best.select_one("h2#results-h").get_text() == catalogs.text("en", f"results_{state}")
    # The top passage's highlighted sentence(s), and nothing else, quoted first.
    quote = best.select_one(".best-hit > blockquote.quote")
    assert quote["lang"] == a["lang"]
    text = quote.get_text()
    sentences = [s.strip() for s in highlighted(top)]
    assert sentences and all(s in text for s in sentences)
    leftover = text
    for s in sentences:
        leftover = leftover.replace(s, "", 1)
    assert set(leftover) <= set(" …")
    # Attribution: one link to the article (opening at the sentence), outlet and date.
    link = best.select_one(".attribution a.article-link")
    target = urlsplit(link["href"])
    params = parse_qs(target.query)
    assert target.path == f"/articles/{a['id']}" and target.fragment == "answer"
    assert params["p"] == [top["passage_id"]] and params["q"] == [ON_TOPIC]
    assert params["hl"] == [",".join(f"{s['start']}-{s['end']}" for s in top["highlight"])]
    assert link.get_text() == a["title"] and link["lang"] == a["lang"]
    assert best.select_one(".attribution .outlet").get_text() == a["outlet"]
    assert best.select_one(".attribution time")["datetime"] == a["date"]
    # "Did this passage answer your question?" stays in view for the best match.
    form = best.select_one(".best-hit > form.feedback")
    assert form.find("input", attrs={"name": "passage_id"})["value"] == top["passage_id"]
    status = "status_found" if state == "high" else "status_low"
    assert page.select_one("#status").get_text(strip=True) == catalogs.text(
        "en", status, n=len(expected["results"])
    )


def test_every_passage_is_shown_once_grouped_by_article(client, catalogs):
    expected = api_answer(client)
    page = ask_page(client)
    results = page.select_one("#results")
    # Every hit, whole, behind "show context", with its highlight marked and labelled.
    for hit in expected["results"]:
        block = results.select(f'[id="r-{hit["passage_id"]}"]')
        assert len(block) == 1, hit["passage_id"]
        passage = block[0].select_one("blockquote.passage")
        assert block[0].find_parent("details", class_="context") is not None
        assert passage["lang"] == hit["article"]["lang"]
        assert visible_text(passage) == hit["text"]
        marks = passage.find_all("mark")
        assert [visible_text(m) for m in marks] == highlighted(hit)
        # A cue besides the colour, in the reader's language: the best match's sentence
        # is the answer; any other passage's matching sentence is labelled and styled
        # as another match.
        best = hit["passage_id"] == expected["results"][0]["passage_id"]
        for mark in marks:
            label = mark.select_one(".sr-only")
            assert mark["class"] == ["answer" if best else "other"]
            own = "mark_answer" if expected["confidence"] == "high" else "mark_match"
            assert label["lang"] == "en" and label.get_text().strip() == (
                catalogs.text("en", own if best else "mark_other")
            )
        forms = block[0].find_all("form", class_="feedback") or results.select(
            f'.best-hit[data-passage-id="{hit["passage_id"]}"] > form.feedback'
        )
        assert len(forms) == 1
    # One card per article, in the order of each article's best hit, one link each.
    order = list(dict.fromkeys(h["article"]["id"] for h in expected["results"]))
    cards = results.select(".more li.card")
    assert len(cards) == len(order) - 1
    for card, article_id in zip(cards, order[1:], strict=True):
        links = card.select("a.article-link")
        assert len(links) == 1
        assert urlsplit(links[0]["href"]).path == f"/articles/{article_id}"
        hits = [h for h in expected["results"] if h["article"]["id"] == article_id]
        # Its best passage's sentence quoted; the others one tap away, in its context.
        assert len(card.select(":scope > blockquote.quote")) == 1
        assert len(card.select("details.context .hit")) == len(hits)
        assert len(card.select("details.context")) == 1
        assert card.select_one(".outlet")["lang"] == hits[0]["article"]["lang"]
    # The best match's article keeps its other passages under it.
    best_article = order[0]
    same = [h for h in expected["results"] if h["article"]["id"] == best_article]
    context = results.select_one(".best-hit details.context")
    assert len(context.select(".hit")) == len(same)
    assert not results.select(".article-link-2")  # one link per card, not two


@pytest.mark.parametrize("lang", LANGS)
def test_one_line_says_when_the_sources_are_in_another_language(client, catalogs, lang):
    """The seed is English: Kazakh and Russian readers are told once, above the answer."""
    page = ask_page(client, lang=lang)
    line = page.select_one(".best .langline")
    if lang == "en":
        assert line is None
    else:
        expected = catalogs.text(lang, "langline_all", langs=catalogs.get(lang, "lang_in")["en"])
        assert line.get_text() == expected
    assert not page.select("#results .source-lang")  # no grey note per card
    for node in page.select("#results .quote, #results .passage, #results .outlet"):
        assert node["lang"] == "en"
    for node in page.select("#results a.article-link"):
        assert node["lang"] == "en"


def test_language_line_names_each_other_language(catalogs):
    def hit(lang):
        return {"article": {"lang": lang}}

    assert language_line(catalogs, "kk", [hit("kk")]) is None
    assert language_line(catalogs, "en", [hit("ru"), hit("ru")]) == (
        "The passages found are in Russian."
    )
    assert language_line(catalogs, "en", [hit("en"), hit("ru"), hit("kk")]) == (
        "Some of the passages found are in Russian and in Kazakh."
    )


def test_confidence_follows_the_answer_or_its_abstention():
    hit = {"passage_id": "p"}
    assert confidence_of({"abstained": False, "results": [hit]}) == "high"
    assert confidence_of({"abstained": True, "results": [], "related": [hit]}) == "none"
    assert confidence_of({"abstained": False, "results": [hit], "confidence": "low"}) == "low"
    assert confidence_of({"abstained": False, "results": [], "confidence": "high"}) == "none"
    assert confidence_of({"abstained": False, "results": [hit], "confidence": "??"}) == "high"


def test_quote_joins_the_highlighted_sentences():
    text = "One. Two. Three. Four."
    assert quote_of({"text": text, "highlight": []}) is None
    assert quote_of({"text": text, "highlight": [{"start": 5, "end": 9}]}) == "Two."
    both = [{"start": 5, "end": 9}, {"start": 10, "end": 16}]
    assert quote_of({"text": text, "highlight": both}) == "Two. Three."
    apart = [{"start": 0, "end": 4}, {"start": 17, "end": 22}]
    assert quote_of({"text": text, "highlight": apart}) == "One. … Four."


def test_hits_are_grouped_by_article_in_rank_order():
    hits = [{"article": {"id": a}, "passage_id": f"p{i}"} for i, a in enumerate("ABAC")]
    groups = group_by_article(hits)
    assert [g.article["id"] for g in groups] == ["A", "B", "C"]
    assert [h["passage_id"] for h in groups[0].hits] == ["p0", "p2"]


def with_confidence(real, confidence: str):
    """A searcher whose answers carry ``confidence`` (the search's own field, issue 11):
    the page's side of the "low" state, whatever the search decides for a question."""

    class Searcher:
        index = real.index

        def ask(self, q, k=5, lang=None):
            return replace(real.ask(q, k=k, lang=lang), confidence=confidence)

    return Searcher()


@pytest.mark.parametrize("lang", LANGS)
def test_low_confidence_says_the_passages_may_not_answer(client, app, monkeypatch, catalogs, lang):
    service = app.extensions["qa"]
    low = with_confidence(service.searcher(), "low")
    monkeypatch.setattr(service, "searcher", lambda: low)
    page = ask_page(client, lang=lang)
    best = page.select_one("#results section.best")
    assert "best-low" in best["class"]
    assert best.h2.get_text() == catalogs.text(lang, "results_low")
    labels = {m.get_text().strip() for m in page.select("#results .best-hit mark.answer .sr-only")}
    assert labels == {catalogs.text(lang, "mark_match")}  # never "Answer:" when unsure
    others = {m.get_text().strip() for m in page.select("#results mark.other .sr-only")}
    assert others <= {catalogs.text(lang, "mark_other")}
    assert (
        page.select_one("#status")
        .get_text(strip=True)
        .startswith(catalogs.text(lang, "status_low", n=5)[:12])
    )


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
        assert soup(r).title.get_text().startswith(evil)  # the title follows the question


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


def test_abstention_is_shown_honestly(client, app, monkeypatch, catalogs):
    """The page's side of the contract, whatever search.py decides for a given question."""
    service = app.extensions["qa"]
    always_abstaining = abstaining(service.searcher())
    monkeypatch.setattr(service, "searcher", lambda: always_abstaining)
    page = ask_page(client, "Who won the World Cup?", "kk")
    best = page.select_one("#results section.best")
    assert "best-none" in best["class"]
    assert best.h2.get_text() == catalogs.text("kk", "no_answer_heading")
    official = best.select_one("a.official-link")
    assert official["href"] == service.settings.official_info_url
    assert "button-link" in official["class"]  # a button, not a 19 px inline link
    # The closest passages, collapsed behind a control, say that they do not answer.
    closest = page.select_one("#results details.closest")
    assert not closest.has_attr("open")
    assert closest.summary.get_text() == catalogs.text("kk", "closest_show", n=2)
    assert catalogs.text("kk", "closest_note") in closest.select_one(".closest-note").get_text()
    assert len(closest.select("[id^=r-]")) == 2
    # They do not answer: nothing is highlighted as an answer, and no passage to rate;
    # the one form says "I expected an answer" about the abstention itself.
    forms = page.select("#results form.feedback")
    assert len(forms) == 1 and forms[0].find_parent(class_="best-none")
    assert forms[0].find("input", attrs={"name": "passage_id"})["value"] == ""
    assert [b["value"] for b in forms[0].select("button")] == ["no"]
    assert forms[0].button.get_text() == catalogs.text("kk", "expected_answer")
    assert not page.select("#results mark")
    assert not page.select("#results section.best .quote")
    # The next steps: example questions stay, and the question's link can be copied.
    assert [a.get_text() for a in page.select(".examples a.example")] == catalogs.get(
        "kk", "examples"
    )
    assert page.select_one("#results .share button.copy")
    assert page.select_one("#status").get_text(strip=True) == catalogs.text(
        "kk", "status_no_answer"
    )


@pytest.mark.parametrize("path", ["/", "/widget"])
def test_example_questions_stay_visible_after_an_answer(client, catalogs, path):
    for q in ("", ON_TOPIC):
        page = soup(client.get(path, query_string={"q": q, "lang": "ru"} if q else {"lang": "ru"}))
        section = page.select_one("section.examples")
        assert not section.has_attr("hidden") and "collapsed" not in section.get("class", [])
        assert [a.get_text() for a in section.select("a.example")] == catalogs.get("ru", "examples")


def test_copy_buttons_carry_the_citation_and_the_link(client, app, catalogs):
    expected = api_answer(client, lang="kk")
    page = ask_page(client, lang="kk")
    for hit in expected["results"]:
        a = hit["article"]
        block = page.select_one(f'[id="r-{hit["passage_id"]}"]')
        button = block.select_one("button.copy[data-copy-text]")
        assert button.has_attr("hidden")  # app.js shows it where the clipboard works
        assert button.get_text() == catalogs.text("kk", "copy_citation")
        citation = button["data-copy-text"]
        url = a["url"] or f"http://localhost/articles/{a['id']}"
        assert citation == catalogs.text(
            "kk",
            "citation",
            title=a["title"],
            outlet=a["outlet"],
            date=catalogs.format_date("kk", a["date"]),
            url=url,
        )
        assert "2026 жылғы" in citation  # the date as a Kazakh reader writes it
    for path in ("/", "/widget"):
        r = client.get(path, query_string={"q": ON_TOPIC, "lang": "kk"})
        share = soup(r).select_one("#results .share button.copy")
        link = urlsplit(share["data-copy-text"])
        assert link.scheme == "http" and link.path == "/"  # the full page, also from the widget
        assert parse_qs(link.query) == {"q": [ON_TOPIC], "lang": ["kk"]}
        assert share.get_text() == catalogs.text("kk", "copy_link")


def _references(page: BeautifulSoup) -> list[tuple[str, str]]:
    refs = []
    for attr in ("aria-labelledby", "aria-describedby", "for"):
        for node in page.find_all(attrs={attr: True}):
            for ident in node[attr].split():
                refs.append((attr, ident))
    return refs


@pytest.mark.parametrize(
    "url",
    [
        "/?lang=kk",
        f"/?lang=ru&q={ON_TOPIC}",
        "/?lang=en&q=%20",
        f"/widget?lang=kk&q={ON_TOPIC}",
        "/widget?lang=en",
        "/embed?lang=ru",
        "article",
    ],
)
def test_labels_point_at_elements_with_text(client, app, url):
    """No aria-labelledby, aria-describedby or label pointing at a missing or empty element
    (an empty status line named the results before)."""
    if url == "article":
        passage = app.extensions["qa"].searcher().index.passages[0]
        url = f"/articles/{passage.article_id}?p={passage.id}&lang=kk"
    page = soup(client.get(url))
    refs = _references(page)
    assert refs
    for attr, ident in refs:
        target = page.find(id=ident)
        assert target is not None, (attr, ident)
        if attr != "for":
            assert target.get_text(strip=True), (attr, ident)


def test_widget_names_its_landmark_and_leaves_h1_to_the_host(client, catalogs):
    page = soup(client.get("/widget", query_string={"q": ON_TOPIC, "lang": "ru"}))
    main = page.find("main")
    assert page.find(id=main["aria-labelledby"]).get_text() == catalogs.text("ru", "widget_title")
    assert page.find("h1") is None
    assert page.title.get_text() == f"{ON_TOPIC} — {catalogs.text('ru', 'widget_title')}"
    embed = soup(client.get("/embed?lang=ru"))
    assert embed.find(id=embed.find("main")["aria-labelledby"]).name == "h1"


def test_the_search_page_has_one_h1_and_no_repeated_brand(client, catalogs):
    for q in ("", ON_TOPIC):
        page = soup(client.get("/", query_string={"q": q, "lang": "en"}))
        assert [h.get_text() for h in page.find_all("h1")] == [catalogs.text("en", "site_title")]
    # The tagline and the hint are for a first visit; with a question the answer moves up.
    assert not page.select(".tagline, .hint")
    assert not page.find("input", id="q").has_attr("aria-describedby")


def test_kazakh_wording(catalogs):
    """The wording fixes of issue 12: the rejected phrasings are gone for good."""
    kk = json.dumps(catalogs.messages["kk"], ensure_ascii=False)
    for rejected in ("Сұрақ үлгілері", "жаңа бетте", "Бірдеңе дұрыс болмады", "бірде-бір"):
        assert rejected not in kk
    assert catalogs.text("kk", "examples_heading") == "Сұрақ мысалдары"
    assert catalogs.text("kk", "error_heading") == "Қате орын алды"
    assert "қойындыда" in catalogs.text("kk", "new_tab")


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


def test_article_page_opens_at_the_answering_sentence(client, app, catalogs):
    index = app.extensions["qa"].searcher().index
    passage = next(p for p in index.passages if len(p.sentences) >= 3)
    article = index.articles[passage.article_id]
    start, end = passage.sentences[1]
    r = client.get(
        f"/articles/{article.id}",
        query_string={"p": passage.id, "lang": "ru", "q": ON_TOPIC, "hl": f"{start}-{end}"},
    )
    assert r.status_code == 200
    page = soup(r)
    # Only the answering sentence is marked, inside its passage; the article is whole.
    assert [visible_text(m) for m in page.select(".article-body mark")] == [passage.text[start:end]]
    assert page.select_one("mark#answer") is not None
    assert visible_text(page.select_one("#passage")) == passage.text
    assert visible_text(page.select_one(".article-body")) == article.body
    assert page.select_one("article")["lang"] == article.lang
    # The headline and the way back share the sticky head; the way back returns to the
    # results, at the card of this passage.
    head = page.select_one(".article-head")
    assert head.h1.get_text() == article.title
    back = urlsplit(head.select_one(".back a")["href"])
    assert back.path == "/" and back.fragment == f"r-{passage.id}"
    assert parse_qs(back.query) == {"q": [ON_TOPIC], "lang": ["ru"]}
    assert head.select_one(".back a").get_text().endswith(catalogs.text("ru", "back_to_results"))
    # Without (or with a broken) hl, the whole passage is marked, as before.
    for hl in (None, "x-y,99999-5"):
        query = {"p": passage.id, "lang": "en"} | ({"hl": hl} if hl else {})
        page = soup(client.get(f"/articles/{article.id}", query_string=query))
        assert [visible_text(m) for m in page.select("mark")] == [passage.text]
    missing = client.get("/articles/no-such-id?lang=en")
    assert missing.status_code == 404
    assert catalogs.text("en", "article_not_found") in missing.get_data(as_text=True)


def test_span_parameter_is_clamped_and_forgiving():
    assert parse_span_param("0-4,10-99", 20) == [(0, 4), (10, 20)]
    assert parse_span_param("5-2,a-b,-3,7", 20) == []
    assert parse_span_param(None, 20) == []
    assert len(parse_span_param(",".join(["0-1"] * 50), 20)) <= 8
    assert span_param([{"start": 3, "end": 9}, {"start": 10, "end": 12}]) == "3-9,10-12"
    assert span_param([]) is None


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
    # Back at the thank-you line itself (not inside the passage), told it was a "no".
    target = urlsplit(r.headers["Location"])
    assert target.path == "/" and target.fragment == f"fb-{passage_id}"
    assert parse_qs(target.query) == {
        "q": [ON_TOPIC],
        "lang": ["ru"],
        "fb": [passage_id],
        "fbno": ["1"],
    }
    page = soup(client.get(f"{target.path}?{target.query}"))
    thanks = page.select_one(f"#fb-{passage_id}")
    assert thanks.get_text() == catalogs.text("ru", "feedback_thanks")
    # After "no", not a dead end: the next step, with the official information.
    after = thanks.find_next_sibling("p")
    assert "feedback-next" in after["class"]
    assert after.a["href"] == app.extensions["qa"].settings.official_info_url
    # Back on the results, the rated one says thank you, its context opened if it was
    # behind "show context" (the best match's question is in view already).
    results = api_answer(client, lang="ru")["results"]
    for rank in (0, len(results) - 1):
        passage_id = results[rank]["passage_id"]
        page = soup(client.get("/", query_string={"q": ON_TOPIC, "lang": "ru", "fb": passage_id}))
        thanks = page.select(".feedback-thanks")
        assert [t.get_text() for t in thanks] == [catalogs.text("ru", "feedback_thanks")]
        if rank == 0:
            assert thanks[0].find_parent(class_="best-hit")["data-passage-id"] == passage_id
        else:
            assert thanks[0].find_parent(id=f"r-{passage_id}") is not None
            assert thanks[0].find_parent("details").has_attr("open")
        assert len(page.select("form.feedback")) == len(results) - 1


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


def test_caching_by_asset_kind(client):
    """Versioned static files: kept a year, never revalidated (no ``no-cache`` beside
    ``immutable``, which made app.css cost a round trip on every page). Any other static
    URL: revalidated. embed.js: an hour, public."""
    page = soup(client.get("/?lang=en"))
    refs = [page.find("link", rel="stylesheet")["href"], page.find("link", rel="icon")["href"]]
    refs.append(page.find("script", src=True)["src"])
    for href in refs:
        with client.get(href) as r:
            directives = {d.strip() for d in r.headers["Cache-Control"].split(",")}
            assert directives == {"public", "max-age=31536000", "immutable"}, href
        for stale in (href.split("?")[0] + "?v=stale", href.split("?")[0]):
            with client.get(stale) as r:
                assert r.headers["Cache-Control"] == "no-cache", stale
                assert r.headers.get("ETag")  # so the revalidation is a 304
    with client.get("/embed.js") as r:
        assert r.headers["Cache-Control"] == "public, max-age=3600"


def test_first_load_of_the_page_is_under_100_kb(client):
    total, sizes = first_load_bytes(client, "/?lang=kk")
    assert total <= PAGE_BUDGET_BYTES, sizes
    assert len(sizes) >= 4  # the page, its stylesheet, its script and its icon were counted
    with_answer, _ = first_load_bytes(client, "/?" + "q=deputies&lang=ru")
    assert with_answer <= PAGE_BUDGET_BYTES


@pytest.mark.parametrize("lang", LANGS)
def test_the_best_match_says_its_date_and_the_superseded_report(
    client, app, monkeypatch, catalogs, lang
):
    """Issue 18: "as of" the first result's report date, and an older report that said
    otherwise shown as superseded, with its date and outlet (the API's fields)."""
    service = app.extensions["qa"]
    real = service.searcher()
    older = Superseded(
        date="2025-09-08",
        outlet="The Steppe Ledger",
        title="A proposal",
        url=None,
        lang="en",
        sentence="The referendum could be held in 2027.",
        passage_id="p-old",
        values=("2027",),
    )

    class Searcher:
        index = real.index

        def ask(self, q, k=5, lang=None):
            return replace(real.ask(q, k=k, lang=lang), superseded=(older,))

    monkeypatch.setattr(service, "searcher", lambda: Searcher())
    answer = api_answer(client, lang=lang)
    assert answer["as_of"] == answer["results"][0]["article"]["date"]
    assert answer["superseded"][0]["date"] == "2025-09-08"
    page = ask_page(client, lang=lang)
    best = page.select_one("#results section.best")
    assert best.select_one("time.as-of")["datetime"] == answer["as_of"]
    note = best.select_one(".superseded")
    assert "The Steppe Ledger" in note.get_text() and note.q.get_text() == older.sentence
    date = catalogs.format_date(lang, "2025-09-08")
    said = catalogs.text(lang, "superseded_note", date=date, outlet=older.outlet)
    assert note.get_text().startswith(said)
