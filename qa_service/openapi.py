"""The OpenAPI 3.1 description of every endpoint and error; tests validate responses by it.

Every limit in it comes from validate.py and the settings (``validate.Caps``), so the
document and the code cannot disagree on a cap.
"""

from __future__ import annotations

from . import __version__
from .answer import STATES
from .config import Settings
from .validate import ID_PATTERN, LANGS, MAX_ID_CHARS, QUESTION_PATTERN, Caps

_HIT = {
    "type": "object",
    "required": ["rank", "score", "passage_id", "text", "highlight", "article"],
    "properties": {
        "rank": {"type": "integer", "minimum": 1},
        "score": {
            "type": "number",
            "description": (
                "Fused ranking score (the served composition's fusion of the dense, BM25 and "
                "latent-term rankings): higher is better, comparable only within one "
                "response; not a probability."
            ),
        },
        "passage_id": {"type": "string"},
        "text": {"type": "string"},
        "highlight": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["start", "end"],
                "properties": {
                    "start": {"type": "integer", "minimum": 0},
                    "end": {"type": "integer", "minimum": 0},
                },
            },
        },
        "article": {"$ref": "#/components/schemas/ArticleSummary"},
    },
}

_ARTICLE = {
    "type": "object",
    "required": ["id", "title", "date", "outlet", "section", "url"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "outlet": {"type": "string"},
        "section": {"type": ["string", "null"]},
        "url": {"type": ["string", "null"]},
        "lang": {"type": "string", "enum": list(LANGS)},
        "original_publisher": {
            "type": ["string", "null"],
            "description": "When the outlet republished another publisher's page (``url``), "
            "that publisher's site, e.g. gov.kz: credit it as 'via <outlet>, originally "
            "<original_publisher>'.",
        },
        "passages": {"type": "integer"},
    },
}

_INDEX = {
    "type": "object",
    "required": ["version", "articles", "passages"],
    "properties": {
        "version": {"type": "string"},
        "articles": {"type": "integer"},
        "passages": {"type": "integer"},
    },
}

_PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}


def _problem(description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def _json(ref: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


_INFO = {
    "title": "Referendum QA",
    "version": __version__,
    "description": (
        "Finds the source passages that answer a question about Kazakhstan's 2026 "
        "constitutional reform. It never writes answers of its own: every result is "
        "a quoted passage with its attribution."
    ),
}


def spec(settings: Settings) -> dict:
    """The document for these settings' caps."""
    p = _parameters(Caps.of(settings))
    return {
        "openapi": "3.1.0",
        "info": _INFO,
        "paths": {
            **_ask_path(p, settings.max_body_bytes),
            **_feedback_path(settings.max_body_bytes),
            **_READ_PATHS,
        },
        "components": {"schemas": {**_request_schemas(p), **_RESPONSE_SCHEMAS}},
    }


def _question_param(caps: Caps) -> dict:
    return {
        "name": "q",
        "in": "query",
        "required": True,
        "description": (
            "The question, in Kazakh, Russian or English. It is normalized (NFKC; control "
            "and bidi characters removed; spaces collapsed) and then held to "
            f"{caps.max_query_chars} characters; the encoder reads its first "
            f"{caps.max_query_tokens} tokens."
        ),
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": caps.max_query_chars,
            # At least one character that survives cleaning (not a space or control).
            "pattern": QUESTION_PATTERN,
        },
    }


def _parameters(caps: Caps) -> dict[str, dict]:
    """The request parameters and body fields, with their caps."""
    k = {
        "name": "k",
        "in": "query",
        "required": False,
        "description": "How many passages to return.",
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": caps.max_k,
            "default": caps.default_k,
        },
    }
    lang = {
        "name": "lang",
        "in": "query",
        "required": False,
        "description": "UI language; detected from the question when absent.",
        # Empty means absent (a form's unset select sends `lang=`): found by schemathesis.
        "schema": {"type": "string", "enum": [*LANGS, ""]},
    }
    # In a JSON body, null means absent too (validate.lang).
    body_lang = {"type": ["string", "null"], "enum": [*LANGS, "", None]}
    passage_id = {"type": ["string", "null"], "pattern": ID_PATTERN, "maxLength": MAX_ID_CHARS}
    # An empty build id means absent too (validate.identifier).
    build_id = {
        "type": ["string", "null"],
        "pattern": f"^$|{ID_PATTERN}",
        "maxLength": MAX_ID_CHARS,
    }
    return {
        "q": _question_param(caps),
        "k": k,
        "lang": lang,
        "body_lang": body_lang,
        "passage_id": passage_id,
        "build_id": build_id,
    }


def _ask_path(p: dict[str, dict], max_body: int) -> dict:
    """Asking: GET with query parameters, POST with a JSON body; the same caps."""
    ask_errors = {
        "400": _problem(
            "`q` missing, blank or too long (after normalization); `k` or `lang` invalid; "
            "unknown field; a body that is not shallow UTF-8 JSON"
        ),
        "503": _problem("no index loaded; retry after the `Retry-After` seconds"),
        "429": _problem("too many questions from this address; retry after `Retry-After`"),
    }
    too_large = _problem(f"body over {max_body} bytes")
    return {
        "/api/v1/ask": {
            "get": {
                "summary": "Ask a question (cacheable: ETag and Cache-Control)",
                "operationId": "askGet",
                "parameters": [p["q"], p["k"], p["lang"]],
                "responses": {
                    "200": _json("Answer", "Ranked passages, or an abstention"),
                    "304": {"description": "Not modified (If-None-Match matched the ETag)"},
                    **ask_errors,
                },
            },
            "post": {
                "summary": "Ask a question with a JSON body",
                "operationId": "askPost",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/AskRequest"}}
                    },
                },
                "responses": {
                    "200": _json("Answer", "Ranked passages, or an abstention"),
                    **ask_errors,
                    "413": too_large,
                    "415": _problem("body is not application/json"),
                },
            },
        },
    }


def _feedback_path(max_body: int) -> dict:
    too_large = _problem(f"body over {max_body} bytes")
    return {
        "/api/v1/feedback": {
            "post": {
                "summary": "Say whether a passage answered a question (no client data kept)",
                "operationId": "postFeedback",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/FeedbackRequest"}
                        }
                    },
                },
                "responses": {
                    "201": _json("FeedbackRecorded", "Recorded"),
                    "400": _problem("`q` or `helpful` missing or invalid; unknown field"),
                    "404": _problem(
                        "`passage_id` or `index_version` names a passage or build this "
                        "service does not have (the live build or a kept one)"
                    ),
                    "503": _problem("no index loaded; retry after `Retry-After`"),
                    "413": too_large,
                    "415": _problem("body is not application/json"),
                    "429": _problem("too many requests; retry after `Retry-After`"),
                },
            }
        },
    }


_READ_PATHS = {
    "/api/v1/articles": {
        "get": {
            "summary": "Every article in the live index",
            "operationId": "listArticles",
            "responses": {
                "200": _json("ArticleList", "Articles with passage counts"),
                "503": _problem("no index loaded"),
            },
        }
    },
    "/api/v1/articles/{article_id}": {
        "get": {
            "summary": "One article's full text",
            "operationId": "getArticle",
            "parameters": [
                {
                    "name": "article_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
            "responses": {
                "200": _json("ArticleFull", "The article and its passages' offsets"),
                "404": _problem("no such article"),
                "503": _problem("no index loaded"),
            },
        }
    },
    "/healthz": {
        "get": {
            "summary": "Liveness: the process answers",
            "operationId": "healthz",
            "responses": {"200": _json("Health", "alive")},
        }
    },
    "/readyz": {
        "get": {
            "summary": "Readiness: an index is loaded and answering",
            "operationId": "readyz",
            "responses": {
                "200": _json("Ready", "ready"),
                "503": _json("Ready", "not ready; `detail` says why"),
            },
        }
    },
}


def _request_schemas(p: dict[str, dict]) -> dict:
    return {
        "AskRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["q"],
            "properties": {
                "q": p["q"]["schema"],
                "k": p["k"]["schema"],
                "lang": p["body_lang"],
            },
        },
        "FeedbackRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["q", "helpful"],
            "properties": {
                "q": p["q"]["schema"],
                "passage_id": p["passage_id"],
                "helpful": {"type": "boolean"},
                "lang": p["body_lang"],
                "index_version": p["build_id"],
            },
        },
    }


_RESPONSE_SCHEMAS = {
    "Fact": {
        "type": "object",
        "required": ["kind", "value", "text", "passage_id", "span"],
        "properties": {
            "kind": {
                "type": "string",
                "enum": ["count", "date", "percentage", "duration"],
            },
            "value": {
                "type": ["number", "string"],
                "description": "The number (a count, a percentage such as "
                "73.12, a duration's amount) or an ISO date (with the "
                "article's year when the sentence gives none).",
            },
            "text": {"type": "string", "description": "The value in `lang`."},
            "passage_id": {"type": "string"},
            "span": {
                "type": "object",
                "required": ["start", "end"],
                "properties": {
                    "start": {"type": "integer"},
                    "end": {"type": "integer"},
                },
                "description": "Where the value is in that passage's text.",
            },
        },
    },
    "Answer": {
        "type": "object",
        "required": [
            "query",
            "lang",
            "confidence",
            "abstained",
            "results",
            "index",
            "took_ms",
            "cached",
        ],
        "properties": {
            "query": {"type": "string"},
            "lang": {"type": "string", "enum": list(LANGS)},
            "confidence": {
                "type": "string",
                "enum": list(STATES),
                "description": "high: the first passage answers. low: the "
                "passages are on the subject but may not answer exactly (show "
                "them with that caveat). none: the sources do not cover the "
                "question; results is empty and the closest passages are in "
                "related.",
            },
            "abstained": {
                "type": "boolean",
                "description": "Exactly confidence == none.",
            },
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "related": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "as_of": {
                "type": ["string", "null"],
                "format": "date",
                "description": "The report date of the first result (show it "
                "as 'as of ...'); null when abstained.",
            },
            "superseded": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Superseded"},
                "description": "Older reports that state another value for "
                "what was asked than the first result (an earlier date, a "
                "preliminary count), newest first; show them as superseded.",
            },
            "fact": {
                "oneOf": [{"$ref": "#/components/schemas/Fact"}, {"type": "null"}],
                "description": "The asked value (a count, date, percentage or "
                "duration) as the first result's highlighted sentence states "
                "it, written in `lang`; null unless confidence is high and "
                "exactly one such value is found. Show it beside the quoted "
                "sentence, never instead of it.",
            },
            "index": {"$ref": "#/components/schemas/IndexInfo"},
            "took_ms": {
                "type": "number",
                "description": "Milliseconds this request took in the service "
                "(a cached answer: the lookup).",
            },
            "cached": {
                "type": "boolean",
                "description": "Whether the answer came from the answer cache.",
            },
        },
    },
    "Superseded": {
        "type": "object",
        "required": [
            "date",
            "outlet",
            "title",
            "url",
            "lang",
            "sentence",
            "passage_id",
        ],
        "properties": {
            "date": {"type": "string", "format": "date"},
            "outlet": {"type": "string"},
            "title": {"type": "string"},
            "url": {"type": ["string", "null"]},
            "lang": {"type": "string", "enum": list(LANGS)},
            "sentence": {"type": "string", "description": "what it said"},
            "passage_id": {"type": "string"},
            "values": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Hit": _HIT,
    "ArticleSummary": _ARTICLE,
    "ArticleList": {
        "type": "object",
        "required": ["articles", "index"],
        "properties": {
            "articles": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ArticleSummary"},
            },
            "index": {"$ref": "#/components/schemas/IndexInfo"},
        },
    },
    "ArticleFull": {
        "type": "object",
        "required": ["article", "index"],
        "properties": {
            "article": {
                "allOf": [
                    {"$ref": "#/components/schemas/ArticleSummary"},
                    {"type": "object", "required": ["body"]},
                ]
            },
            "index": {"$ref": "#/components/schemas/IndexInfo"},
        },
    },
    "IndexInfo": _INDEX,
    "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string"}},
    },
    "Ready": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"type": "string", "enum": ["ready", "unavailable"]},
            "detail": {"type": "string"},
            "warning": {"type": "string"},
            "index": {"$ref": "#/components/schemas/IndexInfo"},
        },
    },
    "Problem": _PROBLEM,
    "FeedbackRecorded": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string", "enum": ["recorded"]}},
    },
}
