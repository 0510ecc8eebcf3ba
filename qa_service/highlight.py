"""Which sentence(s) of a returned passage answer the question: offsets into its text.

Each sentence is scored by the embedder (cosine of its precomputed vector with the
question's, computed during ranking) plus a small bonus for the question's words it
contains, which breaks near-ties between sentences that are equally "on topic" in favour of
the one naming what was asked about. Without sentence scores (BM25-only ranking), word
overlap alone decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from .lexical import STOPWORDS, stem, words
from .passages import Passage

LEXICAL_BONUS = 0.05  # at most this much cosine for sharing every question word
TIE_MARGIN = 0.01  # a second sentence this close to the best is highlighted too
MAX_SENTENCES = 2


def _overlap(sentence: str, qstems: set[str]) -> float:
    if not qstems:
        return 0.0
    found = {stem(w) for w in words(sentence)} & qstems
    return len(found) / len(qstems)


def pick_sentences(
    passage: Passage, sentence_scores: Sequence[float], question_words: set[str]
) -> tuple[tuple[int, int], ...]:
    """(start, end) offsets into ``passage.text`` of the answering sentence(s), in order."""
    spans = passage.sentences
    if not spans:
        return ()
    qstems = {stem(w) for w in question_words if w not in STOPWORDS}
    have_dense = len(sentence_scores) == len(spans)
    scores = []
    for i, (a, b) in enumerate(spans):
        lexical = _overlap(passage.text[a:b], qstems)
        base = float(sentence_scores[i]) if have_dense else 0.0
        scores.append(base + LEXICAL_BONUS * lexical)
    best = max(scores)
    if not have_dense and best == 0.0:
        return ()
    order = sorted(range(len(spans)), key=lambda i: -scores[i])
    chosen = [i for i in order[:MAX_SENTENCES] if scores[i] >= best - TIE_MARGIN]
    return tuple(spans[i] for i in sorted(chosen))
