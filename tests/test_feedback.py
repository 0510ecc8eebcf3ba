"""POST /api/v1/feedback: validation like /api/v1/ask, SQLite storage, and the export."""

from __future__ import annotations

import json
import sqlite3

import pytest

from qa_service.app import create_app
from qa_service.cli import cli
from qa_service.feedback import FeedbackStore, export_unanswered


@pytest.fixture(scope="module")
def fb_app(seed_index, e5, tmp_path_factory):
    """Its own database, and no rate limit (the limit has its own tests)."""
    settings, _ = seed_index
    db = tmp_path_factory.mktemp("fb") / "sub" / "feedback.sqlite3"
    settings = settings.replace(feedback_db=db, rate_limits=False)
    return create_app({"TESTING": True}, settings=settings, embedder=e5)


@pytest.fixture()
def fb_client(fb_app):
    return fb_app.test_client()


def rows(app) -> list[dict]:
    return [dict(r) for r in app.extensions["feedback"].rows()]


def served(client, q: str = "Сколько депутатов будет?") -> tuple[str, str]:
    """(passage id, build id) of a real answer: feedback names what was served."""
    answer = client.get("/api/v1/ask", query_string={"q": q}).get_json()
    return answer["results"][0]["passage_id"], answer["index"]["version"]


def test_feedback_is_recorded_without_client_data(fb_app, fb_client):
    passage_id, version = served(fb_client)
    before = len(rows(fb_app))
    r = fb_client.post(
        "/api/v1/feedback",
        json={
            "q": "  Сколько депутатов   будет? ",
            "passage_id": passage_id,
            "helpful": False,
            "lang": "ru",
            "index_version": version,
        },
        headers={"X-Forwarded-For": "203.0.113.9", "User-Agent": "probe-agent"},
    )
    assert r.status_code == 201
    assert r.get_json() == {"status": "recorded"}
    stored = rows(fb_app)
    assert len(stored) == before + 1
    last = stored[-1]
    assert last["question"] == "Сколько депутатов будет?"
    assert (last["passage_id"], last["helpful"], last["lang"]) == (passage_id, 0, "ru")
    assert last["index_version"] == version
    # Nothing about the client anywhere in the database.
    db = fb_app.extensions["feedback"].path
    assert db.parent.is_dir()
    dump = "\n".join(sqlite3.connect(db).iterdump())
    assert "203.0.113.9" not in dump and "probe-agent" not in dump
    columns = {c[1] for c in sqlite3.connect(db).execute("PRAGMA table_info(feedback)")}
    assert not columns & {"ip", "address", "client", "user_agent"}


def test_feedback_uses_wal(fb_app, fb_client):
    fb_client.post("/api/v1/feedback", json={"q": "test", "helpful": True})
    mode = sqlite3.connect(fb_app.extensions["feedback"].path).execute("PRAGMA journal_mode")
    assert mode.fetchone()[0] == "wal"


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"helpful": True}, "`q`"),
        ({"q": "   ", "helpful": True}, "blank"),
        ({"q": 5, "helpful": True}, "string"),
        ({"q": "x" * 501, "helpful": True}, "longer than 500"),
        ({"q": "ok"}, "helpful"),
        ({"q": "ok", "helpful": "yes"}, "true or false"),
        ({"q": "ok", "helpful": True, "lang": "de"}, "kk, ru, en"),
        ({"q": "ok", "helpful": True, "passage_id": 7}, "passage_id"),
        ({"q": "ok", "helpful": True, "ip": "1.2.3.4"}, "unknown field"),
        (["q", "ok"], "JSON object"),
    ],
)
def test_feedback_validation(fb_app, fb_client, body, fragment):
    before = len(rows(fb_app))
    r = fb_client.post("/api/v1/feedback", json=body)
    assert r.status_code == 400
    assert r.mimetype == "application/problem+json"
    assert fragment in r.get_json()["detail"]
    assert len(rows(fb_app)) == before


def test_feedback_media_type_and_size(fb_client):
    r = fb_client.post("/api/v1/feedback", data="q=x", content_type="text/plain")
    assert r.status_code == 415 and r.mimetype == "application/problem+json"
    big = json.dumps({"q": "x", "helpful": True, "pad": "y" * 20000})
    r = fb_client.post("/api/v1/feedback", data=big, content_type="application/json")
    assert r.status_code == 413 and r.mimetype == "application/problem+json"


def test_feedback_is_in_openapi(fb_client):
    spec = fb_client.get("/openapi.json").get_json()
    op = spec["paths"]["/api/v1/feedback"]["post"]
    assert {"201", "400", "413", "415"} <= set(op["responses"])
    assert spec["components"]["schemas"]["FeedbackRequest"]["required"] == ["q", "helpful"]


def test_export_lists_unhelpful_and_unanswered_once(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.record("How many deputies?", "p-1", False, "en", "v1")
    store.record("how many deputies?", "p-2", False, "en", "v1")
    store.record("Who won the match?", None, True, None, None)
    store.record("What is the Kurultai?", "p-3", True, "en", "v1")
    items = export_unanswered(store)
    assert [i["question"] for i in items] == ["How many deputies?", "Who won the match?"]
    first = items[0]
    assert first["feedback"] == {"unhelpful": 2, "no_answer": 0, "passage_ids": ["p-1", "p-2"]}
    assert first["answerable"] is None and first["evidence"] is None
    assert items[1]["lang"] == "en"  # guessed from the text when the client gave none


def test_feedback_export_cli(runner, tmp_path):
    db = tmp_path / "f.sqlite3"
    FeedbackStore(db).record("Когда референдум?", "p-9", False, "ru", "v1")
    out = tmp_path / "out" / "todo.jsonl"
    env = {"QA_FEEDBACK_DB": str(db)}
    result = runner.invoke(cli, ["feedback", "export", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    [line] = out.read_text(encoding="utf-8").splitlines()
    item = json.loads(line)
    assert set(item) >= {"id", "lang", "question", "answerable", "article", "evidence"}
    assert item["question"] == "Когда референдум?" and item["lang"] == "ru"


def test_feedback_export_without_database(runner, tmp_path):
    env = {"QA_FEEDBACK_DB": str(tmp_path / "none.sqlite3")}
    result = runner.invoke(cli, ["feedback", "export"], env=env)
    assert result.exit_code == 1
    assert "no feedback database" in result.output
