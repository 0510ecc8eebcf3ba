"""What a client may send, checked in one place: the API, the page, the widget, feedback
(JSON and form), the CLI's `ask` and the OpenAPI description all use these rules.

- Text is normalized first (``text.clean_query``: NFKC, control characters and bidi
  controls removed, spaces collapsed) and measured after: NFKC can make a text 18 times
  longer (U+FDFA), so a cap on the raw text would bound nothing.
- Numbers are read from ASCII digits only, a few of them: ``²`` and ``①`` pass
  ``str.isdigit`` but not ``int()``, and 4,400 digits pass neither Python's digit limit
  nor any sense.
- A string holding a lone surrogate (JSON ``"\\ud800"``) is refused: it cannot be
  encoded, stored or logged.
- Identifiers (passage ids, build ids) have a strict ASCII alphabet, so a CR/LF or a
  bidi override never reaches a header, a redirect or an export.
- A JSON body is decoded as UTF-8, nests at most a few levels and holds no number of
  absurd length; anything else is a 400, never a ``RecursionError``.

Every failure is a ``ValidationError`` whose message says what to change; callers turn it
into a 400 problem+json, a page in the reader's language or a ``ClickException``.
Nothing here imports Flask.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .config import Settings
from .text import clean_query

# The interface and answer languages, the one list everything imports.
LANGS = ("kk", "ru", "en")
# Passage ids are `p-` + 14 hex digits, build ids 31 characters: 100 is plenty.
MAX_ID_CHARS = 100
ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:-]*$"
_ID_RE = re.compile(ID_PATTERN)
# Request bodies are objects of scalars (depth 1); a little room, never a recursion.
MAX_JSON_DEPTH = 8
MAX_NUMBER_DIGITS = 20
# At least one character that survives cleaning (not a space, a control or a bidi
# control): the OpenAPI pattern for a question, mirroring text.clean_query.
QUESTION_PATTERN = (
    "[^\\s\\x00-\\x1f\\x7f-\\x9f\\u200b-\\u200f\\u2028\\u2029\\ufeff"
    "\\u061c\\u202a-\\u202e\\u2066-\\u2069]"
)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_K_RE = re.compile(r"\s*\+?([0-9]{1,4})\s*")
# The characters that matter to nesting: brackets, and the quotes and backslashes that say
# whether a bracket is inside a string.
_JSON_TOKEN_RE = re.compile(r'[\[\]{}"\\]')

ASK_FIELDS = ("q", "k", "lang")
FEEDBACK_FIELDS = ("q", "passage_id", "helpful", "lang", "index_version")


# What a refusal was about, for callers that word it themselves (the page says it in the
# reader's language from the code, without checking the input again).
REQUIRED, BLANK, TOO_LONG, INVALID = "required", "blank", "too_long", "invalid"
CODES = (REQUIRED, BLANK, TOO_LONG, INVALID)


class ValidationError(ValueError):
    """Input that is refused; ``str()`` says what to change. ``status`` is 400 or 413;
    ``code`` (one of ``CODES``) names the rule that refused it."""

    def __init__(self, detail: str, status: int = 400, code: str = INVALID):
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Caps:
    """The limits a request is held to, from the settings."""

    max_query_chars: int
    max_query_tokens: int
    max_k: int
    default_k: int
    max_id_chars: int = MAX_ID_CHARS

    @classmethod
    def of(cls, settings: Settings) -> Caps:
        return cls(
            max_query_chars=settings.max_query_chars,
            max_query_tokens=settings.max_query_tokens,
            max_k=settings.max_k,
            default_k=settings.default_k,
        )


@dataclass(frozen=True)
class AskInput:
    """A question as searched: normalized text, how many passages, the language if given."""

    q: str
    k: int
    lang: str | None


@dataclass(frozen=True)
class FeedbackInput:
    """A verdict on one passage (``passage_id`` None: on an answer with no passage)."""

    question: str
    passage_id: str | None
    helpful: bool
    lang: str | None = None
    index_version: str | None = None


def question(raw: Any, caps: Caps, name: str = "q") -> str:
    """The normalized question; refused when missing, not text, blank or too long."""
    if raw is None:
        raise ValidationError(f"the question `{name}` is required", code=REQUIRED)
    if not isinstance(raw, str):
        raise ValidationError(f"`{name}` must be a string")
    _no_surrogates(raw, name)
    text = clean_query(raw)
    if not text:
        raise ValidationError(f"`{name}` is blank", code=BLANK)
    if len(text) > caps.max_query_chars:
        raise ValidationError(
            f"`{name}` is longer than {caps.max_query_chars} characters after Unicode "
            f"normalization ({len(text)})",
            code=TOO_LONG,
        )
    return text


def k(raw: Any, caps: Caps) -> int:
    """How many passages: an integer in 1..max_k (``"3"``, ``3`` and ``3.0`` alike). Not
    giving ``k`` means ``default_k`` (``ask``); an explicit null is refused, as the
    OpenAPI document says."""
    wrong = f"`k` must be an integer between 1 and {caps.max_k}"
    if isinstance(raw, bool):
        raise ValidationError(wrong)
    if isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer():
            raise ValidationError(wrong)
        raw = int(raw)  # JSON Schema counts 3.0 as an integer (found by schemathesis)
    elif isinstance(raw, str):
        match = _K_RE.fullmatch(raw)
        if match is None:
            raise ValidationError(wrong)
        raw = int(match.group(1))
    if not isinstance(raw, int) or not 1 <= raw <= caps.max_k:
        raise ValidationError(wrong)
    return raw


def lang(raw: Any, name: str = "lang") -> str | None:
    """kk, ru or en; empty or null means not given (a form's unset select sends ``lang=``)."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or raw not in LANGS:
        raise ValidationError(f"`{name}` must be one of {', '.join(LANGS)}")
    return raw


def identifier(raw: Any, name: str, *, empty_is_none: bool = False) -> str | None:
    """A passage or build id: null, or 1..100 characters of ``A-Z a-z 0-9 . _ : -``."""
    if raw is None or (empty_is_none and raw == ""):
        return None
    if not isinstance(raw, str) or len(raw) > MAX_ID_CHARS or _ID_RE.fullmatch(raw) is None:
        raise ValidationError(
            f"`{name}` must be null or an id of 1 to {MAX_ID_CHARS} characters "
            "(letters, digits, '.', '_', ':', '-')"
        )
    return raw


def only(fields: Iterable[str], allowed: Iterable[str], what: str = "field") -> None:
    """Refuse names outside ``allowed``: a typo must not be silently ignored."""
    allowed = tuple(allowed)
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError(
            f"unknown {what}(s): {', '.join(unknown)}; allowed: {', '.join(allowed)}"
        )


def ask(params: Mapping[str, Any], caps: Caps) -> AskInput:
    """``q``, ``k`` and ``lang`` of a question (query string or JSON body)."""
    count = k(params["k"], caps) if "k" in params else caps.default_k
    return AskInput(question(params.get("q"), caps), count, lang(params.get("lang")))


def feedback(data: Any, caps: Caps) -> FeedbackInput:
    """A POST /api/v1/feedback body: the same question rules as /api/v1/ask."""
    if not isinstance(data, dict):
        raise ValidationError('the body must be a JSON object like {"q": "...", "helpful": true}')
    only(data, FEEDBACK_FIELDS)
    text = question(data.get("q"), caps)
    if "helpful" not in data:
        raise ValidationError("`helpful` (true or false) is required")
    if not isinstance(data["helpful"], bool):
        raise ValidationError("`helpful` must be true or false")
    return FeedbackInput(
        question=text,
        passage_id=identifier(data.get("passage_id"), "passage_id"),
        helpful=data["helpful"],
        lang=lang(data.get("lang")),
        index_version=identifier(data.get("index_version"), "index_version", empty_is_none=True),
    )


def feedback_form(form: Mapping[str, str], caps: Caps) -> FeedbackInput:
    """The page's no-JavaScript feedback form: ``helpful`` is ``yes`` or ``no``, an empty
    ``passage_id`` means the verdict is on an answer with no passage."""
    helpful = form.get("helpful", "")
    if helpful not in ("yes", "no"):
        raise ValidationError("`helpful` must be yes or no")
    return FeedbackInput(
        question=question(form.get("q"), caps),
        passage_id=identifier(form.get("passage_id"), "passage_id", empty_is_none=True),
        helpful=helpful == "yes",
        lang=lang(form.get("lang")),
        index_version=identifier(form.get("index_version"), "index_version", empty_is_none=True),
    )


def load_json(raw: bytes) -> Any:
    """A request body as JSON: UTF-8, at most ``MAX_JSON_DEPTH`` levels, no number longer
    than ``MAX_NUMBER_DIGITS`` digits. The depth is checked before parsing, in one linear
    pass, so that 5,000 nested brackets cost a scan instead of a ``RecursionError``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("the body is not UTF-8 text") from None
    if json_depth(text) > MAX_JSON_DEPTH:
        raise ValidationError(f"the body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except ValidationError:
        raise
    except (ValueError, RecursionError) as exc:
        raise ValidationError(f"the body is not valid JSON ({_reason(exc)})") from None


def json_depth(text: str) -> int:
    """How deep brackets nest in ``text``, brackets inside strings not counted.

    One left-to-right pass over the brackets, quotes and backslashes, never a regular
    expression that backtracks: ``"`` followed by 8,000 ``\\"`` (a string that never
    closes) cost a second of CPU with the pattern this replaced (issue 21, row 1)."""
    depth = deepest = 0
    in_string = False
    escaped_until = -1  # the position of the character a backslash escapes
    for match in _JSON_TOKEN_RE.finditer(text):
        char, at = match.group(), match.start()
        if at == escaped_until:
            continue
        if in_string:
            if char == "\\":
                escaped_until = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValidationError(f"a number in the body has more than {MAX_NUMBER_DIGITS} digits")
    return int(digits)


def _no_constant(name: str) -> float:
    raise ValidationError(f"`{name}` is not JSON")


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at character {exc.pos}"
    return type(exc).__name__


def _no_surrogates(text: str, name: str) -> None:
    if _SURROGATE_RE.search(text):
        raise ValidationError(
            f"`{name}` holds an unpaired surrogate (such as \\ud800), which is not text"
        )
