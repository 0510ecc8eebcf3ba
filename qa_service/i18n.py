"""Interface languages: message catalogs from ``web/i18n/<lang>.json`` and language choice.

Plain JSON catalogs (one file per language, the same keys in each) keep translation work
in files a translator can edit without tooling; ``Catalogs.load`` refuses a catalog that
lacks a key another one has, so a missing string is a startup error, never an empty label.

Language choice, in order: an explicit ``?lang=`` (kk, ru or en), then the browser's
``Accept-Language``, then Kazakh, the state language (``DEFAULT_LANG``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from werkzeug.datastructures import LanguageAccept

from .validate import LANGS

DEFAULT_LANG = "kk"
# Endonyms: each language is offered in its own name, whatever the page's language.
LANG_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
# Tags browsers or people send for these languages besides the standard ones.
_ALIASES = {"kz": "kk"}


class CatalogError(ValueError):
    """A catalog file is missing, unreadable, or lacks keys the others have."""


@dataclass(frozen=True)
class Catalogs:
    """Every language's messages. ``text`` formats one; ``strings`` hands all to the browser."""

    messages: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, directory: Path) -> Catalogs:
        messages: dict[str, dict[str, Any]] = {}
        for lang in LANGS:
            path = Path(directory) / f"{lang}.json"
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise CatalogError(f"{path}: catalog missing") from None
            except json.JSONDecodeError as exc:
                raise CatalogError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
            if not isinstance(data, dict):
                raise CatalogError(f"{path}: a catalog is a JSON object of key -> text")
            messages[lang] = data
        every = set().union(*(m.keys() for m in messages.values()))
        for lang, data in messages.items():
            missing = sorted(every - data.keys())
            if missing:
                raise CatalogError(f"{directory}/{lang}.json: missing keys {', '.join(missing)}")
        return cls(messages)

    def get(self, lang: str, key: str) -> Any:
        return self.messages[lang][key]

    def text(self, lang: str, key: str, **values: Any) -> str:
        """The message ``key`` in ``lang`` with ``{name}`` placeholders filled in.

        A message that depends on a count is an object of CLDR plural categories
        (``{"one": ..., "few": ..., "many": ..., "other": ...}``): the form is chosen by
        ``n`` with the language's plural rule (``plural_category``), so Russian reads
        "2 фрагмента" and "5 фрагментов"; ``other`` stands in for a missing category.
        """
        template = self.messages[lang][key]
        if isinstance(template, dict) and "other" in template:
            template = template.get(plural_category(lang, values.get("n", 0)), template["other"])
        return template.format(**values) if values else template

    def strings(self, lang: str) -> dict[str, Any]:
        """All of one language's messages (the page's script renders results with them)."""
        return dict(self.messages[lang])

    def format_date(self, lang: str, iso: str) -> str:
        """``2026-02-14`` -> "14 February 2026" / "14 февраля 2026 г." / "2026 жылғы 14 ақпан".

        Anything that is not a yyyy-mm-dd date is shown as given rather than hidden.
        """
        parts = iso.split("-") if isinstance(iso, str) else []
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return str(iso)
        year, month, day = (int(p) for p in parts)
        if not 1 <= month <= 12:
            return iso
        months = self.messages[lang]["months"]
        return self.messages[lang]["date_format"].format(
            day=day, month=months[month - 1], year=year
        )


@functools.cache
def _plural_rule(lang: str) -> Callable[[float], str]:
    return Locale.parse(lang).plural_form


def plural_category(lang: str, n: float) -> str:
    """CLDR's plural category of ``n`` in ``lang``: ``one``, ``few``, ``many`` or ``other``
    (Russian has all four; Kazakh and English ``one`` and ``other``)."""
    return _plural_rule(lang)(n)


def negotiate(requested: str | None, accept: LanguageAccept | None) -> str:
    """The interface language for a request: ``?lang=``, then Accept-Language, then kk."""
    if requested:
        requested = _ALIASES.get(requested.lower(), requested.lower())
        if requested in LANGS:
            return requested
    if accept:
        best = accept.best_match(LANGS)
        if best:
            return best
        for value, _quality in accept:  # "kz-KZ" and friends, in the client's order
            primary = value.split("-")[0].lower()
            if _ALIASES.get(primary) in LANGS:
                return _ALIASES[primary]
    return DEFAULT_LANG
