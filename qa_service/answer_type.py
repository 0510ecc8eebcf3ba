"""The answer type a question announces, and whether a sentence holds it.

A classic QA check, used by highlighting (prefer the sentence with the number a "how
many" question wants) and by confidence (a "when" question whose top hits hold no time is
not answered by them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# Answer types a question announces, in kk/ru/en, and what an answering sentence must hold.
# A classic QA check: "how many" wants a number, "when" a time; a passage on the right
# topic without one does not answer (the service must not point at it as if it did).
_QUANTITY_Q = re.compile(
    r"\b(how many|how much|number of|сколько|скольк\w*|количеств\w*|численност\w*|"
    r"қанша|канша|неше|саны|санын)\b",
    re.IGNORECASE,
)
_TIME_Q = re.compile(
    r"\b(when|what year|what date|what day|date|когда|в каком году|какого числа|"
    r"на какое число|в какой день|дата|дату|даты|қашан|кашан|қай жылы|кай жылы|қай күні|"
    r"кай куни|қай кезде|кай кезде|күні|куни|мерзімі|мерзими)\b",
    re.IGNORECASE,
)
# A count: a standalone number that is not a year, an ordinal or part of a name like
# "Referendum-2026"; or a number word ("one" is left out: mostly "one of the ...").
_NUMBER = re.compile(
    r"(?<![\w-])(?!(?:19|20)\d\d(?![\w-]))\d[\d\s.,]*(?![\w-])|\b(two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    r"ninety|hundred|thousand|million|billion|dozen)\b",
    re.IGNORECASE,
)
# A time: a standalone year, a date, a month, or a relative time expression.
_TIME = re.compile(
    r"(?<![\w-])(?:19|20)\d\d(?![\w-])|\b\d{1,2}[./]\d{1,2}\b|(?<![\w-])(january|february|march|"
    r"april|may|june|july|august|september|october|november|december|spring|summer|autumn|"
    r"winter|year|years|month|months|week|weeks|today|tomorrow|yesterday|ago|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday|deadline)(?![\w-])",
    re.IGNORECASE,
)


def expected_type(question: str) -> str | None:
    """``quantity``, ``time``, or None when the question announces no answer type."""
    if _QUANTITY_Q.search(question):
        return "quantity"
    if _TIME_Q.search(question):
        return "time"
    return None


def type_check(question: str) -> Callable[[str], bool] | None:
    """A test that a sentence holds the answer type ``question`` asks for, or None."""
    kind = expected_type(question)
    if kind is None:
        return None
    pattern = _NUMBER if kind == "quantity" else _TIME
    return lambda sentence: pattern.search(sentence) is not None


def type_satisfied(question: str, sentences: Sequence[str]) -> bool:
    """Whether one of ``sentences`` (the highlighted answers) holds what the question
    asks for; always true when it asks for no particular type."""
    check = type_check(question)
    return check is None or any(check(s) for s in sentences)


def holds_type(kind: str, sentence: str) -> bool:
    """Whether ``sentence`` holds an answer of ``kind`` (``quantity`` or ``time``)."""
    pattern = _NUMBER if kind == "quantity" else _TIME
    return pattern.search(sentence) is not None
