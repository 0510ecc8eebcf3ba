"""The labelled question bank (docs/quality/bank.jsonl) and its fact list (bank_facts.md).

The bank is what cross-validation fits and scores on, so a wrong label silently moves every
figure: these checks run without a model and fail on the first malformed or unverifiable line.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from qa_service.corpus import read_corpus

from .conftest import ROOT, SEED_CORPUS, read_jsonl_rows

BANK = ROOT / "docs" / "quality" / "bank.jsonl"
FACTS = ROOT / "docs" / "quality" / "bank_facts.md"

FIELDS = {"id", "lang", "question", "answerable", "article", "evidence", "fact", "style", "topic"}
LANGS = ("kk", "ru", "en")
COMMON_STYLES = {"full", "keyword", "yesno", "wh", "colloquial"}
STYLES_BY_LANG = {
    "kk": COMMON_STYLES | {"kk-latin", "kk-cyr-ru"},
    "ru": COMMON_STYLES | {"ru-kk-terms"},
    "en": COMMON_STYLES,
}
# The questions citizens ask most; each is asked in every style of every language.
FLAGSHIP_FACTS = ("A2-f07", "A3-f04", "A1-f09", "A3-f01")
MIN_PER_STYLE = 15

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
KAZAKH_ONLY = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
FACT_ID = re.compile(r"^(A[1-5]-f\d{2}|U-\d{2}|O-\d{2})$")
FACT_ROW = re.compile(r"^\| (A[1-5]-f\d{2}|U-\d{2}|O-\d{2}) \|(.*)\|\s*$")


def load_bank(path: Path = BANK) -> list[dict]:
    return read_jsonl_rows(path)


def load_facts(path: Path = FACTS) -> dict[str, list[str]]:
    """Fact id -> the other cells of its table row (article, statement, evidence for A-facts)."""
    facts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = FACT_ROW.match(line)
        if match:
            assert match[1] not in facts, f"fact {match[1]} listed twice"
            facts[match[1]] = [cell.strip() for cell in match[2].split(" | ")]
    return facts


@pytest.fixture(scope="module")
def bank() -> list[dict]:
    return load_bank()


@pytest.fixture(scope="module")
def facts() -> dict[str, list[str]]:
    return load_facts()


@pytest.fixture(scope="module")
def bodies() -> dict[str, str]:
    """A1..A5 by first appearance in the seed, bodies as the service reads them."""
    report = read_corpus(SEED_CORPUS)
    assert report.errors == []
    return {f"A{i}": a.body for i, a in enumerate(report.articles, 1)}


def test_every_line_has_the_fields_with_the_right_types(bank):
    for row in bank:
        where = row.get("id", row)
        assert set(row) == FIELDS, where
        assert row["lang"] in LANGS, where
        assert isinstance(row["question"], str) and row["question"].strip(), where
        assert row["question"] == row["question"].strip(), where
        assert isinstance(row["answerable"], bool), where
        assert row["style"] in STYLES_BY_LANG[row["lang"]], where
        assert row["topic"] in {"on", "off"}, where
        assert FACT_ID.match(row["fact"]), where
        assert re.fullmatch(rf"b-{row['lang']}-\d{{3}}", row["id"]), where


def test_ids_and_questions_are_unique(bank):
    ids = Counter(row["id"] for row in bank)
    assert [i for i, n in ids.items() if n > 1] == []
    questions = Counter((row["lang"], row["question"].casefold()) for row in bank)
    assert [q for q, n in questions.items() if n > 1] == []


def test_labels_agree_with_each_other(bank):
    """answerable <=> evidence <=> article; the fact id's kind says which of the three it is."""
    for row in bank:
        where = row["id"]
        assert row["answerable"] == (row["evidence"] is not None) == (row["article"] is not None)
        kind = row["fact"][0]
        if kind == "A":
            assert row["answerable"] and row["topic"] == "on", where
            assert row["article"] == row["fact"][:2], where
        elif kind == "U":
            assert not row["answerable"] and row["topic"] == "on", where
        else:
            assert not row["answerable"] and row["topic"] == "off", where


def test_evidence_is_an_exact_span_of_the_named_article(bank, bodies):
    for row in bank:
        if row["answerable"]:
            assert row["evidence"] in bodies[row["article"]], row["id"]


def test_evidence_does_not_hit_another_article(bank, bodies):
    """Under the dev set's hit rule (contains the span, or a contiguous run of at least half
    of it), no other article may count as a hit, or a wrong passage would score."""
    spans = {(row["article"], row["evidence"]) for row in bank if row["answerable"]}
    for article, evidence in spans:
        for other, body in bodies.items():
            if other == article:
                continue
            match = SequenceMatcher(None, body, evidence, autojunk=False).find_longest_match(
                0, len(body), 0, len(evidence)
            )
            assert match.size * 2 < len(evidence), (article, other, evidence)


def test_counts_meet_the_minima(bank):
    total = len(bank)
    assert total >= 360
    for lang in LANGS:
        rows = [row for row in bank if row["lang"] == lang]
        assert len(rows) >= 120, lang
        unanswerable_on = sum(not r["answerable"] and r["topic"] == "on" for r in rows)
        off = sum(r["topic"] == "off" for r in rows)
        assert unanswerable_on >= 0.20 * len(rows), lang
        assert off >= 0.10 * len(rows), lang
    assert sum(not r["answerable"] and r["topic"] == "on" for r in bank) >= 0.20 * total
    assert sum(r["topic"] == "off" for r in bank) >= 0.10 * total


def test_every_style_is_well_represented_in_each_language(bank):
    counts = Counter((row["lang"], row["style"]) for row in bank)
    for lang, styles in STYLES_BY_LANG.items():
        for style in styles:
            assert counts[lang, style] >= MIN_PER_STYLE, (lang, style, counts[lang, style])


def test_styles_look_like_what_they_name(bank):
    for row in bank:
        text, style, where = row["question"], row["style"], row["id"]
        if style == "keyword":
            assert 1 <= len(text.split()) <= 4, where
        elif style == "colloquial":
            assert "?" not in text, where
        elif style == "kk-latin":
            assert not CYRILLIC.search(text), where
        elif style == "kk-cyr-ru":
            assert CYRILLIC.search(text) and not KAZAKH_ONLY.search(text), where
        elif style == "ru-kk-terms":
            assert KAZAKH_ONLY.search(text), where


def test_every_listed_fact_is_asked_in_all_three_languages(bank, facts):
    langs_by_fact = defaultdict(set)
    for row in bank:
        langs_by_fact[row["fact"]].add(row["lang"])
    assert len(facts) > 0
    assert sorted(set(langs_by_fact) - set(facts)) == []  # nothing asked that is not listed
    missing = {f: sorted(set(LANGS) - langs_by_fact[f]) for f in facts}
    assert {f: m for f, m in missing.items() if m} == {}


def test_answerable_facts_carry_their_listed_evidence(bank, facts, bodies):
    for fact, cells in facts.items():
        if fact.startswith("A"):
            article, _statement, evidence = cells
            assert article == fact[:2]
            assert evidence in bodies[article], fact
    for row in bank:
        if row["answerable"]:
            assert row["evidence"] == facts[row["fact"]][2], row["id"]


def test_flagship_facts_are_asked_in_every_style(bank):
    styles = defaultdict(set)
    for row in bank:
        styles[row["fact"], row["lang"]].add(row["style"])
    for fact in FLAGSHIP_FACTS:
        for lang, expected in STYLES_BY_LANG.items():
            assert styles[fact, lang] == expected, (fact, lang, expected - styles[fact, lang])
