"""Prometheus metrics at ``/metrics``: traffic, latency, abstentions, the live index.

Under gunicorn every worker is a process of its own; ``gunicorn_conf`` points
``PROMETHEUS_MULTIPROC_DIR`` (and the ``metrics_dir`` setting) at one folder, each worker
writes its values there, and whichever worker answers a scrape sums them all. Without
that folder (tests, ``serve --dev``) each app keeps its own registry; nothing is global.

Labels stay few: the route *pattern* (never the path a client typed), the method (one
of ``METHODS``, anything else ``other``: ``curl -X FOOBAR`` must not add a series) and
the status.

- ``qa_http_requests_total{route,method,status}``
- ``qa_http_request_duration_seconds{route,status}`` (histogram)
- ``qa_answers_total{outcome}``: the answer's confidence, ``high``, ``low`` or ``none``
  (``none`` = abstained)
- ``qa_index_info{version,index_type,embedder}``: 1 for the build a worker serves
- ``qa_index_passages``, ``qa_index_problem`` (1 while /readyz reports a problem)
- ``qa_build_info{version,python}``: the service's own version
- ``qa_answer_cache_lookups_total{outcome}``: ``hit``, ``miss``, ``error`` (the cache
  failed; the question was searched) per answer-cache lookup (answer_cache.py), and
  ``qa_answer_cache_hit_ratio``: hits / lookups since the counters started (for a
  recent ratio: ``rate()`` of the counter's hits over its sum)
"""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from . import __version__
from .answer import NONE, STATES
from .config import Settings
from .service import current_service

METRICS_KEY = "qa_metrics"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

bp = Blueprint("metrics", __name__)


@dataclass
class Metrics:
    """The metric objects of one app, and where a scrape reads them from."""

    registry: CollectorRegistry
    multiprocess_dir: Path | None
    requests: Counter
    latency: Histogram
    answers: Counter
    index_info: Gauge
    index_passages: Gauge
    index_problem: Gauge
    answer_cache: Counter
    shown: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def observe_index(self, service) -> None:
        """Publish the build this worker serves (cheap: attribute reads, no reload)."""
        searcher = service.current
        self.index_problem.set(1 if service.problem or searcher is None else 0)
        if searcher is None:
            return
        manifest = searcher.index.manifest
        labels = (manifest.build_id, manifest.index_type, str(manifest.embedder.get("name")))
        old = self.shown.get("index")
        if old != labels:
            if old is not None:
                self.index_info.labels(*old).set(0)
            self.index_info.labels(*labels).set(1)
            self.index_passages.set(len(searcher.index.passages))
            self.shown["index"] = labels

    def exposition(self) -> bytes:
        if self.multiprocess_dir is None:
            source = self.registry
        else:
            from prometheus_client import multiprocess

            source = CollectorRegistry()
            multiprocess.MultiProcessCollector(source, path=str(self.multiprocess_dir))
        families = list(source.collect())
        families.append(_hit_ratio(families))
        return generate_latest(_Families(families))


class _Families:
    """Already collected metric families, in the shape ``generate_latest`` reads."""

    def __init__(self, families: list) -> None:
        self._families = families

    def collect(self):
        return iter(self._families)


def _hit_ratio(families: list) -> GaugeMetricFamily:
    """Answer-cache hits over lookups (all workers' counters when they share a folder);
    0 before the first lookup."""
    counts = {"hit": 0.0, "all": 0.0}
    for family in families:
        if family.name != "qa_answer_cache_lookups":
            continue
        for sample in family.samples:
            if sample.name.endswith("_total"):
                counts["all"] += sample.value
                if sample.labels.get("outcome") == "hit":
                    counts["hit"] += sample.value
    ratio = counts["hit"] / counts["all"] if counts["all"] else 0.0
    return GaugeMetricFamily(
        "qa_answer_cache_hit_ratio", "Answer-cache hits / lookups since start.", value=ratio
    )


def _shared_values() -> bool:
    """Whether prometheus_client writes values to PROMETHEUS_MULTIPROC_DIR in this process."""
    from prometheus_client import values

    return values.ValueClass.__name__ == "MmapedValue"


def make_metrics(settings: Settings) -> Metrics:
    registry = CollectorRegistry(auto_describe=True)
    folder = Path(settings.metrics_dir) if settings.metrics_dir and _shared_values() else None
    metrics = Metrics(
        registry=registry,
        multiprocess_dir=folder,
        **_request_metrics(registry),
        **_index_metrics(registry),
    )
    build = Gauge(
        "qa_build_info",
        "The service's version.",
        ["version", "python"],
        registry=registry,
        multiprocess_mode="max",
    )
    build.labels(__version__, platform.python_version()).set(1)
    return metrics


def _request_metrics(registry: CollectorRegistry) -> dict:
    """What each request adds to: counts, durations, answers by state, cache lookups."""
    return {
        "requests": Counter(
            "qa_http_requests",
            "HTTP requests by route pattern, method and status.",
            ["route", "method", "status"],
            registry=registry,
        ),
        "latency": Histogram(
            "qa_http_request_duration_seconds",
            "Time to answer a request, by route pattern and status.",
            ["route", "status"],
            buckets=BUCKETS,
            registry=registry,
        ),
        "answers": Counter(
            "qa_answers",
            "Answers to questions by confidence: `high`, `low` or `none` (abstained).",
            ["outcome"],
            registry=registry,
        ),
        "answer_cache": Counter(
            "qa_answer_cache_lookups",
            "Answer-cache lookups by outcome: `hit`, `miss`, `error` (searched instead).",
            ["outcome"],
            registry=registry,
        ),
    }


def _index_metrics(registry: CollectorRegistry) -> dict:
    """The build each live worker serves (gauges of live processes only)."""
    live = {"multiprocess_mode": "liveall", "registry": registry}
    return {
        "index_info": Gauge(
            "qa_index_info",
            "1 for the index build a worker serves (version = build id).",
            ["version", "index_type", "embedder"],
            **live,
        ),
        "index_passages": Gauge("qa_index_passages", "Passages in the served build.", **live),
        "index_problem": Gauge(
            "qa_index_problem", "1 while the newest build cannot be served (see /readyz).", **live
        ),
    }


def init_app(app: Flask, settings: Settings) -> Metrics | None:
    if not settings.metrics:
        return None
    metrics = make_metrics(settings)
    app.extensions[METRICS_KEY] = metrics
    app.register_blueprint(bp)

    @app.before_request
    def _start_clock() -> None:
        g.qa_metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule else "<unmatched>"
        status = str(response.status_code)
        method = request.method if request.method in METHODS else "other"
        metrics.requests.labels(route, method, status).inc()
        started = g.get("qa_metrics_started")
        if started is not None:
            metrics.latency.labels(route, status).observe(time.perf_counter() - started)
        info = g.get("qa_answer_info")  # set by api.ask (api.answer_facts)
        if info is not None and response.status_code == 200:
            state = info["confidence"]
            metrics.answers.labels(state if state in STATES else NONE).inc()
        outcome = g.get("qa_answer_cache")
        if outcome in ("hit", "miss", "error"):
            metrics.answer_cache.labels(outcome).inc()
        if request.endpoint == "api.ask":
            metrics.observe_index(current_service(app))
        return response

    return metrics


@bp.get("/metrics")
def metrics() -> Response:
    found: Metrics = current_app.extensions[METRICS_KEY]
    service = current_service()
    try:
        service.maybe_reload()
    finally:
        found.observe_index(service)
    return Response(found.exposition(), content_type=CONTENT_TYPE_LATEST)
