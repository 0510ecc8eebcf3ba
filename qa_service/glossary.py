"""A domain glossary: Russian and Kazakh forms of the reform's terms, mapped to English.

The sources are English while most questions are Kazakh or Russian. BM25 cannot match
"Мәжіліс" to "Majilis" unless something says they are the same word; transliteration
carries names (lexical.py), and this glossary carries the terms whose translation is not
a transliteration (Ата заң -> constitution, сайлау -> elections). A question's matched
terms add their English words to the text BM25 and the latent terms read (search.py).

The data is ``glossary.tsv`` beside this module (package data), which maintainers extend;
its format is described at its top. A malformed line fails loading with ``file:line:
message``.
"""

from __future__ import annotations

import functools
import importlib.resources
import unicodedata
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Entry:
    english: str
    forms: tuple[tuple[str, ...], ...]  # each form: its words, folded
    # The English side as forms too (word beginnings), for naming a concept in any language:
    # each word alone, or consecutive pairs when every Russian/Kazakh form is a phrase
    # ("Constitutional Court" must not be matched by "court" alone).
    english_forms: tuple[tuple[str, ...], ...] = ()

    def named_in(self, folded: list[str]) -> bool:
        """Whether words (folded) name this concept, in Russian, Kazakh or English."""
        return any(_contains(folded, f) for f in self.forms) or any(
            _contains(folded, f) for f in self.english_forms
        )


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
            if len(columns) != 3:
                raise GlossaryError(
                    f"{where}: expected 3 tab-separated columns (en, ru, kk), found {len(columns)}"
                )
            english, *others = (c.strip() for c in columns)
            if not english:
                raise GlossaryError(f"{where}: the English column is empty")
            forms = []
            for column in others:
                for form in column.split(","):
                    words = tuple(fold(form).split())
                    if not words:
                        raise GlossaryError(
                            f"{where}: an empty form (two commas, or a blank column)"
                        )
                    forms.append(words)
            entries.append(
                Entry(english, tuple(dict.fromkeys(forms)), _english_forms(english, forms))
            )
        return cls(tuple(entries))

    def concepts(self, words: list[str]) -> list[str]:
        """The English side of every entry one of whose forms the question's ``words`` (as
        lexical.words gives them) contain, in glossary order."""
        folded = [fold(w) for w in words]
        return [e.english for e in self.entries if any(_contains(folded, f) for f in e.forms)]

    def matched(self, words: list[str]) -> list[int]:
        """The indices of the entries ``concepts`` returns (Russian and Kazakh forms)."""
        folded = [fold(w) for w in words]
        return [i for i, e in enumerate(self.entries) if any(_contains(folded, f) for f in e.forms)]

    def concept_ids(self, words: list[str]) -> frozenset[int]:
        """Which entries ``words`` name in any language (English included): the concepts a
        question asks about, and those a sentence states (the answer check's coverage).
        Each word looks up only the forms that begin as it does (``_by_head``): linear in
        the words, not in words times forms (it runs on every highlighted sentence)."""
        folded = [fold(w) for w in words]
        found: set[int] = set()
        for i, word in enumerate(folded):
            for entry, form in self._by_head.get(word[:MIN_PREFIX], ()):
                if entry not in found and _contains(folded[i : i + len(form)], form):
                    found.add(entry)
        return frozenset(found)

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
    def _by_head(self) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
        """Every form (Russian, Kazakh, English) by its first word's first letters."""
        heads: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for i, e in enumerate(self.entries):
            for form in (*e.forms, *e.english_forms):
                heads.setdefault(form[0][:MIN_PREFIX], []).append((i, form))
        return heads


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


def _contains(words: list[str], form: tuple[str, ...]) -> bool:
    n = len(form)
    for i in range(len(words) - n + 1):
        if all(_matches(words[i + j], part) for j, part in enumerate(form)):
            return True
    return False


def _matches(word: str, form: str) -> bool:
    return word.startswith(form) if len(form) >= MIN_PREFIX else word == form
