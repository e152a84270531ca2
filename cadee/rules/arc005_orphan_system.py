"""Every declared system takes part in the architecture.

## What it does

Reports a system that appears in no integration (as caller or callee; an
integration from a system to itself counts), is in no system's `fallback`
list, is no boundary's `identity_provider` and is in no system's `needs`. A
system with fallbacks or `needs` of its own but nothing else is still an
orphan.

## Why it matters

DORA asks a financial entity to identify and keep an up-to-date inventory of
its ICT assets and of how they depend on each other. A system that is
declared but connected to nothing is either a leftover that nobody removed
(and that still has an owner, a budget and an attack surface) or a real
dependency whose integrations were never written down, which means the
integration map shown to risk and audit is incomplete.

## How to fix

Declare the integrations the system really has, reference it where it is
used (a fallback target, a boundary's identity provider or a system's
`needs`), or delete it from
the blueprint if it is no longer part of the workflow.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel}
  - {id: desk, kind: human-desk}
  - {id: faq, kind: service}
integrations:
  - {from: chat, to: desk, auth: mtls}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel}
  - {id: desk, kind: human-desk}
  - {id: faq, kind: service}
integrations:
  - {from: chat, to: desk, auth: mtls}
  - {from: chat, to: faq, auth: mtls}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="ARC005",
    name="orphan-system",
    severity="warning",
    layer="architecture",
    references=(ref.DORA_ART_8,),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    # A system with an integration has an edge in the integration graph: read its
    # adjacency (one check per system) rather than both ends of every integration.
    succ, pred = graph.integrations.succ, graph.integrations.pred
    used = {sid for sid in graph.systems if succ[sid] or pred[sid]}
    for system in graph.blueprint.systems:
        if system.fallback:
            used.update(step.to for step in system.fallback)
        if system.needs:
            used.update(system.needs)
    for boundary in graph.blueprint.boundaries:
        if boundary.identity_provider is not None:
            used.add(boundary.identity_provider)
    for system in graph.blueprint.systems:
        if system.id not in used:
            yield self.finding(
                system.id,
                f"{system.kind} '{system.id}' has no integration, is no system's fallback "
                f"and no boundary's identity provider",
                system.location,
            )
