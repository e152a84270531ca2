"""Every KPI has a baseline, a target and an owner.

## What it does

Reports a KPI that lacks any of `baseline`, `target` or `owner`, naming
everything missing in one finding. A value is present when its key is
written: `baseline: 0` is a baseline.

## Why it matters

The point of a KPI such as first-contact resolution, average handle time or
customer satisfaction is to compare service before and after the rollout.
Without a baseline measured before the AI workflow, any improvement is a
claim, not evidence; without a target nobody can say whether the pilot
succeeded; without an owner nobody measures it. The NIST AI RMF MEASURE
function and the EU AI Act's risk management system expect performance to
be measured against defined criteria.

## How to fix

Record the measured `baseline`, the agreed `target` and the `owner`
responsible for measuring the KPI.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
kpis:
  - {id: fcr, name: First-contact resolution, unit: percent, target: 80, owner: service-ops}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
kpis:
  - {id: fcr, name: First-contact resolution, unit: percent, baseline: 68, target: 80, owner: service-ops}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="EVD002",
    name="kpi-baseline-target",
    severity="warning",
    layer="evaluation",
    references=(ref.NIST_AI_RMF_MEASURE, ref.EU_AI_ACT_ART_9),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    for kpi in graph.blueprint.kpis:
        missing = [
            name
            for name, value in (
                ("baseline", kpi.baseline),
                ("target", kpi.target),
                ("owner", kpi.owner),
            )
            if value is None
        ]
        if missing:
            yield self.finding(
                kpi.id,
                f"KPI '{kpi.id}' lacks {', '.join(missing)}; before/after comparison needs a "
                f"baseline, a target and an owner",
                kpi.location,
            )
