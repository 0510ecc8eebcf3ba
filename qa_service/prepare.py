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
from .lexical import latin_kazakh_to_cyrillic, looks_latin_kazakh, words
from .retrieval.base import Query
from .text import clean_query, detect_lang
from .typos import correct


def reading_of(question: str, glossary: Glossary) -> tuple[str, str]:
    """(the question respelt, its reading): misspelt question words and the vote's name in
    their spelling ("кагда будет рефирендум"), then Kazakh typed in Latin letters in its
    Cyrillic spelling, or English domain words typed one letter wrong corrected (typos.py).
    Every stage that reads the question's words reads the reading."""
    spelt = respell(question)
    if looks_latin_kazakh(spelt):
        return spelt, latin_kazakh_to_cyrillic(spelt)
    # English domain words typed one letter wrong ("constituton"): read as meant.
    spelt = correct(spelt, glossary.english_words)
    return spelt, spelt


def prepare(
    question: str, lang: str | None, glossary: Glossary, expand: Sequence[str] = ()
) -> Query:
    """The cleaned question, the texts each retriever reads, its language. ``expand``:
    the retrievers ("dense", "bm25", "latent") whose text gets the glossary's terms."""
    text = clean_query(question)
    # Misspelt question words and the vote's misspelt name read in their spelling
    # ("кагда будет рефирендум"): by every retriever, and by the answer-type checks.
    spelt, reading = reading_of(text, glossary)
    if reading != spelt:
        lang = lang or "kk"
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
