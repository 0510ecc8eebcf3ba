"""Which sentence(s) of a returned passage answer the question: offsets into its text.

Each sentence is scored by the embedder (cosine of its precomputed vector with the
question's, computed during ranking) plus two small bonuses that break near-ties between
sentences equally "on topic": one for the question's words it contains (the BM25 tokens,
so names a Kazakh or Russian question bridged into English count), and one for holding
the answer type the question asks for ("how many" -> a number, "when" -> a time; see
answer_type.py). Without sentence scores (BM25-only ranking), the bonuses alone decide.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from .answer import Hit
from .answer_type import type_check
from .index import LoadedIndex
from .lexical import stem, words
from .passages import Passage
from .retrieval.base import Ranking

LEXICAL_BONUS = 0.03  # at most this much cosine for sharing every question word
TYPE_BONUS = 0.05  # for holding the answer type the question asks for
TIE_MARGIN = 0.01  # a second sentence this close to the best is highlighted too
MAX_SENTENCES = 2


@functools.lru_cache(maxsize=65536)
def _stems(sentence: str) -> frozenset[str]:
    """A sentence's word stems; cached, since the same sentences come back request after
    request."""
    return frozenset(stem(w) for w in words(sentence))


def _overlap(sentence: str, qstems: set[str]) -> float:
    """Share of the question's tokens found in the sentence."""
    if not qstems:
        return 0.0
    return len(_stems(sentence) & qstems) / len(qstems)


def pick_sentences(
    passage: Passage,
    sentence_scores: Sequence[float],
    question_stems: set[str],
    answers_type: Callable[[str], bool] | None = None,
) -> tuple[tuple[int, int], ...]:
    """(start, end) offsets into ``passage.text`` of the answering sentence(s), in order.

    ``question_stems``: the question's BM25 tokens; ``answers_type(sentence)``: whether a
    sentence holds the answer type the question asks for (None: it asks for none)."""
    spans = passage.sentences
    if not spans:
        return ()
    have_dense = len(sentence_scores) == len(spans)
    scores = []
    for i, text in enumerate(passage.sentence_texts):
        score = float(sentence_scores[i]) if have_dense else 0.0
        score += LEXICAL_BONUS * _overlap(text, question_stems)
        if answers_type is not None and answers_type(text):
            score += TYPE_BONUS
        scores.append(score)
    best = max(scores)
    if not have_dense and best == 0.0:
        return ()
    order = sorted(range(len(spans)), key=scores.__getitem__, reverse=True)  # stable
    chosen = [i for i in order[:MAX_SENTENCES] if scores[i] >= best - TIE_MARGIN]
    return tuple(spans[i] for i in sorted(chosen))


def highlight_hits(
    index: LoadedIndex,
    fused: Ranking,
    dense: Ranking | None,
    question: str,
    tokens: Sequence[str],
    count: int,
) -> list[Hit]:
    """The first ``count`` rows of ``fused`` as attributed hits, each with its answering
    sentence(s) marked. ``dense`` gives the sentences' cosines (None: bonuses only);
    ``question`` is read for the answer type, ``tokens`` are its BM25 tokens."""
    sentences = dense.detail.get("sentences", {}) if dense is not None else {}
    check = type_check(question)
    stems = set(tokens)
    hits = []
    for row, score in zip(fused.rows[:count], fused.scores[:count], strict=True):
        passage = index.passages[row]
        article = index.articles[passage.article_id]
        cosines = sentences.get(row)
        scores = tuple(cosines.tolist()) if cosines is not None else ()
        spans = pick_sentences(passage, scores, stems, check)
        hits.append(Hit(len(hits) + 1, score, passage, article, spans))
    return hits
