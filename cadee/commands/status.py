"""``cadee status``: the decision loop in the terminal (spec 1.1 part A, docs/decisions.md)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cadee.commands.common import console as _console
from cadee.commands.common import parse_date as _parse_date
from cadee.commands.common import print_errors as _print_errors

HELP = "KPIs before and after rollout, gate statuses, sign-off and the recommended decision."


class StatusFormat(StrEnum):
    text = "text"
    json = "json"


def command(
    blueprint: Annotated[Path, typer.Argument(metavar="BLUEPRINT", help="The blueprint file.", show_default=False)],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="YYYY-MM-DD", help="Evaluate as of this date (default: today).",
                     show_default=False),
    ] = None,
    output_format: Annotated[StatusFormat, typer.Option("--format", "-f", help="Report format.")] = StatusFormat.text,
) -> None:
    """Show the decision loop. Exit 0: continue or scale, 1: a pause or redesign gate has fired, 2: invalid."""
    import datetime as dt

    from cadee.decision import evaluate, recommend
    from cadee.validate import load_project_blueprint

    date = _parse_date(as_of) or dt.date.today()
    loaded = load_project_blueprint(blueprint)
    if loaded.blueprint is None:
        _print_errors(loaded.errors, stderr=False)
        _console().print(f"{loaded.path}: invalid blueprint ({len(loaded.errors)} errors); nothing evaluated",
                         markup=False, highlight=False)
        raise typer.Exit(2)
    evaluation = evaluate(loaded.blueprint, date)
    decision = recommend(evaluation)
    if output_format is StatusFormat.json:
        import json

        from cadee.report.json import decision_loop

        data = {"blueprint": loaded.path, "as_of": date.isoformat(), **decision_loop(evaluation),
                "decision": decision.action}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        from cadee.report.status import render_status

        _console().print(render_status(loaded.path, loaded.blueprint, evaluation, decision), end="",
                         markup=False, highlight=False)
    raise typer.Exit(1 if decision.action in ("pause", "redesign") else 0)
