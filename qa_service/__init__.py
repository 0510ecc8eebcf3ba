"""Referendum QA: find the source passages that answer a citizen's question."""

from __future__ import annotations

__version__ = "0.1.0"


def create_app(*args, **kwargs):
    """The Flask app factory (imported lazily so that `import qa_service` stays light)."""
    from .app import create_app as factory

    return factory(*args, **kwargs)


__all__ = ["__version__", "create_app"]
