"""Attribute-level verification: does a hit's highlighted sentence state what was asked?

Retrieval finds passages *about* the question's entities; the near misses of issue 18 are
about them too ("145 deputies" for "how many years will deputies serve?", the Deputy
Chairman of the Constitutional *Court* for "who heads the Constitutional Commission?").
The checks, all on the highlighted sentence(s), none depending on the corpus's size or
its languages' score scales:

- ``states``: the sentence states a value of the asked type (answer_type.py): a count of
  the asked noun, a date, a percentage, a duration, a named person in the asked role;
- a place the question names ("the turnout in Almaty"), or a part or version of a figure
  ("voters abroad", "the first draft"), must be named by the sentence or its article's
  title (places.py), and so must a year ("the 1995 Constitution") and a body a typed
  question names ("the Majilis now" is not the Kurultai), and, for a question about a
  vote's turnout or share or a count of the voters, the part of the voters it names
  ("among students", "на дому": claim.qualifiers); a term's holder ("the president's
  term" is not the deputies'); the time before the reform ("до реформы": a figure of
  then); a sentence dated by the one before it ("On the same day ...") is read with that
  date; a value a sentence only forecasts ("could be held in 2027") is compared, never
  the answer;
- ``cover``: the share of the question's key concepts (the glossary's terms, named in any
  language) that the sentence, or its article's title, names (1.0 when it names none);
- ``says``: the share of the question's claim words (its content words, claim.py) that the
  sentence itself names: what an open or yes/no question, with no value to check, is
  checked by.

The confidence stage reads them for the first hit (``high`` needs both); the time stage
reads them to tell reports that answer the same attribute (timeline.py). Pure: strings and
the glossary in, records out; a few regular expressions per highlighted sentence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .answer import Hit
from .answer_type import (
    MEASURE_CUES,
    THRESHOLD_CUE,
    VOTER_MEASURES,
    QuestionType,
    agents_in,
    answer_values,
    ask_of,
    asks_agent,
    asks_all_counted,
    asks_if_the_vote,
    asks_may_or_must,
    chains_asks,
    count_state,
    count_states_of,
    counts_needed,
    counts_voters,
    names_count_state,
    names_only_titles,
    names_qualified_role,
    names_vote,
    other_asks,
    persons_in,
    question_type,
    role_positions,
    states_answer,
    states_hearsay,
    states_premise,
    states_term,
    threshold_of,
    value_of,
)
from .claim import (
    OPEN_CLAIMS,
    REFORM_NAMES,
    claim_words,
    names_all,
    qualifiers,
    says,
    states_condition,
)
from .glossary import Glossary, fold
from .lexical import words
from .places import (
    ABROAD,
    BEFORE_FINAL,
    OTHER_VOTES,
    asks_adopted,
    asks_before,
    names_before,
    names_draft_only,
    names_earlier_only,
    names_final,
    places_in,
)
from .values import VALUE_KINDS, Value, _month_of, agree, find_values


@dataclass(frozen=True)
class Asked:
    """What the question asks: its answer type and its key concepts (glossary entries)."""

    qtype: QuestionType | None
    concepts: frozenset[int]
    # It asks about a deputy's role ("the vice president's term"): only a sentence that
    # names such a role can state the answer (answer_type.names_qualified_role).
    qualified: bool = False
    # It names a term of the reform besides officers' titles: "председатель ЦРК" names a
    # chair and a body the glossary does not know, so no sentence can be checked to be
    # about that body's chair (the foreign ministry's head passed as one).
    body: bool = True
    # The places it names (places.py): "the turnout in Almaty" is not the national one.
    places: frozenset[str] = frozenset()
    # It names the referendum, the Constitution or the Kurultai (and no country abroad):
    # never outside what the sources cover (ConfidenceRule.core_not_none).
    core: bool = False
    # Its claim words (claim.py): what a sentence answering it must name.
    claim: tuple[str, ...] = ()
    # It states a condition itself ("Can I vote if I am abroad?"): a conditional sentence
    # may say its claim (claim.says).
    conditional: bool = False
    # The years it names besides what it asks ("How many articles did the 1995
    # Constitution have?"): a sentence, or its title, answering it names them too (the
    # final draft's 95 articles are not the 1995 text's 104). Empty for a yes/no question
    # naming a value, which is what it asks ("Is the referendum in 2027?"). Years only: a
    # figure a question quotes ("Early reports said turnout was 72.8% - is that the final
    # figure?") is what the answer corrects.
    years: frozenset[str] = frozenset()
    # For a question about a vote's measure (the turnout, the share for or against), its
    # words besides the measure's own (claim.qualifiers): the part of the voters asked
    # about ("among students", "pensioners", "in rural areas"), which a sentence, or its
    # title, answering it names too; the national figure answers none of them.
    qualifiers: tuple[str, ...] = ()
    # It names the final version ("the final draft", "окончательный текст"): a sentence
    # about an earlier one ("comments on the earlier draft") does not answer it.
    final: bool = False
    # It asks a vote's measure (turnout, the share for or against): a sentence, or its
    # title, about another vote (a maslikhat's by-election, an akim's, a president's) that
    # the question does not name states another vote's (fifteenth session's probe).
    of_the_vote: bool = False
    # A person question asking who appoints, elects, signs or approves (answer_type.py):
    # an office or body doing it answers, where the sentence names the rest of the claim.
    agent: bool = False
    agents: int = 0  # the offices and bodies it names itself (answer_type.agents_in)
    # For a threshold's question: whether it is a party's or the voters' taking part
    # (answer_type.threshold_of); a sentence stating the other does not answer it.
    threshold_of: str | None = None
    # For a count: what happened to the things counted (answer_type.count_state: ballots
    # printed, articles changed); a sentence counting them that does not name it counts
    # others.
    count_state: str | None = None
    # It asks about the time before the reform ("до реформы", "previously", "бұрын"): a
    # sentence answering it places its figure then itself (places.names_before); the new
    # Constitution's figure answers nothing of it.
    before: bool = False
    # It names the adopted Constitution and no draft (places.asks_adopted): a sentence
    # about a draft only ("whose draft was published on 12 February") is an earlier
    # version's, as for ``final``.
    adopted: bool = False
    # It names calling or appointing (``_CALLS``): a date or a period that a sentence gives
    # for calling the elections ("must call elections ... within one month") answers no
    # question that does not (tenth probe: when parties submit their lists, how soon the
    # Kurultai's results are announced).
    calls: bool = False
    # It asks whether a rule applies to a case ("Does the term limit apply to President
    # Tokayev's current term?", "распространяется ли ... на"): the case's words (those after
    # the cue that the rule's do not name, ``applies_to``), which a sentence answering it
    # names; the rule stated alone does not say (seventeenth session's fifteenth probe).
    case: tuple[str, ...] = ()
    # It asks which article of a text states something ("В какой статье ... закреплён срок
    # полномочий президента?", "which article", "қай бапта"): a sentence answering it names
    # an article by its number; the term alone does not (seventeenth session).
    article: bool = False
    # It asks what was expected before ("back in the autumn, what year did they say the
    # referendum would probably be?", "what was originally planned", "что прогнозировали",
    # "күтілген"): a forecast answers it (``forecasts``), a report of what happened does
    # not (nineteenth session's sixty-second probe: `high` with the vote's 15 March).
    forecast: bool = False
    # The values of the asked kind it quotes, a year alone aside ("Говорят, что явка была
    # около 72,8 процента. Какой она оказалась ...?", "the 30 August Kurultai elections"),
    # and for a person question asking another than one it names, the names it gives
    # ("Кто возглавлял ЦРК до Нурлана Абдирова?"): a sentence stating only those restates
    # the question, it does not answer it (nineteenth session's sixty-sixth to
    # sixty-eighth probes).
    quoted: tuple[Value, ...] = ()
    names: frozenset[str] = frozenset()
    # For a count naming no state of what it counts (``count_state`` None), the states its
    # noun can be in (answer_type.count_states_of): a sentence counting them in one of those
    # counts something else (nineteenth session's sixty-sixth probe).
    states_unasked: tuple[str, ...] = ()
    # It chains two asks (answer_type.other_asks): the types of the one it is not typed by,
    # which a highlighted sentence states too ("Сколько депутатов будет в Курултае и на
    # какой срок их избирают?" is not answered by the term alone: nineteenth session's
    # seventy-third probe, five such `high`s).
    other_asks: tuple[QuestionType, ...] = ()
    # It asks yes or no of a case of the vote's outcome it sets ("If turnout is above 50
    # percent but fewer than half of those voting say yes, is the Constitution still
    # adopted?"; answer_type.asks_if_the_vote): a rule answers it (a sentence stating a
    # condition), not a report of what happened (twentieth session's ninety-first probe:
    # `high` with the 87.15 percent who said yes).
    hypothetical: bool = False
    # It says something besides its ask (a premise before it, what its asker heard or
    # believes, a second ask), or asks about the time before the reform or a forecast. The
    # checks read the ask; what else such a question says, and which of two reports it
    # wants, they read only where a kind was mended. Of the held-out probes' first runs
    # (twentieth session, probes 28-99), 18% of such questions' `high`s were wrong against
    # 4.5% of the others': ``ConfidenceRule.judge`` hedges them (`low`, the same passage
    # first).
    besides: bool = False

    @property
    def specific(self) -> bool:
        """Whether the check is of a named attribute: a count of a noun, a date of an event,
        a share of a measure, an age. Only then do two reports' values answer the same
        thing; "any date" or "any count" also matches another attribute's value, and
        reordering on it put a near miss first and noted the answer as superseded."""
        t = self.qtype
        return t is not None and t.kind in VALUE_KINDS and bool(t.of)

    @property
    def anchored(self) -> bool:
        """Whether anything here ties the question to a sentence besides its answer type:
        a glossary term, a place or part, the event, measure or role its type names."""
        return bool(self.concepts or self.places or (self.qtype is not None and self.qtype.of))

    @property
    def duration(self) -> bool:
        """Whether it asks for a duration (a term, an age)."""
        return self.qtype is not None and self.qtype.kind == "duration"

    @property
    def typed(self) -> bool:
        """Whether ``states`` checks something: a named attribute (``specific``), a
        duration, a time of day, or a person in a named role; not "any date", "any number",
        yes or no, nor an open question (ConfidenceRule.typed_only)."""
        t = self.qtype
        if t is None:
            return False
        if t.kind == "person":
            # The President is an office of its own; a chair is of a body, named.
            return bool(t.of) and (self.body or t.of == ("president",))
        # A time of day ("what time do polling stations open?"): a clock time answers, and
        # opening hours only where the sentence says open or working (answer_type.py).
        return self.specific or self.duration or t.kind == "clock"


@dataclass(frozen=True)
class Check:
    """One hit's highlighted sentence(s) against the question: ``states`` the asked answer
    type, ``cover`` (share of the key concepts named), ``values`` (the typed values that
    answer, for the time stage and the page's fact line)."""

    states: bool
    cover: float
    values: tuple[Value, ...] = ()
    # The share of the question's claim words the sentence names (claim.py); None where it
    # is not read (``with_claim``).
    says: float | None = None
    # Its values are only an earlier version's, for a question about the final one
    # (``Asked.final``), or only forecast (``forecasts``): a report the time stage may
    # note as superseded, never the answer.
    earlier: bool = False


def as_lead(check: Check) -> Check:
    """``check`` as the confidence stage reads the hit shown first: an earlier version's
    value states nothing of the final one asked, nor a forecast of what happened."""
    return replace(check, states=False) if check.earlier else check


# The reform's own names: the referendum, the Constitution, the Kurultai (a word beginning
# with one of them).
_CORE = re.compile(rf"(?<![\w-])(?:{'|'.join(REFORM_NAMES)})", re.IGNORECASE)


def names_core(question: str) -> bool:
    """Whether the question names the referendum, the Constitution or the Kurultai, and no
    country abroad (``places.ABROAD``): about the reform, whatever else it asks."""
    return bool(_CORE.search(question)) and not (places_in(question) & ABROAD)


def asked(question: str, glossary: Glossary) -> Asked:
    """The answer type and key concepts of ``question`` (its reading: Cyrillic for
    Latin-typed Kazakh or Russian)."""
    qtype = question_type(question)
    years = _years_in(question)
    converted = False  # a yes/no question read as the value it names
    yesno = qtype is not None and qtype.kind == "yesno"
    hypothetical = yesno and asks_if_the_vote(question)
    if yesno and not hypothetical and not asks_may_or_must(question):
        # "Is the referendum in 2027?" asks about a date: checked, and ordered, as one (not
        # a case it sets: "If turnout is above 50 percent ..., is it adopted?").
        stated = [
            v
            for v in find_values(question)
            if (v.kind != "count" or v.unit) and not _bounds(question, v)
        ]
        if stated:
            kind = stated[0].kind
            of = (stated[0].unit.split()[0].casefold(),) if kind == "count" else ()
            qtype = QuestionType(kind, of or value_of(kind, question), vote=names_vote(question))
            years, converted = frozenset(), True
    concepts = glossary.concept_ids(words(question))
    for pattern, named in _ENGLISH_NAMES:  # "the MPs we elected": the deputies
        if pattern.search(question):
            concepts |= glossary.concept_ids(named)
    body = any(not names_only_titles(glossary.entries[i].english) for i in concepts)
    claim = claim_words(question)
    # What it sets aside ("а не по предварительным", "not the final one") is no part it asks.
    kept = _NEGATED.sub(" ", question)
    final = names_final(kept) or asks_all_counted(kept)
    # A share of the voters (not of the Constitution, not a threshold), and not for a
    # question that quotes one ("Early reports said turnout was 72.8% - is that the final
    # figure?"): its other words describe the report it quotes.
    measure = (
        qtype is not None
        and qtype.kind == "percentage"
        and len(qtype.of) == 1
        and qtype.of[0] in (*VOTER_MEASURES, "threshold")
        and not converted
        and not any(v.kind == "percentage" for v in find_values(question))
    )
    # A threshold's question (fifteenth session): the rule's words count as its own, and
    # its cue words too ("need", "нужно", "керек").
    threshold = measure and qtype.of[0] == "threshold"
    # A count of the voters is a vote's measure too (sixteenth session's fourth probe:
    # "How many voters used absentee certificates?" was `high` with the 12,482,613 on the
    # lists): its other words name a part of them.
    vote_measure = (measure and not threshold) or counts_voters(qtype)
    # A count of what something needs (sixteenth session's sixth probe: "Сколько депутатов
    # нужно для кворума?" was `high` with the 145 elected): read as a threshold is, its
    # other words what it is needed for, less the counted noun.
    needed = counts_needed(question, qtype)
    threshold = threshold or needed
    cues = (*MEASURE_CUES, THRESHOLD_CUE) if threshold else MEASURE_CUES
    agent = qtype is not None and qtype.kind == "person" and asks_agent(question)
    ask = ask_of(question)  # the part after its premise, read once for the checks below
    places = _places_asked(kept, final)
    if "Weekday" in places and "Weekday" not in places_in(ask):
        places -= {"Weekday"}  # "референдум жексенбі күні ғой, учаскелер ...?": its premise
    # (of the ask: "... was revised after public comment. How many articles are in the
    # final draft?" counts no changed articles)
    counted = qtype is not None and qtype.kind == "count"
    state = count_state(ask) if counted else None
    before = asks_before(question)
    return Asked(
        qtype,
        concepts,
        names_qualified_role(question),
        body,
        places,
        names_core(question),
        claim,
        states_condition(question),
        years,
        _qualifiers(question, claim, cues, threshold, qtype.of if needed else ())
        if measure or vote_measure or needed
        else (),
        final,
        # A share of the voters quoted ("явка вроде была 72,8 процентов, это окончательная
        # цифра?") is the vote's too: the by-election's 28% is not it (eighteenth session's
        # forty-eighth probe), though its other words are no qualifiers.
        vote_measure
        or (
            qtype is not None
            and qtype.kind == "percentage"
            and len(qtype.of) == 1
            and qtype.of[0] in VOTER_MEASURES
        ),
        agent,
        agents_in(question) if agent else 0,
        threshold_of(question) if threshold else None,
        state,
        before,
        asks_adopted(question),
        _CALLS.search(question) is not None,
        applies_to(question, claim),
        _WHICH_ARTICLE.search(question) is not None,
        asks_forecast(question, ask),
        _quoted(question, ask, qtype) if not converted else (),
        _names_given(question) if qtype is not None and qtype.kind == "person" else frozenset(),
        # (not for the old text's count, "How many articles did the 1995 Constitution
        # have?": "77 of its 104 articles have been rewritten" gives it)
        count_states_of(ask) if counted and state is None and not years else (),
        other_asks(question, qtype),
        hypothetical,
        states_premise(question)
        or states_hearsay(question)
        or chains_asks(question)
        or before
        or _ASKS_FORECAST.search(question) is not None,
    )


def _quoted(question: str, ask: str, qtype: QuestionType | None) -> tuple[Value, ...]:
    """The values of ``qtype``'s kind ``question`` quotes (``Asked.quoted``): dates that
    say more than a year, counts of something, percentages; in its premise (before ``ask``,
    its ``ask_of``), or anywhere in one asked with a question word (not a phrase typed as
    keywords, "проходной барьер 5 процентов", whose value is what it looks for)."""
    if qtype is None or qtype.kind not in ("date", "count", "percentage"):
        return ()
    premise = len(question) - len(ask)
    asking = _QUESTION_WORD.search(question) is not None
    return tuple(
        v
        for v in find_values(question)
        if v.kind == qtype.kind
        and (v.kind != "date" or len(v.iso) > 4)
        and (v.kind != "count" or v.unit)
        and any(c.isdigit() for c in v.text)  # not "more than half", a rule's words too
        and (asking or v.end <= premise)
    )


_QUESTION_WORD = re.compile(
    r"(?<![\w-])(?:when|what|which|how|who|сколько|скока|когда|как\w*|[қк]ашан|[қк]анша|неше"
    r"|[қк]ай|[қк]андай|кім)(?![\w-])",
    re.IGNORECASE,
)
# Another person than one named ("Кто возглавлял ЦРК до Нурлана Абдирова?", "who besides
# ...", "X-тен кейін"): the names a person question gives are not its answer.
_OTHER_THAN = re.compile(
    r"(?<![\w-])(?:before|after|besides|other than|except|instead of|succeeded|preceded|до|после"
    r"|кроме|помимо|вместо|дейін|кейін|басқа|орнына)(?![\w-])",
    re.IGNORECASE,
)


def _restates(quoted: Sequence[Value], sentence: str) -> bool:
    """Whether every value of the quoted values' kind ``sentence`` states agrees with one
    the question quotes: it restates the question's figure and gives no other ("The
    Kurultai will have 145 deputies in place of today's 148" gives the 148 asked beside the
    145 a question quotes, though the answer type reads only the 145 as deputies)."""
    kinds = {q.kind for q in quoted}
    return all(any(agree(v, q) for q in quoted) for v in find_values(sentence) if v.kind in kinds)


def _names_given(question: str) -> frozenset[str]:
    """For a question asking another person than one it names (``_OTHER_THAN``), the
    beginnings (five letters, folded) of the capitalized words past its first: a name it
    gives, in any case ending ("до Нурлана Абдирова")."""
    if _OTHER_THAN.search(question) is None:
        return frozenset()
    return frozenset(fold(w)[:5] for w in _CAPITALIZED.findall(question)[1:])


_CAPITALIZED = re.compile(r"\b[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w'’-]+")


def _names_another(question: Asked, sentence: str) -> bool:
    """Whether ``sentence`` names a person the question does not (``Asked.names``)."""
    return any(
        fold(first)[:5] not in question.names and fold(last)[:5] not in question.names
        for first, last in persons_in(sentence)
    )


# A forecast asked (``Asked.forecast``): what was expected, said or planned before, in
# so many words; "planned" alone is also a question's word for "scheduled".
_ASKS_FORECAST = re.compile(
    r"(?<![\w-])(?:(?:was|were|had been) (?:originally |initially |first )?"
    r"(?:expected|forecast|predicted|projected|supposed)"
    r"|(?:originally|initially|first) (?:planned|scheduled|expected|mooted)"
    r"|did (?:[\w-]+ ){1,2}(?:expect|predict|forecast|estimate)"
    r"|would (?:probably|likely|possibly)"
    r"|(?:первоначально|изначально|сначала) (?:планировал|предполагал|ожидал)\w*"
    r"|прогнозировал\w*|ожидалось|предполагалось"
    r"|күтілген|күтілді|болжанған|болжанды|жоспарланған еді)(?![\w-])",
    re.IGNORECASE,
)
# What happened asked, whatever was expected ("I thought it was supposed to be in 2027 -
# when did it actually happen?").
_ACTUALLY = re.compile(
    r"(?<![\w-])(?:actually|in the end|in fact|на самом деле|в итоге|фактически|в реальности"
    r"|іс жүзінде|шын мәнінде|нәтижесінде)(?![\w-])",
    re.IGNORECASE,
)


def asks_forecast(question: str, ask: str) -> bool:
    """Whether ``question``'s ask (``ask``: its ``ask_of``, the part after its premise)
    asks what was expected (``_ASKS_FORECAST``), not what happened (``_ACTUALLY``)."""
    return _ASKS_FORECAST.search(ask) is not None and _ACTUALLY.search(question) is None


# Which article (``Asked.article``), and an article named by its number.
_WHICH_ARTICLE = re.compile(
    r"(?<![\w-])(?:(?:which|what) article|(?:в )?как(?:ой|ая|ую|ом) стать\w*|какая статья"
    r"|[қк]ай ба[бп]\w*|[қк]андай ба[бп]\w*|нешінші ба[бп]\w*)(?![\w-])",
    re.IGNORECASE,
)
_ARTICLE_NAMED = re.compile(
    r"(?<![\w-])(?:articles?|стать[яиюей]|ба[бп]\w*)\s+\d+|\d+[-\s]*(?:ба[бп]\w*|стать\w*)",
    re.IGNORECASE,
)


# What a question sets aside ("по окончательным итогам, а не по предварительным данным",
# "the final figure, not the preliminary one", "алдын ала емес"): not a part it asks about
# (eighteenth session's forty-fourth probe: that question was `high` with the preliminary
# 86.9%, which its "предварительным" let by).
_NEGATED = re.compile(
    r"(?<![\w-])(?:а не|но не|not|rather than|instead of)\s+[^,;?!.]*"
    r"|,\s*не\s+[^,;?!.]*"  # "окончательная явка, не предварительная"
    r"|(?:[\w-]+\s+){1,3}емес(?![\w-])",
    re.IGNORECASE,
)


def _places_asked(kept: str, final: bool) -> frozenset[str]:
    """The places a question asks about, read in ``kept`` (the question less what it sets
    aside, ``_NEGATED``): not an earlier version it names beside the final one (``final``:
    "По предварительным данным «за» было около 86,9%, а каков окончательный процент?" asks
    the final figure: eighteenth session's forty-eighth probe, `high` with the preliminary
    one)."""
    found = places_in(kept)
    return found - BEFORE_FINAL if final else found


# A value a question gives as a bound ("is there early voting before 15 march", "до 15
# марта", "15 наурызға дейін"): the time it asks about is before or after it, not it
# (eighteenth session's thirty-fifth probe: that question was `high` with the vote's day).
_BOUND_BEFORE = re.compile(
    r"(?:before|after|until|till|prior to|up to|до|после|перед|к)\s+$", re.IGNORECASE
)
_BOUND_AFTER = re.compile(
    r"^\w*\s+(?:дейін|дейин|кейін|кейин|бұрын|бурын|дейінгі|дейинги)(?![\w-])", re.IGNORECASE
)


def _bounds(question: str, value: Value) -> bool:
    """Whether ``question`` gives ``value`` as a bound of the time it asks about."""
    return value.kind == "date" and bool(
        _BOUND_BEFORE.search(question[: value.start]) or _BOUND_AFTER.match(question[value.end :])
    )


# English names of the deputies and the bodies that the glossary's words do not read, and
# the glossary words they stand for: whose term a question asks is checked by these too
# (seventeenth session: "the MPs we elected"; eighteenth's twenty-ninth probe: "For how
# many years is each newly elected legislature given its mandate?" was `high` with the
# president's seven years).
_ENGLISH_NAMES = (
    (re.compile(
        r"(?<![\w-])(?:MPs?|members of (?:the )?parliament|parliamentarians?|lawmakers?)(?![\w-])",
        re.IGNORECASE,
    ), ["deputies"]),
    (re.compile(r"(?<![\w-])(?:legislatures?|legislators?|legislative)(?![\w-])", re.IGNORECASE),
     ["parliament"]),
    (re.compile(r"(?<![\w-])upper (?:house|chamber)(?![\w-])", re.IGNORECASE), ["Senate"]),
    (re.compile(r"(?<![\w-])lower (?:house|chamber)(?![\w-])", re.IGNORECASE), ["Majilis"]),
    # Kazakh names in Latin letters in an English question ("Who heads the Qazaqstan Khalyq
    # Kenesi?" was `high` with the head of the foreign ministry: forty-first probe)
    (re.compile(r"(?<![\w-])(?:khalyq|halyk|khalyk) kenes\w*", re.IGNORECASE),
     ["народный", "совет"]),
)  # fmt: skip


# A rule applied to a case: "apply to", "распространяется на", "относится к", "касается".
_APPLIES = re.compile(
    r"(?<![\w-])(?:appl(?:y|ies|ied) to|распространя\w* на|относ(?:ится|ятся) к"
    r"|каса(?:ется|ются|лось))(?![\w-])",
    re.IGNORECASE,
)


# The same asked with the case first: "Does Tokayev's current term count towards the single
# seven-year limit?" (eighteenth session's forty-first probe: `high` with the single term).
_COUNTS_TOWARDS = re.compile(
    r"(?<![\w-])(?:count(?:s|ed)? towards?|засчитыва\w*)(?![\w-])",  # not "count as valid"
    re.IGNORECASE,
)


def applies_to(question: str, claim: Sequence[str]) -> tuple[str, ...]:
    """The claim words of the case a question asks a rule to apply to (``_APPLIES``): the
    words after the cue that those before it do not name (before it, those after it do
    not name, for ``_COUNTS_TOWARDS``); () when it asks no such thing."""
    cue = _APPLIES.search(question)
    if cue is not None:
        rule, case = question[: cue.start()], question[cue.end() :]
    elif (cue := _COUNTS_TOWARDS.search(question)) is not None:
        rule, case = question[cue.end() :], question[: cue.start()]
    else:
        return ()
    named = set(claim_words(case))
    return tuple(w for w in claim if w in named and not names_all((w,), rule))


def _qualifiers(
    question: str,
    claim: Sequence[str],
    cues: Sequence[re.Pattern],
    threshold: bool,
    counted: Sequence[str] = (),
) -> tuple[str, ...]:
    """claim.qualifiers of a vote's measure or of what a count needs, less a place's name
    (checked by ``places``, in any language, not word for word), the words of a date the
    question gives ("on 15 March": the vote's own day, not a part of the voters) and the
    counted noun (``counted``: "депутатов" of "сколько депутатов нужно ...")."""
    dated = {w.casefold() for v in find_values(question) if v.kind == "date" for w in words(v.text)}
    return tuple(
        w
        for w in qualifiers(claim, cues, threshold)
        if not places_in(w)
        and w.casefold() not in dated
        and _month_of(w) is None  # "the March referendum": its time (seventeenth session)
        and not any(names_all((n,), w) for n in counted)
    )


def translator(glossary: Glossary):
    """word -> the English words of the glossary entries naming it, so a Russian or Kazakh
    counted noun ("депутатов") matches an English sentence's ("145 deputies")."""

    def translate(word: str) -> list[str]:
        return [
            w for i in glossary.concept_ids([word]) for w in glossary.entries[i].english.split()
        ]

    return translate


def check_hit(hit: Hit, question: Asked, glossary: Glossary) -> Check:
    """The checks on one hit's highlighted sentence(s) (its whole text if none is)."""
    sentences = highlighted(hit)
    translate = translator(glossary)
    values: list[Value] = []
    states = current = False
    valued = question.qtype is not None and question.qtype.kind in VALUE_KINDS
    title = hit.article.title or ""
    title_places = places_in(title) if question.places or question.of_the_vote else frozenset()
    for sentence in sentences:
        if question.qualified and not names_qualified_role(sentence):
            continue  # the head's term is not the vice president's
        if not _role_of_asked_body(question, sentence, title, glossary):
            continue  # the Court's deputy chairman is not the Commission's
        if question.places and not question.places <= places_in(sentence) | title_places:
            continue  # the national turnout is not Almaty's
        if question.years and not question.years <= _years_in(sentence) | _years_in(title):
            continue  # the final draft's 95 articles are not the 1995 text's
        if question.qualifiers and not names_all(question.qualifiers, f"{title}\n{sentence}"):
            continue  # the national turnout is not the students'
        if question.of_the_vote and (places_in(sentence) | title_places) & (
            OTHER_VOTES - question.places
        ):
            continue  # the maslikhat by-election's turnout is not the referendum's
        if question.threshold_of and threshold_of(sentence) not in (None, question.threshold_of):
            continue  # the 5% a party needs is not the turnout a vote needs
        if question.count_state and not names_count_state(question.count_state, sentence):
            continue  # the ballots declared invalid are not those printed
        if any(names_count_state(state, sentence) for state in question.states_unasked):
            continue  # the articles rewritten are not those the final text has
        if not _names_the_holder(question, sentence, glossary):
            continue  # the president's seven-year term is not the deputies', nor the
            # Senate's end the vice president's
        if _another_votes_day(question, sentence, glossary):
            continue  # the Kurultai elections' day is not the referendum's
        if _a_term_unasked(question, sentence, glossary):
            continue  # the deputies' five years are not how long meat boils
        if _calls_another(question, sentence):
            continue  # calling the elections within a month is not announcing their results
        if question.forecast and not forecasts(sentence):
            continue  # the 15 March held is not the 2027 expected in the autumn
        if question.article and not _ARTICLE_NAMED.search(sentence):
            continue  # the president's term, stated without its article, says not which
        if question.case and not names_all(question.case, sentence):
            continue  # the single term, stated alone, says nothing of the current one
        if question.before and not names_before(sentence):
            # The Kurultai's 145 deputies are not the old Parliament's. The sentence itself:
            # "New Constitution takes effect; the old Parliament stands down" is the title
            # over a report of the new president's term.
            continue
        read = with_its_day(hit, sentence) if valued else sentence
        found = answer_values(question.qtype, read, translate) if valued else []
        if question.quoted and found:  # the question's own figure is no answer
            kept = [v for v in found if not any(agree(v, q) for q in question.quoted)]
            found = kept if kept or _restates(question.quoted, read) else found
        if found or (
            not valued
            and (
                # Who appoints a chair is not who chairs (tenth probe: "Who appoints the
                # chair of the Central Referendum Commission?" -> "Nurlan Abdirov, who
                # chairs ..."): an agent's question is answered by the office doing it.
                _states_agent(question, sentence)
                if question.agent
                else states_answer(question.qtype, sentence, translate)
                and (not question.names or _names_another(question, sentence))
            )
        ):
            states = True
            # The comments on the earlier draft are not on the final one, and a date or a
            # figure a report only forecasts ("the referendum could be held in 2027") is
            # no answer; their values stay a report's for the time stage to compare and
            # note as superseded.
            current = current or not (
                (question.final and (names_earlier_only(sentence) or names_earlier_only(title)))
                or (question.adopted and names_draft_only(sentence))
                or (forecasts(sentence) and not question.forecast)
            )
            values += [_dated(v, hit.article.date) for v in found]
    if states and question.other_asks:
        states = all(
            any(states_answer(t, s, translate) for s in sentences) for t in question.other_asks
        )
    cover = 1.0
    if question.concepts:
        named = frozenset().union(
            glossary.concepts_in(hit.article.title), *(glossary.concepts_in(s) for s in sentences)
        )
        cover = len(question.concepts & named) / len(question.concepts)
        bodies = (question.concepts & glossary.bodies) - glossary.generic_bodies
        if question.of_the_vote:
            bodies -= glossary.counting  # who reports the count, not whose count it is
        if question.typed and bodies - named:
            # "How many deputies does the Majilis have now?" is not answered by "145
            # deputies will be elected" (to the Kurultai): a value of a body the question
            # names is stated where the sentence, or its title, names that body.
            states, values = False, []
    return Check(states, cover, tuple(values), earlier=states and not current)


# A value a report only expects, estimates or floats (sixteenth session's fifth probe:
# "When is the referendum on the new constitution held?" was `high` with "the
# referendum could be held in 2027", the September 2025 report, when no report of the 15
# March date was among the hits read): the speaker's hedge, in the three languages. Not
# "may" or "могут" alone: those give leave ("voters may get an absentee certificate").
_FORECAST = re.compile(
    r"(?<![\w-])(?:could(?! not| n't)|might|would(?! not| n't)|may be|possibly|perhaps|likely"
    r"|(?:is|are) expected|by (?:his|her|their|its|one) estimate|estimated at"
    # "the earliest date mentioned for a nationwide vote ... is 2027" (seventeenth session)
    r"|(?:the )?earliest (?:possible )?(?:date|time)|tentative\w*"
    r"|может (?:быть|пройти|состояться|составить)|могут (?:быть|пройти|состояться)"
    r"|мог(?:ла|ли|ло)? бы|возможно|вероятно|предположительно|ориентировочно"
    r"|по (?:его |её |их )?(?:оценк|прогноз)\w*|ожида(?:ется|ются)|предполагаем\w*"
    r"|(?:самая |самую )?ранн(?:яя|юю) дат\w*"
    r"|мүмкін|ықтимал\w*|болжам\w*|күтіл(?:еді|уде)|ең ерте)(?![\w-])",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=65536)
def forecasts(sentence: str) -> bool:
    """Whether ``sentence`` only expects, estimates or floats what it states
    (``_FORECAST``)."""
    return _FORECAST.search(sentence) is not None


# Calling or appointing, in the three languages (``Asked.calls``).
_CALLS = re.compile(
    r"(?<![\w-])(?:call\w*|назнач\w*|созыв\w*|созва\w*|ша[қк]ыр\w*|та[ғг]айында\w*)",
    re.IGNORECASE,
)


def _calls_another(question: Asked, sentence: str) -> bool:
    """Whether ``sentence`` gives a period for calling or appointing ("must call elections
    ... within one month") that a deadline or period question (not a term of office) does
    not ask about."""
    t = question.qtype
    return (
        t is not None
        and ((t.kind == "date" and t.of == ("deadline",)) or (t.kind == "duration" and not t.term))
        and not question.calls
        and _CALLS.search(sentence) is not None
        and _WITHIN.search(sentence) is not None
    )


# A period to act within ("within one month", "в течение месяца", "бір ай ішінде"): what a
# sentence gives for calling the elections; their date ("calling ... for 30 August") is
# the elections' own.
_WITHIN = re.compile(r"within|в течение|ішінде|ишинде", re.IGNORECASE)


def _names_the_holder(question: Asked, sentence: str, glossary: Glossary) -> bool:
    """For a question about a term of office naming whose (a body or an office:
    ``Glossary.holders``), whether ``sentence`` names one of them too (eighth probe of the
    sixteenth session: "How long will members of the new parliament serve?" was `high` with
    "The president is elected for a single seven-year term", the sentence after the one
    naming the Kurultai). The same for the date a body or an office ended (eighteenth
    session's thirty-first probe: "In what year was the vice-presidency abolished ...?" was
    `high` with the day the Senate ceased to exist)."""
    t = question.qtype
    term = t is not None and t.kind == "duration" and t.term
    if not term and (t is None or t.kind != "date" or "end" not in t.of):
        return True
    asked = question.concepts & glossary.holders
    return not asked or bool(glossary.concepts_in(sentence) & asked)


def _another_votes_day(question: Asked, sentence: str, glossary: Glossary) -> bool:
    """Whether ``sentence`` dates elections, not the vote a question about when the vote is
    held names (the referendum, "the nationwide vote"): it names elections and not the
    referendum, and the question names no elections (eighteenth session's forty-fourth
    probe: "Is the nationwide vote on the one-chamber parliament still expected in 2027
    ...?" was `high` with the decree calling the Kurultai elections for 30 August)."""
    t = question.qtype
    if t is None or t.kind != "date" or t.of != ("held",):
        return False
    named = glossary.concepts_in(sentence)
    return (
        not question.concepts & glossary.elections
        and bool(named & glossary.elections)
        and not named & glossary.referendum
    )


def _a_term_unasked(question: Asked, sentence: str, glossary: Glossary) -> bool:
    """Whether ``sentence`` states a term of office (``answer_type.states_term``) that a
    duration question does not ask: it asks no term and names no one who holds one
    (eighteenth session's thirty-ninth probe: "Бешбармақты қалай дұрыс жасайды, етті қанша
    уақыт қайнатады?" was `high` with "Құрылтай депутаттарының өкілеттік мерзімі – бес
    жыл")."""
    t = question.qtype
    return (
        t is not None
        and t.kind == "duration"
        and not t.term
        and not t.offset
        and t.of != ("age",)
        and not question.concepts & glossary.holders
        and states_term(sentence)
    )


def _states_agent(question: Asked, sentence: str) -> bool:
    """Who appoints the vice president: a sentence naming every claim word of the question
    (the act and its object, word for word: the akims' appointer is not the vice
    president's) and one more office or body than the question names (the one doing it)."""
    return names_all(question.claim, sentence) and agents_in(sentence) > question.agents


def with_claim(check: Check, hit: Hit, question: Asked, lang: str) -> Check:
    """``check`` with ``says`` (``claim_said``) of ``hit``, for a question in ``lang``."""
    said = claim_said(hit, question, lang)
    return check if said is None else replace(check, says=said)


# The claim words a typed question naming no reform term needs before its sentence is read
# word for word (``claim_said``).
TYPED_CLAIMS = 3


def claim_said(hit: Hit, question: Asked, lang: str) -> float | None:
    """The share of the question's claim words ``hit``'s highlighted sentence(s) name
    (claim.says), for a question in ``lang``; None for a question the claim cannot make
    ``high`` (typed, or with fewer than ``OPEN_CLAIMS`` claim words); 0 for a sentence in
    another language (claim.py: none is read word for word across languages). Read for
    the first hit only, once it is known (and the next two where it falls short,
    search.py): the confidence stage reads no other, and it is the dearest check here
    (~20 us a hit)."""
    if len(question.claim) < OPEN_CLAIMS:
        return None
    if question.typed and len(question.claim) < TYPED_CLAIMS:
        return None  # "how many said yes": its one word besides "many" is the typed measure
    if question.typed:
        # A typed question naming none of the reform's terms is read too, in its own
        # language (eighteenth session's forty-fourth probe: "When does Kazakhstan's new Tax
        # Code take effect?" was `high` with the Constitution's entry into force):
        # ``ConfidenceRule.judge`` hedges one whose sentence names too few of its words.
        if question.concepts or hit.article.lang != lang:
            return None
    elif hit.article.lang != lang:
        return 0.0
    context = f"{hit.article.title or ''}\n{hit.passage.text}"
    sentences = highlighted(hit)
    if question.hypothetical:
        sentences = [s for s in sentences if states_condition(s)]
        if not sentences:
            return 0.0  # what happened says nothing of the case asked
    return says(question.claim, sentences, question.conditional, context)


# A sentence dated by the one before it ("On the same day the powers of the Parliament
# ... ended", "С этого же дня прекращает полномочия Парламент", "Осы күні ..."): its date
# is that sentence's, read in the anaphor's place, so the date's cue words are this
# sentence's own (thirteenth session: with "the 1995 Constitution" no longer read as a
# date, nothing else dated it).
_SAME_DAY = re.compile(
    r"^\W*(?:on (?:the same|that) day|the same day|that same day|в (?:этот|тот) же день"
    r"|с (?:этого|того) же дня|(?:дәл )?(?:сол|осы) күні|сол күннен)",
    re.IGNORECASE,
)


def with_its_day(hit: Hit, sentence: str) -> str:
    """``sentence`` with its same-day anaphor (``_SAME_DAY``) replaced by the last date
    the passage's sentence before it states ("On 1 July 2026 the powers ... ended")."""
    anaphor = _SAME_DAY.match(sentence)
    if anaphor is None:
        return sentence
    passage = hit.passage
    start = passage.text.find(sentence)
    before = [
        t for (_, b), t in zip(passage.sentences, passage.sentence_texts, strict=True) if b <= start
    ]
    dates = [v for v in find_values(before[-1]) if v.kind == "date"] if before else []
    if not dates:
        return sentence
    return f"{dates[-1].text}{sentence[anaphor.end() :]}"


_YEARS = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@functools.lru_cache(maxsize=65536)
def _years_in(text: str) -> frozenset[str]:
    """The years ``text`` names."""
    return frozenset(_YEARS.findall(text))


def highlighted(hit: Hit) -> list[str]:
    """``hit``'s highlighted sentences (its whole passage if none is)."""
    text = hit.passage.text
    return [hit.passage.sentence_text(span) for span in hit.highlight] or [text]


# Heading as a verb ("басқарады", "возглавляет", "chairs"), not a title ("төрағасы").
_HEADS_VERB = re.compile(
    r"(?<![\w-])(?:басқарад\w*|баскарад\w*|басқарды|баскарды|возглавля\w*|возглавил\w*"
    r"|руководит|руководил\w*|heads|headed|chairs|chaired|leads)(?![\w-])",
    re.IGNORECASE,
)


def _role_of_asked_body(question: Asked, sentence: str, title: str, glossary: Glossary) -> bool:
    """For a question about a role in a body ("deputy chair of the Constitutional
    Commission"): the sentence or its article's title must name that body (a bare "the
    commission's deputy chair" may be another commission's: hedged), and where the sentence
    names it, the body named nearest to one of its role words must be it. "Deputy Chairman
    of the Constitutional Court, member of the Constitutional Commission" names the Court's
    officer; in Kazakh the body comes first ("Конституциялық сот төрағасының орынбасары"),
    so nearest on either side."""
    t = question.qtype
    if t is None or t.kind != "person" or not t.of:
        return True
    asked_bodies = question.concepts & glossary.bodies
    if not asked_bodies:
        return True
    specific = asked_bodies - glossary.generic_bodies
    if specific:  # "the Constitutional Commission": that body, by name
        named = [
            (at, e)
            for at, e in glossary.concept_positions(sentence)
            if e in glossary.bodies and e not in glossary.generic_bodies
        ]
        is_asked = specific.__contains__
    else:  # "commission deputy chair": any body of that kind (a commission, not the Court)
        named = [(at, e) for at, e in glossary.concept_positions(sentence) if e in glossary.bodies]

        def is_asked(e: int) -> bool:
            kind = glossary.concepts_in(glossary.entries[e].english)
            return e in asked_bodies or bool(kind & asked_bodies)

    if not any(is_asked(e) for _, e in named):
        return any(is_asked(e) for e in glossary.concepts_in(title) & glossary.bodies)
    if t.of == ("chair",) and not t.role_deputy and _HEADS_VERB.search(sentence):
        # "Комиссияны Конституциялық сот төрағасы Эльвира Әзімова басқарады": the body a
        # verb heads is its object, named anywhere (the Court is her other office)
        return True
    for role_at in role_positions(t, sentence):
        nearest = min(named, key=lambda pair: abs(pair[0] - role_at))
        if is_asked(nearest[1]):
            return True
    return False


def _dated(value: Value, article_date: str) -> Value:
    """A date the sentence gives without a year ("March 15") is in its report's year:
    so compared, it disagrees with "2027" (a year alone agrees with any day in it)."""
    if value.kind == "date" and value.iso.startswith("--") and article_date[:4].isdigit():
        return replace(value, iso=article_date[:4] + value.iso[1:])
    return value


def check_hits(hits: Sequence[Hit], question: Asked, glossary: Glossary) -> list[Check]:
    """``check_hit`` for each hit, in order."""
    return [check_hit(h, question, glossary) for h in hits]
