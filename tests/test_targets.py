"""Issue 18's measures (qa_service/lab/targets.py): resolving span-labelled questions against
the corpus measured, and the measures themselves on hand-made judgements. No model."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import pytest

from qa_service.corpus import Article, read_corpus
from qa_service.lab.evaluate import EvalSetError, Question, first_hit_rank, load_questions
from qa_service.lab.targets import metrics, resolve, superseded_first, table_markdown

from .conftest import ROOT, SEED_CORPUS

GROWN = ROOT / "docs" / "quality" / "grown"


def _article(source: str, lang: str, body: str) -> Article:
    return Article(source, source, "2026-03-16", "o", None, None, lang, body, source, 1)


def _q(**kw) -> Question:
    base = {"id": "q", "lang": "ru", "question": "?", "answerable": True, "fact": "G-x"}
    return Question(**(base | kw))


def test_a_span_counts_only_where_its_file_holds_it():
    q = _q(spans=(("a.md", "73,12"), ("b.md", "73.12")), superseded=(("c.md", "72,8"),))
    here = [_article("a.md", "ru", "Явка 73,12 процента."), _article("c.md", "ru", "около 72,8")]
    (both,) = resolve([q], here)
    assert both.spans == (("a.md", "73,12"),) and both.answerable and both.same_lang
    assert both.superseded == (("c.md", "72,8"),)
    (elsewhere,) = resolve([q], [_article("b.md", "en", "Turnout was 73.12.")])
    assert elsewhere.answerable and not elsewhere.same_lang  # answered, not in Russian
    (nowhere,) = resolve([q], [_article("a.md", "ru", "другой текст")])
    assert not nowhere.answerable and nowhere.category == "unanswerable"
    assert nowhere.superseded == ()
    (local,) = resolve([_q(kind="local", topic="off", spans=(("a.md", "0:2"),))], [])
    assert local.category == "offtopic"


def test_a_span_list_must_name_files(tmp_path):
    path = GROWN / "questions.jsonl"
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert load_questions(path)[0].spans  # the grown set loads as it is
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(first | {"spans": ["just text"]}) + "\n", encoding="utf-8")
    with pytest.raises(EvalSetError, match="spans must be a list"):
        load_questions(bad)


def test_the_grown_set_resolves_to_its_labels_on_both_corpora():
    questions = load_questions(GROWN / "questions.jsonl")
    grown = resolve(questions, read_corpus(GROWN / "corpus").articles)
    assert [q.spans for q in grown] == [q.spans for q in questions]  # every span found
    seed = resolve(questions, read_corpus(SEED_CORPUS).articles)
    lines = (GROWN / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    labels = {row["id"]: row["corpus"] for row in map(json.loads, lines)}
    answered_on_seed = {q.id for q in seed if q.answerable and q.category == "answerable"}
    assert answered_on_seed == {i for i, c in labels.items() if c == "seed"}
    assert not any(q.superseded for q in seed)  # the seed has no superseded report


def test_any_span_is_a_hit():
    assert first_hit_rank(["nothing", "Turnout was 73.12 percent"], ("73,12", "73.12")) == 2
    assert first_hit_rank(["Turnout was 73.12 percent"], "73.12") == 1


def test_superseded_first_means_an_older_report_and_no_current_one():
    q = _q(spans=(("a", "on 15 March"),), superseded=(("b", "could be held in 2027"),))
    assert superseded_first("It could be held in 2027, he said.", q) is True
    assert superseded_first("Set for 2027? No: on 15 March.", q) is False  # both: current wins
    assert superseded_first(None, q) is False
    assert superseded_first("anything", _q(spans=(("a", "x"),))) is None


@dataclass
class _R:
    lang: str
    fact: str
    kind: str
    rank: int | None
    superseded_first: bool | None = None
    same_lang_first: bool | None = None


def test_measures_on_hand_made_judgements():
    pairs = [
        (_R("en", "f1", "answerable", 1, False, True), "high"),
        (_R("en", "f2", "answerable", 2, True, False), "high"),  # wrong first passage
        (_R("en", "f3", "answerable", 1), "low"),
        (_R("en", "f4", "answerable", None), "none"),
        (_R("en", "u1", "unanswerable", None), "high"),  # a false answer
        (_R("en", "u2", "unanswerable", None), "low"),
        (_R("en", "o1", "offtopic", None), "none"),
        (_R("en", "l1", "local", 1), "high"),  # outside the measures
    ]
    m = metrics(pairs)
    assert m["precision_high"] == pytest.approx(1 / 3)
    assert m["answerable_high_right"] == pytest.approx(1 / 4)
    assert m["unanswerable_high"] == pytest.approx(1 / 2)
    assert m["offtopic_none"] == 1.0
    assert m["superseded_first"] == pytest.approx(1 / 2)
    assert m["recall@1"] == pytest.approx(2 / 4) and m["recall@5"] == pytest.approx(3 / 4)
    assert m["answerable_none"] == pytest.approx(1 / 4)
    assert m["same_language@1"] == pytest.approx(1 / 2)
    assert (m["local"], m["local_high_right"]) == (1, 1.0)
    assert math.isnan(metrics([])["precision_high"])
    lines = table_markdown({"en": {"metrics": m, "ci95": {}}})
    assert lines[2].startswith("| en | 0.33 (n=3) |") and lines[3].startswith("| target |")
