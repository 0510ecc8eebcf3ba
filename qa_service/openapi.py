"""The OpenAPI 3.1 description of every endpoint and error; tests validate responses by it.

Every limit in it comes from validate.py and the settings (``validate.Caps``), so the
document and the code cannot disagree on a cap.
"""

from __future__ import annotations

from . import __version__
from .config import Settings
from .openapi_schemas import RESPONSE_SCHEMAS
from .validate import ID_PATTERN, LANGS, MAX_ID_CHARS, QUESTION_PATTERN, Caps


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
        "components": {"schemas": {**_request_schemas(p), **RESPONSE_SCHEMAS}},
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
