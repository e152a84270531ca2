"""The command layer (cadee/commands/, cadee/cli.py) and the defects of issue 15 item 6."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cadee.cli import main
from tests.conftest import CLEAN, REPO

COMMANDS = REPO / "cadee" / "commands"
BROKEN = """\
cadee: 1
blueprint: {id: bp, title: T, owner: ops}
owners: [{id: ops, name: Ops, function: operations}]
systems:
  - {id: a, kind: agnet, owner: opps}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path


# -- the layer -------------------------------------------------------------------------------------


def test_every_command_is_a_module_and_cli_only_registers_them() -> None:
    import typer

    from cadee.cli import _register

    app = typer.Typer()
    _register(app)
    names = {command.name for command in app.registered_commands} | {
        g.name for g in app.registered_groups
    }
    assert names == {
        "diff",
        "explain",
        "export",
        "import",
        "init",
        "render",
        "rules",
        "lsp",
        "schema",
        "simulate",
        "status",
        "validate",
    }
    tree = ast.parse((REPO / "cadee" / "cli.py").read_text(encoding="utf-8"))
    decorated = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any("command" in ast.unparse(d) for d in node.decorator_list)
    ]
    assert decorated == []


def test_a_new_command_is_one_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    from typer.testing import CliRunner

    import cadee.commands
    from cadee.cli import _register

    extra = tmp_path / "commands"
    extra.mkdir()
    (extra / "hello.py").write_text(
        'NAME = "hello"\nHELP = "Say hello."\n\n\ndef command(name: str = "world") -> int:\n'
        '    print(f"hello {name}")\n    return 3\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(cadee.commands, "__path__", [*cadee.commands.__path__, str(extra)])
    app = typer.Typer()
    _register(app)
    result = CliRunner().invoke(app, ["hello", "--name", "you"])
    assert (result.exit_code, result.output) == (3, "hello you\n")
    sys.modules.pop("cadee.commands.hello", None)


def test_command_modules_do_not_import_the_cli() -> None:
    for path in COMMANDS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "from cadee.cli" not in text and "import cadee.cli" not in text, path.name


@pytest.mark.parametrize("path", sorted(COMMANDS.glob("*.py")), ids=lambda p: p.name)
def test_commands_return_their_exit_code(path: Path) -> None:
    """No command ends with ``raise typer.Exit``: the exit code is the return value."""
    assert "typer.Exit(" not in path.read_text(encoding="utf-8") or path.name == "common.py"


def test_comma_lists_are_split_in_one_place() -> None:
    from cadee.commands.common import split_values

    assert split_values(["a, b", "c", ",", " d ,"]) == ["a", "b", "c", "d"]
    assert split_values(None) == []
    sources = "".join(
        p.read_text(encoding="utf-8") for p in COMMANDS.glob("*.py") if p.name != "common.py"
    )
    assert 'split(",")' not in sources


def test_cannot_write_the_output_is_handled_in_one_place(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "bp.yaml").write_text(CLEAN, encoding="utf-8")
    (in_tmp / "folder").mkdir()
    for args in (
        ["schema", "-o", "folder"],
        ["validate", "bp.yaml", "-o", "folder"],
        ["export", "bp.yaml", "--to", "dot", "-o", "folder"],
    ):
        code, _out, err = run(capsys, *args)
        assert code == 2 and err.startswith("cadee: error: cannot write folder"), (args, err)
    sources = "".join(
        p.read_text(encoding="utf-8") for p in COMMANDS.glob("*.py") if p.name != "common.py"
    )
    assert "cannot write" not in sources


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "bp.yaml"],
        ["export", "bp.yaml", "--to", "dot"],
        ["simulate", "bp.yaml", "--all"],
        ["render", "bp.yaml", "--out", "out", "-f", "md"],
        ["status", "bp.yaml"],
    ],
)
def test_an_invalid_blueprint_is_printed_one_way_on_standard_output(
    args: list[str], in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "bp.yaml").write_text(BROKEN, encoding="utf-8")
    code, out, err = run(capsys, *args)
    assert code == 2 and err == ""
    assert out.startswith(
        "bp.yaml: invalid blueprint (2 errors)\nbp.yaml:5:19: error `kind` must be one of"
    )
    assert out.endswith("1 of 1 blueprint invalid; no rules ran\n")


def test_diff_prints_an_invalid_side_on_standard_output(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "old.yaml").write_text(CLEAN, encoding="utf-8")
    (in_tmp / "new.yaml").write_text(BROKEN, encoding="utf-8")
    code, out, err = run(capsys, "diff", "old.yaml", "new.yaml")
    assert code == 2 and err == ""
    assert out.startswith("new side new.yaml: invalid blueprint (2 errors)\nnew.yaml:5:19: error")


# -- issue 15 item 6: the defects ------------------------------------------------------------------


def test_every_stage_1_error_of_an_item_in_one_run(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "bp.yaml").write_text(BROKEN, encoding="utf-8")
    code, out, _ = run(capsys, "validate", "bp.yaml")
    assert code == 2
    assert "bp.yaml:5:19: error `kind` must be one of" in out
    assert "bp.yaml:5:33: error unknown owner 'opps'; did you mean 'ops'? [systems[0].owner]" in out


def test_a_placeholder_kind_raises_no_second_error(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "bp.yaml").write_text(
        "cadee: 1\nblueprint: {id: bp, title: T}\nsystems: [{id: idp, kind: identity-providr}]\n"
        "boundaries: [{id: corp, trust: internal, identity_provider: idp}]\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "validate", "bp.yaml")
    assert (
        code == 2
        and "invalid blueprint (1 error)" in out
        and "must be of kind identity-provider" not in out
    )


def test_init_into_a_folder_that_does_not_exist_yet(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "init", "hc/", "--pattern", "healthcare")
    assert code == 0 and (in_tmp / "hc" / "blueprint.yaml").is_file()
    assert out.startswith("wrote hc/blueprint.yaml from pattern healthcare")
    assert run(capsys, "init", "hc/")[0] == 2  # never overwrites
    code, _, _ = run(capsys, "init", "plain.yaml")
    assert code == 0 and (in_tmp / "plain.yaml").is_file()


def test_explain_suggests_a_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "FBK01")
    assert (
        code == 2
        and err
        == "cadee: error: unknown rule 'FBK01'; did you mean 'FBK001'? (see `cadee rules`)\n"
    )
    assert "did you mean 'gateway-mediation'?" in run(capsys, "explain", "gateway-mediaton")[2]
    assert "did you mean" not in run(capsys, "explain", "XYZ999")[2]


def test_invalid_blueprints_do_not_read_as_checked(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "bad.yaml").write_text(BROKEN, encoding="utf-8")
    (in_tmp / "good.yaml").write_text(CLEAN, encoding="utf-8")
    out = run(capsys, "validate", "bad.yaml")[1]
    assert out.endswith("\n1 of 1 blueprint invalid; no rules ran\n") and "checked" not in out
    out = run(capsys, "validate", "bad.yaml", "good.yaml")[1]
    assert out.endswith(
        "\n1 of 2 blueprints invalid (no rules ran on it); "
        "checked: 0 errors, 0 warnings, 0 info, 0 waived in 1 blueprint\n"
    )
    out = run(capsys, "validate", "bad.yaml", "-f", "github")[1]
    assert out.endswith("\ncadee: 1 of 1 blueprint invalid; no rules ran\n")


def test_the_rule_catalog_keeps_full_text_when_piped(in_tmp: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "60"}
    done = subprocess.run(
        [sys.executable, "-m", "cadee", "rules"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    from cadee.rules import RULES

    for rule in RULES.values():
        line = next(line for line in done.stdout.splitlines() if f" {rule.id} " in line)
        assert rule.summary in line and rule.name in line


_DOC = """Models name their vendor.

## What it does

Flags models without a vendor.

## Why it matters

Procurement.

## How to fix

Name the vendor.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems: [{id: m, kind: model}]
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems: [{id: m, kind: model, vendor: V}]
```
"""


def _plugins(fires: bool) -> Any:
    from cadee.packs.plugins import Plugins
    from cadee.rules.base import rule

    @rule(
        id="DEMO001",
        name="model-vendor",
        severity="warning",
        layer="data",
        references=("P-1",),
        doc=_DOC,
    )
    def made(self: Any, graph: Any) -> Iterator[Any]:
        for system in graph.blueprint.systems:
            if fires and system.kind == "model" and system.vendor is None:
                yield self.finding(
                    system.id, f"model '{system.id}' names no vendor", system.location
                )

    import dataclasses

    return Plugins((dataclasses.replace(made, source="plugin demo 0.1"),), ())


@pytest.mark.parametrize("fires", [True, False])
def test_rules_test_runs_the_examples_of_plugin_rules(
    fires: bool, in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cadee.packs.plugins

    monkeypatch.setattr(cadee.packs.plugins, "installed_plugins", lambda: _plugins(fires))
    code, out, err = run(capsys, "rules", "test")
    assert out.startswith("plugin demo 0.1: 1 rule\n"), out + err
    if fires:
        assert (
            code == 0 and "  ok    DEMO001 model-vendor: failing example fires 1 finding (m)" in out
        )
    else:
        assert (
            code == 1
            and "  FAIL  DEMO001 model-vendor\n    the failing example does not fire the rule"
            in out
        )
        assert out.endswith("1 rule tested (2 examples): 0 passed, 1 failed\n")


def test_the_custom_rules_doc_says_select_takes_pack_and_plugin_rules() -> None:
    text = (REPO / "docs" / "custom-rules.md").read_text(encoding="utf-8")
    assert "accept built-in\n  rule IDs and prefixes only" not in text
    assert "(`--select ACME001`" in text
