"""``cadee validate``: check blueprints against the CADEE rules (spec section 10)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cadee.commands.common import emit, keep_until_exit, parse_date, split_values, usage_error

if TYPE_CHECKING:
    from cadee.diagnostics import LoadError
    from cadee.validate import BlueprintResult

NAME = "validate"
POSITION = 0  # where ``cadee --help`` lists it
HELP = (
    "Check blueprints against the CADEE rules. Exit 0: pass, 1: findings at or above the fail level, "
    "2: invalid blueprint or usage error."
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


def _check_selectors(option: str, selectors: Sequence[str], rule_ids: Sequence[str]) -> None:
    for selector in selectors:
        if not any(rid.startswith(selector.upper()) for rid in rule_ids):
            raise usage_error(f"{option} {selector[:40]!r} matches no rule (see `cadee rules`)")


def _extra_reports(reports: Sequence[str]) -> list[tuple[OutputFormat, Path]]:
    known = [f.value for f in OutputFormat]
    extra: list[tuple[OutputFormat, Path]] = []
    for spec in reports:
        name, sep, file = spec.partition("=")
        if not sep or not file or name.strip().lower() not in known:
            raise usage_error(
                f"--report expects FORMAT=FILE with FORMAT one of {', '.join(known)}, got {spec[:60]!r}"
            )
        extra.append((OutputFormat(name.strip().lower()), Path(file)))
    return extra


def render(
    fmt: OutputFormat, results: list[BlueprintResult], missing: list[LoadError], files: list[Path]
) -> str:
    """The report of a run in one format (plain text for ``text``)."""
    from cadee.validate import BlueprintResult

    if fmt is OutputFormat.text:
        from cadee.report.text import render_text

        return render_text(results, missing).plain
    if fmt is OutputFormat.json:
        from cadee.report.json import render_json

        return render_json(results)
    # CI formats report a missing path like an invalid blueprint, so the pipeline shows why it failed.
    ci_results = [BlueprintResult(e.location.file, [e], None) for e in missing] + results
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


def command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH",
            help="Blueprint files, or folders to search for blueprints.",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="Report format: text, json, sarif (code scanning), junit (test reports), gitlab (Code Quality), github (workflow annotations).",
        ),
    ] = OutputFormat.text,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Lowest severity that fails the run (default: error, or the project's fail-on).",
            show_default=False,
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            help="Only these rule IDs or prefixes (comma-separated, repeatable).",
            show_default=False,
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Skip these rule IDs or prefixes.", show_default=False),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Judge waivers as of this date (default: today).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file instead of the terminal.",
            show_default=False,
        ),
    ] = None,
    reports: Annotated[
        list[str] | None,
        typer.Option(
            "--report",
            metavar="FORMAT=FILE",
            help="Also write a report in FORMAT to FILE (repeatable), e.g. --report sarif=cadee.sarif --report junit=cadee.xml.",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Check blueprints against the CADEE rules. Exit 0: pass, 1: findings at or above the fail level, 2: invalid blueprint or usage error."""
    import cadee.validate
    from cadee.project import Projects
    from cadee.rules import RULES

    selected = split_values(select) if select is not None else None
    ignored = split_values(ignore) if ignore is not None else None
    extra_reports = _extra_reports(reports or ())
    overrides = cadee.validate.Overrides(
        select=tuple(s.upper() for s in selected) if selected is not None else None,
        ignore=tuple(s.upper() for s in ignored) if ignored is not None else None,
        fail_on=fail_on.value if fail_on is not None else None,
        as_of=parse_date(as_of),
    )
    files, missing = cadee.validate.discover(paths)
    if not files and not missing:
        raise usage_error(
            "no blueprint found (a blueprint is a YAML file with top-level `cadee` and `blueprint` keys)"
        )
    projects = Projects()  # each project's configuration and rule packs are read once per run
    if selected or ignored:
        # Pack and plugin rules can be selected too: check against every project's rules.
        rule_ids = set(RULES)
        for path in files:
            rule_ids.update(projects.of(path).rules)
        _check_selectors("--select", selected or (), sorted(rule_ids))
        _check_selectors("--ignore", ignored or (), sorted(rule_ids))
    # Each graph is dropped once its blueprint is checked, so a run over many blueprints
    # never holds them all; the last one's would only be freed for the process to exit
    # (about 20 ms of tearing down networkx's dicts at 10k systems), so it is kept.
    last = len(files) - 1
    results = [
        cadee.validate.validate_file(
            path, overrides, project=projects.of(path), keep_graph=index == last
        )
        for index, path in enumerate(files)
    ]
    for fmt, target in extra_reports:
        emit(render(fmt, results, missing, files), target)
    if missing and output_format is OutputFormat.json:
        from cadee.commands.common import print_errors

        print_errors(missing, stderr=True)  # standard output holds the JSON document
    if output_format is OutputFormat.text and output is None:
        from cadee.commands.common import show
        from cadee.report.text import render_text

        show(render_text(results, missing), end="")
    else:
        emit(render(output_format, results, missing, files), output)
    keep_until_exit(ctx, results)
    return cadee.validate.exit_code(results, missing)
