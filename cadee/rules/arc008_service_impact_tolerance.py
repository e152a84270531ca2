"""A critical business service survives any single failure within its impact tolerance.

## What it does

For every `critical` service that is delivered with nothing failed, fails
each system with `redundancy` 1 on its own, as `cadee simulate --all` does:
the failed system and every system that `needs` it are down, and the service
is delivered only when one of its channels is not lost and reaches every
system in its `requires`. When the failure disrupts the service and the
expected disruption (the failed system's `recovery_minutes`) is unknown or
above the service's `tolerance_minutes` (or the service has no tolerance),
reports one finding per (service, system) pair, on the service.

The analysis is bounded (`cadee.simulate.MAX_STEPS` search steps, about 5 s):
where channels reach nearly every system of a large estate it would take
hours, so past the bound every critical service gets one finding saying it
could not be checked, and `cadee simulate --all --max-steps N` runs it whole.

## Why it matters

DORA asks a financial entity to identify its critical or important
functions, to set recovery time objectives for them and to have response,
recovery and backup arrangements that restore them in time. A critical
service that one non-redundant system can take down for longer than the bank
tolerates, or for a time nobody has stated, is an impact tolerance that the
architecture cannot meet, whatever the paper says.

## How to fix

Give the system that takes the service down a second instance
(`redundancy: 2`), a fallback that stands in for it, or a second channel path
to the required systems; or state and shorten its `recovery_minutes`. If the
bank accepts a longer disruption, raise the service's `tolerance_minutes`
with the service owner's sign-off.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: app, kind: channel, recovery_minutes: 30}
  - {id: desk, kind: human-desk, recovery_minutes: 60}
  - {id: core, kind: core-banking, recovery_minutes: 240}
integrations:
  - {from: app, to: desk, auth: mtls}
  - {from: desk, to: core, auth: mtls}
services:
  - {id: card-block, name: Card block, channels: [app], requires: [core], critical: true, tolerance_minutes: 60}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: app, kind: channel, recovery_minutes: 30}
  - {id: desk, kind: human-desk, recovery_minutes: 60}
  - {id: core, kind: core-banking, recovery_minutes: 240}
integrations:
  - {from: app, to: desk, auth: mtls}
  - {from: desk, to: core, auth: mtls}
services:
  - {id: card-block, name: Card block, channels: [app], requires: [core], critical: true, tolerance_minutes: 240}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="ARC008",
    name="service-impact-tolerance",
    severity="error",
    layer="architecture",
    references=(ref.DORA_ART_11, ref.DORA_ART_12),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    services = {s.id: s for s in graph.blueprint.services if s.critical}
    if not services:
        return
    from cadee import simulate

    systems = {s.id: s for s in graph.blueprint.systems}
    try:
        breaches = simulate.Simulator(graph).service_breaches(max_steps=simulate.MAX_STEPS)
    except simulate.TooManySteps as exc:
        for unchecked in services.values():
            yield self.finding(
                unchecked.id,
                f"critical service '{unchecked.id}' could not be checked against single failures: "
                f"{exc}; `cadee simulate --all --max-steps N` runs the whole analysis",
                unchecked.location,
            )
        return
    for service_id, breached_by in breaches.items():
        service = services.get(service_id)
        if service is None:
            continue
        for failed in breached_by:
            minutes = systems[failed].recovery_minutes
            if minutes is None:
                why = f"'{failed}' states no recovery_minutes, so the disruption is unknown"
            elif service.tolerance_minutes is None:
                why = f"the service states no tolerance_minutes (recovery of '{failed}': {minutes} min)"
            else:
                why = (
                    f"the expected disruption of {minutes} min (recovery of '{failed}') is above "
                    f"its tolerance of {service.tolerance_minutes} min"
                )
            yield self.finding(
                service.id,
                f"critical service '{service.id}' is disrupted when '{failed}' fails alone; {why}",
                service.location,
            )
