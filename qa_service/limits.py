"""Abuse protection: rate limits per client address, and which address that is.

A public referendum service gets scraped and hammered; one client must not starve the
others. Limits come from settings (``rate_limit_ask``, ``rate_limit_feedback``,
``rate_limit_other``); health, readiness, metrics and static files are exempt so that
probes and monitoring never fail because of a flood.

The client address is the socket's unless ``trusted_proxies`` says how many proxies in
front of us append to ``X-Forwarded-For`` (werkzeug's ``ProxyFix``). Trusting the header
without a proxy would let anyone pick a fresh address per request and skip every limit.
An IPv6 client is counted by its /64 (``client_key``): one subscriber line or host gets a
whole /64, so counting each address would give it 2^64 budgets (issue 21, row 11).

The routes that answer a question (the API, the page and the widget) share one budget per
client, and the two feedback routes another: a client refused on one must not get a fresh
60 on the next (row 11).

Counts live in memory (per process: with N gunicorn workers a client gets up to N times
the limit) or in Redis (``rate_limit_storage_uri``), shared by every worker and replica.
If Redis goes away, counting falls back to memory instead of failing requests.

Requests that match no route (a scanner's 404s and 405s) share one budget per client,
``rate_limit_other``. ``Retry-After`` is sent on 429 and 503 only, with the value the
app chose (Flask-Limiter would put its window on every response).
"""

from __future__ import annotations

import ipaddress
import math
import time

from flask import Flask, Response, g, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Settings

LIMITER_KEY = "qa_limiter"
UNMATCHED_SCOPE = "unmatched"
RETRY_STATUSES = (429, 503)
EXEMPT_ENDPOINTS = frozenset({"api.healthz", "api.readyz", "metrics.metrics", "static"})


# Routes that share one budget per client (the scope is the budget's name).
SHARED_SCOPES = {
    "api.ask": "questions",
    "ui.index": "questions",
    "ui.widget": "questions",
    "api.feedback": "feedback",
    "ui.feedback": "feedback",
}
IPV6_PREFIX = 64


def client_key() -> str:
    """Whom a request is counted against: its address (after ``ProxyFix``), an IPv6 one
    cut to its /64 network."""
    address = get_remote_address() or ""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def endpoint_limits(settings: Settings) -> dict[str, str]:
    """The routes with their own limit; every other non-exempt route gets ``rate_limit_other``.

    The page and the widget answer ``?q=`` like the API, so they count as questions:
    otherwise a scraper would simply use the page. They share one budget
    (``SHARED_SCOPES``), as the two feedback routes do.
    """
    ask, feedback = settings.rate_limit_ask, settings.rate_limit_feedback
    return {
        "api.ask": ask,
        "ui.index": ask,
        "ui.widget": ask,
        "api.feedback": feedback,
        "ui.feedback": feedback,
    }


def init_app(app: Flask, settings: Settings) -> Limiter | None:
    """Trust the configured proxies, then limit every route of ``app`` (call after blueprints)."""
    if settings.trusted_proxies > 0:
        # X-Forwarded-Proto too: behind the shipped nginx (TLS there), absolute URLs the
        # app writes without QA_PUBLIC_URL were http:// (issue 21, row 6).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )
    if not settings.rate_limits:
        return None
    for name, value in [*endpoint_limits(settings).items(), ("other", settings.rate_limit_other)]:
        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(f"rate limit for {name}: {value!r} is not like `60/minute`") from exc
    # Registered before the limiter's own hook, so it runs after it (Flask runs them in
    # reverse): the limiter's Retry-After is dropped or replaced by the app's.
    app.after_request(_retry_after_as_decided)
    limiter = Limiter(
        client_key,
        app=app,
        # The limiter skips requests without an endpoint; unmatched ones get a name.
        request_identifier=lambda: request.endpoint or UNMATCHED_SCOPE,
        storage_uri=settings.rate_limit_storage_uri,
        strategy="moving-window",
        headers_enabled=True,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        key_prefix="qa",
    )
    own = endpoint_limits(settings)
    for endpoint, view in list(app.view_functions.items()):
        if endpoint in EXEMPT_ENDPOINTS or endpoint.endswith(".static"):
            continue
        value = own.get(endpoint, settings.rate_limit_other)
        if endpoint in SHARED_SCOPES:
            limit = limiter.shared_limit(value, scope=SHARED_SCOPES[endpoint])
        else:
            limit = limiter.limit(value, scope=endpoint)
        app.view_functions[endpoint] = limit(view)
    app.after_request(_remember_retry_after)  # runs before the limiter's hook
    unmatched = limiter.limit(settings.rate_limit_other, scope=UNMATCHED_SCOPE)(_no_view)

    @app.before_request
    def _limit_unmatched() -> None:
        """404s and 405s count too: one budget per client for whatever matches no route."""
        if request.url_rule is None:
            unmatched()

    app.extensions[LIMITER_KEY] = limiter
    app.register_error_handler(RateLimitExceeded, _too_many)
    return limiter


def _no_view() -> None:
    """Stands for every unmatched request in the limiter's bookkeeping."""


def _remember_retry_after(response: Response) -> Response:
    g.qa_retry_after = response.headers.get("Retry-After")
    return response


def _retry_after_as_decided(response: Response) -> Response:
    """Retry-After only where it means something (429, 503), with the app's own value."""
    if response.status_code not in RETRY_STATUSES:
        response.headers.pop("Retry-After", None)
    elif g.get("qa_retry_after"):
        response.headers["Retry-After"] = g.qa_retry_after
    return response


def _too_many(exc: RateLimitExceeded) -> Response:
    """429 as problem+json with Retry-After (Flask-Limiter adds its X-RateLimit headers)."""
    from .api import problem

    retry = _retry_after(exc)
    detail = f"too many requests from your address (limit: {exc.limit.limit}); retry in {retry} s"
    if not request.path.startswith("/api/"):
        # A person on the page: a short plain sentence, not a JSON document.
        text = f"Too many requests from your address. Please retry in {retry} seconds.\n"
        return Response(text, 429, {"Retry-After": str(retry)}, mimetype="text/plain")
    return problem(429, "Too many requests", detail, {"Retry-After": str(retry)})


def _retry_after(exc: RateLimitExceeded) -> int:
    """Seconds until the window lets this client in again: at least 1, at most the
    window itself (the limiter's reset time is rounded up to a whole second)."""
    window = max(1, int(exc.limit.limit.get_expiry()))
    limiter = _limiter_of_current_app()
    try:
        current = limiter.current_limit if limiter is not None else None
        if current is not None:
            return min(window, max(1, math.ceil(current.reset_at - time.time())))
    except Exception:  # noqa: BLE001 - storage trouble must not turn a 429 into a 500
        pass
    return window


def _limiter_of_current_app() -> Limiter | None:
    from flask import current_app

    return current_app.extensions.get(LIMITER_KEY)
