"""Languages outside kk, ru, en: refused by name at import and reindex, never mislabelled."""

from __future__ import annotations

import pytest

from qa_service.corpus import read_corpus
from qa_service.importer.extract import NotAnArticle, choose_lang
from qa_service.language import article_language

GERMAN = (
    "Die Verfassungsreform in Kasachstan wurde am Sonntag in einem Referendum angenommen. "
    "Die Wahlbeteiligung lag nach Angaben der Wahlkommission bei über siebzig Prozent. "
    "Das neue Parlament soll aus einer einzigen Kammer bestehen und 145 Abgeordnete haben."
)
POLISH = (
    "Referendum w Kazachstanie odbędzie się w marcu, poinformował rząd w poniedziałek. "
    "Nowy parlament będzie jednoizbowy i będzie liczył 145 deputowanych wybieranych co "
    "pięć lat. Projekt konstytucji był szeroko dyskutowany przez obywateli w całym kraju."
)
UKRAINIAN = (
    "Референдум про нову конституцію Казахстану відбудеться в березні, повідомили в уряді "
    "в понеділок. Новий парламент буде однопалатним і матиме 145 депутатів, яких обиратимуть "
    "кожні п'ять років. Проєкт конституції широко обговорювали громадяни по всій країні."
)
# Kazakh typed in Latin letters: a detector takes it for Turkmen; it must stay ours.
LATIN_KAZAKH = (
    "Referendum 2026 jyly nauryzda otedi dep habarlady Ortalyq saylau komissiyasy. "
    "Parlament bir palataly bolady jane Quryltai dep atalady, deputattar sany 145 bolady. "
    "Jana Konstitusiya jobasy halyqtyq talqylaudan otti jane kop usynys tusti."
)


@pytest.mark.parametrize(
    ("text", "lang"),
    [(GERMAN, "de"), (POLISH, "pl"), (UKRAINIAN, "uk"), (LATIN_KAZAKH, "en")],
)
def test_article_language(text, lang):
    assert article_language(text) == lang


def test_seed_and_tiny_corpora_keep_their_languages(corpus_dir):
    from .conftest import SEED_CORPUS

    for folder in (SEED_CORPUS, corpus_dir):
        for article in read_corpus(folder).articles:
            assert article_language(article.title + "\n" + article.body) == article.lang


def test_reindex_names_a_german_article(tmp_path):
    (tmp_path / "de.md").write_text(
        f"---\ntitle: Referendum\ndate: 2026-03-16\noutlet: Zeitung\n---\n{GERMAN}\n", "utf-8"
    )
    report = read_corpus(tmp_path)
    assert report.articles == []
    assert [e.message for e in report.errors] == ["language de is not one of kk, ru, en"]


def test_import_refuses_a_polish_page():
    with pytest.raises(NotAnArticle, match="language pl is not one of kk, ru, en"):
        choose_lang("pl", POLISH)
