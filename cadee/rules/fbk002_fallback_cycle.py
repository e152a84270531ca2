"""Fallback chains never loop back on themselves.

## What it does

Looks for cycles in the fallback graph (an edge from each system to every
system in its `fallback` list). It reports one finding per strongly connected
component holding more than one system, and one for a system that lists
itself as its own fallback. The finding targets the component's first system
in declaration order and lists every member of the cycle.

## Why it matters

A fallback is the answer to "what happens when this fails". When the chain
loops (`kb` falls back to `kb-replica`, which falls back to `kb`), the answer
is "we try the broken thing again": an outage becomes a retry storm instead of
a recovery, and the response and recovery plan that DORA expects financial
entities to document and test has no end state. A chain must end at something
that can carry the load on its own, ideally a human desk.

## How to fix

Break the cycle: make fallback chains point one way only, from the primary
towards more resilient or human-operated systems, and remove the entry that
points back.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: app, kind: service}
  - {id: kb, kind: service, fallback: [kb-replica]}
  - {id: kb-replica, kind: service, fallback: [kb]}
integrations:
  - {from: app, to: kb}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: app, kind: service}
  - {id: kb, kind: service, fallback: [kb-replica]}
  - {id: kb-replica, kind: service}
integrations:
  - {from: app, to: kb}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph, strongly_connected
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="FBK002",
    name="fallback-cycle",
    severity="error",
    layer="architecture",
    references=(ref.DORA_ART_11,),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    fallbacks = graph.fallbacks
    last = len(graph.order)

    def position(system_id: str) -> int:
        return graph.order.get(system_id, last)

    successors = fallbacks.succ  # node -> its fallback targets (networkx's adjacency view)
    cycles: list[list[str]] = []
    # Tarjan's algorithm, linear in the fallback graph's nodes and edges, from the
    # systems that have a fallback only: every member of a cycle has one.
    for component in strongly_connected(
        (s for s in successors if successors[s]), successors.__getitem__
    ):
        if len(component) == 1:
            (only,) = component
            if not fallbacks.has_edge(only, only):
                continue
        cycles.append(sorted(component, key=position))
    cycles.sort(key=lambda members: position(members[0]))
    for members in cycles:
        first = graph.systems[members[0]]
        if len(members) == 1:
            message = f"'{first.id}' lists itself as its own fallback"
        else:
            names = ", ".join(f"'{m}'" for m in members)
            message = (
                f"fallback chains of {names} form a cycle; "
                "a fallback chain must end at a system that does not fall back into it"
            )
        yield self.finding(first.id, message, first.location)
