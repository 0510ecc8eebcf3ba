"""The evaluation harness: a labelled question set in, per-method, per-language metrics out.

A question set is JSON Lines with ``id``, ``lang``, ``question``, ``answerable``,
``article`` (A1.. by first appearance in the corpus, or null) and ``evidence`` (an exact
span of a source that answers it, or null). A returned passage is a *hit* when it contains
the evidence or shares a contiguous run of at least half of its characters.

Every method runs on in-memory indexes built here from the corpus (the live
``embeddings/`` is never touched): BM25 alone, dense alone for each embedder backend, and
the hybrid (the service's ranking). Ranking metrics count answerable questions only and
look at the passages found whether or not the service abstained; abstention is scored
separately.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

from ..composition import SearchParams
from ..confidence import ConfidenceRule
from ..corpus import read_corpus
from ..embedder import CachedEmbedder, Embedder, EmbedderId
from ..faiss_index import make_faiss_index
from ..index import LoadedIndex, Manifest
from ..lexical import BM25Index
from ..passages import Passage, sentence_texts, split_corpus
from ..search import Searcher, served_params
from ..validate import LANGS
from .compositions import searcher as composed_searcher

DEPTH = 10  # ranks looked at: MRR@10


class EvalSetError(ValueError):
    """The question set cannot be read; the message names the line."""


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    question: str
    answerable: bool
    article: str | None = None
    evidence: str | None = None
    # The question bank's extra fields: the fact it asks about (folds group by it), its
    # style, and whether it is on the topic of the sources at all.
    fact: str | None = None
    style: str | None = None
    topic: str = "on"
    # The grown set's extra fields (docs/quality/grown/README.md): every answering span and
    # the spans of superseded reports, each (file relative to the corpus folder, text); its
    # kind (answerable, unanswerable, offtopic, local); whether a span is in an article in
    # the question's own language. ``targets.resolve`` fits them to the corpus evaluated.
    spans: tuple[tuple[str, str], ...] = ()
    superseded: tuple[tuple[str, str], ...] = ()
    kind: str | None = None
    same_lang: bool = False

    @property
    def evidences(self) -> tuple[str, ...]:
        """What a hit must hold: any one of the spans, else the bank's one evidence."""
        if self.spans:
            return tuple(text for _, text in self.spans)
        return (self.evidence,) if self.evidence else ()

    @property
    def category(self) -> str:
        """answerable / unanswerable / offtopic / local (the bank's rows have no kind)."""
        if self.kind == "local":
            return "local"
        if self.topic == "off":
            return "offtopic"
        return "answerable" if self.answerable else "unanswerable"


def load_questions(path: Path) -> list[Question]:
    """Read and check a question set; errors name ``file:line``."""
    questions = []
    seen: set[str] = set()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalSetError(f"{path}: cannot read ({exc.strerror})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(d, dict):
            raise EvalSetError(f"{where}: expected a JSON object")
        for key in ("id", "lang", "question", "answerable"):
            if key not in d:
                raise EvalSetError(f"{where}: missing field {key!r}")
        if d["lang"] not in LANGS:
            raise EvalSetError(f"{where}: lang must be one of {', '.join(LANGS)}")
        if not isinstance(d["answerable"], bool):
            raise EvalSetError(f"{where}: answerable must be true or false")
        spans = _spans(d.get("spans"), f"{where}: spans")
        superseded = _spans(d.get("superseded"), f"{where}: superseded")
        if d["answerable"] and not (d.get("evidence") or spans):
            raise EvalSetError(f"{where}: an answerable question needs its evidence span")
        if d["id"] in seen:
            raise EvalSetError(f"{where}: duplicate id {d['id']!r}")
        seen.add(d["id"])
        questions.append(
            Question(
                id=str(d["id"]),
                lang=d["lang"],
                question=str(d["question"]),
                answerable=d["answerable"],
                article=d.get("article"),
                evidence=d.get("evidence"),
                fact=d.get("fact"),
                style=d.get("style"),
                topic="off" if d.get("topic") == "off" else "on",
                spans=spans,
                superseded=superseded,
                kind=d.get("kind"),
            )
        )
    if not questions:
        raise EvalSetError(f"{path}: no questions")
    return questions


def _spans(value: object, where: str) -> tuple[tuple[str, str], ...]:
    """``[{"file": ..., "text": ...}, ...]`` -> ((file, text), ...); absent -> ()."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(s, dict) and isinstance(s.get("file"), str) and isinstance(s.get("text"), str)
        for s in value
    ):
        raise EvalSetError(f"{where} must be a list of {{file, text}} objects")
    return tuple((s["file"], s["text"]) for s in value)


def is_hit(passage_text: str, evidence: str) -> bool:
    """The passage contains the evidence, or a contiguous run of >= half its characters."""
    if evidence in passage_text:
        return True
    matcher = SequenceMatcher(None, passage_text, evidence, autojunk=False)
    match = matcher.find_longest_match(0, len(passage_text), 0, len(evidence))
    return match.size * 2 >= len(evidence)


def highlight_hit(passage: Passage, highlight: Sequence[tuple[int, int]], evidence: str) -> bool:
    """Whether a highlighted sentence carries (part of) the evidence: it is one of the
    passage's sentences that the evidence's place in the passage overlaps. Evidence often
    spans two sentences; highlighting either is pointing at the answer."""
    text = passage.text
    start = text.find(evidence)
    if start >= 0:
        region = (start, start + len(evidence))
    else:
        matcher = SequenceMatcher(None, text, evidence, autojunk=False)
        match = matcher.find_longest_match(0, len(text), 0, len(evidence))
        region = (match.a, match.a + match.size)
    answering = {(a, b) for a, b in passage.sentences if min(b, region[1]) - max(a, region[0]) >= 5}
    return any(tuple(span) in answering for span in highlight)


def first_hit_rank(texts: Sequence[str], evidence: str | Sequence[str]) -> int | None:
    """1-based rank of the first hit (of any one of the evidences) among ``texts``, or None."""
    evidences = (evidence,) if isinstance(evidence, str) else tuple(evidence)
    for rank, text in enumerate(texts, 1):
        if any(is_hit(text, e) for e in evidences if e):
            return rank
    return None


def hit_evidence(text: str, evidences: Sequence[str]) -> str:
    """The first of ``evidences`` that ``text`` hits ("" if none): what a highlight is
    judged against."""
    return next((e for e in evidences if e and is_hit(text, e)), "")


def recall_at(ranks: Sequence[int | None], k: int) -> float:
    if not ranks:
        return math.nan
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mrr_at(ranks: Sequence[int | None], k: int = DEPTH) -> float:
    if not ranks:
        return math.nan
    return sum(1.0 / r for r in ranks if r is not None and r <= k) / len(ranks)


def abstention_scores(answerable: Sequence[bool], abstained: Sequence[bool]) -> dict:
    """Precision: abstentions that were right; recall: unanswerable questions abstained."""
    right = sum(1 for a, x in zip(answerable, abstained, strict=True) if x and not a)
    wrong = sum(1 for a, x in zip(answerable, abstained, strict=True) if x and a)
    unanswerable = sum(1 for a in answerable if not a)
    total = right + wrong
    return {
        "precision": right / total if total else math.nan,
        "recall": right / unanswerable if unanswerable else math.nan,
        "unanswerable_abstained": right,
        "unanswerable": unanswerable,
        "answerable_abstained": wrong,
        "answerable": len(answerable) - unanswerable,
    }


@dataclass
class Outcome:
    """One question under one method."""

    id: str
    lang: str
    answerable: bool
    rank: int | None
    abstained: bool
    signals: dict[str, float] = field(default_factory=dict)
    ms: float = 0.0
    # When the passage ranked first answers: whether its highlighted sentence(s) hold the
    # evidence (None otherwise: nothing to judge the highlight on).
    highlighted: bool | None = None


def summarize(outcomes: Sequence[Outcome], abstains: bool) -> dict:
    """Metrics per language and overall (``all``), plus their mean over languages."""
    out: dict[str, dict] = {}
    for lang in (*LANGS, "all"):
        group = [o for o in outcomes if lang == "all" or o.lang == lang]
        if not group:
            continue
        ranks = [o.rank for o in group if o.answerable]
        row = {
            "questions": len(group),
            "recall@1": recall_at(ranks, 1),
            "recall@5": recall_at(ranks, 5),
            "mrr@10": mrr_at(ranks),
        }
        judged = [o.highlighted for o in group if o.highlighted is not None]
        # Of the questions whose first passage answers, the share whose highlight does.
        row["highlight@1"] = sum(judged) / len(judged) if judged else math.nan
        row["highlight_judged"] = len(judged)
        if abstains:
            row["abstention"] = abstention_scores(
                [o.answerable for o in group], [o.abstained for o in group]
            )
        out[lang] = row
    return out


def memory_index(articles, passages: list[Passage], embedder: Embedder) -> LoadedIndex:
    """A build held in memory only (exact FAISS search), for comparing embedders. The
    passages are encoded as a reindex encodes them (``encode_passages_both`` where the
    backend has latent terms), so the figures are those of a served build."""
    texts = [p.text for p in passages]
    latent_terms = None
    if embedder.latent_dim and passages:
        vectors, latent_terms = embedder.encode_passages_both(texts)
    else:
        vectors = embedder.encode_passages(texts) if passages else None
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(passages), embedder.dim)
    manifest = Manifest(
        build_id=f"eval-{embedder.name}",
        embedder=EmbedderId.of(embedder).to_dict(),
        corpus_hash="",
        articles=len(articles),
        passages=len(passages),
        index_type="flat",
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    sentences = sentence_texts(passages)
    sentence_vectors = embedder.encode_passages(sentences) if sentences else None
    sentence_vectors = np.asarray(sentence_vectors, dtype=np.float32).reshape(-1, embedder.dim)
    lookup = {a.id: a for a in articles}
    return LoadedIndex(
        path=Path("<memory>"),
        manifest=manifest,
        articles={a.id: a for a in articles},
        passages=passages,
        vectors=vectors,
        faiss_index=make_faiss_index(vectors, "flat"),
        sentence_vectors=sentence_vectors,
        bm25=BM25Index(BM25Index.passage_texts(passages, lookup)),
        latent_terms=latent_terms,
    )


@dataclass(frozen=True)
class Method:
    name: str
    embedder: str
    params: SearchParams


NO_LATENT = ":no-latent"  # the hybrid with the latent-terms list off (QA_LATENT_TERMS=0)


def memory_index_for(corpus_dir: Path, embedder: Embedder) -> LoadedIndex:
    """The corpus read, cut and indexed in memory (what ``reindex`` would build)."""
    report = read_corpus(corpus_dir)
    return memory_index(report.articles, split_corpus(report.articles), embedder)


def evaluate_index(
    index: LoadedIndex,
    embedder: Embedder,
    questions: Sequence[Question],
    params: dict[str, SearchParams],
    rule: ConfidenceRule | None = None,
) -> dict:
    """The service's answers (ranking, highlight, confidence) on ``questions``, with the
    configuration ``params[lang]`` for each question's language and ``rule`` (None: the
    committed one); a report like ``evaluate``'s with the one method ``service``."""
    searchers = {lang: composed_searcher(index, embedder, p, rule) for lang, p in params.items()}
    outcomes = []
    for lang in LANGS:
        group = [q for q in questions if q.lang == lang]
        if group:
            outcomes += run_method(searchers[lang], group)
    return {
        "questions": len(questions),
        "methods": {"service": summarize(outcomes, abstains=True)},
        "per_question": {"service": [asdict(o) for o in outcomes]},
    }


def alone(retriever: str) -> SearchParams:
    """One retriever's own ranking, no fusion and no confidence: a served stage alone."""
    return SearchParams(retrievers=(retriever,), confidence=False)


def default_methods(backends: Iterable[str], hybrid_backend: str) -> list[Method]:
    """The served stages alone and composed: each a ``SearchParams``, not a flag."""
    methods = [Method("bm25", hybrid_backend, alone("bm25"))]
    methods += [Method(f"dense:{b}", b, alone("dense")) for b in backends]
    if hybrid_backend == "e5-small":  # the backend with a latent-terms head
        methods.append(Method(f"latent:{hybrid_backend}", hybrid_backend, alone("latent")))
        methods.append(Method(f"hybrid{NO_LATENT}", hybrid_backend, served_params(False)))
    methods.append(Method("hybrid", hybrid_backend, served_params()))
    return methods


def run_method(searcher: Searcher, questions: Sequence[Question]) -> list[Outcome]:
    outcomes = []
    for q in questions:
        answer = searcher.ask(q.question, k=DEPTH, lang=q.lang)
        rank = first_hit_rank([h.passage.text for h in answer.ranked], q.evidences)
        highlighted = None
        if q.answerable and rank == 1:
            top = answer.ranked[0]
            evidence = hit_evidence(top.passage.text, q.evidences)
            highlighted = highlight_hit(top.passage, top.highlight, evidence)
        outcomes.append(
            Outcome(
                id=q.id,
                lang=q.lang,
                answerable=q.answerable,
                rank=rank if q.answerable else None,
                abstained=answer.abstained,
                signals=answer.signals,
                ms=answer.took_ms,
                highlighted=highlighted,
            )
        )
    return outcomes


def evaluate(
    corpus_dir: Path,
    questions: Sequence[Question],
    load: Callable[[str], Embedder],
    methods: Sequence[Method],
    rule: ConfidenceRule | None = None,
) -> dict:
    """Run every method over the question set; returns the JSON report."""
    report_corpus = read_corpus(corpus_dir)
    passages = split_corpus(report_corpus.articles)
    indexes: dict[str, LoadedIndex] = {}
    results: dict[str, dict] = {}
    per_question: dict[str, list[dict]] = {}
    embedders: dict[str, CachedEmbedder] = {}
    for method in methods:
        if method.embedder not in embedders:
            # Methods sharing a backend embed each question once.
            embedders[method.embedder] = CachedEmbedder(load(method.embedder), 100_000)
        embedder = embedders[method.embedder]
        if method.embedder not in indexes:
            indexes[method.embedder] = memory_index(report_corpus.articles, passages, embedder)
        params = method.params
        searcher = composed_searcher(indexes[method.embedder], embedder, params, rule)
        outcomes = run_method(searcher, questions)
        results[method.name] = summarize(outcomes, abstains=params.confidence)
        results[method.name]["mean_ms"] = float(np.mean([o.ms for o in outcomes]))
        per_question[method.name] = [asdict(o) for o in outcomes]
    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "corpus": {"articles": len(report_corpus.articles), "passages": len(passages)},
        "questions": len(questions),
        "methods": results,
        "per_question": per_question,
    }


# --- output -------------------------------------------------------------------------------


def _ratio(value: float | None) -> str:
    """Two decimals; "n/a" for a ratio with nothing to divide by (NaN in memory, null once
    the report went through JSON)."""
    return "n/a" if value is None or math.isnan(value) else f"{value:.2f}"


def table_lines(report: dict) -> list[str]:
    """A fixed-width table: one row per method, r@1 / r@5 / MRR per language."""
    cols = [*LANGS, "all"]
    head = f"{'method':<16}" + "".join(f"{c + ' r@1 r@5 mrr':>22}" for c in cols)
    lines = [head, "-" * len(head)]
    for name, res in report["methods"].items():
        cells = []
        for c in cols:
            r = res.get(c)
            cells.append(
                f"{r['recall@1']:>8.2f}{r['recall@5']:>6.2f}{r['mrr@10']:>8.2f}" if r else " " * 22
            )
        lines.append(f"{name:<16}" + "".join(cells))
    # The service's own rankings (the hybrids): the ones that highlight and abstain for real.
    served = [(n, r) for n, r in report["methods"].items() if "abstention" in r.get("all", {})]
    lines.append("")
    lines.append("highlight (first passage answers: its highlighted sentences hold the evidence):")
    for name, res in served:
        parts = [
            f"{c} {round(r['highlight@1'] * r['highlight_judged'])}/{r['highlight_judged']}"
            for c in cols
            if (r := res.get(c)) and r.get("highlight_judged")
        ]
        lines.append(f"  {name}: " + "; ".join(parts))
    lines.append("")
    lines.append("abstention (unanswerable abstained / answerable wrongly abstained):")
    for name, res in served:
        parts = []
        for c in cols:
            a = res.get(c, {}).get("abstention")
            if a:
                parts.append(
                    f"{c} {a['unanswerable_abstained']}/{a['unanswerable']}"
                    f" wrong {a['answerable_abstained']}/{a['answerable']}"
                )
        a = res["all"]["abstention"]
        lines.append(
            f"  {name}: " + "; ".join(parts) + f"  (precision {_ratio(a['precision'])}, "
            f"recall {_ratio(a['recall'])})"
        )
    return lines


def write_chart(report: dict, path: Path) -> None:
    """Grouped bars: recall@1 and recall@5 per method, one panel per language."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = list(report["methods"])
    cols = [c for c in (*LANGS, "all") if any(c in r for r in report["methods"].values())]
    fig, axes = plt.subplots(1, len(cols), figsize=(3.2 * len(cols), 3.4), sharey=True)
    axes = np.atleast_1d(axes)
    x = np.arange(len(methods))
    for ax, col in zip(axes, cols, strict=True):
        r1 = [report["methods"][m].get(col, {}).get("recall@1", 0) for m in methods]
        r5 = [report["methods"][m].get(col, {}).get("recall@5", 0) for m in methods]
        ax.bar(x - 0.2, r1, 0.4, label="recall@1")
        ax.bar(x + 0.2, r5, 0.4, label="recall@5")
        ax.set_title(col)
        ax.set_xticks(x, methods, rotation=35, ha="right", fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower left")
    fig.suptitle(f"Retrieval quality, {report['questions']} questions")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def to_json(report: dict) -> str:
    def clean(v):
        if isinstance(v, float) and math.isnan(v):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    return json.dumps(clean(report), ensure_ascii=False, indent=2)
