"""Answer types: what a question asks for, and the typed values a sentence states.

One module for both sides of the classic QA check, in Kazakh, Russian and English:

- ``question_type(question)``: the kind of answer the question announces (a count *of
  what*, a date *of what*, a percentage, a duration, a person in a role, a place, yes/no),
  or None when it announces none ("what does the reform change?");
- ``find_values(sentence)``: the numbers with their counted noun, dates (with or without a
  year), percentages and durations a sentence states, each with its character span;
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

KINDS = ("count", "date", "percentage", "duration", "person", "place", "yesno")
VALUE_KINDS = ("count", "date", "percentage", "duration")

_KK_LETTERS = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def _fold(word: str) -> str:
    """Lower case; Kazakh letters to their Russian look-alikes (as people type them)."""
    return word.casefold().replace("ё", "е").translate(str.maketrans("әғқңөұүһі", "агкноуухи"))


def _same_word(a: str, b: str) -> bool:
    """Two word forms of one word: a common beginning of at least 4 letters covering all
    but a short ending of each (deputies/deputy, депутатов/депутат, статей/статьи)."""
    a, b = _fold(a), _fold(b)
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 4 and n >= min(len(a), len(b)) - 3 or (n >= 3 and a == b)


# --- vocabulary ------------------------------------------------------------------------------

_MONTHS = {
    # en, ru (stems cover the cases), kk
    1: ("january", "jan", "январ", "қаңтар"),
    2: ("february", "feb", "феврал", "ақпан"),
    3: ("march", "mar", "март", "наурыз"),
    4: ("april", "apr", "апрел", "сәуір"),
    5: ("may", "мая", "май", "мае", "мамыр"),
    6: ("june", "jun", "июн", "маусым"),
    7: ("july", "jul", "июл", "шілде"),
    8: ("august", "aug", "август", "тамыз"),
    9: ("september", "sept", "sep", "сентябр", "қыркүйек"),
    10: ("october", "oct", "октябр", "қазан"),
    11: ("november", "nov", "ноябр", "қараша"),
    12: ("december", "dec", "декабр", "желтоқсан"),
}
_MONTH_ALT = "|".join(sorted({m for ms in _MONTHS.values() for m in ms}, key=len, reverse=True))
_MONTH = rf"(?:{_MONTH_ALT})[^\W\d_]*"
_YEAR = r"(?:19|20)\d\d"
_SEASON = (
    r"spring|summer|autumn|fall|winter|весн\w*|летом|осен\w*|зим\w*|"
    r"көктем\w*|жазда|жазғы|күзде|күзгі|қыста|қысқы"
)

_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
    "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3, "трёх": 3, "четыре": 4,
    "четырех": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6, "семь": 7, "восемь": 8,
    "девять": 9, "десять": 10, "двенадцать": 12, "пятнадцать": 15, "двадцать": 20,
    "тридцать": 30, "сорок": 40, "пятьдесят": 50, "сто": 100,
    "екі": 2, "үш": 3, "төрт": 4, "бес": 5, "алты": 6, "жеті": 7, "сегіз": 8,
    "тоғыз": 9, "он": 10, "жиырма": 20, "отыз": 30, "қырық": 40, "елу": 50, "жүз": 100,
}  # fmt: skip
_KK_ONLY_NUMBER_WORDS = {"он", "бес", "жүз", "екі", "үш", "төрт", "алты", "жеті", "сегіз"}
_SCALES = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "тыс": 1e3, "тысяч": 1e3,
    "тысячи": 1e3, "млн": 1e6, "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6,
    "млрд": 1e9, "мың": 1e3, "миллиард": 1e9,
}  # fmt: skip
# Time units of a duration, by language form -> unit.
_DURATION_UNITS = (
    (r"years?|лет|года?|год|жыл\w*", "year"),
    (r"months?|месяц\w*|ай\w*", "month"),
    (r"weeks?|недел\w*|апта\w*", "week"),
    (r"days?|дн[яей]\w*|день|күн\w*", "day"),
)
_DIGITS = r"\d{1,3}(?:[ \u00a0\u202f,]\d{3})+(?![\d])|\d+(?:[.,]\d+)?"
_NUMWORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_PERCENT = r"%|\s?(?:per ?cent\w*|процент\w*|пайыз\w*)"
# Nouns before a number that make it a reference, not a count: "Article 9", "статье 43".
_REFERENCE = re.compile(
    r"(?:article|articles|paragraph|clause|section|point|no\.?|№|стать[яиюей]|статей|"
    r"пункт\w*|част\w*|бап\w*|тармақ\w*|number)\s*$",
    re.IGNORECASE,
)
_FUNCTION_WORDS = frozenset(
    "of in on at by to for from the a an and or with than as per и в во на с со по из от "
    "для до за к о об или чем же бы ли не да мен мен және де да бен пен".split()
)


@dataclass(frozen=True)
class Value:
    """A typed value a sentence states: ``kind`` (count, date, percentage, duration),
    ``start``:``end`` its span in the sentence, ``text`` that span, ``number`` (the count,
    the percentage, the duration's amount, a date's year or None), ``unit`` (a count's
    counted noun as written, a duration's ``year``/``month``/``week``/``day``, a date's
    granularity ``day``/``month``/``year``/``season``) and ``iso`` (a date: ``2026-03-15``;
    ``--03-15`` without a year; ``2026-03``; ``2026``)."""

    kind: str
    start: int
    end: int
    text: str
    number: float | None = None
    unit: str = ""
    iso: str = ""


@dataclass(frozen=True)
class QuestionType:
    """What a question asks for: ``kind`` (one of ``KINDS``) and ``of``: the words that say
    of what (a count's counted noun, "deputies"; a person's role, "chair"; a percentage's
    measure, "turnout"), empty when the question does not say. ``role_deputy``: a person
    question asks for a deputy (vice, заместитель, орынбасар) rather than the head."""

    kind: str
    of: tuple[str, ...] = ()
    role_deputy: bool = False


# --- numbers -----------------------------------------------------------------------------------


def parse_number(text: str) -> float | None:
    """``12,482,613`` / ``12 482 613`` -> 12482613; ``72.8`` / ``72,8`` -> 72.8; a number word
    -> its value; None when it is none of these."""
    t = text.strip().casefold()
    if t in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[t])
    if re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f,]\d{3})+", t):
        return float(re.sub(r"\D", "", t))
    if re.fullmatch(r"\d+(?:[.,]\d+)?", t):
        return float(t.replace(",", "."))
    return None


def _month_of(word: str) -> int | None:
    w = word.casefold()
    for number, forms in _MONTHS.items():
        for form in forms:
            if len(form) <= 3 and form.isascii():  # en abbreviations: whole word only
                if w == form or w == form + ".":
                    return number
            elif w.startswith(form):
                return number
    return None


# --- the value finder ------------------------------------------------------------------------

_DATE_PATTERNS = (
    # 2026-03-15
    (re.compile(rf"(?<!\d)(?P<y>{_YEAR})-(?P<m>\d\d)-(?P<d>\d\d)(?!\d)"), "ymd"),
    # 15.03.2026
    (re.compile(rf"(?<![\d.])(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>{_YEAR})(?!\d)"), "dmy"),
    # 2026 жылғы 15 наурыз(да)
    (
        re.compile(
            rf"(?<!\d)(?P<y>{_YEAR})\s+ж(?:ылғы|\.)\s+(?P<d>\d{{1,2}})\s+(?P<mon>{_MONTH})",
            re.IGNORECASE,
        ),
        "kk",
    ),
    # 15 March 2026, 15 марта 2026 года, 15 наурыз
    (
        re.compile(
            rf"(?<![\d.,])(?P<d>\d{{1,2}})(?:-?(?:го|ое|е|st|nd|rd|th))?\s+(?P<mon>{_MONTH})"
            rf"(?:,?\s+(?P<y>{_YEAR})(?:\s*(?:года|году|г\.|жылы|жылғы|ж\.))?)?",
            re.IGNORECASE,
        ),
        "dm",
    ),
    # March 15, 2026 / March 15
    (
        re.compile(
            rf"\b(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d.,]\d)"
            rf"(?:,?\s+(?P<y>{_YEAR}))?",
            re.IGNORECASE,
        ),
        "md",
    ),
    # March 2026, сентябре 2025 года, қыркүйек 2025
    (
        re.compile(rf"\b(?P<mon>{_MONTH})\s+(?P<y>{_YEAR})(?!\d)", re.IGNORECASE),
        "my",
    ),
    # 2027, в 2027 году, 2027 жылы
    (
        re.compile(
            rf"(?<![\w.,-])(?P<y>{_YEAR})(?:\s*(?:года|году|год|г\.|жылы|жылғы|жылдың|ж\.))?"
            rf"(?![\w-])",
            re.IGNORECASE,
        ),
        "y",
    ),
    (re.compile(rf"(?<![\w-])(?:{_SEASON})(?![\w-])", re.IGNORECASE), "season"),
)

_PERCENT_RE = re.compile(rf"(?<![\w.,])(?P<n>{_DIGITS})(?P<u>{_PERCENT})", re.IGNORECASE)
_DURATION_RE = re.compile(
    rf"(?<![\w.,])(?P<n>{_DIGITS}|{_NUMWORD})[\s-]+(?P<u>{'|'.join(u for u, _ in _DURATION_UNITS)})"
    r"(?![\w])",
    re.IGNORECASE,
)
# "five-year term", "пятилетний срок", "бес жылдық"
_DURATION_ADJ = re.compile(
    r"(?<![\w-])(?P<w>(?:one|two|three|four|five|six|seven|ten)-year|"
    r"(?:одно|двух|трех|трёх|четырех|пяти|шести|семи)летн\w*|"
    r"(?:бір|екі|үш|төрт|бес|алты|жеті)\s+жылдық)(?![\w-])",
    re.IGNORECASE,
)
_ADJ_YEARS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10,
    "одно": 1, "двух": 2, "трех": 3, "трёх": 3, "четырех": 4, "пяти": 5, "шести": 6,
    "семи": 7, "бір": 1, "екі": 2, "үш": 3, "төрт": 4, "бес": 5, "алты": 6, "жеті": 7,
}  # fmt: skip
_NUMBER_RE = re.compile(
    rf"(?<![\w.,-])(?P<n>{_DIGITS}|{_NUMWORD})(?:\s+(?P<s>{'|'.join(_SCALES)}))?(?![\w-])",
    re.IGNORECASE,
)


def find_values(sentence: str) -> list[Value]:
    """The dates, percentages, durations and counts ``sentence`` states, in order of their
    place; spans never overlap (a date's day is not also a count)."""
    taken: list[tuple[int, int]] = []
    out: list[Value] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(value: Value) -> None:
        taken.append((value.start, value.end))
        out.append(value)

    for pattern, shape in _DATE_PATTERNS:
        for m in pattern.finditer(sentence):
            if free(m.start(), m.end()):
                value = _date(m, shape, sentence)
                if value is not None:
                    add(value)
    for m in _PERCENT_RE.finditer(sentence):
        if free(m.start(), m.end()):
            add(Value("percentage", m.start(), m.end(), m.group(0), parse_number(m["n"]), "%"))
    kazakh = bool(_KK_LETTERS.search(sentence))
    for m in _DURATION_RE.finditer(sentence):
        if not free(m.start(), m.end()) or not _number_word_ok(m["n"], kazakh):
            continue
        if re.fullmatch(_YEAR, m["n"]):  # "2026 жыл" is a year, not 2026 years
            continue
        unit = next(u for form, u in _DURATION_UNITS if re.fullmatch(form, m["u"], re.I))
        add(Value("duration", m.start(), m.end(), m.group(0), parse_number(m["n"]), unit))
    for m in _DURATION_ADJ.finditer(sentence):
        if free(m.start(), m.end()):
            head = re.split(r"[-\s]|лет", m["w"].casefold())[0]
            add(Value("duration", m.start(), m.end(), m.group(0), _ADJ_YEARS.get(head), "year"))
    for m in _NUMBER_RE.finditer(sentence):
        if not free(m.start(), m.end()) or not _number_word_ok(m["n"], kazakh):
            continue
        if _REFERENCE.search(sentence[: m.start()]):
            continue  # "Article 9", "статье 43": which one, not how many
        number = parse_number(m["n"])
        if number is None:
            continue
        if m["s"]:
            number *= _SCALES[m["s"].casefold()]
        noun, end = _counted_noun(sentence, m.end())
        if not noun and number < 2 and "." not in m["n"]:
            continue
        add(Value("count", m.start(), end or m.end(), sentence[m.start() : end or m.end()],
                  number, noun))  # fmt: skip
    return sorted(out, key=lambda v: v.start)


def _number_word_ok(token: str, kazakh: bool) -> bool:
    """Kazakh number words that are Russian words too ("он": he) count only in Kazakh."""
    return token.casefold() not in _KK_ONLY_NUMBER_WORDS or kazakh


def _date(m: re.Match, shape: str, sentence: str) -> Value | None:
    groups = m.groupdict()
    year = int(groups["y"]) if groups.get("y") else None
    if shape == "season":
        return Value("date", m.start(), m.end(), m.group(0), None, "season")
    if shape == "y":
        return Value("date", m.start(), m.end(), m.group(0), float(year), "year", f"{year}")
    if groups.get("mon"):
        month = _month_of(groups["mon"])
        if month is None:
            return None
    else:
        month = int(groups["m"])
    if not 1 <= month <= 12:
        return None
    if shape == "my":
        return Value("date", m.start(), m.end(), m.group(0), float(year), "month",
                     f"{year}-{month:02d}")  # fmt: skip
    day = int(groups["d"])
    if not 1 <= day <= 31:
        return None
    iso = f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    return Value("date", m.start(), m.end(), m.group(0), float(year) if year else None, "day", iso)


# Endings of adjectives and participles before the counted noun (en, ru, kk).
_ADJECTIVE = re.compile(
    r"(?:ble|al|ed|ive|ful|ous|ic|ых|ые|ий|ый|ая|ое|их|ой|ших|вших|тын|тін|ған|ген|қан|кен)$",
    re.IGNORECASE,
)


def _counted_noun(sentence: str, at: int) -> tuple[str, int]:
    """The noun a number counts: the next one or two words ("145 deputies", "12,482,613
    eligible voters", "145 депутатов"); ("", 0) when a function word or punctuation
    follows. Returns the words and where they end."""
    rest = sentence[at:]
    m = re.match(r"\s+", rest)
    if m is None:
        return "", 0
    words = []
    pos = at + m.end()
    end = 0
    for w in _WORD.finditer(sentence, pos):
        if w.start() != pos or w.group(0).casefold() in _FUNCTION_WORDS or w.group(0)[0].isdigit():
            break
        words.append(w.group(0))
        end = w.end()
        gap = re.match(r"[ \u00a0]+", sentence[end:])
        if len(words) == 2 or gap is None or not _ADJECTIVE.search(w.group(0)):
            break  # a noun ends it; an adjective ("eligible", "зарегистрированных") not
        pos = end + gap.end()
    return " ".join(words), end


# --- the question's type ---------------------------------------------------------------------

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
