"""Dedupe at scale: MinHash+LSH decides as the pairwise scan did, lists other outlets,
and a reindex redoes only what changed (files, passages, vectors)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from qa_service import corpus as corpus_module
from qa_service import index as idx
from qa_service import lifecycle
from qa_service.build import reindex
from qa_service.config import Settings
from qa_service.corpus import make_article, read_corpus
from qa_service.dedupe import article_key, dedupe, dedupe_signed, signature
from qa_service.embedder import EmbedderId
from qa_service.lab.scale_corpus import (
    HashEncoder,
    dedupe_pairwise,
    seed_sentences,
    write_scale_corpus,
)

from .conftest import SEED_CORPUS


@pytest.fixture(scope="module")
def sentences():
    return seed_sentences(SEED_CORPUS)


def test_lsh_decides_as_the_pairwise_scan_on_an_archive(tmp_path, sentences):
    made = write_scale_corpus(tmp_path / "archive", sentences, 150, seed=3)
    report = read_corpus(made.folder)
    everything = [a for r in report.records for a in r.articles]
    kept, removed = dedupe_pairwise(everything)
    assert removed > 10  # the archive does repeat stories
    lsh = dedupe_signed(everything, merge_same_id=False)
    assert lsh.removed == removed
    assert [(a.id, a.body) for a in lsh.kept] == [(a.id, a.body) for a in kept]
    # With the id rule, the copies edited beyond the threshold under the same title and
    # date join their story too: every kept id is then unique (a build needs that).
    assert report.duplicates_removed == removed + dedupe_signed(everything).id_merges
    assert len({a.id for a in report.articles}) == len(report.articles)


def _article(body: str, outlet: str, url: str | None = None, title: str = "Story"):
    return make_article(
        title=title, date="2026-02-01", body=body, outlet=outlet, source=outlet, line=1, url=url
    )


def test_other_outlets_are_listed_on_the_kept_copy():
    body = "The referendum on the new constitution takes place in March. " * 8
    first = _article(body, "Kazinform")
    same_outlet = _article(body.replace("March", "march"), "Kazinform")
    richer = _article(body + "More detail.", "Vlast", url="https://vlast.example/1")
    third = _article(body, "Kursiv")
    other = _article("A different report about the parliament. " * 8, "Orda", title="Other")
    kept, removed = dedupe([first, same_outlet, richer, third, other])
    assert removed == 3
    assert [a.outlet for a in kept] == ["Vlast", "Orda"]  # the richer copy, in first's place
    listed = [o.outlet for o in kept[0].also_reported_by]
    assert listed == ["Kazinform", "Kursiv"]  # each once, never its own outlet
    assert kept[1].also_reported_by == ()
    assert kept[0].attribution()["also_reported_by"][0] == {"outlet": "Kazinform", "url": None}


def test_known_signatures_give_the_same_decisions(tmp_path, sentences):
    made = write_scale_corpus(tmp_path / "archive", sentences, 60, seed=5)
    everything = [a for r in read_corpus(made.folder).records for a in r.articles]
    fresh = dedupe_signed(everything)
    again = dedupe_signed(everything, fresh.signatures)
    assert again.kept == fresh.kept and again.removed == fresh.removed
    assert all(
        np.array_equal(s, signature(_key(a)))
        for s, a in zip(fresh.signatures, everything, strict=True)
    )


def _key(article):
    return article_key(article)


def test_unchanged_files_are_not_parsed_again(tmp_path, sentences, monkeypatch):
    made = write_scale_corpus(tmp_path / "archive", sentences, 20, seed=7)
    first = read_corpus(made.folder)
    known = {r.path: r for r in first.records}
    changed = sorted(made.folder.rglob("*.md"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    parsed = []
    real = corpus_module.PARSERS[".md"]
    monkeypatch.setitem(
        corpus_module.PARSERS, ".md", lambda text, src: parsed.append(src) or real(text, src)
    )
    second = read_corpus(made.folder, known)
    assert parsed == [str(changed.relative_to(made.folder))]
    assert second.reused_files == len(first.records) - 1
    assert [a.id for a in second.articles] == [a.id for a in first.articles]


def test_reindex_redoes_only_what_changed(tmp_path, sentences):
    made = write_scale_corpus(tmp_path / "archive", sentences, 40, seed=9)
    settings = Settings.load({"corpus_dir": made.folder, "embeddings_dir": tmp_path / "emb"})
    encoder = HashEncoder()
    full = reindex(settings, encoder)
    assert full.reread == len(full_files := list(made.folder.rglob("*.md"))) == 40
    assert full.resplit == full.articles
    before = _passage_texts(settings)
    write_scale_corpus(made.folder / "added", sentences, 3, seed=10, first_story=1000)
    encoder.encoded = 0
    more = reindex(settings, encoder)
    new_passages = _passage_texts(settings) - before
    assert more.reread == 3  # the other 40 files came from the live build's records
    assert more.resplit == more.articles - full.articles > 0  # only the new stories cut
    assert more.embedded == len(new_passages) > 0  # and only their passages embedded
    assert more.reused == more.passages - len(new_passages)
    assert len(full_files) == 40
    live = lifecycle.current_build(settings.embeddings_dir)
    records = idx.read_jsonl(live / idx.SOURCES)
    assert len(records) == 43 and all(r["signatures"] for r in records)
    assert idx.load_build(live, EmbedderId.of(encoder)).manifest.articles == more.articles


def _passage_texts(settings) -> set[str]:
    live = lifecycle.current_build(settings.embeddings_dir)
    return {p["text"] for p in idx.read_jsonl(live / "passages.jsonl")}


def test_a_format_1_build_is_refused_with_what_to_do(tmp_path, sentences):
    made = write_scale_corpus(tmp_path / "archive", sentences, 5, seed=11)
    settings = Settings.load({"corpus_dir": made.folder, "embeddings_dir": tmp_path / "emb"})
    encoder = HashEncoder()
    reindex(settings, encoder)
    live = lifecycle.current_build(settings.embeddings_dir)
    manifest = json.loads((live / "manifest.json").read_text())
    manifest["format_version"] = 1
    (live / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(idx.IndexMismatch, match="reindex"):
        idx.load_build(live, EmbedderId.of(encoder))
    # The reindex it asks for encodes nothing again: vectors are reused by content.
    again = reindex(settings, encoder)
    assert again.embedded == 0 and again.reused == again.passages
    live = lifecycle.current_build(settings.embeddings_dir)
    shutil.rmtree(live / idx.BM25_DIR)
    with pytest.raises(idx.IndexCorrupt, match="bm25"):
        idx.load_build(live, EmbedderId.of(encoder))


def test_a_richer_copy_never_gives_two_kept_stories_one_id():
    """A near-duplicate of one story that carries another kept story's title and date
    (so its id) is listed as another outlet, not swapped in: two kept articles under one
    id made the bench's archive build fail its own check."""
    body = " ".join(
        f"Point {i}: the referendum on the constitution is in March." for i in range(40)
    )
    first = _article(body, "Kazinform", title="One")
    other = _article("Roads in Almaty close for repairs this week. " * 8, "Vlast", title="Two")
    richer_twin = _article(body + "More detail.", "Liter", title="Two")
    result = dedupe_signed([first, other, richer_twin])
    ids = [a.id for a in result.kept]
    assert len(ids) == len(set(ids)) == 2
    assert result.kept[0].body == first.body
    assert [o.outlet for o in result.kept[0].also_reported_by] == ["Liter"]
