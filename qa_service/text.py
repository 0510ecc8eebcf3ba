"""Text helpers shared by ingestion and search: normalization, language guess, hashing.

Kept free of heavy imports so that corpus parsing and request validation stay cheap.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Every quotation mark and apostrophe a copy-paste may add or drop.
QUOTES = "\"'`«»„‚“”‘’‹›″′"
DASHES = "‐‑‒–—―−"
_QUOTE_RE = re.compile(f"[{re.escape(QUOTES)}]")
_DASH_RE = re.compile(f"[{re.escape(DASHES)}]")
_SPACE_RE = re.compile(r"\s+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
# Bidirectional embeddings, overrides and isolates (and the Arabic letter mark): they
# reorder how a text is shown, so an echoed question or an exported one could display
# other than it reads. Removed, not spaced: they sit inside words. Kazakh and Russian
# need none of them.
BIDI_CONTROLS = "\u061c\u202a-\u202e\u2066-\u2069"
_BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")

# Letters found in Kazakh Cyrillic but not in Russian.
_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
_WORD_RE = re.compile(r"\w+")
# Kazakh question and function words as typed on a Russian keyboard (қ -> к, ұ -> у, і ->
# и): none of them is a Russian word, so one of them outweighs nothing Russian.
_KAZAKH_PLAIN_WORDS = frozenset(
    "канша неше кандай калай кашан кайда кай ким кимдер болады бола болама туралы бойынша "
    "жане ушин деп ма ме ба бе па пе жок бар шешим".split()
)
_RUSSIAN_WORDS = frozenset(
    "и в во на с со к о об от до по за из у ли не что как какой какая какие кто когда где "
    "почему сколько это будет будут был была были ещё еще или а но".split()
)
_LATIN_RE = re.compile(r"[A-Za-z]")

# Sentences glued together in a page dump ("in the country.In his remarks"): a lowercase
# letter, digit or bracket, a full stop, and a capital with no space between; or a closing
# quote after the stop ("...the law.”The reform").
_GLUED_RE = re.compile(r"(?<=[a-zа-яәғқңөұүһі0-9)][.!?])(?=[A-ZА-ЯӘҒҚҢӨҰҮҺІ“«\"])")
_GLUED_QUOTE_RE = re.compile(r"(?<=[.!?][”»\"])(?=[A-ZА-ЯӘҒҚҢӨҰҮҺІ])")


def glued_cuts(text: str) -> list[int]:
    """Where a sentence ends and the next begins with no space between, in order.

    "U.S"-style initials are not cuts: a single letter before the stop is not a sentence.
    """
    cuts = sorted(
        {m.start() for m in _GLUED_RE.finditer(text)}
        | {m.start() for m in _GLUED_QUOTE_RE.finditer(text)}
    )
    return [c for c in cuts if not (c >= 3 and not text[c - 3].isalnum() and text[c - 1] == ".")]


def space_glued_sentences(text: str) -> str:
    """``text`` with one space at each ``glued_cuts`` position, so that a sentence shown,
    quoted or read aloud is not run into the next ("Kosherbayev. At the same time")."""
    cuts = glued_cuts(text)
    if not cuts:
        return text
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return " ".join(pieces)


def clean_query(text: str) -> str:
    """NFKC, control characters and bidi controls removed, whitespace collapsed: what a
    question is searched as (and measured as: validate.py)."""
    text = unicodedata.normalize("NFKC", text)
    text = _BIDI_RE.sub("", text)
    text = _CONTROL_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


def dedupe_key(text: str) -> str:
    """A form under which copies that differ only in quotes, dashes, spacing or case match."""
    text = unicodedata.normalize("NFKC", text)
    text = _QUOTE_RE.sub("", text)
    text = _DASH_RE.sub("-", text)
    return _SPACE_RE.sub(" ", text).strip().casefold()


def short_hash(*parts: str, length: int = 12) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def detect_lang(text: str) -> str:
    """Guess kk, ru or en from the script: enough to pick a UI language and a splitter.

    Kazakh-only letters decide kk. Cyrillic without them is Kazakh typed on a Russian
    keyboard when it has more Kazakh question/function words (канша, болады, ма) than
    Russian ones, else ru; anything else en. Latin-script Kazakh is reported as en here;
    search handles it through transliteration instead.
    """
    if any(ch in _KAZAKH_LETTERS for ch in text):
        return "kk"
    cyr = len(_CYRILLIC_RE.findall(text))
    lat = len(_LATIN_RE.findall(text))
    if cyr and cyr >= lat:
        found = _WORD_RE.findall(text.casefold())
        kazakh = sum(w in _KAZAKH_PLAIN_WORDS for w in found)
        russian = sum(w in _RUSSIAN_WORDS for w in found)
        return "kk" if kazakh > russian else "ru"
    return "en"


def word_count(text: str) -> int:
    return len(text.split())
