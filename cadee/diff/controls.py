"""Controls: what a change does to the project's configuration and rule set.

Each side of a diff is checked under its own project (configuration, rule packs
and plugins as they were at that revision, :meth:`cadee.project.Project.at_revision`).
A pull request that edits ``cadee.toml`` or a rule pack changes what the gate
looks at, so those changes are listed as a section of their own, and the ones
that make the gate see less are **controls weakened**:

- a rule that ran on the old side no longer runs (ignored, deselected, or its
  pack or pack rule removed);
- a rule's effective severity is lowered (error > warning > info);
- a pack rule's condition (its template) changed;
- ``fail-on`` raised (towards ``error``; absent means ``error``);
- an input limit raised;
- ``max-waiver-days`` increased.

Everything else (a rule added, a severity raised, a limit lowered) is listed
as a control change that is not a weakening.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from cadee.check import CheckOptions, select_rules, severity_for
from cadee.config import Config
from cadee.diagnostics import SEVERITY_RANK
from cadee.rules.base import Rule

__all__ = ["ControlChange", "RuleSet", "control_changes"]

_RANK = {severity: -rank for severity, rank in SEVERITY_RANK.items()}  # higher is more severe


@dataclass(frozen=True, slots=True)
class RuleSet:
    """What one side is checked with: its configuration and its rules."""

    config: Config
    rules: Mapping[str, Rule]
    #: Where the configuration came from, as shown (``HEAD~1:cadee.toml``), or ``None``.
    source: str | None = None

    def options(self, as_of: dt.date | None) -> CheckOptions:
        """The check options of this side (the configuration's select, ignore, severity,
        max-waiver-days)."""
        return CheckOptions(
            select=self.config.select,
            ignore=self.config.ignore,
            severity=self.config.severity,
            as_of=as_of,
            max_waiver_days=self.config.max_waiver_days,
        )


@dataclass(frozen=True, slots=True)
class ControlChange:
    """One change of a setting or rule; ``weakened`` when the gate sees less."""

    #: ``rule``, ``severity``, ``condition``, ``fail-on``, ``limits``, ``max-waiver-days``.
    setting: str
    #: The rule id or setting name the change is about.
    target: str
    old: str
    new: str
    weakened: bool
    reason: str


def _why_not_running(rule_id: str, config: Config, rules: Mapping[str, Rule]) -> str:
    if rule_id not in rules:
        return "its rule pack or plugin no longer provides it"
    if any(rule_id.startswith(p) for p in config.ignore):
        return "ignored by the configuration (`ignore`)"
    return "no longer selected by the configuration (`select`)"


def _rules(old: RuleSet, new: RuleSet) -> Iterator[ControlChange]:
    old_active = select_rules(old.rules, old.config.select, old.config.ignore)
    new_active = select_rules(new.rules, new.config.select, new.config.ignore)
    for rule_id, rule in old_active.items():
        if rule_id not in new_active:
            yield ControlChange(
                "rule",
                rule_id,
                "runs",
                "off",
                True,
                f"rule {rule_id} ({rule.name}) no longer runs: "
                f"{_why_not_running(rule_id, new.config, new.rules)}",
            )
            continue
        after = new_active[rule_id]
        before_level = severity_for(rule, old.config.severity)
        after_level = severity_for(after, new.config.severity)
        if before_level != after_level:
            lowered = _RANK[after_level] < _RANK[before_level]
            yield ControlChange(
                "severity",
                rule_id,
                before_level,
                after_level,
                lowered,
                f"rule {rule_id} severity {'lowered' if lowered else 'raised'}: "
                f"{before_level} -> {after_level}",
            )
        if rule.condition != after.condition:
            yield ControlChange(
                "condition",
                rule_id,
                rule.condition,
                after.condition,
                True,
                f"pack rule {rule_id} ({after.name}) checks something else: its condition changed",
            )
    for rule_id, rule in new_active.items():
        if rule_id not in old_active:
            yield ControlChange(
                "rule", rule_id, "off", "runs", False, f"rule {rule_id} ({rule.name}) now runs"
            )


def _settings(old: Config, new: Config) -> Iterator[ControlChange]:
    before, after = old.fail_on or "error", new.fail_on or "error"
    if before != after:
        raised = _RANK[after] > _RANK[before]
        yield ControlChange(
            "fail-on",
            "fail-on",
            before,
            after,
            raised,
            f"fail-on {'raised' if raised else 'lowered'}: {before} -> {after}",
        )
    for spec in dataclasses.fields(old.limits):
        a, b = getattr(old.limits, spec.name), getattr(new.limits, spec.name)
        if a != b:
            raised = b > a
            yield ControlChange(
                "limits",
                spec.name,
                str(a),
                str(b),
                raised,
                f"limit {spec.name} {'raised' if raised else 'lowered'}: {a:,} -> {b:,}",
            )
    if old.max_waiver_days != new.max_waiver_days:
        longer = new.max_waiver_days > old.max_waiver_days
        yield ControlChange(
            "max-waiver-days",
            "max-waiver-days",
            str(old.max_waiver_days),
            str(new.max_waiver_days),
            longer,
            f"max-waiver-days {'increased' if longer else 'decreased'}: "
            f"{old.max_waiver_days} -> {new.max_waiver_days}",
        )


def control_changes(old: RuleSet, new: RuleSet) -> list[ControlChange]:
    """Every control change from ``old`` to ``new``: weakened ones first, each group in
    rule-catalog order, then the settings."""
    found = [*_rules(old, new), *_settings(old.config, new.config)]
    return sorted(found, key=lambda c: not c.weakened)  # stable
