"""A short run of scripts/soak (qa_service/lab/soak.py): mixed traffic, a reindex and a
corrupt build, no failure."""

from __future__ import annotations

import json
import subprocess

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_short_soak_loses_nothing_and_serves_the_new_build(tmp_path):
    report = tmp_path / "soak.json"
    done = subprocess.run(
        [
            str(ROOT / "scripts" / "soak"),
            "--seconds",
            "12",
            "--concurrency",
            "4",
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["failures"] == 0
    assert summary["requests"] > 20
    assert len(summary["versions_seen"]) == 2
    assert not any("corrupt" in v for v in summary["versions_seen"])
    assert summary["log"]["private_question_text_in_log"] is False
    assert summary["log"]["load_failures_naming_index_faiss"] >= 1
    assert summary["by_kind"].get("burst", {}).get("429", 0) > 0
