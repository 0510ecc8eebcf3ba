"""The answer's layout for the page and the widget: pure functions of the API's answer.

An answer is laid out answer first: the top passage's highlighted sentence(s) quoted in a
best-match block whose heading follows the answer's confidence (``confidence_of``), with
the reform's terms named in the reader's language (``terms_of``), then the other passages
grouped by article (``group_by_article``), each collapsed to its highlighted sentence
(``quote_of``) with the whole passage behind "show context". Sources are credited and
cited the reader's way (``outlet_line``, ``citation``, ``language_line``).

The inputs are the answer as the API serializes it (dicts), so what the page shows is what
the API says; the routes (ui.py) hand these to the templates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import url_for

from .answer import STATES
from .glossary import Glossary
from .i18n import Catalogs
from .origin import public_base
from .validate import LANGS

# The most highlight spans an article link may carry (``?hl=``); the highlighter picks two.
MAX_LINK_SPANS = 8
# The most terms the "terms" line names under the best match.
MAX_TERMS = 4
_OFFSET_RE = re.compile(r"[0-9]{1,9}")


def segments(text: str, spans: list[dict] | list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Cut ``text`` into (piece, highlighted) parts from the API's ``highlight`` spans.

    Spans are clamped to the text, sorted and merged, so overlapping or out-of-range
    offsets never duplicate or lose text; ``"".join(piece for piece, _ in ...) == text``.
    The page's script does the same in ``segments()`` in app.js.
    """
    cleaned: list[tuple[int, int]] = []
    for span in spans or []:
        start, end = (span["start"], span["end"]) if isinstance(span, dict) else span
        start, end = max(0, min(int(start), len(text))), max(0, min(int(end), len(text)))
        if end > start:
            cleaned.append((start, end))
    cleaned.sort()
    merged: list[list[int]] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in merged:
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text) or not out:
        out.append((text[pos:], False))
    return out


def confidence_of(answer: dict) -> str:
    """How far the page may claim that the sources answer: ``high``, ``low`` or ``none``.

    The search reports it as ``answer["confidence"]`` once it knows (high: the top passage
    answers; low: on topic, but no passage clearly does; none: abstained). Until it does,
    it follows from ``abstained``. An answer without results is ``none`` whatever it says:
    there is no passage to show as the answer.
    """
    if not answer.get("results"):
        return "none"
    confidence = answer.get("confidence")
    if confidence in STATES:
        return confidence
    return "none" if answer.get("abstained") else "high"


@dataclass(frozen=True)
class SourceGroup:
    """One article with its hits in rank order: a card shows an article once, however many
    of its passages came back."""

    article: dict
    hits: list[dict]


def group_by_article(hits: list[dict]) -> list[SourceGroup]:
    """Hits grouped by article, groups in the order of each article's best hit."""
    groups: dict[str, SourceGroup] = {}
    for hit in hits:
        article = hit["article"]
        group = groups.setdefault(article["id"], SourceGroup(article=article, hits=[]))
        group.hits.append(hit)
    return list(groups.values())


def quote_of(hit: dict) -> str | None:
    """The hit's highlighted sentence(s) as one quotation, or None when none is highlighted.

    Neighbouring sentences are joined by a space; sentences with text between them by an
    ellipsis, so that the quotation never reads as continuous when it is not.
    """
    out: list[str] = []
    gap = False
    for piece, marked in segments(hit["text"], hit.get("highlight") or []):
        if not marked:
            gap = gap or (bool(out) and bool(piece.strip()))
            continue
        if out:
            out.append(" … " if gap else " ")
        out.append(piece.strip())
        gap = False
    return "".join(out) or None


def terms_of(
    glossary: Glossary, lang: str, hit: dict, fact: dict | None = None
) -> list[tuple[str, str]]:
    """The reform's terms in the hit's quoted sentence, each as the source writes it and
    as the reader's language names it (``("Majilis", "Мәжіліс")``); none when the source
    is in the reader's language. From the glossary's names (glossary.tsv). A term inside
    the ``fact`` line's value ("145 deputies") is left out: that line names it already."""
    source = hit["article"].get("lang")
    sentence = quote_of(hit)
    if not sentence or not source or source == lang:
        return []
    stated = hit["text"][fact["span"]["start"] : fact["span"]["end"]] if fact else ""
    pairs: list[tuple[str, str]] = []
    for term in glossary.terms_in(sentence, source):
        pair = (term.found, term.names[lang])
        if term.found in stated:
            continue
        if pair not in pairs:
            pairs.append(pair)
    return pairs[:MAX_TERMS]


def span_param(spans: list[dict]) -> str | None:
    """``hl=`` for an article link: the highlight as ``start-end`` pairs, None when empty."""
    return ",".join(f"{int(s['start'])}-{int(s['end'])}" for s in spans) or None


def parse_span_param(raw: str | None, length: int) -> list[tuple[int, int]]:
    """Offsets from ``hl=12-80,81-150``, clamped to a passage of ``length`` characters.

    Malformed pairs are dropped rather than refused: the parameter only decides which
    sentence of the passage the article page marks, and a bad one still shows the article.
    """
    spans: list[tuple[int, int]] = []
    for pair in (raw or "").split(",")[:MAX_LINK_SPANS]:
        start, sep, end = pair.partition("-")
        # ASCII digits only: "①" and "²" pass str.isdigit, not int() (issue 21, row 8).
        if not (sep and _OFFSET_RE.fullmatch(start) and _OFFSET_RE.fullmatch(end)):
            continue
        start_i, end_i = min(int(start), length), min(int(end), length)
        if end_i > start_i:
            spans.append((start_i, end_i))
    return spans


def language_line(catalogs: Catalogs, lang: str, hits: list[dict]) -> str | None:
    """One line for the page when sources are in another language than the reader's:
    "The passages found are in English." (or "Some of ..." when only some are)."""
    others: list[str] = []
    for hit in hits:
        source = hit["article"].get("lang")
        if source and source != lang and source in LANGS and source not in others:
            others.append(source)
    if not others:
        return None
    names = catalogs.get(lang, "lang_in")
    joined = catalogs.text(lang, "and").join(names[code] for code in others)
    every = all(hit["article"].get("lang") in others for hit in hits)
    return catalogs.text(lang, "langline_all" if every else "langline_some", langs=joined)


def outlet_line(catalogs: Catalogs, lang: str, article: dict) -> str:
    """The outlet as credited: "via Enbekshi QazaQ, originally gov.kz" when the article
    is a republication of another publisher's page (``original_publisher``), else the
    outlet alone."""
    original = article.get("original_publisher")
    if not original:
        return article["outlet"]
    return catalogs.text(lang, "citation_via", outlet=article["outlet"], original=original)


def citation(catalogs: Catalogs, lang: str, article: dict) -> str:
    """Title, outlet, date and address of a source, written the reader's way, for "Copy
    citation". The address is the original's when known, else this site's article page.
    Each language's pattern owns its punctuation (Russian dates end in "г.", so its
    pattern puts no full stop after the date)."""
    url = article.get("url") or public_base() + url_for("ui.article", article_id=article["id"])
    return catalogs.text(
        lang,
        "citation",
        title=article["title"],
        outlet=outlet_line(catalogs, lang, article),
        date=catalogs.format_date(lang, article["date"]),
        url=url,
    )
