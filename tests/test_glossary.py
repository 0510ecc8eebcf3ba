"""The domain glossary: loads, matches Russian and Kazakh forms (and Kazakh typed with
Russian letters), and names the line of a malformed entry."""

from __future__ import annotations

import pytest

from qa_service.glossary import Glossary, GlossaryError
from qa_service.lexical import words


@pytest.fixture(scope="module")
def glossary():
    return Glossary.load()


def _english(glossary: Glossary, question: str) -> set[str]:
    """The English words the glossary adds for a question (prepare.py adds them)."""
    return {w for concept in glossary.concepts(words(question)) for w in concept.split()}


def test_shipped_glossary_loads_and_expands(glossary):
    assert len(glossary.entries) > 20
    assert "Kurultai" in _english(glossary, "Сколько депутатов в Курултае?")
    assert "constitution" in _english(glossary, "Ата заңға өзгерістер")
    # Kazakh typed with Russian letters (қ->к, ұ->у, ...) matches the same entry.
    assert "Kurultai" in _english(glossary, "Курылтайда канша депутат")
    assert _english(glossary, "How do I make plov?") == set()


def test_short_forms_match_whole_words_only(glossary):
    assert "UN" in _english(glossary, "Что обсуждали в ООН?")
    assert "UN" not in _english(glossary, "оонтология")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Kurultai\tкурулта", "expected 3 tab-separated columns"),
        ("\tкурулта\tқұрылта", "English column is empty"),
        ("Kurultai\tкурулта,,x\tқұрылта", "empty form"),
    ],
)
def test_a_malformed_line_names_file_and_line(tmp_path, line, message):
    path = tmp_path / "glossary.tsv"
    path.write_text(f"# header\nreferendum\tреферендум\tреферендум\n{line}\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=rf"glossary.tsv:3: .*{message}"):
        Glossary.load(path)


def test_the_referendums_procedure_is_named_in_three_languages():
    """The vote's procedure (polling stations, the absentee certificate, the ballot, the
    draft's proposals) and the new offices are terms of the reform: a question naming them
    is on topic, and a sentence answering it names them too (verify.py's cover)."""
    g = Glossary.load()
    for question, term in [
        ("Во сколько открываются участки?", "polling station precinct"),
        ("Сайлау учаскелері қай уақытта жұмыс істейді?", "polling station precinct"),
        ("Где получить открепительное удостоверение?", "absentee certificate"),
        ("Сырттай дауыс беру куәлігін қалай алуға болады?", "absentee certificate"),
        ("Бюллетеньде қандай сұрақ болады?", "ballot"),
        ("Куда отправить замечания к проекту?", "proposals comments"),
        ("Как назначается вице-президент?", "vice president"),
        ("Какие полномочия будут у Народного совета?", "People's Council"),
    ]:
        named = [g.entries[i].english for i in g.concept_ids(words(question))]
        assert term in named, question
    # "участвовать" (to take part) is not a polling station.
    assert not g.concept_ids(words("участвовать в голосовании")) & {
        i for i, e in enumerate(g.entries) if e.english.startswith("polling")
    }


def test_an_excluded_beginning_is_not_the_entry(glossary, tmp_path):
    """ "сайла" (elect, election) also begins "сайлаушы" (a voter): the line's "!сайлауш"
    keeps voters out of the election entry, in questions and in sentences alike."""
    election = next(i for i, e in enumerate(glossary.entries) if e.english.startswith("election"))
    voters = next(i for i, e in enumerate(glossary.entries) if e.english.startswith("voters"))
    assert glossary.concept_ids(words("Сайлаушылар келді")) == {voters}
    assert election in glossary.concept_ids(words("Құрылтайға сайлау қашан өтеді?"))
    assert election in glossary.concept_ids(words("Депутаттар қалай сайланады?"))
    assert election not in glossary.matched(words("сайлаушылардың келуі"))
    path = tmp_path / "g.tsv"
    path.write_text("election\tвыбор\tсайла,!сайлауш\n", encoding="utf-8")
    own = Glossary.load(path)
    assert own.entries[0].excluded == ("сайлауш",)
    assert own.terms_in("Сайлаушылар келді.", "kk") == []
    assert own.entries[0].named_in(["сайлау"]) and not own.entries[0].named_in(["сайлаушы"])
