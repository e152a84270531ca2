"""The command line: a thin typer layer over the library.

Only this module parses arguments, reads options from the environment and
writes to the terminal or to files. Heavy modules (pydantic, networkx) are
imported inside the commands so ``cadee --version`` and ``--help`` stay fast.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from cadee import __version__
from cadee.commands.common import console as _console
from cadee.commands.common import parse_date as _parse_date
from cadee.commands.common import print_errors as _print_errors
from cadee.commands.common import usage_error as _fail

app = typer.Typer(
    name="cadee",
    help="Architecture as code for AI customer service in regulated enterprises.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    gitlab = "gitlab"
    github = "github"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cadee {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """cadee checks AI customer-service architectures (blueprints) against the CADEE rules."""


def _split(values: Sequence[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _check_selectors(option: str, selectors: tuple[str, ...] | None, rule_ids: Sequence[str]) -> None:
    for selector in selectors or ():
        if not any(rid.startswith(selector.upper()) for rid in rule_ids):
            raise _fail(f"{option} {selector[:40]!r} matches no rule (see `cadee rules`)")


def _write(path: Path, text: str) -> None:
    """Write a report file atomically (devices such as /dev/null directly)."""
    from cadee.files import write_atomic

    write_atomic(path, text)


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH", help="Blueprint files, or folders to search for blueprints.", show_default=False)],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format: text, json, sarif (code scanning), junit (test reports), gitlab (Code Quality), github (workflow annotations).")] = OutputFormat.text,
    fail_on: Annotated[FailOn | None, typer.Option("--fail-on", help="Lowest severity that fails the run (default: error, or the project's fail-on).", show_default=False)] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these rule IDs or prefixes (comma-separated, repeatable).", show_default=False)] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these rule IDs or prefixes.", show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="YYYY-MM-DD", help="Judge waivers as of this date (default: today).", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of the terminal.", show_default=False)] = None,
    reports: Annotated[list[str] | None, typer.Option("--report", metavar="FORMAT=FILE", help="Also write a report in FORMAT to FILE (repeatable), e.g. --report sarif=cadee.sarif --report junit=cadee.xml.", show_default=False)] = None,
) -> int:
    """Check blueprints against the CADEE rules. Exit 0: pass, 1: findings at or above the fail level, 2: invalid blueprint or usage error."""
    from cadee.rules import RULES
    from cadee.validate import (
        BlueprintResult,
        Overrides,
        PackCache,
        discover,
        exit_code,
        project_rules,
        validate_file,
    )

    selected = _split(select)
    ignored = _split(ignore)
    extra_reports: list[tuple[OutputFormat, Path]] = []
    known = [f.value for f in OutputFormat]
    for spec in reports or ():
        name, sep, file = spec.partition("=")
        if not sep or not file or name.strip().lower() not in known:
            raise _fail(f"--report expects FORMAT=FILE with FORMAT one of {', '.join(known)}, got {spec[:60]!r}")
        extra_reports.append((OutputFormat(name.strip().lower()), Path(file)))
    overrides = Overrides(
        select=tuple(s.upper() for s in selected) if selected is not None else None,
        ignore=tuple(s.upper() for s in ignored) if ignored is not None else None,
        fail_on=fail_on.value if fail_on is not None else None,
        as_of=_parse_date(as_of),
    )
    files, missing = discover(paths)
    if not files and not missing:
        raise _fail("no blueprint found (a blueprint is a YAML file with top-level `cadee` and `blueprint` keys)")
    packs = PackCache()  # each rule pack is read once per run
    if selected or ignored:
        # Pack and plugin rules can be selected too: check against every project's rules.
        rule_ids = set(RULES)
        for path in files:
            rule_ids.update(project_rules(path, cache=packs).rules)
        _check_selectors("--select", selected, sorted(rule_ids))
        _check_selectors("--ignore", ignored, sorted(rule_ids))
    results = [validate_file(path, overrides, cache=packs) for path in files]
    code = exit_code(results, missing)
    # CI formats report a missing path like an invalid blueprint, so the pipeline shows why it failed.
    ci_results = [BlueprintResult(e.location.file, [e], None) for e in missing] + results

    def render(fmt: OutputFormat) -> str:
        if fmt is OutputFormat.text:
            from cadee.report.text import render_text

            return render_text(results, missing).plain
        if fmt is OutputFormat.json:
            from cadee.report.json import render_json

            return render_json(results)
        if fmt is OutputFormat.junit:
            from cadee.report.junit import render_junit

            return render_junit(ci_results)
        from cadee.report.github import render_github
        from cadee.report.gitlab import render_gitlab
        from cadee.report.sarif import RepositoryPaths, find_repository_root, render_sarif

        cwd = Path.cwd()
        start = files[0] if files else cwd
        repository = RepositoryPaths(cwd, find_repository_root(start, cwd))
        if fmt is OutputFormat.sarif:
            return render_sarif(ci_results, repository)
        if fmt is OutputFormat.gitlab:
            return render_gitlab(ci_results, repository)
        return render_github(ci_results, repository)

    def write(target: Path, text: str) -> None:
        try:
            _write(target, text)
        except OSError as exc:
            raise _fail(f"cannot write {target}: {exc.strerror or exc}") from None

    for fmt, target in extra_reports:
        write(target, render(fmt))
    if missing and output_format is OutputFormat.json:
        _print_errors(missing)
    if output_format is OutputFormat.text and output is None:
        from cadee.report.text import render_text

        _console().print(render_text(results, missing), end="")
    elif output is not None:
        write(output, render(output_format))
    else:
        sys.stdout.write(render(output_format))
    raise typer.Exit(code)


# `cadee rules` (a group: the catalog, and `rules test`) and `cadee explain` live in
# cadee/commands/rules.py: both see pack and plugin rules.
from cadee.commands import rules as _rules  # noqa: E402

app.add_typer(_rules.app, name="rules", help=_rules.HELP)
app.command("explain", help=_rules.EXPLAIN_HELP)(_rules.explain)


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the schema to this file.", show_default=False)] = None,
) -> int:
    """Print the blueprint's JSON Schema (for editors and yaml-language-server)."""
    from cadee.schema import schema_json

    text = schema_json()
    if output is not None:
        _write(output, text)
    else:
        sys.stdout.write(text)
    return 0


@app.command()
def init(
    dest: Annotated[Path, typer.Argument(help="File (or folder) to create.")] = Path("blueprint.yaml"),
    pattern: Annotated[str, typer.Option("--pattern", "-p", help="Starter pattern (see --list).")] = "financial-services",
    list_patterns: Annotated[bool, typer.Option("--list", help="List the available patterns and exit.")] = False,
) -> int:
    """Write a starter blueprint from a reusable pattern; never overwrites."""
    from cadee.patterns import find_pattern, patterns

    available = patterns()
    if list_patterns:
        for name, path in available.items():
            typer.echo(f"{name}\t{path.name}")
        return 0
    source = find_pattern(pattern)
    if source is None:
        raise _fail(f"unknown pattern {pattern[:40]!r}; available: {', '.join(available)}")
    target = dest / "blueprint.yaml" if dest.is_dir() else dest
    if target.exists():
        raise _fail(f"{target} already exists; cadee init never overwrites (choose another path)")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as stream:
            stream.write(source.read_text(encoding="utf-8"))
    except FileExistsError:
        raise _fail(f"{target} already exists; cadee init never overwrites") from None
    typer.echo(f"wrote {target} from pattern {pattern}; next: cadee validate {target}")
    return 0


# -- commands from cadee/commands/ (one line each; keep alphabetical) -------------
from cadee.commands import diff, export, import_, render, simulate  # noqa: E402

app.command("diff", help=diff.HELP)(diff.command)
app.command("export", help=export.HELP)(export.command)
app.command("import", help=import_.HELP)(import_.command)
app.command("render", help=render.HELP)(render.command)
app.command("simulate", help=simulate.HELP)(simulate.command)

def main(argv: Sequence[str] | None = None, *, fast_exit: bool = False) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``); return the exit code.

    ``fast_exit=True`` (the ``cadee`` program itself) ends the process as soon
    as the output is flushed, with :func:`os._exit`, while the command's data
    is still referenced: tearing down the objects of a large estate one by
    one, and a final collection over them, only costs time when the process
    exits anyway (mypy does the same). Commands clean up their temporary files
    before they return, so nothing is left behind.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    from cadee.gcpause import gc_paused

    code = 0
    try:
        if args in (["--version"], ["-V"]):  # fast path: no command machinery at all
            from cadee.accelerator import fast_path_status

            sys.stdout.write(f"cadee {__version__} (YAML fast path: {fast_path_status()})\n")
            sys.stdout.flush()
            return 0
        # Commands build large acyclic trees: the cyclic collector only costs time.
        with gc_paused(restore=not fast_exit):
            app(args=args, prog_name="cadee", standalone_mode=True)
    except SystemExit as exc:
        if exc.code is not None:
            code = exc.code if isinstance(exc.code, int) else 2
        if fast_exit:
            _exit_process(code)
    except KeyboardInterrupt:
        sys.stderr.write("cadee: interrupted\n")
        code = 130
    except BrokenPipeError:
        code = 0
    except Exception as exc:  # a bug in cadee: one clear line, never a traceback
        if os.environ.get("CADEE_DEBUG"):
            raise
        if isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS:
            _say_cannot_write(exc)  # a full disk or failing device, not a bug
        else:
            _say(
                f"cadee: internal error ({type(exc).__name__}); please report it with the input. "
                "Set CADEE_DEBUG=1 to see the traceback.\n"
            )
        code = 2
    if fast_exit:
        _exit_process(code)
    return code


def _exit_process(code: int) -> NoReturn:
    """Flush the standard streams and end the process at once (see ``main``).

    Output that cannot be written is an error (exit 2), except a reader that
    stopped early (``| head``), which is not a failure of cadee.
    """
    if sys.stdout is not None:  # None when the program was started with stdout closed
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError) as exc:
            _say_cannot_write(exc)
            code = 2
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
    os._exit(code)


#: Errors of writing output that are the machine's, not cadee's (full disk, quota, I/O).
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _say(message: str) -> None:
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(message)


def _say_cannot_write(exc: Exception) -> None:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    _say(f"cadee: cannot write the output: {reason}\n")


def run() -> None:
    """Console-script entry point."""
    # Started with a standard stream closed (`cadee ... >&-`): Python leaves it None;
    # what would go there goes nowhere, as with > /dev/null.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives until exit
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.exit(main(fast_exit=True))
