"""What every HTML page gets: its language, its strings, its layout helpers, its headers.

``page_context`` is the one place a template's values come from (strings in the reader's
language, the answer's presenters bound to it, the language switcher's links, the assets'
URLs); ``html`` makes the response and says when it varies with ``Accept-Language``.
Used by the routes in ui.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app, request, url_for
from werkzeug.datastructures import LanguageAccept

from . import presenters
from .assets import asset_url
from .i18n import LANG_NAMES, Catalogs, negotiate
from .presenters import segments
from .service import QAService, current_service
from .validate import LANGS

CATALOGS_KEY = "i18n"
# Query keys a page's own links carry over (the language switcher): nothing else a
# client typed reaches an href.
KEPT_QUERY_KEYS = ("q", "theme", "origin", "p", "hl")
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


def service() -> QAService:
    """The running service (``service.current_service``)."""
    return current_service()


def catalogs() -> Catalogs:
    """Every language's strings, loaded once per app."""
    return current_app.extensions[CATALOGS_KEY]


def request_lang() -> str:
    """The reader's language for this request (``?lang=``, Accept-Language, Kazakh)."""
    return negotiate(request.args.get("lang"), request.accept_languages)


def page_context(lang: str, **extra: Any) -> dict[str, Any]:
    """The values every template gets, in ``lang``, plus ``extra``."""
    strings = catalogs()
    settings = service().settings

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
        "t": lambda key, **values: strings.text(lang, key, **values),
        "msg": lambda key: strings.get(lang, key),
        "fmt_date": lambda iso: strings.format_date(lang, iso),
        "switch_url": switch_url,
        "asset_url": asset_url,
        "segments": segments,
        "confidence_of": presenters.confidence_of,
        "group_by_article": presenters.group_by_article,
        "quote_of": presenters.quote_of,
        "span_param": presenters.span_param,
        "language_line": lambda hits: presenters.language_line(strings, lang, hits),
        "terms_of": lambda hit, fact=None: presenters.terms_of(service().glossary, lang, hit, fact),
        "citation": lambda article: presenters.citation(strings, lang, article),
        "outlet_line": lambda article: presenters.outlet_line(strings, lang, article),
        "script_strings": {key: strings.get(lang, key) for key in SCRIPT_STRINGS},
        "settings": settings,
        "official_url": settings.official_info_url,
        "official_host": urlsplit(settings.official_info_url).hostname
        or settings.official_info_url,
        **extra,
    }


def html(body: str, status: int = 200, vary_language: bool = True) -> Response:
    """An HTML response; it varies with Accept-Language when that chose its language."""
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
