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
            entries.append(Entry(english, tuple(dict.fromkeys(forms))))
        return cls(tuple(entries))

    def concepts(self, words: list[str]) -> list[str]:
        """The English side of every entry one of whose forms the question's ``words`` (as
        lexical.words gives them) contain, in glossary order."""
        folded = [fold(w) for w in words]
        return [e.english for e in self.entries if any(_contains(folded, f) for f in e.forms)]


def _contains(words: list[str], form: tuple[str, ...]) -> bool:
    n = len(form)
    for i in range(len(words) - n + 1):
        if all(_matches(words[i + j], part) for j, part in enumerate(form)):
            return True
    return False


def _matches(word: str, form: str) -> bool:
    return word.startswith(form) if len(form) >= MIN_PREFIX else word == form
