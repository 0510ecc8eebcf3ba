"""Which report comes first: the one that states the asked attribute, the newer one when
reports disagree, and one in the reader's language when it answers as well.

A corpus that grows keeps old reports: September 2025's "the referendum could be held in
2027" stays beside February's "15 March 2026"; a first draft's 98 articles beside the
final 95; the overnight partial count beside the commission's results. All of them are
*about* the question, so retrieval ranks them together. This stage reorders the first
``WINDOW`` hits (their highlighted sentences checked by verify.py):

1. the lead: among the hits whose sentence states the asked type with at least half the
   question's key concepts ("answering": ``COVER_FLOOR``, or the first hit's cover where
   that is less), the first one; but when answering hits disagree on
   the value (another date, another count), or the question asks about an outcome
   (results, turnout, entry into force: reports after the event are the ones to trust),
   the newest report (of two reports of one day, a final one before one that calls itself
   preliminary: "according to the partial count", "по предварительным данным", "алдын ала");
2. an answering hit in the reader's language that agrees with the lead and whose fused
   score is within ``SAME_LANGUAGE_MARGIN`` of it takes the lead's place (same language
   first);
3. the older answering hits that disagree with the lead (a preliminary report of the same
   day counting as older) are moved last and returned as ``Superseded`` notes ("An earlier
   report, 8 Sep 2025, said ...").

Reports of another vote never compete: a maslikhat by-election's turnout, however newer,
does not supersede the referendum's (``same_vote``). Reports are compared only for a
question whose check is of a named attribute (``verify.Asked.specific``: a count of a
noun, a date of an event, a share of a measure); "any date" also matches another
attribute's date. For a duration (ninth session) only step 1 runs, and of the answering
hits the one naming most of the question's key concepts leads: "Kurultai term of office"
puts "each convocation will serve a five-year term" above a sentence about the Kurultai
that states no term, "for how many years is the president elected?" the president's term
above the deputies'; no values are compared, nothing is noted as superseded. (A person in
a role was measured too, and not kept: "who chairs the Constitutional Commission?"
promoted "… held a meeting with the heads of UN agencies" from an article whose title
names the Commission.)

Only the hits' order changes; nothing is dropped. Linear in ``WINDOW``, never in the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .answer import Hit, Superseded
from .values import Value, agree
from .verify import Check, highlighted

WINDOW = 8  # hits considered (highlighted only for a question whose reports are compared)
COVER_FLOOR = 0.5  # key-concept cover an answering hit needs when the first states nothing
SAME_LANGUAGE_MARGIN = 0.15  # share of the lead's fused score a same-language hit may lack
_OUTCOME = re.compile(
    r"(?<![\w-])(?:results?|outcome|turnout|in force|take effect|took effect|итог\w*|"
    r"результат\w*|явк\w*|вступ\w*|в силу|нәтиже\w*|нәтижe\w*|қорытынды\w*|күшіне|кушине|"
    r"қатысу\w*|катысу\w*)(?![\w-])",
    re.IGNORECASE,
)
# A report that says its figures are not final: on the night of a vote the early count and
# the commission's results often carry the same date, so the date alone cannot order them.
_PROVISIONAL = re.compile(
    r"(?<![\w-])(?:preliminary|provisional|partial (?:count|results?|data|figures)|"
    r"early (?:count|returns|results|figures)|exit[- ]polls?|not (?:yet )?final|"
    r"предварительн\w*|частичн\w*|неокончательн\w*|экзит-?пол\w*|"
    r"алдын[- ]ала\w*|түпкілікті емес|тупкиликти емес)(?![\w-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Ordered:
    """The hits in their new order, and the superseded reports (oldest last)."""

    hits: list[Hit]
    superseded: tuple[Superseded, ...] = ()
    moved: bool = False  # whether the first hit changed


def asks_outcome(question: str) -> bool:
    """A question about an outcome (results, turnout, entry into force)."""
    return _OUTCOME.search(question) is not None


# Which vote a report is about: the referendum, or an election (a maslikhat by-election's
# turnout is not the referendum's, however much newer).
_REFERENDUM = re.compile(r"(?<![\w-])(?:referend\w*|референдум\w*)", re.IGNORECASE)
_ELECTION = re.compile(
    r"(?<![\w-])(?:elect\w*|by-elect\w*|выбор\w*|довыбор\w*|сайлау\w*|маслихат\w*|"
    r"мәслихат\w*)",
    re.IGNORECASE,
)


def vote_of(hit: Hit) -> str | None:
    """The vote a report is about, read off its passage and title: "referendum" where it
    names one, else "election" where it names one, else None (says nothing)."""
    text = f"{hit.article.title or ''}\n{hit.passage.text}"
    if _REFERENDUM.search(text):
        return "referendum"
    return "election" if _ELECTION.search(text) else None


def same_vote(a: Hit, b: Hit) -> bool:
    """Whether two reports can be about one vote (either saying nothing counts as yes)."""
    return _compatible(vote_of(a), vote_of(b))


def _compatible(va: str | None, vb: str | None) -> bool:
    return va is None or vb is None or va == vb


def provisional(hit: Hit) -> bool:
    """Whether a hit's report calls its figures preliminary (in its highlighted sentence or
    its title; a final report may mention the earlier figures elsewhere in its text)."""
    sentence = " ".join(highlighted(hit))
    return _PROVISIONAL.search(sentence) is not None or (
        _PROVISIONAL.search(hit.article.title or "") is not None
    )


def _recency(hit: Hit) -> tuple[str, bool]:
    """The order of reports in time: the date, then a final report after a preliminary
    one of the same day."""
    return hit.article.date, not provisional(hit)


def disagree(a: Check, b: Check) -> bool:
    """Both state comparable values (of a kind both state) and no value of one agrees
    with one of the other. A season ("in autumn") says too little to compare: it neither
    agrees nor disagrees, so a sentence with "15 March 2026" and "autumn" still disagrees
    with one saying "2027"."""
    xs, ys = _comparable(a.values), _comparable(b.values)
    # Only values of a kind both state compare: "87.15 percent" and "7,954,667 people" are
    # two statements of one result, not two results.
    kinds = {x.kind for x in xs} & {y.kind for y in ys}
    xs, ys = [x for x in xs if x.kind in kinds], [y for y in ys if y.kind in kinds]
    if not xs or not ys:
        return False
    return not any(agree(x, y) for x in xs for y in ys)


def _comparable(values: Sequence[Value]) -> list[Value]:
    return [v for v in values if v.kind != "date" or v.iso]


def order_reports(
    hits: Sequence[Hit],
    checks: Sequence[Check],
    lang: str,
    outcome: bool = False,
    window: int = WINDOW,
    compare: bool = True,
) -> Ordered:
    """The hits reordered as the module says; ``checks[i]`` is hit ``i``'s verification,
    ``lang`` the reader's language, ``outcome`` whether the question asks about one.
    ``compare=False`` (a duration: no named attribute whose values two reports could
    disagree on): the answering hit with the most cover leads, nothing more."""
    n = min(window, len(hits), len(checks))
    if n < 2:
        return Ordered(list(hits))
    # "Answering" needs half the question's key concepts (the share ``high`` asks of a first
    # hit, confidence.py), or the first hit's cover where that is less. (Until the
    # eighteenth session a first hit that answered set its own cover as the bar: the final
    # count, "12,482,613 citizens were on the voter lists", naming fewer of "How many
    # citizens does the Central Referendum Commission count as eligible to vote ...?"'s
    # terms than the February report, was never compared with it.)
    floor = min(checks[0].cover, COVER_FLOOR)
    answering = [i for i in range(n) if checks[i].states and checks[i].cover >= floor]
    # An earlier version's report (``Check.earlier``) is compared, never put first.
    leads = [i for i in answering if not checks[i].earlier]
    if not leads:
        return Ordered(list(hits))
    # Reports of another vote answer another question (the first answering one sets it).
    first_vote = vote_of(hits[leads[0]])
    answering = [i for i in answering if _compatible(vote_of(hits[i]), first_vote)]
    leads = [i for i in leads if i in answering]
    lead = leads[0]
    if not compare:
        # Of the hits stating a duration, the one naming most of the question's terms: the
        # president's term, not the deputies' the first hit states.
        lead = max(leads, key=lambda i: (checks[i].cover, -i))
        order = [lead] + [i for i in range(len(hits)) if i != lead]
        return Ordered([_ranked(hits[i], p) for p, i in enumerate(order, start=1)], (), lead != 0)
    recency = {i: _recency(hits[i]) for i in answering}  # each report's cues read once
    newest = max(leads, key=lambda i: (*recency[i], -i))
    if outcome or any(disagree(checks[newest], checks[i]) for i in answering):
        lead = newest
    if hits[lead].article.lang != lang:
        best = hits[lead].score
        for i in leads:
            if (
                hits[i].article.lang == lang
                and not disagree(checks[i], checks[lead])
                and hits[i].score >= best - SAME_LANGUAGE_MARGIN * abs(best)
            ):
                lead = i
                break
    old = [
        i
        for i in answering
        if i != lead and disagree(checks[i], checks[lead]) and recency[i] < recency[lead]
    ]
    order = [lead] + [i for i in range(len(hits)) if i != lead and i not in old] + old
    reordered = [_ranked(hits[i], place) for place, i in enumerate(order, start=1)]
    notes = tuple(_superseded(hits[i], checks[i]) for i in sorted(old, key=recency.__getitem__))
    return Ordered(reordered, tuple(reversed(notes)), lead != 0)


def _ranked(hit: Hit, rank: int) -> Hit:
    if hit.rank == rank:
        return hit
    return Hit(rank, hit.score, hit.passage, hit.article, hit.highlight)


def _superseded(hit: Hit, check: Check) -> Superseded:
    sentence = " ".join(highlighted(hit))
    return Superseded(
        date=hit.article.date,
        outlet=hit.article.outlet,
        title=hit.article.title,
        url=hit.article.url,
        lang=hit.article.lang,
        sentence=sentence,
        passage_id=hit.passage.id,
        values=tuple(v.text for v in check.values),
    )
