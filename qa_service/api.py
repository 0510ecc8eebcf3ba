"""JSON API v1 and the health endpoints. Every error under /api is RFC 9457 problem+json.

Input rules are validate.py's (each a 400 with a ``detail`` that says what to change):
``q`` present, not blank, at most ``max_query_chars`` characters after normalization;
``k`` an integer in 1..``max_k``; ``lang`` one of kk, ru, en; a POST body a JSON object
(UTF-8, shallow) with only those fields.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from . import validate
from .answer import STATES
from .origin import same_origin_post
from .service import QAService, Unavailable, current_service
from .validate import ValidationError

bp = Blueprint("api", __name__)

PROBLEM_BASE = "https://referendum-qa.example/problems/"
# Seconds a client should wait when no index can answer (503).
RETRY_UNAVAILABLE = 30


class ApiError(Exception):
    def __init__(self, status: int, title: str, detail: str, headers: dict | None = None):
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = headers or {}


def problem(status: int, title: str, detail: str, headers: dict | None = None) -> Response:
    slug = title.lower().replace(" ", "-")
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _caps() -> validate.Caps:
    return validate.Caps.of(current_service().settings)


def _bad(detail: str) -> ApiError:
    return ApiError(400, "Invalid request", detail)


def json_body() -> Any:
    """The request's JSON body (validate.load_json), or a 415/413/400 problem."""
    if not request.is_json:
        raise ApiError(415, "Unsupported media type", "send the body as application/json")
    return validate.load_json(request.get_data(cache=True))


def ask_params() -> validate.AskInput:
    """``q``, ``k`` and ``lang`` from the query string (GET) or the JSON body (POST)."""
    if request.method == "POST":
        data = json_body()
        if not isinstance(data, dict):
            raise _bad('the body must be a JSON object like {"q": "..."}')
        validate.only(data, validate.ASK_FIELDS)
        return validate.ask(data, _caps())
    validate.only(request.args, validate.ASK_FIELDS, "parameter")
    return validate.ask(request.args.to_dict(), _caps())


@bp.route("/api/v1/ask", methods=["GET", "POST"])
def ask() -> Response:
    started = time.perf_counter()
    service = current_service()
    settings = service.settings
    params = ask_params()
    searcher = _searcher_or_503(service)
    etag = service.answer_key(searcher.index.version, params.q, params.k, params.lang)
    if request.method == "GET" and etag in request.if_none_match:
        response = Response(status=304)
        response.set_etag(etag)
        response.headers["Cache-Control"] = f"public, max-age={settings.cache_max_age}"
        return response
    body, g.qa_answer_cache = service.answer_body(searcher, params.q, params.k, params.lang)
    g.qa_answer_info = answer_facts(body, searcher.index.version)
    response = current_app.response_class(body, mimetype="application/json")
    # The server's own time for this answer (a cached one is a lookup), for the benchmark
    # and browsers' developer tools.
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
    if request.method == "GET":
        response.set_etag(etag)
        response.headers["Cache-Control"] = f"public, max-age={settings.cache_max_age}"
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def answer_facts(body: bytes, version: str) -> dict:
    """What the access log and metrics read of an answer (``abstained``, ``confidence``,
    ``index_version``), without parsing its JSON again: a cached answer costs less than
    parsing it. Quotes inside JSON strings are escaped, so these exact byte sequences can
    only be the answer's own top-level fields, never a question or passage quoting them."""
    confidence = next((c for c in STATES if b'"confidence":"%s"' % c.encode() in body), None)
    return {
        "abstained": b'"abstained":true' in body,
        "confidence": confidence,
        "index_version": version,
    }


def _searcher_or_503(service: QAService):
    try:
        return service.searcher()
    except Unavailable as exc:
        raise ApiError(
            503, "Service unavailable", str(exc), {"Retry-After": str(RETRY_UNAVAILABLE)}
        ) from None


@bp.post("/api/v1/feedback")
def feedback() -> Response:
    """Record "did this passage answer you?" (feedback.py); no client address is stored.

    Everything is checked before anything is stored: the fields (validate.feedback), then
    that the passage and build are ones this service has (a 404 names the unknown one).
    """
    from .feedback import UnknownReference, check_references

    service = current_service()
    if not (same_origin_post() or _listed_origin(service.settings.cors_origins)):
        # Another site making a reader's browser post verdicts (issue 21, row 5): the
        # form route refuses the same; `QA_CORS_ORIGINS=*` is for reading, not this.
        raise ApiError(
            403,
            "Forbidden",
            "feedback is accepted from this site's pages, or from an origin listed by "
            "name in QA_CORS_ORIGINS",
        )
    item = validate.feedback(json_body(), _caps())
    try:
        check_references(item, _searcher_or_503(service), service.settings.embeddings_dir)
    except UnknownReference as exc:
        raise ApiError(404, "Not found", str(exc)) from None
    current_app.extensions["feedback"].record(
        item.question, item.passage_id, item.helpful, item.lang, item.index_version
    )
    response = jsonify({"status": "recorded"})
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/v1/articles")
def articles() -> Response:
    searcher = _searcher_or_503(current_service())
    rows = searcher.index.rows_by_article
    items = [
        a.attribution() | {"passages": len(rows.get(a.id, ()))}
        for a in searcher.index.articles.values()
    ]
    return jsonify({"articles": items, "index": _index_info(searcher)})


@bp.get("/api/v1/articles/<article_id>")
def article(article_id: str) -> Response:
    searcher = _searcher_or_503(current_service())
    found = searcher.index.articles.get(article_id)
    if found is None:
        raise ApiError(404, "Not found", f"no article with id {article_id!r}")
    passages = [
        {"id": p.id, "start": p.start, "end": p.end} for p in searcher.index.passages_of(article_id)
    ]
    body = found.attribution() | {"body": found.body, "passage_spans": passages}
    return jsonify({"article": body, "index": _index_info(searcher)})


def _index_info(searcher) -> dict:
    return {
        "version": searcher.index.version,
        "articles": len(searcher.index.articles),
        "passages": len(searcher.index.passages),
    }


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    service = current_service()
    try:
        searcher = service.searcher()
    except Unavailable as exc:
        response = jsonify({"status": "unavailable", "detail": str(exc)})
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_UNAVAILABLE)
        return response
    body = {"status": "ready", "index": _index_info(searcher)}
    warnings = [service.problem] if service.problem else []  # a newer build failed to load
    if searcher.latent_missing:
        warnings.append(
            "the live build has no latent terms (made by an older version): answers use "
            "dense + BM25 only until `referendum-qa reindex --if-stale`"
        )
    if warnings:
        body["warning"] = "; ".join(warnings)
    return jsonify(body)


@bp.get("/openapi.json")
def openapi() -> Response:
    from .openapi import spec

    return jsonify(spec(current_service().settings))


FEEDBACK_PATH = "/api/v1/feedback"


def _listed_origin(cors_origins: str) -> bool:
    """The request's Origin is named in ``cors_origins`` (``*`` names none)."""
    origin = request.headers.get("Origin")
    return bool(origin) and origin in cors_origins.split()


@bp.after_app_request
def _cors(response: Response) -> Response:
    """CORS for /api/v1: ``*`` lets any site read answers; feedback is written only by
    origins named in ``cors_origins``. Whenever the headers depend on the request's
    Origin, ``Vary: Origin`` is on every response (allowed or not), or a shared cache
    would hand an allowed site an answer stored without its Access-Control-Allow-Origin
    (issue 21, row 7)."""
    if not request.path.startswith("/api/v1/"):
        return response
    allowed = current_service().settings.cors_origins.split()
    origin = request.headers.get("Origin")
    by_name = request.path == FEEDBACK_PATH or "*" not in allowed
    if not by_name:
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        if origin and origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After"
    return response


def register_error_handlers(
    app: Flask, page: Callable[[HTTPException], Response | HTTPException] | None = None
) -> None:
    """Under /api every error is problem+json; elsewhere ``page`` renders it (the UI's
    page in the reader's language), or Flask's own page."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return problem(exc.status, exc.title, exc.detail, exc.headers)

    @app.errorhandler(ValidationError)
    def _invalid(exc: ValidationError):
        title = "Content too large" if exc.status == 413 else "Invalid request"
        if _is_api(request.path):
            return problem(exc.status, title, exc.detail)
        return Response(f"{title}: {exc.detail}\n", exc.status, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if not _is_api(request.path):
            return page(exc) if page is not None else exc
        detail = {
            404: f"no endpoint at {request.path}; see /openapi.json",
            405: f"{request.method} is not allowed on {request.path}",
            413: f"request body larger than {current_service().settings.max_body_bytes} bytes",
        }.get(exc.code or 500, exc.description or "")
        headers = {}
        if exc.code == 405 and exc.valid_methods:
            headers["Allow"] = ", ".join(exc.valid_methods)
        return problem(exc.code or 500, exc.name, detail, headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        current_app.logger.exception("unhandled error")
        if _is_api(request.path):
            return problem(500, "Internal server error", "an unexpected error; it was logged")
        return "Internal server error", 500


def _is_api(path: str) -> bool:
    return path.startswith("/api") or path in ("/healthz", "/readyz", "/openapi.json")
