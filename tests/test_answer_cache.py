"""The answer cache (answer_cache.py): a repeated question is answered from the cache,
per process or shared through a real Redis, never across builds, and never refused
because the cache failed; its hit ratio is in /metrics."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from qa_service import answer_cache
from qa_service.answer_cache import (
    Lookup,
    MemoryCache,
    NoCache,
    TieredCache,
    answer_key,
    make_answer_cache,
)
from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.service import QAService

from .conftest import free_port

QUESTION = "How many deputies will the Kurultai have?"


@pytest.fixture()
def redis_uri(redis_server):
    return f"{redis_server}/0"


def _app(seed_index, e5, **settings):
    """A fresh app on the seed build with its own answer cache and metrics."""
    base, _ = seed_index
    return create_app(
        {"TESTING": True}, settings=base.replace(rate_limits=False, **settings), embedder=e5
    )


def _metric(client, name: str, **labels) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    selector = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{name}{{{selector}}} (\S+)$" if selector else rf"^{name} (\S+)$"
    found = re.search(pattern, text, flags=re.M)
    return float(found.group(1)) if found else 0.0


class CountingSearcher:
    """Stands for a Searcher: counts questions searched, answers with the build id."""

    def __init__(self, version: str):
        self.index = SimpleNamespace(version=version)
        self.asked = 0

    def ask(self, q, k=5, lang=None):
        self.asked += 1
        return SimpleNamespace(
            query=q,
            lang=lang or "en",
            confidence="none",  # nothing to state as a fact (facts.py)
            results=[],
            to_dict=lambda: {"query": q, "k": k, "build": self.index.version},
        )


def test_key_is_the_normalized_question_language_k_and_build():
    key = answer_key("b1", QUESTION, 5, "en")
    assert key == answer_key("b1", QUESTION, 5, "en")
    others = {
        answer_key("b1", QUESTION.upper(), 5, "en"),  # case kept, as the ETag keeps it
        answer_key("b2", QUESTION, 5, "en"),
        answer_key("b1", QUESTION, 3, "en"),
        answer_key("b1", QUESTION, 5, "ru"),
        answer_key("b1", QUESTION, 5, None),
        answer_key("b1", QUESTION + " now", 5, "en"),
    }
    assert key not in others and len(others) == 6
    assert "deputies" not in key  # a hash: the question is not in the key


def test_memory_cache_is_a_bounded_lru():
    cache = MemoryCache(2)
    cache.put("a", b"1")
    cache.put("b", b"2")
    assert cache.get("a").body == b"1"  # "a" is now the most recent
    cache.put("c", b"3")
    assert cache.get("b").outcome == "miss"
    assert [cache.get(k).body for k in "ac"] == [b"1", b"3"]
    assert len(cache) == 2


def test_cache_settings_pick_the_backend_or_say_what_is_wrong():
    assert isinstance(make_answer_cache("memory://", 10, 60), MemoryCache)
    assert isinstance(make_answer_cache("memory://", 0, 60), NoCache)
    assert isinstance(make_answer_cache("none", 10, 60), NoCache)
    assert isinstance(make_answer_cache("redis://127.0.0.1:1/0", 10, 60), TieredCache)
    assert make_answer_cache("redis://127.0.0.1:1/0", 0, 60).kind == "redis"
    with pytest.raises(ValueError, match="QA_ANSWER_CACHE_URI"):
        make_answer_cache("memcached://x", 10, 60)


def test_a_new_build_is_never_answered_from_the_old_ones_entries(tmp_path):
    service = QAService(Settings.load({"embeddings_dir": tmp_path}))
    old, new = CountingSearcher("build-1"), CountingSearcher("build-2")
    first, outcome = service.answer_body(old, QUESTION, 5, "en")
    assert outcome == "miss" and b"build-1" in first
    again, outcome = service.answer_body(old, QUESTION, 5, "en")
    assert outcome == "hit" and _stored(again) == _stored(first)
    assert old.asked == 1
    fresh, outcome = service.answer_body(new, QUESTION, 5, "en")
    assert outcome == "miss" and b"build-2" in fresh and new.asked == 1


def _stored(body: bytes) -> dict:
    """An answer body less what each response says of itself."""
    data = json.loads(body)
    return {k: v for k, v in data.items() if k not in ("took_ms", "cached")}


class SlowSearcher(CountingSearcher):
    """Takes 50 ms to search, like a real question on a busy core."""

    def ask(self, q, k=5, lang=None):
        time.sleep(0.05)
        answer = super().ask(q, k, lang)
        took = answer.to_dict() | {"took_ms": 50.0}
        return SimpleNamespace(**vars(answer) | {"to_dict": lambda: took})


def test_a_cached_answer_reports_its_own_time_and_says_it_was_cached(tmp_path):
    """Issue 21 row 16: a hit repeated the original search's ``took_ms``."""
    service = QAService(Settings.load({"embeddings_dir": tmp_path}))
    searcher = SlowSearcher("b")
    first = json.loads(service.answer_body(searcher, QUESTION, 5, "en")[0])
    hits = [json.loads(service.answer_body(searcher, QUESTION, 5, "en")[0]) for _ in range(3)]
    assert first["cached"] is False and first["took_ms"] >= 50
    assert all(hit["cached"] is True for hit in hits)
    # A lookup, not a search: under the search's own time, whatever the machine's load.
    assert all(hit["took_ms"] < first["took_ms"] for hit in hits)
    assert list(first)[-2:] == ["took_ms", "cached"] and searcher.asked == 1


def test_search_settings_and_code_are_in_every_key(tmp_path, monkeypatch):
    """Issue 21 row 4: replicas with other search settings, or other code, sharing one
    answer cache (or behind one revalidating proxy) must not answer for each other."""
    base = {"embeddings_dir": tmp_path}
    keys = {
        QAService(Settings.load(base | change)).answer_key("b1", QUESTION, 5, "en")
        for change in (
            {},
            {"latent_terms": False},
            {"max_query_tokens": 40},
            {"hnsw_ef_search": 128},
            {"ivf_nprobe": 8},
        )
    }
    assert len(keys) == 5
    plain = QAService(Settings.load(base)).answer_key("b1", QUESTION, 5, "en")
    # Settings that do not rank leave the key alone: the cache still works across them.
    same = QAService(Settings.load(base | {"cache_max_age": 10, "workers": 8}))
    assert same.answer_key("b1", QUESTION, 5, "en") == plain
    monkeypatch.setattr(answer_cache, "__version__", "9.9.9")
    answer_cache.code_fingerprint.cache_clear()
    try:
        upgraded = QAService(Settings.load(base)).answer_key("b1", QUESTION, 5, "en")
    finally:
        monkeypatch.undo()
        answer_cache.code_fingerprint.cache_clear()
    assert upgraded != plain


def test_code_fingerprint_reads_every_data_file_the_package_ships():
    """Each data file the package ships beside its code (pyproject's package-data: the
    rule, the topic probe and neighbours, the glossary, the one-pass source) is hashed
    into the answers' key: a new rule or probe never meets an answer cached before it."""
    import tomllib

    from qa_service.confidence import RULE_FILE
    from qa_service.glossary import GLOSSARY_FILE
    from qa_service.topic import NEIGHBOURS_FILE, PROBE_FILE

    package = Path(answer_cache.__file__).resolve().parent
    pyproject = tomllib.loads((package.parent / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = pyproject["tool"]["setuptools"]["package-data"]["qa_service"]
    assert {Path(name).suffix for name in shipped} <= set(answer_cache.SERVING_FILES)
    for path in (RULE_FILE, GLOSSARY_FILE, PROBE_FILE, NEIGHBOURS_FILE):
        assert path.resolve().parent == package and path.name in shipped


def test_cache_off_searches_every_time(tmp_path):
    service = QAService(Settings.load({"embeddings_dir": tmp_path, "answer_cache_uri": "none"}))
    searcher = CountingSearcher("b")
    outcomes = [service.answer_body(searcher, QUESTION, 5, "en")[1] for _ in range(2)]
    assert outcomes == ["off", "off"] and searcher.asked == 2


@pytest.mark.slow
def test_repeated_question_is_a_hit_with_the_same_body(seed_index, e5, monkeypatch):
    app = _app(seed_index, e5)
    client = app.test_client()
    searcher = app.extensions["qa"].searcher()
    calls = []
    real_ask = searcher.ask
    monkeypatch.setattr(searcher, "ask", lambda *a, **kw: calls.append(a) or real_ask(*a, **kw))
    first = client.get("/api/v1/ask", query_string={"q": QUESTION, "lang": "en"})
    second = client.post("/api/v1/ask", json={"q": "  " + QUESTION + " ", "lang": "en"})
    assert first.status_code == second.status_code == 200
    assert _stored(second.data) == _stored(first.data)
    assert (first.get_json()["cached"], second.get_json()["cached"]) == (False, True)
    assert first.get_json()["results"], "the seed corpus answers this question"
    assert len(calls) == 1
    assert "app;dur=" in second.headers["Server-Timing"]
    assert _metric(client, "qa_answer_cache_lookups_total", outcome="hit") == 1
    assert _metric(client, "qa_answer_cache_lookups_total", outcome="miss") == 1
    assert _metric(client, "qa_answer_cache_hit_ratio") == 0.5
    # The page answers through the same cache: same question, language and k, same key.
    page = client.get("/", query_string={"q": QUESTION, "lang": "en"})
    assert page.status_code == 200 and "Kurultai" in page.get_data(as_text=True)
    assert _metric(client, "qa_answer_cache_lookups_total", outcome="hit") == 2
    assert len(calls) == 1


@pytest.mark.slow
def test_redis_shares_answers_between_replicas(seed_index, e5, redis_uri):
    import redis

    one = _app(seed_index, e5, answer_cache_uri=redis_uri, answer_cache_ttl=120).test_client()
    two = _app(seed_index, e5, answer_cache_uri=redis_uri, answer_cache_ttl=120).test_client()
    first = one.get("/api/v1/ask", query_string={"q": QUESTION})
    again = two.get("/api/v1/ask", query_string={"q": QUESTION})
    assert _stored(again.data) == _stored(first.data) and again.get_json()["cached"]
    assert _metric(one, "qa_answer_cache_lookups_total", outcome="miss") == 1
    assert _metric(two, "qa_answer_cache_lookups_total", outcome="hit") == 1
    keys = redis.Redis.from_url(redis_uri).keys("qa:answer:*")
    assert len(keys) == 1
    assert 0 < redis.Redis.from_url(redis_uri).ttl(keys[0]) <= 120


@pytest.mark.slow
def test_replicas_with_other_search_settings_do_not_share_answers(seed_index, e5, redis_uri):
    """Issue 21 row 4, as it happened: one Redis, one build, `QA_LATENT_TERMS` on for one
    replica and off for the other. Each searches for itself, and their ETags differ, so
    a proxy revalidating with one's ETag gets a 200 from the other, not a 304."""
    import redis

    shared = {"answer_cache_uri": redis_uri, "answer_cache_ttl": 120}
    on = _app(seed_index, e5, **shared).test_client()
    off = _app(seed_index, e5, latent_terms=False, **shared).test_client()
    first = on.get("/api/v1/ask", query_string={"q": QUESTION})
    other = off.get("/api/v1/ask", query_string={"q": QUESTION})
    assert (first.get_json()["cached"], other.get_json()["cached"]) == (False, False)
    assert first.headers["ETag"] != other.headers["ETag"]
    revalidated = off.get(
        "/api/v1/ask",
        query_string={"q": QUESTION},
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert revalidated.status_code == 200
    assert len(redis.Redis.from_url(redis_uri).keys("qa:answer:*")) == 2


@pytest.mark.slow
@pytest.mark.parametrize("in_memory", [0, 100])
def test_lost_redis_is_skipped_and_questions_are_answered(seed_index, e5, in_memory):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = _app(seed_index, e5, answer_cache_uri=dead, answer_cache_size=in_memory)
    client = app.test_client()
    responses = [client.get("/api/v1/ask", query_string={"q": QUESTION}) for _ in range(2)]
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].get_json()["results"]
    assert responses[1].get_json()["results"] == responses[0].get_json()["results"]
    errors = _metric(client, "qa_answer_cache_lookups_total", outcome="error")
    hits = _metric(client, "qa_answer_cache_lookups_total", outcome="hit")
    # Without Redis, the per-process LRU in front of it still serves the repeat.
    assert (errors, hits) == ((2, 0) if not in_memory else (1, 1))


def test_memory_in_front_of_the_shared_cache():
    local, shared = MemoryCache(1), MemoryCache(10)  # stand-ins for the LRU and Redis
    tiered = TieredCache(local, shared)
    tiered.put("a", b"1")
    tiered.put("b", b"2")  # pushes "a" out of the small local LRU, not out of the shared one
    assert local.get("a").outcome == "miss"
    assert tiered.get("a") == Lookup(b"1", "hit")
    assert local.get("a").body == b"1"  # refilled from the shared cache
    assert tiered.get("c").outcome == "miss"


@pytest.mark.slow
def test_answer_counts_read_the_answer_not_the_question(seed_index, e5):
    """Metrics and the access log learn the confidence without parsing the body again; a
    question quoting the fields' text cannot fool that."""
    from qa_service.api import answer_facts

    client = _app(seed_index, e5).test_client()
    quoting = 'Weather in Paris? "abstained":true,"confidence":"high"'
    for q in (quoting, QUESTION):
        response = client.get("/api/v1/ask", query_string={"q": q})
        body = response.get_json()
        facts = answer_facts(response.get_data(), "v")
        assert (facts["abstained"], facts["confidence"]) == (body["abstained"], body["confidence"])
        before = _metric(client, "qa_answers_total", outcome=body["confidence"])
        again = client.get("/api/v1/ask", query_string={"q": q}).get_json()  # from the cache
        assert again["confidence"] == body["confidence"]
        assert _metric(client, "qa_answers_total", outcome=body["confidence"]) == before + 1
