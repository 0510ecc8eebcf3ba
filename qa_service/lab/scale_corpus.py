"""A realistic archive of 1,000 to 10,000 articles, and the bench section that reads it.

``write_scale_corpus`` writes Markdown articles (one file each, a folder per outlet) made
of real sentences of the seed corpus: each story is 10 to 22 of them plus a sentence of
its own (a region, a date, a count), so that no two stories are the same text. About a
third of the stories are carried by several outlets, as syndicated news is, each copy
with a small edit of the kind outlets make: quotation marks and dashes changed, a word
replaced, the last sentence dropped, a footer added. Some are "updates" with several new
sentences under a new title: the same topic, but not a duplicate. No network, no
downloaded data; the figures it gives are reproducible from the seed.

``bench_corpus`` (section ``corpus`` of ``referendum-qa bench``) measures, on those
archives: the dedupe of today (``dedupe_pairwise``, the pairwise scan it replaced,
kept here only to compare) beside the new one, ``reindex --dry-run`` from scratch and
with the previous build's records, and ``reindex --if-stale`` on an unchanged corpus.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..article import Article
from ..config import Settings
from ..corpus import read_corpus
from ..dedupe import article_key, dedupe_signed, near_duplicate
from ..embedder import EmbedderId
from ..index import read_jsonl
from ..lifecycle import current_build
from ..passages import split_corpus

OUTLETS = (
    "Kazinform",
    "Tengrinews",
    "Vlast",
    "Kursiv",
    "The Astana Times",
    "Zakon",
    "Egemen Qazaqstan",
    "Informburo",
    "Liter",
    "Orda",
)
REGIONS = (
    "Almaty",
    "Astana",
    "Shymkent",
    "Karaganda",
    "Aktobe",
    "Pavlodar",
    "Kostanay",
    "Atyrau",
    "Turkistan",
    "Zhambyl",
    "Mangystau",
    "Abai",
)
REPEAT_SHARE = 0.35  # stories carried by more than one outlet
UPDATE_SHARE = 0.05  # stories followed by an update (same topic, not a duplicate)
CORPUS_SIZES = (1_000, 10_000)
PAIRWISE_MAX = 500  # the old dedupe: 10 minutes at 1,000 on a busy machine, hours at 10,000


def seed_sentences(corpus_dir: Path) -> list[str]:
    """The seed corpus's sentences (no embedding needed)."""
    passages = split_corpus(read_corpus(corpus_dir).articles)
    found = [p.text[a:b].strip() for p in passages for a, b in p.sentences]
    return list(dict.fromkeys(s for s in found if len(s) > 30))


def _edit(body: list[str], kind: int, rng: random.Random, outlet: str) -> list[str]:
    body = list(body)
    if kind == 0:  # a CMS that turns quotes and dashes into plain ones
        body = [
            s.replace('"', "").replace("«", "").replace("»", "").replace("–", "-") for s in body
        ]
    elif kind == 1:  # one word replaced
        i = rng.randrange(len(body))
        words = body[i].split()
        words[rng.randrange(len(words))] = rng.choice(("also", "further", "notably", "today"))
        body[i] = " ".join(words)
    elif kind == 2:  # the last sentence dropped
        body = body[:-1]
    else:  # a footer of the outlet
        body.append(f"Follow {outlet} for more news on the referendum.")
    return body


@dataclass(frozen=True)
class ScaleCorpus:
    folder: Path
    articles: int
    stories: int
    copies: int  # articles that repeat another outlet's story (expected duplicates)
    updates: int


def write_scale_corpus(
    folder: Path, sentences: list[str], articles: int, seed: int = 0, first_story: int = 0
) -> ScaleCorpus:
    """Write ``articles`` Markdown files under ``folder``; returns what went in. Stories
    are numbered from ``first_story`` (another batch for the same archive: another
    range, so no title repeats one already there)."""
    rng = random.Random(seed)
    day0 = dt.date(2026, 1, 5)
    written = copies = updates = 0
    stories = first_story
    while written < articles:
        stories += 1
        outlets = rng.sample(OUTLETS, k=len(OUTLETS))
        region = rng.choice(REGIONS)
        own = (
            f"In {region}, {rng.randint(40, 900)} residents attended meeting number "
            f"{stories} on the draft, held on day {rng.randint(1, 28)} of the campaign."
        )
        body = [own, *rng.sample(sentences, k=min(len(sentences), rng.randint(10, 22)))]
        date = (day0 + dt.timedelta(days=rng.randrange(80))).isoformat()
        title = f"{region}: constitutional reform discussed (report {stories})"
        versions = [(title, body, outlets[0])]
        if rng.random() < REPEAT_SHARE:
            for outlet in outlets[1 : 1 + rng.randint(1, 3)]:
                versions.append((title, _edit(body, rng.randrange(4), rng, outlet), outlet))
                copies += 1
        if rng.random() < UPDATE_SHARE:
            extra = rng.sample(sentences, k=min(len(sentences), 6))
            versions.append((title + ", updated", body + extra, outlets[-1]))
            updates += 1
        for title_, body_, outlet in versions[: articles - written]:
            _write(folder, written, title_, date, outlet, body_, rng)
            written += 1
    return ScaleCorpus(folder, written, stories - first_story, copies, updates)


def _write(folder: Path, n: int, title: str, date: str, outlet: str, body: list[str], rng) -> None:
    slug = outlet.lower().replace(" ", "-")
    paragraphs, i = [], 0
    while i < len(body):
        step = rng.randint(2, 4)
        paragraphs.append(" ".join(body[i : i + step]))
        i += step
    path = folder / slug / f"{date}-{n:05d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"---\ntitle: {json.dumps(title)}\ndate: {date}\noutlet: {outlet}\nlang: en\n"
        f"url: https://{slug}.example/{n}\n---\n" + "\n\n".join(paragraphs) + "\n",
        encoding="utf-8",
    )


def dedupe_pairwise(articles: Iterable[Article]) -> tuple[list[Article], int]:
    """The dedupe this project had before MinHash (kept in the lab only, to compare):
    every article against every kept one, both re-shingled at each comparison."""
    kept: list[Article] = []
    keys: list[str] = []
    removed = 0
    for article in articles:
        key = article_key(article)
        match = next(
            (i for i, other in enumerate(keys) if key == other or near_duplicate(key, other)),
            None,
        )
        if match is None:
            kept.append(article)
            keys.append(key)
            continue
        removed += 1
        if (len(article.body), article.url is not None) > (
            len(kept[match].body),
            kept[match].url is not None,
        ):
            kept[match] = article
            keys[match] = key
    return kept, removed


CPU_S: dict[str, float] = {}  # CPU seconds of the last _timed call (see _timed)


def _timed(fn: Callable[[], object]) -> tuple[object, float]:
    """(result, wall seconds); the CPU seconds go to ``CPU_S["last"]``: on a machine
    shared with other jobs (load 10+ on two cores) wall time overstates the work many
    times over, and CPU time is the steadier figure."""
    cpu = time.process_time()
    started = time.perf_counter()
    out = fn()
    CPU_S["last"] = round(time.process_time() - cpu, 2)
    return out, round(time.perf_counter() - started, 2)


def compare_dedupe(articles: list[Article], pairwise_max: int) -> dict:
    """The new dedupe on every article; both on ``pairwise_max`` of them (the pairwise
    scan grows with the square: on all 10,000 it would take about a day), with its CPU
    time projected to all of them."""
    new, new_s = _timed(lambda: dedupe_signed(articles))
    row = {"articles": len(articles), "new_s": new_s, "new_cpu_s": CPU_S["last"]}
    row |= {"new_removed": new.removed, "id_merges": new.id_merges}
    # A random sample, in reading order: the first files are one outlet's (sorted
    # paths), where copies from other outlets would be missing.
    rows = random.Random(0).sample(range(len(articles)), min(pairwise_max, len(articles)))
    part = [articles[i] for i in sorted(rows)]
    if not part:
        return row
    (kept, removed), old_s = _timed(lambda: dedupe_pairwise(part))
    old_cpu = CPU_S["last"]
    # Decisions compared without the id rule, which the pairwise scan lacked.
    same, same_s = _timed(lambda: dedupe_signed(part, merge_same_id=False))
    row["subset"] = {
        "articles": len(part),
        "old_s": old_s,
        "old_cpu_s": old_cpu,
        "new_s": same_s,
        "new_cpu_s": CPU_S["last"],
        "removed": removed,
        "same_decisions": [(a.id, a.body) for a in kept] == [(a.id, a.body) for a in same.kept],
    }
    row["old_cpu_s_projected"] = round(old_cpu * (len(articles) / len(part)) ** 2, 1)
    return row


class HashEncoder:
    """A stand-in encoder for the parts of a reindex that are not encoding: vectors from
    a hash of each text (deterministic, normalized, meaningless). The corpus section
    uses it to build 1,000- and 10,000-article indexes in seconds and so measure
    reading, dedupe, splitting, writing and the incremental path; encoding speed is
    measured with the real model in ``archive_bench.bench_reindex_floor``."""

    name = "lab-hash"
    version = "1"
    dim = 384
    latent_dim = 0

    def __init__(self) -> None:
        self.encoded = 0

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
            out[i] = np.random.default_rng(seed).standard_normal(self.dim)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    encode_queries = encode_passages


def _size_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def bench_corpus_size(n: int, sentences: list[str], work: Path, pairwise_max: int) -> dict:
    """One archive of ``n`` articles: dedupe old and new, dry runs, a build with the
    stand-in encoder, ``--if-stale`` unchanged, then 10 articles added."""
    from ..build import is_stale, reindex

    corpus = work / f"archive-{n}"
    made = write_scale_corpus(corpus, sentences, n, seed=n)
    settings = Settings.load({"corpus_dir": corpus, "embeddings_dir": work / f"emb-{n}"})
    report = read_corpus(corpus)
    everything = [a for r in report.records for a in r.articles]
    row: dict = {"articles": n, "stories": made.stories, "copies": made.copies}
    row["dedupe"] = compare_dedupe(everything, pairwise_max)
    dry, row["dry_run_s"] = _timed(lambda: reindex(settings, None, dry_run=True))
    row["dry_run_cpu_s"] = CPU_S["last"]
    row |= {"kept": dry.articles, "duplicates": dry.duplicates_removed, "passages": dry.passages}
    encoder = HashEncoder()
    _, row["build_s"] = _timed(lambda: reindex(settings, encoder))
    row["build_cpu_s"] = CPU_S["last"]
    build = current_build(settings.embeddings_dir)
    row["build_mb"] = _size_mb(build)
    row["sources_jsonl_mb"] = round((build / "sources.jsonl").stat().st_size / 2**20, 1)
    want = EmbedderId.of(encoder)
    stale, row["if_stale_s"] = _timed(lambda: is_stale(settings, want))
    row["if_stale_cpu_s"] = CPU_S["last"]
    row["if_stale_up_to_date"] = stale is None
    again, row["dry_run_live_s"] = _timed(lambda: reindex(settings, None, dry_run=True))
    row["dry_run_live_cpu_s"] = CPU_S["last"]
    row["dry_run_live_reread"] = again.reread
    added = write_scale_corpus(corpus / "added", sentences, 10, seed=n + 1, first_story=10**6)
    encoder.encoded = 0
    more, row["add_10_s"] = _timed(lambda: reindex(settings, encoder))
    row["add_10_cpu_s"] = CPU_S["last"]
    row["add_10"] = {
        "files_parsed": more.reread,
        "articles_cut": more.resplit,
        "passages_embedded": more.embedded,
        "passages_of_new_articles": len(
            [p for p in split_corpus(read_corpus(added.folder).articles)]
        ),
        # An added copy may be a richer version of a story already kept (likely when the
        # archive is made from few sentences): that story's passages are new text too.
        "passages_of_changed_articles": _changed_passages(
            build, current_build(settings.embeddings_dir)
        ),
        "texts_encoded": encoder.encoded,
    }
    row["load"] = _load_probe(settings)
    return row


def _changed_passages(before: Path, after: Path) -> int:
    """Passages of the articles kept in ``after`` whose id and text ``before`` did not
    hold: all that a reindex may embed (less where a passage's text was already there)."""
    old = {(a["id"], a["body"]) for a in read_jsonl(before / "articles.jsonl")}
    changed = {
        a["id"] for a in read_jsonl(after / "articles.jsonl") if (a["id"], a["body"]) not in old
    }
    return sum(1 for p in read_jsonl(after / "passages.jsonl") if p["article_id"] in changed)


PROBE = """
import json, sys, time
from pathlib import Path
STARTED_BEFORE_IMPORTS
from qa_service.embedder import EmbedderId
from qa_service.index import load_build
from qa_service.search import Searcher
ENCODER_IMPORT
STARTED_AFTER_IMPORTS
encoder = ENCODER
loaded = load_build(Path(sys.argv[1]), EmbedderId.of(encoder))
searcher = Searcher(loaded, encoder)
searcher.ask("When is the referendum?", k=5)
ready = time.perf_counter() - started
rss = [l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1]
print(json.dumps({"ready_s": round(ready, 2), "rss_mb": round(int(rss) / 1024, 1),
                  "passages": len(loaded.passages), "index_type": loaded.manifest.index_type}))
"""


def probe_build(build: Path, encoder_import: str, encoder: str, count_imports: bool) -> dict:
    """A fresh process loads ``build`` as a worker does (memory-mapped), makes the searcher
    with ``encoder`` (an expression, after ``encoder_import``) and answers one question:
    seconds to that point (from its start when ``count_imports``, else from after the
    imports) and its resident memory. One child script for every probe of the lab."""
    import subprocess
    import sys

    clock = "started = time.perf_counter()"
    script = (
        PROBE.replace("STARTED_BEFORE_IMPORTS", clock if count_imports else "")
        .replace("STARTED_AFTER_IMPORTS", "" if count_imports else clock)
        .replace("ENCODER_IMPORT", encoder_import)
        .replace("ENCODER", encoder)
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(build)], capture_output=True, text=True, timeout=900
    )
    if done.returncode:
        return {"error": done.stderr[-500:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _load_probe(settings: Settings) -> dict:
    """The live build loaded by a fresh process with the stand-in encoder (it weighs
    nothing; e5 adds about 60 MB per worker): the build's own load time and memory."""
    build = current_build(settings.embeddings_dir)
    return probe_build(
        build, "from qa_service.lab.scale_corpus import HashEncoder", "HashEncoder()", False
    )


def bench_corpus(options, settings: Settings, work: Path, log: Callable[[str], None]) -> dict:
    """Section ``corpus``: the archives of ``CORPUS_SIZES`` (small run: 200 articles)."""
    sentences = seed_sentences(settings.corpus_dir)
    sizes = (200,) if options.small else CORPUS_SIZES
    pairwise_max = 200 if options.small else PAIRWISE_MAX
    rows = []
    for n in sizes:
        log(f"corpus: {n} articles")
        rows.append(bench_corpus_size(n, sentences, work, pairwise_max))
    return {"seed_sentences": len(sentences), "sizes": rows, "loadavg": os.getloadavg()}


def corpus_md(result: dict) -> str:
    """The ``corpus`` section as the targets table of docs/benchmarks.md."""
    lines = [
        "| articles | dedupe old / new (s, CPU s) | same decisions | dry run (s, CPU s) "
        "| dry run again (s) | --if-stale (s) | 10 added: parsed, cut, embedded / new "
        "| build MB | worker ready (s), RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["sizes"]:
        d, add, load = row["dedupe"], row["add_10"], row["load"]
        sub = d.get("subset")
        old = f"~{d['old_cpu_s_projected']} CPU s projected" if sub else "not run"
        lines.append(
            f"| {row['articles']} | {old} / {d['new_s']} ({d['new_cpu_s']}) "
            f"| {sub['same_decisions'] if sub else '-'} on {sub['articles'] if sub else 0} "
            f"| {row['dry_run_s']} ({row['dry_run_cpu_s']}) "
            f"| {row['dry_run_live_s']} | {row['if_stale_s']} "
            f"| {add['files_parsed']}, {add['articles_cut']}, {add['passages_embedded']} / "
            f"{add['passages_of_new_articles']} | {row['build_mb']} "
            f"| {load.get('ready_s')}, {load.get('rss_mb')} |"
        )
    return "\n".join(lines)
