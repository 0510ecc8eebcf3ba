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
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import lifecycle
from .text import clean_query, detect_lang, short_hash
from .validate import FeedbackInput

if TYPE_CHECKING:
    from .search import Searcher

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
# Passage ids of recently named builds (the live one and kept ones), by (folder, build id).
_ID_CACHE_SIZE = 4


class UnknownReference(LookupError):
    """A verdict names a build or passage this service does not have; says which."""


def check_references(item: FeedbackInput, searcher: Searcher, embeddings_dir: Path) -> None:
    """Refuse a verdict on a passage or build the service never served.

    ``index_version`` must be the live build or one still kept in ``embeddings_dir``
    (answers given just before a reindex stay ratable); ``passage_id`` must be a passage
    of that build (of the live one when no version is given). Forged ids would otherwise
    fill the export that maintainers label.
    """
    if item.passage_id is None and item.index_version is None:
        return
    live = searcher.index
    version = item.index_version or live.version
    if version == live.version:
        ids = _ids_of(live.path, version, lambda: [p.id for p in live.passages])
    else:
        kept = {manifest.build_id: path for path, manifest in lifecycle.list_builds(embeddings_dir)}
        if version not in kept:
            raise UnknownReference(f"no index build {version!r} is kept here")
        path = kept[version]
        ids = _ids_of(path, version, lambda: _stored_ids(path))
    if item.passage_id is not None and item.passage_id not in ids:
        raise UnknownReference(f"no passage {item.passage_id!r} in index build {version!r}")


_ids_lock = threading.Lock()
_ids_cache: OrderedDict[tuple[str, str], frozenset[str]] = OrderedDict()


def _ids_of(path: Path, version: str, read: Callable[[], Iterable[str]]) -> frozenset[str]:
    key = (str(path), version)
    with _ids_lock:
        found = _ids_cache.get(key)
        if found is not None:
            _ids_cache.move_to_end(key)
            return found
    found = frozenset(read())
    with _ids_lock:
        _ids_cache[key] = found
        while len(_ids_cache) > _ID_CACHE_SIZE:
            _ids_cache.popitem(last=False)
    return found


def _stored_ids(build_dir: Path) -> list[str]:
    with open(build_dir / "passages.jsonl", encoding="utf-8") as fh:
        return [json.loads(line)["id"] for line in fh if line.strip()]


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
        """Store one verdict. The caller validates (validate.feedback, check_references)
        before calling, so a refused request stores nothing; nothing about the client is
        stored."""
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
        # Cleaned again: rows stored before bidi controls were stripped must not carry
        # them into the file maintainers read.
        question = clean_query(row["question"])
        key = question.casefold()
        item = grouped.get(key)
        if item is None:
            item = grouped[key] = {
                "id": "fb-" + short_hash(key, length=10),
                "lang": row["lang"] or detect_lang(question),
                "question": question,
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
