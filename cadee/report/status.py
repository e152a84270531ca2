"""``cadee status`` as text: KPIs before and after, gates, sign-off, the recommended decision.

Plain aligned text over :class:`cadee.decision.Evaluation` (no terminal-width
dependent layout, so a pipe or a CI log gets the same lines as a terminal).
"""

from __future__ import annotations

from collections.abc import Sequence

from cadee.decision import (
    Decision,
    Evaluation,
    GateStatus,
    describe_trigger,
    format_change,
    format_value,
)
from cadee.model import Blueprint
from cadee.text import terminal

__all__ = ["decision_sentence", "render_status"]

_STATUS_MARK = {"triggered": "FIRED", "clear": "clear", "no-data": "no data", "manual": "manual"}


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        (indent + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row))).rstrip()
        for row in rows
    ]


def decision_sentence(decision: Decision) -> str:
    """One sentence: what to decide and why, naming the gates."""
    names = ", ".join(f"'{g.gate.id}'" for g in decision.gates)
    if decision.action in ("pause", "redesign"):
        return f"{decision.action.upper()}: {'gate' if len(decision.gates) == 1 else 'gates'} {names} fired"
    if decision.action == "scale":
        return f"SCALE: gate {names} fired and nothing blocks it"
    if decision.gates:
        return f"CONTINUE: scale gate {names} fired, but {'; '.join(decision.blocked_by)}"
    return "CONTINUE: no pause, redesign or scale gate has fired"


def _window(status: GateStatus) -> str:
    if status.status == "manual":
        return "decided by its owner"
    values = ", ".join(f"{p.date.isoformat()}: {p.value}" for p in status.window)
    return values or "no measurement in the window"


def render_status(
    path: str, blueprint: Blueprint, evaluation: Evaluation, decision: Decision
) -> str:
    meta = blueprint.meta
    lines = [f"{terminal(path)}: {terminal(meta.title)}, as of {evaluation.as_of.isoformat()}"]
    if meta.live_since is not None:
        days = (evaluation.as_of - meta.live_since).days
        when = (
            f"live since {meta.live_since.isoformat()} ({days} days)"
            if days >= 0
            else f"goes live on {meta.live_since.isoformat()}"
        )
        lines.append(f"  {when}")
    else:
        lines.append("  not live yet (no blueprint.live_since): every measurement counts as before")
    lines.append("")
    if evaluation.kpis:
        lines.append("KPIs, before and after rollout (mean, number of measurements)")
        rows = [["KPI", "before", "after", "change", ""]]
        for k in evaluation.kpis:
            verdict = {True: "better", False: "worse", None: ""}[k.improvement]
            rows.append(
                [
                    terminal(f"{k.kpi.name} ({k.kpi.id})"),
                    f"{format_value(k.before.mean, k.kpi)} ({k.before.count})",
                    f"{format_value(k.after.mean, k.kpi)} ({k.after.count})",
                    format_change(k),
                    verdict,
                ]
            )
        lines += _table(rows)
        lines.append("")
    if evaluation.gates:
        lines.append("Gates")
        rows = [["status", "action", "gate", "trigger", "measurements"]]
        for g in evaluation.gates:
            rows.append(
                [
                    _STATUS_MARK[g.status],
                    g.gate.action,
                    terminal(g.gate.id),
                    describe_trigger(g.gate) or "-",
                    _window(g),
                ]
            )
        lines += _table(rows)
        lines.append("")
    record = evaluation.sign_off
    if record.version is None:
        lines.append("Sign-off: the blueprint has no version to approve")
    elif not record.approvers:
        lines.append(
            f"Sign-off of version {terminal(record.version)}: no blueprint approvers named"
        )
    else:
        done = len(record.approvers) - len(record.missing)
        lines.append(
            f"Sign-off of version {terminal(record.version)}: {done} of {len(record.approvers)} approvers"
        )
        for owner in record.approvers:
            entry = record.counting.get(owner)
            if entry is None:
                lines.append(f"  {terminal(owner)}: missing")
                continue
            note = f": {terminal(entry.note)}" if entry.note else ""
            lines.append(f"  {terminal(owner)}: {entry.decision} on {entry.date.isoformat()}{note}")
    lines.append("")
    lines.append(f"Recommended decision: {decision_sentence(decision)}")
    return "\n".join(lines) + "\n"
