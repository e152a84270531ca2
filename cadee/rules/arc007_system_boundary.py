"""Every system sits in a declared identity and trust boundary.

## What it does

Reports a system that declares no `boundary`.

## Why it matters

Where a system runs (public internet, a third-party vendor, the corporate
network or the core zone) decides who may call it, which data may be sent to
it and which authentication its integrations need. DORA asks banks to
identify their ICT assets and map them to the functions and trust zones they
serve. A system without a boundary cannot be checked for boundary-crossing
authentication or data clearance, and leaves a gap in the asset inventory.

## How to fix

Declare the boundary in `boundaries` and set `boundary:` on the system.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
boundaries:
  - {id: internet, trust: untrusted}
systems:
  - {id: chat, kind: channel}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
boundaries:
  - {id: internet, trust: untrusted}
systems:
  - {id: chat, kind: channel, boundary: internet}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="ARC007",
    name="system-boundary",
    severity="warning",
    layer="architecture",
    references=(ref.DORA_ART_8,),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    for system in graph.blueprint.systems:
        if system.boundary is None:
            yield self.finding(
                system.id,
                f"{system.kind} '{system.id}' declares no boundary; set 'boundary' to the "
                f"identity and trust boundary it runs in",
                system.location,
            )
