"""Stage 2: run the rule catalog on a valid blueprint and apply waivers.

The run follows the phases of the rule contract (:mod:`cadee.rules.base`):
every ``graph`` rule checks the graph; the waivers are matched against
those findings; then every ``waivers`` rule judges the waivers. Waiver
findings come after the matching, so they cannot be waived (spec 13.13).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from cadee.diagnostics import SEVERITIES, AppliedWaiver, Finding, Severity, finding_order
from cadee.gcpause import gc_paused
from cadee.graph import ArchitectureGraph, build_graph
from cadee.model import Blueprint, Waiver
from cadee.rules import RULES, Rule
from cadee.rules.base import DEFAULT_MAX_WAIVER_DAYS, WaiverContext

_SEVERITY = attrgetter("severity")
_WAIVED = attrgetter("waived")
_RULE = attrgetter("rule")
_TARGET = attrgetter("target")

__all__ = ["CheckOptions", "Report", "check", "matches", "select_rules", "severity_for"]


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What to run and how to judge it (command line and project config)."""

    #: Rule IDs or prefixes to run (``FBK``, ``OWN003``); empty means all.
    select: tuple[str, ...] = ()
    #: Rule IDs or prefixes to skip; wins over ``select``.
    ignore: tuple[str, ...] = ()
    #: Rule ID or prefix -> severity; the longest matching key wins.
    severity: Mapping[str, Severity] = field(default_factory=dict)
    #: The date waivers are judged against; default: today (local date).
    as_of: dt.date | None = None
    #: How long after ``as_of`` a waiver may expire (WVR004; the project's ``max-waiver-days``).
    max_waiver_days: int = DEFAULT_MAX_WAIVER_DAYS


@dataclass(slots=True)
class Report:
    """The findings of one blueprint, sorted by location, rule and target."""

    blueprint: Blueprint
    findings: list[Finding]
    as_of: dt.date
    rules: dict[str, Rule]
    #: The graph the rules ran on, for callers that need it next (render).
    graph: ArchitectureGraph | None = field(default=None, compare=False, repr=False)

    def summary(self) -> dict[str, int]:
        """Unwaived findings by severity, waived ones under ``waived`` (spec 13.17)."""
        counts = dict.fromkeys((*SEVERITIES, "waived"), 0)
        # Counted in C by (severity, waived) pair: a findings-heavy estate has 46,000.
        for (severity, waived), count in Counter(
            zip(map(_SEVERITY, self.findings), map(_WAIVED, self.findings), strict=True)
        ).items():
            counts["waived" if waived else severity] += count
        return counts


def matches(rule_id: str, patterns: Iterable[str]) -> bool:
    """True when ``rule_id`` equals or starts with one of ``patterns``."""
    return any(rule_id.startswith(p) for p in patterns)


def select_rules(
    rules: Mapping[str, Rule], select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> dict[str, Rule]:
    return {
        rid: r
        for rid, r in rules.items()
        if (not select or matches(rid, select)) and not matches(rid, ignore)
    }


def severity_for(rule: Rule, overrides: Mapping[str, Severity]) -> Severity:
    """The severity ``rule`` reports at under ``overrides`` (the longest matching key wins)."""
    best = ""
    for key in overrides:
        if rule.id.startswith(key) and len(key) > len(best):
            best = key
    return overrides[best] if best else rule.severity


def check(
    blueprint: Blueprint,
    options: CheckOptions | None = None,
    rules: Mapping[str, Rule] | None = None,
    graph: ArchitectureGraph | None = None,
) -> Report:
    """Run the selected rules, apply severities and waivers, return the report."""
    with gc_paused():
        return _check(blueprint, options or CheckOptions(), rules, graph)


def _check(
    blueprint: Blueprint,
    options: CheckOptions,
    rules: Mapping[str, Rule] | None,
    graph: ArchitectureGraph | None,
) -> Report:
    active = select_rules(rules if rules is not None else RULES, options.select, options.ignore)
    graph = graph or build_graph(blueprint)
    as_of = options.as_of or dt.date.today()
    findings: list[Finding] = []
    for rule in active.values():
        if rule.phase != "graph":
            continue
        severity = severity_for(rule, options.severity)
        found = list(rule.check(graph, as_of))
        if not set(map(_SEVERITY, found)) <= {severity}:  # checked in C, changed only when needed
            found = [
                f if f.severity == severity else f.with_changes(severity=severity) for f in found
            ]
        findings.extend(found)
    findings, used = _apply_waivers(findings, blueprint.waivers, as_of)
    context = WaiverContext(
        blueprint.waivers, as_of, frozenset(used), frozenset(active), graph, options.max_waiver_days
    )
    for rule in active.values():
        if rule.phase != "waivers":
            continue
        severity = severity_for(rule, options.severity)
        findings.extend(f.with_changes(severity=severity) for f in rule.judge(context))
    findings.sort(key=finding_order)
    return Report(
        blueprint=blueprint, findings=findings, as_of=as_of, rules=dict(active), graph=graph
    )


def _apply_waivers(
    findings: list[Finding], waivers: Sequence[Waiver], as_of: dt.date
) -> tuple[list[Finding], set[int]]:
    """Mark findings matched by an active waiver; return them and the used waivers' indexes.

    ``findings`` are the graph phase's: waiver findings do not exist yet, so a
    waiver naming a WVR rule matches nothing (spec 13.13).
    """
    by_key: dict[tuple[str, str], list[int]] = {}
    for index, waiver in enumerate(waivers):
        # Expired waivers suppress nothing.
        if waiver.expires >= as_of:
            by_key.setdefault((waiver.rule, waiver.target), []).append(index)
    used: set[int] = set()
    if not by_key:
        return findings, used
    result = list(findings)
    # The (rule, target) pairs are made in C; only the matched findings are replaced.
    for position, key in enumerate(zip(map(_RULE, findings), map(_TARGET, findings), strict=True)):
        matched = by_key.get(key)
        if matched:
            used.update(matched)
            first = waivers[matched[0]]
            result[position] = findings[position].with_changes(
                waived=True,
                waiver=AppliedWaiver(first.reason, first.approved_by, first.expires),
            )
    return result, used
