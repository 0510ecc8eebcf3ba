"""Typed values a sentence states: numbers with their counted noun, dates (with or
without a year), percentages, durations and times of day, each with its character span, in Kazakh,
Russian and English (``find_values``). The other side of the answer-type check
(answer_type.py reads them against what a question asks); pure functions on strings."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

KINDS = ("count", "date", "percentage", "duration", "clock", "person", "place", "yesno")
VALUE_KINDS = ("count", "date", "percentage", "duration", "clock")

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
    "тридцать": 30, "сорок": 40, "пятьдесят": 50, "сто": 100, "семи": 7, "восьми": 8,
    "девяти": 9, "десяти": 10, "четырёх": 4, "двенадцати": 12, "пятнадцати": 15,
    "двадцати": 20, "тридцати": 30,
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
    "для до за к о об или чем же бы ли не да мен мен және де да бен пен "
    # Kazakh verbs that follow a number ("депутаттар саны 145 болады"): no counted noun.
    "болады болды болмақ болып құрайды құрады".split()
)


@dataclass(frozen=True)
class Value:
    """A typed value a sentence states: ``kind`` (count, date, percentage, duration, clock),
    ``start``:``end`` its span in the sentence, ``text`` that span, ``number`` (the count,
    the percentage, the duration's amount, a time of day's hours since midnight, a date's
    year or None), ``unit`` (a count's
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


@functools.lru_cache(maxsize=16384)
def _month_of(word: str) -> int | None:
    """The month a word names (any language, any case ending), or None. Cached: every
    counted noun of every highlighted sentence asks (``answer_type._reference_unit``)."""
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

# A time of day: "7:00", "07:00-ден", "20:00-ге дейін", "7 a.m.", "8 p.m.", "8 вечера",
# "сағат 7-де". (Not "8 часов": that is also eight hours.)
_CLOCK_RE = re.compile(
    r"(?<![\d:.,])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?![\d:])"
    r"(?:\s?(?P<ap>[ap])\.?\s?m\b\.?)?"
    r"|(?<![\w.,:])(?P<h2>1[0-2]|0?[1-9])\s?(?P<ap2>[ap])\.?\s?m\b\.?"
    r"|(?<![\w.,:])(?P<h3>[01]?\d|2[0-3])\s+(?:час(?:а|ов)?\s+)?(?P<part>утра|вечера|дня|ночи)\b"
    r"|(?<=са[ғг]ат\s)(?P<h4>[01]?\d|2[0-3])(?=-)",
    re.IGNORECASE,
)


def _clock(m: re.Match) -> Value:
    """A time of day as hours since midnight (7:30 -> 7.5, 8 p.m. -> 20)."""
    hour = int(m["h"] or m["h2"] or m["h3"] or m["h4"])
    minutes = int(m["m"]) if m["m"] else 0
    ap = (m["ap"] or m["ap2"] or "").casefold()
    part = (m["part"] or "").casefold()
    if (ap == "p" or part in ("вечера", "дня")) and hour < 12:
        hour += 12
    elif ap == "a" and hour == 12:
        hour = 0
    return Value("clock", m.start(), m.end(), m.group(0), hour + minutes / 60, "clock")


# A share said in words, as a rule states a threshold: "more than half of all eligible
# voters", "больше половины граждан", "сайлаушылардың жартысынан көбі" (50 percent).
_HALF_RE = re.compile(
    r"(?<!\w)(?:(?:more|less) than half|over half|at least half|"
    r"(?:больше|более|меньше|менее|свыше|не менее) половины|"
    r"жартысынан (?:көб\w*|астам\w*|кем емес))(?!\w)",
    re.IGNORECASE,
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
# One unit of time without a digit: "within one month", "for a year", "в течение месяца",
# "через год", "бір ай ішінде" (a bare "one" is no number elsewhere: "one of the ...";
# a bare "на" neither: "на день голосования" is the voting day).
_DURATION_ONE = re.compile(
    r"(?<![\w-])(?:(?:within|in|for|after|over)\s+(?:one|a|an|a single)\s+"
    r"(?P<en>year|month|week|day)|(?:в течение|в течении|через|сроком на)\s+(?:один\s+|одну\s+)?"
    r"(?P<ru>года?|месяца?|недел[юи]|дня|день)|бір\s+(?P<kk>жыл|ай|апта|күн)\w*)(?![\w-])",
    re.IGNORECASE,
)
_ONE_UNITS = {
    "year": "year", "month": "month", "week": "week", "day": "day", "год": "year",
    "года": "year", "месяц": "month", "месяца": "month", "неделю": "week", "недели": "week",
    "дня": "day", "день": "day", "жыл": "year", "ай": "month", "апта": "week", "күн": "day",
}  # fmt: skip
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
    """The times of day, dates, percentages, durations and counts ``sentence`` states, in
    order of their place; spans never overlap (a date's day is not also a count). Cached: the same
    sources' sentences come back request after request."""
    return list(_find_values(sentence))


@functools.lru_cache(maxsize=65536)
def _find_values(sentence: str) -> tuple[Value, ...]:
    taken: list[tuple[int, int]] = []
    out: list[Value] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(value: Value) -> None:
        taken.append((value.start, value.end))
        out.append(value)

    for m in _CLOCK_RE.finditer(sentence):  # first: its digits are no count, no date
        add(_clock(m))
    for pattern, shape in _DATE_PATTERNS:
        for m in pattern.finditer(sentence):
            if free(m.start(), m.end()):
                if shape == "y" and _names_document(sentence, m.start(), m.end()):
                    taken.append((m.start(), m.end()))  # a name: neither a date nor a count
                    continue
                value = _date(m, shape, sentence)
                if value is not None:
                    add(value)
    for m in _HALF_RE.finditer(sentence):
        if free(m.start(), m.end()):
            add(Value("percentage", m.start(), m.end(), m.group(0), 50.0, "%"))
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
    for m in _DURATION_ONE.finditer(sentence):
        if free(m.start(), m.end()):
            said = (m["en"] or m["ru"] or m["kk"]).casefold()
            add(Value("duration", m.start(), m.end(), m.group(0), 1.0, _ONE_UNITS[said]))
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
        if not noun:
            noun = _noun_before(sentence[: m.start()])
        if not noun and number < 2 and "." not in m["n"]:
            continue
        add(Value("count", m.start(), end or m.end(), sentence[m.start() : end or m.end()],
                  number, noun))  # fmt: skip
    return tuple(sorted(out, key=lambda v: v.start))


def _number_word_ok(token: str, kazakh: bool) -> bool:
    """Kazakh number words that are Russian words too ("он": he) count only in Kazakh."""
    return token.casefold() not in _KK_ONLY_NUMBER_WORDS or kazakh


# A year that names a document ("the 1995 Constitution", "the 1995 text", "1995 жылғы
# Конституция", "Конституции 1995 года"): no date of an event ("On the same day the powers
# of the Parliament elected under the 1995 Constitution ended" states no date of the
# Senate's end; thirteenth session's probe).
_NAMES_DOCUMENT_AFTER = re.compile(
    r"(?:\s+ж(?:ылғы|ылгы|\.))?\s+(?:constitution|text|basic law|конституц|ата\s+за[ңн])",
    re.IGNORECASE,
)
_NAMES_DOCUMENT_BEFORE = re.compile(r"(?:конституци\w*|основного закона)\s+$", re.IGNORECASE)


def _names_document(sentence: str, start: int, end: int) -> bool:
    """Whether the year at ``sentence[start:end]`` is part of a document's name."""
    return bool(
        _NAMES_DOCUMENT_AFTER.match(sentence, end)
        or _NAMES_DOCUMENT_BEFORE.search(sentence, max(0, start - 40), start)
    )


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


# The counted noun named before the number: "the number of deputies will be 145", "число
# депутатов составит 145", "депутаттар саны 145 болады".
_NOUN_BEFORE = re.compile(
    r"(?:(?:number|total) of|(?:число|количество|численность))\s+(?P<a>[^\W\d_]+)"
    r"|(?P<b>[^\W\d_]+)\s+(?:саны|санын)",
    re.IGNORECASE,
)


def _noun_before(head: str) -> str:
    """The noun a bare number counts when the clause before it names it ("the number of
    deputies will be 145"), else ""."""
    head = head[-80:]
    found = list(_NOUN_BEFORE.finditer(head))
    if not found:
        return ""
    last = found[-1]
    between = head[last.end() :]  # at most a few words, no punctuation, no other number
    if len(between) > 24 or re.search(r"[.,;:\d]", between):
        return ""
    return last["a"] or last["b"]


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


# --- two values compared ---------------------------------------------------------------------


def agree(a: Value, b: Value) -> bool:
    """Two values of one kind that do not contradict each other: equal numbers; dates
    equal where both say (a year alone agrees with any date in that year; a date without a
    year with any year's same day)."""
    if a.kind != b.kind:
        return False
    if a.kind != "date":
        if a.kind == "duration" and a.unit != b.unit:
            return False
        return a.number is not None and b.number is not None and abs(a.number - b.number) < 1e-6
    if not a.iso or not b.iso:  # a season: says too little to contradict
        return True
    if a.iso.startswith("--") or b.iso.startswith("--"):
        return a.iso[-5:] == b.iso[-5:] or len(a.iso) < 6 or len(b.iso) < 6
    n = min(len(a.iso), len(b.iso))
    return a.iso[:n] == b.iso[:n]
