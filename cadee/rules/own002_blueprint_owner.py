"""The workflow as a whole has an accountable owner.

## What it does

Reports the blueprint when `blueprint.owner` is absent.

## Why it matters

An AI customer-service workflow spans channels, models, vendors and systems
of record owned by different teams. DORA expects governance arrangements
with clear lines of accountability, and the NIST AI RMF GOVERN function asks
that someone be accountable for each AI system end to end. Without a single
accountable owner, decisions to pause, scale or redesign the workflow have
nobody to make them, and every team can assume another one is responsible.

## How to fix

Declare the accountable team, person or role in `owners` and set
`blueprint.owner` to it.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example, owner: service-ops}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="OWN002",
    name="blueprint-owner",
    severity="error",
    layer="enablement",
    references=(ref.DORA_ART_5, ref.NIST_AI_RMF_GOVERN),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    if graph.blueprint.meta.owner is None:
        yield self.finding(
            graph.blueprint.id,
            f"blueprint '{graph.blueprint.id}' declares no owner; set 'blueprint.owner' to "
            f"the team, person or role accountable for the whole workflow",
            graph.blueprint.location,
        )
