"""A live blueprint's KPIs are measured at least every 35 days.

## What it does

When `blueprint.live_since` is on or before the as-of date, reports each KPI
with no measurement dated in the 35 days up to and including the as-of date
(from as-of minus 34 days to as-of).

## Why it matters

Before/after comparisons and gate triggers are only as good as the data
behind them. A KPI nobody measures any more cannot fire its pause gate, and
a leadership brief built on a stale baseline reports a plan as a result. The
NIST AI RMF MEASURE function asks for measurement that continues after
deployment, not a one-off.

## How to fix

Add the latest measurements to the KPI (`measurements`, or the CSV file
named by `measurements_file`), at least one every 35 days, or remove the KPI
if it is no longer part of the decision.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example, live_since: 2026-03-02}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
kpis:
  - id: fcr
    name: First-contact resolution
    owner: service-ops
    measurements:
      - {date: 2026-03-30, value: 71}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example, live_since: 2026-03-02}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
kpis:
  - id: fcr
    name: First-contact resolution
    owner: service-ops
    measurements:
      - {date: 2026-03-30, value: 71}
      - {date: 2026-05-25, value: 74}
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cadee.decision import CURRENT_DAYS
from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, dated_rule


@dated_rule(
    id="EVD005",
    name="kpi-measurements-current",
    severity="warning",
    layer="evaluation",
    references=(ref.NIST_AI_RMF_MEASURE,),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph, as_of: dt.date) -> Iterator[Finding]:
    blueprint = graph.blueprint
    live_since = blueprint.meta.live_since
    if live_since is None or live_since > as_of:
        return
    start = as_of - dt.timedelta(days=CURRENT_DAYS - 1)
    for kpi in blueprint.kpis:
        points = [p for p in blueprint.measurements.get(kpi.id, ()) if p.date <= as_of]
        if any(p.date >= start for p in points):
            continue
        last = f"the last is dated {points[-1].date.isoformat()}" if points else "it has none"
        yield self.finding(
            kpi.id,
            f"KPI '{kpi.id}' has no measurement from {start.isoformat()} to {as_of.isoformat()} "
            f"({last}); measure it at least every {CURRENT_DAYS} days while live",
            kpi.location,
        )
