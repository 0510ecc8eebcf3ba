"""JSON API v1: responses validated against /openapi.json, every error shape, headers."""

from __future__ import annotations

import jsonschema
import pytest

from qa_service.app import create_app


@pytest.fixture(scope="module")
def spec(seed_app):
    return seed_app.test_client().get("/openapi.json").get_json()


def check(spec: dict, response, status: int | None = None) -> dict:
    """Validate a response against the schema the spec declares for its path and status."""
    path = response.request.path
    method = response.request.method.lower()
    template = path
    if path.startswith("/api/v1/articles/"):
        template = "/api/v1/articles/{article_id}"
    operation = spec["paths"][template][method]
    declared = operation["responses"][str(response.status_code)]
    if status is not None:
        assert response.status_code == status, response.get_data(as_text=True)
    if "content" not in declared:
        return {}
    [(media_type, content)] = declared["content"].items()
    assert response.mimetype == media_type
    body = response.get_json()
    schema = {**content["schema"], "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)
    return body


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["status"] == status and body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_ask_get_schema_and_attribution(client, spec):
    r = client.get("/api/v1/ask", query_string={"q": "How many deputies?", "k": 3, "lang": "en"})
    body = check(spec, r, 200)
    assert body["lang"] == "en" and body["query"] == "How many deputies?"
    assert 1 <= len(body["results"]) <= 3
    assert [h["rank"] for h in body["results"]] == list(range(1, len(body["results"]) + 1))
    for hit in body["results"]:
        for span in hit["highlight"]:
            assert 0 <= span["start"] < span["end"] <= len(hit["text"])
        assert hit["article"]["outlet"] == "Enbekshi QazaQ"
    assert body["index"]["articles"] == 5 and body["index"]["version"]


def test_ask_post_and_language_detection(client, spec):
    r = client.post("/api/v1/ask", json={"q": "Сколько депутатов будет в Курултае?", "k": 2})
    body = check(spec, r, 200)
    assert body["lang"] == "ru"
    assert r.headers["Cache-Control"] == "no-store"
    kk = client.post("/api/v1/ask", json={"q": "Құрылтайда қанша депутат болады?"}).get_json()
    assert kk["lang"] == "kk"


def test_get_is_cacheable_with_etag(client):
    r = client.get("/api/v1/ask?q=deputies")
    assert "max-age=" in r.headers["Cache-Control"] and r.headers["ETag"]
    again = client.get("/api/v1/ask?q=deputies", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/v1/ask?q=senate", headers={"If-None-Match": r.headers["ETag"]})
    assert other.status_code == 200


@pytest.mark.parametrize(
    "query, fragment",
    [
        ({}, "required"),
        ({"q": "   "}, "blank"),
        ({"q": "x" * 501}, "longer than 500"),
        ({"q": "ok", "k": "0"}, "between 1 and 20"),
        ({"q": "ok", "k": "21"}, "between 1 and 20"),
        ({"q": "ok", "k": "two"}, "integer"),
        ({"q": "ok", "k": "1.5"}, "integer"),
        ({"q": "ok", "lang": "de"}, "kk, ru, en"),
        ({"q": "ok", "debug": "1"}, "unknown parameter"),
    ],
)
def test_ask_get_errors(client, spec, query, fragment):
    r = client.get("/api/v1/ask", query_string=query)
    assert fragment in problem_of(r, 400)["detail"]
    check(spec, r)


@pytest.mark.parametrize(
    "kwargs, status, fragment",
    [
        ({"data": "q=deputies", "content_type": "application/x-www-form-urlencoded"}, 415, "json"),
        ({"data": "{not json", "content_type": "application/json"}, 400, "not valid JSON"),
        ({"json": ["q"]}, 400, "JSON object"),
        ({"json": {"q": 5}}, 400, "string"),
        ({"json": {"q": "ok", "k": True}}, 400, "integer"),
        ({"json": {"q": "ok", "k": 2.5}}, 400, "integer"),
        ({"json": {"q": "ok", "extra": 1}}, 400, "unknown field"),
        ({"json": {"q": "x" * 20000}}, 413, "larger than"),
    ],
)
def test_ask_post_errors(client, spec, kwargs, status, fragment):
    r = client.post("/api/v1/ask", **kwargs)
    assert fragment in problem_of(r, status)["detail"]
    check(spec, r)


def test_unknown_path_and_wrong_method_are_problems(client):
    problem_of(client.get("/api/v1/nothing"), 404)
    r = client.delete("/api/v1/ask")
    problem_of(r, 405)
    assert "GET" in r.headers["Allow"]


def test_articles_list_and_full_text(client, spec):
    listing = check(spec, client.get("/api/v1/articles"), 200)
    assert len(listing["articles"]) == 5
    assert sum(a["passages"] for a in listing["articles"]) == listing["index"]["passages"]
    first = listing["articles"][0]
    full = check(spec, client.get(f"/api/v1/articles/{first['id']}"), 200)["article"]
    assert full["title"] == first["title"] and len(full["body"]) > 500
    for span in full["passage_spans"]:
        assert 0 <= span["start"] < span["end"] <= len(full["body"])
    problem_of(client.get("/api/v1/articles/no-such-id"), 404)


def test_health_and_ready(client, spec):
    assert check(spec, client.get("/healthz"), 200)["status"] == "ok"
    ready = check(spec, client.get("/readyz"), 200)
    assert ready["status"] == "ready" and ready["index"]["passages"] > 0


def test_no_index_gives_503_with_retry_after(tmp_path, e5):
    app = create_app(
        {"TESTING": True, "embeddings_dir": tmp_path / "empty", "corpus_dir": tmp_path}, embedder=e5
    )
    client = app.test_client()
    r = client.get("/api/v1/ask?q=deputies")
    assert "reindex" in problem_of(r, 503)["detail"]
    assert r.headers["Retry-After"]
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "reindex" in ready.get_json()["detail"]
    assert client.get("/healthz").status_code == 200


def test_openapi_documents_every_api_route(seed_app, spec):
    jsonschema.Draft202012Validator.check_schema(spec["components"]["schemas"]["Answer"])
    routes = {
        rule.rule.replace("<article_id>", "{article_id}")
        for rule in seed_app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") or rule.rule in ("/healthz", "/readyz")
    }
    assert routes <= set(spec["paths"])


def test_security_headers_and_cors(client):
    r = client.get("/api/v1/ask?q=deputies")
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and r.headers["X-Frame-Options"] == "DENY"
    # Framing rules never depend on the Referer.
    spoofed = client.get("/", headers={"Referer": "https://evil.example/"})
    assert "frame-ancestors 'none'" in spoofed.headers["Content-Security-Policy"]
    widget = client.get("/widget", headers={"Referer": "https://news.example/"})
    assert "frame-ancestors *" in widget.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in widget.headers


def test_cors_allowlist(seed_index, e5):
    settings, _ = seed_index
    app = create_app(
        {"TESTING": True}, settings=settings.replace(cors_origins="https://news.kz"), embedder=e5
    )
    client = app.test_client()
    allowed = client.get("/api/v1/ask?q=x", headers={"Origin": "https://news.kz"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://news.kz"
    denied = client.get("/api/v1/ask?q=x", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in denied.headers
