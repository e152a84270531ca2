"""Start-up (issue #21, round 2): a run imports only what it needs, and set-up leaves bytecode.

Structural, never timed: which modules a run imports, that registering one
command changes no output, and that no cadee module is compiled at run time
after ``scripts/bootstrap.sh`` even with ``PYTHONDONTWRITEBYTECODE=1``.
Speed itself is measured by ``python -m benchmarks``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cadee.cli import main
from tests.conftest import CLEAN, REPO

FLAGSHIP = "examples/northwind-bank/blueprint.yaml"

# Runs cadee.cli.main with argv and prints the imported modules, one a line, on stderr.
_MODULES = """
import os, sys
from cadee.cli import main
try:
    main(sys.argv[1:])
finally:
    os.write(2, ("\\nMODULES:" + ",".join(sorted(sys.modules)) + "\\n").encode())
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return {**env, "NO_COLOR": "1", "PYTHONPATH": str(REPO), **extra}


def imported(*args: str, cwd: Path = REPO) -> set[str]:
    """The modules a run of ``cadee ARGS`` imports (output to a pipe, as in pre-commit and CI)."""
    done = subprocess.run(
        [sys.executable, "-c", _MODULES, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_env(),
        check=False,
    )
    marker = done.stderr.rpartition("MODULES:")[2]
    assert marker, done.stderr[-2000:]
    return set(marker.strip().split(","))


def _found(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


#: Imported by a run of one command only when that command needs it.
NOT_FOR_VALIDATE = (
    "rich",
    "jinja2",
    "tomllib",
    "cadee.packs.load",
    "cadee.packs.model",
    "cadee.packs.testing",
    "cadee.render",
    "cadee.diff",
    "cadee.interop",
    "cadee.lsp",
    "cadee.catalog",
    "cadee.schema",
    "cadee.report.json",
    "cadee.report.sarif",
    "cadee.report.diff",
    "cadee.report.simulate",
    "cadee.commands.diff",
    "cadee.commands.render",
    "cadee.commands.rules",
    "cadee.commands.simulate",
    "cadee.commands.export",
    "pygls",
    "graphviz",
    "typst",
    "matplotlib",
)


def test_version_imports_no_command_machinery() -> None:
    modules = imported("--version")
    assert _found(modules, ("typer", "pydantic", "rich", "cadee.commands", "cadee.gcpause")) == []
    bare = subprocess.run(
        [sys.executable, "-c", "import sys; print('typing' in sys.modules)"],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    if bare.stdout.strip() == "False":  # an interpreter whose start-up imports typing already
        assert "typing" not in modules


def test_validate_of_the_flagship_imports_only_what_it_needs() -> None:
    modules = imported("validate", FLAGSHIP)
    assert "cadee.commands.validate" in modules and "cadee.rules" in modules
    assert _found(modules, NOT_FOR_VALIDATE) == []


def test_validate_without_critical_services_imports_no_simulator(tmp_path: Path) -> None:
    """The flagship has critical services (ARC008 runs the simulator); a blueprint without them does not."""
    (tmp_path / "bp.yaml").write_text(CLEAN, encoding="utf-8")
    modules = imported("validate", str(tmp_path / "bp.yaml"), cwd=tmp_path)
    assert _found(modules, ("cadee.simulate", *NOT_FOR_VALIDATE)) == []


def test_a_configuration_and_a_pack_are_still_read(tmp_path: Path) -> None:
    """The lazy imports load the pack machinery and tomllib when a project has them."""
    project = REPO / "examples" / "acme-bank"
    modules = imported("validate", str(project / "blueprint.yaml"))
    assert {"tomllib", "cadee.packs.load"} <= modules


def _help(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


def test_one_registered_command_has_the_help_of_the_whole_program(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``cadee CMD --help`` with only CMD registered is what the full program prints."""
    from cadee import cli

    full = cli._app(["--help"])
    names = cli._names(full)
    assert {"validate", "import", "rules", "explain"} <= names
    only: list[str] = []
    for name in sorted(names):
        code, alone = _help([name, "--help"], capsys)
        with pytest.raises(SystemExit) as done:
            full(args=[name, "--help"], prog_name="cadee", standalone_mode=True)
        assert (code, alone) == (done.value.code, capsys.readouterr().out), name
        if cli._names(cli._app([name, "--help"])) == {name}:
            only.append(name)
    # Only the invoked command was registered for the commands named after their module.
    assert {"validate", "import", "diff", "render", "simulate", "status", "schema"} <= set(only)


def test_the_program_help_and_unknown_commands_see_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for args in (["--help"], ["--help", "validate"], ["-h"]):
        code, out = _help(args, capsys)
        listed = out.partition("Commands:")[2]
        assert code == 0 and "validate" in listed and "explain" in listed and "rules" in listed
    assert main(["validat"]) == 2
    assert "Did you mean 'validate'?" in capsys.readouterr().err


def test_show_prints_plain_text_when_piped_and_styles_for_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cadee.commands.common import show
    from cadee.report.styled import Styled

    text = Styled().append("a.yaml:1:1: ", style="bold").append("error", style="bold red")
    text.append(" message")
    line = Styled().append("  ").append_text(text)
    line.stylize("dim")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    show(line)
    assert capsys.readouterr().out == "  a.yaml:1:1: error message\n"
    monkeypatch.setenv("FORCE_COLOR", "1")
    show(line)
    styled = capsys.readouterr().out
    assert "\x1b[" in styled and "\x1b[1;2;31merror" in styled
    rich = line.rich()
    assert rich.plain == line.plain
    assert [(s.start, s.end, s.style) for s in rich.spans] == [
        (2, 14, "bold"),
        (14, 19, "bold red"),
        (0, 27, "dim"),
    ]


# -- bytecode after set-up ---------------------------------------------------------------------

# Runs `cadee validate` and prints the cadee modules compiled from source (no usable bytecode).
_COMPILED = """
import importlib.machinery, os, sys
compiled = []
original = importlib.machinery.SourceFileLoader.source_to_code
def source_to_code(self, data, path, *args, **kwargs):
    if self.name.split(".")[0] == "cadee":
        compiled.append(self.name)
    return original(self, data, path, *args, **kwargs)
importlib.machinery.SourceFileLoader.source_to_code = source_to_code
from cadee.cli import main
try:
    main(sys.argv[1:])
finally:
    os.write(2, ("\\nCOMPILED:" + ",".join(compiled) + "\\n").encode())
"""


def _bootstrap_compile_command() -> list[str]:
    """The line of scripts/bootstrap.sh that writes cadee's bytecode."""
    script = (REPO / "scripts" / "bootstrap.sh").read_text(encoding="utf-8")
    lines = [line for line in script.splitlines() if "-m compileall" in line]
    assert len(lines) == 1, "scripts/bootstrap.sh writes cadee's bytecode in one step"
    words = shlex.split(lines[0])
    assert words[0] == ".venv/bin/python" and words[-1] == "cadee", words
    return [sys.executable, *words[1:]]


def _compiled_at_run_time(root: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _COMPILED, "validate", str(REPO / FLAGSHIP)],
        capture_output=True,
        text=True,
        cwd=root,
        env=_env(PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1"),
        check=False,
    )
    marker = done.stderr.rpartition("COMPILED:")[2]
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return [m for m in marker.strip().split(",") if m]


def test_set_up_leaves_bytecode_whatever_pythondontwritebytecode_says(tmp_path: Path) -> None:
    """An editable install imports cadee from the checkout: without bytecode written by
    set-up, PYTHONDONTWRITEBYTECODE=1 (common in containers) compiles every module on
    every run. The copy has no bytecode; bootstrap's step writes it, and then a run
    compiles nothing."""
    root = tmp_path / "checkout"
    shutil.copytree(REPO / "cadee", root / "cadee", ignore=shutil.ignore_patterns("__pycache__"))
    assert "cadee.validate" in _compiled_at_run_time(root)  # the problem, without the step
    done = subprocess.run(
        _bootstrap_compile_command(),
        cwd=root,
        env=_env(PYTHONDONTWRITEBYTECODE="1"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert _compiled_at_run_time(root) == []


def test_a_piped_report_comes_before_the_verdict_on_standard_error() -> None:
    """Plain output is flushed as rich flushes it: in a CI log (``2>&1``, block-buffered
    standard output) the verdict on standard error still follows the report."""
    env = _env()
    env.pop("PYTHONUNBUFFERED", None)
    done = subprocess.run(
        [sys.executable, "-m", "cadee", "simulate", FLAGSHIP, "--all", "--fail-under", "100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
        env=env,
        check=False,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 1 and lines[-1].startswith("cadee: resilience score"), lines[-3:]
    assert any(line.startswith("service score:") for line in lines[:-1])
