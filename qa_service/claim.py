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

The same naming checks a question about a vote's turnout or share for the part of the
voters it names (``qualifiers``: its claim words besides the measure's own vocabulary,
"among students", "зейнеткерлер арасында"): verify.py hedges the national figure for it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from .glossary import fold
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
    "сізге біреу біреуді біреуге "
    # "ал" opening a question is "and, but" ("ал «иә» деп неше пайыз дауыс берді?": read as
    # a qualifier, it was named only by a title's "Алдын ала", so the preliminary report
    # answered; eighteenth session's fortieth probe)
    "ал".split()
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


# What a question about a vote's measure (its turnout, the share for or against) may say
# besides the measure itself, by class, in the three languages (word beginnings, folded as
# the glossary folds: Kazakh letters as their Russian look-alikes; three letters or fewer:
# whole words): the measure and its synonyms ("turnout", "явка", "қатысу", "белсенділік"),
# voting and its answers ("voted", "backed", "за", "қолдады"), the people counted as a
# whole ("voters", "citizens", "избирателей", "сайлаушылар", "eligible"), the vote and
# the text voted on, the result's words ("final", "official", "итоги", "қорытынды"), and
# the question's own frame ("what", "how many", "сколько", "қанша", "among"). Any other
# word names a part ("among students", "pensioners", "first-time voters", "in rural
# areas", "на дому", "әскери қызметшілердің"): the national figure answers nothing of it
# (fourteenth session's probe, docs/quality.md). A count of the voters reads the same
# (sixteenth session), with the words of the whole electorate ("on the lists", "имели
# право", "құқығы бар"). Stop and function words are not listed:
# ``claim_words`` never gives them.
_MEASURE_WORDS = frozenset(
    # English
    "turnout turn share percent proportion portion part rate level figure number count "
    "vote voti voter voted yes against support back approv favo endors adopt accept "
    "said answer people ppl person citizen elector eligib regist population resident end "
    "referend constitu draft ballot poll cast final overall total official result "
    "many much what were took take came come went show up participat "
    "actual real exact approx about around rough report data "
    "kazakhstan nation country whole among list right entitl "
    # Russian
    "явка явки явку явкой явке процент доля долю доли часть уровень число количеств результат итог "
    "проголос голос голосова против поддерж высказа одобр принял приня ответ "
    "человек люди людей народ граждан избират населени жител участ пришл пришед "
    "референдум конституц бюллетен окончат официал всего общая общей общий общее "
    "сколько скока какой какая какое каков была было были составил среди всех все вообще "
    "данны данным данных сведени "
    "казахстан стран списк список право права правом имел имеют имеющ "
    # Kazakh (folded)
    "катыс пайыз улес дауыс берд берге беру берил колда иа ия жок карсы "
    "адам азамат сайлауш халык тургын белсенд "
    "референдум конституц бюллетен корытынд ресми тупкил натиже "
    "канша неше кандай болды болган арасында барлык жалпы казакстан елде ел келд келге келу "
    "деди деген дерек жана жауап "
    "денгей саны тизим кукы".split()
)


# What a threshold's question says besides the measure's words (fifteenth session): who
# must pass it and what for, the rule's words. "What share of the vote does a party need
# to form a government?" holds "form" and "government" besides: no sentence about the
# share needed "to win seats" states it.
_THRESHOLD_WORDS = frozenset(
    # English
    "party parti need requir minimum least threshold barrier enter get into pass clear win "
    "won seat kurultai parliament majilis valid validity half majority more than must have "
    "does do should elect order deem consider recogn "
    # Russian
    "парти нужн необходим минимал минимум порог барьер пройт проход попаст попад мест "
    "курултай парламент мажилис действительн состоя половин большинств более больше "
    "чтобы надо должн набрат получит выбор войт вход счита засчит призна "
    # Kazakh (folded)
    "партия партиял керек кажет шек кедерги оту отуи тусу ену орын курылтай парламент "
    "мажилис жарамды жарты жартыс копшилик астам кеминде жинау жина алу сайла ушин таны "
    "отти откен".split()
)


def qualifiers(
    claim: Sequence[str], cues: Sequence[re.Pattern] = (), threshold: bool = False
) -> tuple[str, ...]:
    """The claim words of a question about a vote's measure that the measure's own words
    (``_MEASURE_WORDS``, and any of ``cues``: the answer type's cue words of the measures,
    "жақтап", "одобрили") do not cover: the part of the voters it asks about.
    ``threshold``: a threshold's question, whose words of the rule (``_THRESHOLD_WORDS``)
    count as the measure's too: what is left is what the threshold is for."""
    return tuple(
        w
        for w in claim
        if not _measure_word(fold(w), threshold) and not any(cue.search(w) for cue in cues)
    )


def _measure_word(word: str, threshold: bool = False) -> bool:
    """The word itself, or a beginning of four letters or more, is a measure word, or is
    one but for a typo (a letter wrong, or two swapped: "precent", "прогалосовали",
    "явко"): a typo is no part of the voters."""
    if _listed(word, _MEASURE_WORDS) or (threshold and _listed(word, _THRESHOLD_WORDS)):
        return True
    lengths = (_BY_LENGTH, _THRESHOLD_BY_LENGTH) if threshold else (_BY_LENGTH,)
    return len(word) >= 4 and any(
        _one_edit(word[:n], form)
        for n in range(4, len(word) + 1)
        for by_length in lengths
        for form in by_length.get(n, ())
    )


def _listed(word: str, listed: frozenset[str]) -> bool:
    """The word, or a beginning of it of four letters or more, is in ``listed``."""
    return word in listed or any(word[:n] in listed for n in range(4, len(word)))


def _by_length(listed: frozenset[str]) -> dict[int, tuple[str, ...]]:
    return {n: tuple(w for w in listed if len(w) == n) for n in {len(w) for w in listed}}


_BY_LENGTH = _by_length(_MEASURE_WORDS)
_THRESHOLD_BY_LENGTH = _by_length(_THRESHOLD_WORDS)


def _one_edit(a: str, b: str) -> bool:
    """Two words of one length that differ by one letter, or by two neighbours swapped."""
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return True
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def names_all(words_: Sequence[str], text: str) -> bool:
    """Whether ``text`` names each of ``words_`` (as ``says`` names a claim word)."""
    return not words_ or _named(words_, text, "") == 1.0


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
