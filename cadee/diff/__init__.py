"""What a change does to the architecture: ``diff_blueprints(old, new, as_of)``.

The result is plain data (frozen dataclasses) that the reporters in
:mod:`cadee.report.diff` render as text, Markdown or JSON:

- ``changes``: items added, removed and changed, matched by id (:mod:`.semantic`),
  after renamed systems are matched (:mod:`.renames`);
- ``highlights``: the risky ones, each with a one-line reason (:mod:`.highlights`);
- ``findings``: new, resolved and unchanged rule findings (:mod:`.delta`);
- ``approvals``: the systems touched and who must approve them (:mod:`.approvers`);
- ``neighbourhood``: the systems and edges a diagram of the change shows;
- ``controls``: changes to the configuration and rule set between the sides
  (:mod:`.controls`), and ``hidden``: findings on the new blueprint that the old
  side's configuration would raise and the new side's hides.

Reading a side from git (``REV:PATH``) lives in :mod:`.sources`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from cadee.check import CheckOptions, check
from cadee.diagnostics import SEVERITY_RANK, Finding, at_or_above
from cadee.diff.approvers import Approvals, ApproverGroup, Touched, required_approvers
from cadee.diff.controls import ControlChange, RuleSet, control_changes
from cadee.diff.delta import FindingChange, FindingsDelta, findings_delta
from cadee.diff.highlights import HIGHLIGHT_KINDS, Highlight, find_highlights
from cadee.diff.neighbourhood import Edge, Neighbourhood, Node, neighbourhood
from cadee.diff.renames import Rename, apply_renames, find_renames
from cadee.diff.semantic import EntityChange, FieldChange, count_changes, diff_items, dump
from cadee.graph import ArchitectureGraph, build_graph
from cadee.model import Blueprint
from cadee.rules import Rule

__all__ = [
    "HIGHLIGHT_KINDS",
    "Approvals",
    "ApproverGroup",
    "BlueprintDiff",
    "ControlChange",
    "Edge",
    "EntityChange",
    "FieldChange",
    "FindingChange",
    "FindingsDelta",
    "Fix",
    "Highlight",
    "Neighbourhood",
    "Node",
    "Rename",
    "RuleSet",
    "Touched",
    "diff_blueprints",
]


@dataclass(frozen=True, slots=True)
class Fix:
    """A finding the change must fix or waive before it can merge."""

    finding: Finding
    #: True when the new side's configuration hides it (hidden by configuration).
    hidden: bool
    #: Who may approve a waiver of it: the effective approvers of its target who do not
    #: own the target (WVR003); empty for WVR findings, which cannot be waived.
    waiver_approvers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BlueprintDiff:
    """Everything a reviewer needs to know about one blueprint change."""

    #: Where each side came from, as shown to users (``HEAD~1:bank/blueprint.yaml``).
    old_source: str
    new_source: str
    old_id: str
    new_id: str
    title: str
    as_of: dt.date
    changes: list[EntityChange] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    findings: FindingsDelta = field(default_factory=FindingsDelta)
    approvals: Approvals = field(default_factory=Approvals)
    neighbourhood: Neighbourhood = field(default_factory=Neighbourhood)
    #: Changes of configuration and rules between the sides (weakened ones first).
    controls: list[ControlChange] = field(default_factory=list)
    #: Active findings of the new blueprint under the old side's configuration that the
    #: new side's configuration hides (or reports at a lower severity), and that the old
    #: blueprint did not have: "hidden by configuration".
    hidden: list[Finding] = field(default_factory=list)
    #: Systems whose id changed (the old side is compared under the new ids).
    renames: list[Rename] = field(default_factory=list)
    #: What to fix or waive: the active findings the change introduced, then the hidden ones.
    fixes: list[Fix] = field(default_factory=list)

    @property
    def weakened(self) -> list[ControlChange]:
        """The control changes that make the gate see less."""
        return [c for c in self.controls if c.weakened]

    def failing(self, level: str) -> list[Finding]:
        """What ``--fail-on-new LEVEL`` fails on: findings the change introduced, and
        findings the new configuration hides, at ``level`` or above."""
        return [
            *self.findings.introduced(level),
            *(f for f in self.hidden if at_or_above(f.severity, level)),
        ]

    @property
    def changed(self) -> bool:
        """False when the sides mean the same architecture."""
        return bool(self.changes)

    def counts(self) -> dict[str, int]:
        """Items ``added``, ``removed``, ``changed`` (metadata counts as one changed item)."""
        return count_changes(self.changes)


def diff_blueprints(
    old: Blueprint,
    new: Blueprint,
    as_of: dt.date | None = None,
    options: CheckOptions | None = None,
    rules: Mapping[str, Rule] | None = None,
    *,
    old_rules: RuleSet | None = None,
    new_rules: RuleSet | None = None,
) -> BlueprintDiff:
    """Compare two valid blueprints; both are checked with the same options and date.

    ``rules`` are the project's rules (built-ins, plugins, packs); default: the
    built-in catalog.
    ``as_of`` (default: ``options.as_of``, else today) judges waivers on both
    sides; ``options`` selects rules and severities (the project configuration).
    ``old_rules`` and ``new_rules``, when given, are each side's own configuration
    and rules (the project at that revision); they win over ``options`` and ``rules``.
    """
    options = options or CheckOptions()
    as_of = as_of or options.as_of or dt.date.today()
    options = replace(options, as_of=as_of)
    renames = find_renames(old, new)
    old = apply_renames(old, renames)
    old_graph = build_graph(old)
    new_graph = build_graph(new)
    old_options = old_rules.options(as_of) if old_rules is not None else options
    new_options = new_rules.options(as_of) if new_rules is not None else options
    old_set = old_rules.rules if old_rules is not None else rules
    new_set = new_rules.rules if new_rules is not None else rules
    old_report = check(old, old_options, old_set, graph=old_graph)
    new_report = check(new, new_options, new_set, graph=new_graph)
    controls: list[ControlChange] = []
    hidden: list[Finding] = []
    if old_rules is not None and new_rules is not None:
        controls = control_changes(old_rules, new_rules)
        if controls:
            under_old = check(new, old_options, old_set, graph=new_graph)
            hidden = _hidden(
                findings_delta(old_report.findings, under_old.findings), new_report.findings
            )
    changes = _with_renames(diff_items(old, new), renames, new)
    delta = findings_delta(old_report.findings, new_report.findings)
    highlights = find_highlights(old_graph, new_graph, changes, renames, as_of) if changes else []
    return BlueprintDiff(
        old_source=old.path,
        new_source=new.path,
        old_id=old.meta.id,
        new_id=new.meta.id,
        title=new.meta.title,
        as_of=as_of,
        changes=changes,
        highlights=highlights,
        findings=delta,
        approvals=required_approvers(changes, old_graph, new_graph),
        neighbourhood=neighbourhood(changes, old_graph, new_graph),
        controls=controls,
        hidden=hidden,
        renames=renames,
        fixes=_fixes(new_graph, [*delta.introduced("info")], hidden),
    )


def _fixes(graph: ArchitectureGraph, introduced: list[Finding], hidden: list[Finding]) -> list[Fix]:
    from cadee.rules.wvr003_waiver_self_approval import target_owners

    def approvers(finding: Finding) -> tuple[str, ...]:
        if finding.rule.startswith("WVR"):
            return ()
        target = finding.target
        people: list[str] = []
        ends = [i.from_ for i in graph.blueprint.integrations if i.id == target]
        ends += [i.to for i in graph.blueprint.integrations if i.id == target]
        for sid in [target, *ends]:
            system = graph.systems.get(sid)
            if system is not None:
                people += graph.effective_approvers(system)
        if not people:
            people = list(graph.blueprint.meta.approvers or [])
        owners = set(target_owners(graph, target))
        return tuple(p for p in dict.fromkeys(people) if p not in owners)

    return [
        *(Fix(f, False, approvers(f)) for f in introduced),
        *(Fix(f, True, approvers(f)) for f in hidden),
    ]


def _with_renames(
    changes: list[EntityChange], renames: list[Rename], new: Blueprint
) -> list[EntityChange]:
    """Each renamed system as a change of its ``id`` (with its other changed fields)."""
    if not renames:
        return changes
    by_new = {r.new: r for r in renames}
    systems = {s.id: s for s in new.systems}
    out: list[EntityChange] = []
    done: set[str] = set()
    for change in changes:
        found = by_new.get(change.id) if change.collection == "systems" else None
        if found is not None:
            change = replace(
                change, fields=(FieldChange("id", found.old, found.new), *change.fields)
            )
            done.add(found.new)
        out.append(change)
    first = next((i for i, c in enumerate(out) if c.collection == "systems"), len(out))
    extra = [
        EntityChange(
            "systems", r.new, "changed", (FieldChange("id", r.old, r.new),), dump(systems[r.new])
        )
        for r in renames
        if r.new not in done
    ]
    return [*out[:first], *extra, *out[first:]]


def _hidden(under_old: FindingsDelta, new: list[Finding]) -> list[Finding]:
    """Findings the change introduces under the old configuration that the new
    configuration does not report (active) at the same severity or above."""
    never = len(SEVERITY_RANK)
    shown: dict[tuple[str, str], int] = {}  # the most severe rank reported, lower is more severe
    for finding in new:
        if not finding.waived:
            key = (finding.rule, finding.target)
            shown[key] = min(shown.get(key, never), SEVERITY_RANK[finding.severity])
    return [
        f
        for f in under_old.introduced("info")
        if shown.get((f.rule, f.target), never) > SEVERITY_RANK[f.severity]
    ]
