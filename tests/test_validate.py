"""validate.py, the one place input rules live, and the settings rules beside it:
``LANGS`` defined once, ``os.environ`` read only in config.py, booleans strict."""

from __future__ import annotations

import ast
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_service import validate
from qa_service.cli import cli
from qa_service.config import Settings, describe, settings_env
from qa_service.validate import Caps, ValidationError

from .conftest import ROOT

CAPS = Caps(max_query_chars=500, max_query_tokens=48, max_k=20, default_k=5)
PACKAGE = ROOT / "qa_service"


@pytest.mark.parametrize("raw, expected", [("3", 3), (" +7 ", 7), (3, 3), (3.0, 3)])
def test_k_accepts_plain_integers(raw, expected):
    assert validate.k(raw, CAPS) == expected


def test_k_absent_is_the_default_and_null_is_refused():
    assert validate.ask({"q": "x"}, CAPS).k == CAPS.default_k
    with pytest.raises(ValidationError, match="between 1 and 20"):
        validate.ask({"q": "x", "k": None}, CAPS)


@pytest.mark.parametrize(
    "raw",
    [
        "\u00b2",
        "\u2460",
        "\u0663",
        "9" * 4400,
        "0",
        "21",
        "1.5",
        "",
        "++3",
        True,
        2.5,
        float("nan"),
        float("inf"),
        [3],
        "3e1",
    ],
)
def test_k_refuses_everything_else_with_the_range(raw):
    with pytest.raises(ValidationError, match="between 1 and 20"):
        validate.k(raw, CAPS)


@given(st.text(max_size=600))
def test_a_question_is_accepted_only_as_normalized_text_within_the_cap(raw):
    try:
        q = validate.question(raw, CAPS)
    except ValidationError as exc:
        assert exc.status == 400 and str(exc)
        return
    assert 0 < len(q) <= CAPS.max_query_chars
    assert validate.question(q, CAPS) == q  # normalized already: a fixed point
    q.encode("utf-8")  # storable and loggable


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (None, "required"),
        (5, "string"),
        ("  \u200b\u202e ", "blank"),
        ("\ufdfa" * 28, "longer than 500 characters after Unicode normalization"),
        ("a\ud800b", "surrogate"),
    ],
)
def test_question_errors_say_what_to_change(raw, fragment):
    with pytest.raises(ValidationError, match=fragment):
        validate.question(raw, CAPS)


@pytest.mark.parametrize(
    "raw", ["p-1\r\n", "p 1", "", "-p", "p\u202e1", "x" * 101, "é", "a/b", "../x", 7]
)
def test_identifiers_have_a_strict_alphabet(raw):
    with pytest.raises(ValidationError):
        validate.identifier(raw, "passage_id")


def test_identifiers_accept_passage_and_build_ids():
    for raw in ("p-5b5dbeae7aef3f", "20261125T134046914305Z-760fb36f", "x" * 100):
        assert validate.identifier(raw, "passage_id") == raw
    assert validate.identifier("", "index_version", empty_is_none=True) is None


@pytest.mark.parametrize("raw", ["kk", "ru", "en", "", None])
def test_lang(raw):
    assert validate.lang(raw) == (raw or None)


@pytest.mark.parametrize("raw", ["KK", "de", "kz", 1, ["kk"]])
def test_lang_refused(raw):
    with pytest.raises(ValidationError, match="kk, ru, en"):
        validate.lang(raw)


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (b"[" * 5000 + b"]" * 5000, "deeper than 8"),
        (b'{"k": ' + b"9" * 30 + b"}", "more than 20 digits"),
        (b'{"k": NaN}', "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"q": "x"', "not valid JSON"),
    ],
)
def test_load_json_refuses_without_recursion(raw, fragment):
    with pytest.raises(ValidationError, match=fragment):
        validate.load_json(raw)


def test_load_json_counts_depth_outside_strings_only():
    text = json.dumps({"q": '[[[[[[[[[[{{{{{{{{{{ \\" ]]]'})
    assert validate.json_depth(text) == 1
    assert validate.load_json(text.encode()) == json.loads(text)


class _TokenSpy:
    """The token pattern of ``json_depth`` with a count of the matches it yields."""

    def __init__(self, pattern):
        self.pattern = pattern
        self.examined = 0

    def finditer(self, text):
        for match in self.pattern.finditer(text):
            self.examined += 1
            yield match


def test_json_depth_reads_an_unclosed_string_of_escaped_quotes_once(monkeypatch):
    """Issue 21 row 1: ``"`` + ``\\"`` x 8,190 made the old string pattern backtrack (1 s
    of CPU for 16 KiB). The scan looks at each bracket, quote or backslash once, so a body
    64 times larger is still one pass; the old pattern would take hours on it."""
    hostile = '"' + '\\"' * (8190 * 64)
    spy = _TokenSpy(validate._JSON_TOKEN_RE)
    monkeypatch.setattr(validate, "_JSON_TOKEN_RE", spy)
    assert validate.json_depth(hostile) == 0
    assert spy.examined == len(hostile)
    assert validate.json_depth(hostile + "[[[") == 0  # still inside the unclosed string
    monkeypatch.undo()
    with pytest.raises(ValidationError, match="not valid JSON"):
        validate.load_json(('"' + '\\"' * 8190).encode())


@pytest.mark.parametrize(
    "text, depth",
    [
        ('{"a": "\\\\"}', 1),  # an escaped backslash ends before the closing quote
        ('{"a": "\\\\", "b": [[1]]}', 3),
        ('["\\"[", [2]]', 2),
        ('"[[[" ', 0),
        ('{"q": "\\u005b"}', 1),
    ],
)
def test_json_depth_agrees_with_the_parser_on_escapes(text, depth):
    assert validate.json_depth(text) == depth
    json.loads(text)


def test_feedback_form_and_body_share_the_rules():
    body = validate.feedback({"q": " a\u202e b ", "helpful": False, "index_version": ""}, CAPS)
    form = validate.feedback_form({"q": " a\u202e b ", "helpful": "no", "passage_id": ""}, CAPS)
    assert body == form == validate.FeedbackInput("a b", None, False, None, None)


# --- one of each ---------------------------------------------------------------------------


def _assignments(name: str) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                found.append(str(path.relative_to(ROOT)))
    return found


def test_langs_is_defined_once():
    assert _assignments("LANGS") == ["qa_service/validate.py"]


def test_only_config_reads_the_environment():
    """os.environ and os.getenv appear in config.py only, the lab included (its child
    processes get ``config.process_env()``)."""
    readers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "config.py":
            continue
        source = path.read_text(encoding="utf-8")
        if "os.environ" in source or "os.getenv" in source or "getenv(" in source:
            readers.append(rel)
    assert readers == []


# --- booleans -------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["ture", "2", "enabled", "y", ""])
def test_a_boolean_setting_with_another_word_is_refused_naming_the_variable(
    monkeypatch, runner, word
):
    monkeypatch.setenv("QA_LATENT_TERMS", word)
    with pytest.raises(ValueError, match="QA_LATENT_TERMS"):
        Settings.load()
    result = runner.invoke(cli, ["builds"])
    assert result.exit_code == 1
    assert "QA_LATENT_TERMS" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "word, value",
    [
        ("true", True),
        ("ON", True),
        ("1", True),
        ("Yes", True),
        ("false", False),
        ("off", False),
        ("0", False),
        (" no ", False),
    ],
)
def test_the_usual_boolean_words_are_read(monkeypatch, word, value):
    monkeypatch.setenv("QA_RATE_LIMITS", word)
    assert Settings.load().rate_limits is value


def test_settings_survive_the_trip_to_gunicorn(tmp_path):
    """`serve` hands gunicorn its settings as QA_* variables: every one reads back."""
    settings = Settings.load({"rate_limits": False, "public_url": "https://qa.example.kz"})
    env = settings_env(settings)
    assert {name for _, name, _, _ in describe()} == set(env)
    back = Settings.load({key[3:].lower(): value for key, value in env.items()})
    assert back == settings


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, validate.REQUIRED),
        ("   \u200b ", validate.BLANK),
        ("x" * 5000, validate.TOO_LONG),
        ("\ufdfa" * 30, validate.TOO_LONG),  # long only after NFKC
        (42, validate.INVALID),
        ("\ud800", validate.INVALID),
    ],
)
def test_refusals_carry_a_code_callers_word_their_own_way(raw, code):
    with pytest.raises(ValidationError) as info:
        validate.question(raw, CAPS)
    assert info.value.code == code and info.value.code in validate.CODES


def test_settings_refuse_meaningless_values_at_load():
    """Validated where they are declared: at start, not at the first reindex or request."""
    with pytest.raises(ValueError, match="QA_INDEX_TYPE: unknown index type 'annoy'.*ivfpq"):
        Settings.load({"index_type": "annoy"})
    with pytest.raises(ValueError, match="QA_PUBLIC_URL"):
        Settings.load({"public_url": "qa.example.kz"})
    assert Settings.load({"index_type": "hnsw"}).replace(index_type="auto").index_type == "auto"
    with pytest.raises(ValueError, match="QA_INDEX_TYPE"):
        Settings.load().replace(index_type="annoy")
