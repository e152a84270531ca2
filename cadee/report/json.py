"""The JSON report of spec section 10."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cadee.check import Report
from cadee.decision import Evaluation, Side, evaluate
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
        **decision_loop(
            evaluate(report.blueprint, report.as_of)
            if report is not None and result.valid
            else None
        ),
    }


def _side(side: Side) -> dict[str, Any]:
    return {"count": side.count, "mean": side.mean, "latest": side.latest}


def decision_loop(evaluation: Evaluation | None) -> dict[str, Any]:
    """The KPIs before and after rollout and the gates' statuses (spec 1.1 clarification 7)."""
    if evaluation is None:
        return {"kpis": [], "gates": []}
    return {
        "kpis": [
            {
                "id": k.kpi.id,
                "unit": k.kpi.unit,
                "before": _side(k.before),
                "after": _side(k.after),
                "change": k.change,
                "change_unit": "percentage points" if k.percentage else k.kpi.unit,
                "relative_change": k.relative_change,
                "improvement": k.improvement,
            }
            for k in evaluation.kpis
        ],
        "gates": [
            {
                "id": g.gate.id,
                "action": g.gate.action,
                "kpi": g.gate.kpi,
                "status": g.status,
                "window": {
                    "from": g.window_start.isoformat() if g.window_start else None,
                    "to": evaluation.as_of.isoformat() if g.gate.trigger else None,
                    "measurements": [
                        {"date": p.date.isoformat(), "value": p.value} for p in g.window
                    ],
                },
            }
            for g in evaluation.gates
        ],
    }


def render_json(results: Sequence[BlueprintResult]) -> str:
    """An object for one blueprint, an array for several (in path order)."""
    data: Any = (
        result_to_dict(results[0]) if len(results) == 1 else [result_to_dict(r) for r in results]
    )
    return json_text(data)
