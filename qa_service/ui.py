"""The citizens' page, the widget, the embed snippet and the article pages: the routes.

Everything renders on the server, so the page answers with JavaScript off (a GET form,
``/?q=...&lang=...``); ``web/static/app.js`` then takes over the same form, fetches that
same page and swaps its results in without a reload, so one renderer
(``web/templates/_results.html``) serves both paths. Templates and static files live in
``web/``; strings in ``web/i18n/`` (see ``i18n.py``).

Split by job: this module holds the routes and what every page's template gets
(``_page_context``); the answer's layout is ``presenters.py``, static files and their
caching ``assets.py``, the widget's host-origin check ``origin.parent_origin``, and the API
docs page ``api_docs.py`` (beside ``openapi.py``).

The widget (``/widget``) is the page made compact for an iframe. It learns its host's
origin from the ``origin`` parameter that ``/embed.js`` adds, and only ever posts its
height to that origin; ``embed.js`` in turn accepts heights only from the widget's own
origin and caps them. No templates use inline scripts or styles (the CSP forbids them).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException

from . import api_docs as docs_page
from . import assets, validate
from .api import RETRY_UNAVAILABLE
from .i18n import Catalogs, negotiate
from .origin import parent_origin, public_base, public_origin, same_origin_post
from .page_context import CATALOGS_KEY
from .page_context import catalogs as _catalogs
from .page_context import html as _html
from .page_context import page_context as _page_context
from .page_context import request_lang as _lang
from .page_context import service as _service
from .presenters import parse_span_param, segments
from .resources import web_dir
from .service import Unavailable
from .text import clean_query
from .validate import ValidationError

bp = Blueprint("ui", __name__)

THEMES = ("light", "dark", "auto")
EMBED_JS_MAX_AGE = 3600
# The most a host page lets the widget frame grow to (embed.js enforces the same cap).
MAX_FRAME_HEIGHT = 4000


@bp.record_once
def _setup(state) -> None:
    state.app.extensions.setdefault(CATALOGS_KEY, Catalogs.load(web_dir() / "i18n"))
    assets.init_app(state.app)
    state.app.add_template_filter(docs_page.schema_type, "schema_type")


# How the page words each refusal of validate.py (``ValidationError.code``).
VALIDATION_MESSAGES = {
    validate.REQUIRED: "error_blank",
    validate.BLANK: "error_blank",
    validate.TOO_LONG: "error_too_long",
    validate.INVALID: "error_invalid",
}


@dataclass(frozen=True)
class Outcome:
    """What a search page shows: an answer, or an error message with its HTTP status."""

    answer: dict | None = None
    error: str | None = None
    status: int = 200


def _ask(raw_q: str, lang: str) -> Outcome:
    """Validate as the API does (validate.ask) and answer; errors in the UI's language."""
    catalogs = _catalogs()
    service = _service()
    caps = validate.Caps.of(service.settings)
    try:
        params = validate.ask({"q": raw_q, "lang": lang}, caps)
    except ValidationError as exc:
        key = VALIDATION_MESSAGES.get(exc.code, "error_invalid")
        text = catalogs.text(lang, key, max=caps.max_query_chars)
        return Outcome(error=text, status=400)
    try:
        searcher = service.searcher()
    except Unavailable:
        return Outcome(error=catalogs.text(lang, "error_unavailable"), status=503)
    body, g.qa_answer_cache = service.answer_body(searcher, params.q, params.k, params.lang)
    return Outcome(answer=json.loads(body))


@bp.errorhandler(429)
def _too_many(exc) -> Response:
    """A rate-limited page view gets a page in the reader's language, not problem+json."""
    lang = _lang()
    catalogs = _catalogs()
    body = render_template(
        "message.html",
        **_page_context(lang, heading=catalogs.text(lang, "error_heading")),
        message=catalogs.text(lang, "error_too_many"),
    )
    response = _html(body, 429)
    response.headers.setdefault("Retry-After", "60")
    return response


def error_page(exc: HTTPException) -> Response | HTTPException:
    """A page that is not there, or a method it does not take, in the reader's language
    and the site's layout (with its link home), instead of Flask's English page."""
    keys = {404: ("page_not_found", "error_no_page"), 405: ("error_heading", "error_method")}
    if exc.code not in keys:
        return exc
    lang = _lang()
    catalogs = _catalogs()
    heading, message = keys[exc.code]
    body = render_template(
        "message.html",
        **_page_context(lang, heading=catalogs.text(lang, heading)),
        message=catalogs.text(lang, message),
    )
    response = _html(body, exc.code)
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


# --- pages -------------------------------------------------------------------------------


def _widget_values(embedded: bool) -> dict[str, Any]:
    """The widget's theme and host origin (checked against QA_FRAME_ANCESTORS), and the
    parameters its own links and forms carry so that it stays embedded."""
    if not embedded:
        return {"view_params": {}, "parent_origin": None, "theme": None}
    theme = request.args.get("theme", "auto")
    theme = theme if theme in THEMES else "auto"
    settings = _service().settings
    origin = parent_origin(request.args.get("origin"), settings.frame_ancestors, public_origin())
    return {
        "theme": theme,
        "parent_origin": origin,
        "max_frame_height": MAX_FRAME_HEIGHT,
        "view_params": {"theme": theme} | ({"origin": origin} if origin else {}),
    }


def _collection() -> dict[str, int] | None:
    """How many articles and passages the live build holds (the empty page says so)."""
    try:
        index = _service().searcher().index
    except Unavailable:
        return None
    return {"articles": len(index.articles), "passages": len(index.passages)}


def _search_page(template: str, *, embedded: bool) -> Response:
    lang = _lang()
    raw_q = request.args.get("q")
    outcome = _ask(raw_q, lang) if raw_q is not None else Outcome()
    settings = _service().settings
    extra = _widget_values(embedded)
    collection = _collection()
    body = render_template(
        template,
        **_page_context(
            lang,
            # Echoed as searched (no bidi controls), and never longer than a question may be.
            q=clean_query(raw_q)[: settings.max_query_chars] if raw_q else "",
            answer=outcome.answer,
            error=outcome.error,
            view="widget" if embedded else "page",
            feedback_done=request.args.get("fb"),
            feedback_failed=request.args.get("fberr"),
            feedback_no=request.args.get("fbno") == "1",
            # A service that was unavailable: the same question again, one tap away.
            retry_url=(
                url_for(request.endpoint, q=raw_q, lang=lang, **extra["view_params"])
                if outcome.status == 503
                else None
            ),
            collection=collection,
            # "Copy link": the full page for this question, also from inside the widget.
            # QA_PUBLIC_URL's address when set, never a Host the client named (row 6).
            share_url=public_base() + url_for("ui.index", q=raw_q, lang=lang) if raw_q else None,
            **extra,
        ),
    )
    response = _html(body, outcome.status)
    if outcome.status == 503:
        response.headers["Retry-After"] = str(RETRY_UNAVAILABLE)
    return response


@bp.get("/")
def index() -> Response:
    return _search_page("index.html", embedded=False)


@bp.get("/widget")
def widget() -> Response:
    return _search_page("widget.html", embedded=True)


@bp.get("/articles/<article_id>")
def article(article_id: str) -> Response:
    """The whole article, opened at the passage a result came from (``?p=<passage id>``),
    with its answering sentence(s) marked (``?hl=start-end,...``, offsets in the passage)."""
    lang = _lang()
    try:
        searcher = _service().searcher()
    except Unavailable:
        body = render_template(
            "message.html",
            **_page_context(lang, heading=_catalogs().text(lang, "error_heading")),
            message=_catalogs().text(lang, "error_unavailable"),
        )
        return _html(body, 503)
    found = searcher.index.articles.get(article_id)
    if found is None:
        body = render_template(
            "message.html",
            **_page_context(lang, heading=_catalogs().text(lang, "page_not_found")),
            message=_catalogs().text(lang, "article_not_found"),
        )
        return _html(body, 404)
    marked = None
    passage_id = request.args.get("p")
    if passage_id:
        marked = next(
            (p for p in searcher.index.passages_of(article_id) if p.id == passage_id), None
        )
    before, passage_parts, after = found.body, [], ""
    if marked:
        # Mark the answering sentence(s) the result link names, else the whole passage.
        spans = parse_span_param(request.args.get("hl"), len(marked.text))
        before, after = found.body[: marked.start], found.body[marked.end :]
        passage_parts = segments(marked.text, spans or [(0, len(marked.text))])
    body = render_template(
        "article.html",
        **_page_context(
            lang, article=found, before=before, passage_parts=passage_parts, after=after, q=""
        ),
        back_q=request.args.get("q", ""),
        back_anchor=f"#r-{marked.id}" if marked else "",
    )
    return _html(body)


@bp.post("/feedback")
def feedback() -> Response:
    """The no-JavaScript path of "Did this answer your question?": record, then go back.

    Only from this site's own pages (``same_origin_post``: another site cannot make a
    reader's browser post verdicts), only on a passage and build this service has
    (``feedback.check_references``), and only once everything, the way back included,
    has been checked: a refused request stores nothing. Then redirects (303) to the same
    results, where that result says thank you, or that the feedback could not be recorded
    when no store is installed.
    """
    item = _checked_feedback()
    lang = item.lang or negotiate(None, None)
    store = current_app.extensions.get("feedback")
    view = "ui.widget" if request.form.get("view") == "widget" else "ui.index"
    # Said honestly on the page: "thank you" only when a store takes it.
    outcome = "fb" if store is not None else "fberr"
    params: dict[str, str] = {"q": item.question, "lang": lang, outcome: item.passage_id or "none"}
    if not item.helpful:
        params["fbno"] = "1"  # the page then offers the next step, not only "thank you"
    if view == "ui.widget":
        params |= _widget_form_params()
    # Back at the thank-you line itself: the passage's anchor would land inside the
    # opened passage, the confirmation a screen further down.
    anchor = f"#fb-{item.passage_id or 'none'}"
    if store is not None:
        store.record(
            question=item.question,
            passage_id=item.passage_id,
            helpful=item.helpful,
            lang=lang,
            index_version=item.index_version or "",
        )
    return redirect(url_for(view, **params) + anchor, code=303)


def _checked_feedback() -> validate.FeedbackInput:
    """The posted verdict, or an abort: 403 from another site, 400 when malformed or on a
    passage or build this service never served, 503 without an index."""
    from .feedback import UnknownReference, check_references

    if not same_origin_post():
        abort(403, description="feedback is accepted from this site's own pages only")
    service = _service()
    try:
        item = validate.feedback_form(request.form, validate.Caps.of(service.settings))
    except ValidationError as exc:
        abort(400, description=exc.detail)
    try:
        check_references(item, service.searcher(), service.settings.embeddings_dir)
    except UnknownReference as exc:
        abort(400, description=str(exc))
    except Unavailable:
        abort(503)
    return item


def _widget_form_params() -> dict[str, str]:
    """The widget's theme and (checked) host origin from a posted form: the way back."""
    params: dict[str, str] = {}
    theme = request.form.get("theme")
    if theme in THEMES:
        params["theme"] = theme
    settings = _service().settings
    origin = parent_origin(request.form.get("origin"), settings.frame_ancestors, public_origin())
    if origin:
        params["origin"] = origin
    return params


@bp.get("/embed")
def embed_page() -> Response:
    """The snippet to paste, with this server's real address, and a live preview."""
    lang = _lang()
    base = public_base()
    snippet = f'<script src="{base}/embed.js" data-lang="{lang}" async></script>'
    body = render_template("embed.html", **_page_context(lang, snippet=snippet, q="", base=base))
    return _html(body)


@bp.get("/embed.js")
def embed_js() -> Response:
    """The host page's loader. Public, cacheable, loadable from any origin."""
    with open(current_app.static_folder + "/embed.js", "rb") as fh:
        source = fh.read()
    response = Response(source, content_type="text/javascript; charset=utf-8")
    response.set_etag(hashlib.sha256(source).hexdigest()[:16])
    response.cache_control.public = True
    response.cache_control.max_age = EMBED_JS_MAX_AGE
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response.make_conditional(request)


@bp.get("/api/docs")
def api_docs() -> Response:
    """The OpenAPI description as a page for people (the JSON is at /openapi.json)."""
    from .openapi import spec

    values = docs_page.page_of(spec(_service().settings))
    body = render_template("api_docs.html", **_page_context(_lang(), q="", **values))
    return _html(body)
