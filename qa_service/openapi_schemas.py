"""The response schemas of the OpenAPI document (openapi.py): what every answer, article,
passage and error carries. Apart from the paths so that each file reads as one thing."""

from __future__ import annotations

from .answer import STATES
from .validate import LANGS

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
        "also_reported_by": {
            "type": "array",
            "description": "Other outlets whose copies of this story were folded into it.",
            "items": {
                "type": "object",
                "required": ["outlet", "url"],
                "properties": {
                    "outlet": {"type": "string"},
                    "url": {"type": ["string", "null"]},
                },
            },
        },
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


RESPONSE_SCHEMAS = {
    "Fact": {
        "type": "object",
        "required": ["kind", "value", "text", "passage_id", "span", "confirmed"],
        "properties": {
            "kind": {
                "type": "string",
                "enum": ["count", "date", "percentage", "duration", "clock"],
            },
            "value": {
                "type": ["number", "string"],
                "description": "The number (a count, a percentage such as 73.12, a duration's "
                "amount), an ISO date (with the article's year when the sentence gives none), "
                "or a time of day as HH:MM (opening hours as HH:MM/HH:MM).",
            },
            "text": {"type": "string", "description": "The value in `lang`."},
            "passage_id": {"type": "string"},
            "span": {
                "type": "object",
                "required": ["start", "end"],
                "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}},
                "description": "Where the value is in that passage's text.",
            },
            "confirmed": {
                "type": "boolean",
                "description": "True when confidence is high; false when it is low: the "
                "passage states this value but may not answer the question (say so beside it).",
            },
        },
    },
    "Superseded": {
        "type": "object",
        "required": ["date", "outlet", "title", "url", "lang", "sentence", "passage_id"],
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
                "description": "The report date of the first result (show it as 'as of "
                "...'); null when abstained.",
            },
            "superseded": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Superseded"},
                "description": "Older reports that state another value for what was asked "
                "than the first result (an earlier date, a preliminary count), newest first; "
                "show them as superseded.",
            },
            "fact": {
                "oneOf": [{"$ref": "#/components/schemas/Fact"}, {"type": "null"}],
                "description": "The asked value (a count, date, percentage or duration) as the "
                "first result's highlighted sentence states it, written in `lang`; null unless "
                "confidence is high or low and exactly one such value is found (low: "
                "`confirmed` is false). Show it beside the quoted sentence, never instead of it.",
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
