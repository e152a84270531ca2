"""The JSON report of spec section 10."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cadee.check import Report
from cadee.diagnostics import SEVERITIES
from cadee.text import json_text
from cadee.validate import BlueprintResult

__all__ = ["render_json", "result_to_dict"]


def result_to_dict(result: BlueprintResult) -> dict[str, Any]:
    """One blueprint's report, keys in the spec's order."""
    report: Report | None = result.report
    summary = report.summary() if report is not None else dict.fromkeys((*SEVERITIES, "waived"), 0)
    return {
        "blueprint": result.path,
        "valid": result.valid,
        "errors": [
            {
                "message": e.message,
                "file": e.location.file,
                "line": e.location.line,
                "column": e.location.column,
                "path": e.location.path,
            }
            for e in result.errors
        ],
        "findings": [
            {
                "rule": f.rule,
                "name": f.name,
                "severity": f.severity,
                "target": f.target,
                "message": f.message,
                "file": f.location.file,
                "line": f.location.line,
                "column": f.location.column,
                "waived": f.waived,
            }
            for f in (report.findings if report is not None and result.valid else [])
        ],
        "summary": summary,
    }


def render_json(results: Sequence[BlueprintResult]) -> str:
    """An object for one blueprint, an array for several (in path order)."""
    data: Any = (
        result_to_dict(results[0]) if len(results) == 1 else [result_to_dict(r) for r in results]
    )
    return json_text(data)
