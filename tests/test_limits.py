"""One test per input limit: a clear error at the limit, and ``[limits]`` in cadee.toml raises it.

Each test writes a small project whose ``cadee.toml`` lowers the limit (so the
inputs stay tiny and fast), checks the error names the limit with
file:line:column, then raises the limit and checks the same input passes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cadee.cli import main
from cadee.yamlload import Limits

HEADER = "cadee: 1\nblueprint: {id: bp, title: Limits}\n"


def validate(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, list[dict[str, object]]]:
    capsys.readouterr()
    code = main(["validate", str(path), "-f", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)["errors"]


def project(tmp_path: Path, limit: str, value: int, files: dict[str, str]) -> Path:
    (tmp_path / "cadee.toml").write_text(f"[limits]\n{limit} = {value}\n", encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / "blueprint.yaml"


def assert_limit_error(
    errors: list[dict[str, object]], limit: str, file: str, line: int, column: int
) -> None:
    matching = [e for e in errors if f"limits.{limit}" in str(e["message"])]
    assert matching, f"no error names limits.{limit}: {errors}"
    error = matching[0]
    assert (Path(str(error["file"])).name, error["line"], error["column"]) == (
        file,
        line,
        column,
    ), error


def test_defaults_are_documented_values() -> None:
    # docs/security.md lists these; a change here must change the table there.
    assert Limits() == Limits(
        max_file_bytes=128 * 1024 * 1024,
        max_depth=64,
        max_scalar_chars=1_000_000,
        max_alias_nodes=1_000_000,
        max_include_files=1_000,
        max_include_depth=32,
    )


def test_file_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = HEADER + "# padding\n" * 100
    path = project(tmp_path, "max_file_bytes", 500, {"blueprint.yaml": text})
    code, errors = validate(capsys, path)
    assert code == 2
    assert_limit_error(errors, "max_file_bytes", "blueprint.yaml", 1, 1)
    assert f"file is {len(text.encode()):,} bytes, above the limit of 500" in str(
        errors[0]["message"]
    )
    project(tmp_path, "max_file_bytes", 10_000, {})
    assert validate(capsys, path)[1] == []


def test_nesting_depth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nested = "[" * 10 + "]" * 10
    path = project(tmp_path, "max_depth", 8, {"blueprint.yaml": HEADER + f"systems: {nested}\n"})
    code, errors = validate(capsys, path)
    assert code == 2
    assert "nesting deeper than 8 levels" in str(errors[0]["message"])
    # The 8th open bracket, counting the document mapping as the first level.
    assert_limit_error(errors, "max_depth", "blueprint.yaml", 3, 17)
    project(tmp_path, "max_depth", 20, {})
    code, errors = validate(capsys, path)
    assert not any(
        "limits.max_depth" in str(e["message"]) for e in errors
    )  # now a type error, not a limit


def test_alias_expansion_budget(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = HEADER + (
        "x-a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    )
    path = project(tmp_path, "max_alias_nodes", 500, {"blueprint.yaml": bomb})
    code, errors = validate(capsys, path)
    assert code == 2
    assert "an alias bomb?" in str(errors[0]["message"])
    # The fourth *b of x-c: 110 nodes from x-b, then 111 per *b.
    assert_limit_error(errors, "max_alias_nodes", "blueprint.yaml", 5, 22)
    project(tmp_path, "max_alias_nodes", 10_000, {})
    code, errors = validate(capsys, path)
    assert not any("alias" in str(e["message"]) for e in errors)
    assert {e["path"] for e in errors} == {"x-a", "x-b", "x-c"}  # unknown keys, reported normally


def test_default_alias_budget_stops_a_billion_laughs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = tmp_path / "blueprint.yaml"
    path.write_text(HEADER + "\n".join(levels) + "\n", encoding="utf-8")
    code, errors = validate(capsys, path)
    assert code == 2
    assert any("limits.max_alias_nodes" in str(e["message"]) for e in errors)


def test_scalar_length(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"blueprint.yaml": HEADER.replace("title: Limits", "title: " + "t" * 300)}
    path = project(tmp_path, "max_scalar_chars", 100, files)
    code, errors = validate(capsys, path)
    assert code == 2
    assert "value is 300 characters long, above the limit of 100" in str(errors[0]["message"])
    assert_limit_error(errors, "max_scalar_chars", "blueprint.yaml", 2, 28)
    project(tmp_path, "max_scalar_chars", 1000, {})
    assert validate(capsys, path)[1] == []


def _chain(count: int) -> dict[str, str]:
    """blueprint.yaml includes c1.yaml, which includes c2.yaml, ... up to c<count>."""
    files = {"blueprint.yaml": HEADER + "include: [c1.yaml]\n"}
    for index in range(1, count + 1):
        include = f"include: [c{index + 1}.yaml]\n" if index < count else ""
        files[f"c{index}.yaml"] = f"cadee: 1\n{include}"
    return files


def test_include_depth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project(tmp_path, "max_include_depth", 3, _chain(6))
    code, errors = validate(capsys, path)
    assert code == 2
    assert "includes nest deeper than 3 files" in str(errors[0]["message"])
    assert_limit_error(errors, "max_include_depth", "c3.yaml", 2, 1)
    project(tmp_path, "max_include_depth", 10, {})
    assert validate(capsys, path)[1] == []


def test_number_of_included_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = [f"part{i}.yaml" for i in range(6)]
    files = {"blueprint.yaml": HEADER + f"include: [{', '.join(names)}]\n"}
    files.update({name: "cadee: 1\n" for name in names})
    path = project(tmp_path, "max_include_files", 4, files)
    code, errors = validate(capsys, path)
    assert code == 2
    assert "more than 4 included files" in str(errors[0]["message"])
    # The fifth entry of the include list (line 3) is the first one over the limit.
    assert_limit_error(errors, "max_include_files", "blueprint.yaml", 3, 59)
    project(tmp_path, "max_include_files", 6, {})
    assert validate(capsys, path)[1] == []


def test_pyproject_tool_cadee_limits_work_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.cadee.limits]\nmax_scalar_chars = 10\n", encoding="utf-8"
    )
    path = tmp_path / "blueprint.yaml"
    path.write_text(HEADER, encoding="utf-8")
    assert validate(capsys, path)[1] == []
    path.write_text(HEADER.replace("Limits", "A title longer than ten"), encoding="utf-8")
    code, errors = validate(capsys, path)
    assert code == 2 and "limits.max_scalar_chars" in str(errors[0]["message"])


@pytest.mark.parametrize(
    "bad", ["0", "-1", '"big"', "1.5", "true", str(2**40 + 1), str(2**63), str(10**30)]
)
def test_a_bad_limit_value_is_a_located_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    (tmp_path / "cadee.toml").write_text(
        f"# limits\n[limits]\nmax_depth = {bad}\n", encoding="utf-8"
    )
    path = tmp_path / "blueprint.yaml"
    path.write_text(HEADER, encoding="utf-8")
    capsys.readouterr()
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    assert code == 2
    assert "cadee.toml:3:1" in captured.out + captured.err
    assert "limits.max_depth` must be a positive integer" in captured.out + captured.err


@pytest.mark.parametrize("days", ["-1", "36501", "3000000", str(2**63)])
def test_max_waiver_days_out_of_range_is_a_located_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], days: str
) -> None:
    """3,000,000 days put a waiver's end past year 9999: "internal error (OverflowError)"."""
    (tmp_path / "cadee.toml").write_text(f"max-waiver-days = {days}\n", encoding="utf-8")
    path = tmp_path / "blueprint.yaml"
    path.write_text(HEADER, encoding="utf-8")
    capsys.readouterr()
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    assert code == 2 and "internal error" not in captured.err
    assert "cadee.toml:1:1" in captured.out
    assert "`max-waiver-days` must be an integer from 0 to 36,500" in captured.out


def test_an_unknown_limit_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cadee.toml").write_text("[limits]\nmax_dept = 3\n", encoding="utf-8")
    path = tmp_path / "blueprint.yaml"
    path.write_text(HEADER, encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert "unknown limit `max_dept`" in captured.out + captured.err
