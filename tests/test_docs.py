"""The README documents every setting and every CLI command (datasette's habit)."""

from __future__ import annotations

import re

import click

from qa_service.cli import cli
from qa_service.config import describe

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_table():
    missing = [env for _, env, _, _ in describe() if f"| `{env}` |" not in README]
    assert missing == []


def test_every_setting_has_help():
    assert all(help_text.strip() for *_, help_text in describe())


def test_every_cli_command_is_in_the_readme():
    """Every command the group lists, those registered lazily (eval, bench) included."""
    names = cli.list_commands(click.Context(cli))
    assert {"serve", "reindex", "ask", "eval", "bench"} <= set(names)
    missing = [name for name in names if f"referendum-qa {name}" not in README]
    assert missing == []


def test_readme_gives_exactly_two_commands_first():
    head = README.split("## Command line")[0]
    blocks = re.findall(r"```sh\n(.*?)```", head, flags=re.S)
    assert [b.strip() for b in blocks] == ["./scripts/start", "./scripts/test"]
