"""What a change does to the architecture: ``diff_blueprints(old, new, as_of)``.

The result is plain data (frozen dataclasses) that the reporters in
:mod:`cadee.report.diff` render as text, Markdown or JSON:

- ``changes``: items added, removed and changed, matched by id (:mod:`.semantic`);
- ``highlights``: the risky ones, each with a one-line reason (:mod:`.highlights`);
- ``findings``: new, resolved and unchanged rule findings (:mod:`.delta`);
- ``approvals``: the systems touched and who must approve them (:mod:`.approvers`);
- ``neighbourhood``: the systems and edges a diagram of the change shows.

Reading a side from git (``REV:PATH``) lives in :mod:`.sources`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from cadee.check import CheckOptions, check
from cadee.diff.approvers import Approvals, ApproverGroup, Touched, required_approvers
from cadee.diff.delta import FindingChange, FindingsDelta, findings_delta
from cadee.diff.highlights import HIGHLIGHT_KINDS, Highlight, find_highlights
from cadee.diff.neighbourhood import Edge, Neighbourhood, Node, neighbourhood
from cadee.diff.semantic import EntityChange, FieldChange, count_changes, diff_items
from cadee.graph import build_graph
from cadee.model import Blueprint
from cadee.rules import Rule

__all__ = [
    "HIGHLIGHT_KINDS",
    "Approvals",
    "ApproverGroup",
    "BlueprintDiff",
    "Edge",
    "EntityChange",
    "FieldChange",
    "FindingChange",
    "FindingsDelta",
    "Highlight",
    "Neighbourhood",
    "Node",
    "Touched",
    "diff_blueprints",
]


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
) -> BlueprintDiff:
    """Compare two valid blueprints; both are checked with the same options and date.

    ``rules`` are the project's rules (built-ins, plugins, packs); default: the
    built-in catalog.
    ``as_of`` (default: ``options.as_of``, else today) judges waivers on both
    sides; ``options`` selects rules and severities (the project configuration).
    """
    options = options or CheckOptions()
    as_of = as_of or options.as_of or dt.date.today()
    options = replace(options, as_of=as_of)
    old_graph = build_graph(old)
    new_graph = build_graph(new)
    old_report = check(old, options, rules, graph=old_graph)
    new_report = check(new, options, rules, graph=new_graph)
    changes = diff_items(old, new)
    highlights = find_highlights(old_graph, new_graph, changes) if changes else []
    return BlueprintDiff(
        old_source=old.path,
        new_source=new.path,
        old_id=old.meta.id,
        new_id=new.meta.id,
        title=new.meta.title,
        as_of=as_of,
        changes=changes,
        highlights=highlights,
        findings=findings_delta(old_report.findings, new_report.findings),
        approvals=required_approvers(changes, old_graph, new_graph),
        neighbourhood=neighbourhood(changes, old_graph, new_graph),
    )
