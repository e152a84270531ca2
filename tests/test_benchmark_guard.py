"""The benchmark estates are realistic and deterministic, and start-up imports stay lazy.

No timings here: speed is measured as ratios by ``python -m benchmarks``
(see docs/performance.md), never by a unit test whose result depends on the
machine and its load.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import MIN_SYSTEMS, generate, write_estate
from cadee.validate import Overrides, validate_file
from tests.conftest import REPO

AS_OF = dt.date(2026, 6, 1)
HEAVY = (
    "networkx",
    "jinja2",
    "pydantic",
    "pydantic_core",
    "graphviz",
    "typst",
    "weasyprint",
    "reportlab",
    "pygls",
    "lsprotocol",
)


def test_the_1k_estate_is_realistic(tmp_path: Path) -> None:
    estate = generate(1_000)
    top = write_estate(estate, tmp_path)
    assert estate.systems == 1_000 and 2_700 <= estate.integrations <= 3_300

    result = validate_file(top, Overrides(as_of=AS_OF))

    assert result.valid, "\n".join(str(e) for e in result.errors[:10])
    assert result.report is not None
    findings = result.report.findings
    # Realistic: rules fire, on a few percent of the items, not on everything.
    items = estate.systems + estate.integrations
    assert 0.005 * items < len(findings) < 0.05 * items
    assert any(f.waived for f in findings)
    assert len({f.rule for f in findings}) >= 10


def test_generator_is_deterministic_and_split_estates_load_the_same(tmp_path: Path) -> None:
    one = generate(300, seed=7)
    assert generate(300, seed=7).files == one.files
    assert generate(300, seed=8).files != one.files
    split = generate(300, seed=7, split_files=3)
    assert len(split.files) == 5  # blueprint.yaml, catalog/group.yaml, three unit files

    reports = []
    for name, estate in (("single", one), ("split", split)):
        result = validate_file(write_estate(estate, tmp_path / name), Overrides(as_of=AS_OF))
        assert result.valid, "\n".join(str(e) for e in result.errors[:10])
        assert result.report is not None
        reports.append(
            collections.Counter((f.rule, f.target, f.waived) for f in result.report.findings)
        )
    assert reports[0] == reports[1]


def test_generator_rejects_too_small_estates() -> None:
    with pytest.raises(ValueError, match="at least"):
        generate(MIN_SYSTEMS - 1)


@pytest.mark.parametrize("argument", ["--version", "--help"])
def test_start_up_does_not_import_heavy_modules(argument: str) -> None:
    # -X importtime lists every module the process imports, on stderr.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cadee", argument],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    assert "cadee" in imported  # the listing was parsed
    heavy = sorted(
        m for m in imported if m.split(".")[0] in HEAVY or m in ("cadee.model", "cadee.lsp")
    )
    assert heavy == [], (
        f"`cadee {argument}` imports {heavy}; import them inside the commands that use them"
    )


@pytest.mark.slow
def test_the_benchmark_runner_prints_and_records_the_whole_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m benchmarks` end to end on a tiny estate, so a broken runner shows up in CI."""
    from benchmarks import run

    monkeypatch.setattr(run, "CACHE", tmp_path / "cache")
    record = tmp_path / "performance.md"
    record.write_text(f"# Performance\n\n{run.BEGIN}\nold\n{run.END}\n\nkept\n", encoding="utf-8")
    assert (
        run.main(["--sizes", "60", "--runs", "1", "--startup-runs", "1", "--markdown", str(record)])
        == 0
    )
    table = capsys.readouterr().out
    for row in (
        "| validate | 60 ",
        "| validate | 60 findings-heavy ",
        "| validate | flagship ",
        "| render | flagship",
        "| diff | 60 ",
        "| simulate --all | 60 ",
        "| cadee --version |",
        "| cadee --help |",
        "| start-up imports |",
        "| lsp save |",
    ):
        assert row in table, f"missing row {row!r} in\n{table}"
    assert "| start-up imports | `cadee --version`, `cadee --help` |  | none |" in table
    assert "- **YAML loader**: " in table
    # Every target is a ratio measured in the same run.
    assert "| ≤ 10x `python -c pass` | " in table and "| ≤ 2.5x validate | " in table
    written = record.read_text(encoding="utf-8")
    assert "\nold\n" not in written and written.endswith("kept\n") and "| validate | 60 " in written


def test_findings_heavy_estate_is_valid_and_every_rule_family_fires(tmp_path: Path) -> None:
    from benchmarks.generate import generate_findings_heavy

    estate = generate_findings_heavy(300, seed=3)
    assert generate_findings_heavy(300, seed=3).files == estate.files
    result = validate_file(write_estate(estate, tmp_path), Overrides(as_of=AS_OF))
    assert result.valid, "\n".join(str(e) for e in result.errors[:10])
    assert result.report is not None
    findings = result.report.findings
    families = {f.rule[:3] for f in findings}
    assert families >= {"FBK", "IAM", "ARC", "DAT", "OWN", "OBS", "EVD", "WVR"}
    assert len(findings) >= 2 * estate.systems
