"""The citizens' page, the widget, the embed snippet and the article pages (HTML).

Everything renders on the server, so the page answers with JavaScript off (a GET form,
``/?q=...&lang=...``); ``web/static/app.js`` then takes over the same form, fetches that
same page and swaps its results in without a reload, so one renderer
(``web/templates/_results.html``) serves both paths. Templates and static files live in
``web/``; strings in ``web/i18n/`` (see ``i18n.py``).

An answer is laid out answer first: the top passage's highlighted sentence(s) quoted in a
best-match block whose heading follows the answer's confidence (``confidence_of``), then
the other passages grouped by article (``group_by_article``), each collapsed to its
highlighted sentence (``quote_of``) with the whole passage behind "show context".

The widget (``/widget``) is the page made compact for an iframe. It learns its host's
origin from the ``origin`` parameter that ``/embed.js`` adds, and only ever posts its
height to that origin; ``embed.js`` in turn accepts heights only from the widget's own
origin and caps them. No templates use inline scripts or styles (the CSP forbids them).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

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
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import HTTPException

from . import validate
from .api import RETRY_UNAVAILABLE
from .glossary import Glossary
from .i18n import LANG_NAMES, Catalogs, negotiate
from .origin import public_base, public_origin, same_origin_post, strict_origin
from .resources import web_dir
from .service import QAService, Unavailable
from .text import clean_query
from .validate import LANGS, ValidationError

bp = Blueprint("ui", __name__)

CATALOGS_KEY = "i18n"
ASSETS_KEY = "ui_assets"
# The most terms the "terms" line names under the best match.
MAX_TERMS = 4
THEMES = ("light", "dark", "auto")
EMBED_JS_MAX_AGE = 3600
# The most a host page lets the widget frame grow to (embed.js enforces the same cap).
MAX_FRAME_HEIGHT = 4000
# Query keys a page's own links carry over (the language switcher): nothing else a
# client typed reaches an href.
KEPT_QUERY_KEYS = ("q", "theme", "origin", "p", "hl")


@dataclass
class AssetVersions:
    """Content hashes of static files, computed once per app, for cache-busting URLs."""

    hashes: dict[str, str] = field(default_factory=dict)


@bp.record_once
def _setup(state) -> None:
    state.app.extensions.setdefault(CATALOGS_KEY, Catalogs.load(web_dir() / "i18n"))
    state.app.extensions.setdefault(ASSETS_KEY, AssetVersions())


# --- helpers -----------------------------------------------------------------------------


def _service() -> QAService:
    return current_app.extensions["qa"]


def _catalogs() -> Catalogs:
    return current_app.extensions[CATALOGS_KEY]


def _lang() -> str:
    return negotiate(request.args.get("lang"), request.accept_languages)


def asset_url(filename: str) -> str:
    """``/static/<file>?v=<hash>``: a new URL whenever the file changes."""
    versions: AssetVersions = current_app.extensions[ASSETS_KEY]
    digest = versions.hashes.get(filename)
    if digest is None:
        path = current_app.static_folder + "/" + filename
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:10]
        versions.hashes[filename] = digest
    return url_for("static", filename=filename, v=digest)


@bp.after_app_request
def _cache_versioned_assets(response: Response) -> Response:
    """Caching by asset kind, so a slow link pays no needless round trip.

    ``/static/<file>?v=<its current hash>`` never changes: ``public, max-age=1 year,
    immutable`` (and nothing else: Flask's default ``no-cache`` would make the browser
    revalidate the render-blocking ``app.css`` on every page). Only when ``v`` is the
    file's current hash, so an old URL never pins new content; any other static URL is
    ``no-cache`` (kept, revalidated by its ETag). Pages and answers set their own.
    """
    if request.endpoint != "static" or response.status_code != 200:
        return response
    filename = (request.view_args or {}).get("filename", "")
    version = request.args.get("v")
    if version and version == current_app.extensions[ASSETS_KEY].hashes.get(filename):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = 365 * 24 * 3600
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
        response.cache_control.max_age = None
    return response


def segments(text: str, spans: list[dict] | list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Cut ``text`` into (piece, highlighted) parts from the API's ``highlight`` spans.

    Spans are clamped to the text, sorted and merged, so overlapping or out-of-range
    offsets never duplicate or lose text; ``"".join(piece for piece, _ in ...) == text``.
    The page's script does the same in ``segments()`` in app.js.
    """
    cleaned: list[tuple[int, int]] = []
    for span in spans or []:
        start, end = (span["start"], span["end"]) if isinstance(span, dict) else span
        start, end = max(0, min(int(start), len(text))), max(0, min(int(end), len(text)))
        if end > start:
            cleaned.append((start, end))
    cleaned.sort()
    merged: list[list[int]] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in merged:
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text) or not out:
        out.append((text[pos:], False))
    return out


# --- the answer's layout ------------------------------------------------------------------

CONFIDENCES = ("high", "low", "none")
# The most highlight spans an article link may carry (``?hl=``); the highlighter picks two.
MAX_LINK_SPANS = 8
# How the page words each refusal of validate.py (``ValidationError.code``).
VALIDATION_MESSAGES = {
    validate.REQUIRED: "error_blank",
    validate.BLANK: "error_blank",
    validate.TOO_LONG: "error_too_long",
    validate.INVALID: "error_invalid",
}
# The strings app.js needs besides the server's HTML (busy, network errors, copy, feedback).
SCRIPT_STRINGS = (
    "status_loading",
    "error_heading",
    "error_network",
    "error_too_many",
    "feedback_thanks",
    "feedback_failed",
    "copy_done",
    "copy_failed",
    "feedback_next",
    "retry",
)


def confidence_of(answer: dict) -> str:
    """How far the page may claim that the sources answer: ``high``, ``low`` or ``none``.

    The search reports it as ``answer["confidence"]`` once it knows (high: the top passage
    answers; low: on topic, but no passage clearly does; none: abstained). Until it does,
    it follows from ``abstained``. An answer without results is ``none`` whatever it says:
    there is no passage to show as the answer.
    """
    if not answer.get("results"):
        return "none"
    confidence = answer.get("confidence")
    if confidence in CONFIDENCES:
        return confidence
    return "none" if answer.get("abstained") else "high"


@dataclass(frozen=True)
class SourceGroup:
    """One article with its hits in rank order: a card shows an article once, however many
    of its passages came back."""

    article: dict
    hits: list[dict]


def group_by_article(hits: list[dict]) -> list[SourceGroup]:
    """Hits grouped by article, groups in the order of each article's best hit."""
    groups: dict[str, SourceGroup] = {}
    for hit in hits:
        article = hit["article"]
        group = groups.setdefault(article["id"], SourceGroup(article=article, hits=[]))
        group.hits.append(hit)
    return list(groups.values())


def quote_of(hit: dict) -> str | None:
    """The hit's highlighted sentence(s) as one quotation, or None when none is highlighted.

    Neighbouring sentences are joined by a space; sentences with text between them by an
    ellipsis, so that the quotation never reads as continuous when it is not.
    """
    out: list[str] = []
    gap = False
    for piece, marked in segments(hit["text"], hit.get("highlight") or []):
        if not marked:
            gap = gap or (bool(out) and bool(piece.strip()))
            continue
        if out:
            out.append(" … " if gap else " ")
        out.append(piece.strip())
        gap = False
    return "".join(out) or None


def terms_of(glossary: Glossary, lang: str, hit: dict) -> list[tuple[str, str]]:
    """The reform's terms in the hit's quoted sentence, each as the source writes it and
    as the reader's language names it (``("Majilis", "Мәжіліс")``); none when the source
    is in the reader's language. From the glossary's names (glossary.tsv)."""
    source = hit["article"].get("lang")
    sentence = quote_of(hit)
    if not sentence or not source or source == lang:
        return []
    pairs: list[tuple[str, str]] = []
    for term in glossary.terms_in(sentence, source):
        pair = (term.found, term.names[lang])
        if pair not in pairs:
            pairs.append(pair)
    return pairs[:MAX_TERMS]


def span_param(spans: list[dict]) -> str | None:
    """``hl=`` for an article link: the highlight as ``start-end`` pairs, None when empty."""
    return ",".join(f"{int(s['start'])}-{int(s['end'])}" for s in spans) or None


_OFFSET_RE = re.compile(r"[0-9]{1,9}")


def parse_span_param(raw: str | None, length: int) -> list[tuple[int, int]]:
    """Offsets from ``hl=12-80,81-150``, clamped to a passage of ``length`` characters.

    Malformed pairs are dropped rather than refused: the parameter only decides which
    sentence of the passage the article page marks, and a bad one still shows the article.
    """
    spans: list[tuple[int, int]] = []
    for pair in (raw or "").split(",")[:MAX_LINK_SPANS]:
        start, sep, end = pair.partition("-")
        # ASCII digits only: "①" and "²" pass str.isdigit, not int() (issue 21, row 8).
        if not (sep and _OFFSET_RE.fullmatch(start) and _OFFSET_RE.fullmatch(end)):
            continue
        start_i, end_i = min(int(start), length), min(int(end), length)
        if end_i > start_i:
            spans.append((start_i, end_i))
    return spans


def language_line(catalogs: Catalogs, lang: str, hits: list[dict]) -> str | None:
    """One line for the page when sources are in another language than the reader's:
    "The passages found are in English." (or "Some of ..." when only some are)."""
    others: list[str] = []
    for hit in hits:
        source = hit["article"].get("lang")
        if source and source != lang and source in LANGS and source not in others:
            others.append(source)
    if not others:
        return None
    names = catalogs.get(lang, "lang_in")
    joined = catalogs.text(lang, "and").join(names[code] for code in others)
    every = all(hit["article"].get("lang") in others for hit in hits)
    return catalogs.text(lang, "langline_all" if every else "langline_some", langs=joined)


def outlet_line(catalogs: Catalogs, lang: str, article: dict) -> str:
    """The outlet as credited: "via Enbekshi QazaQ, originally gov.kz" when the article
    is a republication of another publisher's page (``original_publisher``), else the
    outlet alone."""
    original = article.get("original_publisher")
    if not original:
        return article["outlet"]
    return catalogs.text(lang, "citation_via", outlet=article["outlet"], original=original)


def citation(catalogs: Catalogs, lang: str, article: dict) -> str:
    """Title, outlet, date and address of a source, written the reader's way, for "Copy
    citation". The address is the original's when known, else this site's article page.
    Each language's pattern owns its punctuation (Russian dates end in "г.", so its
    pattern puts no full stop after the date)."""
    url = article.get("url") or public_base() + url_for("ui.article", article_id=article["id"])
    return catalogs.text(
        lang,
        "citation",
        title=article["title"],
        outlet=outlet_line(catalogs, lang, article),
        date=catalogs.format_date(lang, article["date"]),
        url=url,
    )


def parent_origin(raw: str | None, frame_ancestors: str, self_origin: str = "") -> str | None:
    """The host page's origin, if ``raw`` is a plain http(s) origin the widget may talk to.

    It must also be allowed by ``frame_ancestors`` (CSP source expressions: ``*``,
    ``'self'``, ``https:``, ``https://news.example``, ``https://*.example.kz``, ``host:*``):
    the browser refuses to frame the widget anywhere else anyway.
    """
    parsed = strict_origin(raw)
    if parsed is None:
        return None
    scheme, host, port = parsed
    origin = f"{scheme}://{host}" + (f":{port}" if port else "")
    default_port = 443 if scheme == "https" else 80
    for source in frame_ancestors.split():
        if source == "*" or (source == "'self'" and origin == self_origin):
            return origin
        if _source_matches(source, scheme, host, port or default_port):
            return origin
    return None


def _source_matches(source: str, scheme: str, host: str, port: int) -> bool:
    """One CSP host-source or scheme-source against an origin (CSP3 §6.7.2, simplified)."""
    if source.endswith(":") and "/" not in source:  # a scheme-source such as `https:`
        return source[:-1].lower() == scheme or (source == "http:" and scheme == "https")
    want_scheme, sep, rest = source.partition("://")
    if not sep:
        want_scheme, rest = "", source
    if want_scheme and want_scheme.lower() != scheme:
        if not (want_scheme.lower() == "http" and scheme == "https"):
            return False
    rest = rest.split("/", 1)[0]
    want_host, _, want_port = rest.partition(":")
    want_host = want_host.lower()
    if want_host.startswith("*."):
        if not host.endswith(want_host[1:]):
            return False
    elif want_host != host:
        return False
    if want_port == "*":
        return True
    if want_port:
        return want_port.isdigit() and int(want_port) == port
    return port == (443 if scheme == "https" else 80) or (
        scheme == "https" and want_scheme.lower() == "http" and port == 443
    )


def _page_context(lang: str, **extra: Any) -> dict[str, Any]:
    catalogs = _catalogs()
    settings = _service().settings

    def switch_url(target: str) -> str:
        """This page in another language, rebuilt from the matched route and the known
        query keys: never from the raw path, where ``/%5Cevil.example`` would become an
        href a browser reads as another site. Unmatched paths (404s) link home."""
        endpoint, values = "ui.index", {}
        if request.url_rule is not None and (request.endpoint or "").startswith("ui."):
            endpoint, values = request.endpoint, dict(request.view_args or {})
        kept = {key: request.args[key] for key in KEPT_QUERY_KEYS if request.args.get(key)}
        return url_for(endpoint, **values, **kept, lang=target)

    return {
        "lang": lang,
        "langs": LANGS,
        "lang_names": LANG_NAMES,
        "t": lambda key, **values: catalogs.text(lang, key, **values),
        "msg": lambda key: catalogs.get(lang, key),
        "fmt_date": lambda iso: catalogs.format_date(lang, iso),
        "switch_url": switch_url,
        "asset_url": asset_url,
        "segments": segments,
        "confidence_of": confidence_of,
        "group_by_article": group_by_article,
        "quote_of": quote_of,
        "span_param": span_param,
        "language_line": lambda hits: language_line(catalogs, lang, hits),
        "terms_of": lambda hit: terms_of(_service().glossary, lang, hit),
        "citation": lambda article: citation(catalogs, lang, article),
        "outlet_line": lambda article: outlet_line(catalogs, lang, article),
        "script_strings": {key: catalogs.get(lang, key) for key in SCRIPT_STRINGS},
        "settings": settings,
        "official_url": settings.official_info_url,
        "official_host": urlsplit(settings.official_info_url).hostname
        or settings.official_info_url,
        **extra,
    }


def _html(body: str, status: int = 200, vary_language: bool = True) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    # `?lang=xx` (not a language) falls back to Accept-Language too (issue 21, row 12).
    if vary_language and _lang_reads_accept_language():
        response.vary.add("Accept-Language")
    return response


def _lang_reads_accept_language() -> bool:
    """Whether this request's language would change with its Accept-Language (no usable
    ``?lang=``): asked of the negotiation itself, so that its aliases (``KK``, ``kz``) and
    its fallbacks are what decides."""
    raw = request.args.get("lang")
    return negotiate(raw, _ONLY_EN) != negotiate(raw, _ONLY_RU)


_ONLY_EN = LanguageAccept([("en", 1)])
_ONLY_RU = LanguageAccept([("ru", 1)])


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


def _search_page(template: str, *, embedded: bool) -> Response:
    lang = _lang()
    raw_q = request.args.get("q")
    outcome = _ask(raw_q, lang) if raw_q is not None else Outcome()
    settings = _service().settings
    extra: dict[str, Any] = {"view_params": {}, "parent_origin": None, "theme": None}
    if embedded:
        theme = request.args.get("theme", "auto")
        theme = theme if theme in THEMES else "auto"
        origin = parent_origin(
            request.args.get("origin"), settings.frame_ancestors, public_origin()
        )
        # Carried through the widget's own links and forms so that it stays embedded.
        view_params = {"theme": theme} | ({"origin": origin} if origin else {})
        extra = {
            "theme": theme,
            "parent_origin": origin,
            "max_frame_height": MAX_FRAME_HEIGHT,
            "view_params": view_params,
        }
    collection = None
    try:
        index = _service().searcher().index
        collection = {"articles": len(index.articles), "passages": len(index.passages)}
    except Unavailable:
        pass
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
    from .feedback import UnknownReference, check_references

    if not same_origin_post():
        abort(403, description="feedback is accepted from this site's own pages only")
    form = request.form
    service = _service()
    try:
        item = validate.feedback_form(form, validate.Caps.of(service.settings))
    except ValidationError as exc:
        abort(400, description=exc.detail)
    lang = item.lang or negotiate(None, None)
    try:
        check_references(item, service.searcher(), service.settings.embeddings_dir)
    except UnknownReference as exc:
        abort(400, description=str(exc))
    except Unavailable:
        abort(503)
    store = current_app.extensions.get("feedback")
    view = "ui.widget" if form.get("view") == "widget" else "ui.index"
    # Said honestly on the page: "thank you" only when a store takes it.
    outcome = "fb" if store is not None else "fberr"
    params: dict[str, str] = {"q": item.question, "lang": lang, outcome: item.passage_id or "none"}
    if not item.helpful:
        params["fbno"] = "1"  # the page then offers the next step, not only "thank you"
    if view == "ui.widget":
        theme = form.get("theme")
        if theme in THEMES:
            params["theme"] = theme
        origin = parent_origin(
            form.get("origin"), service.settings.frame_ancestors, public_origin()
        )
        if origin:
            params["origin"] = origin
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

    lang = _lang()
    doc = spec(_service().settings)
    operations = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            operations.append(
                {
                    "path": path,
                    "method": method.upper(),
                    "summary": op.get("summary", ""),
                    "parameters": op.get("parameters", []),
                    "body": _schema_name(op.get("requestBody")),
                    "responses": op.get("responses", {}),
                    "anchor": op.get("operationId", f"{method}-{path}"),
                }
            )
    schemas = doc.get("components", {}).get("schemas", {})
    body = render_template(
        "api_docs.html",
        **_page_context(lang, q="", doc=doc, operations=operations, schemas=schemas),
    )
    return _html(body)


def _schema_name(request_body: dict | None) -> str | None:
    if not request_body:
        return None
    for media in request_body.get("content", {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        return ref.rsplit("/", 1)[-1] or None
    return None


@bp.app_template_filter("schema_type")
def schema_type(schema: dict) -> str:
    """A short readable type: ``string``, ``integer (1..20)``, ``Hit[]``, ``kk | ru | en``."""
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "allOf" in schema:
        return " & ".join(schema_type(s) for s in schema["allOf"])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = " | ".join(kind)
    if kind == "array":
        return schema_type(schema.get("items", {})) + "[]"
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None or high is not None:
        kind += f" ({'' if low is None else low}..{'' if high is None else high})"
    return kind
