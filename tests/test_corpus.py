"""Corpus readers and dedupe: the seed page dump, the maintainer formats, bad files."""

from __future__ import annotations

import json
from pathlib import Path

from qa_service.corpus import dedupe, make_article, near_duplicate, read_corpus, source_files
from qa_service.text import dedupe_key

from .conftest import SEED_CORPUS

SEED_TITLES = [
    "CONSTITUTIONAL REFORM DRAFT EXPLAINED IN SHYMKENT",
    "Minister of Foreign Affairs of Kazakhstan Meets with Heads of UN Agencies in Almaty",
    "Unicameral Parliament: a guarantee of transparency and fair competition - Nurlan "
    "Beknazarov About the Kuryltai",
    "The preamble clearly shows the deep history of our country - Bakhyt Nurmukhanov",
    "Aidarbek Kozhanazarov: It was important to enshrine the issue of digital personal data "
    "protection in our Constitution",
]


def test_seed_gives_exactly_five_articles_with_attribution():
    report = read_corpus(SEED_CORPUS)
    assert report.errors == []
    assert [a.title for a in report.articles] == SEED_TITLES
    assert report.duplicates_removed == 5
    for article in report.articles:
        assert article.date == "2026-02-14"
        assert article.outlet == "Enbekshi QazaQ"
        assert article.section == "News"
        assert article.lang == "en"
        assert article.body and "Source :" not in article.body
    urls = {a.title: a.url for a in report.articles}
    assert urls[SEED_TITLES[1]] == (
        "https://www.gov.kz/memleket/entities/mfa/press/news/details/1161897?lang=kk"
    )
    assert sum(url is not None for url in urls.values()) == 1


def test_seed_keeps_the_copy_with_quotes():
    """The second copy in the seed has its quotation marks stripped; the first is richer."""
    report = read_corpus(SEED_CORPUS)
    beknazarov = report.articles[2]
    assert '"Referendum-2026"' in beknazarov.body
    assert "country's well-being" in beknazarov.body


def test_quote_stripped_copy_is_a_duplicate(tmp_path):
    body = 'He said: "The number of deputies will be 145." It\'s a change – a real one.'
    stripped = "He said: The number of deputies will be 145. Its a change - a real one."
    a = make_article(title="T", date="2026-01-01", body=body, outlet="o", source="a", line=1)
    b = make_article(title="T", date="2026-01-01", body=stripped, outlet="o", source="b", line=1)
    kept, removed = dedupe([b, a])
    assert removed == 1
    assert kept == [a]  # the richer copy wins even when it comes second


def test_near_duplicate_catches_small_edits_but_not_other_articles():
    report = read_corpus(SEED_CORPUS)
    first = dedupe_key(report.articles[0].body)
    edited = first.replace("koktem market", "kok-tem bazaar", 1)
    assert edited != first
    assert near_duplicate(first, edited)
    others = [dedupe_key(a.body) for a in report.articles[1:]]
    assert not any(near_duplicate(first, other) for other in others)


def test_article_id_is_stable_and_ignores_case_and_quotes():
    a = make_article(
        title="Hello «World»", date="14.02.2026", body="x", outlet="o", source="s", line=1
    )
    b = make_article(
        title='hello "world"', date="2026-02-14", body="y", outlet="o", source="s", line=9
    )
    assert a.id == b.id
    assert a.id.startswith("2026-02-14-")


def test_markdown_and_jsonl_readers(corpus_dir):
    report = read_corpus(corpus_dir)
    assert report.errors == []
    by_lang = {a.lang: a for a in report.articles}
    assert set(by_lang) == {"en", "ru", "kk"}
    kk = by_lang["kk"]
    assert kk.title == "Мемлекеттік тіл мәртебесі өзгермейді"
    assert kk.date == "2026-02-12"
    assert kk.section == "Қоғам"
    assert kk.url == "https://example.org/kk/til"
    assert "\n\n" in kk.body  # paragraphs survive
    assert by_lang["en"].url == "https://example.org/referendum-date"
    assert by_lang["ru"].url is None


def test_malformed_files_are_named_with_line_and_do_not_stop_others(corpus_dir: Path):
    (corpus_dir / "broken.jsonl").write_text(
        json.dumps({"title": "ok", "date": "2026-01-01", "body": "fine"}) + "\n{not json\n",
        encoding="utf-8",
    )
    (corpus_dir / "nodate.md").write_text("---\ntitle: No date\n---\nBody.\n", encoding="utf-8")
    (corpus_dir / "baddate.jsonl").write_text(
        json.dumps({"title": "x", "date": "31/31/2026", "body": "b"}) + "\n", encoding="utf-8"
    )
    (corpus_dir / "latin1.txt").write_bytes("Outlet\nTitle 01.01.2026\ncaf\xe9\n".encode("latin-1"))
    report = read_corpus(corpus_dir)
    errors = {e.path: e for e in report.errors}
    assert errors["broken.jsonl"].line == 2
    assert "invalid JSON" in errors["broken.jsonl"].message
    assert "date" in errors["nodate.md"].message
    assert errors["baddate.jsonl"].line == 1 and "31/31/2026" in errors["baddate.jsonl"].message
    assert errors["latin1.txt"].line == 3 and "UTF-8" in errors["latin1.txt"].message
    assert str(errors["broken.jsonl"]).startswith("broken.jsonl:2: ")
    assert len(report.articles) == 3  # the three good articles still read


def test_page_dump_without_titles_is_an_error(corpus_dir: Path):
    (corpus_dir / "junk.txt").write_text("Outlet\njust some text\n", encoding="utf-8")
    report = read_corpus(corpus_dir)
    assert [(e.path, e.line) for e in report.errors] == [("junk.txt", 2)]


def test_only_known_formats_are_sources(corpus_dir: Path):
    (corpus_dir / "notes.docx").write_bytes(b"PK")
    (corpus_dir / ".hidden.md").write_text("x", encoding="utf-8")
    names = [p.name for p in source_files(corpus_dir)]
    assert names == ["kk-language.md", "news.jsonl"]


def test_symlinked_files_outside_the_corpus_are_not_read(corpus_dir: Path, tmp_path: Path):
    """Issue 21 row 13: reindex followed a symlinked *file* out of the corpus folder (and
    would have published it); symlinked folders were already skipped."""
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text("---\ntitle: Secret\ndate: 2026-01-01\n---\nNot for the corpus.\n", "utf-8")
    (corpus_dir / "leak.md").symlink_to(secret)
    (corpus_dir / "folder-link").symlink_to(outside, target_is_directory=True)
    (corpus_dir / "same.md").symlink_to(corpus_dir / "kk-language.md")  # inside: still read
    names = [p.name for p in source_files(corpus_dir)]
    assert names == ["kk-language.md", "news.jsonl", "same.md"]
    assert all(a.title != "Secret" for a in read_corpus(corpus_dir).articles)
