"""Every system has an accountable owner.

## What it does

Reports a system that declares no `owner`.

## Why it matters

DORA makes the management body responsible for ICT risk and expects clear
roles and responsibilities for every ICT function; the NIST AI RMF GOVERN
function asks for the same accountability for AI systems. When a component
of the customer-service workflow has no owner, nobody is answerable for its
changes, its incidents or its retirement, and an auditor asking "who owns
this?" gets no answer from the architecture.

## How to fix

Declare the responsible team, person or role in `owners` and set `owner:` on
the system.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: platform, name: AI Platform Team, function: technology}
systems:
  - {id: gateway, kind: gateway}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: platform, name: AI Platform Team, function: technology}
systems:
  - {id: gateway, kind: gateway, owner: platform}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="OWN001",
    name="system-owner",
    severity="error",
    layer="enablement",
    references=(ref.DORA_ART_5, ref.NIST_AI_RMF_GOVERN),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    for system in graph.blueprint.systems:
        if system.owner is None:
            yield self.finding(
                system.id,
                f"{system.kind} '{system.id}' declares no owner; set 'owner' to the team, "
                f"person or role accountable for it",
                system.location,
            )
