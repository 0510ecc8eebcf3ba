"""The first stage: a citizen's question -> the ``Query`` every later stage reads.

The question is cleaned (text.py); Kazakh typed in Latin letters is read in its Cyrillic
spelling (e5 has seen little Latin-script Kazakh, and the Cyrillic spelling embeds near the
sources; BM25 keeps the Latin words, which match names directly); the glossary's English
terms for the reform's Russian/Kazakh terms are added to what the chosen retrievers read;
the language is detected unless given.
"""

from __future__ import annotations

from collections.abc import Sequence

from .answer_type import respell
from .glossary import Glossary
from .lexical import (
    latin_kazakh_to_cyrillic,
    latin_russian_to_cyrillic,
    looks_latin_kazakh,
    looks_latin_russian,
    words,
)
from .retrieval.base import Query
from .text import clean_query, detect_lang
from .typos import correct


def reading_of(question: str, glossary: Glossary) -> tuple[str, str, str | None]:
    """(the question respelt, its reading, the reading's language where it was converted
    from Latin letters): misspelt question words and the vote's name in their spelling
    ("кагда будет рефирендум"), then Russian or Kazakh typed in Latin letters in its
    Cyrillic spelling, or English domain words typed one letter wrong corrected (typos.py).
    Every stage that reads the question's words reads the reading.

    Russian first: a Russian question typed in Latin read as Kazakh came out garbled
    ("gde opublikovali" -> "где опубліковалі", the reader taken for a Kazakh one), and in
    the held-out probes only 0.30 of such answerable questions were `high` against 0.51
    of Kazakh ones (docs/quality.md, twentieth session)."""
    spelt = respell(question)
    if looks_latin_russian(spelt):
        return spelt, latin_russian_to_cyrillic(spelt), "ru"
    if looks_latin_kazakh(spelt):
        return spelt, latin_kazakh_to_cyrillic(spelt), "kk"
    # English domain words typed one letter wrong ("constituton"): read as meant.
    spelt = correct(spelt, glossary.english_words)
    return spelt, spelt, None


def prepare(
    question: str, lang: str | None, glossary: Glossary, expand: Sequence[str] = ()
) -> Query:
    """The cleaned question, the texts each retriever reads, its language. ``expand``:
    the retrievers ("dense", "bm25", "latent") whose text gets the glossary's terms."""
    text = clean_query(question)
    # Misspelt question words and the vote's misspelt name read in their spelling
    # ("кагда будет рефирендум"): by every retriever, and by the answer-type checks.
    spelt, reading, read_as = reading_of(text, glossary)
    lang = lang or read_as
    texts = {"dense": reading, "bm25": spelt, "latent": reading}
    matched = glossary.matched(words(reading))
    concepts = [glossary.entries[i].english for i in matched]
    terms = " ".join(dict.fromkeys(w for c in concepts for w in c.split()))
    for name in expand if terms else ():
        texts[name] = f"{texts[name]} ({terms})"
    return Query(
        text=text,
        dense_text=texts["dense"],
        lang=lang or detect_lang(text),
        reading=reading,
        converted=reading != spelt,
        lexical_text=texts["bm25"],
        latent_text=texts["latent"],
        concepts=len(concepts),
        glossary_ids=tuple(matched),
    )
