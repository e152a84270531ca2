"""A tier-1 system that holds the integration graph together has a spare or a fallback.

## What it does

Reports a `tier-1` system that is an articulation point of the undirected
integration graph (removing it splits the systems into more connected groups
than before), runs with `redundancy: 1` and declares no `fallback` (absent or
an empty list). The graph is simple: direction is ignored, parallel and
opposite integrations count once and self-loops are ignored.

## Why it matters

When every conversation between the customer channels and the systems of
record passes through one instance of one component, a single outage, bad
deployment or expired certificate stops the whole service. DORA expects a
financial entity to know its critical functions, to keep them running
through ICT disruption and to have response and recovery plans that work. A
critical component that is both a choke point and a single instance, with
nothing to fall back to, is exactly the concentration risk a supervisor will
ask about after an incident.

## How to fix

Run the system in more than one independent instance or zone and record it
(`redundancy: 2`), or give it a `fallback` chain that keeps customers served
when it fails (for example a human desk), or add a second path around it.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel}
  - {id: gateway, kind: gateway, criticality: tier-1}
  - {id: crm, kind: crm}
integrations:
  - {from: chat, to: gateway}
  - {from: gateway, to: crm}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel}
  - {id: gateway, kind: gateway, criticality: tier-1, redundancy: 2}
  - {id: crm, kind: crm}
integrations:
  - {from: chat, to: gateway}
  - {from: gateway, to: crm}
```
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="ARC004",
    name="single-point-of-failure",
    severity="warning",
    layer="architecture",
    references=(ref.DORA_ART_11,),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    candidates = [
        s
        for s in graph.blueprint.systems
        if s.criticality == "tier-1" and s.redundancy == 1 and not s.fallback
    ]
    if not candidates:
        return
    # Simple undirected graph (spec 13.8): direction dropped, parallel and
    # opposite integrations merged, self-loops ignored. Linear in its size.
    simple = nx.Graph()
    simple.add_nodes_from(graph.systems)
    simple.add_edges_from((i.from_, i.to) for i in graph.blueprint.integrations if i.from_ != i.to)
    cut_points = set(nx.articulation_points(simple))
    for system in candidates:
        if system.id in cut_points:
            yield self.finding(
                system.id,
                f"tier-1 {system.kind} '{system.id}' is a single point of failure: removing it "
                f"disconnects the integration graph, and it has redundancy 1 and no fallback",
                system.location,
            )
