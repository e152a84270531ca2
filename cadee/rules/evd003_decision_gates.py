"""The blueprint defines KPIs and decision gates, including when to pause.

## What it does

Reports the blueprint when it declares no KPI, and (separately) when no gate
has `action: pause`; reports each gate that names no `decided_by` owner.

## Why it matters

Evidence only matters when it drives decisions. A leadership team needs to
know in advance under which measured conditions the AI workflow is paused,
scaled or redesigned, and who makes that call. The EU AI Act's risk
management system is a continuous process with measures taken when risks
materialise, and the NIST AI RMF MEASURE function ties measurement to
decisions. A pilot without a pause gate keeps running on momentum; a gate
without a decision owner is a wish.

## How to fix

Declare the KPIs you measure, at least one gate with `action: pause` (for
example "CSAT drops below the baseline for two weeks"), and set
`decided_by` on every gate.

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
blueprint: {id: bp, title: Example}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
kpis:
  - {id: csat, name: Customer satisfaction, baseline: 4.1, target: 4.3, owner: service-ops}
gates:
  - {id: pause-csat, action: pause, when: CSAT below baseline for two weeks, kpi: csat, threshold: 4.1, decided_by: service-ops}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="EVD003",
    name="decision-gates",
    severity="warning",
    layer="evaluation",
    references=(ref.NIST_AI_RMF_MEASURE, ref.EU_AI_ACT_ART_9),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    blueprint = graph.blueprint
    if not blueprint.kpis:
        yield self.finding(
            blueprint.id,
            f"blueprint '{blueprint.id}' declares no KPI to compare before and after rollout",
            blueprint.location,
        )
    if not any(gate.action == "pause" for gate in blueprint.gates):
        yield self.finding(
            blueprint.id,
            f"blueprint '{blueprint.id}' declares no gate with action 'pause'",
            blueprint.location,
        )
    for gate in blueprint.gates:
        if gate.decided_by is None:
            yield self.finding(
                gate.id,
                f"gate '{gate.id}' ({gate.action}) names no 'decided_by' owner",
                gate.location,
            )
