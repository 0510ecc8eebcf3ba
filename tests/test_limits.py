"""Rate limits per client address, which address that is, and what a refused client sees."""

from __future__ import annotations

import pytest

from qa_service.app import create_app

from .conftest import free_port


def _app(seed_app, e5, **settings):
    """A fresh app (own limiter, own counts) sharing seed_app's loaded index: fast."""
    service = seed_app.extensions["qa"]
    app = create_app(
        {"TESTING": True, "lazy_load": True},
        settings=service.settings.replace(**settings),
        embedder=e5,
    )
    app.extensions["qa"] = service
    return app


def _ask(client, n: int, **kwargs):
    return [client.get(f"/api/v1/ask?q=deputies {i}", **kwargs) for i in range(n)]


def test_ask_over_the_limit_gets_429_problem_with_retry_after(seed_app, e5):
    client = _app(seed_app, e5, rate_limit_ask="3/minute").test_client()
    first = _ask(client, 3)
    assert [r.status_code for r in first] == [200, 200, 200]
    refused = client.get("/api/v1/ask?q=deputies")
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["status"] == 429 and "3 per 1 minute" in body["detail"]
    retry = int(refused.headers["Retry-After"])
    assert 1 <= retry <= 60
    # POST shares the route's budget: a client cannot switch methods to get more.
    assert client.post("/api/v1/ask", json={"q": "deputies"}).status_code == 429


def test_health_ready_and_metrics_are_never_limited(seed_app, e5):
    client = _app(seed_app, e5, rate_limit_ask="1/minute", rate_limit_other="1/minute")
    client = client.test_client()
    _ask(client, 2)
    for path in ("/healthz", "/readyz", "/metrics"):
        assert {client.get(path).status_code for _ in range(5)} == {200}, path


def test_other_routes_get_the_general_limit(seed_app, e5):
    client = _app(seed_app, e5, rate_limit_other="2/minute").test_client()
    codes = [client.get("/api/v1/articles").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    # A separate budget per route: questions still go through.
    assert client.get("/api/v1/ask?q=deputies").status_code == 200


def test_the_page_answering_questions_counts_as_asking(seed_app, e5):
    client = _app(seed_app, e5, rate_limit_ask="2/minute").test_client()
    codes = [client.get("/?q=deputies&lang=en").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    refused = client.get("/?q=deputies&lang=en")
    assert int(refused.headers["Retry-After"]) >= 1  # the page's own 429 (ui.py) or ours


def test_the_api_page_and_widget_share_one_question_budget(seed_app, e5):
    """Issue 21 row 11: after a 429 on /api/v1/ask, `/?q=` and `/widget?q=` each gave 60
    more. The three answer questions, so they draw on one budget per client."""
    client = _app(seed_app, e5, rate_limit_ask="3/minute").test_client()
    codes = [
        client.get("/api/v1/ask?q=deputies").status_code,
        client.get("/?q=deputies&lang=en").status_code,
        client.get("/widget?q=deputies&lang=en").status_code,
    ]
    assert codes == [200, 200, 200]
    assert client.get("/api/v1/ask?q=deputies").status_code == 429
    assert client.get("/?q=deputies&lang=en").status_code == 429
    assert client.get("/widget?q=deputies&lang=en").status_code == 429


def test_one_ipv6_network_is_one_client(seed_app, e5):
    """Issue 21 row 11: 70 addresses of one /64 behind nginx got 69 answers. A /64 is
    one subscriber's; the next /64 is someone else."""
    client = _app(seed_app, e5, rate_limit_ask="2/minute", trusted_proxies=1).test_client()
    codes = [
        client.get(
            "/api/v1/ask?q=deputies", headers={"X-Forwarded-For": f"2001:db8:1:2::{i:x}"}
        ).status_code
        for i in range(1, 6)
    ]
    assert codes == [200, 200, 429, 429, 429]
    other = client.get("/api/v1/ask?q=deputies", headers={"X-Forwarded-For": "2001:db8:1:3::1"})
    assert other.status_code == 200
    mapped = {"X-Forwarded-For": "::ffff:10.0.0.9"}
    plain = {"X-Forwarded-For": "10.0.0.9"}
    assert [client.get("/api/v1/ask?q=x", headers=h).status_code for h in (mapped, plain)] == [
        200,
        200,
    ]
    assert client.get("/api/v1/ask?q=x", headers=mapped).status_code == 429


def test_limits_are_per_client_address(seed_app, e5):
    client = _app(seed_app, e5, rate_limit_ask="2/minute").test_client()
    a = {"environ_base": {"REMOTE_ADDR": "10.0.0.1"}}
    b = {"environ_base": {"REMOTE_ADDR": "10.0.0.2"}}
    assert [r.status_code for r in _ask(client, 3, **a)] == [200, 200, 429]
    assert [r.status_code for r in _ask(client, 2, **b)] == [200, 200]


def test_forwarded_for_is_ignored_without_trusted_proxies(seed_app, e5):
    """A client that invents X-Forwarded-For addresses must not get a fresh budget."""
    client = _app(seed_app, e5, rate_limit_ask="2/minute").test_client()
    codes = [
        client.get(
            f"/api/v1/ask?q=deputies {i}", headers={"X-Forwarded-For": f"203.0.113.{i}"}
        ).status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]


def test_forwarded_for_from_one_trusted_proxy_names_the_client(seed_app, e5):
    client = _app(seed_app, e5, rate_limit_ask="2/minute", trusted_proxies=1).test_client()

    def ask_as(addr: str) -> int:
        # The proxy appends the address it saw; anything before it is the client's claim.
        headers = {"X-Forwarded-For": f"6.6.6.6, {addr}"}
        return client.get("/api/v1/ask?q=deputies", headers=headers).status_code

    assert [ask_as("198.51.100.7") for _ in range(3)] == [200, 200, 429]
    assert ask_as("198.51.100.8") == 200


def test_rate_limits_can_be_turned_off(seed_app, e5):
    client = _app(seed_app, e5, rate_limits=False, rate_limit_ask="1/minute").test_client()
    assert {r.status_code for r in _ask(client, 3)} == {200}


def test_bad_limit_setting_fails_at_startup(seed_app, e5):
    with pytest.raises(ValueError):
        _app(seed_app, e5, rate_limit_ask="sixty a minute")


@pytest.fixture()
def redis_uri(redis_server):
    return redis_server


@pytest.mark.slow
def test_redis_storage_shares_counts_between_replicas(seed_app, e5, redis_uri):
    """Two apps (two workers or replicas) share one budget per client through Redis."""
    one = _app(seed_app, e5, rate_limit_ask="3/minute", rate_limit_storage_uri=redis_uri)
    two = _app(seed_app, e5, rate_limit_ask="3/minute", rate_limit_storage_uri=redis_uri)
    a, b = one.test_client(), two.test_client()
    codes = [c.get("/api/v1/ask?q=deputies").status_code for c in (a, b, a, b)]
    assert codes == [200, 200, 200, 429]


@pytest.mark.slow
def test_lost_redis_falls_back_to_memory_and_keeps_answering(seed_app, e5):
    port = free_port()  # nothing listens there
    app = _app(
        seed_app, e5, rate_limit_ask="2/minute", rate_limit_storage_uri=f"redis://127.0.0.1:{port}"
    )
    client = app.test_client()
    assert [r.status_code for r in _ask(client, 3)] == [200, 200, 429]
