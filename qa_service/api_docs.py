"""The API documentation page (``/api/docs``): ``openapi.spec()`` laid out for people.

Beside ``openapi.py``, which writes the machine-readable description: this module only
turns that document into the rows the ``api_docs.html`` template shows.
"""

from __future__ import annotations

from typing import Any


def page_of(doc: dict) -> dict[str, Any]:
    """The template's values: every operation (path, method, summary, parameters, request
    body's schema name, responses, anchor) in the document's order, and the schemas."""
    operations = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            operations.append(
                {
                    "path": path,
                    "method": method.upper(),
                    "summary": op.get("summary", ""),
                    "parameters": op.get("parameters", []),
                    "body": _schema_name(op.get("requestBody")),
                    "responses": op.get("responses", {}),
                    "anchor": op.get("operationId", f"{method}-{path}"),
                }
            )
    schemas = doc.get("components", {}).get("schemas", {})
    return {"doc": doc, "operations": operations, "schemas": schemas}


def _schema_name(request_body: dict | None) -> str | None:
    if not request_body:
        return None
    for media in request_body.get("content", {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        return ref.rsplit("/", 1)[-1] or None
    return None


def schema_type(schema: dict) -> str:
    """A short readable type: ``string``, ``integer (1..20)``, ``Hit[]``, ``kk | ru | en``."""
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "allOf" in schema:
        return " & ".join(schema_type(s) for s in schema["allOf"])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = " | ".join(kind)
    if kind == "array":
        return schema_type(schema.get("items", {})) + "[]"
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None or high is not None:
        kind += f" ({'' if low is None else low}..{'' if high is None else high})"
    return kind
