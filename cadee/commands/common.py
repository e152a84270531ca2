"""What every command shares: the command contract, usage errors, lists, dates, output.

The command contract (see :mod:`cadee.commands`): a command is a function that
returns its exit code; a usage error is raised as :func:`usage_error` and
becomes ``cadee: error: ...`` on standard error with exit code 2 (in
:func:`as_typer`, the one place that turns an exit code into typer's exit).

Where output goes, one rule for all commands (as linters do: ruff, yamllint,
mypy): the *report* of a run, including the errors of an input that is not a
valid blueprint, goes to standard output, in the format the user asked for,
so ``cadee ... > report.txt`` and a CI log always hold the verdict;
standard error carries only cadee's own messages (usage errors, notes, the
``--fail-under``/``--fail-on-new`` verdict). An invalid blueprint is printed
by :func:`print_invalid`, the one way: ``cadee validate``'s report.

Light on purpose: command modules are imported for ``cadee --help``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from cadee.diagnostics import LoadError
    from cadee.report.styled import Styled
    from cadee.validate import BlueprintResult

__all__ = [
    "Stop",
    "UsageError",
    "as_typer",
    "cannot_write",
    "console",
    "emit",
    "parse_date",
    "print_errors",
    "print_invalid",
    "print_invalid_json",
    "show",
    "split_values",
    "usage_error",
]


class UsageError(Exception):
    """A command cannot run as asked: ``cadee: error: MESSAGE``, exit 2."""


class Stop(Exception):
    """End the command with ``code``; what to say was already printed (a helper's way out)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def usage_error(message: str) -> UsageError:
    """The error to raise for a usage problem (printed by :func:`as_typer`)."""
    return UsageError(message)


def as_typer(command: Callable[..., int | None]) -> Callable[..., None]:
    """``command`` (returning its exit code) as a typer callback, which ends with ``typer.Exit``.

    typer reads the options from ``command``'s signature (kept by ``functools.wraps``).
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
        except UsageError as exc:
            # Messages quote user text (a file name, a revision, a template's include):
            # shown as escapes, never as terminal sequences (text.terminal).
            from cadee.text import terminal

            message = terminal(f"cadee: error: {exc}", keep="\n")
            console(stderr=True).print(message, markup=False, highlight=False)
            code = 2
        except Stop as stop:
            code = stop.code
        if code is not None:  # None: a group's callback before its subcommand runs
            raise typer.Exit(code)

    return run


def keep_until_exit(ctx: typer.Context, *objects: object) -> None:
    """Hand ``objects`` (a run's blueprints, graphs, findings) to ``cli.main``.

    A command's data is freed when the command returns, just before the
    ``cadee`` program exits without tearing anything down (``cli.main``'s fast
    exit): on the 10k findings-heavy estate freeing the models and 46,000
    findings one by one was 60-150 ms of CPU, for nothing. ``cli.main`` holds
    what it is given until it returns or ends the process; run in-process
    (tests, the language server), it is freed when ``main`` returns.
    """
    kept = ctx.find_root().obj
    if isinstance(kept, list):
        kept.extend(objects)


def console(stderr: bool = False, width: int | None = None) -> Console:
    from rich.console import Console

    # NO_COLOR is honoured by rich itself; soft wrap keeps one finding on one line.
    # No emoji codes: a location "file:100:3" must not print as "file💯3".
    return Console(stderr=stderr, soft_wrap=True, highlight=False, emoji=False, width=width)


def show(text: Styled, *, stderr: bool = False, end: str = "\n") -> None:
    """Print a styled report: in colour on a terminal (through rich), else as plain text.

    Output to a pipe, a file or a CI log (pre-commit, CI) is exactly what rich
    would print there, the text without styles, written without importing rich
    (about 15 ms of start-up). rich is used whenever it could print styles: a
    terminal, or ``FORCE_COLOR``/``TTY_COMPATIBLE`` set.
    """
    stream = sys.stderr if stderr else sys.stdout
    if _plain(stream):
        stream.write(text.plain + end)
        stream.flush()  # as rich does: a report comes before what follows on standard error
    else:
        console(stderr=stderr).print(text.rich(), end=end)


def _plain(stream: Any) -> bool:
    """Whether rich would print no styles on ``stream`` (it is no terminal and nothing forces one)."""
    if "FORCE_COLOR" in os.environ or os.environ.get("TTY_COMPATIBLE"):
        return False
    try:
        return not stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def split_values(values: Sequence[str] | None) -> list[str]:
    """Repeatable, comma-separated option values as one list (``-f md,pdf -f svg``)."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise usage_error(f"{option} must be a date YYYY-MM-DD, got {value[:40]!r}") from None


def emit(text: str, output: Path | None, *, overwrite: bool = True, command: str = "cadee") -> None:
    """The output of a command: to ``output`` (atomically; never replacing an existing file
    when ``overwrite`` is false), else to standard output."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        if overwrite:
            from cadee.files import write_atomic

            write_atomic(output, text)
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            stream = output.open("x", encoding="utf-8", newline="\n")
        except FileExistsError:
            raise usage_error(f"{output} already exists; {command} never overwrites") from None
        with stream:
            stream.write(text)
    except OSError as exc:
        raise cannot_write(output, exc) from None


def cannot_write(target: Path, exc: OSError) -> UsageError:
    """The usage error for output that could not be written (a missing or read-only
    place, a full disk): ``cannot write TARGET: reason``, the one wording."""
    return usage_error(f"cannot write {target}: {exc.strerror or exc}")


def print_invalid(results: Sequence[BlueprintResult]) -> None:
    """Blueprints that are not valid, as ``cadee validate`` reports them, on standard output."""
    from cadee.report.text import render_text

    show(render_text(results), end="")


def print_invalid_json(result: BlueprintResult) -> None:
    """A blueprint that is not valid, for a command asked for JSON: ``blueprint``,
    ``valid`` and ``errors`` as ``cadee validate -f json`` writes them, on standard output."""
    from cadee.report.json import result_to_dict
    from cadee.text import json_text

    data = result_to_dict(result)
    sys.stdout.write(json_text({key: data[key] for key in ("blueprint", "valid", "errors")}))


def print_errors(errors: Sequence[LoadError], *, stderr: bool = False) -> None:
    """Errors of a configuration or rule pack (no blueprint to name), one
    ``file:line:col: error message [path]`` line each, on standard output
    (standard error when standard output holds a machine-readable document)."""
    from cadee.report.text import error_line

    for error in errors:
        show(error_line(error), stderr=stderr)
