"""The README and docs say what the code does."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cadee.catalog import catalog_markdown, rules_reference
from cadee.cli import main
from tests.conftest import REPO

README = REPO / "README.md"
START = "<!-- rules:start (generated from the catalog; a test keeps it in sync) -->\n"
END = "<!-- rules:end -->"


def test_readme_rule_table_matches_the_catalog(update_goldens: bool) -> None:
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    expected = head + START + catalog_markdown() + END + tail
    if update_goldens:
        README.write_text(expected, encoding="utf-8")
        text = expected
    assert text == expected


def test_rule_reference_matches_the_catalog(update_goldens: bool) -> None:
    path = REPO / "docs" / "rules.md"
    if update_goldens:
        path.write_text(rules_reference(), encoding="utf-8")
    assert path.read_text(encoding="utf-8") == rules_reference()


def test_ci_runs_the_readme_test_command() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in readme and "bash scripts/demo.sh" in readme
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line and not line.startswith("#")] == [
        "exec bash scripts/test.sh"
    ]


def test_readme_console_sample_is_real_output(capsys: pytest.CaptureFixture[str]) -> None:
    readme = README.read_text(encoding="utf-8")
    sample = readme.split("```console\n", 1)[1].split("```", 1)[0]
    command, *lines = sample.splitlines()
    old = Path.cwd()
    os.chdir(REPO)
    try:
        main([*command.removeprefix("$ cadee ").split(), "--as-of", "2026-06-01"])
    finally:
        os.chdir(old)
    output = capsys.readouterr().out.splitlines()
    for line in lines:
        if line != "...":
            assert line in output


def test_docs_links_resolve() -> None:
    for document in [README, *sorted((REPO / "docs").glob("*.md"))]:
        for target in re.findall(
            r"\]\(([^)#]+)(?:#[^)]*)?\)", document.read_text(encoding="utf-8")
        ):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            assert (document.parent / target).exists(), f"{document.name}: broken link {target}"
