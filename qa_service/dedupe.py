"""Near-duplicate articles: one story kept once, its other outlets listed on it.

Two copies of an article (a syndicated report, a page saved twice, a copy whose quotes a
CMS stripped) are the same story when the character 5-gram shingles of their normalized
texts (``text.dedupe_key``) have a Jaccard similarity of at least ``THRESHOLD``. That rule
catches small edits while two reports on the same topic stay far below it.

Comparing every article with every kept one grows with the square of the corpus (10,000
articles: about a day, re-shingling both texts at each comparison). Instead each article
gets a MinHash signature once (``signature``; a build stores them, so an unchanged article
is never shingled again) and locality-sensitive hashing (datasketch's ``MinHashLSH``)
proposes the few kept articles that may be that close. Each proposal is then checked with
the exact Jaccard of the two shingle sets, so a decision is the pairwise rule's own: the
banding only decides which pairs are looked at. With 21 bands of 6 rows, a pair at
Jaccard 0.9 is missed with probability below 1e-6 (0.85: 1e-4), and a pair at 0.3 is
proposed (then rejected) about 1.5% of the time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .article import Article, OtherOutlet
from .text import dedupe_key

THRESHOLD = 0.9
SHINGLE = 5
NUM_PERM = 126
BANDS, ROWS = 21, 6  # NUM_PERM == BANDS * ROWS
SEED = 1  # fixed, like the scheme: stored signatures must stay comparable across builds
SCHEME = "affine32"
_MASK32 = np.uint64(0xFFFFFFFF)


def article_key(article: Article) -> str:
    """What two copies of an article are compared on: title and body, normalized."""
    return dedupe_key(article.title + "\n" + article.body)


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    return {text[i : i + size] for i in range(max(1, len(text) - size + 1))}


def near_duplicate(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    """Jaccard similarity of character 5-gram shingles of two normalized texts."""
    return jaccard_at_least(shingles(a), shingles(b), threshold)


def jaccard_at_least(sa: set[str], sb: set[str], threshold: float = THRESHOLD) -> bool:
    if not sa or not sb:
        return False
    # Cheap length bound first: Jaccard cannot exceed min/max of the set sizes.
    if min(len(sa), len(sb)) / max(len(sa), len(sb)) < threshold:
        return False
    return len(sa & sb) / len(sa | sb) >= threshold


def shingle_hashes(text: str, size: int = SHINGLE) -> np.ndarray:
    """The distinct 32-bit hashes of ``text``'s shingles, computed with numpy (a Python
    loop over 3,000 shingles an article would be most of the cost)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < size:
        codes = np.concatenate([codes, np.zeros(size - len(codes), dtype=np.uint64)])
    count = len(codes) - size + 1
    h = np.zeros(count, dtype=np.uint64)
    for j in range(size):
        # FNV-style mixing; uint64 arithmetic wraps around, which is what a hash wants.
        h = (h ^ codes[j : j + count]) * np.uint64(1099511628211)
    return np.unique((h ^ (h >> np.uint64(29))) & _MASK32)


def signature(key: str) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of a normalized text."""
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme=SCHEME)
    m.update_batch(shingle_hashes(key).tolist())
    return np.asarray(m.hashvalues, dtype=np.uint32)


def _minhash(values: np.ndarray):
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, hashvalues=values, scheme=SCHEME)


@dataclass
class DedupeResult:
    kept: list[Article]
    removed: int
    # Signature of every input article, in input order (stored with the build).
    signatures: list[np.ndarray]


def dedupe(
    articles: Iterable[Article], signatures: Sequence[np.ndarray | None] | None = None
) -> tuple[list[Article], int]:
    """Keep one copy of each article (the richer one), in order of first appearance."""
    result = dedupe_signed(list(articles), signatures)
    return result.kept, result.removed


def dedupe_signed(
    articles: list[Article], signatures: Sequence[np.ndarray | None] | None = None
) -> DedupeResult:
    """``dedupe``, taking known signatures (None: compute it) and returning all of them.

    Each article is matched against the kept ones the LSH proposes, checked in the
    order they were kept (the first that passes the exact rule wins, as in a pairwise
    scan). A richer copy takes its story's place; the other outlets are listed on the
    kept copy (``Article.also_reported_by``).
    """
    from datasketch import MinHashLSH

    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
    kept: list[Article] = []
    keys: list[str] = []
    others: list[list[Article]] = []
    signed: list[np.ndarray] = []
    removed = 0
    for n, article in enumerate(articles):
        key = article_key(article)
        known = signatures[n] if signatures is not None else None
        sig = known if known is not None else signature(key)
        signed.append(sig)
        minhash = _minhash(sig)
        match = _first_match(key, sorted(lsh.query(minhash)), keys)
        if match is None:
            lsh.insert(len(kept), minhash)
            kept.append(article)
            keys.append(key)
            others.append([])
            continue
        removed += 1
        if _richness(article) > _richness(kept[match]):
            # Same story, richer content: it takes the place (and the LSH entry) of the
            # copy kept so far, which becomes one of the other reports.
            lsh.remove(match)
            lsh.insert(match, minhash)
            others[match].append(kept[match])
            kept[match], keys[match] = article, key
        else:
            others[match].append(article)
    return DedupeResult(
        [_with_outlets(a, o) for a, o in zip(kept, others, strict=True)], removed, signed
    )


def _first_match(key: str, candidates: list[int], keys: list[str]) -> int | None:
    if not candidates:
        return None
    mine = shingles(key)
    for i in candidates:
        if keys[i] == key or jaccard_at_least(mine, shingles(keys[i])):
            return i
    return None


def _richness(article: Article) -> tuple[int, int]:
    """Prefer the copy that kept more: its quotes and punctuation, then a source link."""
    return (len(article.body), article.url is not None)


def _with_outlets(article: Article, copies: list[Article]) -> Article:
    """The kept copy, listing the other outlets that carried the story (once each, in
    the order met; its own outlet never)."""
    seen = {article.outlet}
    listed = []
    for copy in copies:
        if copy.outlet not in seen:
            seen.add(copy.outlet)
            listed.append(OtherOutlet(copy.outlet, copy.url))
    if not listed:
        return article
    return dataclasses.replace(article, also_reported_by=tuple(listed))
