"""The grown corpus (docs/quality/grown/corpus) and its question set (questions.jsonl).

The question set is what issue 18's figures are measured on; a span that is not in its
article, a superseded report newer than the one replacing it, or a fact asked in one language
only would silently bend them. These checks read no model and fail on the first bad line.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from qa_service.corpus import read_corpus

from .conftest import ROOT, SEED_CORPUS, read_jsonl_rows

GROWN = ROOT / "docs" / "quality" / "grown"
CORPUS = GROWN / "corpus"
QUESTIONS = GROWN / "questions.jsonl"
SEED_FILE = "enbekshi_qazaq_2026-02-14.txt"

FIELDS = {
    "id",
    "lang",
    "question",
    "kind",
    "answerable",
    "topic",
    "fact",
    "style",
    "spans",
    "superseded",
    "near_miss_of",
    "corpus",
}
LANGS = ("kk", "ru", "en")
KINDS = {"answerable", "unanswerable", "offtopic", "local"}
STYLES = {"full", "keyword", "colloquial", "typo", "yesno", "kk-latin"}
FACT_ID = re.compile(r"^(G|S|L|U|O)-[a-z0-9-]+$")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    return read_jsonl_rows(path)


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    return load_questions()


@pytest.fixture(scope="module")
def corpus():
    report = read_corpus(CORPUS)
    assert report.errors == []
    return report.articles


@pytest.fixture(scope="module")
def bodies(corpus) -> dict[str, list[str]]:
    """File (relative to the grown corpus) -> the bodies read from it, after dedupe."""
    found = defaultdict(list)
    for article in corpus:
        found[article.source].append(article.body)
    return found


@pytest.fixture(scope="module")
def dates(corpus) -> dict[str, str]:
    return {a.source: a.date for a in corpus if a.source != SEED_FILE} | {SEED_FILE: "2026-02-14"}


def test_the_seed_inside_the_grown_corpus_is_the_seed():
    """grown = seed + our articles: the copy must not drift from corpus/."""
    assert (CORPUS / SEED_FILE).read_bytes() == (SEED_CORPUS / SEED_FILE).read_bytes()


def test_grown_articles_are_many_in_three_languages_from_invented_outlets(corpus):
    own = [a for a in corpus if a.source != SEED_FILE]
    assert len(own) >= 45
    langs = Counter(a.lang for a in own)
    assert set(langs) == set(LANGS)
    assert min(langs.values()) >= len(own) // 4, langs
    outlets = Counter(a.outlet for a in own)
    assert len(outlets) >= 6 and max(outlets.values()) <= len(own) // 4, outlets
    for article in own:
        assert "2025-09-01" <= article.date <= "2026-11-30", article.source
        assert re.match(r"^https://[a-z0-9-]+\.example/", article.url or ""), article.source
        assert article.source.split("/")[1].startswith(article.date), article.source


def test_every_line_has_the_fields_with_the_right_types(questions):
    for row in questions:
        where = row.get("id", row)
        assert set(row) == FIELDS, where
        assert row["lang"] in LANGS, where
        assert re.fullmatch(rf"g-{row['lang']}-\d{{3}}", row["id"]), where
        assert row["question"] == row["question"].strip() != "", where
        assert row["kind"] in KINDS, where
        assert isinstance(row["answerable"], bool), where
        assert row["topic"] in {"on", "off"}, where
        assert FACT_ID.match(row["fact"]), where
        assert row["style"] in STYLES, where
        for span in row["spans"] + row["superseded"]:
            assert set(span) == {"file", "text"} and span["text"].strip(), where


def test_ids_and_questions_are_unique(questions):
    ids = Counter(row["id"] for row in questions)
    assert [i for i, n in ids.items() if n > 1] == []
    asked = Counter((row["lang"], row["question"].casefold()) for row in questions)
    assert [q for q, n in asked.items() if n > 1] == []


def test_labels_agree_with_each_other(questions):
    """kind <=> answerable, topic and fact prefix; spans exactly when answerable; the corpus
    field says whether the seed alone answers."""
    expected = {
        "answerable": (True, "on", "GS"),
        "local": (True, "off", "L"),
        "unanswerable": (False, "on", "U"),
        "offtopic": (False, "off", "O"),
    }
    for row in questions:
        where = row["id"]
        answerable, topic, prefixes = expected[row["kind"]]
        assert (row["answerable"], row["topic"]) == (answerable, topic), where
        assert row["fact"][0] in prefixes, where
        assert bool(row["spans"]) == row["answerable"], where
        if row["superseded"]:
            assert row["kind"] == "answerable", where
        in_seed = any(span["file"] == SEED_FILE for span in row["spans"])
        if row["answerable"]:
            assert row["corpus"] == ("seed" if in_seed else "grown"), where
        else:
            assert row["corpus"] is None, where


def test_every_span_is_an_exact_substring_of_its_article(questions, bodies):
    for row in questions:
        for span in row["spans"] + row["superseded"]:
            found = bodies.get(span["file"], [])
            assert found, (row["id"], span["file"])
            assert any(span["text"] in body for body in found), (row["id"], span["text"])


def test_a_superseded_report_is_older_than_a_current_one(questions, dates):
    for row in questions:
        if row["superseded"]:
            newest_current = max(dates[span["file"]] for span in row["spans"])
            for span in row["superseded"]:
                assert dates[span["file"]] < newest_current, (row["id"], span["file"])
                assert span not in row["spans"], row["id"]


def test_questions_are_grouped_by_fact_and_asked_in_every_language(questions):
    """One block of lines per fact, the same labels within it, all three languages."""
    order = [row["fact"] for row in questions]
    blocks = [fact for i, fact in enumerate(order) if i == 0 or order[i - 1] != fact]
    assert len(blocks) == len(set(blocks)), "a fact's questions are split apart"
    by_fact = defaultdict(list)
    for row in questions:
        by_fact[row["fact"]].append(row)
    for fact, rows in by_fact.items():
        assert {r["lang"] for r in rows} == set(LANGS), fact
        keys = {
            json.dumps([r[k] for k in ("kind", "spans", "superseded", "near_miss_of")])
            for r in rows
        }
        assert len(keys) == 1, fact


def test_near_misses_name_an_answerable_fact(questions):
    answerable = {row["fact"] for row in questions if row["kind"] == "answerable"}
    for row in questions:
        if row["near_miss_of"] is not None:
            assert row["near_miss_of"] in answerable, row["id"]
            assert row["near_miss_of"] != row["fact"], row["id"]


def test_counts_meet_the_minima(questions):
    assert len(questions) >= 320
    per_lang = Counter(row["lang"] for row in questions)
    assert max(per_lang.values()) - min(per_lang.values()) <= 0.1 * min(per_lang.values())
    for lang in LANGS:
        rows = [row for row in questions if row["lang"] == lang]
        kinds = Counter(row["kind"] for row in rows)
        assert len(rows) >= 100, lang
        assert kinds["answerable"] >= 60, (lang, kinds)
        assert kinds["unanswerable"] >= 15, (lang, kinds)
        assert kinds["offtopic"] >= 10, (lang, kinds)
        assert sum(bool(r["superseded"]) for r in rows) >= 15, lang
        assert sum(r["near_miss_of"] is not None for r in rows) >= 30, lang
        assert sum(r["answerable"] and r["corpus"] == "seed" for r in rows) >= 10, lang
        styles = Counter(row["style"] for row in rows)
        assert all(styles[s] >= 3 for s in ("keyword", "colloquial", "typo", "yesno")), styles
    assert Counter(r["style"] for r in questions if r["lang"] == "kk")["kk-latin"] >= 15


def test_styles_look_like_what_they_name(questions):
    for row in questions:
        text, style, where = row["question"], row["style"], row["id"]
        if style == "keyword":
            assert 1 <= len(text.split()) <= 4, where
        elif style == "colloquial":
            assert "?" not in text, where
        elif style == "yesno":
            assert text.endswith("?"), where
        elif style == "kk-latin":
            assert row["lang"] == "kk" and not CYRILLIC.search(text), where


FRESH = GROWN / "fresh_questions.jsonl"


def test_the_fresh_set_is_valid_against_the_grown_corpus(bodies, dates):
    """fresh_questions.jsonl (sixth session: 120 questions written without seeing any
    result, a check never fitted on): the same fields, labels that agree, every span and
    superseded report an exact substring of its article, superseded reports older."""
    rows = load_questions(FRESH)
    assert len(rows) >= 100 and Counter(r["lang"] for r in rows) == Counter(
        {lang: len(rows) // 3 for lang in LANGS}
    )
    assert len({r["id"] for r in rows}) == len(rows)
    prefixes = {"answerable": "F-", "local": "FL-", "unanswerable": "FU-", "offtopic": "FO-"}
    for row in rows:
        where = row["id"]
        assert set(row) == FIELDS and row["lang"] in LANGS and row["kind"] in KINDS, where
        assert re.fullmatch(rf"f-{row['lang']}-\d{{3}}", where), where
        assert row["fact"].startswith(prefixes[row["kind"]]), where
        assert row["answerable"] == (row["kind"] in ("answerable", "local")), where
        assert row["topic"] == ("on" if row["kind"] in ("answerable", "unanswerable") else "off")
        assert bool(row["spans"]) == row["answerable"], where
        for span in row["spans"] + row["superseded"]:
            assert any(span["text"] in body for body in bodies.get(span["file"], [])), where
        if row["superseded"]:
            newest = max(dates[s["file"]] for s in row["spans"])
            assert all(dates[s["file"]] < newest for s in row["superseded"]), where


def test_the_probe_set_is_valid_against_the_grown_corpus(bodies, dates):
    """probe_questions.jsonl (thirteenth session: 61 near misses and their neighbours read
    by hand, then labelled; the fourteenth added 44 on parts of the voters, the fifteenth
    33 near misses of other attributes and their neighbours, the sixteenth 59, 58, 88, 89,
    88, 89, 90 and 60 in eight probes written by helpers that read only the corpus (held out, then
    mended; local news the corpus answers is ``local``, outside the measures, as in the
    fresh set); the parts,
    versions and years places.py and verify.py check were found with them, so a check of
    those, not a held-out one): the fresh set's fields, labels that agree, every span an
    exact substring of its article."""
    rows = load_questions(GROWN / "probe_questions.jsonl")
    assert len(rows) >= 105 and set(Counter(r["lang"] for r in rows)) == set(LANGS)
    assert len({r["id"] for r in rows}) == len(rows) == len({r["question"] for r in rows})
    prefixes = {"answerable": "P-", "unanswerable": "PU-", "offtopic": "PO-", "local": "PL-"}
    facts = {r["fact"] for r in rows if r["answerable"]}
    for row in rows:
        where = row["id"]
        assert set(row) == FIELDS and row["lang"] in LANGS and row["kind"] in prefixes, where
        assert re.fullmatch(rf"p-{row['lang']}-\d{{3,4}}", where), where
        assert row["fact"].startswith(prefixes[row["kind"]]), where
        assert row["answerable"] == (row["kind"] in ("answerable", "local")), where
        on = row["kind"] in ("answerable", "unanswerable")
        assert row["topic"] == ("on" if on else "off"), where
        assert bool(row["spans"]) == row["answerable"], where
        assert row["near_miss_of"] in facts | {None}, where
        for span in row["spans"] + row["superseded"]:
            assert any(span["text"] in body for body in bodies.get(span["file"], [])), where
        if row["superseded"]:  # the sixteenth session's: reports its answers supersede
            newest = max(dates[s["file"]] for s in row["spans"])
            assert all(dates[s["file"]] < newest for s in row["superseded"]), where
