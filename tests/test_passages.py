"""Passages: offsets round-trip, sentence spans, sizes, stable ids."""

from __future__ import annotations

from qa_service.corpus import make_article, read_corpus
from qa_service.passages import MAX_WORDS, sentence_spans, split_article, split_corpus
from qa_service.text import word_count

from .conftest import SEED_CORPUS


def _seed():
    return read_corpus(SEED_CORPUS).articles


def test_offsets_round_trip_and_sentences_lie_inside():
    articles = {a.id: a for a in _seed()}
    passages = split_corpus(articles.values())
    assert passages
    for p in passages:
        assert articles[p.article_id].body[p.start : p.end] == p.text
        assert p.sentences[0][0] == 0 and p.sentences[-1][1] == len(p.text)
        for start, end in p.sentences:
            assert 0 <= start < end <= len(p.text)
            assert p.text[start:end].strip() == p.text[start:end]


def test_passage_sizes_and_one_sentence_overlap():
    for article in _seed():
        passages = split_article(article)
        for p in passages:
            assert word_count(p.text) <= MAX_WORDS or len(p.sentences) == 1
        for a, b in zip(passages, passages[1:], strict=False):
            # consecutive windows share at most one sentence
            assert b.start >= a.start
            assert a.end <= b.start or a.text[a.sentences[-1][0] :] == b.text[: b.sentences[0][1]]


def test_whole_text_is_covered():
    for article in _seed():
        passages = split_article(article)
        covered = set()
        for p in passages:
            covered.update(range(p.start, p.end))
        letters = {i for i, ch in enumerate(article.body) if not ch.isspace()}
        assert letters <= covered


def test_splitter_handles_glued_sentences_initials_and_quotes():
    text = (
        "The Minister met U.N. agencies in the country.In his remarks, A. Mynbayev spoke. "
        "“The reform is systemic” noted Minister Kosherbayev.At the same time, he left."
    )
    sentences = [text[a:b] for a, b in sentence_spans(text, "en")]
    assert sentences == [
        "The Minister met U.N. agencies in the country.",
        "In his remarks, A. Mynbayev spoke.",
        "“The reform is systemic” noted Minister Kosherbayev.",
        "At the same time, he left.",
    ]


def test_quoted_speech_is_split_into_sentences():
    text = '"Now the country will have one chamber. Its name is the Kurultai," the senator said.'
    sentences = [text[a:b] for a, b in sentence_spans(text, "en")]
    assert sentences == [
        '"Now the country will have one chamber.',
        'Its name is the Kurultai," the senator said.',
    ]


def test_russian_and_kazakh_sentences():
    ru = "Т. Иванов сказал, что парламент станет однопалатным. В нём будет 145 депутатов."
    kk = "Жаңа Конституция қабылданады. Құрылтайда 145 депутат болады."
    assert len(sentence_spans(ru, "ru")) == 2
    assert len(sentence_spans(kk, "kk")) == 2


def test_ids_stable_and_depend_on_text():
    article = _seed()[0]
    first = [p.id for p in split_article(article)]
    again = [p.id for p in split_article(article)]
    assert first == again and len(set(first)) == len(first)
    changed = make_article(
        title=article.title,
        date=article.date,
        body=article.body + " One more closing sentence was added here.",
        outlet=article.outlet,
        source="x",
        line=1,
    )
    changed_ids = [p.id for p in split_article(changed)]
    assert changed_ids[:-1] == first[:-1]
    assert changed_ids[-1] != first[-1]
