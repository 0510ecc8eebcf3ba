"""The fact line (facts.py): the asked value in the reader's language, only when certain.

Each case is checked against the sentence itself: the span the fact gives must hold the
value as the source writes it.
"""

from __future__ import annotations

import pytest

from qa_service.answer import Answer, Hit
from qa_service.corpus import make_article
from qa_service.facts import fact_of
from qa_service.glossary import Glossary
from qa_service.passages import Passage
from qa_service.prepare import reading_of
from qa_service.text import clean_query
from qa_service.verify import translator

GLOSSARY = Glossary.load()
TRANSLATE = translator(GLOSSARY)


def answer(question: str, text: str, confidence: str = "high", date: str = "2026-02-14"):
    """An answer whose best match is ``text``, wholly highlighted, from an English article
    published on ``date``."""
    article = make_article(
        title="A report", date=date, body=text, outlet="Outlet", source="t.txt", line=1
    )
    passage = Passage("p-1", article.id, 0, text, 0, len(text), ((0, len(text)),))
    hit = Hit(rank=1, score=1.0, passage=passage, article=article, highlight=((0, len(text)),))
    # The reading the search passes on (Latin-typed Kazakh in Cyrillic).
    reading = reading_of(clean_query(question), GLOSSARY)[1]
    return Answer(question, "en", confidence, [hit], "v1", 1, 1, 1.0, reading=reading)


KURULTAI = "A total of 145 deputies will be elected through popular elections."
REFERENDUM = "The decision will follow a nationwide referendum scheduled for March 15."
TURNOUT = "Turnout reached 73.12% of registered voters, the commission said."


@pytest.mark.parametrize(
    ("question", "text", "lang", "expected", "value"),
    [
        ("Құрылтайда қанша депутат болады?", KURULTAI, "kk", "145 депутат", 145),
        ("Сколько депутатов будет в Курултае?", KURULTAI, "ru", "145 депутатов", 145),
        ("How many deputies will the Kurultai have?", KURULTAI, "en", "145 deputies", 145),
        # "March 15" has no year: the article's (February 2026) is taken.
        ("Референдум қашан өтеді?", REFERENDUM, "kk", "2026 жылғы 15 наурыз", "2026-03-15"),
        ("Когда пройдет референдум?", REFERENDUM, "ru", "15 марта 2026\u202fг.", "2026-03-15"),
        ("When is the referendum?", REFERENDUM, "en", "March 15, 2026", "2026-03-15"),
        ("Қатысу үлесі қанша пайыз болды?", TURNOUT, "kk", "73,12%", 73.12),
        ("Какова явка?", TURNOUT, "ru", "73,12\u00a0%", 73.12),
        ("What share of voters took part?", TURNOUT, "en", "73.12%", 73.12),
    ],
)
def test_fact_in_the_readers_language(question, text, lang, expected, value):
    fact = fact_of(answer(question, text), lang, TRANSLATE)
    assert fact is not None
    assert fact.text == expected and fact.value == value
    # The span points at the value as the sentence writes it.
    written = text[fact.start : fact.end]
    assert written in {"145 deputies", "March 15", "73.12%"}


def test_plural_rules_follow_the_number():
    for number, ru, en in ((1, "1 депутат", "1 deputy"), (3, "3 депутата", "3 deputies")):
        text = f"The commission will have {number} deputies from each region."
        assert fact_of(answer("Сколько депутатов?", text), "ru", TRANSLATE).text == ru
        assert fact_of(answer("How many deputies?", text), "en", TRANSLATE).text == en
    text = "Parliament will have 21 deputies from the regions."
    assert fact_of(answer("Сколько депутатов?", text), "ru", TRANSLATE).text == "21 депутат"


def test_duration_in_each_language():
    text = "Deputies will be elected for a term of five years."
    got = {
        lang: fact_of(answer("How many years will deputies serve?", text), lang, TRANSLATE)
        for lang in ("kk", "ru", "en")
    }
    assert {lang: f.text for lang, f in got.items()} == {
        "kk": "5 жыл",
        "ru": "5 лет",
        "en": "5 years",
    }


@pytest.mark.parametrize(
    ("question", "text", "confidence"),
    [
        # No answer: nothing is quoted, so nothing is stated.
        ("How many deputies will the Kurultai have?", KURULTAI, "none"),
        # Two different counts of the asked noun: not certain which answers.
        ("How many deputies?", "Earlier 98 deputies were planned, now 145 deputies.", "high"),
        # The sentence holds no value of the asked kind.
        ("When is the referendum?", "The referendum is a nationwide vote.", "high"),
        # A counted noun with no known name in the reader's language.
        ("How many observers came?", "About 300 observers came.", "high"),
        # No value asked for.
        ("What does the reform change?", KURULTAI, "high"),
    ],
)
def test_no_fact_when_not_certain(question, text, confidence):
    assert fact_of(answer(question, text, confidence), "ru", TRANSLATE) is None


def test_a_low_answer_gets_the_value_unconfirmed():
    """Low: the passage states the value, but may not answer; the line says so."""
    high = fact_of(answer("How many deputies will the Kurultai have?", KURULTAI), "ru", TRANSLATE)
    low = fact_of(
        answer("How many deputies will the Kurultai have?", KURULTAI, "low"), "ru", TRANSLATE
    )
    assert high is not None and low is not None
    assert (high.text, high.confirmed) == ("145 депутатов", True)
    assert (low.text, low.confirmed) == ("145 депутатов", False)
    assert low.to_dict()["confirmed"] is False


def test_a_clock_time_is_said_in_the_readers_convention():
    from qa_service.facts import localize
    from qa_service.values import find_values

    (value,) = [v for v in find_values("Голосование завершится в 8 вечера.") if v.kind == "clock"]
    assert localize(value, "ru", None) == ("20:00", "20:00")
    assert localize(value, "kk", None) == ("20:00", "20:00")
    assert localize(value, "en", None)[1].replace("\u202f", " ") == "8:00 PM"


HOURS = "Polling stations will be open from 7 a.m. to 8 p.m. local time on referendum day."


@pytest.mark.parametrize(
    ("question", "lang", "expected"),
    [
        ("What time do polling stations open?", "en", "7:00 AM–8:00 PM"),
        ("Во сколько открываются участки?", "ru", "07:00–20:00"),
        ("Сайлау учаскелері сағат нешеде ашылады?", "kk", "07:00–20:00"),
    ],
)
def test_opening_hours_are_one_range(question, lang, expected):
    fact = fact_of(answer(question, HOURS), lang, TRANSLATE)
    assert fact.kind == "clock" and fact.value == "07:00/20:00"
    assert fact.text.replace("\u202f", " ") == expected
    assert HOURS[fact.start : fact.end] == "7 a.m. to 8 p.m."


def test_a_latin_typed_kazakh_question_gets_its_fact_line():
    fact = fact_of(answer("saylau uchaskesi qai uaqytta ashylady", HOURS), "kk", TRANSLATE)
    assert fact is not None and fact.value == "07:00/20:00"


def test_no_value_from_a_passage_that_does_not_name_the_place_asked_about():
    question = "When did Kyrgyzstan hold its constitutional referendum?"
    assert fact_of(answer(question, REFERENDUM, confidence="low"), "en", TRANSLATE) is None
    kazakh = "When is the referendum in Kazakhstan?"  # Kazakhstan is no place here
    assert fact_of(answer(kazakh, REFERENDUM), "en", TRANSLATE) is not None
