"""A pause or redesign gate that has fired is decided, not ignored.

## What it does

Evaluates every gate with a `trigger` on its KPI's measurements as of the
as-of date (spec 1.1 A3) and reports each gate with `action: pause` or
`action: redesign` whose status is `triggered`: every measurement of its
window is strictly below (or above) its bound. The finding names the window
and the measurements that fired it.

## Why it matters

A gate is a promise made before rollout: under these measured conditions,
leadership pauses or redesigns. The EU AI Act's risk management system is a
continuous process in which measures are taken when risks materialise, and
the NIST AI RMF MANAGE function acts on what MEASURE found. A pause gate that
has fired while the rollout carries on unchanged is exactly the failure the
gate was written to prevent; CI should say so until someone decides.

## How to fix

Take the decision the gate names (pause the rollout, or redesign), or record
a decision to continue as a waiver of this finding on the gate id, approved
by the gate's decider's accountable peer, with a short expiry. The gate
clears by itself when new measurements are no longer beyond the bound.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example, live_since: 2026-05-04}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
kpis:
  - id: csat
    name: Customer satisfaction
    owner: service-ops
    measurements:
      - {date: 2026-05-18, value: 3.7}
      - {date: 2026-05-25, value: 3.6}
gates:
  - {id: pause-csat, action: pause, when: CSAT below 3.8 for two weeks, kpi: csat, trigger: {below: 3.8, for_days: 21}, decided_by: service-ops}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example, live_since: 2026-05-04}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
kpis:
  - id: csat
    name: Customer satisfaction
    owner: service-ops
    measurements:
      - {date: 2026-05-18, value: 3.7}
      - {date: 2026-05-25, value: 3.9}
gates:
  - {id: pause-csat, action: pause, when: CSAT below 3.8 for two weeks, kpi: csat, trigger: {below: 3.8, for_days: 21}, decided_by: service-ops}
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cadee.decision import describe_trigger, evaluate
from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, dated_rule


@dated_rule(
    id="EVD004",
    name="gate-triggered",
    severity="error",
    layer="evaluation",
    references=(ref.EU_AI_ACT_ART_9, ref.NIST_AI_RMF_MANAGE),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph, as_of: dt.date) -> Iterator[Finding]:
    for status in evaluate(graph.blueprint, as_of).gates:
        gate = status.gate
        if status.status != "triggered" or gate.action not in ("pause", "redesign"):
            continue
        values = ", ".join(f"{p.value} on {p.date.isoformat()}" for p in status.window)
        yield self.finding(
            gate.id,
            f"{gate.action} gate '{gate.id}' has fired as of {as_of.isoformat()}: "
            f"{describe_trigger(gate)} ({values}); {gate.action} or record the decision to continue",
            gate.location,
        )
