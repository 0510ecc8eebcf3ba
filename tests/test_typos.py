"""typos.py: English domain words typed one letter wrong, read as meant."""

import pytest

from qa_service.glossary import Glossary
from qa_service.typos import correct

WORDS = Glossary.load().english_words


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("how many artcles in new constituton", "how many articles in new constitution"),
        ("who chairs the constitutonal comission", "who chairs the constitutional commission"),
        ("Who is Mynbaev?", "Who is Mynbayev?"),
    ],
)
def test_a_domain_word_one_edit_away_is_read_as_meant(typed, meant):
    assert correct(typed, WORDS) == meant


@pytest.mark.parametrize(
    "text",
    ["What was the turnout in Almaty?", "tenge dollar rate October", "Kurultai electoral system"],
)
def test_english_words_and_names_are_left_alone(text):
    assert correct(text, WORDS) == text


def test_a_dictionary_word_that_is_a_common_typo_and_the_versions_are_read():
    """Eighteenth session: "how many artciles were in the frist draft" ("frist" is in the
    English word lists) was `high` with the final draft's 95 articles."""
    vocabulary = Glossary.load().english_words
    assert correct("how many artciles were in the frist draft", vocabulary) == (
        "how many articles were in the first draft"
    )
    assert correct("the finall text", vocabulary) == "the final text"
    assert correct("the first draft", vocabulary) == "the first draft"
