"""``cadee status``: the decision loop in the terminal (spec 1.1 part A, docs/decisions.md)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cadee.commands.common import parse_date, print_invalid, print_invalid_json, show

NAME = "status"
HELP = (
    "KPIs before and after rollout, gate statuses, sign-off and the recommended decision. "
    "Exit 0: continue or scale, 1: a pause or redesign gate has fired, 2: invalid blueprint or usage error."
)


class StatusFormat(StrEnum):
    text = "text"
    json = "json"


def command(
    blueprint: Annotated[
        Path, typer.Argument(metavar="BLUEPRINT", help="The blueprint file.", show_default=False)
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Evaluate as of this date (default: today).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="Report format.")
    ] = StatusFormat.text,
) -> int:
    import datetime as dt

    from cadee.decision import evaluate, recommend
    from cadee.validate import BlueprintResult, load_project_blueprint

    date = parse_date(as_of) or dt.date.today()
    loaded = load_project_blueprint(blueprint)
    if loaded.blueprint is None:
        invalid = BlueprintResult(loaded.path, loaded.errors, None)
        if output_format is StatusFormat.json:
            print_invalid_json(invalid)
        else:
            print_invalid([invalid])
        return 2
    evaluation = evaluate(loaded.blueprint, date)
    decision = recommend(evaluation)
    if output_format is StatusFormat.json:
        from cadee.report.json import decision_loop
        from cadee.text import json_text

        data = {
            "blueprint": loaded.path,
            "as_of": date.isoformat(),
            **decision_loop(evaluation),
            "decision": decision.action,
        }
        sys.stdout.write(json_text(data))
    else:
        from cadee.report.status import render_status
        from cadee.report.styled import Styled

        report = render_status(loaded.path, loaded.blueprint, evaluation, decision)
        show(Styled().append(report), end="")
    return 1 if decision.action in ("pause", "redesign") else 0
