"""Production systems are not wired to staging, development or sandbox systems.

## What it does

Reports every integration that joins a system whose `environment` is
`production` (the default) and one whose environment is `staging`,
`development` or `sandbox`, in either direction. Integrations between two
non-production systems, and from a system to itself, are not reported.

## Why it matters

A pilot that "just calls the sandbox model" from production sends real
customer data into an environment without production controls, and a
production system fed by a staging service makes customer outcomes depend on
untested code. DORA's identification article expects banks to know and map
their ICT assets and their dependencies; a blueprint that mixes environments
hides which components are actually live.

## How to fix

Point the production system at the production instance of the dependency
(declare it as its own system if needed), or move both ends to the same
environment.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: app, kind: service}
  - {id: kb, kind: service, environment: staging}
integrations:
  - {from: app, to: kb}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: app, kind: service}
  - {id: kb, kind: service, environment: production}
integrations:
  - {from: app, to: kb}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="ARC003",
    name="environment-isolation",
    severity="error",
    layer="architecture",
    references=(ref.DORA_ART_8,),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    systems = graph.systems
    # Production systems as an id set, so the pass over every integration is set lookups.
    production = {sid for sid, system in systems.items() if system.environment == "production"}
    for integration in graph.blueprint.integrations:
        # A self-loop joins a system to itself: same environment (spec 13.7).
        if (integration.from_ in production) == (integration.to in production):
            continue
        caller = systems[integration.from_]
        callee = systems[integration.to]
        yield self.finding(
            integration.id,
            f"integration '{integration.id}' joins {caller.environment} system "
            f"'{caller.id}' and {callee.environment} system '{callee.id}'",
            integration.location,
        )
