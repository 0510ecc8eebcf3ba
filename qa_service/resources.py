"""Where the package's shipped files are: templates, static assets, catalogs.

``web/`` sits at the top of the repository (the product's shape names it) and is mapped
into the wheel as the package ``qa_service.web`` (``[tool.setuptools] package-dir`` in
pyproject.toml), so an installed wheel serves from any folder. Read through
``importlib.resources``; a plain source tree that was never installed (``PYTHONPATH=.``)
falls back to the ``web/`` folder beside the package.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path


def web_dir() -> Path:
    """The folder holding ``templates/``, ``static/`` and ``i18n/``.

    Flask needs real paths, so a zipped install (not supported) fails here with the reason.
    """
    try:
        root = importlib.resources.files("qa_service.web")
    except ModuleNotFoundError:
        root = Path(__file__).resolve().parent.parent / "web"
    path = Path(str(root))
    if not (path / "templates").is_dir():
        raise RuntimeError(f"web assets not found at {path}: reinstall the package")
    return path
