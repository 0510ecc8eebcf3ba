"""Answer types: what a question asks for, and the typed values a sentence states.

One module for both sides of the classic QA check, in Kazakh, Russian and English:

- ``question_type(question)``: the kind of answer the question announces (a count *of
  what*, a date *of what*, a percentage, a duration, a person in a role, a place, yes/no),
  or None when it announces none ("what does the reform change?");
- ``find_values(sentence)`` (values.py): the numbers with their counted noun, dates
  (with or without a year), percentages and durations a sentence states, each with its
  character span;
- ``answer_values(qtype, sentence)`` / ``states_answer(qtype, sentence)``: the values of
  the sentence that are of the asked kind (and, for a count, of the asked noun).

Why: a passage on the right topic that lacks the asked attribute does not answer ("How
many years will deputies serve?" is not answered by "145 deputies"; "сколько статей" not
by "согласно статье 43"). The confidence stage reads ``states_answer`` for its
attribute-level check, highlighting prefers sentences that state the answer, and the page
shows the found value ("В источнике: 145 депутатов"). Pure functions on strings: no model,
no index; a few regular expressions per sentence (microseconds).

``expected_type`` / ``type_check`` / ``type_satisfied`` / ``holds_type`` are the older
two-kind view (``quantity``, ``time``) kept for the answer-type retriever.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .values import _WORD, VALUE_KINDS, Value, _month_of, _same_word, find_values


@dataclass(frozen=True)
class QuestionType:
    """What a question asks for: ``kind`` (one of ``KINDS``) and ``of``: the words that say
    of what (a count's counted noun, "deputies"; a person's role, "chair"; a percentage's
    measure, "turnout"), empty when the question does not say. ``role_deputy``: a person
    question asks for a deputy (vice, заместитель, орынбасар) rather than the head."""

    kind: str
    of: tuple[str, ...] = ()
    role_deputy: bool = False


_Q = re.IGNORECASE


def _rx(*alternatives: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])", _Q)


_PERCENT_Q = _rx(
    r"what percent\w*", r"what share", r"what proportion", r"percent\w*", r"share of",
    r"turnout", r"какой процент", r"сколько процентов", r"процент\w*", r"доля", r"долю",
    r"явк\w*", r"пайыз\w*", r"үлес\w*", r"улес\w*", r"қатысу\w*", r"катысу\w*",
)  # fmt: skip
_DURATION_Q = _rx(
    r"how long", r"how many (?:years|months|weeks|days)", r"for how many \w+",
    r"(?:what|which) (?:is the )?term", r"term of office", r"сколько (?:лет|месяцев|дней)",
    r"на сколько (?:лет|месяцев)", r"как долго", r"какой срок", r"на какой срок",
    r"срок\w*", r"неше жыл\w*", r"қанша жыл\w*", r"канша жыл\w*", r"қанша уақыт\w*",
    r"мерзім\w*", r"мерзим\w*",
)  # fmt: skip
_COUNT_Q = _rx(
    r"how many",
    r"how much",
    r"number of",
    r"сколько",
    r"количеств\w*",
    r"числ[оа]",
    r"численност\w*",
    r"қанша",
    r"канша",
    r"неше",
    r"саны",
    r"санын",
    r"сан[ыі]\s+қанша",
)
_DATE_Q = _rx(
    r"when", r"what year", r"which year", r"what date", r"what day", r"date", r"когда",
    r"в каком году", r"какого числа", r"на какое число", r"в какой день", r"дата", r"дату",
    r"даты", r"қашан", r"кашан", r"қай жылы", r"кай жылы", r"қай күні", r"кай куни",
    r"қай кезде", r"кай кезде", r"қай уақытта", r"күні", r"куни",
)  # fmt: skip
_PERSON_Q = _rx(
    r"who", r"whom", r"whose", r"кто", r"кого", r"кем", r"кому", r"чей", r"чья", r"кім\w*",
    r"ким", r"кимди", r"кимге",
)  # fmt: skip
_PLACE_Q = _rx(r"where", r"где", r"куда", r"откуда", r"қайда", r"кайда", r"қай жерде",
               r"қай қалада", r"в каком городе")  # fmt: skip
_YESNO_EN = re.compile(
    r"^\s*(?:is|are|was|were|will|would|does|do|did|can|could|should|shall|has|have|had|may)\b",
    _Q,
)
_YESNO_RU = _rx(r"ли")
_YESNO_KK = re.compile(r"(?<![\w-])(?:ма|ме|ба|бе|па|пе)\b\s*\??\s*$|\w(?:ма|ме)\?\s*$", _Q)
# Role words a "who" question names, by role.
_ROLES = {
    "chair": (
        r"chair\w*", r"head\w*", r"lead\w*", r"председател\w*", r"возглав\w*", r"руковод\w*",
        r"глав[аы]", r"төраға\w*", r"торага\w*", r"басқар\w*", r"баскар\w*", r"жетекш\w*",
        r"басшы\w*",
    ),
    "speaker": (r"speaker", r"спикер\w*"),
    "minister": (r"minister\w*", r"министр\w*"),
    "president": (r"president\w*", r"президент\w*", r"presiden\w*"),
}  # fmt: skip
_DEPUTY = _rx(r"deputy", r"vice", r"заместител\w*", r"зам\w*", r"орынбасар\w*")
_GENERIC_COUNTED = frozenset(
    "people persons person citizens residents человек людей граждан жителей адам кісі "
    "азамат times раз рет".split()
)
# Words after the cue that do not name what is counted.
_COUNT_SKIP = frozenset(
    "will be are is were was there do does did of the a in on at all total в на по было будет "
    "будут всего всего-то бар болады болды болмақ".split()
)


def question_type(question: str) -> QuestionType | None:
    """The answer type ``question`` announces, or None. Checked most specific first: a
    percentage ("what share", "явка"), a duration ("how many years", "срок"), a count (of
    the noun after "how many" / "сколько" / "қанша", or before "саны"), a date, a person
    (with the role asked), a place, yes/no."""
    q = question.strip()
    if _PERCENT_Q.search(q):
        return QuestionType("percentage", _measure(q))
    if _DURATION_Q.search(q):
        return QuestionType("duration")
    cue = _COUNT_Q.search(q)
    if cue:
        return QuestionType("count", _counted(q, cue))
    if _DATE_Q.search(q):
        return QuestionType("date")
    if _PERSON_Q.search(q):
        roles = tuple(r for r, forms in _ROLES.items() if _rx(*forms).search(q))
        return QuestionType("person", roles, bool(_DEPUTY.search(q)))
    if _PLACE_Q.search(q):
        return QuestionType("place")
    if _YESNO_EN.search(q) or _YESNO_RU.search(q) or _YESNO_KK.search(q):
        return QuestionType("yesno")
    return None


def _measure(question: str) -> tuple[str, ...]:
    m = re.search(r"turnout|явк\w*|қатысу\w*|катысу\w*", question, _Q)
    return ("turnout",) if m else ()


def _counted(question: str, cue: re.Match) -> tuple[str, ...]:
    """The noun a count question counts: after the cue (en/ru "how many deputies",
    "сколько депутатов", kk "неше депутат"), or before "саны"/"number" ("депутаттар
    саны"). Generic nouns (people, человек, адам) say nothing: empty."""
    after = [w for w in _WORD.findall(question[cue.end() :]) if w.casefold() not in _COUNT_SKIP]
    before = _WORD.findall(question[: cue.start()])
    if cue.group(0).casefold().startswith(("сан", "number", "количеств", "числ")) and before:
        word = before[-1] if cue.group(0).casefold().startswith("сан") else (after or [""])[0]
    else:
        word = after[0] if after else ""
    if not word or word.casefold() in _GENERIC_COUNTED or word[0].isdigit():
        return ()
    return (word.casefold(),)


# --- matching ----------------------------------------------------------------------------------


def answer_values(
    qtype: QuestionType | None,
    sentence: str,
    translate: Callable[[str], Sequence[str]] | None = None,
) -> list[Value]:
    """The values of ``sentence`` that answer a question of type ``qtype``: of its kind,
    and for a count, counting the asked noun when the question names one.

    ``translate(word)``: other-language forms of a word (e.g. the glossary's English for a
    Russian term) so "сколько депутатов" matches "145 deputies". Person, place and yes/no
    questions have no values here (``states_answer`` checks them)."""
    if qtype is None or qtype.kind not in VALUE_KINDS:
        return []
    values = [v for v in find_values(sentence) if v.kind == qtype.kind]
    if qtype.kind == "count":
        values = [v for v in values if v.unit and not _reference_unit(v.unit)]
        if qtype.of:
            values = [v for v in values if _counts(v.unit, qtype.of, translate)]
    return values


def _reference_unit(unit: str) -> bool:
    """A number followed by a month or a time unit was not caught as a date or a duration
    only when malformed; never a count either."""
    first = unit.split()[0]
    return _month_of(first) is not None


def _counts(unit: str, of: Sequence[str], translate) -> bool:
    wanted = list(of)
    if translate is not None:
        wanted += [t for w in of for t in translate(w)]
    return any(_same_word(u, w) for u in unit.split() for w in wanted)


def states_answer(
    qtype: QuestionType | None,
    sentence: str,
    translate: Callable[[str], Sequence[str]] | None = None,
) -> bool:
    """Whether ``sentence`` states an answer of the type the question asks for. True when
    the question asks for no particular type, and for yes/no questions (their answer is
    the sentence itself); a person question needs a name (two capitalized words) and the
    role it asks (a "who chairs" question is not answered by a deputy chair alone); a
    place question a capitalized name past the first word."""
    if qtype is None or qtype.kind == "yesno":
        return True
    if qtype.kind in VALUE_KINDS:
        return bool(answer_values(qtype, sentence, translate))
    if qtype.kind == "person":
        if not re.search(r"(?<!^)\b[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w'’.-]+\s+[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w'’-]+",
                         sentence):  # fmt: skip
            return False
        return all(_role_stated(role, qtype.role_deputy, sentence) for role in qtype.of)
    if qtype.kind == "place":
        return bool(re.search(r"\s[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]+", sentence))
    return True


def _role_stated(role: str, deputy: bool, sentence: str) -> bool:
    pattern = _rx(*_ROLES[role])
    found = list(pattern.finditer(sentence))
    if not found:
        return False
    if deputy:
        return bool(_DEPUTY.search(sentence))
    # A head's role: at least one mention not qualified by "deputy" just before it.
    return any(not _DEPUTY.search(sentence[max(0, m.start() - 16) : m.start()]) for m in found)


# --- the older two-kind view (the answer-type retriever, highlighting) -------------------------

_LEGACY = {"count": "quantity", "percentage": "quantity", "duration": "quantity", "date": "time"}


def expected_type(question: str) -> str | None:
    """``quantity`` (a count, percentage or duration), ``time`` (a date), or None."""
    qtype = question_type(question)
    return _LEGACY.get(qtype.kind) if qtype else None


def holds_type(kind: str, sentence: str) -> bool:
    """Whether ``sentence`` holds an answer of ``kind``: ``quantity`` (a count, percentage
    or duration), ``time`` (a date or a duration), or one of ``VALUE_KINDS``."""
    values = find_values(sentence)
    if kind == "quantity":
        return any(v.kind in ("count", "percentage", "duration") for v in values)
    if kind == "time":
        return any(v.kind in ("date", "duration") for v in values)
    return any(v.kind == kind for v in values)


def type_check(question: str) -> Callable[[str], bool] | None:
    """A test that a sentence states a value of the kind ``question`` asks for, or None when
    it asks for no value (highlighting's bonus; the noun is not compared here)."""
    qtype = question_type(question)
    if qtype is None or qtype.kind not in VALUE_KINDS:
        return None
    kind_only = QuestionType(qtype.kind)  # no noun: the sentence may be in another language
    return lambda sentence: states_answer(kind_only, sentence)


def type_satisfied(question: str, sentences: Sequence[str]) -> bool:
    """Whether one of ``sentences`` (the highlighted answers) states a value of the kind the
    question asks for; always true when it asks for no value."""
    check = type_check(question)
    return check is None or any(check(s) for s in sentences)
