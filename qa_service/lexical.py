"""Lexical retrieval: tokenization for en/ru/kk, transliteration, and BM25 (``bm25s``).

The corpus is (for now) English while most questions are Kazakh or Russian, so Cyrillic
words cannot match it directly. One cheap bridge carries names and key terms across:
transliteration plus a *consonant skeleton*. ``Кошербаев`` -> ``kosherbaev`` -> ``ksrbv``
equals the skeleton of ``Kosherbayev``; Құрылтай, Курултай, Kuryltai and Kurultai all give
``krlt``; Мәжіліс, Majilis and Mazhilis give ``mjls``. A question word that is not in the
corpus vocabulary is replaced by the corpus words sharing its skeleton (keys of at least 4
consonants, words of at least 5 letters: shorter ones collide too often).

A glossary of translated domain words (Конституция -> constitution, ...) was measured
too and dropped: such words occur in nearly every passage, so bridging them only adds
BM25 noise to Russian and Kazakh questions (docs/quality.md).

How much BM25 may weigh in the hybrid then follows from ``LexicalQuery.coverage``: the share
of the question's content words that reached the corpus vocabulary (see search.py).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .english_vocab import is_english

_WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")

# Russian and Kazakh Cyrillic to the Latin spelling English-language Kazakh media use.
_TRANSLIT = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "y", "і": "i", "к": "k", "қ": "k",
    "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}  # fmt: skip

_EN_STOP = frozenset(
    "a an the of to in on at for by with from and or but not no is are was were be been "
    "being do does did has have had will would shall should can could may might must what "
    "which who whom whose when where why how that this these those it its he she they them "
    "his her their there here as about into than then so such any all each other according "
    "say said says".split()
)
_RU_STOP = frozenset(
    "и в во на с со к ко о об от до по за из у же ли ни не а но или что как какой какая "
    "какие каким каких кто когда где почему зачем сколько это этот эта эти тот та те он она "
    "они его ее её их был была были будет будут быть для при над под без только также так".split()
)
_KK_STOP = frozenset(
    "және мен бен пен не ма ме ба бе па пе ғой қандай қай қалай қашан қайда неше нешe кім "
    "кімдер не неге бұл осы сол ол олар туралы бойынша үшін деп да де та те ғана".split()
)
STOPWORDS = _EN_STOP | _RU_STOP | _KK_STOP


@functools.lru_cache(maxsize=4)
def _stemmer(language: str):
    import Stemmer

    return Stemmer.Stemmer(language)


def normalize(text: str) -> str:
    """NFKC and case folding: what every token goes through."""
    return unicodedata.normalize("NFKC", text).casefold().replace("’", "'")


def words(text: str) -> list[str]:
    """Unicode words (letters and digits, inner hyphens/apostrophes kept), normalized."""
    return _WORD_RE.findall(normalize(text))


def word_spans(text: str) -> list[tuple[int, str]]:
    """``words`` with where each starts in ``text`` (NFKC and case folding keep the offsets
    of the letters these sources use)."""
    return [(m.start(), m.group()) for m in _WORD_RE.finditer(normalize(text))]


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """English stemmer for Latin words, Russian for Cyrillic ones; Kazakh has no stemmer in
    PyStemmer, and the Russian one would mangle it, so Kazakh-only words stay whole. Cached
    (bounded): the claim check (claim.py) stems the words of sentences that questions keep
    returning."""
    if _CYRILLIC_RE.search(word):
        if any(ch in "әғқңөұүһі" for ch in word):
            return word
        return _stemmer("russian").stemWord(word)
    return _stemmer("english").stemWord(word)


def tokenize(text: str) -> list[str]:
    """Content tokens for BM25: normalized words minus stopwords, stemmed."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def transliterate(word: str) -> str:
    """Cyrillic (Russian and Kazakh letters) to Latin; other characters unchanged."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in word)


def skeleton(word: str) -> str:
    """A spelling-tolerant key: transliterated, digraphs folded, vowels and doubles dropped.

    Kosherbayev / Кошербаев -> ``kshrbv``; Kurultai / Kuryltai / Құрылтай -> ``krlt``;
    Majilis / Mazhilis / Мәжіліс -> ``mjls``.
    """
    w = transliterate(normalize(word)).replace("ı", "i")
    w = "".join(ch for ch in unicodedata.normalize("NFKD", w) if not unicodedata.combining(ch))
    for a, b in (("zh", "j"), ("kh", "h"), ("ch", "c"), ("sh", "s"), ("ts", "c"), ("q", "k")):
        w = w.replace(a, b)
    w = w.replace("x", "ks").replace("w", "v")
    w = re.sub(r"[aeiouy]", "", w)
    w = re.sub(r"[^a-z]", "", w)
    return re.sub(r"(.)\1+", r"\1", w)


def _skeleton_ok(word: str, key: str) -> bool:
    # Short keys collide too often to be evidence of the same word.
    return len(word) >= 5 and len(key) >= 4


@dataclass(frozen=True)
class LexicalQuery:
    """A question turned into BM25 tokens, with how much of it reached the corpus."""

    tokens: tuple[str, ...]
    content_words: int  # the question's content words
    matched_words: int  # of those, how many found a corpus token (directly or bridged)

    @property
    def coverage(self) -> float:
        return self.matched_words / self.content_words if self.content_words else 0.0


class BM25Index:
    """BM25 over passage texts, plus a skeleton map of the corpus vocabulary.

    Built at reindex and stored in the build (``save``: bm25s's arrays, memory-mapped by
    ``load``, and the vocabulary with its skeletons as JSON), so workers do not tokenize
    the corpus at every start. ``BM25Index(texts)`` builds one in memory.
    """

    META = "lexical.json"

    def __init__(self, texts: Sequence[str] | None = None):
        if texts is None:  # filled by ``load``
            return
        import bm25s

        self.size = len(texts)
        corpus_tokens = [tokenize(t) or ["\x00"] for t in texts]
        self.vocab: set[str] = {tok for toks in corpus_tokens for tok in toks}
        self._skeletons: dict[str, set[str]] = {}
        for text in texts:
            for w in words(text):
                key = skeleton(w)
                if w not in STOPWORDS and _skeleton_ok(w, key):
                    self._skeletons.setdefault(key, set()).add(stem(w))
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus_tokens, show_progress=False)
        self._vocab_ids = self._bm25.vocab_dict

    @staticmethod
    def passage_texts(passages, articles) -> list[str]:
        """What BM25 indexes: each passage with its article's title, since titles name the
        topic that a passage's sentences often only imply."""
        return [f"{articles[p.article_id].title}\n{p.text}" for p in passages]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder), show_progress=False)
        meta = {
            "size": self.size,
            "vocab": sorted(self.vocab),
            "skeletons": {k: sorted(v) for k, v in sorted(self._skeletons.items())},
        }
        (folder / self.META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        """A saved index, its score arrays memory-mapped (shared by the workers' page
        cache). Raises ``OSError``/``ValueError``/``KeyError`` on a damaged folder."""
        import bm25s

        meta = json.loads((folder / cls.META).read_text(encoding="utf-8"))
        self = cls()
        self.size = int(meta["size"])
        self.vocab = set(meta["vocab"])
        self._skeletons = {k: set(v) for k, v in meta["skeletons"].items()}
        self._bm25 = bm25s.BM25.load(str(folder), mmap=True, show_progress=False, verbosity=0)
        self._vocab_ids = self._bm25.vocab_dict
        return self

    def query(self, text: str) -> LexicalQuery:
        """BM25 tokens for ``text``: its words found in the corpus vocabulary as they are,
        else the corpus words sharing their skeleton (names, transliterations)."""
        tokens: list[str] = []
        content = matched = 0
        for w in words(text):
            if w in STOPWORDS:
                continue
            content += 1
            s = stem(w)
            found = [s] if s in self.vocab else []
            if not found:
                key = skeleton(w)
                if _skeleton_ok(w, key):
                    found = sorted(self._skeletons.get(key, ()))
            if found:
                matched += 1
                tokens += found
        return LexicalQuery(tuple(dict.fromkeys(tokens)), content, matched)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every passage (row order of the index) for these tokens."""
        known = [t for t in tokens if t in self._vocab_ids]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)


# --- Kazakh typed in Latin letters ----------------------------------------------------------

# The 2021 official Latin alphabet, and the ASCII habits of people typing without it.
_LATIN_KK_MARKS = set("äğñöüūışÄĞÑÖÜŪİŞ")
_LATIN_KK_WORDS = frozenset(
    "qandai qanday qai qay qalai qalay qaşan qashan neşe neshe qanşa qansha kim kimder "
    "nege ma me ba pe turaly boiynşa boyinsha boiynsha üşın ushin jäne jane zhane bolady "
    "bola".split()
)
_LATIN_TO_CYRILLIC = (
    ("şş", "щ"), ("sh", "ш"), ("ş", "ш"), ("ch", "ч"), ("ç", "ч"), ("zh", "ж"), ("kh", "х"),
    ("gh", "ғ"), ("ğ", "ғ"), ("ng", "ң"), ("ñ", "ң"), ("tsiya", "ция"), ("tsia", "ция"),
    ("ts", "ц"), ("ia", "я"), ("ya", "я"),
    ("iu", "ю"), ("yu", "ю"), ("ä", "ә"), ("ö", "ө"), ("ü", "ү"), ("ū", "ұ"), ("ı", "і"),
    ("i", "і"), ("y", "ы"), ("j", "ж"), ("q", "қ"), ("a", "а"), ("b", "б"), ("v", "в"),
    ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("k", "к"), ("l", "л"), ("m", "м"),
    ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("f", "ф"), ("h", "х"), ("w", "у"), ("c", "ц"), ("x", "кс"),
)  # fmt: skip


def looks_latin_kazakh(text: str) -> bool:
    """Kazakh written in Latin letters: no Cyrillic, and either Kazakh-only Latin letters
    or, with no English function word, Kazakh question/function words or mostly words no
    English word list has (english_vocab.py)."""
    if _CYRILLIC_RE.search(text):
        return False
    if any(ch in _LATIN_KK_MARKS for ch in text):
        return True
    found = words(text)
    kazakh = sum(1 for w in found if w in _LATIN_KK_WORDS)
    english = sum(1 for w in found if w in _EN_STOP)
    if english:
        return False
    if kazakh >= 2 or (kazakh >= 1 and len(found) >= 3):
        return True
    # No question word gives it away ("dauys beruge quqygy bar adam sany"): most of its
    # words are not English. Words of 3 letters or fewer count neither way (usd, bar, ma).
    long = [w for w in found if len(w) > 3 and w.isalpha()]
    foreign = sum(1 for w in long if not is_english(w))
    return foreign >= 2 and foreign * 2 > len(long)


def latin_kazakh_to_cyrillic(text: str) -> str:
    """Kazakh Latin (official or ASCII habits) -> Cyrillic, word by word, case kept per
    word's first letter. Approximate (Latin ``i`` is і or и, ``y`` ы or й), which the
    embedder tolerates far better than Latin-script Kazakh it has rarely seen."""
    return _word_by_word(text, _kazakh_word, _KK_SPLIT)


def _kazakh_word(low: str) -> str:
    if low in _LATIN_WORDS:
        return _LATIN_WORDS[low]
    converted = []
    i = 0
    while i < len(low):
        cyr, i = _table_letter(low, i, _LATIN_TO_CYRILLIC)
        converted.append(cyr)
    return _kazakh_spelling("".join(converted))


_KK_SPLIT = re.compile(r"(\W+)")
_RU_SPLIT = re.compile(r"([^\w'’]+)")  # an apostrophe typed for ь stays in its word


def _word_by_word(
    text: str, convert: Callable[[str], str], split: re.Pattern, upper: bool = False
) -> str:
    """``text`` with each word (``split`` keeps what lies between) read by ``convert``
    from its lower case; its first letter's case kept, and an all-capital word's
    (``upper``: "CRK" -> ЦРК)."""
    out = []
    for token in split.split(text):
        if not token or not token[0].isalpha():
            out.append(token)
            continue
        word = convert(token.lower())
        if upper and len(token) > 1 and token.isupper():
            word = word.upper()
        out.append(word[:1].upper() + word[1:] if token[0].isupper() else word)
    return "".join(out)


def _table_letter(low: str, i: int, table: Sequence[tuple[str, str]]) -> tuple[str, int]:
    """The Cyrillic for the longest of ``table``'s Latin spellings at ``low[i]`` (the
    letter itself where none is), and where the next one starts."""
    for latin, cyr in table:
        if low.startswith(latin, i):
            return cyr, i + len(latin)
    return low[i], i + 1


# --- Russian typed in Latin letters -----------------------------------------------------------

# Russian question and function words as people type them without a Cyrillic keyboard
# ("kogda referendum", "skolko deputatov v kurultae"). Words Kazakh or English share are
# left out ("ne", "da", "ta"; "do", "no", "to", "a", "i" count for neither language).
_LATIN_RU_WORDS = frozenset(
    "kto chto shto kogda gde skolko skolki skolka kakoi kakoy kakoj kakaya kakaia kakoe "
    "kakie kakih kakikh kakim kakuyu kakuiu kakogo kakom pochemu zachem kak kuda otkuda "
    "li mozhno nuzhno nado budet budut byl byla bylo byli eto etot eta eti dlya dlia ili "
    "net uzhe teper seichas seychas sejchas posle cherez mezhdu na po pri pro iz ob bez vo "
    "so ot za".split()
)
_SHARED_LATIN = frozenset("a i o u v s k do no so to".split())
_LATIN_RU_TO_CYRILLIC = (
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"),
    ("sh", "ш"), ("yo", "е"), ("jo", "е"), ("yu", "ю"), ("ju", "ю"), ("ya", "я"),
    ("ja", "я"), ("ye", "е"), ("'", "ь"), ("’", "ь"), ("j", "й"), ("e", "е"), ("h", "х"),
    ("c", "ц"), ("w", "в"), ("x", "кс"), ("q", "к"), ("a", "а"), ("b", "б"), ("v", "в"),
    ("g", "г"), ("d", "д"), ("z", "з"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"),
)  # fmt: skip
_LATIN_RU_WHOLE = {
    "eto": "это", "etot": "этот", "eta": "эта", "eti": "эти", "etom": "этом",
    "etogo": "этого", "etu": "эту", "shto": "что",
}  # fmt: skip
_LATIN_VOWELS = frozenset("aeiouy")


def looks_latin_russian(text: str) -> bool:
    """Russian written in Latin letters: no Cyrillic, no letter only Kazakh's Latin
    alphabet has, no English function word, and more Russian question or function words
    ("kogda", "skolko", "na", "po") than Kazakh ones; one is enough in a question of two
    words or more ("kogda referendum")."""
    if _CYRILLIC_RE.search(text) or any(ch in _LATIN_KK_MARKS for ch in text):
        return False
    found = words(text)
    if any(w in _EN_STOP and w not in _SHARED_LATIN for w in found):
        return False
    russian = sum(1 for w in found if w in _LATIN_RU_WORDS)
    kazakh = sum(1 for w in found if w in _LATIN_KK_WORDS)
    return russian > kazakh and len(found) >= 2


def latin_russian_to_cyrillic(text: str) -> str:
    """Russian typed in Latin (the informal habits: "zh", "kh", "ts", "ya"/"ia", "y" for
    ы and й) -> Cyrillic, word by word, case kept per word's first letter. Approximate
    (a soft sign only where Russian spelling has no form without one, ``_SOFT_SIGNS``),
    which the embedder tolerates far better than Latin-script Russian: ``y`` and ``i``
    after a vowel, before a consonant or at the word's end, are й ("novoi", "kakoy",
    "pervyi", "dney"; "konstitucii" keeps ии);
    ``ia``/``iu`` are ия/ию ending a word after a consonant ("komissia"), else я/ю
    ("novaia", "sentiabria")."""
    return _word_by_word(text, _russian_word, _RU_SPLIT, upper=True)


def _russian_word(low: str) -> str:
    if low in _LATIN_RU_WHOLE:
        return _LATIN_RU_WHOLE[low]
    return _russian_soft_signs("".join(_latin_russian_letters(low)))


# Soft signs people leave out when typing Russian in Latin letters, where Russian spelling
# has no form without one: "-тельн-" ("okonchatelnom", "nedeistvitelnyh"), "-льк-" and
# "-льш-" ("skolko", "tolko", "bolshe", "menshe"), a noun's final "-ость" ("dolzhnost"),
# an infinitive's "-овать"/"-евать"/"-ивать"/"-ывать" ("progolosovat"). The checks'
# patterns are written for the spelling ("окончательн", "сколько", "меньше").
_SOFT_SIGNS = (
    (re.compile(r"тел(?=н)"), "тель"),
    (re.compile(r"(?<=о)л(?=к[оиу])"), "ль"),
    (re.compile(r"(?<=[оеи])л(?=ш)"), "ль"),
    (re.compile(r"(?<=ме)н(?=ш)"), "нь"),
    (re.compile(r"(?<=н)ост$"), "ость"),
    (re.compile(r"(?<=[оеиы]ва)т$"), "ть"),
)


def _russian_soft_signs(word: str) -> str:
    for pattern, spelt in _SOFT_SIGNS:
        word = pattern.sub(spelt, word)
    return word


def _latin_russian_letters(low: str) -> list[str]:
    letters: list[str] = []
    i = 0
    while i < len(low):
        ch = low[i]
        after_vowel = i > 0 and low[i - 1] in _LATIN_VOWELS
        nxt = low[i + 1] if i + 1 < len(low) else ""
        if ch == "i" and nxt in ("a", "u"):
            # A noun's ending after a consonant ("komissia", "partiu"): ия, ию; elsewhere
            # я, ю as the passports spell them ("sentiabria", "predsedatelia").
            final = i + 2 == len(low) and i > 0 and not after_vowel and low[i - 1] != "l"
            letters.append(
                ("ия" if nxt == "a" else "ию") if final else ("я" if nxt == "a" else "ю")
            )
            i += 2
            continue
        if (
            ch in ("y", "i")
            and after_vowel
            and not (ch == "i" and low[i - 1] == "i")  # "konstitucii": ии
            and (not nxt or nxt not in _LATIN_VOWELS)
        ):
            letters.append("й")
            i += 1
            continue
        if ch == "y" and not (nxt and low.startswith(("yo", "yu", "ya", "ye"), i)):
            letters.append("ы")
            i += 1
            continue
        if ch == "i":
            letters.append("и")
            i += 1
            continue
        cyr, i = _table_letter(low, i, _LATIN_RU_TO_CYRILLIC)
        letters.append(cyr)
    return letters


# Whole words a letter-by-letter reading gets wrong: "ia" is иә (yes), not я; "turaly" is a
# loan's mixed vowels; "saat" is сағат as it is said.
_LATIN_WORDS = {"ia": "иә", "iä": "иә", "ie": "иә", "turaly": "туралы", "saat": "сағат"}
_KK_VOWELS = frozenset("аәеиоөұүыіуэюя")


def _kazakh_spelling(word: str) -> str:
    """Rules of Kazakh spelling a letter-by-letter reading misses: Latin ``i`` after a
    vowel is й ("sailau" -> сайлау, "Quryltai" -> Құрылтай, "tagaiyndau" -> тағайындау);
    then vowel harmony (``_vowel_harmony``). A ``u`` past the first vowel stays у ("kezdesu"
    keeps у, "deputat" too), which the glossary's folding reads as у, ұ or ү."""
    letters = list(word)
    for k in range(1, len(letters)):
        if letters[k] == "і" and letters[k - 1] in _KK_VOWELS:
            letters[k] = "й"
    return _vowel_harmony("".join(letters))


_BACK_ONLY = frozenset("ыұқғ")  # letters only back-vowel (native) words have
_FRONT = frozenset("еіәөү")
_BACK = frozenset("аыұқғя")
_FRONT_OF = {"о": "ө", "у": "ү"}
_BACK_OF = {"у": "ұ"}
_HARD = str.maketrans("кг", "қғ")


def _vowel_harmony(word: str) -> str:
    """Kazakh vowel harmony, where ASCII typing loses it: a native word's vowels are all
    back or all front. A word with only front vowels reads its first ``o``/``u`` as ө/ү
    ("otedi" -> өтеді, "kuni" -> күні); a word with a letter only native back words have
    (ы, қ, ғ) and no front vowel reads its ``k``/``g`` as қ/ғ and its first ``u`` as ұ
    ("quqygy" -> құқығы, "tagaiyndaidy" -> тағайындайды, "usynys" -> ұсыныс). Mixed words
    are loans with Kazakh endings ("deputattary", "uchaskeler") and stay as read; so does
    a back word with no native marker ("bank"). ө and ү are first-syllable vowels, hence
    the first vowel only."""
    vowels = [k for k, ch in enumerate(word) if ch in _KK_VOWELS]
    if not vowels:
        return word
    first = vowels[0]
    letters = set(word)
    if letters & _FRONT and not letters & _BACK:
        swap = _FRONT_OF
    elif letters & _BACK_ONLY and not letters & _FRONT:
        swap = _BACK_OF
        word = word.translate(_HARD)
    else:
        return word
    ch = word[first]
    return word[:first] + swap.get(ch, ch) + word[first + 1 :]
