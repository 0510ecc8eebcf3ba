"""Sources in three languages: the fixtures hold together, and the measurement's contract.

The fixtures (tests/data/multilingual) report six invented facts in kk, ru and en; the
measurement (qa_service/lab/multilingual.py) asks 12 questions per language. Figures and
what they mean: docs/quality.md, "Sources in several languages".
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from qa_service.corpus import read_corpus
from qa_service.lab.multilingual import LANGS, fact_of, load_questions, measure, table_lines

from .conftest import DATA, SEED_CORPUS

FIXTURES = DATA / "multilingual"


def test_every_fact_is_reported_in_every_language_and_marked_as_a_fixture():
    report = read_corpus(FIXTURES / "articles")
    assert report.errors == [] and report.duplicates_removed == 0
    assert {a.outlet for a in report.articles} == {"Test fixture (invented)"}
    assert all(a.url.startswith("https://fixtures.invalid/") for a in report.articles)
    facts = Counter((fact_of(a.url), a.lang) for a in report.articles)
    questions = load_questions(FIXTURES / "questions.jsonl")
    asked = {q.fact for q in questions}
    assert set(facts) == {(fact, lang) for fact in asked for lang in LANGS}
    assert set(facts.values()) == {1}
    assert Counter(q.lang for q in questions) == {"kk": 12, "ru": 12, "en": 12}


def test_no_fixture_in_the_shipped_corpus():
    shipped = "".join(p.read_text("utf-8") for p in Path(SEED_CORPUS).rglob("*") if p.is_file())
    assert "fixtures.invalid" not in shipped and "Test fixture" not in shipped


def test_fact_of_reads_the_fixture_address():
    assert fact_of("https://fixtures.invalid/multilingual/quorum/kk") == "quorum"
    assert fact_of(None) is None


@pytest.mark.slow
def test_a_reader_gets_the_fact_in_their_own_language(e5, tmp_path):
    questions = load_questions(FIXTURES / "questions.jsonl")
    served, latent_off, withheld = measure(FIXTURES / "articles", questions, e5, tmp_path)
    print("\n".join(table_lines([served, latent_off, withheld])))
    for lang in LANGS:
        # Measured 1.00 / 0.83 / 0.92 (kk / ru / en): the floors leave one question's room.
        assert served.recall_at_1(lang) >= 0.75, lang
        # The passage in the reader's language comes first when it answers (0.92 / 0.83 /
        # 0.92 measured): the other languages' copies of the fact rank below it.
        assert served.same_language_at_1(lang) >= 0.75, lang
    # With the reader's language missing from the sources, another language's passage
    # still carries the fact for most questions (0.81 measured).
    assert withheld.recall_at_1() >= 0.7
