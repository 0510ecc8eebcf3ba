"""The HTTP side of the second adversarial review (issue 21, rows 5, 6, 7, 8 and 12).

Each test is named after what it guards; the review's reproduction is in its docstring.
Rows 1, 2, 3, 9, 15 (validate, importer) are in test_validate.py and
test_import_safety.py, 4 and 16 in test_answer_cache.py, 10 in test_lifecycle.py, 11 in
test_limits.py, 13 in test_corpus.py, 14 in test_deploy_files.py, 17 in test_package.py.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from qa_service.app import create_app

ON_TOPIC = "How many deputies will the Kurultai have?"
EVIL = "https://evil.example"


def _app(seed_app, e5, **settings):
    settings = seed_app.extensions["qa"].settings.replace(rate_limits=False, **settings)
    return create_app({"TESTING": True}, settings=settings, embedder=e5)


@pytest.fixture(scope="module")
def open_app(seed_app, e5):
    return _app(seed_app, e5)


@pytest.fixture()
def client(open_app):
    return open_app.test_client()


def _a_passage(client) -> dict:
    answer = client.get("/api/v1/ask", query_string={"q": ON_TOPIC}).get_json()
    hit = (answer["results"] or answer["related"])[0]
    return {
        "q": ON_TOPIC,
        "passage_id": hit["passage_id"],
        "helpful": True,
        "index_version": answer["index"]["version"],
    }


# --- row 5: feedback through the JSON API from another site ------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"},
        {"Origin": EVIL},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ],
)
def test_cross_site_json_feedback_is_refused(open_app, client, headers):
    """`Origin: https://evil.example` + `Sec-Fetch-Site: cross-site` got 201, while the
    form route refused the same with 403; `QA_CORS_ORIGINS=*` let the preflight through."""
    before = len(list(open_app.extensions["feedback"].rows()))
    r = client.post("/api/v1/feedback", json=_a_passage(client), headers=headers)
    assert r.status_code == 403 and r.mimetype == "application/problem+json"
    assert len(list(open_app.extensions["feedback"].rows())) == before


def test_feedback_preflight_names_no_foreign_origin(client):
    preflight = client.options(
        "/api/v1/feedback",
        headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    # Reading answers stays open to every site with `*`.
    ask = client.get("/api/v1/ask", query_string={"q": ON_TOPIC}, headers={"Origin": EVIL})
    assert ask.headers["Access-Control-Allow-Origin"] == "*"


def test_feedback_from_this_site_or_a_listed_partner_is_taken(seed_app, e5):
    client = _app(seed_app, e5, cors_origins="https://partner.kz").test_client()
    body = _a_passage(client)
    own = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    partner = {"Origin": "https://partner.kz", "Sec-Fetch-Site": "cross-site"}
    assert client.post("/api/v1/feedback", json=body, headers=own).status_code == 201
    r = client.post("/api/v1/feedback", json=body, headers=partner)
    assert r.status_code == 201 and r.headers["Access-Control-Allow-Origin"] == "https://partner.kz"
    assert client.post("/api/v1/feedback", json=body).status_code == 201  # not a browser


# --- row 6: "Copy link" and "Copy citation" use the public address ------------------------


def test_copy_link_and_citation_use_public_url_not_the_host_header(seed_app, e5):
    """`-H 'Host: evil.example'` put `http://evil.example/...` in `data-copy-text`."""
    client = _app(seed_app, e5, public_url="https://qa.example.kz").test_client()
    for path in ("/", "/widget"):
        r = client.get(
            path, query_string={"q": ON_TOPIC, "lang": "en"}, headers={"Host": "evil.example"}
        )
        page = r.get_data(as_text=True)
        assert "evil.example" not in page
        copies = [b["data-copy-text"] for b in BeautifulSoup(page, "html.parser").select(".copy")]
        share = urlsplit(
            BeautifulSoup(page, "html.parser").select_one(".share .copy")["data-copy-text"]
        )
        assert (share.scheme, share.netloc) == ("https", "qa.example.kz")
        assert copies and all("http://" not in text for text in copies if "qa.example" in text)


def test_copy_link_behind_a_tls_proxy_is_https(seed_app, e5):
    """Without QA_PUBLIC_URL, behind the shipped nginx (X-Forwarded-Proto: https)."""
    client = _app(seed_app, e5, trusted_proxies=1).test_client()
    r = client.get(
        "/",
        query_string={"q": ON_TOPIC, "lang": "en"},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
    )
    share = BeautifulSoup(r.get_data(as_text=True), "html.parser").select_one(".share .copy")
    assert share["data-copy-text"].startswith("https://localhost/?")


# --- row 7: Vary: Origin whenever the CORS headers depend on it ---------------------------


def test_vary_origin_on_every_api_answer_when_origins_are_listed(seed_app, e5):
    """`/api/v1/ask` is `public, max-age=300`; `Vary: Origin` came only with an allowed
    origin, so a shared cache could give an allowed site an answer stored without its
    Access-Control-Allow-Origin."""
    client = _app(seed_app, e5, cors_origins="https://partner.kz").test_client()
    for headers in ({}, {"Origin": EVIL}, {"Origin": "https://partner.kz"}):
        r = client.get("/api/v1/ask", query_string={"q": ON_TOPIC}, headers=headers)
        assert "Origin" in r.headers.get("Vary", ""), headers
    # With `*` the headers are the same for every origin: no Vary, one cache entry.
    anyone = _app(seed_app, e5).test_client().get("/api/v1/ask", query_string={"q": ON_TOPIC})
    assert "Origin" not in anyone.headers.get("Vary", "")


# --- row 8: highlight offsets in odd digits -----------------------------------------------


@pytest.mark.parametrize("hl", ["\u2460-5", "\u00b2-5", "1-\u00b3", "\uff11-5", "9" * 5000 + "-1"])
def test_odd_digits_in_a_highlight_link_show_the_article(client, hl):
    """`/articles/<id>?p=...&hl=%E2%91%A0-5` (and `%C2%B2`) was a 500."""
    answer = client.get("/api/v1/ask", query_string={"q": ON_TOPIC}).get_json()
    hit = (answer["results"] or answer["related"])[0]
    r = client.get(
        f"/articles/{hit['article']['id']}", query_string={"p": hit["passage_id"], "hl": hl}
    )
    assert r.status_code == 200


# --- row 12: a language parameter that is not one ----------------------------------------


@pytest.mark.parametrize("query", ["?lang=xx", "?lang=", "?lang=k", "?q=deputies&lang=de"])
def test_an_unknown_lang_parameter_still_varies_on_accept_language(client, query):
    """`/?lang=xx` picked the language from Accept-Language without saying so."""
    kk = client.get("/" + query, headers={"Accept-Language": "kk"})
    ru = client.get("/" + query, headers={"Accept-Language": "ru"})
    assert BeautifulSoup(kk.data, "html.parser").html["lang"] == "kk"
    assert BeautifulSoup(ru.data, "html.parser").html["lang"] == "ru"
    assert "Accept-Language" in kk.headers.get("Vary", "")
    for known in ("ru", "KK", "kz"):  # a language, or one of its spellings, decides alone
        r = client.get(f"/?lang={known}", headers={"Accept-Language": "en"})
        assert "Accept-Language" not in r.headers.get("Vary", ""), known
