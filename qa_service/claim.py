"""Does a sentence say what an open or yes/no question asks about? (the claim check)

A question with a checked answer type ("how many", "when", "who chairs") is verified by
the value the sentence states (verify.py). An open question ("How will Kurultai deputies
be elected?") or a yes/no one ("Will the Senate be abolished?") has no value to look for:
until the eleventh session such a question was never ``high``. Its near misses name the
same entities and another matter: "Can I vote online through eGov?" against "citizens can
send comments through the eGov portal", "Will schools still teach in Russian?" against
the sentence on Russian's official use. What tells them apart is the words the answer
would have to use: the question's *claim words* (its content words, less function,
modal and question words) must each be named by one highlighted sentence itself: the
same word or stem, or a shared beginning (Kazakh and Russian endings: "жойыла" /
"жойылады").

A sentence that states a condition ("For the referendum to be valid, more than half ...
must take part", "Референдум признают состоявшимся, если ...", "... қатысса, референдум
өтті деп танылады") names the claim words of "Was the referendum valid?" and says only
what it would take: for a question that states no condition itself, it says nothing.

Only a sentence in the question's language can say it (verify.claim_said): across
languages the glossary's concepts were the only bridge, and they are loose ("Президентті
Құрылтай сайлай ма?" -> "The president must call elections to the Kurultai": president,
Kurultai, elections, and not who elects whom); two right answers of the sets measured
came across languages, and they stay `low` (hedge rather than endorse). Pure: strings in,
a share out; each way of naming a word tried only where the cheaper one failed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from .lexical import STOPWORDS, stem, words

# Words that carry no part of the claim, by class, in the three languages: auxiliaries
# and modals ("can", "можно", "бола"); yes/no particles and tags ("или нет", "иә");
# aspect adverbs ("still", "again", "әлі": "is Russian still official?" is answered by
# "Russian is used officially"); words that point at the present ("now", "current",
# "нынешний", "қазіргі": the sentence names the thing, not when the reader stands);
# indefinite and personal pronouns ("someone", "кто-то", "біреу", "I", "мне");
# existentials ("there is", "есть", "бар"); question words STOPWORDS lacks; and "new"
# (every question on the reform names the new Constitution; the sentence answering it
# often says only "the Constitution").
_FUNCTION = frozenset(
    # English
    "will would can could does do did be is are am was were may must should shall "
    "still again already yet ever now current currently today new "
    "i me my we us our you your someone somebody anyone anybody "
    # Russian
    "можно нельзя ли или нет да будет будут ещё еще снова опять уже теперь сейчас "
    "нынешний нынешнего нынешнему нынешним нынешняя нынешней нынешнюю нынешнее нынешние "
    "нынешних текущий текущего текущая текущей текущее текущие сегодня "
    "новой новый новая новую новом нового новые новых есть "
    "куда откуда чей чья чьё чьи я мне меня мы нам нас вы вам вас "
    "кто-то кто-нибудь кого-то кого-нибудь кому-то кому-нибудь кто-либо "
    # Kazakh
    "бола болады болама ма ме ба бе па пе мүмкін иә жоқ әлі қазір қазіргі "
    "бүгін жаңа бар қайдан қалай мен менің маған мені біз біздің бізге сіз сіздің "
    "сізге біреу біреуді біреуге".split()
)
# The reform's own names: the topic of every article on it. One of them in the question
# ("What question is on the referendum ballot?") may be named by the sentence's passage
# or its article's title ("The ballot carries a single question: ...", under "How voting
# in the 15 March referendum works"); every other claim word, by the sentence itself.
# (verify.names_core reads the same names in a question.)
REFORM_NAMES = (
    "referend", "референдум", "constitu", "конституц",
    "kurultai", "kuryltai", "курултай", "курылтай", "құрылтай",
)  # fmt: skip
_CORE = re.compile(f"(?:{'|'.join(REFORM_NAMES)})", re.IGNORECASE)
# A claim of one word ("Вице-президент кім болады?" -> "вице-президент") is named by any
# sentence about its subject: an untyped question needs at least this many to be ``high``
# (confidence.ConfidenceRule.open_at), and ``says`` is read only for such a question.
OPEN_CLAIMS = 2
# An untyped question's first hit whose sentence names at most this share of the claim
# words gives way to one of the next hits whose sentence names them all (search.py,
# ``Searcher._lead_by_claim``). Not any shortfall: a first sentence naming two of three
# words ("the main changes of the Constitution") lost its place to "The main goal of the
# meeting was to explain the constitutional changes" (the bank, eleventh session).
LEAD_SAYS_AT_MOST = 0.5
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# A condition: "if", "unless", "если", "при условии", "for X to be", and Kazakh's
# conditional mood (-са/-се and its personal endings: "қатысса", "берсеңіз"), read only in a
# sentence with Kazakh letters (Russian's prepositional "-се" is no condition: "в процессе").
_CONDITION = re.compile(
    r"(?<![\w-])(?:if|unless|provided|in case|если|при условии|в случае)(?![\w-])"
    r"|(?<![\w-])for\s[^.;:]{1,60}?\sto\s(?:be|take|become)(?![\w-])",
    re.IGNORECASE,
)
_KK_CONDITION = re.compile(r"\w{2,}(?:са|се)(?:м|ң|қ|к|ңыз|ңіз|ңдар|ңдер)?(?![\w-])", re.IGNORECASE)
_KK_LETTERS = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)
# A shared beginning this long names the same word (Kazakh and Russian inflect by suffix);
# three letters for a three-letter Kazakh or Russian root ("тіл" / "тілінің", "суд").
_PREFIX = 5


def claim_words(question: str) -> tuple[str, ...]:
    """The question's claim words (normalized, in order, each once)."""
    seen: dict[str, None] = {}
    for w in words(question):
        if w in STOPWORDS or w in _FUNCTION or len(w) < 2 or w.isdigit():
            continue
        seen.setdefault(w, None)
    return tuple(seen)


@functools.lru_cache(maxsize=16384)
def states_condition(text: str) -> bool:
    """Whether ``text`` states a condition ("if", "если", Kazakh's conditional mood)."""
    if _CONDITION.search(text):
        return True
    return bool(_KK_LETTERS.search(text) and _KK_CONDITION.search(text))


def says(
    claim: Sequence[str],
    sentences: Sequence[str],
    conditional: bool = False,
    context: str = "",
) -> float:
    """The largest share of ``claim`` one of the ``sentences`` (in the question's language)
    names (1.0 for an empty claim): by the word itself, never by a glossary concept (the
    glossary's "vice president" is named by any sentence saying "President"). A sentence
    stating a condition names nothing unless the question (``conditional``) states one.
    ``context`` (the passage and its article's title) may name the reform's own names."""
    if not claim:
        return 1.0
    if not conditional:
        sentences = [s for s in sentences if not states_condition(s)]
        if not sentences:
            return 0.0  # only conditions: nothing said, not even the reform's names around
    # One sentence must say it: "vote" in one and "polling station" in the next do not
    # answer "Can I vote at any polling station?".
    return max(_named(claim, sentence, context) for sentence in sentences)


def _named(claim: Sequence[str], sentence: str, context: str) -> float:
    """The share of ``claim`` one sentence names (``says``)."""
    found = words(_fold(sentence))
    # Each way of naming a word is read only when the cheaper ones did not find it.
    heads: dict[int, set[str]] = {}  # the found words' beginnings, by length
    stems: set[str] | None = None
    around: str | None = None
    named = 0
    for word in map(_fold, claim):
        n = min(_PREFIX, len(word))
        if n >= 4 or (n == 3 and _CYRILLIC.search(word)):
            if n not in heads:
                heads[n] = {w[:n] for w in found if len(w) >= n}
            if word[:n] in heads[n]:
                named += 1
                continue
        if stems is None:
            stems = {stem(w) for w in found}
        if stem(word) in stems:
            named += 1
            continue
        core = _CORE.match(word) if context else None
        if core is not None:
            # the same name around the sentence (its beginning: "конституц" in "Конституции")
            if around is None:
                around = _fold(context.casefold())
            named += core.group(0).casefold() in around
    return named / len(claim)


def _fold(text: str) -> str:
    """ё read as е: Russian text writes either."""
    return text.replace("ё", "е")
