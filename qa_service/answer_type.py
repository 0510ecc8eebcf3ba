"""Answer types: what a question asks for, and the typed values a sentence states.

One module for both sides of the classic QA check, in Kazakh, Russian and English:

- ``question_type(question)``: the kind of answer the question announces (a count *of
  what*, a date *of what*, a percentage, a duration, a time of day, a person in a role, a
  place, yes/no), or None when it announces none ("what does the reform change?");
- ``find_values(sentence)`` (values.py): the numbers with their counted noun, dates
  (with or without a year), percentages, durations and times of day a sentence states,
  each with its character span;
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

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .places import places_in
from .values import _WORD, VALUE_KINDS, Value, _month_of, _same_word, find_values


@dataclass(frozen=True)
class QuestionType:
    """What a question asks for: ``kind`` (one of ``KINDS``) and ``of``: the words that say
    of what (a count's counted noun, "deputies"; a person's role, "chair"; a percentage's
    measure, "turnout"), empty when the question does not say. ``role_deputy``: a person
    question asks for a deputy (vice, заместитель, орынбасар) rather than the head.
    ``counts_too``: a percentage question asked as "how many" ("how many voted against"),
    which a count of people of that measure also answers ("898,099 people voted against")."""

    kind: str
    of: tuple[str, ...] = ()
    role_deputy: bool = False
    counts_too: bool = False
    # A date question that names the vote ("when was the referendum held?"): only a
    # sentence that names it too states its date ("the Minister held a meeting" does not).
    vote: bool = False
    # A duration question about a term of office ("Kurultai term of office", "срок
    # полномочий", "қанша жылға сайланады"): a period to act within ("within one month",
    # "в течение месяца") does not answer it.
    term: bool = False
    # A duration question about a time after or before an event ("how soon after the
    # vote", "через сколько дней"): a duration stated as such an offset answers it; any
    # other reads "two days after the president's address" as dating another event.
    offset: bool = False
    # The unit a duration question names ("how many days", "неше күн", "сколько месяцев"):
    # a length in another unit does not answer it ("жеті жылдық мерзім" for "неше күн
    # демаламыз?", seventeenth session's fifteenth probe).
    unit: str = ""
    # A vote's measure asked as a number of people ("неше адам «иә» деп дауыс берді?", "how
    # many people voted"): only a head count answers; a share of the voters is no number
    # of people (seventeenth session's sixteenth probe: the preliminary 86.9% was `high`).
    heads: bool = False


_Q = re.IGNORECASE


def _rx(*alternatives: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])", _Q)


# Which parties (did something): asked for by name, no typed value; the threshold a
# question names is its premise ("Which parties cleared the 5 percent threshold?" was
# `high` with the threshold's rule: seventeenth session's thirteenth probe).
_PARTIES_Q = _rx(
    r"(?:which|what) part(?:y|ies)", r"(?:какие|какая|каких|какой) парти\w*",
    r"(?:[қк]ай|[қк]андай) партия\w*",
)  # fmt: skip
# Why: a reason is asked, which no typed value answers ("why was turnout only around
# 60%?" was `high` with the preliminary 72.8%: seventeenth session's twenty-fourth probe).
_WHY_Q = _rx(r"why", r"how come", r"почему", r"отчего", r"зачем", r"неге", r"неліктен", r"нелiктен")
# A comparison: two values are asked, and a sentence stating one of them answers nothing
# ("Is the new seven-year presidential term longer than the president's term under the 1995
# Constitution?" was `high` with the seven years: eighteenth session's thirty-first probe).
# Not "more than half" nor "more than 5%": a threshold, one value.
_COMPARED_Q = re.compile(
    r"(?<![\w-])(?:longer|shorter|higher|lower|bigger|smaller|larger|fewer|less|more|greater"
    r"|older|newer|earlier|later)(?: [\w'’-]+){0,2}? than (?!half|(?:a |one )?(?:third|quarter)|\d)"
    r"|(?<![\w-])(?:дольше|длиннее|короче|больше|меньше|выше|ниже|раньше|позже)"
    r"(?:\s+[\w-]+){0,2}?\s*,?\s*чем"
    r"(?!\s+(?:половин|\d))"
    r"|(?<![\w-])(?<!\d )(?!жарты)[^\W\d]+(?:дан|ден|тан|тен|нан|нен)\s+"
    r"(?:ұзақ|узак|көп|коп|аз|жоғары|жогары|төмен|томен|қысқа|кыска)\w*"
    # A difference asked ("how much earlier than the timetable", "қаншалықты ертерек":
    # nineteenth session's sixty-second probe, `high` with the vote's date), not a frame
    # ("compared with the 1995 text, how many articles were rewritten?" asks a count)
    r"|(?<![\w-])(?:how much|насколько|[қк]аншалы[қк]ты|[қк]анша)\s+(?:[\w-]+\s+)?"
    r"(?:earlier|later|longer|shorter|раньше|позже|дольше|ертерек|кешірек|кеширек)(?![\w-])",
    re.IGNORECASE,
)
_PERCENT_Q = _rx(
    r"what percent\w*", r"prec?ent\w*", r"what share", r"what proportion", r"percent\w*",
    r"share of", r"turnout", r"threshold", r"barrier", r"барьер\w*", r"какой процент",
    r"сколько процентов", r"процент\w*", r"доля", r"долю",
    r"явк\w*", r"пайыз\w*", r"үлес\w*", r"улес\w*", r"қатысу\w*", r"катысу\w*",
    r"келуі", r"келуи",
    # "what % voted yes" (eighteenth session's thirty-fifth probe: untyped, so the
    # preliminary 86.9% led the final 87.15%)
    r"(?:what|how many|how much|сколько|скок\w*|какой|қанша|канша|неше)\s*%",
)  # fmt: skip
# A share the question states ("87 пайыз қолдаған екен, ал ... қарсы дауыс бергендер
# нешеу болды?"): its premise, not what it asks (eighteenth session's forty-eighth probe).
_STATED_SHARE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|процент\w*|пайыз\w*|percent\w*)", re.I)
# An age ("how old", "со скольки лет") is a duration of a person's life, not a term of
# office: asked, the sentence's duration must be an age (``_AGES``). Kazakh ages ("25
# жасқа толған", "неше жастан") are counts of "жас" and match as counted nouns.
_AGE_Q = _rx(
    r"how old", r"(?:at|from) what age", r"(?:minimum|minimal|lowest|required) age",
    r"age limit", r"қай жастан", r"неше жастан",
    r"возраст\w*", r"со скольки лет", r"с какого возраста", r"скольки лет",
    # A person's years: "Сколько лет Нурлану Абдирову?" (a name or a pronoun in the dative;
    # sixteenth session's seventh probe: `high` with the deputies' five-year term).
    r"сколько (?:ему|ей|им) лет", r"сколько лет (?:ему|ей|им)",
    r"сколько лет [А-ЯЁ]\w*(?:у|ю|ой|е)(?: [А-ЯЁ]\w*(?:у|ю|ой|е|ой))?(?=\s*\?|\s*$)",
)  # fmt: skip
_DURATION_Q = _rx(
    r"how long", r"how many (?:years|yrs|months|weeks|days)", r"for how many \w+",
    r"(?:what|which) (?:is the )?term", r"term of office", r"сколько (?:лет|месяцев|дней)",
    r"на сколько (?:лет|месяцев)", r"как долго", r"какой срок", r"на какой срок",
    r"срок\w*", r"неше жыл\w*", r"қанша жыл\w*", r"канша жыл\w*", r"қанша уақыт\w*",
    r"мерзім\w*", r"мерзим\w*", r"how soon", r"within how many \w+", r"қанша күн\w*",
    r"неше күн\w*", r"канша кун\w*", r"term\s+length", r"length\s+of\s+(?:the\s+|their\s+)?terms?",
    r"term\s+limits?",
)  # fmt: skip
# A term word in a clause about its end ("жеке куәліктің мерзімі біткенде ... қалай
# аламын?", "когда истекает срок полномочий"): the question asks what follows or when, not
# how long (sixteenth session's fourth probe: an ID card's renewal was `high` with the
# deputies' five-year term). Read without it for a duration.
_TERM_ENDS = re.compile(
    r"(?<![\w-])(?:мерзім|мерзим|срок)\w*\s+(?:\w+\s+)?"
    r"(?:бітк|бітс|бітед|бітті|битк|битс|битед|өтк|өтс|отк|отс|аяқтал|аяктал|истек|истёк"
    r"|истека|законч|заканчива|кончи|прош)\w*"
    r"|(?<![\w-])(?:истек|истёк|истека|истечени|окончани|законч|заканчива)\w*\s+(?:\w+\s+)?"
    r"срок\w*",
    re.IGNORECASE,
)
# A deadline ("соңғы мерзімі қашан?", "крайний срок", "последний срок"): the last day,
# a date, not a length (nineteenth session's sixtieth probe: the absentee certificate's
# "соңғы мерзімі қашан?" was `high` with the deputies' five-year term). Read without it
# for a duration.
_DEADLINE_TERM = re.compile(
    r"(?<![\w-])(?:соңғы|соңгы|сонгы|последн\w*|крайн\w*)\s+(?:мерзім|мерзим|срок)\w*",
    re.IGNORECASE,
)
# A yes/no question naming a term word without asking how long ("Жаңа Конституцияда
# латын әліпбиіне көшу мерзімі көрсетілген бе?", is a deadline set for the Latin script;
# "Указан ли срок ...?"): the term is what it asks about, not a length it asks for
# (sixteenth session's sixth probe: `high` with the president's seven-year term).
# Read as yes/no; one naming a value ("... бес жыл ма?") is then checked as that value.
_HOW_MUCH = _rx(
    r"how", r"what", r"which", r"сколько", r"как\w*", r"каков\w*", r"[қк]анша", r"неше",
    r"[қк]андай", r"[қк]ай",
)  # fmt: skip


def _read_for_duration(q: str) -> str:
    """``q`` without what makes no duration question of it: a term word in a clause about
    its end (``_TERM_ENDS``), a deadline (``_DEADLINE_TERM``), and every duration cue of
    a yes/no question that asks no quantity (``_HOW_MUCH``)."""
    q = _DEADLINE_TERM.sub(" ", _TERM_ENDS.sub(" ", q))
    yesno = _YESNO_EN.search(q) or _YESNO_RU.search(q) or _YESNO_KK.search(q)
    if yesno and not _HOW_MUCH.search(q):
        return _DURATION_Q.sub(" ", q)
    return q


# A price asked ("how much does it cost", "сколько стоит", "қанша тұрады", "курс доллара"):
# not a count of anything.
_PRICE_Q = _rx(
    r"cost\w*", r"price\w*", r"стоит", r"стоят", r"стоимост\w*", r"цен[аыуе]",
    r"[қк]анша\s+т[ұу]рады",  # not "неше баптан тұрады" (consists of how many articles)
    r"бағасы", r"багасы", r"курс\w*", r"exchange rate",
)  # fmt: skip
# A time of day asked ("what time do polling stations open", "во сколько открываются
# участки", "сағат нешеде ашылады", "часы работы"): a clock time answers, not a count ("во
# сколько") nor a date ("қай уақытта").
_CLOCK_Q = _rx(
    r"(?:at |until |till |by )?what time", r"(?:opening|polling|voting|working|open) hours",
    r"hours of (?:voting|polling|work)", r"во сколько", r"до скольки", r"со скольки",
    r"в котором часу", r"(?:часы|время|режим) работы", r"до какого времени", r"до которого часа",
    r"са[ғг]ат\s+(?:неше|[қк]анша)\w*", r"[қк]ай са[ғг]атта", r"ж[ұу]мыс [уұ]а[қк]ыты\w*",
    r"нешеге\s+дейін",  # "учаске нешеге дейін ашық?" (the seventeenth probe)
)  # fmt: skip
# "When" as often as "at what time" ("Референдум қай уақытта өтеді?"): a time of day only
# with opening, closing or working named.
_CLOCK_OR_DATE_Q = _rx(r"[қк]ай [уұ]а[қк]ытта", r"в какое время")
_OPENING = _rx(
    r"open\w*", r"clos\w*", r"открыва\w*", r"открыт\w*", r"закрыва\w*", r"работа\w*",
    r"ашыл\w*", r"ашыла\w*", r"ашық", r"жабыл\w*", r"ж[ұу]мыс",
)  # fmt: skip
# A sentence stating opening hours says so ("will be open from 7 a.m.", "открыты с 7:00",
# "07:00-ден ... жұмыс істейді").
_OPENING_STATED = re.compile(
    r"\bopen|\bclos|открыт|открыва|закрыт|закрыва|работ|ашыл|ашық|жабыл|ж[ұу]мыс|"
    r"\bvoting\b|голосовани|дауыс беру(?!\s+ку[әа]лі)",  # not the absentee certificate
    re.IGNORECASE,
)
# The counting of the votes, whose time a question may ask beside the stations' hours.
_COUNTING = _rx(
    r"count\w*", r"tall\w*", r"подсч[её]т\w*", r"подсчит\w*", r"санау\w*", r"санал\w*",
    r"санақ\w*", r"санак\w*", r"санай\w*",
)  # fmt: skip
# Opening hours by another name: polling hours, until when one can vote.
_HOURS = re.compile(r"hours|час|уақыт|уакыт|vot(?:e|ing)|голосова|голосуют|дауыс бер", re.I)
_POLLS = _rx(r"polling", r"polls", r"precincts?", r"участк\w*", r"учаске\w*")


def _asks_opening_time(q: str) -> bool:
    """An ambiguous "when" that asks a time of day: "қай уақытта" / "в какое время" with
    opening or working named, or "when" about polling stations opening or closing."""
    return bool(_CLOCK_OR_DATE_Q.search(q) or (_POLLS.search(q) and _DATE_Q.search(q)))


# A term of office asked ("term of office", "serve", "срок полномочий", "на сколько лет
# избирается", "қанша жылға сайланады").
_TERM_Q = _rx(
    r"terms?", r"serve\w*", r"elected for", r"convocation", r"полномочи\w*", r"созыв\w*",
    r"for how many years", r"на сколько лет", r"[қк]анша жыл[ғг]а", r"неше жыл[ғг]а",
    r"избира\w*", r"выбира\w*", r"өкілеттік мерзім\w*", r"окилеттик мерзим\w*",
    r"сайлан\w*", r"отырады",
    r"in for", r"in office", r"sit", r"sits",  # "how long are they in for?" (seventeenth session)
)  # fmt: skip
# A term of office stated ("a single seven-year term", "срок полномочий", "өкілеттік
# мерзімі", "will sit for five years"): a length only a question about a term, or about
# someone who holds one, asks (verify.check_hit).
_TERM_STATED = _rx(
    r"terms?", r"serv\w*", r"convocation", r"elected for", r"sits? for", r"полномочи\w*",
    r"созыв\w*", r"избира\w* на", r"өкілеттік", r"окилеттик", r"мерзім\w*", r"мерзим\w*",
)  # fmt: skip


def states_term(sentence: str) -> bool:
    """Whether ``sentence`` states a term of office (``_TERM_STATED``)."""
    return _TERM_STATED.search(sentence) is not None


# A period to act within: "within one month", "в течение месяца", "бір ай ішінде".
_WITHIN = re.compile(r"within|in|в течени[ея]|через|ішінде|ишинде", re.IGNORECASE)
_WITHIN_BEFORE = re.compile(r"(?:within|в течени[ея]|не позднее)\s+$", re.IGNORECASE)
_WITHIN_AFTER = re.compile(r"\s*(?:ішінде|ишинде)\b", re.IGNORECASE)


def _within(sentence: str, value: Value) -> bool:
    """Whether a duration of ``sentence`` is a period to act within ("within one month",
    "в течение семи дней", "бір ай ішінде"), not a length of office."""
    return bool(
        _WITHIN.match(value.text)
        or _WITHIN_BEFORE.search(sentence[: value.start])
        or _WITHIN_AFTER.match(sentence, value.end)
    )


# A number of people asked ("how many people", "сколько всего людей", "неше адам").
_HEADS_Q = _rx(
    r"(?:how many|сколько|скока|неше|[қк]анша)\s+(?:[\w-]+\s+)?"
    r"(?:people|ppl|persons|citizens|voters|человек\w*|люд\w*|народ[ау]|граждан\w*|избирател\w*|адам\w*"
    r"|азамат\w*|сайлаушы\w*)"
)


def _counts_beside_a_share(q: str) -> bool:
    """A question that gives a share itself and counts something else ("how many partys
    made it past the 5% barrier", "Сколько партий преодолели барьер в 5 процентов?"):
    the count is asked, the share is its premise (seventeenth session's twentieth probe:
    `high` with the threshold's rule)."""
    cue = _COUNT_Q.search(q)
    if cue is None or not any(v.kind == "percentage" for v in find_values(q)):
        return False
    counted = _counted(q, cue)
    return bool(counted) and _PERCENT_Q.search(" ".join(counted)) is None


# How many terms ("Сколько сроков подряд может избираться депутат?"): a count of terms,
# not a term's length (seventeenth session's twenty-third probe: `high` with "Срок
# полномочий ... составит пять лет").
_TERMS_COUNTED = _rx(r"сколько (?:[\w-]+ )?сроков", r"how many (?:[\w-]+ )?terms")

# "How many days", "сколько месяцев", "қанша жылға", "неше күн": the unit asked.
_UNIT_ASKED = {
    unit: _rx(rf"(?:how many|сколько|[қк]анша|неше) (?:{forms})")
    for unit, forms in (
        ("year", r"years?|лет|года?|жыл\w*"),
        ("month", r"months?|месяц\w*|ай\w*"),
        ("week", r"weeks?|недел\w*|апта\w*"),
        ("day", r"days?|дн[яей]\w*|күн\w*|кун\w*"),
    )
}


def duration_unit_asked(question: str) -> str:
    """The time unit ``question`` asks a length in (``_UNIT_ASKED``), or ""."""
    return next((unit for unit, rx in _UNIT_ASKED.items() if rx.search(question)), "")


# "How" in Kazakh: "Дауыс беру күні басқа қалада болсам, ... қалай дауыс беремін?" names
# voting day and asks how (seventeenth session's twenty-seventh probe: read as a date).
_HOW_KK = _rx(r"[қк]алай")

# A duration as an offset from an event: "two days after the address", "через два дня",
# "екі күннен кейін", "a year before the vote" (seventeenth session's twelfth probe: "How
# long did Tokayev say the debate would need?" was `high` with "Two days after the
# president's address, lawyers ... were still weighing the proposal").
_OFFSET_Q = _rx(
    r"after", r"later", r"soon", r"ago", r"через", r"после", r"спустя", r"назад",
    r"кейін\w*", r"соң\w*", r"бұрын",
)  # fmt: skip
_OFFSET_AFTER = re.compile(
    r"\w*\s+(?:after|later|ago|before|после|назад|спустя|кейін|соң|бұрын)(?![\w-])", re.I
)
_OFFSET_BEFORE = re.compile(r"(?:через|спустя)\s+$", re.IGNORECASE)


def _offset(sentence: str, value: Value) -> bool:
    """Whether a duration of ``sentence`` is an offset from an event (``_OFFSET_AFTER``,
    ``_OFFSET_BEFORE``), which dates it rather than measures a length."""
    return bool(
        _OFFSET_AFTER.match(sentence, value.end) or _OFFSET_BEFORE.search(sentence[: value.start])
    )


_COUNT_Q = _rx(
    r"how many",
    r"count",  # "article count": the noun before it is counted (``_counted``)
    r"how much",
    r"number of",
    r"сколько",
    r"количеств\w*",
    r"(?<!какого )(?<!какое )числ[оа]",  # not "до какого числа" (a date)
    r"численност\w*",
    r"қанша",
    r"канша",
    r"неше",
    r"нешеу",  # "how many (of them)": "қарсы дауыс бергендер нешеу болды?"
    r"саны",
    r"санын",
    r"сан[ыі]\s+қанша",
)
_DATE_Q = _rx(
    r"when", r"what year", r"which year", r"what date", r"what day", r"date", r"когда",
    r"since(?=\s*\??\s*$)", r"с какого времени",
    r"в каком году", r"какого числа", r"на какое число", r"в какой день", r"дата", r"дату",
    r"даты", r"қашан", r"кашан", r"қай жылы", r"кай жылы", r"қай күні", r"кай куни",
    r"қай кезде", r"кай кезде", r"қай уақытта", r"күні", r"куни", r"куні", r"қай күннен",
    r"кай куннен",
    r"қай кезден", r"кай кезден", r"қашаннан", r"кашаннан",
    # a month asked ("в каком месяце 2027 года ...?": nineteenth session's sixty-seventh
    # probe, read as yes or no by its intonation)
    r"(?:what|which) month", r"в каком месяце", r"какого месяца", r"[қк]ай айда",
    r"[қк]ай айы\w*",
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
# Yes/no questions about what one may or must do ("can I vote early if I'm away on March
# 15?", "можно ли"): a value they name is a circumstance, not what is asked.
_MAY_OR_MUST = _rx(
    r"^\s*(?:can|could|should|may|must|do|did|have|has)", r"можно", r"могу", r"может",
    r"нужно", r"должен", r"должна", r"бола ала\w*", r"ала ма\w*", r"алам\w*", r"алас\w*",
    r"керек пе",
)  # fmt: skip
_YESNO_KK = re.compile(r"(?<![\w-])(?:ма|ме|ба|бе|па|пе)\b\s*\??\s*$|\w(?:ма|ме)\?\s*$", _Q)
# Question words of the open questions no type above announces ("what does it change?",
# "какой будет статус", "не өзгереді"): with none, a question mark asks yes or no.
_WH = _rx(
    r"what",
    r"which",
    r"how",
    r"why",
    r"что",
    r"чем",
    r"чего",
    r"какой",
    r"какая",
    r"какое",
    r"какие",
    r"каков\w*",
    r"каким\w*",
    r"какую",
    r"как",
    r"почему",
    r"зачем",
    r"не",
    r"қандай",
    r"кандай",
    r"неге",
    r"қалай",
    r"калай",
    r"нені",
    r"нен[еі]",
    r"несі",
)
# Role words a "who" question names, by role.
_ROLES = {
    "chair": (
        r"chair\w*", r"head\w*", r"lead\w*", r"in charge", r"председат\w*", r"возглав\w*",
        r"руковод\w*", r"глав[аы]", r"главн(?:ый|ая|ой|ым)", r"төраға\w*", r"торага\w*",
        r"торағ\w*", r"басқар\w*", r"баскар\w*", r"жетекш\w*", r"басшы\w*",
    ),
    "speaker": (r"speaker", r"спикер\w*"),
    "minister": (r"minister\w*", r"министр\w*"),
    "president": (r"president\w*", r"президент\w*", r"presiden\w*"),
    # A coach is no head of a body ("who is the head coach of the national football team"
    # was `high` with the head of the foreign ministry: seventeenth session).
    "coach": (r"coach\w*", r"тренер\w*", r"бапкер\w*"),
}  # fmt: skip
_DEPUTY = _rx(r"deputy", r"vice", r"заместител\w*", r"зам\w*", r"орынбасар\w*")
_ANY_ROLE = re.compile(
    "|".join(f for forms in _ROLES.values() for f in forms) + r"|of|the|state", _Q
)


def names_only_titles(text: str) -> bool:
    """Whether every word of ``text`` is an officer's title ("chair chairman head"): a
    glossary entry that names no body the office belongs to."""
    found = _WORD.findall(text)
    return bool(found) and all(_ANY_ROLE.fullmatch(w) for w in found)


# A role qualified as a deputy's ("vice president", "вице-президент", "заместитель
# председателя", "төрағаның орынбасары"): whatever is asked about it (a term, a date, a
# name), a sentence about the head of that role does not answer. English "deputy" alone
# is also a member of parliament, so there only "vice" or "deputy" before a head's title.
_QUALIFIED_ROLE = _rx(
    r"vice[- ]?(?:presidents?|chair\w*|premier|speaker|minister)",  # "vice presidents term"
    r"deputy (?:chair\w*|head|presidents?|speaker|prime minister|minister)",
    r"вице-?\s?\w+",
    r"віце-?\s?\w+",  # "vitse-" typed in Latin letters, read in Cyrillic
    r"заместител\w*",
    r"орынбасар\w*",
)


def names_qualified_role(text: str) -> bool:
    """Whether ``text`` names a deputy's role ("vice president", "заместитель председателя")."""
    return _QUALIFIED_ROLE.search(text) is not None


_GENERIC_COUNTED = frozenset(
    "people ppl persons person citizens residents человек людей граждан жителей народу народа "
    "адам кісі азамат азаматтар азаматтардың times раз рет".split()
)
# The electorate: people described by their right to vote ("citizens eligible to vote",
# "on the voter lists", "право голоса имели 12 482 613 граждан", "дауыс беруге құқығы бар
# азаматтар") are the voters. A count question about them counts voters, and a count of
# citizens or people so described answers "how many voters" (the lists of February and
# of March are then one attribute, and the newer one leads: timeline.py).
_ELECTORATE = _rx(
    r"eligible\s+to\s+vote", r"eligible\s+voters?", r"right\s+to\s+vote", r"voter\s+lists?",
    r"voters?\s+rolls?", r"electoral\s+rolls?", r"registered\s+voters?",
    r"прав\w*\s+(?:голос\w*|голосовать|участвовать\s+в\s+голосовании)",
    r"списк\w*\s+избирател\w*", r"дауыс\s+беруге\s+құқ\w*", r"дауыс\s+беру\s+құқ\w*",
    r"сайлаушылар\s+тізім\w*",
)  # fmt: skip
_VOTERS = re.compile(r"voters?|избирател\w*|сайлаушы\w*", re.IGNORECASE)
# Words after the cue that do not name what is counted.
_COUNT_SKIP = frozenset(
    "will be are is were was there do does did of the a in on at all total в на по было будет "
    "будут всего всего-то бар болады болды болмақ "
    # Adjectives before the counted noun ("eligible voters", "зарегистрированных избирателей")
    "eligible registered new current actual зарегистрированных новых".split()
)


# Question words as citizens type them on a phone: misspelt ("wen", "кагда") or colloquial
# ("скока"), the words that make a keyword query typed ("lenght", "turnot"), and the vote's
# own name ("referndum", "рефирендум"). Read in their spelling by the question's type and by
# the retrievers (prepare.py); the page shows the question as typed.
_RESPELL = {
    "wen": "when", "whn": "when", "wehn": "when", "whem": "when", "hw": "how", "howmany":
    "how many", "lenght": "length", "lengh": "length", "turnot": "turnout", "turnuot": "turnout",
    "trunout": "turnout", "кагда": "когда", "када": "когда", "кохда": "когда", "скока":
    "сколько", "скоко": "сколько", "сколко": "сколько", "сколька": "сколько", "скоька":
    "сколько", "скольк": "сколько",
}  # fmt: skip
_MISSPELT = re.compile(rf"(?<![\w-])(?:{'|'.join(_RESPELL)})(?![\w-])", _Q)
# The stem only: its ending stays ("рефирендума" -> "референдума").
_REFERENDUM = re.compile(r"(?<![\w-])(?:(ref)[ei]?r?[ei]?n?d[ou]m|реф[еи]?р?[еи]?н?д[уо]м)", _Q)


def respell(question: str) -> str:
    """``question`` with its misspelt or colloquial question words, and the vote's name, in
    their spelling."""
    out = _MISSPELT.sub(lambda m: _RESPELL[m.group(0).casefold()], question)

    def stem(m: re.Match) -> str:
        word = "referendum" if m.group(1) else "референдум"
        return word.capitalize() if m.group(0)[0].isupper() else word

    return _REFERENDUM.sub(stem, out)


# Where a question's premise ends and its ask begins: "X, а Y?", "X — а Y?", "X екен, ал Y?",
# "X, and Y?", "X, so Y?" (eighteenth session: of the held-out probes' wrong `high`s, the
# most were questions that state something before they ask: "Токаев предложил упразднить
# Сенат — а в каком году Сенат был создан?", "Құрылтайда 145 депутат болады, ал бұған
# дейінгі Парламентте қанша депутат болған?"), and "Since X, Y?".
_THEN_ASKS = re.compile(
    r"(?:[.,;:]|\s[—–-])\s*(?:а|ал|but|and|so)\s+(?=\S)"  # ". Ал Конституция ..." too
    r"|\s[—–-]\s+(?=(?:how|what|when|who|which|сколько|скока|какой|какая|когда|кто|[қк]анша"
    r"|неше|[қк]ашан|[қк]ай|кім)\b)"  # "87.15% voted yes - how many voted against?"
    # A statement, then the question in a sentence of its own ("The first draft ... was
    # revised after public comment. How many articles are in the final draft?": nineteenth
    # session's sixty-sixth probe).
    r"|(?<=[\w)»\"%][.!])\s+(?=[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][^.!?]*\?\s*$)"
    # a statement marked as known ("референдум жексенбі күні ғой, учаскелер ...?")
    r"|(?<=\s)(?:ғой|гой|ведь)\s*[,.]\s*",
    re.IGNORECASE,
)
_SINCE = re.compile(r"^\s*(?:since|given that|as|раз|если уж)\s[^,?]+,\s*(?=\S)", re.IGNORECASE)
# A condition before the ask ("If turnout is above 50 percent but fewer than half say yes,
# is the Constitution still adopted?": twentieth session's ninety-first probe, `high` with
# the 87.15 percent who said yes, the premise's figure typing the question): its yes/no is
# what is asked.
_IF = re.compile(r"^\s*(?:if|если|егер)\s[^?]+?,\s*(?=\S)", re.IGNORECASE)


def _the_ask(question: str) -> str | None:
    """The part of ``question`` after its premise (``_THEN_ASKS``, ``_SINCE``), or None."""
    cut = None
    for m in _THEN_ASKS.finditer(question):
        cut = m.end()
    if cut is None and (m := _SINCE.match(question) or _IF.match(question)) is not None:
        cut = m.end()
    return question[cut:] if cut is not None else None


def states_premise(question: str) -> bool:
    """Whether ``question`` states something before it asks (``_THEN_ASKS``, ``_SINCE``;
    not a case it sets, "If I am abroad, ...?")."""
    return _THEN_ASKS.search(question) is not None or _SINCE.match(question) is not None


# What the asker heard, read or believes, said before or inside the ask ("I heard it was
# supposed to be 2027", "Говорят, что явка ...", "... деп естідім", "разве не 148?").
_HEARSAY = _rx(
    r"i(?:'ve| have)? heard", r"i (?:read|saw) (?:that|somewhere|online)",
    r"(?:someone|somebody|people|they|my \w+) (?:told me|keeps? saying|say|says|said that)",
    r"i was told", r"supposedly", r"rumou?rs?", r"i thought", r"is it true",
    r"слышал\w*", r"говорят", r"говорили", r"мне сказали", r"якобы", r"вроде бы?",
    r"правда ли", r"разве", r"читал\w*",
    r"естідім", r"естідік", r"естіп", r"естидим", r"естиген", r"естіген", r"дейді", r"дейди",
    r"деп жатыр\w*", r"деп еді", r"рас па", r"рас ба", r"шын ба",
)  # fmt: skip


def states_hearsay(question: str) -> bool:
    """Whether ``question`` carries what its asker heard or believes (``_HEARSAY``)."""
    return _HEARSAY.search(question) is not None


def chains_asks(question: str) -> bool:
    """Whether ``question`` chains two asks (``_TWO_ASKS``)."""
    return _TWO_ASKS.search(question) is not None


# Two asks chained ("Сколько депутатов будет в Курултае и на какой срок их избирают?",
# "who heads the commission, and who is the deputy?", "Кто и когда ...?"): a question word,
# a conjunction, another question word (not a comma alone: ", когда ЦРК дала предварительные
# данные" says when, it does not ask). The type is read from one of them, and a
# sentence answering it may leave the other unanswered (nineteenth session's seventy-third
# probe: five such `high`s answered one half).
_ASK_WORD = (
    r"(?:how (?:many|much|long|old|big)|when|who|whom|where|which|what|сколько|скока|когда|кто"
    r"|кого|кем|где|куда|как(?:ой|ая|ое|ие|ую|ого|ом|ов\w*)|[қк]анша|неше|[қк]ашан|кім\w*"
    r"|ким\w*|[қк]айда|[қк]ай|[қк]андай)"
)
_TWO_ASKS = re.compile(
    rf"(?<![\w-]){_ASK_WORD}(?![\w-])[^?]*?(,?\s(?:and|и|а|ал|және|жане|or|или|не))\s+"
    rf"(?:(?:[\w-]+\s+){{0,3}}?){_ASK_WORD}(?![\w-])",
    re.IGNORECASE,
)


def other_asks(question: str, typed: QuestionType | None) -> tuple[QuestionType, ...]:
    """For a question chaining two asks (``_TWO_ASKS``), the types of its parts other than
    ``typed`` (what the whole is checked for): "Сколько депутатов будет в Курултае и на какой
    срок их избирают?" asks a count of deputies besides the term. Yes/no parts and untyped
    ones are left out (nothing to check: an untyped part read as unanswered took eight
    right `high`s for one wrong, twentieth session)."""
    m = _TWO_ASKS.search(question)
    if m is None:
        return ()
    parts = (question[: m.start(1)], question[m.end(1) :])
    found = (question_type(part) for part in parts)
    return tuple(
        dict.fromkeys(t for t in found if t is not None and t.kind != "yesno" and t != typed)
    )


def asks_if_the_vote(question: str) -> bool:
    """Whether ``question`` sets a case of the vote's outcome before it asks ("If turnout
    is above 50 percent but ..., is ...?": ``_IF`` naming a measure, the turnout or a
    share for or against). Not a voter's own case ("If I can only get there at 7:30, will
    it still be open?"), which the facts answer."""
    case = _IF.match(question)
    return case is not None and bool(_cue_class(_MEASURES, case.group(0)))


def ask_of(question: str) -> str:
    """The part of ``question`` that asks (after its premise, ``_the_ask``), else all of it."""
    ask = _the_ask(question)
    return question if ask is None else ask


@functools.lru_cache(maxsize=4096)
def question_type(question: str) -> QuestionType | None:
    """The answer type of ``question``'s ask (``_the_ask``: the part after a premise, where
    that announces a type of its own; a count's noun and an unnamed class are the whole
    question's), else of the whole (``_question_type``)."""
    whole = _question_type(question)
    ask = _the_ask(question)
    if ask is None:
        return whole
    asked = _question_type(ask)
    if asked is not None and asked.kind == "yesno" and _IF.match(question):
        return asked  # "If turnout is above half but ..., is it adopted?": yes or no
    if asked is None or asked.kind == "yesno":
        return whole
    if whole is not None and whole.kind == asked.kind == "count" and whole.of:
        return whole  # "сколько депутатов в Курултае, а сколько в Сенате?": still deputies
    if whole is not None and whole.kind == asked.kind and not asked.of:
        return whole
    if whole is not None and not asked.of and {whole.kind, asked.kind} <= {"count", "percentage"}:
        # "... 87,15 пайызы қолдапты. Бұл нақты неше адам?": the yes voters, counted
        return whole
    return asked


@functools.lru_cache(maxsize=4096)
def _question_type(question: str) -> QuestionType | None:
    """The answer type ``question`` announces, or None. Checked most specific first: a
    percentage ("what share", "явка"), a duration ("how many years", "срок"), a time of day
    ("what time", "во сколько"), a count (of the noun after "how many" / "сколько" /
    "қанша", or before "саны"), a date, a person (with the role asked), a place, yes/no."""
    q = respell(question.strip())
    if _PARTIES_Q.search(q) or _WHY_Q.search(q) or _COMPARED_Q.search(q):
        return None
    if _PERCENT_Q.search(_STATED_SHARE.sub(" ", q)) and not _counts_beside_a_share(q):
        return QuestionType("percentage", value_of("percentage", q))
    if _AGE_Q.search(q):
        return QuestionType("duration", ("age",))
    if _DURATION_Q.search(_read_for_duration(q)) and not _TERMS_COUNTED.search(q):
        return QuestionType(
            "duration",
            term=_TERM_Q.search(q) is not None,
            offset=_OFFSET_Q.search(q) is not None,
            unit=duration_unit_asked(q),
        )
    opening = _OPENING.search(q) is not None
    cue = _COUNT_Q.search(q)
    # "Референдум күні қанша сайлау учаскесі жұмыс істеді?" names polling stations, a day
    # and work, and counts the stations: a count, not their hours (fifteenth session).
    counts = cue is not None and bool(_counted(q, cue))
    if _CLOCK_Q.search(q) or (opening and _asks_opening_time(q) and not counts):
        # Opening hours asked: a clock time of opening or working answers, not "until 18:00
        # on 14 March, an absentee certificate" (a deadline's time).
        if _COUNTING.search(q):
            # "Во сколько начинается подсчёт голосов после закрытия участков?": the count's
            # time, not the stations' hours (sixteenth session's fifth probe).
            return QuestionType("clock", ("count",))
        # (an absentee certificate's time is its own, however "voters" reads: seventeenth
        # session, "Until what time ... could voters pick up an absentee certificate?"; the
        # certificate as places.py names it)
        hours = opening or (bool(_HOURS.search(q)) and "Absentee" not in places_in(q))
        return QuestionType("clock", ("open",) if hours else ())
    if _PRICE_Q.search(q):
        return None  # "how much does petrol cost?": a price, which no check here reads
    if cue and cue.group(0).casefold() == "count" and _YESNO_EN.search(q):
        cue = None  # "Does my vote count?" asks yes or no
    if cue:
        counted = _counted(q, cue)
        measure = _vote_measure(q, counted)
        heads = _HEADS_Q.search(q) is not None
        if measure:  # "how many said yes", "сколько было за": the yes share (or count)
            return QuestionType("percentage", measure, counts_too=True, heads=heads)
        if not counted and _VOTED_ALL.search(q):
            # "how many people voted", "қанша адам дауыс берді": no yes or no named, every
            # voter counted: the turnout (its share, or its head count).
            return QuestionType("percentage", ("turnout",), counts_too=True, heads=heads)
        return QuestionType("count", counted)
    date = _DATE_Q.search(q)
    bare_day = date is not None and date.group(0).casefold() in ("күні", "куни", "куні")
    if date and not (bare_day and (_YESNO_KK.search(q) or _HOW_KK.search(q))):
        # (not "Референдум күні демалыс бола ма?": is voting day a day off, yes or no)
        return QuestionType("date", value_of("date", q), vote=names_vote(q))
    if _PERSON_Q.search(q):
        roles = tuple(r for r, forms in _ROLES.items() if _rx(*forms).search(q))
        return QuestionType("person", roles, bool(_DEPUTY.search(q)))
    if _PLACE_Q.search(q):
        return QuestionType("place")
    if _YESNO_EN.search(q) or _YESNO_RU.search(q) or _YESNO_KK.search(q):
        return QuestionType("yesno")
    if q.endswith("?") and not _WH.search(q):
        return QuestionType("yesno")  # "Референдум будет в 2027 году?": asked by intonation
    measure = _keyword_measure(q)
    if measure:
        # "votes against", "голоса против", "yes vote share": a vote's measure named alone,
        # as on a phone: its share (or head count) is what is asked.
        return QuestionType("percentage", measure, counts_too=True)
    if _keyword_role(q):
        # "председатель ЦРК", "Constitutional Commission chair": typed as on a phone, no
        # question word, a body's officer named: the person in that role is what is asked.
        roles = tuple(r for r, forms in _ROLES.items() if _rx(*forms).search(q))
        return QuestionType("person", roles, bool(_DEPUTY.search(q)))
    return None


# An officer's title, as a keyword query names it (narrower than ``_ROLES``: "head" and
# "lead" are also verbs and other nouns).
_TITLE = _rx(r"chair\w*", r"председат\w*", r"төраға\w*", r"торага\w*", r"speaker", r"спикер\w*")


# What a keyword query may ask about an officer other than who it is ("полномочия
# председателя": the powers; "chair's term": a duration).
_OF_OFFICER = _rx(
    r"powers?", r"полномоч\w*", r"өкілет\w*", r"окилет\w*", r"terms?", r"срок\w*",
    r"мерзім\w*", r"мерзим\w*", r"dut(?:y|ies)", r"обязанност\w*", r"міндет\w*",
    r"functions?", r"функци\w*", r"elect\w*", r"выбор\w*", r"избрани\w*", r"сайла\w*",
    r"appoint\w*", r"назнач\w*", r"тағайында\w*", r"salary", r"зарплат\w*", r"жалақ\w*",
    r"age", r"возраст\w*", r"жас\w*",
)  # fmt: skip


def _keyword_measure(q: str) -> tuple[str, ...]:
    """The vote's measure (yes, no) a query of a few words and no question word names
    with a word for votes ("votes against", "голоса против", "yes vote share"), or ()."""
    found = _WORD.findall(q)
    if not 1 < len(found) <= 5 or _WH.search(q) or not _VOTES.search(q) or _ABROAD.search(q):
        return ()
    return tuple(m for m in _cue_class(_MEASURES, q) if m in ("yes", "no"))


_VOTES = _rx(r"votes?", r"голос\w*", r"дауыс\w*")
# Russian "за" is also "beyond", "behind": "голосование за рубежом" is voting abroad.
_ABROAD = _rx(r"за\s+(?:рубеж\w*|границ\w*|пределами)", r"шетел\w*", r"abroad")


def _keyword_role(q: str) -> bool:
    """A query of a few words, no question word, that names an officer's title and no
    other attribute of the officer: the person is asked ("commission deputy chair")."""
    found = _WORD.findall(q)
    return (
        1 < len(found) <= 5
        and not _WH.search(q)
        and bool(_TITLE.search(q))
        and not _OF_OFFICER.search(q)
    )


# --- of what: a date's event, a percentage's measure ----------------------------------------
#
# A sentence about the referendum states several dates (when it is held, when the draft was
# published, the absentee certificates' deadline, when the Constitution enters into force)
# and several percentages (turnout, the share voting yes, the validity threshold): all of
# them "about" the question's entities. The words next to a value say which one it is; the
# question's words say which one is asked. Cue words by class, in en/ru/kk (Kazakh also as
# typed without its letters); a class is a question's ``of``.

_EVENTS: dict[str, re.Pattern] = {
    "held": _rx(
        r"held",
        r"hold\w*",
        r"take place",
        r"takes place",
        r"took place",
        r"taking place",
        r"scheduled",
        r"set for",
        r"go(?:es)? to the polls",
        r"voting day",
        r"polling day",
        r"состо\w+",
        r"пройд[её]т",
        r"прош[её]л",
        r"прошло",
        r"пройти",
        r"проход\w*",
        r"провод\w*",
        r"проведени\w*",
        r"проведут",
        r"назнач\w*",
        r"день голосования",
        # "a decree calling the first elections to the Kurultai for 30 August", "назначил
        # на 30 августа": the date the vote is called for, not the signing's (eighteenth
        # session's thirty-seventh probe)
        r"for(?= (?:\d{1,2} )?(?:january|february|march|april|may|june|july|august"
        r"|september|october|november|december)\b)",
        r"на(?= \d{1,2} (?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября"
        r"|октября|ноября|декабря)\b)",
        r"өтеді",
        r"өтті",
        r"өтетін",
        r"өтуі",
        r"өтпек",
        r"өткізіл\w*",
        r"өткізу\w*",
        r"өткізеді",
        r"тағайында\w*",
        r"отеди",
        r"отти",
        r"отетин",
        r"откизил\w*",
        r"дауыс беру күні",
    ),
    "force": _rx(
        r"in force",
        r"into force",
        r"take effect",
        r"takes effect",
        r"took effect",
        r"effective",
        r"вступ\w*",
        r"в силу",
        r"действует",
        r"начн[её]т действовать",
        r"будет действовать",
        r"күшіне",
        r"кушине",
        r"күшінде",
        r"кушинде",
    ),
    "publish": _rx(
        r"publish\w*",
        r"опубликова\w*",
        r"публикац\w*",
        r"обнародова\w*",
        r"жариял\w*",
    ),
    "deadline": _rx(
        r"until",
        r"by when",
        r"до какого",
        r"no later than",
        r"deadline",
        r"absentee",
        r"не позднее",
        r"открепительн\w*",
        r"дейін",
        r"дейин",
        r"сырттай",
        r"куәлі\w*",
        r"куали\w*",
    ),
    "sign": _rx(r"sign(?:ed|s|ing)?", r"подписа\w*", r"қол қой\w*", r"кол кой\w*"),
    # A body set up ("the Senate was set up in 1995", "Сенат был создан"): a date of its
    # own, not its end's (eighteenth session's forty-fourth and forty-eighth probes: "В
    # каком году был создан Сенат, который теперь упразднили?" was `high` with the day the
    # Senate ceased to exist). Whole forms only: "құрыл-" also begins "Құрылтай".
    "create": _rx(
        r"set up",
        r"sets up",
        r"created",
        r"established",
        r"founded",
        r"formed",
        r"создан\w*",
        r"созда(?:л|ли|ла)",
        r"учрежд[её]н\w*",
        r"учредил\w*",
        r"образован[аоы]?",
        r"құрылды",
        r"құрылған",
        r"құрылады",
        r"курылды",
        r"курылган",
    ),  # fmt: skip
    # A holiday's day ("Constitution Day is now celebrated on …", "тойланады"): a date of
    # its own, not the vote's.
    "celebrate": _rx(
        r"celebrat\w*",
        r"holidays?",
        r"constitution day",
        r"праздн\w*",
        r"день конституции",
        r"отмечать",
        r"отмечаться",
        r"отмечается",  # not "отмечает" (notes)
        r"тойла\w*",
        r"мерек\w*",
        r"атап өт\w*",
        r"атап от\w*",
        r"конст[іи]туция к[үу]н[іи]",  # also as read from Latin letters
    ),
    "campaign": _rx(r"campaign\w*", r"агитац\w*", r"үгіт\w*", r"угит\w*"),
    # The results' announcement ("when will the results be announced?"): after the vote,
    # on a date of its own.
    "results": _rx(
        r"results?",
        r"итог\w*",
        r"результат\w*",
        r"нәтиж\w*",
        r"нат[іи]ж\w*",  # also Latin-typed "natijesi", read in Cyrillic
        r"қорытынды\w*",
        r"корытынды\w*",
    ),
    # The first day of a period ("between 27 February and 14 March", "с 27 февраля", "27
    # ақпаннан бастап"), read only for a question about one (``_START_Q``): its words
    # ("from", "начиная") are too common to name an event for any other.
    "start": _rx(
        r"from(?= \d)",
        r"between(?= \d)",
        r"starting",
        r"begin\w*",
        r"start\w*",
        r"(?<![\w-])с(?= \d)",
        r"начина\w*",
        r"начн\w*",
        r"бастап",
        r"басталад\w*",
        r"басталды",
    ),
    # An end: a body abolished, powers ended ("the Senate ceased to exist", "упразднить
    # Сенат", "Сенат жойылады"): a date of its own, not the vote's that decides it
    # (fifteenth session's probe: "когда упразднили сенат" -> the 2027 of a proposed vote).
    "end": _rx(
        r"abolish\w*",
        r"disappear\w*",  # "the post of vice president, which disappeared in 1996"
        r"scrapp\w*",
        r"ceas\w*",
        r"ended",
        r"ends",
        r"stands? down",
        r"stood down",
        r"dissolv\w*",
        r"упраздн\w*",
        r"прекращ\w*",
        r"прекрати\w*",
        r"перестал\w*",
        r"перестан\w*",
        r"ликвидир\w*",
        r"распущ\w*",
        r"жойыл\w*",
        r"жою\w*",
        r"тоқта\w*",
        r"токта\w*",
        r"таратыл\w*",
    ),
    # Printing (ballots, the text): a date of its own (sixteenth session's seventh probe:
    # "Когда напечатали бюллетени для референдума?" was `high` with the vote's 15 March).
    # Not Kazakh "басылым" (a periodical).
    "print": _rx(
        r"print\w*",
        r"напечата\w*",
        r"отпечата\w*",
        r"печата\w*",
        r"басып шы[ғг]ар\w*",
        r"басыл(?:ды|ған|ган|ып)\w*",
    ),
    # A body's sitting ("the Kurultai's first session"): held too, but not the vote.
    "session": _rx(
        r"sessions?",
        r"sitting",
        r"convene[sd]?",
        r"сесси\w*",
        r"заседани\w*",
        r"отырыс\w*",
    ),
}
# Who does something to an office or a text ("Who appoints the vice president?", "Кто
# подписал указ?", "Вице-президентті кім тағайындайды?"): answered by an office or body
# doing it ("... is appointed by the president", "Президент ... тағайындайды"), not a
# person's name (fifteenth session: every such Kazakh question was `low` with its answer).
_AGENT_Q = _rx(
    r"who (?:appoints?|appointed|elects?|elected|nominates?|nominated|signs?|signed|approves?"
    r"|approved|dismiss\w*|confirms?|confirmed|calls?|called|chooses|chose)",
    r"(?:appointed|elected|nominated|signed|approved|dismissed|confirmed|called) by whom",
    # Active forms only: "кто назначен", "кім тағайындалды" (who was appointed) ask for the
    # one appointed, a person in a role ("... төрағасының орынбасары болып кім
    # тағайындалды?": Erlan Karin).
    r"кто (?:назнача\w*|назначил\w*|назначит\w*|избира\w*|избер\w*|выбира\w*|подписа\w*"
    r"|подписыва\w*|утвержда\w*|утверди\w*|освобожда\w*|созыва\w*|созов\w*)",
    r"кем (?:назнача\w*|избира\w*|утвержда\w*|подписа\w*)",
    r"кім (?:та[ғг]айында(?!л)\w*|сайла(?!н)\w*|[қк]ол [қк]ой\w*|бекіт(?!іл)\w*|бекит(?!ил)\w*"
    r"|босат(?!ыл)\w*|ша[қк]ыр(?!ыл)\w*)",
)
# The offices and bodies that appoint, elect, sign or approve (not inside "вице-президент").
# Kazakh "сот" (a court) by its own endings: Russian "сотрудник", "сотовый" begin alike.
_AGENT = _rx(
    r"president", r"head of state", r"kurultai", r"parliament", r"senate", r"majilis",
    r"court", r"commission", r"people", r"citizens", r"government", r"voters",
    r"президент\w*", r"глав\w* государства", r"курулта\w*", r"парламент\w*", r"сенат\w*",
    r"мажилис\w*", r"суд\w*", r"комисси\w*", r"народ\w*", r"граждан\w*", r"правительств\w*",
    r"мемлекет басшы\w*", r"[қк][ұу]рылта\w*", r"мәжіліс\w*",
    r"сот(?:ы|ын\w*|қа|та|тар\w*|ты|тың|пен|тан)?",
    r"халы[қк]\w*", r"азамат\w*", r"үкімет\w*", r"укимет\w*",
)  # fmt: skip


def asks_agent(question: str) -> bool:
    """Whether a person question asks who appoints, elects, signs or approves."""
    return _AGENT_Q.search(respell(question)) is not None


def agents_in(text: str) -> int:
    """How many times ``text`` names an office or body that appoints, elects, signs or
    approves (``_AGENT``): a sentence answering "who appoints the vice president?" names
    one more than the question does ("... is appointed by the president")."""
    return len(_AGENT.findall(text))


# What a threshold is of (fifteenth session's probe: "how many must take part for the
# Kurultai elections to be valid?" was `high` with the 5% a party needs to win seats): the
# voters who must take part, or the vote share a party needs.
_THRESHOLD_OF: dict[str, re.Pattern] = {
    "party": _rx(
        r"part(?:y|ies)", r"seats?", r"mandates?", r"list", r"парти\w*", r"мест\w*",
        r"мандат\w*", r"списк\w*", r"партия\w*", r"орын\w*", r"тізім\w*", r"тизим\w*",
    ),
    "turnout": _rx(
        r"turnout", r"take part", r"took part", r"participat\w*", r"voters?", r"electorate",
        r"явк\w*", r"участ\w*", r"избирател\w*", r"пришл\w*", r"прийти", r"қатыс\w*",
        r"катыс\w*", r"сайлаушы\w*", r"келу\w*",
    ),
}  # fmt: skip


def threshold_of(text: str) -> str | None:
    """Whether a threshold in ``text`` is a party's ("party") or the voters' taking part
    ("turnout"); a party named decides (its share is of the voters' votes), else None."""
    for name in ("party", "turnout"):
        if _THRESHOLD_OF[name].search(text):
            return name
    return None


# What happened to the things a count question counts, where the question says (fifteenth
# session's probe: "how many ballots were printed" was `high` with the 146,558 declared
# invalid; sixteenth session's fourth probe: "how many articles of the old Constitution
# were rewritten" was `high` with the final text's 95 articles): such a count answers only
# in a sentence naming the same state. Each state: (the counted noun, the state's words).
_BALLOTS = _rx(r"ballots?", r"бюллетен\w*", r"бюллетень\w*")
_ARTICLES = _rx(r"articles?", r"стат(?:ь\w*|ей)", r"ба[бп]\w*")
_COUNT_STATES: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "printed": (_BALLOTS, _rx(
        r"print\w*", r"напечата\w*", r"отпечата\w*", r"печат\w*", r"басыл\w*", r"басып\w*",
    )),
    "issued": (_BALLOTS, _rx(
        r"issued", r"handed out", r"выдан\w*", r"выдал\w*", r"берілді", r"берилди", r"таратыл\w*",
    )),
    "invalid": (_BALLOTS, _rx(
        r"invalid", r"spoil\w*", r"недействительн\w*", r"испорчен\w*", r"жарамсыз\w*",
    )),
    # The deputies appointed, not those elected (the eighth probe, sixteenth session:
    # "Президент Құрылтайға неше депутатты өзі тағайындайды?" -> "the number of deputies will
    # be 145").
    "appointed": (_rx(r"deput\w*", r"депутат\w*", r"seats?", r"мест\w*", r"орын\w*"), _rx(
        r"appoint\w*", r"назнача\w*", r"назначен\w*", r"назначит\w*", r"та[ғг]айында\w*",
    )),
    # The articles about something ("неше бабы Құрылтайға арналған?", how many articles
    # deal with the Kurultai), not all the text has (the ninth probe).
    "devoted": (_ARTICLES, _rx(
        r"devot\w*", r"dedicat\w*", r"deal(?:s|ing)? with", r"посвящ\w*", r"регулир\w*",
        r"касаю\w*", r"арнал\w*", r"арна[ғг]ан",
    )),
    # The articles changed ("77 of its 104 articles have been rewritten"), not those the
    # text has ("contains 95 articles").
    "changed": (_ARTICLES, _rx(
        r"rewrit\w*", r"re-written", r"chang\w*", r"amend\w*", r"revis\w*", r"измен\w*",
        r"перепис\w*", r"поправ\w*", r"обновл\w*", r"өзгер\w*", r"озгер\w*", r"rework\w*",
        r"переработ\w*",
        r"[қк]айта\s+жаз\w*", r"түзет\w*", r"тузет\w*",
        # "сколько статей ... затронула реформа?" (eighteenth session's fifty-first probe:
        # `high` with the final text's 95)
        r"затрон\w*", r"затрагива\w*", r"touch\w*", r"affect\w*",
    )),
    # The proposals taken into account, not those sent (seventeenth session's fifteenth
    # probe: "Сколько предложений граждан было учтено в окончательном тексте?" was `high`
    # with the more than 4,000 sent).
    "accepted": (_rx(
        r"proposals?", r"suggestions?", r"comments?", r"предложени\w*", r"замечани\w*",
        r"ұсыныс\w*", r"усыныс\w*", r"пікір\w*",
    ), _rx(
        r"taken into account", r"incorporated", r"accepted", r"adopted", r"reflected",
        r"учт[её]н\w*", r"учл[аио]", r"уч[её]л", r"принят\w*", r"вошл\w*", r"отражен\w*",
        r"ескеріл\w*", r"ескерил\w*", r"қабылдан\w*", r"енгізіл\w*",
    )),
    # The seats a party won, not all the seats there are (seventeenth session's
    # nineteenth probe: "how many seats did amanat win in kurultai" was `high` with "all
    # 145 seats are filled from party lists").
    "won": (_rx(r"seats?", r"mandates?", r"мест\w*", r"мандат\w*", r"орын\w*"), _rx(
        r"w[io]n", r"winning", r"gain\w*", r"secur\w*", r"получ\w*", r"завоева\w*",
        r"набра\w*", r"жеңіп", r"женип", r"иеленді", r"алды",
    )),
}  # fmt: skip


def count_state(question: str) -> str | None:
    """For a count question, what happened to the things it counts (ballots printed,
    issued or declared invalid; articles changed), where it says; else None."""
    return next(
        (
            name
            for name, (noun, state) in _COUNT_STATES.items()
            if noun.search(question) and state.search(question)
        ),
        None,
    )


def count_states_of(question: str) -> tuple[str, ...]:
    """The states a count question's noun can be in (``_COUNT_STATES``), for one that names
    none: "how many articles are in the final draft?" is not answered by "77 of its 104
    articles have been rewritten", nor "how many ballots" by those declared invalid."""
    return tuple(name for name, (noun, _) in _COUNT_STATES.items() if noun.search(question))


def names_count_state(state: str, sentence: str) -> bool:
    """Whether ``sentence`` names the counted things' ``state`` (``count_state``)."""
    return _COUNT_STATES[state][1].search(sentence) is not None


# What a count is needed for ("Сколько депутатов нужно для кворума?", "how many
# signatures are required to ..."): a count of what it takes, whose other words say what
# for (sixteenth session's sixth probe: `high` with the Kurultai's 145 deputies).
_NEEDED = _rx(
    r"needs?", r"needed", r"requir\w*", r"нужн\w*", r"необходим\w*", r"требу\w*",
    r"керек", r"[қк]ажет\w*",
)  # fmt: skip


def counts_needed(question: str, qtype: QuestionType | None) -> bool:
    """Whether ``question`` counts what something needs (``_NEEDED``), not what there is."""
    return qtype is not None and qtype.kind == "count" and _NEEDED.search(question) is not None


def counts_voters(qtype: QuestionType | None) -> bool:
    """Whether ``qtype`` counts the voters ("how many voters", "сколько избирателей",
    "қанша сайлаушы"): a count that is a vote's measure too, whose other words name a part
    of them ("used absentee certificates"; verify.asked)."""
    return (
        qtype is not None and qtype.kind == "count" and len(qtype.of) == 1 and _asks_voters(qtype)
    )


# The events a question names by its cue words (the start of a period only by ``_START_Q``).
_QUESTION_EVENTS = {name: rx for name, rx in _EVENTS.items() if name != "start"}
_MEASURES: dict[str, re.Pattern] = {
    "turnout": _rx(
        r"turnout",
        r"(?:came|went|come|go) to the polls",
        r"took part",
        r"taken part",
        r"take part",
        r"taking part",
        r"participat\w*",
        r"cast (?:a |their )?ballots?",
        r"явк\w*",
        r"принял[аи]? участие",
        r"приняли участие",
        r"участвовал\w*",
        r"пришл\w*",
        r"приш[её]л",
        r"қатыс\w*",
        r"катыс\w*",
        r"келуі",
        r"келуи",
    ),
    "yes": _rx(
        r"yes",
        r"in favou?r",
        r"backed",
        r"supported",
        r"approved",
        r"voted for",
        r"за",
        r"поддержал\w*",
        r"одобрил\w*",
        r"иә",
        r"ия",
        r"иа",  # иә typed with Russian letters (eighteenth session)
        r"қолда\w*",
        r"колда\w*",
        r"жақта\w*",
    ),
    # "voted no", "said no" (seventeenth session's fifteenth probe: "how many people
    # actually voted no?" was read as the turnout, `high` with 9,127,192 who voted).
    "no": _rx(
        r"against",
        r"ag(?:ia|i|ai)nst",
        r"agaisnt",  # typed as people type it
        r"против",
        r"қарсы",
        r"карсы",
        r"(?:voted|vote|votes|said|answered) [\"'“‘]?no",
        r"the no side",
    ),  # fmt: skip
    "threshold": _rx(
        r"more than half",
        r"at least",
        r"valid\w*",
        r"threshold",
        r"barrier",
        r"барьер\w*",
        r"более половины",
        r"больше половины",
        r"состоявш\w*",  # "признан состоявшимся": valid
        r"не менее",
        r"действительн\w*",
        r"порог\w*",
        r"жартысынан",
        r"кемінде",
        r"жарамды",
        # What a rule requires ("what turnout is needed", "сколько нужно", "қатысуы керек";
        # the tenth probe of the sixteenth session: "What share of the votes cast had to be
        # 'yes' for the new Constitution to count as adopted?" -> the 87.15% who said yes)
        r"need(?:s|ed)?",
        r"required",
        r"ha(?:d|s|ve) to(?: be)?",  # "had to vote yes" (seventeenth session)
        r"count as",
        r"to be adopted",
        r"должн\w*",
        r"нужн\w*",
        r"необходим\w*",
        r"керек",
        r"қажет\w*",
    ),
    # A share of the precincts counted ("ballots from about 90 percent of precincts
    # counted", "90 процентов участков", "учаскелердің 90 пайызының хаттамалары"): how far
    # the count had got, not a share of the voters.
    "precincts": _rx(
        r"precincts?",
        r"участк\w*",
        r"учаске\w*",
        r"протокол\w*",
        r"хаттама\w*",
    ),
}
# A vote's own measures, the shares of the voters: not a rule's threshold, nor the
# precincts counted. A count of people can be one of them (``_vote_measure``), and their
# cue words are what a question about one may say besides a part of the voters (verify.py).
VOTER_MEASURES = ("turnout", "yes", "no")
MEASURE_CUES = tuple(_MEASURES[m] for m in VOTER_MEASURES)
THRESHOLD_CUE = _MEASURES["threshold"]
# A duration that is an age, by the words next to it ("25 years old", "не моложе 25 лет").
_AGES: dict[str, re.Pattern] = {
    "age": _rx(
        r"years? old",
        r"year-old",
        r"of age",
        r"aged?",
        r"возраст\w*",
        r"моложе",
        r"старше",
        r"достиг\w*",
        r"жас(?:қа|ка|та|тан|ы|тағы|тагы)",  # not "жаса-" (to make): "жасалды"
    ),
}
# Nouns of the vote itself: a date question naming one and no other event asks when it is held.
_VOTE_NOUN = _rx(
    r"referendum\w*",
    r"vote",
    r"voting",
    r"election\w*",
    r"референдум\w*",
    r"голосовани\w*",
    r"выбор\w*",
    r"сайлау\w*",
    r"дауыс беру",
)
CUE_WINDOW = 48  # characters either side of a value in which its cue words are looked for


# Classes a question asks about whenever it names them, wherever: "I'll be away on voting
# day: until when can I get a certificate?" asks for the deadline, not the voting day; "what
# turnout is needed for the referendum to be valid?" for the threshold, not the turnout;
# "when did the Kurultai hold its first session?" for the session, not the vote; "on what
# day did the president sign the decree on holding the referendum?" for the signing
# (eighteenth session's thirty-seventh probe: `high` with the vote's day).
_ASKED_FIRST = ("deadline", "threshold", "session", "sign", "create")


def _cue_class(classes: dict[str, re.Pattern], text: str) -> tuple[str, ...]:
    """The class whose cue words ``text`` names first (a question names one), or ()."""
    found = [(m.start(), name) for name, rx in classes.items() for m in [rx.search(text)] if m]
    first = [name for _, name in found if name in _ASKED_FIRST]
    if first:
        return (first[0],)
    return (min(found)[1],) if found else ()


def _without_premise(
    question: str, classes: dict[str, re.Pattern] | None = None, kind: str = "date"
) -> str:
    """``question`` less the class (an event, a measure) it gives a value for, where it
    names another: "Since the referendum was held on 16 March, when did the new Constitution
    come into force?" asks the entry into force, "Құрылтай сайлауы 30 тамызда өтеді, ал
    Конституция күні қай күні тойланады?" the holiday (eighteenth session's fortieth probe:
    both were read as asking the date their premise gives); "по предварительным данным за
    было около 86,9%, а скока процентов было против" asks the votes against (forty-eighth
    probe). The cue nearest a value of ``kind`` the question states is blanked."""
    classes = _QUESTION_EVENTS if classes is None else classes
    stated = [v for v in find_values(question) if v.kind == kind]
    if not stated:
        return question
    cues = [m for rx in classes.values() for m in rx.finditer(question)]
    if len({m.re for m in cues}) < 2:
        return question

    def gap(m: re.Match) -> int:
        return min(max(v.start - m.end(), m.start() - v.end, 0) for v in stated)

    nearest = min(cues, key=gap)
    return (
        question[: nearest.start()]
        + " " * (nearest.end() - nearest.start())
        + question[nearest.end() :]
    )


def value_of(kind: str, question: str) -> tuple[str, ...]:
    """What a question asking for a value of ``kind`` says it is of, where that is read from
    cue words: a date's event, a percentage's measure (else ())."""
    if kind == "date":
        return _date_event(question)
    if kind == "percentage":
        question = _ALL_COUNTED.sub(" ", question)
        return _cue_class(_MEASURES, _without_premise(question, _MEASURES, "percentage"))
    return ()


# The count finished ("после обработки всех протоколов", "once every protocol had been
# counted", "барлық хаттамалар"): the final figure asked, not how far the count had got
# (nineteenth session's sixty-sixth probe: "Говорят, что явка была около 72,8 процента.
# Какой она оказалась после обработки всех протоколов?" was `high` with the 72.8).
_ALL_COUNTED = re.compile(
    r"(?<![\w-])(?:всех|все|every|all(?: the)?|барлы[қк])\s+(?:[\w-]+\s+)?"
    r"(?:протокол\w*|protocols?|precincts?|участк\w*|хаттама\w*|учаске\w*)",
    re.IGNORECASE,
)


def asks_all_counted(question: str) -> bool:
    """Whether ``question`` asks the figure once every protocol was counted (``_ALL_COUNTED``)."""
    return _ALL_COUNTED.search(question) is not None


# A question about the first day of a period (fifteenth session's probe: "Сырттай дауыс
# беру куәлігін қай күннен бастап алуға болады?" was answered by the deadline, "14 наурыз
# сағат 18:00-ге дейін").
_START_Q = _rx(
    r"from (?:what|which) (?:date|day)",
    r"from when",
    r"start(?:ing)? (?:date|day)",
    r"(?:period|window)(?: \w+){0,6} (?:start|begin|open)\w*",
    r"с какого (?:числа|дня|момента)",
    r"начиная с какого",
    r"с каких пор",
    r"[қк]ай к[үу]ннен",
    r"[қк]ашаннан",
    r"[қк]ай [уұ]а[қк]ыттан",
)


# What a vote is about ("the public vote on scrapping the senate", "Сенатты жою туралы
# референдум"): its subject's events are not the date asked (nineteenth session's
# sixty-seventh probe: "so when's the public vote on scrapping the senate actually
# happening?" was `high` with the day the Senate ceased to exist).
_VOTE_SUBJECT = re.compile(
    r"((?<![\w-])(?:(?:vote|referendum|ballot) (?:on|about|over)|голосование по|референдум об?) )"
    r"[^?,.;]+"
    r"|(?<![\w-])[\w-]+(?:\s+[\w-]+)?\s+туралы(?=\s+(?:референдум|дауыс беру))",
    re.IGNORECASE,
)


def _date_event(question: str) -> tuple[str, ...]:
    """The event a date question asks about: named by its cue words ("enter into force",
    "опубликован", "өтеді"; the start of a period by ``_START_Q``, where it names no other
    event but a deadline's), else "held" when it names the vote itself ("Когда
    референдум?"), else () (unknown: any date answers)."""
    named = _cue_class(_QUESTION_EVENTS, _without_premise(_VOTE_SUBJECT.sub(r"\1 ", question)))
    # "From which day can I get an absentee certificate?" asks the period's first day, not
    # its deadline; "from what date will the Constitution take effect?" still its entry.
    if _START_Q.search(question) and named in ((), ("deadline",)):
        return ("start",)
    if named:
        return named
    return ("held",) if names_vote(question) else ()


# A decree signed on a day sets up a body that day ("A decree signed on 21 January sets up a
# Constitutional Commission"): in a sentence naming both acts, either's date is the other's
# (not in one naming one: the Senate "set up in 1995" was signed on no date it gives).
_ONE_ACT = {"sign", "create"}


def _of_value(classes: dict[str, re.Pattern], asked: str, sentence: str, value: Value) -> bool:
    """Whether ``value`` (a date or a percentage of ``sentence``) is one of the ``asked``
    class: the cue words within ``CUE_WINDOW`` characters of it decide (the nearest class
    wins); with none near, the sentence must name the asked class."""
    near_from, near_to = max(0, value.start - CUE_WINDOW), value.end + CUE_WINDOW
    nearest: tuple[int, str] | None = None
    for name, rx in classes.items():
        if name == "start" and asked != "start":
            continue  # "from", "начиная": read for a period's first day only
        for m in rx.finditer(sentence, near_from, min(len(sentence), near_to)):
            gap = value.start - m.end() if m.end() <= value.start else m.start() - value.end
            if nearest is None or max(gap, 0) < nearest[0]:
                nearest = (max(gap, 0), name)
    if nearest is not None:
        return nearest[1] == asked or (
            {nearest[1], asked} == _ONE_ACT and classes[asked].search(sentence) is not None
        )
    # None near: the sentence must name the asked one (the vote itself counts for "held":
    # "at the referendum on March 15"). A bare date ("abolished in 1996") or share
    # answers nothing in particular, and a near miss is worse than a hedge.
    if classes[asked].search(sentence):
        return True
    return asked == "held" and names_vote(sentence)


# What a count question about a vote's measure counts instead of a noun: a verb ("how many
# said yes", "сколько проголосовали против") or the measure's own cue ("сколько было за").
_VOTED = re.compile(
    r"\w+ed|said|came|went|took|voters?|votes?|проголосовал\w*|голосовал\w*|ответил\w*|"
    r"пришл\w*|высказал\w*|поддержал\w*|дауыс\w*|қатысқан|катыскан",
    re.IGNORECASE,
)


# Having voted at all, whatever the answer: a count of those who did is the turnout.
_VOTED_ALL = _rx(
    r"voted", r"(?:came|went) to (?:vote|the polls)", r"cast (?:a |their )?ballots?",
    r"проголосовал\w*", r"голосовал\w*", r"пришл\w* (?:голосовать|на участ\w*)",
    r"дауыс берд\w*", r"дауыс берген\w*",
    r"дауыс беріп", r"сайлауға келд\w*",
)  # fmt: skip


def _vote_measure(question: str, counted: tuple[str, ...]) -> tuple[str, ...]:
    """The vote's measure (yes, no, turnout) a count question asks about, when it counts
    no noun of its own: answered by the share, as "what percent voted yes" is."""
    measure = tuple(m for m in _cue_class(_MEASURES, question) if m in VOTER_MEASURES)
    if not measure:
        return ()
    if not counted or _VOTED.fullmatch(counted[0]) or _MEASURES[measure[0]].search(counted[0]):
        return measure
    return ()


# A Kazakh adjective before the counted noun ("халықаралық", "жергілікті", "жаңа"): its
# suffixes -лық/-лік/-дық/-дік/-тық/-тік, -ғы/-гі, -ді/-ті, -ылы/-ілі.
_KK_ADJECTIVE = re.compile(r"(?:[лдт][ыі][қк]|[ғг][ыі]|[дт]і|ылы|ілі|^жаңа|^жана)$", re.I)


# A Russian adjective before the counted noun, in the genitive plural "сколько" asks for
# ("избирательных участков", "новых статей").
_RU_ADJECTIVE = re.compile(r"[а-яё]{3,}(?:ых|их)$", re.I)


# English nouns that name who a counted thing is from ("citizen comments", "voter
# complaints"; twentieth session's ninety-first probe: "How many citizen comments did the
# commission receive ...?" was `high` with the 7,954,667 who voted yes), and a plural noun
# after one (not a verb: "how many voters turned out").
_ATTRIBUTIVE = frozenset({"citizen", "voter", "public"})
_EN_PLURAL = re.compile(r"[a-z]+[^su']s", re.IGNORECASE)


def _counted(question: str, cue: re.Match) -> tuple[str, ...]:
    """The noun a count question counts: after the cue (en/ru "how many deputies",
    "сколько депутатов", kk "неше депутат"), or before "саны"/"number" ("депутаттар
    саны"). Generic nouns (people, человек, адам) say nothing: empty."""
    after = [w for w in _WORD.findall(question[cue.end() :]) if w.casefold() not in _COUNT_SKIP]
    before = _WORD.findall(question[: cue.start()])
    said = cue.group(0).casefold()
    # "депутаттар саны", "article count": the noun before; "number of deputies": after.
    if said.startswith(("сан", "count", "number", "количеств", "числ")) and before:
        word = before[-1] if said.startswith(("сан", "count")) else (after or [""])[0]
    elif after:
        word = after[0]
        if word.casefold() in _ATTRIBUTIVE and len(after) > 1 and _EN_PLURAL.fullmatch(after[1]):
            word = after[1]  # "how many citizen comments": the comments, not the citizens
        elif said in ("қанша", "канша", "неше") and len(after) > 1 and _KK_ADJECTIVE.search(word):
            word = after[1]  # "қанша халықаралық байқаушы": the observers, not "international"
        elif said == "сколько" and len(after) > 1 and _RU_ADJECTIVE.search(word):
            word = after[1]  # "сколько избирательных участков": the stations, not "electoral"
    else:
        # Kazakh puts what is asked about before "қанша": "жалақысы қанша болады?" (how
        # much is the salary) asks about the salary, not any count.
        kazakh = cue.group(0).casefold() in ("қанша", "канша", "неше")
        word = before[-1] if kazakh and before else ""
    if not word or word.casefold() in _GENERIC_COUNTED or word[0].isdigit():
        return ("voters",) if _ELECTORATE.search(question) else ()
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
    values = [
        v
        for v in find_values(sentence)
        if v.kind == qtype.kind or (qtype.counts_too and v.kind == "count" and _of_people(v))
    ]
    if qtype.heads:
        values = [v for v in values if v.kind == "count"]
    if qtype.kind == "count":
        values = [v for v in values if v.unit and not _reference_unit(v.unit)]
        if qtype.of:
            electorate = _asks_voters(qtype) and bool(_ELECTORATE.search(sentence))
            values = [
                v
                for v in values
                if _counts(v.unit, qtype.of, translate)
                or (electorate and _of_people(v))
                or (_asks_voters(qtype) and _counts_voters(v))
            ]
    if qtype.kind == "clock" and qtype.of:
        stated = _COUNTING if qtype.of == ("count",) else _OPENING_STATED
        values = values if stated.search(sentence) else []
    elif qtype.of and qtype.kind in _OF_CLASSES:
        classes = _OF_CLASSES[qtype.kind]
        values = [v for v in values if _of_value(classes, qtype.of[0], sentence, v)]
        if qtype.of == ("held",) and qtype.vote and not names_vote(sentence):
            # "when did Kazakhstan vote?": "Almaty, 14 February – the Minister held a
            # meeting" holds a date next to "held", of another event.
            values = []
    if qtype.kind == "duration":
        values = [v for v in values if _the_length_asked(qtype, sentence, v)]
    if qtype.kind == "date" and qtype.of == ("deadline",):
        # "By when must the president call elections?": "within one month" answers too.
        periods = [
            v for v in find_values(sentence) if v.kind == "duration" and _within(sentence, v)
        ]
        values = sorted([*values, *periods], key=lambda v: v.start)
    return values


_OF_CLASSES = {"date": _EVENTS, "percentage": _MEASURES, "duration": _AGES}


def _the_length_asked(qtype: QuestionType, sentence: str, value: Value) -> bool:
    """Whether a duration of ``sentence`` is the kind of length a duration question asks:
    not a period to act within for a term of office (``_within``), not an offset from an
    event unless the question asks one (``_offset``; an age is neither), and in the unit
    the question names, if it names one."""
    if qtype.term and _within(sentence, value):
        return False
    if not qtype.offset and qtype.of != ("age",) and _offset(sentence, value):
        return False
    return not qtype.unit or value.unit == qtype.unit


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


def _asks_voters(qtype: QuestionType) -> bool:
    return any(_VOTERS.fullmatch(w) for w in qtype.of)


def _counts_voters(value: Value) -> bool:
    """A count of voters in any of the three languages ("eligible voters", "избирателей",
    "сайлаушы"): the one counted noun whose forms need no translator."""
    return any(_VOTERS.fullmatch(w) for w in (value.unit or "").split())


def _of_people(value: Value) -> bool:
    """A count of people ("7,954,667 people", "898 099 человек"): a vote's measure as a
    number, which "how many voted yes" also asks for."""
    unit = (value.unit or "").split()
    return bool(unit) and (
        unit[0].casefold() in _GENERIC_COUNTED or _VOTED_VERB.fullmatch(unit[0]) is not None
    )


# A number before a vote's verb counts the people who voted ("898,099 voted against",
# "898 099 проголосовали против").
_VOTED_VERB = re.compile(r"voted|проголосова\w*|голосова\w*|votes|голос\w*|дауыс", re.IGNORECASE)


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
        if not names_person(sentence):
            return False
        return all(_role_stated(role, qtype.role_deputy, sentence) for role in qtype.of)
    if qtype.kind == "place":
        return bool(re.search(r"\s[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]+", sentence))
    return True


# Two capitalized words in a row: a person's name ("Erlan Karin", "Эльвира Азимова"),
# unless either is a title's or a body's word ("Deputy Chairman", "Constitutional Court",
# "Конституционного суда"), which English and Russian capitalize, or a sentence's first
# function word ("In Astana").
_CAPITALIZED_PAIR = re.compile(
    r"(?=\b([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w'’.-]+)\s+([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w'’-]+))"
)
_FIRST_WORDS = frozenset(
    "the a an in on at by for from with as this that these those after before during when "
    "в во на по с со из для о об как это после до при когда".split()
)
_NOT_A_NAME = re.compile(
    r"(?:deputy|chair|head|vice|constitution|court|commission|central|referendum|republic|"
    r"kazakhstan|supreme|council|parliament|majilis|mazhilis|senate|kurultai|state|counsel|"
    r"minist|president|prime|party|agenc|office|foreign|affairs|justice|people|national|"
    r"assembly|administration|general|prosecutor|city|branch|region|"
    r"председат|заместит|конституц|суд|сот|комисси|республик|казахстан|қазақстан|"
    r"центральн|орталық|парламент|мажилис|мәжіліс|сенат|курултай|құрылтай|государствен|"
    r"мемлекет|президент|премьер|министр|народн|халық|кеңес|совет|төраға|орынбасар|"
    # "Қызылордадағы Ұлттық құрылтай" (the National Kurultai in Kyzylorda: nineteenth
    # session's sixty-fifth probe) is no one's name, nor a decree
    r"ұлттық|национальн|decree|указ|жарлы|\w+(?:дағы|дегі|тағы|тегі)\b)",
    re.IGNORECASE,
)


def names_person(sentence: str) -> bool:
    """Whether ``sentence`` names a person: two capitalized words in a row, neither of them
    a title's, an institution's or a function word (``persons_in``)."""
    return bool(persons_in(sentence))


def persons_in(sentence: str) -> list[tuple[str, str]]:
    """The names ``sentence`` gives (``names_person``'s pairs of capitalized words)."""
    return [
        (m.group(1), m.group(2))
        for m in _CAPITALIZED_PAIR.finditer(sentence)
        if m.group(1).casefold() not in _FIRST_WORDS
        and not _NOT_A_NAME.match(m.group(1))
        and not _NOT_A_NAME.match(m.group(2))
    ]


def role_positions(qtype: QuestionType, sentence: str) -> list[int]:
    """Where ``sentence`` names the roles a person question asks about (their offsets)."""
    return sorted(m.start() for role in qtype.of for m in _rx(*_ROLES[role]).finditer(sentence))


def _role_stated(role: str, deputy: bool, sentence: str) -> bool:
    pattern = _rx(*_ROLES[role])
    found = list(pattern.finditer(sentence))
    if not found:
        return False
    if deputy:
        return bool(_DEPUTY.search(sentence))
    # A head's role: at least one mention not qualified by "deputy" just before it, nor,
    # in Kazakh, just after it ("төрағасының орынбасары", the chair's deputy: nineteenth
    # session's sixty-sixth probe).
    return any(
        not _DEPUTY.search(sentence[max(0, m.start() - 16) : m.start()])
        and not _KK_DEPUTY_AFTER.match(sentence, m.end())
        for m in found
    )


_KK_DEPUTY_AFTER = re.compile(r"\w*\s+орынбасар\w*", re.IGNORECASE)


# --- the older two-kind view (the answer-type retriever, highlighting) -------------------------

_LEGACY = {
    "count": "quantity",
    "percentage": "quantity",
    "duration": "quantity",
    "date": "time",
    "clock": "time",
}


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
        return any(v.kind in ("date", "duration", "clock") for v in values)
    return any(v.kind == kind for v in values)


def type_check(question: str) -> Callable[[str], bool] | None:
    """A test that a sentence states a value of the kind ``question`` asks for, or None when
    it asks for no value (highlighting's bonus; the noun is not compared here). A person
    asked in a role is such a value too: a name with that role ("Заместителем председателя
    комиссии стал ... Ерлан Карин", not the passage's sentence about the commission)."""
    qtype = question_type(question)
    if qtype is not None and qtype.kind == "person" and qtype.of:
        return functools.partial(_states_kind, qtype)
    if qtype is None or qtype.kind not in VALUE_KINDS:
        return None
    # A count's noun is dropped (the sentence may be in another language), except voters,
    # read in all three (the electorate); a date's event and a percentage's measure are
    # kept: their cue words are read in all three.
    keep = qtype.kind in _OF_CLASSES or (qtype.kind == "count" and _asks_voters(qtype))
    # "How many voted against" is answered by a head count too ("898,099 voted against").
    # Neither a term's nor a deputy role's narrowing: any length, any holder of the role.
    kind_only = replace(qtype, of=qtype.of if keep else (), role_deputy=False, term=False)
    state = count_state(question) if qtype.kind == "count" else None
    if state is not None:
        # "How many articles were rewritten?": the passage's "77 of its 104 articles have
        # been rewritten", not its "contains 95 articles" beside it (verify.py checks the
        # same of the sentence highlighted).
        return functools.partial(_states_kind_in, kind_only, state)
    return functools.partial(_states_kind, kind_only)


def _states_kind_in(qtype: QuestionType, state: str, sentence: str) -> bool:
    """``_states_kind`` of a sentence that names the counted things' ``state`` too."""
    return names_count_state(state, sentence) and _states_kind(qtype, sentence)


@functools.lru_cache(maxsize=65536)
def _states_kind(qtype: QuestionType, sentence: str) -> bool:
    """``states_answer`` without a translator, cached: highlighting asks it of every
    sentence of every hit, and the same sentences come back request after request."""
    return states_answer(qtype, sentence)


def type_satisfied(question: str, sentences: Sequence[str]) -> bool:
    """Whether one of ``sentences`` (the highlighted answers) states a value of the kind the
    question asks for; always true when it asks for no value."""
    check = type_check(question)
    return check is None or any(check(s) for s in sentences)


def asks_may_or_must(question: str) -> bool:
    """Whether a yes/no question asks what one may or must do ("Can I vote early if I'm
    away on March 15?"), not whether a value holds ("Is the referendum on March 15?")."""
    return _MAY_OR_MUST.search(respell(question)) is not None


def names_vote(text: str) -> bool:
    """Whether ``text`` names the vote itself (referendum, голосование, дауыс беру)."""
    return _VOTE_NOUN.search(text) is not None
