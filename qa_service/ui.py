"""The citizens' page, the widget and the embed snippet (HTML from web/templates)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ui", __name__)


@bp.get("/")
def index() -> str:
    return "<!doctype html><title>Referendum QA</title><p>Ask at /api/v1/ask?q=...</p>"


@bp.get("/widget")
def widget() -> str:
    return index()


@bp.get("/embed")
def embed_page() -> str:
    return index()
