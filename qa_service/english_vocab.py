"""Whether a Latin-letter word is English, for telling Kazakh typed in Latin letters from
English (lexical.looks_latin_kazakh).

Latin-typed Kazakh often has none of the question words that give it away ("dauys beruge
quqygy bar adam sany", "uchaskeler saat neshede ashylady"); read as it is typed, e5 puts it
far from the reform and the topic probe near off-topic questions. What such a question
lacks is English words. The word lists are the ``english-words`` package's (web2 and
GCIDE, 263k words, MIT licensed), kept as a sorted array of 64-bit hashes (2 MiB) rather
than a set of strings (~60 MiB in every worker).
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np

# Words English reporting on Kazakhstan uses that no English dictionary lists.
_KAZAKHSTAN_IN_ENGLISH = frozenset(
    "kazakh kazakhs kazakhstan kazakhstani akimat akimats akim akims maslikhat maslikhats "
    "mazhilis majilis kurultai tenge kzt kures nauryz egov astana almaty shymkent".split()
)
# Endings English inflection adds, and what the dictionary form ends with instead.
_INFLECTIONS = (
    ("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"),
    ("ly", ""), ("er", ""), ("est", ""),
)  # fmt: skip


def _hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


@functools.cache
def _hashes() -> np.ndarray:
    from english_words import get_english_words_set

    found = get_english_words_set(["web2", "gcide"], lower=True, alpha=True)
    return np.unique(np.fromiter(map(_hash, found), dtype=np.uint64, count=len(found)))


def _listed(word: str) -> bool:
    hashes = _hashes()
    key = np.uint64(_hash(word))
    at = int(np.searchsorted(hashes, key))
    return at < len(hashes) and hashes[at] == key


def is_english(word: str) -> bool:
    """A lower-case word in the English word lists, as is or without an inflection's ending
    ("deputies", "voted", "electoral"), or one of Kazakhstan's words English uses."""
    if word in _KAZAKHSTAN_IN_ENGLISH or _listed(word):
        return True
    return any(
        word.endswith(end) and len(word) > len(end) + 2 and _listed(word[: -len(end)] + base)
        for end, base in _INFLECTIONS
    )


def warm() -> None:
    """Load the lists now (0.3 s), not on the first question."""
    _hashes()
