"""The topic probe (topic.py): is a question about the reform at all? And its fitter."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa_service.lab import topic_probe as lab
from qa_service.topic import PROBE_FILE, TopicProbe, TopicProbeError, for_embedder


def test_a_probe_scores_log_odds_and_round_trips(tmp_path):
    probe = TopicProbe("e5-small", np.array([1.0, -2.0, 0.5], dtype=np.float32), 0.25, "test")
    assert probe.score(np.array([[1.0, 0.0, 2.0]])) == pytest.approx(1.0 + 1.0 + 0.25)
    path = tmp_path / "probe.json"
    probe.save(path)
    again = TopicProbe.load(path)
    assert again.embedder == "e5-small" and again.bias == 0.25 and again.fitted_on == "test"
    assert np.allclose(again.weights, probe.weights)
    with pytest.raises(TopicProbeError, match="2-dim vector for a probe of 3 dims"):
        probe.score(np.zeros(2))


@pytest.mark.parametrize(
    "data",
    [
        {"embedder": "e5-small", "bias": 0.0},  # no weights
        {"embedder": "e5-small", "bias": 0.0, "weights": []},
        {"embedder": "e5-small", "bias": 0.0, "weights": ["x"]},
        {"embedder": "e5-small", "bias": "nan?", "weights": [1.0]},
        {"embedder": "e5-small", "bias": 0.0, "weights": [float("inf")]},
    ],
)
def test_a_bad_probe_file_is_refused_with_a_reason(data):
    with pytest.raises(TopicProbeError, match="topic probe"):
        TopicProbe.from_dict(data)


def test_another_embedders_vectors_get_no_probe(tmp_path):
    path = tmp_path / "probe.json"
    TopicProbe("e5-small", np.ones(4, dtype=np.float32), 0.0).save(path)
    assert for_embedder("e5-small", 4, path) is not None
    assert for_embedder("minilm", 4, path) is None
    assert for_embedder("e5-small", 384, path) is None
    assert for_embedder("e5-small", 4, tmp_path / "missing.json") is None


def test_the_committed_probe_is_for_the_served_embedder():
    data = json.loads(PROBE_FILE.read_text(encoding="utf-8"))
    assert data["embedder"] == "e5-small" and len(data["weights"]) == 384
    assert "grouped by fact" in data["fitted_on"]


def test_the_searcher_reads_topic_from_the_question_alone(seed_searcher_topic):
    """Off-topic questions score lower than questions about the reform, in kk/ru/en, and
    the score is a confidence signal."""
    on = [
        "How many deputies will the Kurultai have?",
        "Құрылтайда неше депутат болады?",
        "Когда пройдёт референдум по Конституции?",
    ]
    off = [
        "Who won the football match yesterday?",
        "Ертең Алматыда ауа райы қандай болады?",
        "Какой курс доллара сегодня?",
    ]
    scores = {q: seed_searcher_topic.ask(q).signals["topic"] for q in on + off}
    assert min(scores[q] for q in on) > max(scores[q] for q in off)


@pytest.fixture(scope="module")
def seed_searcher_topic(seed_app):
    return seed_app.extensions["qa"].searcher()


def test_the_fitter_separates_the_classes():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(1.0, 1.0, (40, 5)), rng.normal(-1.0, 1.0, (40, 5))])
    y = np.array([1.0] * 40 + [0.0] * 40)
    weights, bias = lab.fit(x, y, ridge=1.0)
    assert lab.auc((x @ weights + bias).tolist(), (y == 1).tolist()) > 0.95
    assert lab.auc([0.9, 0.8, 0.1], [True, False, False]) == 1.0
    assert lab.auc([0.5, 0.5], [True, False]) == 0.5
