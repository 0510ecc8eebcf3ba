"""The evaluation harness: metric functions on hand-made cases, set loading, the CLI."""

from __future__ import annotations

import json
import math

import pytest

from qa_service.cli import cli
from qa_service.lab.evaluate import (
    EvalSetError,
    Outcome,
    abstention_scores,
    first_hit_rank,
    highlight_hit,
    is_hit,
    load_questions,
    mrr_at,
    recall_at,
    summarize,
    table_lines,
    to_json,
)

from .conftest import DATA

TINY_SET = DATA / "eval" / "tiny_questions.jsonl"


def test_is_hit_contains_or_shares_half_the_evidence():
    evidence = "the number of deputies will be 145"
    assert is_hit("Now the number of deputies will be 145, and more.", evidence)
    # A contiguous run of at least half the evidence's characters.
    assert is_hit("... the number of deputies will", evidence)
    assert not is_hit("the number of seats", evidence)
    assert not is_hit("Deputies and 145 and number", evidence)


def test_highlight_hit_is_a_sentence_that_carries_the_evidence():
    from qa_service.passages import Passage

    text = "The draft changes the name. Now there will be 145 deputies. It was said in Astana."
    spans = ((0, 27), (28, 59), (60, 82))
    passage = Passage("p", "a", 0, text, 0, len(text), spans)
    assert highlight_hit(passage, [spans[1]], "there will be 145 deputies")
    assert not highlight_hit(passage, [spans[0]], "there will be 145 deputies")
    # Evidence over two sentences: either one is pointing at the answer.
    assert highlight_hit(passage, [spans[2]], "145 deputies. It was said")
    # Not quoted exactly (quotes stripped, say): the longest shared run locates it.
    assert highlight_hit(passage, [spans[1]], "Now there will be 145 deputies!")
    assert not highlight_hit(passage, [], "there will be 145 deputies")


def test_first_hit_rank():
    texts = ["nothing here", "still nothing", "the Kurultai will have 145 deputies"]
    assert first_hit_rank(texts, "will have 145 deputies") == 3
    assert first_hit_rank(texts, "a different sentence entirely") is None


def test_recall_and_mrr_on_hand_made_ranks():
    ranks = [1, 2, None, 5, 11]
    assert recall_at(ranks, 1) == pytest.approx(1 / 5)
    assert recall_at(ranks, 5) == pytest.approx(3 / 5)
    assert mrr_at(ranks, 10) == pytest.approx((1 + 1 / 2 + 1 / 5) / 5)
    assert math.isnan(recall_at([], 1))


def test_abstention_precision_and_recall():
    answerable = [True, True, True, False, False]
    abstained = [False, True, False, True, False]
    s = abstention_scores(answerable, abstained)
    assert s["precision"] == pytest.approx(1 / 2)
    assert s["recall"] == pytest.approx(1 / 2)
    assert (s["unanswerable_abstained"], s["answerable_abstained"]) == (1, 1)
    assert math.isnan(abstention_scores([True], [False])["precision"])


def test_summarize_per_language():
    outcomes = [
        Outcome("1", "en", True, 1, False, highlighted=True),
        Outcome("2", "en", True, 3, False),
        Outcome("3", "ru", True, None, False),
        Outcome("4", "ru", False, None, True),
    ]
    s = summarize(outcomes, abstains=True)
    assert s["en"]["recall@1"] == 0.5 and s["en"]["recall@5"] == 1.0
    assert s["ru"]["recall@5"] == 0.0
    assert s["all"]["questions"] == 4
    assert s["ru"]["abstention"]["recall"] == 1.0
    assert (s["en"]["highlight@1"], s["en"]["highlight_judged"]) == (1.0, 1)
    assert math.isnan(s["ru"]["highlight@1"])
    assert "kk" not in s


def test_table_reads_a_report_back_from_json():
    """Nothing abstained: precision has nothing to divide by (NaN, null in JSON)."""
    outcomes = [Outcome("q1", "en", True, 1, False, {}, 1.0)]
    report = {"methods": {"hybrid": summarize(outcomes, abstains=True)}}
    for r in (report, json.loads(to_json(report))):
        lines = "\n".join(table_lines(r))
        assert "precision n/a" in lines and "hybrid" in lines


def test_load_questions_checks_fields(tmp_path):
    assert [q.lang for q in load_questions(TINY_SET)] == ["en", "ru", "kk", "en"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "lang": "de", "question": "?", "answerable": false}\n')
    with pytest.raises(EvalSetError, match=r"bad.jsonl:1: lang"):
        load_questions(bad)
    bad.write_text('{"id": "x", "lang": "en", "question": "?", "answerable": true}\n')
    with pytest.raises(EvalSetError, match="evidence"):
        load_questions(bad)
    bad.write_text("not json\n")
    with pytest.raises(EvalSetError, match="not JSON"):
        load_questions(bad)


@pytest.mark.slow
def test_eval_cli_writes_report_and_chart(runner, corpus_dir, tmp_path):
    report = tmp_path / "out" / "report.json"
    result = runner.invoke(
        cli,
        [
            "--corpus",
            str(corpus_dir),
            "eval",
            "--set",
            str(TINY_SET),
            "--backends",
            "e5-small",
            "--json",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "hybrid" in result.output and "dense:e5-small" in result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert set(data["methods"]) == {
        "bm25",
        "dense:e5-small",
        "latent:e5-small",
        "hybrid:no-latent",
        "hybrid",
    }
    for lang in ("kk", "ru", "en", "all"):
        row = data["methods"]["hybrid"][lang]
        assert 0.0 <= row["recall@1"] <= row["recall@5"] <= 1.0
    assert "abstention" in data["methods"]["hybrid"]["all"]
    assert data["methods"]["hybrid"]["all"]["recall@5"] == 1.0
    chart = report.with_suffix(".png")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "abstention" in data["methods"]["hybrid:no-latent"]["all"]


def test_eval_cli_rejects_a_bad_set(runner, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n")
    result = runner.invoke(cli, ["eval", "--set", str(bad)])
    assert result.exit_code == 1
    assert "missing field" in result.output


TINY_BANK = DATA / "eval" / "tiny_bank.jsonl"


@pytest.mark.slow
def test_eval_cli_cross_validates_a_tiny_bank(runner, corpus_dir, tmp_path):
    """`eval --cv` on a bank of 17 questions and 8 facts: held-out figures per language and
    style with intervals, the calibration plot, the final choice, and the extra checks."""
    report = tmp_path / "cv" / "report.json"
    result = runner.invoke(
        cli,
        ["--corpus", str(corpus_dir), "eval", "--set", str(TINY_BANK), "--cv", "2",
         "--bootstrap", "50", "--check", str(TINY_SET), "--json", str(report)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "cross-validated over 17 questions, 8 facts, 2 folds" in result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert set(data["by_language"]) == {"kk", "ru", "en"}
    assert {"en:wh", "ru:keyword", "kk:yesno"} <= set(data["by_style"])
    assert len(data["judged"]) == 17  # every question judged once, on a held-out fold
    assert {j["state"] for j in data["judged"]} <= {"high", "low", "none"}
    assert "service" in data["checks"]["methods"]
    assert report.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for key in ("targets", "served_targets"):  # issue 18's measures, held out and served
        assert 0.0 <= data[key]["all"]["metrics"]["recall@1"] <= 1.0
    assert "precision of high" in result.output


def _span(file: str, text: str) -> list[dict]:
    return [{"file": file, "text": text}]


@pytest.mark.slow
def test_eval_cli_served_measures_a_span_labelled_set(runner, corpus_dir, tmp_path):
    """`eval --served` on spans naming files: a span in a file the corpus lacks does not
    count, so that question is scored as on-topic and unanswered."""
    rows = [
        {"id": "s1", "lang": "en", "question": "When is the referendum?", "answerable": True,
         "kind": "answerable", "fact": "G-date",
         "spans": _span("news.jsonl", "will be held on March 15")},
        {"id": "s2", "lang": "ru", "question": "Сколько депутатов в Курултае?",
         "answerable": True, "kind": "answerable", "fact": "G-deputies",
         "spans": _span("news.jsonl", "В его состав войдут 145 депутатов.")},
        {"id": "s3", "lang": "en", "question": "How long do Kurultai deputies serve?",
         "answerable": True, "kind": "answerable", "fact": "G-term",
         "spans": _span("not-in-this-corpus.md", "five-year term")},
        {"id": "s4", "lang": "kk", "question": "Ертең ауа райы қандай?", "answerable": False,
         "kind": "offtopic", "topic": "off", "fact": "O-weather", "spans": []},
    ]  # fmt: skip
    labelled = tmp_path / "spans.jsonl"
    labelled.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    report = tmp_path / "served.json"
    result = runner.invoke(
        cli,
        ["--corpus", str(corpus_dir), "eval", "--set", str(labelled), "--served",
         "--bootstrap", "50", "--json", str(report)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "precision of high" in result.output and "| target |" in result.output
    served = json.loads(report.read_text(encoding="utf-8"))["served_targets"]
    measured = served["all"]["metrics"]
    assert (measured["answerable"], measured["unanswerable"], measured["offtopic"]) == (2, 1, 1)
    assert measured["recall@5"] == 1.0
    assert {(j["id"], j["kind"]) for j in served["judged"]} == {
        ("s1", "answerable"), ("s2", "answerable"), ("s3", "unanswerable"), ("s4", "offtopic")
    }  # fmt: skip


def test_eval_cli_cv_needs_facts(runner, corpus_dir):
    result = runner.invoke(
        cli, ["--corpus", str(corpus_dir), "eval", "--set", str(TINY_SET), "--cv", "2"]
    )
    assert result.exit_code == 1 and "needs every question's `fact`" in result.output


@pytest.mark.slow
def test_stage_costs_split_the_encoder_pass_from_the_rest(corpus_dir):
    """lab/costs.py --stages: every stage timed, the encoder pass apart, and the share
    beyond it computed per question (cold: first round; warm: the rounds after; no_pass:
    the stages again with no encoder pass between questions; spin: a busy wait as long
    as the pass in its place)."""
    from qa_service.lab.costs import stages

    out = stages(
        corpus_dir,
        ["How many deputies?", "Сколько депутатов?"],
        rounds=2,
        warm_with=["When is the referendum?"],
    )
    assert out["encoder_threads"] == 1 and out["warmed_with"] == 1
    for run in ("cold", "warm"):
        ms = out[run]["stage_ms"]
        assert {"prepare", "embed", "terms", "dense", "highlight", "confidence"} <= set(ms)
        assert ms["embed"] > 0 and out[run]["beyond_ms"] > 0
        assert 0 < out[run]["beyond_share"] <= out[run]["beyond_share_p90"]
    # With each question's encoding remembered no encoder pass runs between questions.
    for run in ("no_pass", "spin"):
        assert out[run]["stage_ms"]["embed"] < out["warm"]["stage_ms"]["embed"] / 10
        assert out[run]["beyond_ms"] > 0


def test_busy_wait_waits_on_the_cpu():
    """The ``spin`` control's wait: as long as asked, spent running (not asleep)."""
    import time

    from qa_service.lab.costs import _busy

    wall, cpu = time.perf_counter(), time.process_time()
    _busy(0.02)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert wall >= 0.02 and cpu > 0.002  # a sleep of 20 ms spends ~0.05 ms


@pytest.mark.slow
def test_stage_costs_side_by_side_with_another_checkout(corpus_dir):
    """lab/costs.py --against: two workers (here, this checkout twice) asked the same
    questions in turn; each side's share and the per-question ratio of the two."""
    from pathlib import Path

    from qa_service.lab.costs import paired

    here = Path(__file__).resolve().parents[1]
    out = paired(corpus_dir, ["How many deputies?", "Сколько депутатов?"], here, rounds=2)
    assert out["rounds_counted"] == 1 and out["questions"] == 2
    for side in ("a", "b"):
        assert out[side]["pass_ms"] > 0 and out[side]["beyond_ms"] > 0
        assert 0 < out[side]["beyond_share"] < 1
    low, high = out["share_ratio_interval"]
    assert 0 < low <= out["share_ratio_a_over_b"] <= high
