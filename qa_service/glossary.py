"""A domain glossary: Russian and Kazakh forms of the reform's terms, mapped to English.

The sources are English while most questions are Kazakh or Russian. BM25 cannot match
"Мәжіліс" to "Majilis" unless something says they are the same word; transliteration
carries names (lexical.py), and this glossary carries the terms whose translation is not
a transliteration (Ата заң -> constitution, сайлау -> elections). A question's matched
terms add their English words to the text BM25 and the latent terms read (search.py).

The same entries name the terms for readers: an entry may carry, in three more columns,
the term as English sources spell it and its Russian and Kazakh names (``Majilis`` ->
"Мажилис" / "Мәжіліс"). ``Glossary.terms_in`` finds those terms in a quoted sentence, so
the page can give a Kazakh or Russian reader the names they know beside an English quote.

The data is ``glossary.tsv`` beside this module (package data), which maintainers extend;
its format is described at its top. A malformed line fails loading with ``file:line:
message``.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

GLOSSARY_FILE = Path(str(importlib.resources.files("qa_service") / "glossary.tsv"))
MIN_PREFIX = 4  # shorter forms match whole words only (МИД, ООН)

# Kazakh letters as people type them on a Russian keyboard: matching folds both sides.
_FOLD = str.maketrans("әғқңөұүһі", "агкноуухи")


class GlossaryError(ValueError):
    """The glossary file is malformed; the message starts with ``file:line:``."""


def fold(text: str) -> str:
    """Lower case, NFKC, Kazakh-specific letters folded to their Russian look-alikes."""
    return unicodedata.normalize("NFKC", text).casefold().replace("ё", "е").translate(_FOLD)


# The term's reader-facing names, when the line has them: en, ru, kk.
NAME_LANGS = ("en", "ru", "kk")
_WORDS_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Entry:
    english: str
    forms: tuple[tuple[str, ...], ...]  # each form: its words, folded
    # The English side as forms too (word beginnings), for naming a concept in any language:
    # each word alone, or consecutive pairs when every Russian/Kazakh form is a phrase
    # ("Constitutional Court" must not be matched by "court" alone).
    english_forms: tuple[tuple[str, ...], ...] = ()
    # Reader-facing names by language (empty when the line gives none), and the
    # spellings English sources use for the term (the first is its English name).
    names: dict[str, str] = field(default_factory=dict, compare=False)
    spellings: tuple[str, ...] = ()
    # Word beginnings a form's first word must not have ("!сайлауш": сайлаушы, a voter,
    # begins as сайлау, an election, does; folded).
    excluded: tuple[str, ...] = ()

    def named_in(self, folded: list[str]) -> bool:
        """Whether words (folded) name this concept, in Russian, Kazakh or English."""
        return any(self._at(folded, f) is not None for f in self.forms) or any(
            _contains(folded, f) for f in self.english_forms
        )

    def _at(self, folded: list[str], form: tuple[str, ...]) -> int | None:
        """Where ``form`` begins in the folded words, its first word not excluded."""
        at = _find(folded, form)
        if at is not None and folded[at].startswith(self.excluded or "\0"):
            return None
        return at


@dataclass(frozen=True)
class Term:
    """A term found in a sentence: as the sentence writes it, and its name per language."""

    found: str
    names: dict[str, str]


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]

    @classmethod
    def load(cls, path: Path = GLOSSARY_FILE) -> Glossary:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise GlossaryError(f"{path}: cannot read ({exc.strerror})") from None
        entries = []
        for n, line in enumerate(lines, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            where = f"{path}:{n}"
            columns = line.split("\t")
            if len(columns) not in (3, 6):
                raise GlossaryError(
                    f"{where}: expected 3 tab-separated columns (en, ru, kk), or 6 with the "
                    f"names for readers (en spellings, ru name, kk name), found {len(columns)}"
                )
            english, *others = (c.strip() for c in columns[:3])
            names, spellings = _names(columns[3:], where)
            if not english:
                raise GlossaryError(f"{where}: the English column is empty")
            forms, excluded = [], []
            for column in others:
                for form in column.split(","):
                    if form.strip().startswith("!"):
                        excluded.append(fold(form.strip()[1:]))
                        continue
                    words = tuple(fold(form).split())
                    if not words:
                        raise GlossaryError(
                            f"{where}: an empty form (two commas, or a blank column)"
                        )
                    forms.append(words)
            entries.append(
                Entry(
                    english,
                    tuple(dict.fromkeys(forms)),
                    _english_forms(english, forms),
                    names=names,
                    spellings=spellings,
                    excluded=tuple(excluded),
                )
            )
        return cls(tuple(entries))

    def terms_in(self, sentence: str, lang: str) -> list[Term]:
        """The named terms ``sentence`` (in ``lang``) holds, in the order it names them.

        English sentences are matched on the sources' spellings (whole words, any case);
        Russian and Kazakh ones on the entry's forms, as questions are.
        """
        found: list[tuple[int, Term]] = []
        words = _WORDS_RE.findall(sentence)
        folded = [fold(w) for w in words]
        for entry in self.entries:
            if not entry.names:
                continue
            if lang == "en":
                match = _spelling_re(entry.spellings).search(sentence)
                if match:
                    found.append((match.start(), Term(match.group(), entry.names)))
                continue
            for form in entry.forms:
                at = entry._at(folded, form)
                if at is not None:
                    text = " ".join(words[at : at + len(form)])
                    found.append((sentence.find(text), Term(text, entry.names)))
                    break
        return [term for _, term in sorted(found, key=lambda pair: pair[0])]

    def names_besides(self, lang: str) -> list[str]:
        """Every entry's reader-facing names in the languages other than ``lang``, distinct
        from one another and from that entry's ``lang`` name (Сенат is Senate's name in
        both Russian and Kazakh: once)."""
        seen: set[str] = set()
        out = []
        for entry in self.entries:
            own = entry.names.get(lang, "").casefold()
            for other, name in entry.names.items():
                if other != lang and name.casefold() not in seen and name.casefold() != own:
                    seen.add(name.casefold())
                    out.append(name)
        return out

    def concepts(self, words: list[str]) -> list[str]:
        """The English side of every entry one of whose forms the question's ``words`` (as
        lexical.words gives them) contain, in glossary order."""
        return [self.entries[i].english for i in self.matched(words)]

    def matched(self, words: list[str]) -> list[int]:
        """The indices of the entries ``concepts`` returns (Russian and Kazakh forms), in
        glossary order. Each word looks up only the forms that begin as it does
        (``_forms_by_head``): every question pays this before its encoder pass, and trying
        every form at every word cost ~0.6 ms, 6% of that pass."""
        return sorted(_named(self._forms_by_head, [fold(w) for w in words]))

    def concept_ids(self, words: list[str]) -> frozenset[int]:
        """Which entries ``words`` name in any language (English included): the concepts a
        question asks about, and those a sentence states (the answer check's coverage).
        Each word looks up only the forms that begin as it does (``_by_head``): linear in
        the words, not in words times forms (it runs on every highlighted sentence)."""
        return frozenset(_named(self._by_head, [fold(w) for w in words]))

    def concept_positions(self, text: str) -> list[tuple[int, int]]:
        """(character offset, entry) of every concept ``text`` names, in text order: where
        a sentence names a body, to tell whose chair a "chairman" is (verify.py)."""
        from .lexical import word_spans  # lexical imports nothing from here

        spans = word_spans(text)
        return [
            (spans[i][0], entry) for i, entry in _found(self._by_head, [fold(w) for _, w in spans])
        ]

    @functools.cached_property
    def bodies(self) -> frozenset[int]:
        """The entries that name a body with officers of its own (a court, a commission, a
        chamber): "the deputy chairman of the Constitutional Court" is not the Constitutional
        Commission's, though the sentence names both. The generic "commission" and "court"
        count too: "commission deputy chair" asks for a commission's officer, and the Court's
        deputy chairman, named in the same sentence as a commission, is not one."""
        body = re.compile(
            r"\b(?:Court|Commission|Council|Kurultai|Majilis|Senate|Parliament)\b", re.IGNORECASE
        )
        return frozenset(i for i, e in enumerate(self.entries) if body.search(e.english))

    @functools.cached_property
    def elections(self) -> frozenset[int]:
        """The entries naming elections (verify: the elections' day is not the vote's a
        question about the referendum asks)."""
        return self.concept_ids(["elections"])

    @functools.cached_property
    def referendum(self) -> frozenset[int]:
        """The entries naming the referendum."""
        return self.concept_ids(["referendum"])

    @functools.cached_property
    def counting(self) -> frozenset[int]:
        """The commissions that count a vote: named in a question about the vote's measure
        ("How many citizens does the Central Referendum Commission count as eligible?"),
        the source of the figure, not a body whose own figure is asked (verify.check_hit)."""
        named = self.concept_ids("Central Referendum Commission".split())
        return (named & self.bodies) - self.generic_bodies

    @functools.cached_property
    def holders(self) -> frozenset[int]:
        """The bodies and the offices that hold a term (the president, the vice president,
        deputies): whose term a question asks, which the sentence stating one names too."""
        office = re.compile(r"\b(?:President|deput\w*|senator)\b", re.IGNORECASE)
        return self.bodies | frozenset(
            i for i, e in enumerate(self.entries) if office.search(e.english)
        )

    @functools.cached_property
    def english_words(self) -> frozenset[str]:
        """The words of five letters or more the entries' English sides are written with,
        lower case: what a mistyped English word is read as (typos.py)."""
        return frozenset(
            w.casefold()
            for e in self.entries
            for w in re.findall(r"[A-Za-z'’-]+", e.english)
            if len(w) >= 5
        )

    @functools.cached_property
    def generic_bodies(self) -> frozenset[int]:
        """The bodies named by a common noun ("commission", "court", "parliament"): a kind
        of body, which a named one ("Constitutional Commission") may be."""
        return frozenset(i for i in self.bodies if self.entries[i].english.islower())

    def concepts_in(self, text: str) -> frozenset[int]:
        """``concept_ids`` of a text's words, cached per text (bounded): highlighted
        sentences and titles repeat across requests."""
        cache = self._text_cache
        found = cache.get(text)
        if found is None:
            if len(cache) >= 65536:
                cache.clear()
            found = cache[text] = self.concept_ids(_words(text))
        return found

    @functools.cached_property
    def _text_cache(self) -> dict[str, frozenset[int]]:
        return {}

    @functools.cached_property
    def _forms_by_head(self) -> _Heads:
        """The Russian and Kazakh forms by their first word's first letters (with the
        entry's excluded beginnings)."""
        heads: _Heads = {}
        for i, e in enumerate(self.entries):
            for form in e.forms:
                heads.setdefault(form[0][:MIN_PREFIX], []).append((i, form, e.excluded))
        return heads

    @functools.cached_property
    def _by_head(self) -> _Heads:
        """Every form (Russian, Kazakh, English) by its first word's first letters."""
        heads: _Heads = {}
        for i, e in enumerate(self.entries):
            for form in e.forms:
                heads.setdefault(form[0][:MIN_PREFIX], []).append((i, form, e.excluded))
            for form in e.english_forms:
                heads.setdefault(form[0][:MIN_PREFIX], []).append((i, form, ()))
        return heads


_Heads = dict[str, list[tuple[int, tuple[str, ...], tuple[str, ...]]]]


def _found(heads: _Heads, folded: list[str]) -> Iterator[tuple[int, int]]:
    """(word index, entry) of every form (``heads``: by their first letters) the folded
    words hold, in text order: each word looks up only the forms that begin as it does."""
    for i, word in enumerate(folded):
        for entry, form, excluded in heads.get(word[:MIN_PREFIX], ()):
            if excluded and word.startswith(excluded):
                continue
            if _contains(folded[i : i + len(form)], form):
                yield i, entry


def _named(heads: _Heads, folded: list[str]) -> set[int]:
    """The entries one of whose forms the folded words hold."""
    return {entry for _, entry in _found(heads, folded)}


def _words(text: str) -> list[str]:
    from .lexical import words  # lexical imports nothing from here; kept local all the same

    return words(text)


def _english_forms(english: str, forms: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    words = [_stem_en(w) for w in fold(english).split() if len(w) >= 3 or w.isupper()]
    if forms and all(len(f) >= 2 for f in forms) and len(words) >= 2:
        return tuple(dict.fromkeys(tuple(words[i : i + 2]) for i in range(len(words) - 1)))
    return tuple(dict.fromkeys((w,) for w in words))


def _stem_en(word: str) -> str:
    """An English word's beginning as a form: 5 letters cover its endings (deputies/deputy,
    elections/elected); shorter words stay whole."""
    return word[:5] if len(word) > 5 else word


def _names(columns: list[str], where: str) -> tuple[dict[str, str], tuple[str, ...]]:
    if not columns:
        return {}, ()
    spellings = tuple(s.strip() for s in columns[0].split(",") if s.strip())
    names = [spellings[0] if spellings else "", columns[1].strip(), columns[2].strip()]
    if not all(names):
        raise GlossaryError(f"{where}: the names for readers (columns 4-6) must all be given")
    return dict(zip(NAME_LANGS, names, strict=True)), spellings


@functools.cache
def _spelling_re(spellings: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _find(words: list[str], form: tuple[str, ...]) -> int | None:
    n = len(form)
    for i in range(len(words) - n + 1):
        if all(_matches(words[i + j], part) for j, part in enumerate(form)):
            return i
    return None


def _contains(words: list[str], form: tuple[str, ...]) -> bool:
    return _find(words, form) is not None


def _matches(word: str, form: str) -> bool:
    return word.startswith(form) if len(form) >= MIN_PREFIX else word == form
