"""WSGI entry point for gunicorn: settings from QA_* environment variables."""

from .app import create_app

app = create_app()
