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
