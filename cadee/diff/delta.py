"""Findings delta: what the change adds to and removes from the rule findings.

Findings are matched by rule + target. A rule can report the same target more
than once (FBK003 names the system that lists each offending fallback), so
within one rule + target the findings with the same message pair first, then
the rest in report order; what is left over is new (only on the new side) or
resolved (only on the old side).

A matched finding that was waived before and is not any more (its waiver was
removed, narrowed or expired) is *unwaived*: the change made it active again,
so it counts like a new finding for ``--fail-on-new``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from cadee.diagnostics import Finding, at_or_above

__all__ = ["FindingChange", "FindingsDelta", "findings_delta"]

Status = Literal["new", "resolved", "unchanged"]


@dataclass(frozen=True, slots=True)
class FindingChange:
    """A finding on one side or both; ``finding`` is the new side's when there is one."""

    status: Status
    finding: Finding
    #: The old side's finding, for ``unchanged`` (and ``resolved``, where it is ``finding``).
    previous: Finding | None = None

    @property
    def unwaived(self) -> bool:
        """Waived before, active now."""
        return (
            self.status == "unchanged"
            and self.previous is not None
            and self.previous.waived
            and not self.finding.waived
        )


@dataclass(frozen=True, slots=True)
class FindingsDelta:
    new: list[FindingChange] = field(default_factory=list)
    resolved: list[FindingChange] = field(default_factory=list)
    unchanged: list[FindingChange] = field(default_factory=list)

    def introduced(self, level: str) -> list[Finding]:
        """Active findings at ``level`` or above that the change introduced
        (new and unwaived ones, in report order): what ``--fail-on-new`` fails on."""
        return [
            c.finding
            for c in (*self.new, *self.unchanged)
            if (c.status == "new" or c.unwaived)
            and not c.finding.waived
            and at_or_above(c.finding.severity, level)
        ]


def findings_delta(old: Sequence[Finding], new: Sequence[Finding]) -> FindingsDelta:
    """Match ``old`` and ``new`` findings (each in report order) by rule + target."""
    pool: dict[tuple[str, str], list[Finding]] = {}
    for finding in old:
        pool.setdefault((finding.rule, finding.target), []).append(finding)
    matched: dict[int, Finding] = {}  # index in new -> old finding
    pending: list[int] = []
    # Pass 1: same rule, target and message.
    for index, finding in enumerate(new):
        candidates = pool.get((finding.rule, finding.target))
        if candidates:
            for position, candidate in enumerate(candidates):
                if candidate.message == finding.message:
                    matched[index] = candidates.pop(position)
                    break
            else:
                pending.append(index)
        else:
            pending.append(index)
    # Pass 2: same rule and target, message changed (OBS001 now misses more, say).
    for index in pending:
        finding = new[index]
        candidates = pool.get((finding.rule, finding.target))
        if candidates:
            matched[index] = candidates.pop(0)
    delta = FindingsDelta()
    for index, finding in enumerate(new):
        previous = matched.get(index)
        if previous is None:
            delta.new.append(FindingChange("new", finding))
        else:
            delta.unchanged.append(FindingChange("unchanged", finding, previous))
    leftover = {id(f) for candidates in pool.values() for f in candidates}
    for finding in old:
        if id(finding) in leftover:
            delta.resolved.append(FindingChange("resolved", finding, finding))
    return delta
