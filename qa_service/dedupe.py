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
import functools
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
ESTIMATE_FLOOR = 0.75  # see may_match


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


@functools.cache
def _permutations():
    """The hash permutations, drawn once (datasketch draws them for every MinHash)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def _minhash(values: np.ndarray | None = None):
    from datasketch import MinHash

    return MinHash(
        num_perm=NUM_PERM,
        hashfunc=int,
        hashvalues=values,
        scheme=SCHEME,
        permutations=_permutations(),
    )


def signature(key: str) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of a normalized text."""
    m = _minhash()
    m.update_batch(shingle_hashes(key).tolist())
    return np.asarray(m.hashvalues, dtype=np.uint32)


def may_match(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two signatures' estimate of the Jaccard leaves the pair worth the exact
    check. The estimate's standard deviation at 0.9 is 0.027 with 126 values, so a pair
    truly at 0.9 estimates below ``ESTIMATE_FLOOR`` with probability under 1e-7; most of
    the banding's false proposals (reports on one topic, near 0.3) stop here."""
    return float(np.mean(a == b)) >= ESTIMATE_FLOOR


@dataclass
class DedupeResult:
    kept: list[Article]
    removed: int
    # Signature of every input article, in input order (stored with the build).
    signatures: list[np.ndarray]
    id_merges: int = 0  # copies folded only because they share the kept one's id


def dedupe(
    articles: Iterable[Article], signatures: Sequence[np.ndarray | None] | None = None
) -> tuple[list[Article], int]:
    """Keep one copy of each article (the richer one), in order of first appearance."""
    result = dedupe_signed(list(articles), signatures)
    return result.kept, result.removed


def dedupe_signed(
    articles: list[Article],
    signatures: Sequence[np.ndarray | None] | None = None,
    merge_same_id: bool = True,
) -> DedupeResult:
    """``dedupe``, taking known signatures (None: compute it) and returning all of them.

    Each article is matched against the kept ones the LSH proposes, checked in the
    order they were kept (the first that passes the exact rule wins, as in a pairwise
    scan). A richer copy takes its story's place; the other outlets are listed on the
    kept copy (``Article.also_reported_by``).

    Two articles with one id (same normalized title and date) that are not near
    duplicates, such as a copy edited by more than a tenth, are one story too
    (``merge_same_id``): the id names the story everywhere (passages, the API), and two
    kept articles under one id made a build that failed its own check. The lab turns it
    off only to compare with the pairwise scan, which had no such rule.
    """
    stories = _Stories(merge_same_id)
    signed = []
    for n, article in enumerate(articles):
        known = signatures[n] if signatures is not None else None
        signed.append(stories.add(article, known))
    return DedupeResult(stories.result(), stories.removed, signed, stories.id_merges)


class _Stories:
    """The kept copy of each story so far, its signature and the other copies met."""

    def __init__(self, merge_same_id: bool = True) -> None:
        from datasketch import MinHashLSH

        self.merge_same_id = merge_same_id
        self.by_id: dict[str, int] = {}
        self.id_merges = 0
        self.lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
        self.kept: list[Article] = []
        self.keys: list[str] = []
        self.signatures: list[np.ndarray] = []
        self.others: list[list[Article]] = []
        self.removed = 0

    def add(self, article: Article, sig: np.ndarray | None) -> np.ndarray:
        key = article_key(article)
        sig = sig if sig is not None else signature(key)
        minhash = _minhash(sig)
        match = self._first_match(key, sig, minhash)
        if match is None and self.merge_same_id and article.id in self.by_id:
            match = self.by_id[article.id]
            self.id_merges += 1
        if match is None:
            self.by_id.setdefault(article.id, len(self.kept))
            self.lsh.insert(len(self.kept), minhash)
            self.kept.append(article)
            self.keys.append(key)
            self.signatures.append(sig)
            self.others.append([])
            return sig
        self.removed += 1
        # A richer copy takes the story's place, unless its id already names another kept
        # story (two kept articles under one id make a build that fails its own check).
        owner = self.by_id.get(article.id, match) if self.merge_same_id else match
        if owner == match and _richness(article) > _richness(self.kept[match]):
            # Same story, richer content: it takes the place (and the LSH entry) of the
            # copy kept so far, which becomes one of the other reports.
            self.lsh.remove(match)
            self.lsh.insert(match, minhash)
            self.others[match].append(self.kept[match])
            self.kept[match], self.keys[match], self.signatures[match] = article, key, sig
            self.by_id.setdefault(article.id, match)
        else:
            self.others[match].append(article)
        return sig

    def _first_match(self, key: str, sig: np.ndarray, minhash) -> int | None:
        proposed = [
            i for i in sorted(self.lsh.query(minhash)) if may_match(sig, self.signatures[i])
        ]
        if not proposed:
            return None
        mine = shingles(key)
        for i in proposed:
            if self.keys[i] == key or jaccard_at_least(mine, shingles(self.keys[i])):
                return i
        return None

    def result(self) -> list[Article]:
        return [_with_outlets(a, o) for a, o in zip(self.kept, self.others, strict=True)]


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
