"""A waiver is approved by an owner of the item it waives.

## What it does

Reports every waiver whose `approved_by` is one of the owners of its
`target`: for a system, its `owner`; for an integration (its id, by default
`from->to`), the owners of both ends; for a KPI, its `owner`; for a gate, its
`decided_by`; for the blueprint id, `blueprint.owner`. A target that names
several items (the blueprint id and a system, say) has the owners of all of
them; anything else (a boundary, an owner, evidence, free text) has none. The
waiver's rule does not matter, and expired waivers count too. The target is
`<rule>:<target>` of the waiver. Waiver findings cannot be waived.

## Why it matters

A waiver is an accepted risk. The team that owns the system has every
incentive to accept its own gaps; an independent approver (risk,
compliance, architecture) is what makes the acceptance mean something.
Self-approved exceptions are a classic finding of ICT risk-management
reviews (DORA Art. 6).

## How to fix

Have someone who does not own the waived item approve the waiver (a risk or
compliance function), and put their owner id in `approved_by`.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: kb-team, name: Knowledge team, function: technology}
  - {id: risk-office, name: Risk office, function: compliance}
systems:
  - {id: kb, kind: service, owner: kb-team}
waivers:
  - rule: ARC007
    target: kb
    reason: Boundary assignment pending the network redesign.
    approved_by: kb-team
    expires: 2026-12-31
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: kb-team, name: Knowledge team, function: technology}
  - {id: risk-office, name: Risk office, function: compliance}
systems:
  - {id: kb, kind: service, owner: kb-team}
waivers:
  - rule: ARC007
    target: kb
    reason: Boundary assignment pending the network redesign.
    approved_by: risk-office
    expires: 2026-12-31
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, WaiverContext, waiver_rule
from cadee.text import shorten

__all__ = ["RULE", "target_owners"]


def target_owners(graph: ArchitectureGraph, target: str) -> list[str]:
    """The owners of a waiver's target (spec 1.1 part B, clarification 9), in a stable order."""
    blueprint = graph.blueprint
    found: list[str | None] = []
    system = graph.systems.get(target)
    if system is not None:
        found.append(system.owner)
    integration = graph.integration_ids.get(target)
    if integration is not None:
        for end in (integration.from_, integration.to):
            called = graph.systems.get(end)
            found.append(called.owner if called is not None else None)
    found += [kpi.owner for kpi in blueprint.kpis if kpi.id == target]
    found += [gate.decided_by for gate in blueprint.gates if gate.id == target]
    if blueprint.meta.id == target:
        found.append(blueprint.meta.owner)
    return list(dict.fromkeys(owner for owner in found if owner))


@waiver_rule(
    id="WVR003",
    name="waiver-self-approval",
    severity="error",
    layer="compliance",
    references=(ref.DORA_ART_6,),
    doc=__doc__,
)
def RULE(self: Rule, context: WaiverContext) -> Iterator[Finding]:
    graph = context.graph
    if graph is None:
        return
    for waiver in context.waivers:
        owners = target_owners(graph, waiver.target)
        if waiver.approved_by in owners:
            yield self.finding(
                waiver.key,
                f"waiver for {waiver.rule} on '{shorten(waiver.target)}' is approved by "
                f"'{waiver.approved_by}', an owner of '{shorten(waiver.target)}'; "
                "a waiver needs an approver who does not own what it waives",
                waiver.location,
            )
