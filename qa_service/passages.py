"""``Article`` -> ``Passage``: sentence windows with offsets into the article body.

Sentences come from pysbd (rule-based, with English, Russian and Kazakh rules for
abbreviations, initials and quotes). One repair runs after it: page dumps often glue
sentences together ("in the country.In his remarks"), which no splitter treats as a
boundary. Ingestion now spaces them (``text.space_glued_sentences``, in corpus.py), and
the same cuts (``text.glued_cuts``) still split any that reach here. Windows hold whole
sentences, about ``min_words``..``max_words`` words, and repeat one sentence of the
previous window so that an answer on a boundary is whole in at least one passage.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .corpus import Article
from .text import QUOTES, dedupe_key, glued_cuts, short_hash, word_count

MIN_WORDS = 40
MAX_WORDS = 120
TARGET_WORDS = 80

_QUOTE_MASK_RE = re.compile(f"[{re.escape(QUOTES)}]")


@dataclass(frozen=True)
class Passage:
    """A window of whole sentences. ``article.body[start:end] == text``; ``sentences`` are
    (start, end) offsets into ``text``, used to highlight the answering one."""

    id: str
    article_id: str
    ordinal: int
    text: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]

    @functools.cached_property
    def sentence_texts(self) -> tuple[str, ...]:
        """Its sentences' texts, in order: the same string objects every time they are
        read, so the stages' caches keyed by a sentence (its stems, values, places, answer
        type) hash each once, not once per slice (made when a stage first reads the
        passage)."""
        return tuple(self.text[a:b] for a, b in self.sentences)

    def sentence_text(self, span: tuple[int, int]) -> str:
        """The text of the sentence at ``span`` (one of ``sentences``: the kept string;
        any other span is cut from ``text``)."""
        found = self._text_of_span.get(span)
        return found if found is not None else self.text[span[0] : span[1]]

    @functools.cached_property
    def _text_of_span(self) -> dict[tuple[int, int], str]:
        return dict(zip(self.sentences, self.sentence_texts, strict=True))

    @property
    def content_hash(self) -> str:
        """What the embedding depends on: equal text gives an equal vector."""
        return short_hash(self.text, length=24)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "ordinal": self.ordinal,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "sentences": [list(s) for s in self.sentences],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Passage:
        return cls(
            id=data["id"],
            article_id=data["article_id"],
            ordinal=data["ordinal"],
            text=data["text"],
            start=data["start"],
            end=data["end"],
            sentences=tuple((int(a), int(b)) for a, b in data["sentences"]),
        )


@functools.lru_cache(maxsize=8)
def _segmenter(lang: str):
    import pysbd

    return pysbd.Segmenter(language=lang if lang in {"en", "ru", "kk"} else "en", clean=False)


def sentence_spans(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, trimmed of surrounding whitespace.

    pysbd keeps a quoted speech of several sentences as one sentence, which is too coarse
    to highlight an answer; so it runs on a copy with quotation marks blanked out (same
    length, so offsets carry over), and each span then takes back a quote mark it touches.
    """
    masked = _QUOTE_MASK_RE.sub(" ", text)
    spans: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+", masked):
        para = paragraph.group()
        if not para.strip():
            continue
        base = paragraph.start()
        local = 0
        for sent in _segmenter(lang).segment(para):
            piece = sent.strip()
            if not piece:
                continue
            at = para.find(piece, local)
            if at < 0:  # pysbd changed the text; fall back to the rest of the paragraph
                at, piece = local, para[local:].strip()
            local = at + len(piece)
            spans.extend(_split_glued(base + at, base + at + len(piece), text))
    return [_with_quotes(a, b, text) for a, b in spans]


def _with_quotes(start: int, end: int, text: str) -> tuple[int, int]:
    while start > 0 and text[start - 1] in QUOTES:
        start -= 1
    # A quote right after the end closes this sentence unless a word follows it at once,
    # in which case it opens the next one ("the law.“The reform").
    while end < len(text) and text[end] in QUOTES:
        if end + 1 < len(text) and text[end + 1].isalnum():
            break
        end += 1
    return start, end


def _split_glued(start: int, end: int, text: str) -> Iterable[tuple[int, int]]:
    piece = text[start:end]
    last = 0
    for cut in glued_cuts(piece):
        yield start + last, start + cut
        last = cut
    yield start + last, end


def _windows(spans: list[tuple[int, int]], text: str) -> list[list[int]]:
    """Group sentence indexes into windows of about TARGET_WORDS, one sentence of overlap."""
    words = [word_count(text[a:b]) for a, b in spans]
    windows: list[list[int]] = []
    i = 0
    n = len(spans)
    while i < n:
        window = [i]
        total = words[i]
        j = i + 1
        while j < n and total < TARGET_WORDS and total + words[j] <= MAX_WORDS:
            window.append(j)
            total += words[j]
            j += 1
        if j >= n:
            windows.append(window)
            break
        windows.append(window)
        # The next window repeats this one's last sentence, unless the sentence after it
        # is too long to share a window with it: then the overlap would be a window of
        # its own, a copy of text already indexed.
        last = window[-1]
        overlap_fits = len(window) > 1 and words[last] + words[last + 1] <= MAX_WORDS
        i = last if overlap_fits else last + 1
    # A short tail is merged into the previous window when it fits.
    if len(windows) > 1:
        tail = windows[-1]
        tail_words = sum(words[k] for k in tail)
        prev_words = sum(words[k] for k in windows[-2])
        extra = [k for k in tail if k not in windows[-2]]
        if tail_words < MIN_WORDS and prev_words + sum(words[k] for k in extra) <= MAX_WORDS:
            windows[-2] = windows[-2] + extra
            windows.pop()
    return windows


def split_article(article: Article) -> list[Passage]:
    """Cut one article into passages; ids depend on the article id and the text only."""
    body = article.body
    spans = sentence_spans(body, article.lang)
    passages = []
    seen: set[str] = set()
    for ordinal, window in enumerate(_windows(spans, body)):
        start, end = spans[window[0]][0], spans[window[-1]][1]
        text = body[start:end]
        pid = "p-" + short_hash(article.id, dedupe_key(text), length=14)
        if pid in seen:  # identical repeated text inside one article
            continue
        seen.add(pid)
        sentences = tuple((spans[k][0] - start, spans[k][1] - start) for k in window)
        passages.append(
            Passage(
                id=pid,
                article_id=article.id,
                ordinal=ordinal,
                text=text,
                start=start,
                end=end,
                sentences=sentences,
            )
        )
    return passages


def split_corpus(articles: Iterable[Article]) -> list[Passage]:
    return [p for article in articles for p in split_article(article)]


def sentence_texts(passages: Sequence[Passage]) -> list[str]:
    """Every passage's sentences in order: the rows of a build's sentence vector matrix."""
    return [p.text[a:b] for p in passages for a, b in p.sentences]


def sentence_offsets(passages: Sequence[Passage]) -> np.ndarray:
    """Row ``offsets[i]`` of the sentence matrix is passage i's first sentence; the last
    entry is the row count."""
    counts = [len(p.sentences) for p in passages]
    return np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]).astype(np.int64)


def sentence_key(text: str) -> str:
    """What a sentence vector depends on: equal text gives an equal vector (reuse key)."""
    return short_hash(text, length=24)
