"""Issue 13: what an adversarial review of a live instance found, one regression test per
finding, each named after what it guards (docs/reliability.md lists them by row).

The request-cost test (rows 1 and 3, work done rather than time) is test_request_cost.py;
the log scan under gunicorn (row 7) is test_private_logs.py; nginx (row 6, the cache after
a reindex) is test_nginx.py.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from qa_service import validate
from qa_service.app import create_app
from qa_service.build import reindex
from qa_service.cli import cli
from qa_service.corpus import title_line
from qa_service.feedback import FeedbackStore, export_unanswered
from qa_service.origin import parent_origin
from qa_service.text import clean_query

from .conftest import ROOT

ON_TOPIC = "How many deputies will the Kurultai have?"
EXPANDS = "x" + "\ufdfa" * 480  # 481 characters typed, 8,641 after NFKC
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"


def _app(seed_app, e5, **settings):
    """A fresh app (own limiter, metrics and settings) on the seed index."""
    settings = seed_app.extensions["qa"].settings.replace(**settings)
    return create_app({"TESTING": True}, settings=settings, embedder=e5)


@pytest.fixture(scope="module")
def open_app(seed_app, e5):
    return _app(seed_app, e5, rate_limits=False)


@pytest.fixture()
def client(open_app):
    return open_app.test_client()


def _rows(app) -> int:
    return len(list(app.extensions["feedback"].rows()))


def _served(client) -> tuple[str, str]:
    answer = client.get("/api/v1/ask", query_string={"q": ON_TOPIC}).get_json()
    return answer["results"][0]["passage_id"], answer["index"]["version"]


# --- row 1: limits apply to the normalized text --------------------------------------------


def test_question_limit_applies_to_the_normalized_text_everywhere(open_app, client, runner):
    """U+FDFA x 480 is 481 characters typed and 8,641 after NFKC: refused by every surface,
    with the limit named; 500 fullwidth letters (NFKC 1:1) still pass."""
    cap = open_app.extensions["qa"].settings.max_query_chars
    before = _rows(open_app)
    for response in (
        client.get("/api/v1/ask", query_string={"q": EXPANDS}),
        client.post("/api/v1/ask", json={"q": EXPANDS}),
        client.post("/api/v1/feedback", json={"q": EXPANDS, "helpful": True}),
    ):
        assert response.status_code == 400
        assert (
            f"longer than {cap} characters after Unicode normalization"
            in (response.get_json()["detail"])
        )
    for path in ("/", "/widget"):
        page = client.get(path, query_string={"q": EXPANDS, "lang": "en"})
        assert page.status_code == 400 and str(cap) in page.get_data(as_text=True)
    form = client.post("/feedback", data={"q": EXPANDS, "helpful": "yes"})
    assert form.status_code == 400
    assert _rows(open_app) == before
    settings = open_app.extensions["qa"].settings
    cli_run = runner.invoke(cli, ["--embeddings", str(settings.embeddings_dir), "ask", EXPANDS])
    assert cli_run.exit_code == 1 and "after Unicode normalization" in cli_run.output
    wide = client.get("/api/v1/ask", query_string={"q": "\uff21" * cap})  # fullwidth A
    assert wide.status_code == 200 and wide.get_json()["query"] == "A" * cap


# --- row 2: no open redirect from the 404 page ---------------------------------------------


@pytest.mark.parametrize(
    "path", ["/%5Cevil.example", "/%09/evil.example", "/%5C%5Cevil.example/x", "/%2F/evil.example"]
)
def test_language_links_on_a_404_never_leave_the_site(client, path):
    r = client.get(path)
    assert r.status_code == 404
    links = BeautifulSoup(r.get_data(as_text=True), "html.parser").select("nav.langs a")
    assert len(links) == 3
    for a in links:
        href = a["href"]
        assert href.startswith("/?") and "evil" not in href, href
        assert urlsplit(urljoin("https://qa.example.kz/x/y", href)).netloc == "qa.example.kz"


def test_language_links_keep_the_route_and_only_known_query_keys(client):
    passage_id, _ = _served(client)
    article = client.get("/api/v1/ask", query_string={"q": ON_TOPIC}).get_json()
    article_id = article["results"][0]["article"]["id"]
    r = client.get(f"/articles/{article_id}", query_string={"p": passage_id, "x": "//evil"})
    for a in BeautifulSoup(r.get_data(as_text=True), "html.parser").select("nav.langs a"):
        parts = urlsplit(a["href"])
        assert parts.path == f"/articles/{article_id}"
        assert parse_qs(parts.query) == {"p": [passage_id], "lang": [a["lang"]]}


# --- row 3: five ways to a 500 -------------------------------------------------------------


@pytest.mark.parametrize(
    "method, kwargs",
    [
        ("get", {"query_string": {"q": "x", "k": "\u00b2"}}),  # superscript two
        ("get", {"query_string": {"q": "x", "k": "\u2460"}}),  # circled one
        ("get", {"query_string": {"q": "x", "k": "9" * 4400}}),
        ("post", {"json": {"q": "x", "k": "\u0663"}}),  # Arabic-Indic three
        ("post", {"data": "[" * 5000 + "]" * 5000}),
        ("post", {"data": '{"q": ' + "[" * 5000 + "]" * 5000 + "}"}),
        ("post", {"data": '{"q": "\\ud800 deputies"}'}),
        ("post", {"data": '{"q": "x", "k": ' + "9" * 5000 + "}"}),
    ],
)
def test_odd_digits_deep_json_and_lone_surrogates_get_400_on_ask(client, method, kwargs):
    if "data" in kwargs:
        kwargs["content_type"] = "application/json"
    r = getattr(client, method)("/api/v1/ask", **kwargs)
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    assert r.mimetype == "application/problem+json" and r.get_json()["status"] == 400


@pytest.mark.parametrize(
    "body",
    [
        "[" * 5000 + "]" * 5000,
        '{"q": "\\udfff", "helpful": true}',
        '{"q": "deputies", "helpful": true, "passage_id": "p-\\ud800"}',
        '{"q": "deputies", "helpful": true, "index_version": "\\ud800"}',
    ],
)
def test_deep_json_and_lone_surrogates_get_400_on_feedback(open_app, client, body):
    before = _rows(open_app)
    r = client.post("/api/v1/feedback", data=body, content_type="application/json")
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    assert _rows(open_app) == before


# --- row 4: feedback cannot be forged ------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "https://localhost.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://news.localhost"},
    ],
)
def test_feedback_form_refuses_posts_from_other_sites(open_app, client, headers):
    passage_id, version = _served(client)
    form = {"q": ON_TOPIC, "passage_id": passage_id, "index_version": version, "helpful": "no"}
    before = _rows(open_app)
    assert client.post("/feedback", data=form, headers=headers).status_code == 403
    assert _rows(open_app) == before
    own = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/feedback", data=form, headers=own).status_code == 303
    assert _rows(open_app) == before + 1


@pytest.mark.parametrize(
    "extra",
    [
        {"passage_id": "p-00000000000000"},
        {"index_version": "20990101T000000000000Z-00000000"},
        {"passage_id": "p-00000000000000", "index_version": "current"},
    ],
)
def test_feedback_names_only_passages_and_builds_this_service_has(open_app, client, extra):
    before = _rows(open_app)
    body = {"q": ON_TOPIC, "helpful": False} | extra
    r = client.post("/api/v1/feedback", json=body)
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert "no passage" in r.get_json()["detail"] or "no index build" in r.get_json()["detail"]
    form = {"q": ON_TOPIC, "helpful": "no"} | extra
    assert client.post("/feedback", data=form).status_code == 400
    assert _rows(open_app) == before


def test_feedback_on_a_kept_older_build_is_accepted(tmp_path, corpus_dir, e5):
    """A reader rates an answer given just before a reindex: the older build is kept, so
    its passage ids still count; a build that was never made does not."""
    embeddings = tmp_path / "embeddings"
    from qa_service.config import Settings

    settings = Settings.load(
        {
            "corpus_dir": corpus_dir,
            "embeddings_dir": embeddings,
            "feedback_db": tmp_path / "fb.sqlite3",
            "rate_limits": False,
        }
    )
    reindex(settings, e5)
    app = create_app({"TESTING": True}, settings=settings, embedder=e5)
    client = app.test_client()
    old_answer = client.get("/api/v1/ask", query_string={"q": "parliament"}).get_json()
    old = {
        "passage_id": (old_answer["results"] or old_answer["related"])[0]["passage_id"],
        "index_version": old_answer["index"]["version"],
    }
    for path in [p for p in corpus_dir.rglob("*") if p.is_file()]:  # no passage survives
        path.unlink()
    (corpus_dir / "new.md").write_text(
        "---\ntitle: Polling stations open at seven\ndate: 2026-03-01\noutlet: Test Gazette\n"
        "lang: en\n---\nPolling stations for the referendum open at seven in the morning.\n",
        encoding="utf-8",
    )
    new_version = reindex(settings, e5).build_id
    app.extensions["qa"].load()
    assert app.extensions["qa"].searcher().index.version == new_version != old["index_version"]
    body = {"q": "parliament", "helpful": False}
    assert client.post("/api/v1/feedback", json=body | old).status_code == 201
    stale = body | {"passage_id": old["passage_id"]}  # not in the live build
    assert client.post("/api/v1/feedback", json=stale).status_code == 404


def test_feedback_form_with_cr_lf_in_an_id_stores_nothing(open_app, client):
    before = _rows(open_app)
    for field in ("passage_id", "index_version"):
        form = {"q": ON_TOPIC, "helpful": "yes", field: "p-1\r\nSet-Cookie: x=1"}
        r = client.post("/feedback", data=form)
        assert r.status_code == 400 and "Set-Cookie" not in r.headers
    assert _rows(open_app) == before


def test_feedback_is_capped_and_cleaned_after_normalization(open_app, client):
    passage_id, version = _served(client)
    before = _rows(open_app)
    body = {"q": f"{BIDI}Сколько депутатов?{BIDI}", "helpful": False, "passage_id": passage_id}
    assert client.post("/api/v1/feedback", json=body).status_code == 201
    stored = list(open_app.extensions["feedback"].rows())[-1]
    assert stored["question"] == "Сколько депутатов?"
    too_long = {"q": "\ufdfa" * 30, "helpful": True}  # 30 characters, 540 after NFKC
    assert client.post("/api/v1/feedback", json=too_long).status_code == 400
    assert _rows(open_app) == before + 1


def test_feedback_export_never_carries_bidi_controls(tmp_path):
    store = FeedbackStore(tmp_path / "old.sqlite3")
    store.record(f"How many{BIDI} deputies?", None, False, "en", None)  # stored before the fix
    [item] = export_unanswered(store)
    assert item["question"] == "How many deputies?"


# --- row 5: bounded metric labels, unmatched routes limited --------------------------------


def test_unknown_methods_share_one_metric_label(seed_app, e5):
    client = _app(seed_app, e5, rate_limits=False).test_client()
    for method in ("FOOBAR", "PROPFIND", "X" * 200):
        client.open("/healthz", method=method)
    text = client.get("/metrics").get_data(as_text=True)
    methods = set(re.findall(r'qa_http_requests_total\{[^}]*method="([^"]*)"', text))
    assert "other" in methods and methods <= {"GET", "POST", "HEAD", "other"}


def test_unmatched_routes_are_rate_limited(seed_app, e5):
    client = _app(seed_app, e5, rate_limit_other="3/minute").test_client()
    codes = [client.get(f"/no-such-page-{i}").status_code for i in range(4)]
    codes.append(client.open("/healthz", method="FOOBAR").status_code)
    assert codes == [404, 404, 404, 429, 429]
    assert client.get("/healthz").status_code == 200  # probes stay exempt


# --- row 6: the Host header is never reflected ---------------------------------------------


def test_public_url_is_used_for_every_absolute_url(seed_app, e5):
    client = _app(seed_app, e5, rate_limits=False, public_url="https://qa.example.kz").test_client()
    evil = {"Host": "evil.example"}
    page = client.get("/embed?lang=en", headers=evil).get_data(as_text=True)
    snippet = BeautifulSoup(page, "html.parser").find("code", id="snippet").get_text()
    assert snippet == '<script src="https://qa.example.kz/embed.js" data-lang="en" async></script>'
    assert "evil.example" not in page
    moved = client.get("/", environ_overrides={"PATH_INFO": "//api//v1/articles"}, headers=evil)
    assert moved.status_code == 308
    assert moved.headers["Location"] == "https://qa.example.kz/api/v1/articles"
    assert "evil.example" not in moved.get_data(as_text=True)
    # The widget's own origin ('self' in frame-ancestors) is the public one too.
    assert parent_origin("https://qa.example.kz", "'self'", "https://qa.example.kz")


def test_without_public_url_redirects_are_relative(client):
    moved = client.get(
        "/", environ_overrides={"PATH_INFO": "//api//v1/articles"}, headers={"Host": "evil.ex"}
    )
    assert moved.status_code == 308 and moved.headers["Location"] == "/api/v1/articles"
    assert "evil.ex" not in moved.get_data(as_text=True)


@pytest.mark.parametrize("host", ["a b", "evil.example/x", "evil.example\\x", "", "x:port", "é.kz"])
def test_a_malformed_host_header_is_400(client, host):
    for path in ("/embed", "/api/v1/ask?q=deputies"):
        r = client.get(path, headers={"Host": host})
        assert r.status_code == 400, (host, path)
        assert "http:/embed.js" not in r.get_data(as_text=True)


def test_public_url_must_be_an_http_url(seed_index, e5):
    settings, _ = seed_index
    with pytest.raises(ValueError, match="QA_PUBLIC_URL"):
        create_app({"TESTING": True}, settings=settings.replace(public_url="qa.example.kz"))


# --- row 8: the ETag covers what decides the answer ----------------------------------------


def test_etag_follows_case_because_ranking_does(client):
    upper = client.get("/api/v1/ask", query_string={"q": "How many DEPUTIES will there be?"})
    lower = client.get("/api/v1/ask", query_string={"q": "how many deputies will there be?"})
    assert upper.headers["ETag"] != lower.headers["ETag"]
    again = client.get(
        "/api/v1/ask",
        query_string={"q": "how many deputies will there be?"},
        headers={"If-None-Match": upper.headers["ETag"]},
    )
    assert again.status_code == 200
    assert again.get_json()["results"] == lower.get_json()["results"]
    same = client.get(
        "/api/v1/ask",
        query_string={"q": "How many DEPUTIES will there be?"},
        headers={"If-None-Match": upper.headers["ETag"]},
    )
    assert same.status_code == 304


# --- row 9: Retry-After only where it means something --------------------------------------


def test_retry_after_only_on_429_and_503_with_the_apps_value(seed_app, e5, tmp_path):
    limited = _app(seed_app, e5, rate_limit_ask="2/minute").test_client()
    ok = limited.get("/api/v1/ask?q=deputies")
    assert ok.status_code == 200 and "Retry-After" not in ok.headers
    assert "X-RateLimit-Limit" in ok.headers  # the limiter's own headers stay
    limited.get("/api/v1/ask?q=deputies")
    refused = limited.get("/api/v1/ask?q=deputies")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    settings = seed_app.extensions["qa"].settings.replace(embeddings_dir=tmp_path / "none")
    empty = create_app({"TESTING": True}, settings=settings, embedder=e5).test_client()
    for path in ("/api/v1/ask?q=deputies", "/readyz", "/?q=deputies"):
        r = empty.get(path)
        assert r.status_code == 503 and r.headers["Retry-After"] == "30", path


# --- row 10: frame origins parsed strictly --------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "https://evil.com\\.example.kz",
        "https://evil.com .example.kz",
        "https://evil.com;.example.kz",
        "https://evil.com%2e.example.kz",
        "https://evil.com\t.example.kz",
        "https://user@news.example.kz",
        "https://news.example.kz:99999",
    ],
)
def test_frame_origin_with_backslash_space_or_semicolon_is_refused(client, raw):
    assert parent_origin(raw, "https://*.example.kz") is None
    page = client.get("/widget", query_string={"origin": raw})
    config = json.loads(
        BeautifulSoup(page.get_data(as_text=True), "html.parser")
        .find("script", id="qa-config")
        .string
    )
    assert not config.get("parentOrigin")
    assert parent_origin("https://news.example.kz", "https://*.example.kz")


# --- row 11: bidi controls ------------------------------------------------------------------


def test_bidi_controls_are_stripped_and_kazakh_and_russian_kept(client):
    kk = "Құрылтайда неше депутат болады?"
    ru = "Сколько депутатов будет в Курултае?"
    for text in (kk, ru):
        assert clean_query(text) == text
        tricked = BIDI[:5] + text[:5] + BIDI[5:] + text[5:] + "\u202e"
        r = client.get("/api/v1/ask", query_string={"q": tricked})
        assert r.status_code == 200 and r.get_json()["query"] == text
        page = client.get("/", query_string={"q": tricked, "lang": "en"})
        assert not set(BIDI) & set(page.get_data(as_text=True))


# --- row 12: linear title parsing, 413 for chunked bodies ----------------------------------

_OLD_TITLE_RE = re.compile(r"^(?P<title>\S.*?)\s+(?P<d>\d{2})\.(?P<m>\d{2})\.(?P<y>\d{4})\s*$")


@given(st.text(alphabet="ab 1.20\t", max_size=30))
def test_title_line_reads_what_the_old_rule_read(line):
    m = _OLD_TITLE_RE.match(line)
    assert title_line(line) == ((m["title"], f"{m['d']}.{m['m']}.{m['y']}") if m else None)


def test_title_line_on_a_million_spaces_does_not_backtrack():
    """The old rule took 1.1 s on 8,000 spaces and grows with the square (hours here).
    The bound is not a timing assertion: it only keeps a regression from hanging CI."""
    code = (
        "from qa_service.corpus import title_line\n"
        "assert title_line('T' + ' ' * 1_000_000 + 'x 14.02.2026') == "
        "('T' + ' ' * 1_000_000 + 'x', '14.02.2026')\n"
        "assert title_line('T' + ' ' * 1_000_000) is None\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)


def test_a_chunked_body_over_the_limit_is_413(open_app, client):
    limit = open_app.extensions["qa"].settings.max_body_bytes
    body = json.dumps({"q": "x" * (limit + 100)}).encode()
    for path in ("/api/v1/ask", "/api/v1/feedback"):
        r = client.post(
            path,
            input_stream=io.BytesIO(body),
            content_type="application/json",
            headers={"Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},
        )
        assert r.status_code == 413 and r.mimetype == "application/problem+json", path
    small = client.post(
        "/api/v1/ask",
        input_stream=io.BytesIO(b'{"q": "deputies"}'),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert small.status_code == 200


# --- older items ----------------------------------------------------------------------------


def test_serve_warns_when_rate_limits_are_counted_per_worker(seed_index):
    from qa_service.gunicorn_conf import rate_limit_note

    settings, _ = seed_index
    note = rate_limit_note(settings.replace(workers=4))
    assert note and "4 times" in note and "QA_RATE_LIMIT_STORAGE_URI" in note
    assert rate_limit_note(settings.replace(workers=1)) is None
    assert rate_limit_note(settings.replace(workers=4, rate_limit_storage_uri="redis://r")) is None


def test_compose_and_k8s_share_rate_limits_through_redis():
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "QA_RATE_LIMIT_STORAGE_URI: redis://" in compose
    k8s = (ROOT / "deploy" / "k8s" / "app.yaml").read_text(encoding="utf-8")
    assert re.search(r"QA_RATE_LIMIT_STORAGE_URI, value: \"redis://", k8s)


def test_validation_caps_are_shared_by_the_openapi_document(seed_index):
    from qa_service.openapi import spec

    settings, _ = seed_index
    doc = spec(settings.replace(max_query_chars=123, max_k=7))
    ask = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/ask"]["get"]["parameters"]}
    assert ask["q"]["maxLength"] == 123 and ask["k"]["maximum"] == 7
    assert ask["lang"]["enum"] == [*validate.LANGS, ""]
    feedback = doc["components"]["schemas"]["FeedbackRequest"]["properties"]
    assert feedback["passage_id"]["maxLength"] == validate.MAX_ID_CHARS
    assert feedback["passage_id"]["pattern"] == validate.ID_PATTERN
