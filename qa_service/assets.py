"""Static files: cache-busting URLs and caching headers by asset kind.

Pages link ``/static/<file>?v=<hash of its content>`` (``asset_url``), so a file's URL
changes whenever the file does and a browser may keep it for a year; any other static URL
is revalidated. One module owns the hashes (``app.extensions["ui_assets"]``) and the
headers; ``init_app`` attaches both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, request, url_for

ASSETS_KEY = "ui_assets"


@dataclass
class AssetVersions:
    """Content hashes of static files, computed once per app, for cache-busting URLs."""

    hashes: dict[str, str] = field(default_factory=dict)


def init_app(app: Flask) -> None:
    app.extensions.setdefault(ASSETS_KEY, AssetVersions())
    app.after_request(cache_headers)


def asset_url(filename: str) -> str:
    """``/static/<file>?v=<hash>``: a new URL whenever the file changes."""
    versions: AssetVersions = current_app.extensions[ASSETS_KEY]
    digest = versions.hashes.get(filename)
    if digest is None:
        path = current_app.static_folder + "/" + filename
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:10]
        versions.hashes[filename] = digest
    return url_for("static", filename=filename, v=digest)


def cache_headers(response: Response) -> Response:
    """Caching by asset kind, so a slow link pays no needless round trip.

    ``/static/<file>?v=<its current hash>`` never changes: ``public, max-age=1 year,
    immutable`` (and nothing else: Flask's default ``no-cache`` would make the browser
    revalidate the render-blocking ``app.css`` on every page). Only when ``v`` is the
    file's current hash, so an old URL never pins new content; any other static URL is
    ``no-cache`` (kept, revalidated by its ETag). Pages and answers set their own.
    """
    if request.endpoint != "static" or response.status_code != 200:
        return response
    filename = (request.view_args or {}).get("filename", "")
    version = request.args.get("v")
    if version and version == current_app.extensions[ASSETS_KEY].hashes.get(filename):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = 365 * 24 * 3600
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
        response.cache_control.max_age = None
    return response
