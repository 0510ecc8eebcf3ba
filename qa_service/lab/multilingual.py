"""Which language's passage comes first, when the sources say the same thing in three?

A reader asking in Kazakh should get the Kazakh passage when one answers as well as the
English or Russian one. This measures it on sources that report the same facts in kk,
ru and en (test fixtures, tests/data/multilingual): the articles are indexed with the
real pipeline (``build.reindex``), every question is asked through the served search
(``QAService``), and the top passage is classified by its language and by whether it
holds the asked fact (the fact is named in each fixture article's address,
``.../<fact>/<lang>``).

Reported per question language: a table of the top passage's language, recall@1 (the
top passage holds the fact, in any language), same-language@1 (it holds the fact and is
in the question's language) and abstentions. Three runs: as served; with latent terms
off (``QA_LATENT_TERMS=false``), the retriever meant to bridge languages; and as served
with the question's own language withheld from the index, to see which language
answers a reader whose language no source covers.

    scripts/eval_multilingual [--articles DIR] [--questions FILE] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..validate import LANGS

DEPTH = 10  # passages looked at per question (for the rank of the own-language answer)
FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "data" / "multilingual"


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    fact: str


@dataclass(frozen=True)
class Outcome:
    """What the search put first for one question."""

    question: Question
    top_lang: str | None
    top_fact: str | None
    own_rank: int | None  # rank of the passage holding the fact in the question's language
    abstained: bool

    @property
    def hit(self) -> bool:
        return self.top_fact == self.question.fact

    @property
    def same_language_hit(self) -> bool:
        return self.hit and self.top_lang == self.question.lang


@dataclass(frozen=True)
class Report:
    config: str
    outcomes: tuple[Outcome, ...]

    def of(self, lang: str | None = None) -> list[Outcome]:
        return [o for o in self.outcomes if lang is None or o.question.lang == lang]

    def top_langs(self, lang: str) -> Counter:
        return Counter(o.top_lang for o in self.of(lang))

    def recall_at_1(self, lang: str | None = None) -> float:
        found = self.of(lang)
        return sum(o.hit for o in found) / len(found) if found else 0.0

    def same_language_at_1(self, lang: str | None = None) -> float:
        found = self.of(lang)
        return sum(o.same_language_hit for o in found) / len(found) if found else 0.0

    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.hit]


def load_questions(path: Path) -> list[Question]:
    """JSON Lines: ``{"question": ..., "lang": "kk|ru|en", "fact": ...}``."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        data = json.loads(line)
        if data.get("lang") not in LANGS or not data.get("question") or not data.get("fact"):
            raise ValueError(f"{path}:{number}: needs question, lang (kk, ru, en) and fact")
        questions.append(Question(data["question"], data["lang"], data["fact"]))
    return questions


def fact_of(url: str | None) -> str | None:
    """``https://fixtures.invalid/multilingual/<fact>/<lang>`` -> ``<fact>``."""
    parts = [p for p in urlsplit(url or "").path.split("/") if p]
    return parts[-2] if len(parts) >= 2 else None


def ask_all(searcher, questions: Sequence[Question], config: str) -> Report:
    outcomes = []
    for q in questions:
        answer = searcher.ask(q.text, k=DEPTH)
        ranked = answer.ranked
        top = ranked[0].article if ranked else None
        own = next(
            (
                h.rank
                for h in ranked
                if fact_of(h.article.url) == q.fact and h.article.lang == q.lang
            ),
            None,
        )
        outcomes.append(
            Outcome(
                question=q,
                top_lang=top.lang if top else None,
                top_fact=fact_of(top.url) if top else None,
                own_rank=own,
                abstained=answer.abstained,
            )
        )
    return Report(config, tuple(outcomes))


def measure(
    articles_dir: Path,
    questions: Sequence[Question],
    embedder,
    work_dir: Path,
    *,
    withheld: bool = True,
) -> list[Report]:
    """Index ``articles_dir`` once, then ask every question as served and without latent
    terms; with ``withheld``, also ask each language's questions of an index without that
    language's articles (which language answers when the reader's own is missing?).
    ``work_dir`` receives the throwaway builds."""
    from ..service import QAService

    settings = _build(articles_dir, Path(work_dir) / "all", embedder)
    reports = []
    for config, latent in (("as served", True), ("latent terms off", False)):
        service = QAService(settings.replace(latent_terms=latent), embedder=embedder)
        service.load()
        reports.append(ask_all(service.searcher(), questions, config))
    if withheld:
        outcomes: list[Outcome] = []
        for lang in LANGS:
            corpus = Path(work_dir) / f"without-{lang}" / "corpus"
            _copy_without(articles_dir, corpus, lang)
            service = QAService(_build(corpus, corpus.parent, embedder), embedder=embedder)
            service.load()
            asked = [q for q in questions if q.lang == lang]
            outcomes += ask_all(service.searcher(), asked, "").outcomes
        reports.append(Report("own language withheld", tuple(outcomes)))
    return reports


def _build(corpus: Path, work: Path, embedder):
    from ..build import reindex
    from ..config import Settings

    settings = Settings.load(
        {
            "corpus_dir": corpus,
            "embeddings_dir": work / "embeddings",
            "embedder": embedder.name,
            "query_cache_size": 0,
        }
    )
    reindex(settings, embedder)
    return settings


def _copy_without(source: Path, target: Path, lang: str) -> None:
    """Copy the fixture files whose article is not in ``lang``."""
    from ..corpus import read_corpus

    target.mkdir(parents=True, exist_ok=True)
    for article in read_corpus(source).articles:
        if article.lang != lang:
            shutil.copy2(Path(source) / article.source, target / Path(article.source).name)


def table_lines(reports: Sequence[Report]) -> list[str]:
    """A Markdown table: question language x language of the top passage, per config."""
    out = [
        "| configuration | question | top kk | top ru | top en | recall@1 | same-language@1 "
        "| abstained |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for report in reports:
        for lang in (*LANGS, None):
            found = report.of(lang)
            counts = Counter(o.top_lang for o in found)
            cells = [str(counts.get(t, 0)) for t in LANGS]
            out.append(
                f"| {report.config} | {lang or 'all'} ({len(found)}) | "
                + " | ".join(cells)
                + f" | {report.recall_at_1(lang):.2f} | {report.same_language_at_1(lang):.2f}"
                + f" | {sum(o.abstained for o in found)} |"
            )
    return out


def miss_lines(reports: Sequence[Report]) -> list[str]:
    out = []
    for report in reports:
        for o in report.misses():
            out.append(
                f"{report.config}: [{o.question.lang}] {o.question.text} -> "
                f"{o.top_fact}/{o.top_lang} (wanted {o.question.fact})"
            )
    return out


def to_json(reports: Sequence[Report]) -> str:
    return json.dumps(
        [
            {
                "config": r.config,
                "recall_at_1": r.recall_at_1(),
                "same_language_at_1": r.same_language_at_1(),
                "by_lang": {
                    lang: {
                        "top_langs": dict(r.top_langs(lang)),
                        "recall_at_1": r.recall_at_1(lang),
                        "same_language_at_1": r.same_language_at_1(lang),
                    }
                    for lang in LANGS
                },
                "outcomes": [asdict(o) for o in r.outcomes],
            }
            for r in reports
        ],
        ensure_ascii=False,
        indent=2,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eval_multilingual", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, default=FIXTURES / "articles")
    parser.add_argument("--questions", type=Path, default=FIXTURES / "questions.jsonl")
    parser.add_argument("--json", type=Path, help="Also write the outcomes as JSON here.")
    parser.add_argument("--embedder", default="e5-small", help="e5-small (default) or minilm.")
    args = parser.parse_args(argv)

    from ..embedder import load_embedder

    questions = load_questions(args.questions)
    with tempfile.TemporaryDirectory(prefix="multilingual-") as work:
        reports = measure(args.articles, questions, load_embedder(args.embedder), Path(work))
    print("\n".join(table_lines(reports)))
    misses = miss_lines(reports)
    if misses:
        print("\nmisses:\n" + "\n".join(misses))
    if args.json:
        args.json.write_text(to_json(reports), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
