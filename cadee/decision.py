"""The decision loop (spec 1.1 part A): KPIs before and after rollout, gate statuses, sign-off.

Pure functions over a loaded :class:`~cadee.model.Blueprint` and an as-of date.
The JSON report, ``cadee status``, the rules EVD004, EVD005 and OWN005 and the
leadership brief all read the same :class:`Evaluation`, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from cadee.model import Approval, Blueprint, Gate, Kpi, MeasuredValue

__all__ = [
    "Decision",
    "Evaluation",
    "GateStatus",
    "KpiComparison",
    "Side",
    "SignOff",
    "evaluate",
    "gate_status",
    "is_percentage",
    "kpi_comparison",
    "recommend",
    "sign_off",
]

GateState = Literal["triggered", "clear", "no-data", "manual"]
Action = Literal["pause", "redesign", "scale", "continue"]
#: Decisions that count towards sign-off (spec 1.1 A5, OWN005).
APPROVING = frozenset({"approved", "approved-with-conditions"})
#: EVD005: a KPI of a live blueprint is measured at least once in this many days up to as-of.
CURRENT_DAYS = 35


def is_percentage(kpi: Kpi) -> bool:
    """Only a unit of exactly ``%`` or ``percent`` is a percentage (clarification 5)."""
    return kpi.unit in ("%", "percent")


@dataclass(frozen=True, slots=True)
class Side:
    """Measurements on one side of the rollout date."""

    count: int
    mean: float | None
    latest: int | float | None

    @staticmethod
    def of(points: Sequence[MeasuredValue]) -> Side:
        if not points:
            return Side(0, None, None)
        return Side(len(points), _mean([p.value for p in points]), points[-1].value)


@dataclass(frozen=True, slots=True)
class KpiComparison:
    """One KPI before and after rollout (spec 1.1 A2)."""

    kpi: Kpi
    before: Side
    after: Side
    change: float | None
    relative_change: float | None
    improvement: bool | None

    @property
    def percentage(self) -> bool:
        return is_percentage(self.kpi)


@dataclass(frozen=True, slots=True)
class GateStatus:
    """A gate's status as of the as-of date, and the measurements that decided it."""

    gate: Gate
    status: GateState
    window: tuple[MeasuredValue, ...]
    #: First and last day of the window (``for_days``); ``None`` for the latest-value window.
    window_start: dt.date | None = None


@dataclass(frozen=True, slots=True)
class SignOff:
    """The sign-off record of the blueprint's version (spec 1.1 A4, OWN005)."""

    version: str | None
    approvers: tuple[str, ...]
    #: approver -> the entry that counts for this version (absent: none recorded).
    counting: dict[str, Approval]

    @property
    def missing(self) -> tuple[str, ...]:
        """Approvers without an approving entry of this version."""
        return tuple(
            owner
            for owner in self.approvers
            if owner not in self.counting or self.counting[owner].decision not in APPROVING
        )

    @property
    def complete(self) -> bool:
        return self.version is not None and bool(self.approvers) and not self.missing


@dataclass(frozen=True, slots=True)
class Decision:
    """What the gates recommend to leadership."""

    action: Action
    #: Gates that fired for this action (pause, redesign or scale).
    gates: tuple[GateStatus, ...]
    #: Why scaling is held back although a scale gate fired.
    blocked_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Evaluation:
    as_of: dt.date
    kpis: tuple[KpiComparison, ...]
    gates: tuple[GateStatus, ...]
    sign_off: SignOff


def _mean(values: Sequence[int | float]) -> float:
    """The mean, exactly rounded: the same on every Python (3.12's ``sum()`` compensates,
    3.11's does not). Values near the float limit (1.7e308 twice) overflow the sum,
    not the mean: those are averaged as fractions."""
    try:
        return math.fsum(values) / len(values)
    except OverflowError:
        return math.fsum(value / len(values) for value in values)


def _finite(value: float) -> float | None:
    """``value``, or None when it is beyond the float range (a change between means of
    opposite signs near 1.8e308): absent, never "Infinity" in a JSON report."""
    return value if math.isfinite(value) else None


def _until(points: Sequence[MeasuredValue], as_of: dt.date) -> list[MeasuredValue]:
    # Measurements after the as-of date are ignored everywhere (spec 1.1 A2).
    return [p for p in points if p.date <= as_of]


def kpi_comparison(
    kpi: Kpi, points: Sequence[MeasuredValue], live_since: dt.date | None, as_of: dt.date
) -> KpiComparison:
    """Before and after ``live_since``; without a rollout date every measurement is "before"."""
    known = _until(points, as_of)
    if live_since is None:
        before, after = Side.of(known), Side.of(())
    else:
        before = Side.of([p for p in known if p.date < live_since])
        after = Side.of([p for p in known if p.date >= live_since])
    change = relative = improvement = None
    if before.mean is not None and after.mean is not None:
        change = _finite(after.mean - before.mean)
        relative = (
            _finite(change / abs(before.mean)) if before.mean and change is not None else None
        )
        if change is not None and kpi.direction is not None:
            improvement = change > 0 if kpi.direction == "increase" else change < 0
    return KpiComparison(kpi, before, after, change, relative, improvement)


def gate_status(gate: Gate, points: Sequence[MeasuredValue], as_of: dt.date) -> GateStatus:
    """The gate's status as of ``as_of`` (spec 1.1 A3, clarification 6)."""
    trigger = gate.trigger
    if trigger is None:
        return GateStatus(gate, "manual", ())
    known = _until(points, as_of)
    start: dt.date | None = None
    if trigger.for_days is not None:
        start = as_of - dt.timedelta(days=trigger.for_days - 1)
        window = tuple(p for p in known if p.date >= start)
    else:
        window = tuple(known[-1:])
    if len(window) < trigger.points_needed:
        return GateStatus(gate, "no-data", window, start)
    if trigger.below is not None:
        fired = all(p.value < trigger.below for p in window)
    else:
        assert trigger.above is not None
        fired = all(p.value > trigger.above for p in window)
    return GateStatus(gate, "triggered" if fired else "clear", window, start)


def sign_off(blueprint: Blueprint, as_of: dt.date) -> SignOff:
    """Each approver's counting entry for the blueprint's version (clarification 8)."""
    version = blueprint.meta.version
    approvers = tuple(dict.fromkeys(blueprint.meta.approvers or ()))
    counting: dict[str, Approval] = {}
    if version is not None:
        for (
            approval
        ) in blueprint.approvals:  # declaration order: on the same date, the later counts
            if approval.version != version or approval.by not in approvers or approval.date > as_of:
                continue
            current = counting.get(approval.by)
            if current is None or approval.date >= current.date:
                counting[approval.by] = approval
    return SignOff(version, approvers, counting)


def evaluate(blueprint: Blueprint, as_of: dt.date) -> Evaluation:
    """Every KPI, gate and the sign-off of ``blueprint`` as of ``as_of``."""
    live_since = blueprint.meta.live_since
    kpis = tuple(
        kpi_comparison(kpi, blueprint.measurements.get(kpi.id, ()), live_since, as_of)
        for kpi in blueprint.kpis
    )
    gates = tuple(
        gate_status(gate, blueprint.measurements.get(gate.kpi, ()) if gate.kpi else (), as_of)
        for gate in blueprint.gates
    )
    return Evaluation(as_of, kpis, gates, sign_off(blueprint, as_of))


def recommend(evaluation: Evaluation, blocking: Sequence[str] = ()) -> Decision:
    """Pause or redesign when such a gate fired; scale when a scale gate fired and nothing
    blocks (``blocking``: why not, e.g. unwaived errors or a missing sign-off); else continue."""
    fired = [g for g in evaluation.gates if g.status == "triggered"]
    stopping = tuple(g for g in fired if g.gate.action in ("pause", "redesign"))
    if stopping:
        # Pausing comes first: a redesign is decided while paused.
        return Decision(
            "pause" if any(g.gate.action == "pause" for g in stopping) else "redesign", stopping
        )
    scale = tuple(g for g in fired if g.gate.action == "scale")
    if scale and not blocking:
        return Decision("scale", scale)
    return Decision("continue", scale, tuple(blocking) if scale else ())


# -- wording shared by the status command and the documents ------------------------------


def format_number(value: float | int) -> str:
    """A measured value or mean with the precision a reader needs (no float noise);
    beyond a thousand billion in scientific notation (``1.7e+308``, not 309 digits)."""
    magnitude = abs(value)
    if magnitude >= 1e15:
        return f"{value:.3g}"
    digits = 0 if magnitude >= 100 else 1 if magnitude >= 10 else 2
    text = f"{value:.{digits}f}"
    return "0" if text in ("-0", "-0.0", "-0.00") else text


def format_value(value: float | int | None, kpi: Kpi) -> str:
    """A value in the KPI's unit: ``73.1%``, ``366 seconds``, ``4.16``; ``-`` when absent."""
    if value is None:
        return "-"
    number = format_number(value)
    if is_percentage(kpi):
        return f"{number}%"
    return f"{number} {kpi.unit}" if kpi.unit and kpi.unit != "score" else number


def format_change(comparison: KpiComparison) -> str:
    """``+5.6 pp (+8.3%)``: percentage points for percentages, the unit otherwise."""
    change = comparison.change
    if change is None:
        return "-"
    sign = "+" if change > 0 else ""
    if comparison.percentage:
        text = f"{sign}{format_number(change)} pp"
    else:
        unit = comparison.kpi.unit
        text = f"{sign}{format_number(change)}" + (f" {unit}" if unit and unit != "score" else "")
    if comparison.relative_change is not None and not comparison.percentage:
        text += f" ({sign}{comparison.relative_change * 100:.1f}%)"
    return text


def describe_trigger(gate: Gate) -> str:
    """``below 3.8 for 21 days (at least 2 measurements)``; empty without a trigger."""
    trigger = gate.trigger
    if trigger is None:
        return ""
    bound = (
        f"below {format_number(trigger.below)}"
        if trigger.below is not None
        else f"above {format_number(trigger.above or 0)}"
    )
    if trigger.for_days is None:
        return f"latest measurement {bound}"
    return (
        f"every measurement {bound} for {trigger.for_days} days (at least {trigger.points_needed})"
    )
