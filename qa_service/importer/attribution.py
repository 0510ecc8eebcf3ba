"""Whose article a fetched page may claim to be: only its own host's.

A page says where it belongs (``<link rel=canonical>``, ``og:url``, JSON-LD) and whose it
is (``og:site_name``, the publisher). The importer files the article under that address
and outlet, so a page that claims another host's address would overwrite that article's
file with its own text, and one naming a known outlet would forge its attribution
(issue 21, row 3). A wrong attribution is worse than none, so for a page fetched from the
web:

- a canonical address on another host than the one that served the page (after
  redirects; ``www.`` aside) is not taken: the article keeps the address it was fetched
  from, and the claim is written as ``canonical_claimed`` for a maintainer to judge;
- a site name that is another host's domain (``egemen.kz`` served by ``evil.example``), or
  the name of an outlet whose articles in the corpus all come from other hosts, is not
  taken either: the outlet is the serving host, and the claim is ``outlet_claimed``.

A saved page (a file the maintainer chose) keeps what it says.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Set
from urllib.parse import urldefrag, urlsplit

from courlan import normalize_url

from .extract import ExtractedArticle

_DOMAIN_RE = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}")


def site_of(url: str | None) -> str:
    """The host a URL names, lower case, without ``www.`` ('' when none)."""
    if not url:
        return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def outlet_key(name: str) -> str:
    """A form under which two spellings of one outlet name match."""
    return " ".join(name.casefold().split())


def vet(
    article: ExtractedArticle, fetched_url: str | None, outlet_sites: Mapping[str, Set[str]]
) -> ExtractedArticle:
    """``article`` with the claims its serving host may not make replaced; see the module
    doc. ``outlet_sites``: for each outlet in the corpus, the hosts its articles are on."""
    served_by = site_of(fetched_url)
    if not served_by:
        return article
    changes: dict = {}
    if article.url and site_of(article.url) != served_by:
        changes["url"] = _normalized(str(fetched_url))
        changes["canonical_claimed"] = article.url
    if _claims_another_site(article.outlet, served_by, outlet_sites):
        changes["outlet"] = served_by
        changes["outlet_claimed"] = article.outlet
    return dataclasses.replace(article, **changes) if changes else article


def _claims_another_site(outlet: str, served_by: str, outlet_sites: Mapping[str, Set[str]]) -> bool:
    name = outlet.strip().lower()
    if _DOMAIN_RE.fullmatch(name) and name.removeprefix("www.") != served_by:
        return True
    known = outlet_sites.get(outlet_key(outlet))
    return bool(known) and served_by not in known


def _normalized(url: str) -> str:
    try:
        return urldefrag(normalize_url(url))[0]
    except ValueError:
        return url
