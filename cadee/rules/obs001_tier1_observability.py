"""Every tier-1 system has logs, metrics, traces, an SLO and a runbook.

## What it does

For every `tier-1` system, checks its `observability` mapping and reports
the system once, naming everything missing among: `logs`, `metrics` and
`traces` set to `true`, a non-empty `slo` and a non-empty `runbook`.

## Why it matters

A critical component of a customer-facing AI workflow must be watched: DORA
requires mechanisms to promptly detect anomalous activity and ICT incidents,
and the EU AI Act requires AI systems to record events automatically so
that their operation can be traced afterwards. Without logs, metrics and
traces, incidents are found by customers and complaints rather than by
monitoring; without an SLO nobody knows when the service is degraded; without
a runbook the on-call engineer improvises during the outage.

## How to fix

Turn on logs, metrics and traces for the system and record them in
`observability`, together with the `slo` it is held to and the `runbook`
used when it fails.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - id: gateway
    kind: gateway
    criticality: tier-1
    observability: {logs: true, metrics: true}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - id: gateway
    kind: gateway
    criticality: tier-1
    observability:
      logs: true
      metrics: true
      traces: true
      slo: 99.9% of requests answered within 2 s
      runbook: https://wiki.example.com/runbooks/ai-gateway
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.model import System
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


def _missing(system: System) -> list[str]:
    obs = system.observability
    if obs is None:
        return ["logs", "metrics", "traces", "slo", "runbook"]
    missing = [
        name
        for name, value in (("logs", obs.logs), ("metrics", obs.metrics), ("traces", obs.traces))
        if value is not True
    ]
    if not obs.slo:
        missing.append("slo")
    if not obs.runbook:
        missing.append("runbook")
    return missing


@rule(
    id="OBS001",
    name="tier1-observability",
    severity="error",
    layer="enablement",
    references=(ref.DORA_ART_10, ref.EU_AI_ACT_ART_12),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    for system in graph.blueprint.systems:
        if system.criticality != "tier-1":
            continue
        missing = _missing(system)
        if missing:
            yield self.finding(
                system.id,
                f"tier-1 system '{system.id}' lacks observability: {', '.join(missing)} "
                f"(logs, metrics and traces must be true; slo and runbook non-empty)",
                system.location,
            )
