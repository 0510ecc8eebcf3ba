"""Flask application factory: explicit settings in, one ``QAService`` per app, blueprints.

The model and index load here (once per process, i.e. once per gunicorn worker), never
at import. Security headers are set for every response in one place so that no route can
forget them; only ``/widget`` may be framed by other sites.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from .config import Settings
from .embedder import Embedder
from .resources import web_dir
from .service import QA_KEY, QAService, current_service


def create_app(
    test_config: Mapping[str, Any] | None = None,
    *,
    embedder: Embedder | None = None,
    settings: Settings | None = None,
) -> Flask:
    """Build the app. ``test_config`` holds Flask keys and/or setting names (lower or upper
    case); ``embedder`` lets tests and the CLI share an already loaded model."""
    settings = settings or Settings.load(test_config)
    web = web_dir()
    app = Flask(
        __name__,
        template_folder=str(web / "templates"),
        static_folder=str(web / "static"),
        static_url_path="/static",
    )
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.from_mapping({k: v for k, v in test_config.items() if k.isupper()})
    app.json.ensure_ascii = False  # Kazakh and Russian stay readable in responses
    app.json.sort_keys = False

    service = QAService(settings, embedder=embedder)
    app.extensions[QA_KEY] = service
    from .feedback import FeedbackStore

    # Opens (and creates) the SQLite file only when the first feedback arrives.
    app.extensions["feedback"] = FeedbackStore(settings.feedback_db)
    if not settings.lazy_load:
        service.load()

    from . import api, ui

    app.register_blueprint(api.bp)
    app.register_blueprint(ui.bp)
    api.register_error_handlers(app, page=ui.error_page)
    app.after_request(_security_headers)
    app.before_request(_body_within_limit)
    from . import limits, logs, metrics, origin

    origin.init_app(app)
    logs.install_filters()
    logs.init_app(app, settings)
    metrics.init_app(app, settings)
    limits.init_app(app, settings)  # last: it wraps every view registered before it
    logging.getLogger("qa_service").setLevel(logging.INFO)
    return app


def _body_within_limit() -> None:
    """A chunked body (no Content-Length) over ``max_body_bytes`` is a 413, like one with
    a Content-Length: werkzeug stops reading at the limit and would hand the view a
    truncated body (a 400 for "invalid JSON", or a form cut short)."""
    if request.content_length is not None or request.method not in ("POST", "PUT", "PATCH"):
        return
    request.get_data(cache=True)  # up to the limit; forms and JSON parse from this copy
    if getattr(request.stream, "is_exhausted", False):
        raise RequestEntityTooLarge()


def _security_headers(response: Response) -> Response:
    """CSP without inline scripts everywhere; framing denied except on the widget.

    Framing is decided by the route alone, never by the Referer header, which a hostile
    page controls or strips.
    """
    settings = current_service().settings
    framable = request.endpoint == "ui.widget"
    ancestors = settings.frame_ancestors.strip() or "'none'" if framable else "'none'"
    if framable and ancestors not in ("*", "'none'") and "'self'" not in ancestors.split():
        ancestors = f"'self' {ancestors}"  # the /embed page previews the widget in a frame
    frame_src = "'self'" if request.endpoint == "ui.embed_page" else "'none'"
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; frame-src {frame_src}; object-src 'none'; base-uri 'none'; "
        f"form-action 'self'; frame-ancestors {ancestors}"
    )
    response.headers.setdefault("Content-Security-Policy", csp)
    if not framable:
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response
