"""Structured logs: one JSON object per line, and nothing that says who asked what.

Questions about a referendum are political opinions. By default no log line holds a
question's text or a client's address: the per-request line carries the method, the
route *pattern* (``/api/v1/ask``, never the query string), the status, the duration and
the index version. Operators who need to count repeated questions can turn on
``log_queries``: the line then carries an HMAC-SHA256 of the cleaned question under a
secret salt (``log_query_salt``), which groups equal questions without storing them.

Libraries write addresses and request lines of their own: Flask-Limiter's "ratelimit
... (203.0.113.7) exceeded" and gunicorn's "Invalid request from ip=...: <request line>"
(the question). ``PrivacyFilter`` rewrites those records before any handler sees them;
it sits on those loggers (``install_filters``, called by the app factory) and on the
handler of ``logging_dict``.

``configure`` is for process entry points (gunicorn's config, ``serve --dev``); the app
factory only adds the per-request line, so tests keep pytest's own log capture.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import sys
import time
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from . import validate
from .config import Settings
from .text import clean_query

ACCESS_LOGGER = "qa_service.access"
# Third-party loggers known to write a client address or a request line.
LEAKY_LOGGERS = ("flask-limiter", "gunicorn.error", "werkzeug")
# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...extra}`` on one line, UTF-8 kept readable."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class PrivacyFilter(logging.Filter):
    """Rewrites library records that would name a client or quote a request.

    - Flask-Limiter ``ratelimit %s (%s) exceeded at endpoint: %s``: the key (the client
      address) is dropped, the limit and the endpoint kept;
    - gunicorn ``Invalid request from ip=...: ...``: the address and the parser's message
      (which quotes the request line) are dropped, the kind of error kept;
    - gunicorn ``Error handling request %s %s``: the URI (the query string) is dropped;
    - werkzeug's request lines (``serve --dev``): dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.msg if isinstance(record.msg, str) else ""
        if record.name == "flask-limiter" and msg.startswith("ratelimit "):
            args = record.args if isinstance(record.args, tuple) else ()
            limit, scope = (args[0], args[2]) if len(args) == 3 else ("?", "?")
            record.msg, record.args = "rate limit %s exceeded at endpoint %s", (limit, scope)
        elif record.name == "gunicorn.error" and msg.startswith("Invalid request from ip="):
            record.msg, record.args = "invalid request refused (address and request withheld)", ()
        elif record.name == "gunicorn.error" and msg.startswith("Error handling request"):
            record.msg, record.args = "error handling a request", ()
        elif record.name == "werkzeug" and record.levelno < logging.WARNING:
            return False
        return True


def install_filters() -> None:
    """Put one ``PrivacyFilter`` on each of ``LEAKY_LOGGERS`` (once per process)."""
    for name in LEAKY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PrivacyFilter) for f in logger.filters):
            logger.addFilter(PrivacyFilter())


def logging_dict(settings: Settings) -> dict:
    """A ``logging.config.dictConfig`` mapping: JSON to stderr for our and gunicorn's loggers.

    werkzeug's request lines (``serve --dev``) hold the client address and the query
    string, so that logger only reports warnings. Every record passes ``PrivacyFilter``.
    """
    level = settings.log_level.upper()
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stderr",
        "filters": ["private"],
    }
    private = ["private"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "filters": {"private": {"()": f"{__name__}.PrivacyFilter"}},
        "handlers": {"stderr": handler},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {
                "level": level,
                "handlers": ["stderr"],
                "propagate": False,
                "filters": private,
            },
            "flask-limiter": {"filters": private},
            # Access lines come from the app (ACCESS_LOGGER), which knows the route pattern.
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
            "werkzeug": {"level": "WARNING", "filters": private},
        },
    }


def configure(settings: Settings) -> None:
    """Set up JSON logging for this process (entry points only, never at import)."""
    import logging.config

    logging.config.dictConfig(logging_dict(settings))
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught


def _log_uncaught(kind, value, tb) -> None:
    logging.getLogger("qa_service").critical("uncaught exception", exc_info=(kind, value, tb))


def query_hash(question: str, salt: str) -> str:
    """HMAC-SHA256 of the cleaned, case-folded question: equal questions, equal hashes."""
    key = salt.encode("utf-8")
    text = clean_query(question).casefold().encode("utf-8")
    return hmac.new(key, text, hashlib.sha256).hexdigest()[:32]


def init_app(app: Flask, settings: Settings) -> None:
    """One JSON line per request on ``qa_service.access``; see the module doc for what is in it."""
    if settings.log_queries and not settings.log_query_salt:
        raise ValueError(
            "setting QA_LOG_QUERIES is on but QA_LOG_QUERY_SALT is empty: an unsalted hash "
            "of a short question is easy to reverse; set a long random salt"
        )
    log = logging.getLogger(ACCESS_LOGGER)

    @app.before_request
    def _start_clock() -> None:
        g.qa_log_started = time.perf_counter()

    @app.after_request
    def _access_line(response: Response) -> Response:
        started = g.get("qa_log_started")
        fields: dict[str, Any] = {
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else "<unmatched>",
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "bytes": response.calculate_content_length(),
        }
        info = g.get("qa_answer_info")  # set by api.ask (api.answer_facts)
        if info is not None and response.status_code == 200:
            fields["index_version"] = info["index_version"]
            fields["abstained"] = info["abstained"]
        if settings.log_queries and response.status_code < 400:  # refused: nothing to group
            question = _question(request)
            if question:
                fields["q_hash"] = query_hash(question, settings.log_query_salt)
        log.info("request", extra=fields)
        return response


def _question(req) -> str | None:
    if req.method == "GET":
        q = req.args.get("q")
    else:
        try:
            body = validate.load_json(req.get_data(cache=True)) if req.is_json else None
        except (validate.ValidationError, HTTPException):
            body = None
        q = body.get("q") if isinstance(body, dict) else None
    return q if isinstance(q, str) else None
