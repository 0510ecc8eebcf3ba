"""The topic probe (topic.py): is a question about the reform at all? And its fitter."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa_service.lab import topic_probe as lab
from qa_service.topic import (
    NEIGHBOURS_FILE,
    PROBE_FILE,
    TopicNeighbours,
    TopicProbe,
    TopicProbeError,
    for_embedder,
    neighbours_for,
)


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


ON_TOPIC = (
    "How many deputies will the Kurultai have?",
    "Құрылтайда неше депутат болады?",
    "Когда пройдёт референдум по Конституции?",
)
OFF_TOPIC = (
    "Who won the football match yesterday?",
    "Ертең Алматыда ауа райы қандай болады?",
    "Какой курс доллара сегодня?",
)


def test_the_searcher_reads_topic_from_the_question_alone(seed_searcher_topic):
    """Off-topic questions score lower than questions about the reform, in kk/ru/en, and
    the score is a confidence signal."""
    on, off = ON_TOPIC, OFF_TOPIC
    scores = {q: seed_searcher_topic.ask(q).signals["topic"] for q in (*on, *off)}
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


def _unit(*rows):
    m = np.array(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_neighbours_score_the_k_nearest_of_each_side_and_round_trip(tmp_path):
    on = _unit([1, 0, 0], [0.9, 0.1, 0], [0, 0, 1])
    off = _unit([0, 1, 0], [0.1, 0.9, 0], [0, 0.5, 0.5])
    near = TopicNeighbours("e5-small", on, off, k=2, fitted_on="test")
    q = np.array([[1.0, 0.0, 0.0]])
    want = (1.0 + on[1] @ q[0]) / 2 - (off[1] @ q[0] + off[2] @ q[0]) / 2
    assert near.score(q) == pytest.approx(want, abs=1e-6)
    assert near.score(q) > 0 > near.score(np.array([0.0, 1.0, 0.0]))
    path = tmp_path / "near.npz"
    near.save(path)
    again = TopicNeighbours.load(path)
    assert (again.embedder, again.k, again.fitted_on) == ("e5-small", 2, "test")
    assert again.on.dtype == np.float32 and again.on.flags.c_contiguous
    assert again.score(q) == pytest.approx(near.score(q), abs=1e-3)  # stored in half precision
    with pytest.raises(TopicProbeError, match="2-dim vector for neighbours of 3 dims"):
        near.score(np.zeros(2))


def test_neighbours_in_principal_components_score_the_projected_cosines(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 6)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.array([1, 0] * 20)
    near = lab.neighbours(x, y, k=2, r=3, embedder="e5-small")
    assert near.on.shape == (20, 3) and near.dim == 6
    q = x[0]
    z = (q - near.mean) @ near.basis
    z /= np.linalg.norm(z)
    on = sorted(near.on @ z)[-2:]
    off = sorted(near.off @ z)[-2:]
    assert near.score(q) == pytest.approx((sum(on) - sum(off)) / 2, abs=1e-5)
    path = tmp_path / "near.npz"
    near.save(path)
    again = neighbours_for("e5-small", 6, path)
    assert again is not None and again.score(q) == pytest.approx(near.score(q), abs=2e-3)
    whole = lab.neighbours(x, y, k=2)
    assert whole.basis is None and whole.score(q) != pytest.approx(near.score(q))


def test_bad_or_foreign_neighbours_are_refused_or_unused(tmp_path):
    path = tmp_path / "near.npz"
    TopicNeighbours("e5-small", _unit([1, 0]), _unit([0, 1]), k=1).save(path)
    assert neighbours_for("e5-small", 2, path) is not None
    assert neighbours_for("minilm", 2, path) is None
    assert neighbours_for("e5-small", 384, path) is None
    assert neighbours_for("e5-small", 2, tmp_path / "missing.npz") is None
    TopicNeighbours("e5-small", _unit([1, 0]), _unit([0, 1]), k=3).save(path)  # k > rows
    with pytest.raises(TopicProbeError, match="malformed"):
        TopicNeighbours.load(path)
    path.write_bytes(b"not a zip")
    with pytest.raises(TopicProbeError, match="topic neighbours"):
        TopicNeighbours.load(path)


def test_the_committed_neighbours_are_the_served_embedders():
    near = TopicNeighbours.load(NEIGHBOURS_FILE)
    assert near.embedder == "e5-small" and near.dim == 384
    assert len(near.on) > 500 and len(near.off) > 300 and "grouped by fact" in near.fitted_on
    norms = np.linalg.norm(np.vstack([near.on, near.off]), axis=1)
    assert np.allclose(norms, 1.0, atol=2e-3)


def test_the_searcher_reads_near_from_the_question_alone(seed_searcher_topic):
    """Off-topic questions are nearer the labelled questions about everything else; a
    local election in Kazakh, which the probe puts well on the reform's side (an election),
    sits below every question about the reform."""
    on, off = ON_TOPIC, OFF_TOPIC
    local = "Шымкент мәслихатына кім сайланды?"
    signals = {q: seed_searcher_topic.ask(q).signals for q in [*on, *off, local]}
    near = {q: s["near"] for q, s in signals.items()}
    assert min(near[q] for q in on) > near[local] > max(near[q] for q in off)
    assert max(near[q] for q in off) < 0 < min(near[q] for q in on)
    assert signals[local]["topic"] > 1.0  # the probe's reading of it
