"""Every tier-1 system names who is on call for it.

## What it does

Reports a `tier-1` system whose `observability` declares no `oncall` owner
(including a system with no `observability` at all).

## Why it matters

Detecting an incident is only useful when someone is paged and responds.
DORA expects financial entities to detect anomalies and to assign roles for
responding to ICT incidents; the EU AI Act's record-keeping duties assume
someone reviews what the logs show. For the critical path of an AI
customer-service workflow, the on-call team must be known before the
outage, not looked up during it.

## How to fix

Declare the on-call team or role in `owners` and set
`observability.oncall` on the system.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: sre, name: Site Reliability Engineering, function: operations}
systems:
  - id: gateway
    kind: gateway
    criticality: tier-1
    observability: {logs: true, metrics: true, traces: true, slo: 99.9%, runbook: rb-gateway}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: sre, name: Site Reliability Engineering, function: operations}
systems:
  - id: gateway
    kind: gateway
    criticality: tier-1
    observability: {logs: true, metrics: true, traces: true, slo: 99.9%, runbook: rb-gateway, oncall: sre}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="OBS002",
    name="runtime-oncall",
    severity="warning",
    layer="enablement",
    references=(ref.DORA_ART_10, ref.EU_AI_ACT_ART_12),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    for system in graph.blueprint.systems:
        if system.criticality != "tier-1":
            continue
        if system.observability is None or system.observability.oncall is None:
            yield self.finding(
                system.id,
                f"tier-1 system '{system.id}' names no on-call owner; set 'observability.oncall'",
                system.location,
            )
