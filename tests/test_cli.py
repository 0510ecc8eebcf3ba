"""The `referendum-qa` CLI through click's CliRunner: ask, reindex, errors."""

from __future__ import annotations

import json

import pytest

from qa_service.cli import cli

from .conftest import SEED_CORPUS


def _ask(runner, settings, *args):
    return runner.invoke(
        cli,
        ["--corpus", str(SEED_CORPUS), "--embeddings", str(settings.embeddings_dir), "ask", *args],
    )


@pytest.mark.parametrize(
    "question",
    [
        "How many deputies will the new parliament have?",
        "Сколько депутатов будет в новом парламенте?",
        "Жаңа парламентте қанша депутат болады?",
    ],
)
def test_ask_deputies_in_three_languages(runner, seed_index, question):
    settings, _ = seed_index
    result = _ask(runner, settings, "--json", question)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert not answer["abstained"]
    top = answer["results"][0]
    assert top["article"]["title"].startswith("Unicameral Parliament")
    assert "145" in top["text"]


def test_ask_marks_the_highlight_when_piped(runner, seed_index):
    """CliRunner's output is not a terminal: the answering sentence is between ``**``."""
    settings, _ = seed_index
    result = _ask(runner, settings, "How many deputies will the new parliament have?")
    assert result.exit_code == 0, result.output
    assert "**Now the number of deputies will be 145" in result.output
    assert "\x1b[" not in result.output


def test_ask_where_the_draft_was_explained(runner, seed_index):
    settings, _ = seed_index
    result = _ask(
        runner, settings, "--json", "Where was the constitutional reform draft explained?"
    )
    answer = json.loads(result.output)
    assert answer["results"][0]["article"]["title"] == (
        "CONSTITUTIONAL REFORM DRAFT EXPLAINED IN SHYMKENT"
    )


def test_ask_prints_attribution_and_honours_k(runner, seed_index):
    settings, _ = seed_index
    result = _ask(runner, settings, "-k", "2", "Who met the heads of UN agencies in Almaty?")
    assert result.exit_code == 0, result.output
    assert result.output.count("\n#") == 2
    assert "score " in result.output
    assert "2026-02-14 · Enbekshi QazaQ" in result.output
    assert "https://www.gov.kz/memleket/entities/mfa/press/news/details/1161897" in result.output
    as_json = json.loads(_ask(runner, settings, "--json", "-k", "3", "UN agencies").output)
    assert len(as_json["results"]) <= 3
    for hit in as_json["results"]:
        assert set(hit["article"]) >= {"id", "title", "date", "outlet", "section", "url"}


def test_ask_errors_are_clean(runner, seed_index, tmp_path):
    settings, _ = seed_index
    blank = _ask(runner, settings, "   ")
    assert blank.exit_code == 1 and "blank" in blank.output and "Traceback" not in blank.output
    bad_k = _ask(runner, settings, "-k", "0", "q")
    assert bad_k.exit_code == 2
    no_index = runner.invoke(cli, ["--embeddings", str(tmp_path / "none"), "ask", "deputies"])
    assert no_index.exit_code == 1
    assert "reindex" in no_index.output


def test_reindex_summary_dry_run_and_exit_codes(runner, corpus_dir, tmp_path):
    base = ["--corpus", str(corpus_dir), "--embeddings", str(tmp_path / "emb"), "reindex"]
    dry = runner.invoke(cli, [*base, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "articles:            3" in dry.output
    assert not (tmp_path / "emb").exists()
    built = runner.invoke(cli, [*base, "--quiet"])
    assert built.exit_code == 0, built.output
    for label in ("sources read:", "duplicates removed:", "passages:", "embedded:", "reused:"):
        assert label in built.output
    again = runner.invoke(cli, [*base, "--if-stale"])
    assert again.exit_code == 0 and "up to date" in again.output
    # Another embedder version (a model package upgrade) makes the build stale: workers
    # would refuse it, so --if-stale must rebuild rather than say "up to date".
    manifest_file = tmp_path / "emb" / "current" / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["embedder"]["version"] += "-older"
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    upgraded = runner.invoke(cli, [*base, "--if-stale", "--quiet"])
    assert upgraded.exit_code == 0, upgraded.output
    assert "reindexing:" in upgraded.output and "-older" in upgraded.output
    assert "embedded:" in upgraded.output
    assert "up to date" in runner.invoke(cli, [*base, "--if-stale"]).output
    (corpus_dir / "bad.md").write_text("no front matter\n", encoding="utf-8")
    invalid = runner.invoke(cli, [*base, "--quiet"])
    assert invalid.exit_code == 3
    assert "bad.md:1" in invalid.output
    skipped = runner.invoke(cli, [*base, "--quiet", "--skip-invalid"])
    assert skipped.exit_code == 0
    assert "skipped invalid source bad.md:1" in skipped.output


def test_unknown_embedder_is_a_clean_error(runner, corpus_dir, tmp_path):
    result = runner.invoke(
        cli,
        [
            "--corpus",
            str(corpus_dir),
            "--embeddings",
            str(tmp_path),
            "--embedder",
            "nope",
            "reindex",
        ],
    )
    assert result.exit_code == 1
    assert "unknown embedder 'nope'" in result.output


def test_python_dash_m_works():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "qa_service", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("serve", "reindex", "ask"):
        assert command in out.stdout
