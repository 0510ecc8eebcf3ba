"""Feedback from readers ("did this passage answer you?"), kept to improve the evaluation.

One SQLite file (``feedback_db``), WAL mode so that gunicorn workers write without
blocking readers, one connection per thread. What is stored is the question, the passage
it concerns (none when the service abstained), the verdict, the UI language and the index
version: never a client address, cookie or user agent.

``export_unanswered`` turns the questions people found unhelpful, and those asked when no
passage answered, into lines of the evaluation set format (answerable, article and
evidence left empty for maintainers to label), so real questions feed the dev set.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .text import clean_query, detect_lang, short_hash

LANGS = ("kk", "ru", "en")
FIELDS = {"q", "passage_id", "helpful", "lang", "index_version"}
MAX_ID_CHARS = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    created TEXT NOT NULL,
    question TEXT NOT NULL,
    passage_id TEXT,
    helpful INTEGER NOT NULL,
    lang TEXT,
    index_version TEXT
);
CREATE INDEX IF NOT EXISTS feedback_helpful ON feedback (helpful);
"""


class FeedbackError(ValueError):
    """A feedback payload is invalid; the message says what to change."""


@dataclass(frozen=True)
class Feedback:
    question: str
    passage_id: str | None
    helpful: bool
    lang: str | None = None
    index_version: str | None = None


def parse_feedback(data: Any, max_query_chars: int) -> Feedback:
    """Validate a POST /api/v1/feedback body (the same rules as /api/v1/ask's ``q``)."""
    if not isinstance(data, dict):
        raise FeedbackError('the body must be a JSON object like {"q": "...", "helpful": true}')
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise FeedbackError(
            f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(sorted(FIELDS))}"
        )
    raw_q = data.get("q")
    if raw_q is None:
        raise FeedbackError("the question field `q` is required")
    if not isinstance(raw_q, str):
        raise FeedbackError("`q` must be a string")
    if len(raw_q) > max_query_chars:
        raise FeedbackError(f"`q` is longer than {max_query_chars} characters")
    q = clean_query(raw_q)
    if not q:
        raise FeedbackError("`q` is blank")
    if "helpful" not in data:
        raise FeedbackError("`helpful` (true or false) is required")
    if not isinstance(data["helpful"], bool):
        raise FeedbackError("`helpful` must be true or false")
    passage_id = data.get("passage_id")
    if passage_id is not None and (
        not isinstance(passage_id, str) or not passage_id.strip() or len(passage_id) > MAX_ID_CHARS
    ):
        raise FeedbackError(
            f"`passage_id` must be null or a string of 1 to {MAX_ID_CHARS} characters"
        )
    lang = data.get("lang")
    if lang in ("", None):
        lang = None
    elif lang not in LANGS:
        raise FeedbackError("`lang` must be one of kk, ru, en")
    version = data.get("index_version")
    if version is not None and (not isinstance(version, str) or len(version) > MAX_ID_CHARS):
        raise FeedbackError(f"`index_version` must be a string of at most {MAX_ID_CHARS} chars")
    return Feedback(q, passage_id, data["helpful"], lang, version or None)


class FeedbackStore:
    """Records feedback in SQLite. The file and its folder are created on first use, so an
    app that never receives feedback never writes to disk."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._local = threading.local()
        self._init_lock = threading.Lock()
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        with self._init_lock:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        with self._init_lock:
            if not self._ready:
                conn.executescript(_SCHEMA)
                self._ready = True
        self._local.conn = conn
        return conn

    def record(
        self,
        question: str,
        passage_id: str | None,
        helpful: bool,
        lang: str | None = None,
        index_version: str | None = None,
    ) -> None:
        """Store one verdict. The caller validates; nothing about the client is stored."""
        self._connect().execute(
            "INSERT INTO feedback (created, question, passage_id, helpful, lang, index_version)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                question,
                passage_id,
                int(bool(helpful)),
                lang or None,
                index_version or None,
            ),
        )

    def rows(self) -> Iterator[Mapping[str, Any]]:
        """Every record, oldest first."""
        if not self.path.exists():
            return
        conn = self._connect()
        conn.row_factory = sqlite3.Row
        yield from conn.execute("SELECT * FROM feedback ORDER BY id")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def export_unanswered(store: FeedbackStore) -> list[dict]:
    """Questions marked unhelpful, or asked when no passage answered (``passage_id`` null),
    one line per distinct question, in the evaluation set format for maintainers to label."""
    grouped: dict[str, dict] = {}
    for row in store.rows():
        if row["helpful"] and row["passage_id"] is not None:
            continue
        key = row["question"].casefold()
        item = grouped.get(key)
        if item is None:
            item = grouped[key] = {
                "id": "fb-" + short_hash(key, length=10),
                "lang": row["lang"] or detect_lang(row["question"]),
                "question": row["question"],
                "answerable": None,
                "article": None,
                "evidence": None,
                "feedback": {"unhelpful": 0, "no_answer": 0, "passage_ids": []},
            }
        fb = item["feedback"]
        if row["passage_id"] is None:
            fb["no_answer"] += 1
        else:
            fb["unhelpful"] += 1
            if row["passage_id"] not in fb["passage_ids"]:
                fb["passage_ids"].append(row["passage_id"])
    return list(grouped.values())


def export_lines(items: list[dict]) -> str:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
