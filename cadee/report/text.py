"""The terminal report: one line per finding, grouped per blueprint, with a summary.

Returns a :class:`~cadee.report.styled.Styled`: styles are data here; the CLI
decides whether the terminal gets colour (``NO_COLOR``, pipes) and ``--output``
gets plain text. Imports no rich: a run whose output is piped never loads it.
"""

from __future__ import annotations

from collections.abc import Sequence

from cadee.diagnostics import Finding, LoadError
from cadee.report.styled import Styled
from cadee.text import plural, terminal
from cadee.validate import BlueprintResult

__all__ = ["error_line", "render_text"]

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _finding_line(finding: Finding) -> Styled:
    loc = finding.location
    line = Styled()
    line.append(f"{terminal(loc.file)}:{loc.line}:{loc.column}: ", style="bold")
    line.append(finding.rule, style="bold")
    line.append(" ")
    line.append(finding.severity, style=_SEVERITY_STYLE[finding.severity])
    line.append(f" {terminal(finding.message)} ({terminal(finding.target)})")
    if finding.waived and finding.waiver is not None:
        w = finding.waiver
        line.append(
            f" [waived by '{w.approved_by}' until {w.expires.isoformat()}: {terminal(w.reason)}]"
        )
        line.stylize("dim")
    return line


def error_line(error: LoadError) -> Styled:
    """A stage-1 error as one report line: ``file:line:col: error message [path]``."""
    loc = error.location
    line = Styled()
    line.append(f"{terminal(loc.file)}:{loc.line}:{loc.column}: ", style="bold")
    line.append("error", style="bold red")
    line.append(f" {terminal(error.message)}")
    if loc.path:
        line.append(f" [{terminal(loc.path)}]", style="dim")
    return line


def render_text(
    results: Sequence[BlueprintResult], usage_errors: Sequence[LoadError] = ()
) -> Styled:
    out = Styled()
    for error in usage_errors:
        out.append_text(error_line(error))
        out.append("\n")
    totals = {"error": 0, "warning": 0, "info": 0, "waived": 0}
    invalid = 0
    for result in results:
        out.append(terminal(result.path), style="bold underline")
        if not result.valid:
            invalid += 1
            out.append(
                f": invalid blueprint ({plural(len(result.errors), 'error')})\n", style="red"
            )
            for error in result.errors:
                out.append_text(error_line(error))
                out.append("\n")
            out.append("\n")
            continue
        assert result.report is not None
        summary = result.report.summary()
        for key, value in summary.items():
            totals[key] += value
        if not result.report.findings:
            out.append(": no findings\n\n", style="green")
            continue
        out.append("\n")
        for finding in result.report.findings:
            out.append_text(_finding_line(finding))
            out.append("\n")
        out.append("\n")
    parts = [
        plural(totals["error"], "error"),
        plural(totals["warning"], "warning"),
        f"{totals['info']} info",
        f"{totals['waived']} waived",
    ]
    checked = plural(len(results), "blueprint")
    verdict = Styled()
    if invalid:
        verdict.append(f"{invalid} of {checked} invalid", style="bold red")
        if invalid == len(results):  # no counts to give: they would read as "0 errors"
            out.append_text(verdict)
            out.append("; no rules ran\n")
            return out
        verdict.append(f" (no rules ran on {'it' if invalid == 1 else 'them'}); ")
        checked = plural(len(results) - invalid, "blueprint")
    failed = sum(1 for r in results if r.failed)
    if failed:
        verdict.append(f"{plural(failed, 'blueprint')} failed", style="bold red")
    elif not invalid and not usage_errors:
        verdict.append("passed", style="bold green")
    else:
        verdict.append("checked")
    out.append_text(verdict)
    out.append(f": {', '.join(parts)} in {checked}\n")
    return out
