"""This site's own address, and what a request may claim about addresses.

A Host header is whatever the client typed, so it must not become part of a page. When
``public_url`` is set, every absolute URL the service writes uses it: the /embed snippet,
the widget's own origin, redirects. When it is not, the request's Host is used only where
an absolute URL is unavoidable, and only after ``check_host`` has made sure it is a host
name (a malformed one is a 400, not ``http:/embed.js``).

Origins (the widget's ``origin`` parameter, a form post's ``Origin`` header) are parsed
by one strict pattern: ``urlsplit`` keeps a backslash inside a host, so
``https://evil.com\\.example.kz`` ends with ``.example.kz`` to Python and is ``evil.com``
to a browser.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, request
from werkzeug.utils import redirect

from .service import current_service
from .validate import ValidationError

# A Host header: DNS-style labels (underscores allowed: container names) or an IPv6
# literal, then an optional port.
_HOST_HEADER_RE = re.compile(
    r"(?:(?:[A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?|\[[0-9A-Fa-f:.]{2,45}\])"
    r"(?::[0-9]{1,5})?"
)
# An origin as a browser serializes it: lower case, punycode, no path.
_ORIGIN_RE = re.compile(
    r"(?P<scheme>https?)://"
    r"(?P<host>[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
    r"|\[[0-9a-f:.]{2,45}\])"
    r"(?::(?P<port>[0-9]{1,5}))?"
)


def init_app(app: Flask) -> None:
    """Refuse malformed Host headers; keep redirects off the client's Host."""
    app.before_request(check_host)
    app.after_request(relative_location)


def check_host() -> None:
    """A Host that is not ``name[:port]`` gets a 400 before any view runs."""
    host = request.headers.get("Host")
    if host is not None and (len(host) > 260 or _HOST_HEADER_RE.fullmatch(host) is None):
        raise ValidationError("the Host header is not a host name")


def public_base() -> str:
    """The base of absolute URLs: ``public_url``, else this request's scheme and Host."""
    configured = current_service().settings.public_url.strip().rstrip("/")
    return configured or request.host_url.rstrip("/")


def public_origin() -> str:
    """``scheme://host[:port]`` of ``public_base()`` (the widget's ``'self'``)."""
    parts = urlsplit(public_base())
    return f"{parts.scheme}://{parts.netloc}"


def relative_location(response: Response) -> Response:
    """Redirects werkzeug built from the Host header (``/api/v1/articles/`` -> 308) point
    at ``public_url`` when set, else become relative: never at a host a client named."""
    location = response.headers.get("Location")
    if not location:
        return response
    parts = urlsplit(location)
    if parts.netloc and parts.netloc.lower() == request.host.lower():
        path = "/" + urlunsplit(("", "", parts.path, parts.query, parts.fragment)).lstrip("/")
        configured = current_service().settings.public_url.strip()
        base = urlsplit(configured)
        prefix = f"{base.scheme}://{base.netloc}" if configured else ""
        response.headers["Location"] = prefix + path
        if response.mimetype == "text/html" and 300 <= response.status_code < 400:
            # werkzeug's "Redirecting..." page quotes the absolute URL too.
            response.set_data(redirect(prefix + path, response.status_code).get_data())
    return response


def strict_origin(raw: str | None) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of a plain ``http(s)://host[:port]`` origin, else None."""
    if not raw or len(raw) > 200:
        return None
    match = _ORIGIN_RE.fullmatch(raw.lower())
    if match is None:
        return None
    port = int(match["port"]) if match["port"] else None
    if port is not None and not 0 < port < 65536:
        return None
    return match["scheme"], match["host"], port


def same_origin_post() -> bool:
    """Whether a form post comes from this site's own pages (a CSRF check without
    cookies or tokens: the feedback form keeps no client state).

    Browsers send ``Origin`` with every POST and ``Sec-Fetch-Site`` with most; a post
    another site makes a reader's browser send carries that site's origin (or ``null``)
    and is refused. A request with neither header is not a browser's: it could as well
    use the JSON API, and is accepted.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    parsed = strict_origin(origin)
    if parsed is None:
        return False
    _, host, port = parsed
    own = [request.host]
    configured = current_service().settings.public_url.strip()
    if configured:
        own.append(urlsplit(configured).netloc)
    return any(_same_host(host, port, netloc) for netloc in own)


def _same_host(host: str, port: int | None, netloc: str) -> bool:
    """Host equal, and ports equal where both are explicit (a proxy in front may end
    TLS, so the scheme and default ports are not compared)."""
    own_host, _, own_port = (
        netloc.lower().rpartition(":")
        if _has_port(netloc)
        else (
            netloc.lower(),
            "",
            "",
        )
    )
    if own_host != host:
        return False
    return port is None or not own_port or int(own_port) == port


def _has_port(netloc: str) -> bool:
    return ":" in netloc.rsplit("]", 1)[-1]


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
