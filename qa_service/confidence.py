"""The confidence stage, the last of the pipeline: how sure the service is that its top
passage answers: ``high``, ``low`` or ``none``. Every signal is computed here, and the
rule applied here; search.py only passes the evidence down (``Evidence``: the question,
the rankings, the fused ranking before collapsing, and the highlighted hits).

``ConfidenceStage.signals`` turns one question's evidence into a few numbers: the
(sentence-aware) cosine of the passage ranked first (``top``), how far it stands above the
other candidates (``z``, in standard deviations) and above the runner-up (``margin``), how
far the best sentence stands above the mean candidate sentence (``gap``), the share of the
question's words found in the corpus vocabulary (``coverage``), whether BM25 and the fused
ranking agree on the top passage (``agree``), the cosine of the question's latent terms
with the top passage's (``latent``: does it name the concepts the question names, in any
language), whether the answer type the question asks for is in the top hits' highlighted
sentences (``type``), whether a question in the sources' language uses none of their
words (``off_vocabulary``), whether it was Kazakh typed in Latin letters and converted
(``converted``), how many of the reform's terms it names (``concepts``, glossary.py) and
the best BM25 score (``bm25``); and, from the first hit's verification (verify.py):
whether its highlighted sentence states the asked attribute (``states``), the share of the
question's key concepts it names (``cover``), and whether it is in another language than
the question (``cross_lang``: same-language cosines run higher, so the scale of ``top``
depends on it, not on which language the question is in); and how near the question is to
the reform's terms at all, whatever the corpus holds (``domain``: the cosine of its own
vector with the nearest glossary entry's, by its English side or its Russian or Kazakh
name); and whether the first hit's check is of something at all (``typed``: a named
attribute, a duration, a person in a role; not yes/no, not an open question); and for
such an untyped question, how many claim words it has (``claims``) and the share of them
the first hit's sentence names (``says``, claim.py).

``ConfidenceRule`` grades them with two small logistic models fitted by grouped
cross-validation on the question bank (``referendum-qa eval --cv``, lab/cv.py):

- ``none``: a question in the sources' language none of whose words they use; or
  P(the question is outside what the sources cover) at or above its cut: the
  service abstains (``abstained: true``, no results, the closest passages as ``related``).
  The cut is set so that almost no answerable question is ever refused.
- ``high``: P(the top passage answers). At or above its cut the answer is ``high``; below,
  ``low``: the passages are still shown, with the plain warning that they may not answer
  exactly. A question whose answer type ("how many", "when") is in none of the top hits'
  highlighted sentences is never ``high``, nor is an open or yes/no question whose first
  sentence does not name every one of its claim words (``open_at``).

The middle state is what makes the rule safe without a knife-edge threshold: a question
near the ``high`` cut still gets its passages, only with a caveat. The fitted rule is
committed as ``qa_service/confidence.json`` and reviewed like code, together with the
composition of the search stages it was fitted on (``search``: the served ``SearchParams``).
"""

from __future__ import annotations

import importlib.resources
import json
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .answer import HIGH, LOW, NONE, Hit
from .answer_type import type_satisfied
from .claim import OPEN_CLAIMS
from .composition import SearchParams
from .lexical import LexicalQuery
from .places import ABROAD, places_in
from .retrieval.base import Query, Ranking
from .retrieval.bm25 import BM25Retriever
from .text import detect_lang
from .verify import Asked, Check, with_its_day

# Package data: shipped in the wheel beside this module.
RULE_FILE = Path(str(importlib.resources.files("qa_service") / "confidence.json"))
SIGNALS = ("top", "z", "margin", "gap", "coverage", "agree", "type", "latent")
# What the models read: the signals plus the question's language (its scores run lower in
# Kazakh and Russian against English sources) and whether it was converted from Latin.
FEATURES = (
    *SIGNALS,
    "off_vocabulary",
    "converted",
    "concepts",
    "bm25",
    "lang_kk",
    "lang_ru",
    "states",
    "cover",
    "cross_lang",
    "domain",
    "topic",
    "typed",
    "near",
)
# The features whose meaning does not move with the corpus: no candidate-relative score
# (z, margin: duplicates of one fact across outlets shrink them), no raw BM25 score (it
# grows with the vocabulary), no question language (its cosines depend on the sources'
# languages, which ``cross_lang`` says). What the lab fits (lab/cv.py), measured side by
# side with ``FEATURES``.
STABLE_FEATURES = (
    "top",
    "gap",
    "coverage",
    "agree",
    "latent",
    "off_vocabulary",
    "converted",
    "concepts",
    "states",
    "cover",
    "cross_lang",
)
# The share of its words a typed question naming none of the reform's terms needs its first
# sentence to name (``ConfidenceRule.judge``; eighteenth session: "Потерял удостоверение
# личности — ... за сколько дней сделают?" was `high` with the seven days the results take,
# which name one of its nine words).
TYPED_SAYS_AT = 0.3  # a third of three words passes ("қанша адам иә деді": адам), a tenth not
HITS_READ = 3  # the highlighted sentences of this many top hits are read for the answer type


@dataclass(frozen=True)
class Evidence:
    """What the confidence stage reads, passed down by search.py: the prepared question
    and its lexical form, each retriever's ranking (the dense one's ``detail`` holds the
    passage and sentence cosines of every candidate), the fused ranking before collapsing
    (its runner-up is what ``margin`` measures against) and the highlighted hits after."""

    query: Query
    lexical: LexicalQuery
    rankings: Mapping[str, Ranking]
    fused: Ranking
    hits: Sequence[Hit]
    check: Check | None = None  # the first hit's verification (verify.py)
    asked: Asked | None = None  # what the question asks (verify.py)


@dataclass(frozen=True)
class Judgement:
    state: str  # one of STATES
    signals: dict[str, float]


class ConfidenceStage:
    """The confidence stage: every signal it weighs (``signals``) and the rule that grades
    them (``judge``). A new signal is one more line in ``signals`` and, once the lab fits
    it (lab/cv.py), one more name in ``FEATURES``.

    ``judging=False`` (evaluation) still computes the signals but never abstains."""

    def __init__(
        self,
        rule: ConfidenceRule,
        bm25: BM25Retriever,
        corpus_langs: Collection[str],
        judging: bool = True,
    ):
        self.rule = rule
        self.bm25 = bm25
        self.corpus_langs = frozenset(corpus_langs)
        self.judging = judging

    def judge(self, evidence: Evidence) -> Judgement:
        signals = self.signals(evidence)
        if not self.judging:
            return Judgement(HIGH, signals)
        return Judgement(self.rule.judge(signals, evidence.query.lang), signals)

    def signals(self, evidence: Evidence) -> dict[str, float]:
        """The numbers the rule looks at, for one question."""
        query, lexical = evidence.query, evidence.lexical
        bm25_all = self.bm25.all_scores(lexical)
        bm25_top = int(np.argmax(bm25_all)) if len(bm25_all) and bm25_all.max() > 0 else -1
        signals = ranking_signals(
            evidence.fused,
            evidence.rankings.get("dense") or Ranking("dense", (), ()),
            coverage=lexical.coverage,
            bm25_top_row=bm25_top,
            latent=evidence.rankings.get("latent"),
        )
        # A question in a language the sources are written in, none of whose content words
        # (nor their transliterations) occurs anywhere in them, is about something else.
        # (Kazakh typed in Latin letters looks English to the detector: never this gate.)
        signals["off_vocabulary"] = float(
            lexical.content_words >= 2
            and lexical.matched_words == 0
            and not query.converted
            and detect_lang(query.text) in self.corpus_langs
        )
        # Kazakh typed in Latin letters and converted: its cosines run lower.
        signals["converted"] = float(query.converted)
        # The reform's terms the question uses (glossary concepts, at most 3 counted), and
        # the best BM25 score: how much of the sources' own vocabulary it shares.
        signals["concepts"] = float(min(query.concepts, 3))
        signals["bm25"] = float(bm25_all.max()) if len(bm25_all) else 0.0
        # Whether the highlighted sentences of the top hits hold the answer type the
        # question asks for ("how many" -> a number, "when" -> a time).
        # (A sentence dated by the one before it, "On the same day ...", read with its date.)
        answers = [
            with_its_day(h, h.passage.sentence_text(span))
            for h in evidence.hits[:HITS_READ]
            for span in h.highlight
        ]
        signals["type"] = 1.0 if type_satisfied(query.reading, answers) else 0.0
        # The first hit's sentence against what was asked (verify.py), and its language.
        check = evidence.check
        signals["states"] = 1.0 if check is None or check.states else 0.0
        signals["cover"] = 1.0 if check is None else float(check.cover)
        # The share of the question's claim words the sentence names, and how many it has
        # (claim.py; ``ConfidenceRule.open_at``).
        if check is not None and check.says is not None:
            signals["says"] = float(check.says)
        signals["claims"] = float(len(evidence.asked.claim)) if evidence.asked else 0.0
        first = evidence.hits[0].article.lang if evidence.hits else query.lang
        signals["cross_lang"] = float(first != query.lang)
        # Whether anything the checks read ties the question to its sentence: a glossary
        # term, a place or part, the event, measure or role its type names (verify.Asked).
        signals["anchored"] = float(evidence.asked is None or evidence.asked.anchored)
        # Whether ``states`` checks something (``ConfidenceRule.typed_only``, verify.py).
        signals["typed"] = float(evidence.asked is not None and evidence.asked.typed)
        # Whether it names the reform itself (the referendum, the Constitution, the
        # Kurultai; ``ConfidenceRule.core_not_none``).
        signals["core"] = float(evidence.asked is not None and evidence.asked.core)
        # Whether it asks about a country abroad that none of the top hits names.
        signals["elsewhere"] = float(elsewhere(evidence))
        # Whether it says something besides its ask (verify.Asked.besides).
        signals["besides"] = float(evidence.asked is not None and evidence.asked.besides)
        # How near the question is to the reform's terms at all (the nearest glossary
        # entry's cosine): read off the question and the fixed glossary, never the corpus,
        # so a corpus grown with local news does not make a football question look closer.
        if query.domain is not None:
            signals["domain"] = float(query.domain)
        # The same question's log-odds of being about the reform at all, from a linear
        # probe on its vector fitted on labelled questions (topic.py); also corpus-free.
        if query.topic is not None:
            signals["topic"] = float(query.topic)
        # How much nearer its nearest labelled questions about the reform are than those
        # about anything else (topic.TopicNeighbours): corpus-free too.
        if query.near is not None:
            signals["near"] = float(query.near)
        return signals


# The Russian language, which a Kazakh reform's sources discuss (Article 9), not Russia.
_RUSSIAN = re.compile(r"(?<![\w-])(?:russian|русск\w*)(?![\w-])", re.IGNORECASE)


def elsewhere(evidence: Evidence) -> bool:
    """Whether the question names a country abroad (``places.ABROAD``: "Uzbekistan's
    constitutional referendum", "председатель ЦИК России") and none of the top hits, nor
    their articles' titles, names it: the sources are about Kazakhstan's reform and say
    nothing of that country's, so `none` (eighteenth session's thirty-third probe: such
    questions were `low` above Kazakhstan's turnout or chair, a hedge that still shows
    another vote's figure as if it might be the one asked)."""
    asked = evidence.asked.places & ABROAD if evidence.asked is not None else frozenset()
    if not asked:
        return False
    if "Russia" in asked and not places_in(_RUSSIAN.sub(" ", evidence.query.reading)) & ABROAD:
        return False  # the Russian language, not the country
    for hit in evidence.hits[:HITS_READ]:
        if asked & (places_in(hit.passage.text) | places_in(hit.article.title or "")):
            return False
    return True


def ranking_signals(
    fused: Ranking,
    dense: Ranking,
    *,
    coverage: float,
    bm25_top_row: int,
    latent: Ranking | None = None,
) -> dict[str, float]:
    """The signals read off the rankings: ``dense`` is the dense retriever's ranking
    (sentence-aware scores; its ``detail`` holds the passage and sentence cosines of every
    candidate); ``fused`` the final order. ``latent`` is present only when latent terms
    ranked the candidates."""
    if not fused.rows:
        return {name: 0.0 for name in SIGNALS}
    # Only the first two rows' dense scores are read (not one lookup per candidate).
    top = dense.score_of(fused.rows[0])
    values = [float(v) for v in dense.detail.get("passage", {}).values()] or [top]
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) or 1.0
    second = dense.score_of(fused.rows[1]) if len(fused.rows) > 1 else mean
    flat = dense.detail.get("all_sentences")
    if flat is None:
        flat = [float(x) for row in dense.detail.get("sentences", {}).values() for x in row]
    sentences = np.asarray(flat, dtype=np.float64)
    signals = {
        "top": top,
        "z": (top - mean) / std,
        "margin": top - second,
        # Best sentence minus the mean sentence among the candidates: how much one
        # sentence stands out from the topic's background (low for off-topic questions).
        "gap": float(sentences.max() - sentences.mean()) if len(sentences) else 0.0,
        "coverage": float(coverage),
        "agree": 1.0 if bm25_top_row >= 0 and bm25_top_row == fused.top() else 0.0,
    }
    if latent is not None and latent.rows:
        # How far the top passage names the concepts the question names (in any language).
        signals["latent"] = latent.score_of(fused.top())
    return signals


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic model over named features, standardized with the training
    ``mean`` and ``scale``: P = 1 / (1 + exp(-(bias + sum(w_i (x_i - m_i) / s_i))))."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def probability(self, x: Mapping[str, float]) -> float:
        z = self.bias
        for name, w, m, s in zip(self.features, self.weights, self.mean, self.scale, strict=True):
            z += w * (float(x.get(name, 0.0)) - m) / s
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "weights": list(self.weights),
            "bias": self.bias,
            "mean": list(self.mean),
            "scale": list(self.scale),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Logistic:
        features = tuple(str(f) for f in data["features"])
        unknown = set(features) - set(FEATURES)
        if unknown:
            raise ValueError(f"confidence model uses unknown feature(s): {sorted(unknown)}")
        model = cls(
            features,
            tuple(float(v) for v in data["weights"]),
            float(data["bias"]),
            tuple(float(v) for v in data["mean"]),
            tuple(float(v) or 1.0 for v in data["scale"]),
        )
        if not len(model.features) == len(model.weights) == len(model.mean) == len(model.scale):
            raise ValueError("confidence model: features, weights, mean and scale differ in length")
        return model


def features_of(signals: Mapping[str, float], lang: str) -> dict[str, float]:
    """The models' inputs for one answer."""
    return dict(signals) | {"lang_kk": float(lang == "kk"), "lang_ru": float(lang == "ru")}


@dataclass(frozen=True)
class ConfidenceRule:
    """``none`` when P(outside the sources) >= ``none_at``; else ``high`` when P(the top
    passage answers) >= ``high_at`` and the answer type is there; else ``low``.

    ``fallback`` is the same rule fitted without latent terms, for rankings that lack them
    (``QA_LATENT_TERMS=false``, an embedder without the head, a build made before them).
    Without a fitted model (no file) every answer is ``high``: the ranking alone."""

    none: Logistic | None = None
    none_at: float = 1.0
    high: Logistic | None = None
    high_at: float = 0.0
    chosen_by: str = "default: no fitted rule"
    fallback: ConfidenceRule | None = None
    # The composition of the search stages whose rankings the models were fitted on: the
    # served one (search.served_params), and its name among the lab's candidates
    # (lab/compositions.py). None without a fitted rule, and in the fallback (the same
    # composition without latent terms).
    search: SearchParams | None = None
    composition: str = ""
    # Attribute-level verification (verify.py): ``high`` needs the first hit's sentence to
    # state the asked answer type (``verify``) and ``cover_at`` of the key concepts.
    verify: bool = False
    cover_at: float = 0.0
    # ``high`` only for a question whose check is of something (the ``typed`` signal,
    # verify.Asked.typed): a count of a noun, a date of an event, a share of a measure, a
    # duration, a person in a named role. For a yes/no or open question ``states`` holds
    # whatever the sentence says, and most false ``high``s were those.
    typed_only: bool = False
    # Never ``none`` for a question that names the referendum, the Constitution or the
    # Kurultai (and no country abroad): the sources are about them, so "outside what the
    # sources cover" would be false. Such a question the none model would refuse is
    # ``low``, never ``high`` (the high cut was set on the questions the none cut lets by).
    core_not_none: bool = False
    # An untyped question (open, yes/no, "any date") may still be ``high`` where the first
    # hit's sentence names at least ``open_at`` of its claim words and it has at least
    # ``OPEN_CLAIMS`` of them (claim.py); 0: never (``typed_only`` alone).
    open_at: float = 0.0

    def judge(self, signals: Mapping[str, float], lang: str) -> str:
        """``high``, ``low`` or ``none`` for one answer's signals."""
        models = [m for m in (self.none, self.high) if m is not None]
        if "latent" not in signals and any("latent" in m.features for m in models):
            if self.fallback is not None:
                return self.fallback.judge(signals, lang)
        # A question in the sources' language none of whose words they use is about
        # something else: a rule of evidence, not a fitted threshold.
        if signals.get("off_vocabulary") == 1.0:
            return NONE
        # So is a question about a country abroad that no top hit names (``elsewhere``).
        if signals.get("elsewhere") == 1.0:
            return NONE
        x = features_of(signals, lang)
        if self.none is not None and self.none.probability(x) >= self.none_at:
            if self.core_not_none and float(signals.get("core", 0.0)) == 1.0:
                return LOW  # about the reform, though it reads as about something else
            return NONE
        if float(signals.get("type", 1.0)) == 0.0:
            return LOW
        # The first hit's sentence must state what was asked: its answer type, and at
        # least ``cover_at`` of the question's key concepts (verify.py).
        if self.verify and float(signals.get("states", 1.0)) == 0.0:
            return LOW
        if float(signals.get("cover", 1.0)) < self.cover_at:
            return LOW
        if (
            self.typed_only
            and float(signals.get("typed", 1.0)) == 0.0
            and not self._claimed(signals)
        ):
            return LOW
        # A typed question naming none of the reform's terms, whose first sentence (in its
        # language) names too few of its words (``TYPED_SAYS_AT``), is answered about
        # something else (verify.claim_said).
        if float(signals.get("typed", 0.0)) == 1.0 and signals.get("says", 1.0) < TYPED_SAYS_AT:
            return LOW
        # One that names nothing the checks tie to a sentence, answered in another language
        # (whose sentence is not read word for word), is answered about anything with a
        # value of its type (nineteenth session's sixty-eighth probe: "сколько лет действует
        # удостоверение личности?" was `high` with the year a Kazakh report says the
        # reform's debate needs).
        if (
            float(signals.get("typed", 0.0)) == 1.0
            and signals.get("anchored", 1.0) == 0.0
            and signals.get("cross_lang", 0.0) == 1.0
        ):
            return LOW
        # One that says something besides its ask (a premise, what its asker heard, a
        # second ask) or asks about the time before the reform or a forecast is hedged: a
        # rule of evidence, not a fitted threshold (twentieth session: 18% of such `high`s
        # were wrong on questions never seen, against 4.5% of the others).
        if signals.get("besides", 0.0) == 1.0:
            return LOW
        if self.high is not None and self.high.probability(x) < self.high_at:
            return LOW
        return HIGH

    def _claimed(self, signals: Mapping[str, float]) -> bool:
        """Whether an untyped question's claim is named by its first hit's sentence."""
        return (
            self.open_at > 0
            and float(signals.get("claims", 0.0)) >= OPEN_CLAIMS
            and float(signals.get("says", 0.0)) >= self.open_at
        )

    def scores(self, signals: Mapping[str, float], lang: str) -> dict[str, float]:
        """Both probabilities (for the evaluation and its calibration plot)."""
        x = features_of(signals, lang)
        return {
            "p_none": self.none.probability(x) if self.none else 0.0,
            "p_high": self.high.probability(x) if self.high else 1.0,
        }

    def to_dict(self) -> dict:
        out = {
            "none": self.none.to_dict() if self.none else None,
            "none_at": self.none_at,
            "high": self.high.to_dict() if self.high else None,
            "high_at": self.high_at,
            "chosen_by": self.chosen_by,
            "composition": self.composition,
            "verify": self.verify,
            "cover_at": self.cover_at,
            "typed_only": self.typed_only,
            "core_not_none": self.core_not_none,
            "open_at": self.open_at,
        }
        if self.search is not None:
            out["search"] = self.search.to_dict()
        if self.fallback is not None:
            out["without_latent"] = self.fallback.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping) -> ConfidenceRule:
        return cls(
            none=Logistic.from_dict(data["none"]) if data.get("none") else None,
            none_at=float(data.get("none_at", 1.0)),
            high=Logistic.from_dict(data["high"]) if data.get("high") else None,
            high_at=float(data.get("high_at", 0.0)),
            chosen_by=str(data.get("chosen_by", "")),
            fallback=cls.from_dict(data["without_latent"]) if data.get("without_latent") else None,
            search=SearchParams.from_dict(data["search"]) if data.get("search") else None,
            composition=str(data.get("composition", "")),
            verify=bool(data.get("verify", False)),
            cover_at=float(data.get("cover_at", 0.0)),
            typed_only=bool(data.get("typed_only", False)),
            core_not_none=bool(data.get("core_not_none", False)),
            open_at=float(data.get("open_at", 0.0)),
        )

    @classmethod
    def load(cls, path: Path = RULE_FILE) -> ConfidenceRule:
        """The committed rule; the unfitted default when the file is absent."""
        if not path.is_file():
            return cls()
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: not a confidence rule ({exc})") from None

    def save(self, path: Path = RULE_FILE, extra: Mapping | None = None) -> None:
        body = self.to_dict() | dict(extra or {})
        path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
