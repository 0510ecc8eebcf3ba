"""`reindex --jobs N`: encoding split across threads gives the same build as one job."""

from __future__ import annotations

import numpy as np
import pytest

from qa_service import embed_batches, lifecycle
from qa_service import index as idx
from qa_service.build import reindex
from qa_service.cli import cli
from qa_service.config import Settings
from qa_service.embedder import EmbedderId


def _build(corpus_dir, embeddings, embedder, jobs):
    settings = Settings.load(
        {"corpus_dir": corpus_dir, "embeddings_dir": embeddings, "embedder": embedder.name}
    )
    counted, totals = [], []
    summary = reindex(
        settings, embedder, jobs=jobs, progress=counted.append, on_total=totals.append
    )
    loaded = idx.load_build(lifecycle.current_build(embeddings), EmbedderId.of(embedder))
    # The progress bar counts every text encoded: passages, sentences, latent terms.
    assert totals == [sum(counted)]
    return summary, sum(counted), loaded


@pytest.mark.slow
def test_two_jobs_build_what_one_job_builds(corpus_dir, tmp_path, e5, monkeypatch):
    monkeypatch.setattr(embed_batches, "BATCH", 1)  # several batches even on the tiny corpus
    one, one_count, a = _build(corpus_dir, tmp_path / "one", e5, jobs=1)
    two, two_count, b = _build(corpus_dir, tmp_path / "two", e5, jobs=2)
    assert one.embedded == two.embedded == one.passages >= 3
    assert one_count == two_count > one.passages
    assert [p.id for p in a.passages] == [p.id for p in b.passages]
    assert np.allclose(a.vectors, b.vectors, atol=1e-6)
    assert np.allclose(a.sentence_vectors, b.sentence_vectors, atol=1e-6)
    assert np.array_equal(a.latent_terms, b.latent_terms)


def test_jobs_option(runner, corpus_dir, tmp_path):
    base = ["--corpus", str(corpus_dir), "--embeddings", str(tmp_path / "emb"), "reindex"]
    refused = runner.invoke(cli, [*base, "--jobs", "0"])
    assert refused.exit_code == 2 and "--jobs" in refused.output
    done = runner.invoke(cli, [*base, "--jobs", "2", "--quiet"])
    assert done.exit_code == 0, done.output
    assert "live:                yes" in done.output
