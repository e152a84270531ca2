"""What every command shares: the console, usage errors, dates, error lists.

Light on purpose: command modules are imported for ``cadee --help``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from cadee.diagnostics import LoadError

__all__ = ["console", "parse_date", "print_errors", "usage_error"]


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    # NO_COLOR is honoured by rich itself; soft wrap keeps one finding on one line.
    # No emoji codes: a location "file:100:3" must not print as "file💯3".
    return Console(stderr=stderr, soft_wrap=True, highlight=False, emoji=False)


def usage_error(message: str) -> typer.Exit:
    """Print ``cadee: error: ...`` to stderr; raise the result (exit code 2)."""
    console(stderr=True).print(f"cadee: error: {message}", markup=False, highlight=False)
    return typer.Exit(2)


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise usage_error(f"{option} must be a date YYYY-MM-DD, got {value[:40]!r}") from None


def print_errors(errors: Sequence[LoadError], stderr: bool = True) -> None:
    """Stage-1 errors, one ``file:line:col: message [path]`` line each."""
    out = console(stderr=stderr)
    for error in errors:
        out.print(str(error), markup=False, highlight=False)
