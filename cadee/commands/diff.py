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
from cadee.commands.common import keep_until_exit
from cadee.commands.common import parse_date as _parse_date
from cadee.commands.common import print_errors as _print_errors
from cadee.commands.common import show as _show
from cadee.commands.common import usage_error as _usage_error

if TYPE_CHECKING:
    from cadee.diff.sources import Side
    from cadee.project import Project

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
            raise _usage_error(
                "with --base REV give exactly one blueprint: cadee diff --base REV PATH"
            )
        old = find_rename(base_side(base, arguments[0]))
        return old, parse_side(arguments[0])
    if len(arguments) != 2:
        raise _usage_error(
            "give two blueprints (cadee diff OLD NEW, each a file or REV:PATH) "
            "or one with --base REV"
        )
    return parse_side(arguments[0]), parse_side(arguments[1])


def _project(side: Side) -> Project:
    """The project of one side as it is on that side: on disk, or at the side's revision
    (configuration, rule packs and plugins read with git, never from the work tree)."""
    from cadee.project import Project

    if side.revision is None:
        return Project.resolve(Path(side.path))
    return Project.at_revision(side.revision, side.path, git_dir=side.git_dir)


def command(
    ctx: typer.Context,
    first: Annotated[
        str,
        typer.Argument(
            metavar="OLD",
            show_default=False,
            help="The old side: a file, or REV:PATH read through git (origin/main:bank/blueprint.yaml). "
            "With --base: the file to compare.",
        ),
    ],
    second: Annotated[
        str | None,
        typer.Argument(metavar="NEW", show_default=False, help="The new side: a file or REV:PATH."),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REV",
            show_default=False,
            help="Compare PATH with itself at this git revision (cadee diff --base origin/main PATH).",
        ),
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="Report format.")
    ] = DiffFormat.text,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            show_default=False,
            help="Judge waivers on both sides as of this date (default: today).",
        ),
    ] = None,
    fail_on_new: Annotated[
        FailOnNew | None,
        typer.Option(
            "--fail-on-new",
            show_default=False,
            help="Exit 1 when the change introduces unwaived findings at this level or above.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", show_default=False, help="Write the report to this file."),
    ] = None,
) -> int:
    """Compare two blueprints. Exit 0: compared, 1: new findings at --fail-on-new or above, 2: invalid blueprint or usage error."""
    date = _parse_date(as_of)
    arguments = [a for a in (first, second) if a is not None]
    return _compare(ctx, arguments, base, output_format, date, fail_on_new, output)


def _compare(
    ctx: typer.Context,
    arguments: list[str],
    base: str | None,
    output_format: DiffFormat,
    date: dt.date | None,
    fail_on_new: FailOnNew | None,
    output: Path | None,
) -> int:
    from cadee.diff.sources import SharedParses, SourceError, load_side

    try:
        old, new = _sides(arguments, base)
        projects = [_project(old), _project(new)]
        errors = [e for p in projects for e in p.config_errors]
        if errors:
            _print_errors(errors)
            return 2
        loaded = []
        shared = SharedParses()  # a file with the same bytes on both sides is parsed once
        for side, project in zip((old, new), projects, strict=True):
            # The cyclic collector is paused for the whole command (cli.main).
            loaded.append(
                load_side(
                    side, limits=project.limits, known_rules=project.rules.keys(), shared=shared
                )
            )
        shared.clear()
    except SourceError as exc:
        raise _usage_error(str(exc)) from None

    invalid = [
        (role, side.label, result.errors)
        for role, side, result in zip(("old", "new"), (old, new), loaded, strict=True)
    ]
    if any(
        errors or result.blueprint is None
        for (_, _, errors), result in zip(invalid, loaded, strict=True)
    ):
        from cadee.report import diff as report

        if output_format is DiffFormat.json:
            _emit(report.render_invalid_json(invalid), output)
        elif output_format is DiffFormat.markdown:
            _emit(report.render_invalid_markdown(invalid), output)
        elif output is not None:
            _emit(report.render_invalid_text(invalid).plain, output)
        else:
            _show(report.render_invalid_text(invalid), end="")
        return 2

    from cadee.diagnostics import at_or_above
    from cadee.diff import RuleSet, diff_blueprints
    from cadee.report import diff as report

    old_blueprint, new_blueprint = loaded[0].blueprint, loaded[1].blueprint
    assert old_blueprint is not None and new_blueprint is not None
    old_rules, new_rules = (RuleSet(p.config, p.rules, p.config.path) for p in projects)
    diff = diff_blueprints(
        old_blueprint, new_blueprint, date, old_rules=old_rules, new_rules=new_rules
    )
    keep_until_exit(ctx, loaded, diff)
    if output_format is DiffFormat.json:
        _emit(report.render_json(diff), output)
    elif output_format is DiffFormat.markdown:
        _emit(report.render_markdown(diff), output)
    elif output is not None:
        _emit(report.render_text(diff).plain, output)
    else:
        _show(report.render_text(diff), end="")

    code = 0
    if fail_on_new is not None:
        introduced = diff.findings.introduced(fail_on_new.value)
        hidden = [f for f in diff.hidden if at_or_above(f.severity, fail_on_new.value)]
        if introduced or hidden:
            parts = []
            if introduced:
                word = "finding" if len(introduced) == 1 else "findings"
                parts.append(f"introduces {len(introduced)} unwaived {word}")
            if hidden:
                word = "finding" if len(hidden) == 1 else "findings"
                parts.append(f"hides {len(hidden)} {word} by configuration")
            _console(stderr=True).print(
                f"cadee: the change {' and '.join(parts)} at --fail-on-new {fail_on_new.value} or above",
                markup=False,
                highlight=False,
            )
            code = 1
    return code
