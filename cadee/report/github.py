"""GitHub Actions workflow commands: annotations on the pull request's files.

``::error file=...,line=...,col=...,title=RULE name::message (target)`` per
unwaived finding (``::warning`` for warnings, ``::notice`` for info), and
``CADEE000 invalid-blueprint`` errors for an invalid blueprint. Waived
findings are accepted exceptions and get no annotation; the closing summary
line counts them. Values are escaped exactly as GitHub's toolkit does
(``@actions/core``: ``escapeData`` and ``escapeProperty``), so a newline in a
message can never start a command of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from cadee.diagnostics import Location
from cadee.report.sarif import INVALID_BLUEPRINT, RepositoryPaths
from cadee.text import github_data, github_property, plural
from cadee.validate import BlueprintResult

__all__ = ["render_github", "workflow_command"]

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def workflow_command(command: str, properties: Sequence[tuple[str, str]], message: str) -> str:
    """``::command key=value,...::message``, every part escaped as the toolkit does
    (non-printable characters other than CR and LF are first shown as ``\\xNN``)."""
    props = ",".join(f"{key}={github_property(value)}" for key, value in properties)
    return f"::{command}{' ' + props if props else ''}::{github_data(message)}"


def _where(paths: RepositoryPaths, location: Location) -> list[tuple[str, str]]:
    return [
        ("file", paths.shown(location.file)),
        ("line", str(max(location.line, 1))),
        ("col", str(max(location.column, 1))),
    ]


def render_github(results: Sequence[BlueprintResult], paths: RepositoryPaths | None = None) -> str:
    """One workflow command per line, then a plain summary line for the log."""
    paths = paths or RepositoryPaths()
    lines: list[str] = []
    totals = {"error": 0, "warning": 0, "info": 0, "waived": 0}
    invalid = failed = 0
    for result in results:
        if result.report is None or not result.valid:
            invalid += 1
            title = f"{INVALID_BLUEPRINT[0]} {INVALID_BLUEPRINT[1]}"
            for error in result.errors:
                loc = error.location
                message = f"{error.message} [{loc.path}]" if loc.path else error.message
                lines.append(
                    workflow_command("error", [*_where(paths, loc), ("title", title)], message)
                )
            continue
        failed += result.failed
        for finding in result.report.findings:
            if finding.waived:
                totals["waived"] += 1
                continue
            totals[finding.severity] += 1
            lines.append(
                workflow_command(
                    _COMMAND[finding.severity],
                    [*_where(paths, finding.location), ("title", f"{finding.rule} {finding.name}")],
                    f"{finding.message} ({finding.target})",
                )
            )
    verdict = []
    if invalid:
        verdict.append(f"{invalid} of {plural(len(results), 'blueprint')} invalid")
        if invalid == len(results):  # no counts to give: they would read as "0 errors"
            lines.append(f"cadee: {verdict[0]}; no rules ran")
            return "\n".join(lines) + "\n"
        verdict[0] += f" (no rules ran on {'it' if invalid == 1 else 'them'})"
    if failed:
        verdict.append(f"{plural(failed, 'blueprint')} failed")
    counts = (
        f"{plural(totals['error'], 'error')}, {plural(totals['warning'], 'warning')}, "
        f"{totals['info']} info, {totals['waived']} waived in {plural(len(results) - invalid, 'blueprint')}"
    )
    lines.append(f"cadee: {'; '.join(verdict) or 'passed'}: {counts}")
    return "\n".join(lines) + "\n"
