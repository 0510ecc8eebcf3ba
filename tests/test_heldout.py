"""The held-out first runs (lab/heldout.py): records that agree with the probe set, and the
interval and report arithmetic."""

import json

import pytest

from qa_service.lab.heldout import GROWN, FirstRun, auc, load_runs, precision, report, wilson


def test_wilson_interval_matches_known_values():
    low, up = wilson(142, 170)
    assert low == pytest.approx(0.772, abs=0.002) and up == pytest.approx(0.883, abs=0.002)
    assert wilson(0, 0) == (0.0, 1.0)
    assert wilson(10, 10)[1] == pytest.approx(1.0) and wilson(0, 10)[0] == pytest.approx(0.0)


def test_auc_counts_ties_half():
    assert auc([0.9, 0.8], [0.7]) == 1.0
    assert auc([0.5], [0.5]) == 0.5
    assert auc([0.1], [0.9, 0.2]) == 0.0


def test_first_run_records_agree_with_the_probe_set():
    """Every new question's record is the probe set's question under the same id; a repeat
    is a question some set asked before it; a `high` on an unanswerable question is wrong."""
    runs = load_runs()
    probes = {}
    for line in (GROWN / "probe_questions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        probes[row["id"]] = row
    asked = set()
    for name in ("questions.jsonl", "fresh_questions.jsonl", "probe_questions.jsonl"):
        for line in (GROWN / name).read_text(encoding="utf-8").splitlines():
            asked.add(json.loads(line)["question"])
    assert len({(r.probe, r.id) for r in runs}) == len(runs)
    for run in runs:
        assert run.state in ("high", "low", "none"), run.id
        if run.repeat:
            assert run.question in asked, run.id
            continue
        row = probes[run.id]
        assert (row["question"], row["kind"], row["lang"]) == (run.question, run.kind, run.lang)
        if run.kind not in ("answerable", "local"):
            assert not run.right, run.id


def test_report_pools_new_questions_and_counts_wrong_highs():
    def run(probe, state, answers, repeat=False, kind="answerable"):
        return FirstRun(
            probe, f"p-en-{probe}{state}", "en", kind, "P-x", "q", state, answers, repeat
        )

    runs = [
        run(1, "high", True),
        run(1, "high", False),
        run(1, "low", True),
        run(2, "high", True, repeat=True),
        run(2, "high", True, kind="unanswerable"),  # labelled as answering: still wrong
    ]
    assert precision(runs).startswith("high    4  wrong   2")
    lines = report(runs, since=[2])
    assert any(line.startswith("pooled, new") and "high    3  wrong   2" in line for line in lines)
    # from the second probe on: its one new `high`, wrong (the repeat is left out)
    assert any(line.startswith("probes 2- ") and "high    1  wrong   1" in line for line in lines)
