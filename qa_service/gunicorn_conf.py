"""gunicorn settings for `referendum-qa serve` (``gunicorn -c python:qa_service.gunicorn_conf``).

Everything comes from the QA_* settings, so `serve`, the Dockerfile and Kubernetes run
the same configuration.

- Workers are sync processes, each loading the index once (``preload_app`` is off: the
  e5 engine's threads and FAISS' OpenMP pool do not survive a fork, and each worker
  notices new builds on its own anyway). Put nginx in front: it buffers slow clients.
- The e5 engine gets one thread per worker unless ``embed_threads`` says otherwise.
- Logs are JSON lines on stderr; gunicorn's own access log is off because the app writes
  one line per request without the query string or the client address (logs.py).
- Prometheus multiprocess mode: all workers write to one folder (``metrics_dir``, or a
  fresh temporary one), emptied at start; a dead worker's live gauges are dropped.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from qa_service.config import Settings, export_env
from qa_service.logs import logging_dict

_settings = Settings.load()
_metrics_dir = Path(_settings.metrics_dir or tempfile.mkdtemp(prefix="referendum-qa-metrics-"))
_metrics_dir.mkdir(parents=True, exist_ok=True)
# Read by prometheus_client when a worker imports it, and by the app's Settings.
_exported = {"PROMETHEUS_MULTIPROC_DIR": str(_metrics_dir), "QA_METRICS_DIR": str(_metrics_dir)}
if _settings.embed_threads == 0:
    # A sync worker answers one request at a time: parallelism comes from workers. The
    # engine's default (a thread per core in every worker) oversubscribes the CPU; on a
    # busy 2-core machine that made a question take 1.6 s instead of 0.18 s.
    _exported["QA_EMBED_THREADS"] = "1"
export_env(_exported)

bind = [f"{_settings.host}:{_settings.port}"]
workers = _settings.workers
worker_class = "sync"
timeout = 60
graceful_timeout = 30
keepalive = 5
preload_app = False
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = None
errorlog = "-"
logconfig_dict = logging_dict(_settings)
proc_name = "referendum-qa"
# gunicorn >= 25.1 opens a control socket at one fixed path per user by default: a second
# `serve` on the host took it over and the first to stop unlinked it (issue 21, row 14).
# Off unless this instance names its own; older gunicorns ignore both names.
control_socket_disable = not _settings.control_socket
if _settings.control_socket:
    control_socket = _settings.control_socket


def pre_request(worker, req) -> None:
    """Nothing: gunicorn's default logs "METHOD /path" at debug level, a path a client
    chose (the app's own line has the route pattern instead)."""


def on_starting(server) -> None:
    """Drop the files of a previous run: their counters would be added to ours; say when
    rate limits are counted per worker. Build the one-pass library here, once, rather
    than in every worker at once."""
    for stale in _metrics_dir.glob("*.db"):
        stale.unlink(missing_ok=True)
    note = rate_limit_note(_settings)
    if note:
        logging.getLogger("qa_service").warning(note)
    if _settings.one_pass and _settings.embedder == "e5-small":
        from qa_service.onepass import OnePassUnavailable, library_path

        try:
            library_path()
        except OnePassUnavailable:
            pass  # each worker logs why and answers with two encoder passes


def rate_limit_note(settings: Settings) -> str | None:
    """A warning when in-memory rate limits are multiplied by the worker count."""
    if not settings.rate_limits or settings.workers < 2:
        return None
    if not settings.rate_limit_storage_uri.startswith("memory://"):
        return None
    return (
        f"rate limits are counted per worker (QA_RATE_LIMIT_STORAGE_URI=memory://): with "
        f"{settings.workers} workers a client gets up to {settings.workers} times each limit; "
        "set QA_RATE_LIMIT_STORAGE_URI=redis://host:6379 to share the counts"
    )


def child_exit(server, worker) -> None:
    """A worker died or was replaced: its ``live*`` gauges must not linger."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(_metrics_dir))
