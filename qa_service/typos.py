"""English words typed one letter wrong, read as the glossary's word they miss by one
("how many artcles in new constituton" -> articles, constitution).

e5 forgives a typo less than a reader does: the question above sat among the off-topic
questions and was refused. Only a word of five letters or more that no English word list
has (english_vocab.py) is corrected, only to a glossary word one edit away (a letter
dropped, added, changed, or two letters swapped), and only when exactly one glossary word
is that near. Kazakh typed in Latin letters is never corrected: its words are not English.
"""

from __future__ import annotations

import re
from collections.abc import Set

from .english_vocab import is_english

_LATIN_WORD = re.compile(r"[A-Za-z][a-z'’]{4,}")


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one letter dropped, added or changed, or by two
    neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )  # fmt: skip
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[i:] == long[i + 1 :]


# Words the question reads besides the glossary's ("the frist draft": the version a figure
# is of, places.PLACES), and words the English lists hold that a question means as a typo of
# one of them ("frist", an old word for a respite; eighteenth session's twenty-sixth and
# fifty-fifth probes: "how many artciles were in the frist draft" was `high` with the final
# draft's 95).
_ALSO = frozenset({"first", "final", "preliminary", "abroad"})
_TYPOS_IN_DICTIONARIES = frozenset({"frist", "fisrt"})


def _corrected(word: str, vocabulary: Set[str]) -> str:
    low = word.casefold()
    if low in vocabulary or low in _ALSO or (is_english(low) and low not in _TYPOS_IN_DICTIONARIES):
        return word
    near = [w for w in (*vocabulary, *_ALSO) if _one_edit(low, w)]
    if len(near) != 1:
        return word
    return near[0].capitalize() if word[0].isupper() else near[0]


def correct(text: str, vocabulary: Set[str]) -> str:
    """``text`` with its mistyped English domain words corrected: ``vocabulary`` is the
    glossary's English words (``Glossary.english_words``)."""
    return _LATIN_WORD.sub(lambda m: _corrected(m.group(0), vocabulary), text)
