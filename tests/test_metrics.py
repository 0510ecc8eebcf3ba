"""/metrics (Prometheus) and the JSON logs: counted by route pattern, nothing personal kept."""

from __future__ import annotations

import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from qa_service.app import create_app
from qa_service.logs import JsonFormatter, query_hash


def _app(seed_app, e5, **settings):
    service = seed_app.extensions["qa"]
    app = create_app(
        {"TESTING": True, "lazy_load": True},
        settings=service.settings.replace(rate_limits=False, **settings),
        embedder=e5,
    )
    app.extensions["qa"] = service
    return app


def _samples(client) -> dict[tuple[str, tuple], float]:
    r = client.get("/metrics")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    out = {}
    for family in text_string_to_metric_families(r.get_data(as_text=True)):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_requests_latency_abstentions_and_index_are_counted(seed_app, e5):
    client = _app(seed_app, e5).test_client()
    client.get("/api/v1/ask?q=How many deputies?")
    client.get("/api/v1/ask?q=recipe for beshbarmak with horse meat")
    client.get("/api/v1/ask?k=0&q=x")
    client.get("/api/v1/articles/not-there")
    samples = _samples(client)

    def count(route, status):
        key = ("qa_http_requests_total", (("method", "GET"), ("route", route), ("status", status)))
        return samples.get(key, 0)

    assert count("/api/v1/ask", "200") == 2
    assert count("/api/v1/ask", "400") == 1
    # The route pattern, never the id a client typed: no label explosion.
    assert count("/api/v1/articles/<article_id>", "404") == 1
    buckets = [
        v
        for (name, labels), v in samples.items()
        if name == "qa_http_request_duration_seconds_count"
        and ("route", "/api/v1/ask") in labels
        and ("status", "200") in labels
    ]
    assert buckets == [2]
    states = {
        state: samples.get(("qa_answers_total", (("outcome", state),)), 0)
        for state in ("high", "low", "none")
    }
    assert sum(states.values()) == 2
    version = seed_app.extensions["qa"].current.index.version
    info = [
        v
        for (name, labels), v in samples.items()
        if name == "qa_index_info" and ("version", version) in labels
    ]
    assert info == [1]
    assert samples[("qa_index_problem", ())] == 0
    assert any(name == "qa_build_info" for name, _ in samples)


def test_metrics_can_be_turned_off(seed_app, e5):
    assert _app(seed_app, e5, metrics=False).test_client().get("/metrics").status_code == 404


def _access_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "qa_service.access"]


QUESTION = "Кто будет голосовать за Курултай? секрет-42"


def test_no_question_text_and_no_client_address_in_logs(seed_app, e5, caplog):
    client = _app(seed_app, e5).test_client()
    caplog.set_level(logging.DEBUG)
    client.get(f"/api/v1/ask?q={QUESTION}", environ_base={"REMOTE_ADDR": "198.51.100.23"})
    client.post("/api/v1/ask", json={"q": QUESTION}, environ_base={"REMOTE_ADDR": "198.51.100.23"})
    formatter = JsonFormatter()
    text = "\n".join(formatter.format(r) for r in caplog.records)
    assert "секрет-42" not in text and "198.51.100.23" not in text
    lines = _access_lines(caplog)
    assert len(lines) == 2
    line = json.loads(formatter.format(lines[0]))
    assert line["route"] == "/api/v1/ask" and line["status"] == 200
    assert "q_hash" not in line


def test_opt_in_query_logging_stores_a_salted_hash_only(seed_app, e5, caplog):
    client = _app(seed_app, e5, log_queries=True, log_query_salt="pepper").test_client()
    caplog.set_level(logging.INFO)
    client.get(f"/api/v1/ask?q={QUESTION}")
    client.post("/api/v1/ask", json={"q": "  " + QUESTION.upper()})
    hashes = [r.q_hash for r in _access_lines(caplog)]
    # Equal questions (up to case and spacing) group together; the text is not there.
    assert hashes[0] == hashes[1] == query_hash(QUESTION, "pepper")
    assert hashes[0] != query_hash(QUESTION, "other salt")
    text = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "секрет-42" not in text


def test_query_logging_without_a_salt_is_refused(seed_app, e5):
    with pytest.raises(ValueError, match="QA_LOG_QUERY_SALT"):
        _app(seed_app, e5, log_queries=True)


def test_json_formatter_writes_one_object_per_line():
    record = logging.makeLogRecord(
        {"name": "x", "levelname": "ERROR", "msg": "index load failed", "detail": "a\nb"}
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) | {"time": None} == {
        "time": None,
        "level": "error",
        "logger": "x",
        "message": "index load failed",
        "detail": "a\nb",
    }
