"""``cadee diff``: what a change does to the architecture, and who must approve it
(docs/pull-requests.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cadee.commands.common import console as _console
from cadee.commands.common import emit as _emit
from cadee.commands.common import parse_date as _parse_date
from cadee.commands.common import print_errors as _print_errors
from cadee.commands.common import usage_error as _usage_error

if TYPE_CHECKING:
    from cadee.diff.sources import Side

NAME = "diff"
HELP = (
    "Show what a change does to the architecture: risk highlights, findings delta, required approvers. "
    "Exit 0: compared, 1: new findings at --fail-on-new or above, 2: invalid blueprint, git or usage error."
)


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class FailOnNew(StrEnum):
    error = "error"
    warning = "warning"


def _sides(arguments: Sequence[str], base: str | None) -> tuple[Side, Side]:
    from cadee.diff.sources import base_side, find_rename, parse_side

    if base is not None:
        if len(arguments) != 1:
            raise _usage_error("with --base REV give exactly one blueprint: cadee diff --base REV PATH")
        old = find_rename(base_side(base, arguments[0]))
        return old, parse_side(arguments[0])
    if len(arguments) != 2:
        raise _usage_error("give two blueprints (cadee diff OLD NEW, each a file or REV:PATH) "
                           "or one with --base REV")
    return parse_side(arguments[0]), parse_side(arguments[1])


def _start(old: Side, new: Side) -> Path:
    """Where the project is looked up: the side on disk, else the current folder."""
    return Path(new.path if new.revision is None else old.path if old.revision is None else ".")


def command(
    first: Annotated[
        str,
        typer.Argument(metavar="OLD", show_default=False,
                       help="The old side: a file, or REV:PATH read through git (origin/main:bank/blueprint.yaml). "
                            "With --base: the file to compare."),
    ],
    second: Annotated[
        str | None,
        typer.Argument(metavar="NEW", show_default=False, help="The new side: a file or REV:PATH."),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option("--base", metavar="REV", show_default=False,
                     help="Compare PATH with itself at this git revision (cadee diff --base origin/main PATH)."),
    ] = None,
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f", help="Report format.")] = DiffFormat.text,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="YYYY-MM-DD", show_default=False,
                     help="Judge waivers on both sides as of this date (default: today)."),
    ] = None,
    fail_on_new: Annotated[
        FailOnNew | None,
        typer.Option("--fail-on-new", show_default=False,
                     help="Exit 1 when the change introduces unwaived findings at this level or above."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", show_default=False, help="Write the report to this file."),
    ] = None,
) -> int:
    """Compare two blueprints. Exit 0: compared, 1: new findings at --fail-on-new or above, 2: invalid blueprint or usage error."""
    date = _parse_date(as_of)
    arguments = [a for a in (first, second) if a is not None]
    return _compare(arguments, base, output_format, date, fail_on_new, output)


def _compare(arguments: list[str], base: str | None, output_format: DiffFormat, date: dt.date | None,
             fail_on_new: FailOnNew | None, output: Path | None) -> int:
    from cadee.diff.sources import SourceError, load_side
    from cadee.project import Project

    try:
        old, new = _sides(arguments, base)
        found = Project.resolve(_start(old, new))
        if found.config_errors:
            _print_errors(found.config_errors)
            return 2
        project, config = found.rules, found.config
        rule_ids = project.keys()
        loaded = []
        for side in (old, new):
            # The cyclic collector is paused for the whole command (cli.main).
            loaded.append(load_side(side, limits=config.limits, known_rules=rule_ids))
    except SourceError as exc:
        raise _usage_error(str(exc)) from None

    invalid = [(role, side.label, result.errors)
               for role, side, result in zip(("old", "new"), (old, new), loaded, strict=True)]
    if any(errors or result.blueprint is None
           for (_, _, errors), result in zip(invalid, loaded, strict=True)):
        from cadee.report import diff as report

        if output_format is DiffFormat.json:
            _emit(report.render_invalid_json(invalid), output)
        elif output_format is DiffFormat.markdown:
            _emit(report.render_invalid_markdown(invalid), output)
        elif output is not None:
            _emit(report.render_invalid_text(invalid).plain, output)
        else:
            _console().print(report.render_invalid_text(invalid), end="")
        return 2

    from cadee.check import CheckOptions
    from cadee.diff import diff_blueprints
    from cadee.report import diff as report

    old_blueprint, new_blueprint = loaded[0].blueprint, loaded[1].blueprint
    assert old_blueprint is not None and new_blueprint is not None
    options = CheckOptions(select=config.select, ignore=config.ignore, severity=config.severity, as_of=date)
    diff = diff_blueprints(old_blueprint, new_blueprint, date, options, project)
    if output_format is DiffFormat.json:
        _emit(report.render_json(diff), output)
    elif output_format is DiffFormat.markdown:
        _emit(report.render_markdown(diff), output)
    elif output is not None:
        _emit(report.render_text(diff).plain, output)
    else:
        _console().print(report.render_text(diff), end="")

    code = 0
    if fail_on_new is not None:
        introduced = diff.findings.introduced(fail_on_new.value)
        if introduced:
            word = "finding" if len(introduced) == 1 else "findings"
            _console(stderr=True).print(
                f"cadee: the change introduces {len(introduced)} unwaived {word} at "
                f"--fail-on-new {fail_on_new.value} or above",
                markup=False, highlight=False)
            code = 1
    return code

