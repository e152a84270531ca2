"""What changed since the last decision: the brief's section for ``cadee render --since REV``.

The blueprint as it was at the revision of the last decision and as it is now,
both judged as of the same date with the same rules: findings new and
resolved, systems and integrations added and removed, gates whose status
changed (new measurements move them), and approvals recorded since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from cadee.check import CheckOptions
from cadee.decision import GateState, evaluate
from cadee.diagnostics import Finding
from cadee.model import Approval, Blueprint
from cadee.rules.base import Rule

__all__ = ["GateChange", "SinceDecision", "since_decision"]


@dataclass(frozen=True, slots=True)
class GateChange:
    gate: str
    before: GateState | None
    now: GateState


@dataclass(frozen=True, slots=True)
class SinceDecision:
    """The change between the blueprint at ``revision`` and now."""

    revision: str
    findings_new: tuple[Finding, ...]
    findings_resolved: tuple[Finding, ...]
    systems_added: tuple[str, ...]
    systems_removed: tuple[str, ...]
    integrations_added: tuple[str, ...]
    integrations_removed: tuple[str, ...]
    gates: tuple[GateChange, ...]
    approvals_added: tuple[Approval, ...]

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.findings_new,
                self.findings_resolved,
                self.systems_added,
                self.systems_removed,
                self.integrations_added,
                self.integrations_removed,
                self.gates,
                self.approvals_added,
            )
        )


def since_decision(
    revision: str,
    old: Blueprint,
    new: Blueprint,
    as_of: dt.date,
    options: CheckOptions,
    rules: Mapping[str, Rule],
) -> SinceDecision:
    """Compare ``old`` (the blueprint at ``revision``) with ``new``, both as of ``as_of``."""
    from cadee.diff import diff_blueprints

    diff = diff_blueprints(old, new, as_of, options, rules)

    def ids(collection: str, kind: str) -> tuple[str, ...]:
        return tuple(c.id for c in diff.changes if c.collection == collection and c.change == kind)

    before = {g.gate.id: g.status for g in evaluate(old, as_of).gates}
    gates = tuple(
        GateChange(g.gate.id, before.get(g.gate.id), g.status)
        for g in evaluate(new, as_of).gates
        if before.get(g.gate.id) != g.status
    )
    old_approvals = {(a.by, a.version, a.date, a.decision) for a in old.approvals}
    return SinceDecision(
        revision=revision,
        findings_new=tuple(c.finding for c in diff.findings.new if not c.finding.waived),
        findings_resolved=tuple(c.finding for c in diff.findings.resolved),
        systems_added=ids("systems", "added"),
        systems_removed=ids("systems", "removed"),
        integrations_added=ids("integrations", "added"),
        integrations_removed=ids("integrations", "removed"),
        gates=gates,
        approvals_added=tuple(
            a for a in new.approvals if (a.by, a.version, a.date, a.decision) not in old_approvals
        ),
    )
