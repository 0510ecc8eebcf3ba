"""english_vocab: English words told from Latin-typed Kazakh ones."""

import pytest

from qa_service.english_vocab import is_english


@pytest.mark.parametrize(
    "word", ["referendum", "deputies", "voted", "electoral", "october", "rate", "kurultai"]
)
def test_english_words_and_their_inflections(word):
    assert is_english(word)


@pytest.mark.parametrize("word", ["dauys", "beruge", "quqygy", "uchaskeler", "neshede", "qansha"])
def test_latin_kazakh_words_are_not_english(word):
    assert not is_english(word)
