"""The fact line: the asked value, found in the answering sentence, in the reader's language.

A Kazakh or Russian reader of an English source should not have to find "145" or "March
15" inside an English sentence. When the question asks for a count, a date, a percentage
or a duration (``answer_type.question_type``) and the best match's highlighted sentence
states exactly one such value (``answer_type.answer_values``), the value is written the
reader's way with CLDR's data (Babel): numbers with the language's separators, dates with
its month names (and the article's year when the sentence gives none: "March 15" in a
February 2026 report is 15 March 2026), percentages, durations ("5 лет", "5 жыл"), and a
counted noun with the language's plural rule ("145 депутатов", "145 депутат", "145
deputies").

Shown only when the extraction is certain: one distinct value of the asked kind (and event,
measure or counted noun) in the highlighted sentence, and its counted noun (if any) has a
known name in the reader's language (``COUNTED``). For a ``high`` answer it is the answer
(``confirmed``); for a ``low`` one it is what the passage says, with the caveat that it may
not answer the question (``confirmed`` false: the page says so on the line itself): the
rule hedges most right answers (docs/quality.md), and the reader of an English source
still needs the number in her language to judge it. Never for ``none``. Never
instead of the sentence: the page puts it above the quote, and the API gives its span in
the passage so a client can point at it. Yes/no questions get no fact line: whether a
sentence says yes or no is not something a pattern can be sure of.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit

from .answer import Answer, Hit
from .answer_type import answer_values, question_type
from .i18n import plural_category
from .places import places_in
from .values import Value

# Counted nouns the fact line can name in every language: recognised by word beginnings in
# any of them (the source's noun), named by plural category in the reader's (Kazakh keeps
# the singular after a numeral). A noun not listed gives no fact line across languages.
COUNTED: dict[str, dict[str, tuple[str, ...] | dict[str, str]]] = {
    "deputy": {
        "stems": ("deput", "депутат"),
        "en": {"one": "deputy", "other": "deputies"},
        "ru": {"one": "депутат", "few": "депутата", "many": "депутатов", "other": "депутата"},
        "kk": {"other": "депутат"},
    },
    "seat": {
        "stems": ("seat", "мандат", "орын"),
        "en": {"one": "seat", "other": "seats"},
        "ru": {"one": "мандат", "few": "мандата", "many": "мандатов", "other": "мандата"},
        "kk": {"other": "орын"},
    },
    "article": {
        "stems": ("article", "стат", "бап"),
        "en": {"one": "article", "other": "articles"},
        "ru": {"one": "статья", "few": "статьи", "many": "статей", "other": "статьи"},
        "kk": {"other": "бап"},
    },
    "chamber": {
        "stems": ("chamber", "палат"),
        "en": {"one": "chamber", "other": "chambers"},
        "ru": {"one": "палата", "few": "палаты", "many": "палат", "other": "палаты"},
        "kk": {"other": "палата"},
    },
    "member": {
        "stems": ("member", "член", "мүше"),
        "en": {"one": "member", "other": "members"},
        "ru": {"one": "член", "few": "члена", "many": "членов", "other": "члена"},
        "kk": {"other": "мүше"},
    },
    "amendment": {
        "stems": ("amendment", "поправ", "түзет"),
        "en": {"one": "amendment", "other": "amendments"},
        "ru": {"one": "поправка", "few": "поправки", "many": "поправок", "other": "поправки"},
        "kk": {"other": "түзету"},
    },
    "voter": {
        "stems": ("voter", "избирател", "сайлаушы"),
        "en": {"one": "voter", "other": "voters"},
        "ru": {
            "one": "избиратель",
            "few": "избирателя",
            "many": "избирателей",
            "other": "избирателя",
        },
        "kk": {"other": "сайлаушы"},
    },
    "party": {
        "stems": ("part", "парти", "партия"),
        "en": {"one": "party", "other": "parties"},
        "ru": {"one": "партия", "few": "партии", "many": "партий", "other": "партии"},
        "kk": {"other": "партия"},
    },
}
# Dates written the way the site writes its own (the Kazakh "2026 жылғы 15 наурыз" rather
# than CLDR's abbreviated "2026 ж. 15 наурыз"); other granularities from CLDR skeletons.
_DAY_PATTERNS = {"kk": "y 'жылғы' d MMMM"}
_MONTH_PATTERNS = {"kk": "y 'жылғы' LLLL"}


@dataclass(frozen=True)
class Fact:
    """The asked value of the best match: ``kind`` (count, date, percentage, duration, clock),
    ``value`` (a number, an ISO date, a time of day "HH:MM" or opening hours
    "HH:MM/HH:MM"), ``text`` (in the reader's language), and
    ``start``:``end``, the value's span in the passage's text; ``confirmed``: the answer is
    ``high`` (else the passage states the value but may not answer the question)."""

    kind: str
    value: float | str
    text: str
    passage_id: str
    start: int
    end: int
    confirmed: bool = True

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "value": self.value,
            "text": self.text,
            "passage_id": self.passage_id,
            "span": {"start": self.start, "end": self.end},
            "confirmed": self.confirmed,
        }


def fact_of(
    answer: Answer, lang: str, translate: Callable[[str], Sequence[str]] | None = None
) -> Fact | None:
    """The fact line of ``answer`` in ``lang`` (kk, ru, en), or None when not certain."""
    if answer.confidence not in ("high", "low") or not answer.results:
        return None
    # Read as the search read it: "saylau uchaskesi qai uaqytta ashylady" in Cyrillic.
    reading = answer.reading or answer.query
    qtype = question_type(reading)
    if qtype is None:
        return None
    hit = answer.results[0]
    asked_places = places_in(reading)
    if asked_places:
        # "When did Kyrgyzstan hold its referendum?": a value from a passage that does not
        # name the place asked about is not said, even hedged (verify.check_hit holds the
        # same for high).
        named = places_in(hit.article.title) | places_in(hit.passage.text)
        if not asked_places <= named:
            return None
    found: list[tuple[int, Value]] = []
    for start, end in hit.highlight:
        for value in answer_values(qtype, hit.passage.text[start:end], translate):
            found.append((start, value))
    confirmed = answer.confidence == "high"
    if qtype.kind == "clock":
        hours = _opening_hours(found, lang, hit, confirmed)
        if hours is not None:
            return hours
    if len({_identity(v) for _, v in found}) != 1:
        return None  # none, or two different values: not certain which one answers
    offset, value = found[0]
    localized = localize(value, lang, hit)
    if localized is None:
        return None
    number_or_iso, text = localized
    return Fact(
        kind=value.kind,
        value=number_or_iso,
        text=text,
        passage_id=hit.passage.id,
        start=offset + value.start,
        end=offset + value.end,
        confirmed=confirmed,
    )


def _opening_hours(
    found: list[tuple[int, Value]], lang: str, hit: Hit, confirmed: bool
) -> Fact | None:
    """Opening hours: a time question answered by two times of one sentence, the earlier
    first ("from 7 a.m. to 8 p.m."), is answered by the range ("07:00/20:00",
    "07:00–20:00")."""
    if len(found) != 2 or found[0][0] != found[1][0]:
        return None
    (offset, a), (_, b) = found
    opens, closes = localize(a, lang, hit), localize(b, lang, hit)
    if opens is None or closes is None or not (a.number or 0) < (b.number or 0):
        return None
    return Fact(
        kind="clock",
        value=f"{opens[0]}/{closes[0]}",
        text=f"{opens[1]}–{closes[1]}",
        passage_id=hit.passage.id,
        start=offset + a.start,
        end=offset + b.end,
        confirmed=confirmed,
    )


def localize(value: Value, lang: str, hit: Hit) -> tuple[float | str, str] | None:
    """(machine value, text in ``lang``) for one found value, or None if it cannot be said
    there with certainty (a season, an unknown counted noun, a malformed date)."""
    if value.kind == "date":
        return _date(value, lang, hit.article.date)
    if value.number is None:
        return None
    number = int(value.number) if float(value.number).is_integer() else value.number
    if value.kind == "percentage":
        share = Decimal(str(value.number)) / 100  # exact: 73.12 stays 73.12, not ...001
        return number, format_percent(share, locale=lang, decimal_quantization=False)
    if value.kind == "clock":  # "HH:MM", and as the reader's language writes it
        hours, minutes = divmod(round(value.number * 60), 60)
        at = dt.time(hours % 24, minutes)
        return at.strftime("%H:%M"), format_time(at, format="short", locale=lang)
    if value.kind == "duration":
        text = format_unit(number, f"duration-{value.unit}", length="long", locale=lang)
        return number, text
    if value.kind == "count":
        noun = counted_name(value.unit, lang, number)
        if noun is None:
            return None
        return number, f"{format_decimal(number, locale=lang)} {noun}"
    return None


def counted_name(unit: str, lang: str, number: float) -> str | None:
    """The counted noun (as the source writes it, any language) named in ``lang`` for
    ``number``, or None when ``COUNTED`` does not know it."""
    words = unit.casefold().split()
    for entry in COUNTED.values():
        if any(w.startswith(stem) for w in words for stem in entry["stems"]):
            forms = entry[lang]
            assert isinstance(forms, dict)
            return forms.get(plural_category(lang, number), forms["other"])
    return None


def _date(value: Value, lang: str, article_date: str) -> tuple[str, str] | None:
    iso = value.iso
    if iso.startswith("--"):  # no year in the sentence: the article's own year
        iso = article_date[:4] + iso[1:]
    parts = iso.split("-")
    try:
        if len(parts) == 3:
            day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            pattern = _DAY_PATTERNS.get(lang, "long")
            return iso, format_date(day, format=pattern, locale=lang)
        if len(parts) == 2:
            month = dt.date(int(parts[0]), int(parts[1]), 1)
            if lang in _MONTH_PATTERNS:
                return iso, format_date(month, format=_MONTH_PATTERNS[lang], locale=lang)
            return iso, format_skeleton("yMMMM", month, locale=lang)
        if len(parts) == 1 and parts[0].isdigit():
            return iso, parts[0]
    except ValueError:
        return None
    return None


def _identity(value: Value) -> tuple:
    return (value.kind, value.number, value.iso, value.unit)
