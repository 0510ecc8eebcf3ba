"""Polite, bounded HTTP for the importer: one ``Fetcher`` per run.

News sites are other people's servers. Every request names the project and its version
in its User-Agent, asks robots.txt first (once per site), waits ``delay`` seconds between
two requests to one host (longer when robots.txt sets a Crawl-delay), gives up after
``timeout`` seconds, retries only what may pass (timeouts, dropped connections, 429, 5xx)
with exponential backoff, and stops reading a body past ``max_bytes``. Only http(s) is
fetched, and a redirect to any other scheme is refused, so a page cannot point the tool
at ``file:`` or ``ftp:``. Every connection, first request, redirect, robots.txt and feed
or sitemap link alike, goes to a public address only (``addresses.py``) unless
``import_allow_private`` is set.

Failures raise ``FetchError`` whose message is the reason a maintainer reads
(``HTTP 404``, ``timed out after 15 s``, ``larger than 5242880 bytes``).
"""

from __future__ import annotations

import re
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests

from .. import __version__
from ..config import Settings
from .addresses import AddressRule, GuardedAdapter, PrivateAddress, check_host, is_public

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MAX_WAIT_SECONDS = 60.0  # the longest Crawl-delay or Retry-After honoured
MIN_BACKOFF_SECONDS = 1.0
CHUNK = 64 * 1024
# Header and robots.txt numbers are read from ASCII digits only: "²" passes str.isdigit
# but not int() (issue 21, row 9), and 5,000 digits pass neither int() nor any sense.
_SECONDS_RE = re.compile(r"[0-9]{1,9}")
_LENGTH_RE = re.compile(r"[0-9]{1,30}")
_ROBOTS_NUMBER_LINE_RE = re.compile(r"\s*(crawl-delay|request-rate)\s*:\s*(.*)", re.I)
_ROBOTS_NUMBER_RE = re.compile(r"[0-9]{1,9}(?:/[0-9]{1,9})?")


class FetchError(Exception):
    """A URL that could not be fetched; ``str()`` is the reason, without the URL.
    ``status`` is the HTTP status when the server answered with an error."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.status = status


class RefusedAddress(FetchError):
    """A request to an address the policy refuses (``addresses.py``): never sent."""


@dataclass(frozen=True)
class FetchPolicy:
    """The politeness and safety limits of one run (from ``Settings``)."""

    user_agent: str
    delay: float
    timeout: float
    retries: int
    max_bytes: int
    allow_private: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        return cls(
            user_agent=settings.import_user_agent.replace("{version}", __version__),
            delay=max(0.0, settings.import_delay_seconds),
            timeout=max(0.1, settings.import_timeout_seconds),
            retries=max(0, settings.import_retries),
            max_bytes=max(1, settings.import_max_bytes),
            allow_private=settings.import_allow_private,
        )


@dataclass(frozen=True)
class Page:
    """A fetched body: ``url`` as asked, ``final_url`` after redirects."""

    url: str
    final_url: str
    content_type: str  # media type, lower case, without parameters ("" when not sent)
    body: bytes


def is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class _Retryable(Exception):
    def __init__(self, reason: str, wait: float | None = None, status: int | None = None):
        super().__init__(reason)
        self.wait = wait
        self.status = status


class Fetcher:
    """GETs pages under a ``FetchPolicy``. ``sleep`` and ``clock`` are injectable so that
    tests can check the waits without waiting; ``address_rule`` (which addresses may be
    connected to; default: public ones, or any with ``allow_private``) so that tests can
    play a public site on loopback."""

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        address_rule: AddressRule | None = None,
    ):
        self.policy = policy
        self.address_rule = address_rule or (_any_address if policy.allow_private else is_public)
        self.session = session or requests.Session()
        adapter = GuardedAdapter(self.address_rule)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = policy.user_agent
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}  # host -> when its last request started
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str) -> Page:
        """The body at ``url`` after robots.txt allowed it; redirects followed by hand so
        that each hop is checked (scheme, robots.txt) like the first request."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if not is_http_url(current):
                raise FetchError(f"not an http(s) address: {current}")
            self._check_address(current)
            if not self.allowed(current):
                raise FetchError("forbidden by robots.txt")
            response = self._request(current)
            if response.status_code in REDIRECT_STATUSES:
                location = response.headers.get("Location", "")
                response.close()
                if not location:
                    raise FetchError(f"HTTP {response.status_code} without a Location")
                target = urljoin(current, location)
                if urlsplit(target).scheme not in ("http", "https"):
                    raise FetchError(f"redirected to a non-http(s) address: {target}")
                current = target
                continue
            return self._page(url, current, response)
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def allowed(self, url: str) -> bool:
        """robots.txt's verdict for our User-Agent, fetched once per site (RFC 9309:
        404 and other 4xx -> no rules; 5xx or unreachable -> nothing allowed; redirects
        followed, http(s) only). 401, 403 and 429 are read as "keep out", as before RFC
        9309: a site that refuses its rules to us is not one to crawl."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        parser = self._robots.get(origin)
        if parser is None:
            parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
            status, body = self._robots_txt(origin + "/robots.txt")
            if status == 200:
                parser.parse(_robots_lines(body))
            elif status in (401, 403, 429) or status >= 500:
                parser.disallow_all = True
            else:  # 404 and the like: the site has no rules
                parser.allow_all = True
            self._robots[origin] = parser
        return parser.can_fetch(self.policy.user_agent, url)

    def _robots_txt(self, url: str) -> tuple[int, bytes]:
        """(status, body) of a robots.txt; 503 stands for "could not be read"."""
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self._request(url)
                status = response.status_code
                if status in REDIRECT_STATUSES:
                    response.close()
                    url = urljoin(url, response.headers.get("Location", ""))
                    if not is_http_url(url):
                        return 503, b""
                    continue
                body = self._read(response) if status == 200 else b""
                response.close()
                return status, body
            except RefusedAddress:
                raise  # the reason a maintainer needs, not "forbidden by robots.txt"
            except FetchError as exc:
                # A 404 (or 410...) is "no robots.txt": every path allowed (row 15).
                return exc.status or 503, b""
        return 503, b""

    def _host_delay(self, url: str) -> float:
        parts = urlsplit(url)
        parser = self._robots.get(f"{parts.scheme}://{parts.netloc}")
        crawl_delay = parser.crawl_delay(self.policy.user_agent) if parser else None
        return max(self.policy.delay, min(float(crawl_delay or 0), MAX_WAIT_SECONDS))

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        last = self._last.get(host)
        if last is not None:
            remaining = last + self._host_delay(url) - self._clock()
            if remaining > 0:
                self._sleep(remaining)
        self._last[host] = self._clock()

    def _request(self, url: str) -> requests.Response:
        """One GET with retries; returns the open response (redirects not followed)."""
        attempt = 0
        while True:
            self._wait_turn(url)
            try:
                return self._attempt(url)
            except _Retryable as exc:
                if attempt >= self.policy.retries:
                    raise FetchError(str(exc), exc.status) from None
                backoff = max(self.policy.delay, MIN_BACKOFF_SECONDS) * 2**attempt
                self._sleep(min(exc.wait if exc.wait is not None else backoff, MAX_WAIT_SECONDS))
                attempt += 1

    def _check_address(self, url: str) -> None:
        try:
            check_host(urlsplit(url).hostname or "", _port(url), self.address_rule)
        except PrivateAddress as exc:
            raise RefusedAddress(str(exc)) from None

    def _attempt(self, url: str) -> requests.Response:
        timeout = self.policy.timeout
        self._check_address(url)
        try:
            response = self.session.get(
                url, stream=True, allow_redirects=False, timeout=(timeout, timeout)
            )
        except PrivateAddress as exc:  # the socket reached a refused address
            raise RefusedAddress(str(exc)) from None
        except requests.Timeout:
            raise _Retryable(f"timed out after {timeout:g} s") from None
        except requests.ConnectionError as exc:
            raise _Retryable(f"connection failed ({_root_cause(exc)})") from None
        except requests.RequestException as exc:
            raise FetchError(f"request failed ({_root_cause(exc)})") from None
        status = response.status_code
        if status in RETRY_STATUSES:
            wait = _retry_after(response.headers.get("Retry-After"))
            response.close()
            raise _Retryable(f"HTTP {status}", wait, status)
        if status >= 400:
            response.close()
            raise FetchError(f"HTTP {status}", status)
        return response

    def _page(self, url: str, final_url: str, response: requests.Response) -> Page:
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body = self._read(response)
        response.close()
        return Page(url=url, final_url=final_url, content_type=content_type, body=body)

    def _read(self, response: requests.Response) -> bytes:
        """The (decompressed) body, refused past ``max_bytes`` or past the time limit."""
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "").strip()
        if _LENGTH_RE.fullmatch(declared) and int(declared) > limit:
            response.close()
            raise FetchError(f"larger than {limit} bytes")
        deadline = self._clock() + self.policy.timeout
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"larger than {limit} bytes")
                if self._clock() > deadline:
                    raise FetchError(f"timed out after {self.policy.timeout:g} s")
                chunks.append(chunk)
        except requests.RequestException as exc:
            # A body that stalls or breaks mid-way is not retried: the page was served.
            if isinstance(exc, requests.ConnectionError) and "timed out" in str(exc).lower():
                raise FetchError(f"timed out after {self.policy.timeout:g} s") from None
            raise FetchError(f"download failed ({_root_cause(exc)})") from None
        finally:
            response.close()
        return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if readable."""
    if not value:
        return None
    value = value.strip()
    if _SECONDS_RE.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _any_address(ip) -> bool:
    return True


def _port(url: str) -> int:
    """The URL's port, 0 when it gives none (or a malformed one: the request then fails)."""
    try:
        return urlsplit(url).port or 0
    except ValueError:
        return 0


def _robots_lines(body: bytes) -> list[str]:
    """robots.txt's lines, less a Crawl-delay or Request-rate whose value is not ASCII
    digits: Python's parser checks ``str.isdigit`` and then calls ``int()``, which
    ``Crawl-delay: ²`` turns into a crash of the whole run (row 9)."""
    lines = []
    for line in body.decode("utf-8", errors="replace").splitlines():
        match = _ROBOTS_NUMBER_LINE_RE.match(line.split("#")[0])
        if match and not _ROBOTS_NUMBER_RE.fullmatch(match.group(2).strip()):
            continue
        lines.append(line)
    return lines


def _root_cause(exc: BaseException) -> str:
    """The innermost exception's class name: short and free of the full URL."""
    for _ in range(20):  # chains are short; the bound guards against a cycle
        inner = exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
    return type(exc).__name__
