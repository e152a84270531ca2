"""``cadee simulate``: failure scenarios and a resilience score (docs/simulate.md)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cadee.commands.common import console as _console
from cadee.commands.common import print_invalid, print_invalid_json, show, split_values
from cadee.commands.common import usage_error as _usage_error

if TYPE_CHECKING:
    from fractions import Fraction

    from cadee.diagnostics import LoadError

NAME = "simulate"
HELP = "Simulate failures: which channels stay served, fall back to humans or are lost."


class SimulateFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def parse_threshold(value: str) -> Fraction:
    """``--fail-under``: a share in [0, 1] (``0.9``) or a percentage (``90``, ``90%``).

    A bare number above 1 is a percentage; ``1`` means 100%. Exact fractions,
    so ``90%`` and ``0.9`` compare the same against a score of 9 of 10.
    """
    from fractions import Fraction

    text = value.strip()
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    try:
        number = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise _usage_error(
            f"--fail-under takes a share like 0.9 or a percentage like 90 or 90%, got {value[:40]!r}"
        ) from None
    if percent or number > 1:
        number /= 100
    if not 0 <= number <= 1:
        raise _usage_error(
            f"--fail-under must lie between 0 and 1 (or 0% and 100%), got {value[:40]!r}"
        )
    return number


def parse_thresholds(values: list[str]) -> dict[str, Fraction]:
    """``--fail-under`` values: ``SCORE`` or ``channels=SCORE`` gates the resilience
    score (channels not lost), ``services=SCORE`` the service score (services
    delivered). The last value for each wins."""
    thresholds: dict[str, Fraction] = {}
    for value in values:
        target, sep, score = value.partition("=")
        if not sep:
            target, score = "channels", value
        target = target.strip()
        if target not in ("channels", "services"):
            raise _usage_error(
                f"--fail-under takes SCORE, channels=SCORE or services=SCORE, got {value[:40]!r}"
            )
        thresholds[target] = parse_threshold(score)
    return thresholds


def _invalid(path: str, errors: list[LoadError], output_format: SimulateFormat) -> int:
    """Stage-1 errors, printed exactly as ``cadee validate`` prints them."""
    from cadee.validate import BlueprintResult

    result = BlueprintResult(path, errors, None)
    if output_format is SimulateFormat.json:
        print_invalid_json(result)
    else:
        print_invalid([result])
    return 2


#: Scenarios from which a terminal shows a progress bar.
PROGRESS_FROM = 20_000


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long runs, only when stderr is a terminal."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("simulating pairs"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=_console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("pairs", total=total)
        yield lambda done, _total: bar.update(task, completed=done)


def command(
    blueprint: Annotated[
        Path, typer.Argument(metavar="BLUEPRINT", help="The blueprint file.", show_default=False)
    ],
    fail: Annotated[
        list[str] | None,
        typer.Option(
            "--fail",
            metavar="ID",
            help="Fail this system (repeatable, or comma-separated).",
            show_default=False,
        ),
    ] = None,
    all_systems: Annotated[
        bool,
        typer.Option(
            "--all", help="N-1: fail every system in turn (systems with redundancy >= 2 skipped)."
        ),
    ] = False,
    include_redundant: Annotated[
        bool,
        typer.Option(
            "--include-redundant", help="With --all: fail systems with redundancy >= 2 too."
        ),
    ] = False,
    pairs: Annotated[
        bool, typer.Option("--pairs", help="N-2: fail every pair of tier-1 systems.")
    ] = False,
    max_pairs: Annotated[
        int | None,
        typer.Option(
            "--max-pairs",
            metavar="N",
            min=1,
            show_default=False,
            help="With --pairs: refuse more than N pairs (default 100,000).",
        ),
    ] = None,
    max_steps: Annotated[
        int | None,
        typer.Option(
            "--max-steps",
            metavar="N",
            min=1,
            show_default=False,
            help="With --all or --pairs: stop after N search steps (default 20,000,000: seconds; "
            "estates whose channels reach nearly every system need more).",
        ),
    ] = None,
    output_format: Annotated[
        SimulateFormat, typer.Option("--format", "-f", help="Report format.")
    ] = SimulateFormat.text,
    fail_under: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-under",
            metavar="SCORE",
            help="Exit 1 when the resilience score (share of channels not lost) is lower: 0.9, 90 or 90%; "
            "services=SCORE gates the share of services delivered instead (repeatable).",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Simulate failures. Exit 0: done, 1: a score below --fail-under, 2: invalid blueprint or usage error."""
    failed = split_values(fail)
    modes = sum((bool(failed) or fail is not None, all_systems, pairs))
    if modes != 1:
        raise _usage_error("choose one of --fail ID, --all or --pairs")
    if include_redundant and not all_systems:
        raise _usage_error("--include-redundant only applies to --all")
    if max_pairs is not None and not pairs:
        raise _usage_error("--max-pairs only applies to --pairs")
    if max_steps is not None and not (all_systems or pairs):
        raise _usage_error("--max-steps only applies to --all and --pairs")
    thresholds = parse_thresholds(fail_under or [])
    if fail is not None and not failed:
        raise _usage_error("--fail needs a system id")

    from cadee.validate import load_project_blueprint

    loaded = load_project_blueprint(blueprint)
    if loaded.blueprint is None:
        return _invalid(loaded.path, loaded.errors, output_format)

    from cadee.graph import build_graph
    from cadee.simulate import (
        MAX_PAIRS,
        MAX_STEPS,
        Analysis,
        Scenario,
        Simulator,
        TooManyScenarios,
        TooManySteps,
        suggest_system,
    )

    graph = build_graph(loaded.blueprint)
    for name in failed:
        if name not in graph.systems:
            hint = suggest_system(graph, name)
            suffix = f"; did you mean '{hint}'?" if hint else ""
            raise _usage_error(f"--fail {name[:64]!r} is not a system of {loaded.path}{suffix}")

    simulator = Simulator(graph)
    steps = max_steps or MAX_STEPS
    result: Scenario | Analysis
    try:
        if failed:
            result = simulator.scenario(failed)
        elif all_systems:
            result = simulator.n_minus_1(include_redundant, max_steps=steps)
        else:
            limit = max_pairs or MAX_PAIRS
            if simulator.pair_count() > limit:
                raise _usage_error(
                    str(TooManyScenarios(simulator.pair_count(), limit, len(simulator.tier1_ids())))
                )
            with _progress(simulator.pair_count()) as progress:
                result = simulator.n_minus_2_tier1(limit, progress, max_steps=steps)
    except TooManySteps as exc:
        raise _usage_error(f"{exc}; raise the limit with --max-steps (now {steps:,})") from None

    if output_format is SimulateFormat.json:
        from cadee.report.simulate import render_json

        sys.stdout.write(render_json(loaded.path, result))
    elif output_format is SimulateFormat.markdown:
        from cadee.report.simulate import render_markdown

        sys.stdout.write(render_markdown(loaded.path, result, loaded.blueprint.meta.title))
    else:
        from cadee.report.simulate import render_text

        show(render_text(loaded.path, result), end="")

    verdicts: list[str] = []
    score = result.score
    threshold = thresholds.get("channels")
    if threshold is not None and score.below(threshold):
        verdicts.append(
            f"cadee: resilience score {score.resilience_percent:.1f}% is below --fail-under "
            f"{float(threshold) * 100:.1f}%"
        )
    service_score = result.service_score
    threshold = thresholds.get("services")
    if threshold is not None and service_score.below(threshold):
        verdicts.append(
            f"cadee: service score {service_score.percent:.1f}% delivered is below --fail-under "
            f"services={float(threshold) * 100:.1f}%"
        )
    for verdict in verdicts:
        _console(stderr=True).print(verdict, markup=False, highlight=False)
    return 1 if verdicts else 0
