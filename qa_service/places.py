"""Places (local offices, parts and versions too) a question names, for attribute-level
verification (verify.py).

"What was the turnout in Almaty?" and "When is Russia's next presidential election?" name
the reform's terms (turnout, election) and a place; the sentence that states the national
turnout, or Kazakhstan's election date, states a value of the asked attribute and names
every glossary term, yet answers another question. A question that names a place is
answered only by a sentence, or an article title, that names it too.

The gazetteer holds Kazakhstan's cities and regions and the countries its news names most,
each as word beginnings in English, Russian and Kazakh (also as Kazakh is typed with
Russian letters: the text is folded as the glossary folds it). Kazakhstan itself is not
a place here: every source is about it. Local offices (akims, maslikhats) and the parts and
versions a figure can be of (voters abroad, the opposition, the first draft, the
preliminary count, young people, women) are read the same way: a question about the part
is not answered by the whole. Maintainers extend ``PLACES``.
"""

from __future__ import annotations

import functools
import re

from .glossary import fold

# English name -> word beginnings (folded: lower case, Kazakh letters as Russian look-alikes).
PLACES: dict[str, tuple[str, ...]] = {
    "Almaty": ("almaty", "alma-at", "алмат", "алма-ат"),  # "в алмате" (eighteenth session)
    "Astana": ("astana", "астан"),
    "Shymkent": ("shymkent", "chimkent", "шымкент", "чимкент"),
    "Karaganda": ("karaganda", "karagandy", "караганд"),
    "Aktobe": ("aktobe", "актобе", "актюбинск"),
    "Atyrau": ("atyrau", "атырау"),
    "Aktau": ("aktau", "актау"),
    "Pavlodar": ("pavlodar", "павлодар"),
    "Semey": ("semey", "semipalatinsk", "семипалатинск"),  # "семей": also "families"
    "Oskemen": ("oskemen", "ust-kamenogorsk", "оскемен", "усть-каменогорск"),
    "Oral": ("uralsk", "уральск"),  # Kazakh "Орал" is also the Ural river and mountains
    "Kostanay": ("kostanay", "kostanai", "костана"),
    "Petropavl": ("petropavl", "петропавл"),
    "Kokshetau": ("kokshetau", "кокшетау"),
    "Taraz": ("taraz", "тараз"),
    "Kyzylorda": ("kyzylorda", "кызылорд"),
    "Turkistan": ("turkistan", "turkestan", "туркестан", "туркистан"),
    "Taldykorgan": ("taldykorgan", "талдыкорган"),
    "Zhezkazgan": ("zhezkazgan", "жезказган"),
    "Konaev": ("konaev", "конаев"),
    "Russia": ("russia", "росси", "ресей"),
    "China": ("china", "chinese", "кита", "кытай"),
    "Uzbekistan": ("uzbek", "узбек", "озбек"),
    "Kyrgyzstan": ("kyrgyz", "кыргыз", "киргиз"),
    "Tajikistan": ("tajik", "таджик", "тажик"),
    "Turkmenistan": ("turkmen", "туркмен"),
    "Turkey": ("turkey", "turkiye", "турци", "туркия"),
    "Ukraine": ("ukrain", "украин"),
    "Belarus": ("belarus", "беларус", "белорус"),
    "United States": ("america", "сша", "америк"),
    "Germany": ("german", "герман"),
    "France": ("france", "french", "франци"),
    "United Kingdom": ("britain", "british", "британ", "великобритан"),
    # Not "грузить" (to load); English "Georgia" is also a US state.
    "Georgia": ("грузия", "грузии", "грузию", "грузин"),
    "Azerbaijan": ("azerbaijan", "азербайджан", "азербайжан"),
    "Mongolia": ("mongolia", "монгол"),
    "Iran": ("iran", "иран"),
    "India": ("india", "индия", "индии", "индию", "ундистан"),
    "Japan": ("japan", "япони", "жапони"),
    "Korea": ("korea", "корея", "корей", "корее"),
    "Armenia": ("armenia", "армени"),
    "Moldova": ("moldova", "молдов", "молдав"),
    # Local offices and councils, checked as places are: the date of "the elections" the
    # Kurultai's decree states answers nothing of when akims are elected, and its 145
    # deputies nothing of a city maslikhat's seats (twelfth session's probe, docs/quality.md).
    "Akim": ("akim", "аким", "mayor"),  # Kazakh әкім folds to аким; akimat too
    "Maslikhat": ("maslikhat", "маслихат"),  # Kazakh мәслихат folds to маслихат
    # The parts and versions a figure can be of, checked as places are (thirteenth
    # session's probe, docs/quality.md): "How many people voted abroad?" is not answered by
    # the 7,954,667 who voted yes, "How many seats will the opposition get?" not by "all 145
    # seats are filled from party lists", nor "How many articles did the first draft
    # have?" by the final draft's 95 (the time stage put the newer report first). A form
    # ending in "$" is a whole word ("алдын ала", preliminary; not "алдында", before).
    # Kazakh "abroad" in its cases (шетелде, шетелдегі, шетелден, шетелге), not шетелдік
    # (a foreigner: "land sold to foreigners" is about no vote abroad).
    "Abroad": ("abroad", "overseas", "рубеж", "заграниц", "шетелде", "шетелге"),
    "Opposition": ("opposition", "оппозиц"),
    # "алғашында" (at first, initially: nineteenth session's sixty-second probe)
    "First": (
        "first",
        "initial",
        "original",
        "перв",
        "изначальн",
        "алгашк",
        "алгашында",
        "биринши",
    ),
    "Preliminary": ("prelimin", "partial", "предварит", "алдын$"),
    "Young": ("young", "youth", "молод", "жастар"),  # not "жас" alone: an age ("неше жастан")
    "Women": ("women", "woman", "female", "женщин", "айел"),  # Kazakh әйел folds to айел
    # The things a figure or a date can be of besides the vote itself (sixteenth session's
    # ninth probe): an absentee certificate's deadline for the Kurultai elections is not
    # "within a month" of calling them, nor a complaint's the seven days the results take.
    "Absentee": ("absentee", "открепит", "сырттай"),
    "Complaint": ("complain", "appeal", "жалоб", "жалов", "обжал", "оспор", "шагым"),  # шағым
    # A portal named (the eleventh probe: "how many comments came through e-Otinish
    # specifically" -> the 4,000 comments in all).
    "Portal": ("egov", "e-gov", "otinish", "e-otinish", "отиниш", "е-отиниш"),
}
# The final version against those before it (fifteenth session's probe): "How many
# comments did citizens send on the final draft?" is not answered by "more than 4,000
# comments were received on the earlier draft". Unlike the parts above, a report of the
# final version need not say "final" (most do not: "The Constitution has 95 articles"), so
# the final version is not required of the answer; a sentence that names an earlier
# version (these, "first", "preliminary") and not the final one is about that one.
FINAL = ("final$", "окончательн", "тупкиликти")  # Kazakh түпкілікті, folded
EARLIER = ("earlier", "previous", "прежн", "предыдущ", "бурынгы", "алдынгы")  # бұрынғы, алдыңғы
BEFORE_FINAL = frozenset({"First", "Preliminary"})
# The Constitution as adopted against its drafts (sixteenth session's sixth probe:
# "On what date was the adopted Constitution officially published?" was `high` with the
# date its draft was published): a question naming the adopted text and no draft is not
# answered by a sentence about a draft that names neither the adopted nor the final one.
ADOPTED = ("adopted", "принят", "кабылданган")  # Kazakh қабылданған, folded
DRAFTS = ("draft", "проект", "жоба")
# Capitalized abbreviations, read as written (never as word beginnings: "us" begins "use",
# "акш" begins "ақша", money).
ABBREVIATIONS = {"United States": re.compile(r"(?<![\w.])(?:U\.S\.(?:A\.)?|USA?|США|АҚШ)(?![\w])")}
# Parts named by a phrase, not a word (any case, as written): the election of a president is
# not the Kurultai's (fifteenth session's probe: "When will the next presidential election be
# held?", "Келесі президент сайлауы қашан өтеді?" were answered with the date of the Kurultai
# elections, whose decree "the president has signed").
PHRASES = {
    # A vote held again (the tenth probe of the sixteenth session: "... референдум қайта
    # өткізіле ме және қашан?" was `high` with the vote's own 15 March). Not "қайта жазылды"
    # (rewritten) nor "снова" alone.
    "Repeat vote": re.compile(
        r"(?:held|hold|vote[sd]?|voting) again|repeat(?:ed)? (?:vote|referendum|election)"
        r"|re-?run|повторн\w*|провед\w* (?:снова|заново|ещё раз)|(?:снова|заново) провед\w*"
        r"|[қк]айта [өо]тк\w*|[қк]айта [өо]ткіз\w*|[қк]айта [өо]ткиз\w*|[қк]айта сайла\w*",
        re.IGNORECASE,
    ),
    # A day off (seventeenth session's twenty-second probe: "Is the new Constitution Day
    # on 15 March going to be a day off work?" was `high` with the day's new date). Not
    # "отдыхать" (how people will rest is "for the government to decide").
    "Day off": re.compile(
        r"days? off|day-off|non-working|public holiday|выходн\w*|нерабоч\w*|демалыс\w*",
        re.IGNORECASE,
    ),
    # A day of the week (nineteenth session's seventy-fifth probe: "референдум был в
    # воскресенье или в какой день недели?" was `high` with "15 марта 2026 года"): a
    # question naming one or asking which is answered by a sentence naming one.
    "Weekday": re.compile(
        r"(?<![\w-])(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday"
        r"|day of the week|воскресень\w*|понедельник\w*|вторник\w*|четверг\w*|пятниц\w*"
        r"|суббот\w*|дн(?:ь|я|ем) недели|день недели|жексенбі\w*|дүйсенбі\w*|сейсенбі\w*"
        r"|сәрсенбі\w*|бейсенбі\w*|жұма|сенбі\w*|жексенби\w*|дуйсенби\w*|сейсенби\w*"
        r"|сарсенби\w*|бейсенби\w*|сенби\w*|аптаның|аптанын)(?![\w-])",
        re.IGNORECASE,
    ),
    "Presidential election": re.compile(
        r"presidenti?al\s+(?:election|vote|race|poll|ballot|campaign)"  # "presidental" too
        r"|election\s+of\s+(?:a\s+|the\s+)?(?:new\s+)?president"
        r"|президентск\w*\s+(?:выбор|кампани|гонк)|выбор\w*\s+(?:нового\s+)?президента"
        r"|президент(?:тік)?\s+сайлау|президентті\s+сайла",  # not "президент сайлайды"
        re.IGNORECASE,
    ),
}
# The offices whose own votes the news reports beside the referendum: a vote's turnout or
# share in a sentence naming one is that vote's, unless the question names it too.
OTHER_VOTES = frozenset({"Akim", "Maslikhat", "Presidential election"})
# The places abroad among them: a question about another country's referendum or
# constitution ("When did Kyrgyzstan hold its constitutional referendum?") is not about this one.
ABROAD = frozenset(
    "Russia China Uzbekistan Kyrgyzstan Tajikistan Turkmenistan Turkey Ukraine Belarus Germany "
    "France Georgia Azerbaijan Mongolia Iran India Japan Korea Armenia Moldova".split()
) | {"United States", "United Kingdom"}
# A sentence naming voters at home and abroad states the whole count, not the part abroad.
_HOME_AND_ABROAD = re.compile(
    r"home and abroad|(?:в|внутри) стран[еы] и за рубежом|ел(?:де|ішінде|ишинде) және шетел",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w-]+")
# Word beginnings of two or three letters would also begin common words; none is listed.
_BY_HEAD: dict[str, list[tuple[str, str]]] = {}
for _name, _forms in PLACES.items():
    for _form in _forms:
        _BY_HEAD.setdefault(_form[:3], []).append((_form, _name))


@functools.lru_cache(maxsize=65536)
def places_in(text: str) -> frozenset[str]:
    """The places (``PLACES``' English names) ``text`` names."""
    found = {name for name, pattern in ABBREVIATIONS.items() if pattern.search(text)}
    # As written and folded: Russian typed in Latin letters is read back with Kazakh
    # letters ("vybory prezidenta" -> "презідента"; eighteenth session's thirty-fourth probe).
    folded = fold(text)
    found |= {name for name, p in PHRASES.items() if p.search(text) or p.search(folded)}
    for word in _WORD.findall(folded):
        for form, name in _BY_HEAD.get(word[:3], ()):
            if _form_matches(word, form):
                found.add(name)
    if "Abroad" in found and _HOME_AND_ABROAD.search(text):
        found.discard("Abroad")
    return frozenset(found)


def names_final(text: str) -> bool:
    """Whether ``text`` names the final version of something (``FINAL``)."""
    return _names_any(text, FINAL)


@functools.lru_cache(maxsize=65536)
def names_earlier_only(sentence: str) -> bool:
    """Whether ``sentence`` names an earlier version (``EARLIER``, the first, the
    preliminary) and not the final one: what it states is not the final version's."""
    earlier = bool(places_in(sentence) & BEFORE_FINAL) or _names_any(sentence, EARLIER)
    return earlier and not names_final(sentence)


# The time before the reform, as a question asks about it (sixteenth session's fifth
# probe: "Сколько депутатов было в парламенте до реформы?" was `high` with the
# Kurultai's 145): said in so many words or by the old Constitution or Parliament named,
# not by "previous" or "бұрынғы" alone (an earlier draft is ``EARLIER``'s).
_BEFORE_Q = re.compile(
    # (up to two words between: "before the whole kurultai thing", seventeenth session)
    r"(?<![\w-])(?:before|prior to) the (?:[\w-]+\s+){0,2}?"
    r"(?:reform|referendum|new constitution|changes|kurultai)"
    r"|(?<![\w-])(?:previously|formerly|used to|under the old|in the old)(?![\w-])"
    # "before it was moved", "до переноса" (seventeenth session's twenty-third probe)
    r"|(?<![\w-])before (?:it|they|we) (?:(?:was|were|had|have|got) )?"
    r"(?:moved|changed|replaced|switched|abolished|merged|reformed)"
    r"|(?<![\w-])до (?:переноса|замены)"
    r"|(?<![\w-])до (?:реформ|референдум|изменени|принятия|курултая|новой конституции)\w*"
    # "до появления Курултая", "до создания Курултая" (twentieth session's ninety-third
    # probe: `high` with the Kurultai's 145)
    r"|(?<![\w-])до (?:появления|создания|учреждения|введения|образования) "
    r"(?:курултая|однопалатного|новой конституции|новой системы)"
    r"|(?<![\w-])(?:раньше|прежде|по старой|в старой|при старой)(?![\w-])"
    # (a verb between: "Құрылтай болғанға дейін", "Құрылтай құрылғанға дейін")
    r"|(?:реформа|референдум|өзгеріс|құрылтай|конституция)\w*\s+(?:[\w-]+\s+)?дейін"
    r"|(?<![\w-])(?:бұрын|бурын)(?![\w-])"  # (typed without its letter: seventy-fourth probe)
    # "бұған дейінгі Парламентте" (the Parliament before this: eighteenth session's
    # forty-fourth probe)
    r"|(?<![\w-])(?:бұған|осыған|буган|осыган)\s+дейін\w*"
    # A holiday's or an event's former date ("какой была прежняя дата праздника?", "the
    # old date", "бұрынғы күні": nineteenth session's sixtieth probe, `high` with the new
    # date of Constitution Day)
    r"|(?<![\w-])(?:бұрынғы|бурынгы|old|former|previous|original|прежн\w*|бывш\w*)\s+"
    r"(?:dates?|days?|дат[аыуе]\w*|день|дня|күн\w*|кун\w*)(?![\w-])"
    # The two-chamber Parliament is the old one ("қазіргі екі палаталы парламентте неше
    # депутат", "в нынешнем двухпалатном парламенте": seventeenth session's probes).
    r"|(?<![\w-])(?:ескі|бұрынғы|бурынгы|old|former|previous|прежн\w*|бывш\w*|стар\w*"
    r"|two-chamber|bicameral|двухпалатн\w*|екі\s+палаталы)\s+"
    r"(?:[\w-]+\s+){0,2}"  # "the old two-chamber parliament" (eleventh probe)
    r"(?:constitution|basic law|parliament|majilis|senate|конституц|основн\w* закон|парламент"
    r"|мажилис|сенат|ата\s+заң|мәжіліс)\w*",
    re.IGNORECASE,
)
# A sentence about that time: the same words, or one that places its figure then ("today's
# 148" in a January report, "the previous Parliament", "прежняя дата", "бұрынғы
# Конституция"), or a year before the reform's ("abolished in 1996", "the 1995 text").
_BEFORE_STATED = re.compile(
    r"(?<![\w-])(?:today's|current|previous|former|earlier|old|нынешн\w*|действующ\w*"
    r"|прежн\w*|бывш\w*|стар(?:ый|ой|ого|ом|ая|ую|ые|ых)|қазіргі|бұрынғы\w*|ескі)(?![\w-])"
    r"|(?<!\d)(?:19\d\d|200\d|201\d|202[0-5])(?!\d)",
    re.IGNORECASE,
)


def asks_before(question: str) -> bool:
    """Whether ``question`` asks about the time before the reform (``_BEFORE_Q``)."""
    return _BEFORE_Q.search(question) is not None


@functools.lru_cache(maxsize=65536)
def names_before(text: str) -> bool:
    """Whether ``text`` (a sentence: its article's title is not read, verify.check_hit)
    places what it says before the reform (``_BEFORE_Q``, ``_BEFORE_STATED``)."""
    return _BEFORE_Q.search(text) is not None or _BEFORE_STATED.search(text) is not None


def asks_adopted(question: str) -> bool:
    """Whether ``question`` names the adopted text (``ADOPTED``) and no draft."""
    return _names_any(question, ADOPTED) and not _names_any(question, DRAFTS)


@functools.lru_cache(maxsize=65536)
def names_draft_only(sentence: str) -> bool:
    """Whether ``sentence`` is about a draft (``DRAFTS``) and names neither the adopted
    text nor the final version: what it states is not the adopted Constitution's."""
    return (
        _names_any(sentence, DRAFTS)
        and not _names_any(sentence, ADOPTED)
        and not names_final(sentence)
    )


def _names_any(text: str, forms: tuple[str, ...]) -> bool:
    """Whether a word of ``text`` (folded) matches one of ``forms`` (``_form_matches``)."""
    return any(_form_matches(w, f) for w in _WORD.findall(fold(text)) for f in forms)


def _form_matches(word: str, form: str) -> bool:
    """Whether a folded word is ``form``'s: begins with it, or, for a form ending in "$",
    is that whole word."""
    return word == form[:-1] if form.endswith("$") else word.startswith(form)
