"""The package as users get it: every module imports on its own, serving never loads the
lab, and a built wheel serves from another folder (no checkout next to it)."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import pkgutil
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

import qa_service

from .conftest import ROOT

# wsgi builds the app at import (gunicorn's entry point) and __main__ runs the CLI.
ENTRY_POINTS = {"qa_service.wsgi", "qa_service.__main__"}


def _modules() -> list[str]:
    found = ["qa_service"]
    for info in pkgutil.walk_packages(qa_service.__path__, "qa_service."):
        found.append(info.name)
    return sorted(set(found) - ENTRY_POINTS)


def _run(code: str, cwd: Path | None = None, env: dict | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_every_module_imports_alone_in_a_fresh_interpreter():
    """An import cycle hidden by import order (a imports b imports a) fails here: each
    module is the first thing a fresh interpreter imports."""
    modules = _modules()
    assert "qa_service.lab.evaluate" in modules and "qa_service.search" in modules
    failed = {}
    for name in modules:
        done = subprocess.run(
            [sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=120
        )
        if done.returncode:
            failed[name] = done.stderr.strip().splitlines()[-1:]
    assert failed == {}


def _imports(name: str, path: Path, modules: set[str]) -> set[str]:
    """The project modules ``name`` imports anywhere in its file (deferred imports inside
    functions included: they close a cycle as surely, only later)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            prefix = ".".join([*base, node.module] if node.module else base)
            prefix = prefix if node.level else str(node.module)
            found |= {prefix} | {f"{prefix}.{alias.name}" for alias in node.names}
    # The root package's lazy create_app aside: every module imports its package first.
    return (found & modules) - {name, "qa_service"}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def test_no_import_cycles_between_modules():
    """Data flows one way: no module imports, directly or through others, one that
    imports it back (deferred imports count)."""
    paths = {}
    for path in (ROOT / "qa_service").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {name: _imports(name, path, set(paths)) for name, path in paths.items()}
    assert "qa_service.search" in graph["qa_service.service"]
    assert _cycles(graph) == []
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.slow
def test_serving_never_imports_the_lab(built_index):
    """After the app answers a question (and the CLI is loaded), no evaluation, benchmark,
    synthetic-corpus or plotting module is in memory."""
    settings, _ = built_index
    out = _run(
        f"""
        import json, sys
        import qa_service.cli
        from qa_service.app import create_app
        app = create_app({{"TESTING": True, "corpus_dir": {str(settings.corpus_dir)!r},
                           "embeddings_dir": {str(settings.embeddings_dir)!r}}})
        r = app.test_client().get("/api/v1/ask?q=referendum")
        assert r.status_code == 200, r.status_code
        assert app.test_client().get("/?q=referendum").status_code == 200
        print(json.dumps(sorted(sys.modules)))
        """
    )
    loaded = json.loads(out)
    lab = [m for m in loaded if m.startswith(("qa_service.lab", "matplotlib"))]
    assert lab == []
    assert "qa_service.search" in loaded  # the check above ran against a real answer


@pytest.mark.slow
def test_wheel_serves_from_another_folder(tmp_path, built_index):
    """Build the wheel, install it into an empty target, and serve from a folder with no
    checkout: templates, static files, catalogs, the abstention rule and the topic probe and
    neighbours are package data."""
    settings, _ = built_index
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("referendum_qa-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target)]
        + [str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(target), "HF_HUB_OFFLINE": "1"}
    out = _run(
        f"""
        import json, qa_service
        from qa_service.confidence import RULE_FILE
        from qa_service.topic import NEIGHBOURS_FILE, PROBE_FILE
        from qa_service.app import create_app
        app = create_app({{"TESTING": True, "corpus_dir": {str(settings.corpus_dir)!r},
                           "embeddings_dir": {str(settings.embeddings_dir)!r},
                           "feedback_db": "fb.sqlite3"}})
        c = app.test_client()
        codes = {{p: c.get(p).status_code
                  for p in ("/", "/widget?lang=ru", "/embed.js", "/api/v1/ask?q=referendum")}}
        page = c.get("/?lang=kk").get_data(as_text=True)
        print(json.dumps({{"file": qa_service.__file__, "codes": codes,
                          "rule": RULE_FILE.is_file(), "probe": PROBE_FILE.is_file(),
                          "near": NEIGHBOURS_FILE.is_file(),
                          "kk": "lang=\\"kk\\"" in page}}))
        """,
        cwd=elsewhere,
        env=env,
    )
    report = json.loads(out.strip().splitlines()[-1])
    assert report["file"].startswith(str(target))
    assert set(report["codes"].values()) == {200}, report["codes"]
    assert report["rule"] and report["probe"] and report["near"] and report["kk"]


def test_cli_without_corpus_or_index_says_so_and_exits_2(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "qa_service", "ask", "When is the referendum?"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "QA_CORPUS_DIR" in lines[0] and "Traceback" not in done.stderr


def _third_party_imports(folder: Path) -> set[str]:
    """Top-level names of the modules the package's own files import (lab included)."""
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "qa_service"}


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    specs = project["dependencies"] + [
        d for ds in project["optional-dependencies"].values() for d in ds
    ]
    return {canonicalize(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in specs}


def canonicalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_distribution_is_declared_directly():
    """Issue 21 row 17: pip 23 (Debian's venv) misreads extras such as justext's
    ``lxml[html_clean]``, so a package we need must not arrive only through another's
    declaration. Every distribution the code imports is in pyproject, and so is
    ``lxml_html_clean``, which trafilatura needs at import and which only an extra brings."""
    owners = importlib.metadata.packages_distributions()
    imported = _third_party_imports(ROOT / "qa_service")
    assert {"lxml", "courlan", "yaml", "trafilatura"} <= imported
    missing = {
        name: owners.get(name)
        for name in imported
        if not {canonicalize(d) for d in owners.get(name, [name])} & _declared()
    }
    assert missing == {}
    assert "lxml-html-clean" in _declared()
