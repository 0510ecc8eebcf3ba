"""Which language an article is in, so that one in none of kk, ru, en is refused, not
mislabelled.

``text.detect_lang`` only chooses among kk, ru and en (it reads the script), so a German
or Polish page came out as ``en``. Here a detector that knows about 97 languages
(py3langid, the one trafilatura itself uses; its model ships in the package, nothing is
downloaded) is asked first, and its answer is trusted only where it cannot be one of our
three in disguise:

- Latin script: Kazakh typed in Latin letters reads to it as Turkmen, Uzbek or Turkish,
  so a Turkic answer keeps the script's guess (``en``; search transliterates it);
- Cyrillic: only Ukrainian, Belarusian, Bulgarian, Macedonian, Serbian and Mongolian are
  taken as other languages; anything else stays with the script's guess (kk or ru).

The service refuses the others at import and reindex (README: why not serve them).
"""

from __future__ import annotations

import functools

from .text import detect_lang

TURKIC = frozenset({"tk", "tr", "uz", "az", "kk", "ky", "tt", "ug"})
OTHER_CYRILLIC = frozenset({"uk", "be", "bg", "mk", "sr", "mn"})
MIN_CHARS = 200  # below this a detector's guess is too weak to refuse an article on


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def article_language(text: str) -> str:
    """kk, ru or en as ``detect_lang`` says, or the ISO 639-1 code of another language
    the text is clearly in."""
    guess = detect_lang(text)
    if len(text) < MIN_CHARS:
        return guess
    found, probability = _identifier().classify(text)
    if probability < 0.9 or found == guess:
        return guess
    if guess == "en" and found not in TURKIC:
        return found
    if guess in ("kk", "ru") and found in OTHER_CYRILLIC:
        return found
    return guess
