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

from collections.abc import Iterable, Iterator, Sequence
from operator import attrgetter

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


def cut_vertices(n: int, edges: Iterable[tuple[int, int]], starts: Sequence[int]) -> list[bool]:
    """Articulation points of the undirected graph on nodes ``0..n-1`` (iterative Tarjan).

    Self-loops are dropped; parallel and opposite edges need no merging since
    they never change which nodes are articulation points (every edge back to
    the DFS parent is skipped). Only the connected components of ``starts``
    are searched. Linear in nodes plus edges, no recursion.
    """
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        if a != b:
            adjacency[a].append(b)
            adjacency[b].append(a)
    discovered = [-1] * n
    low = [0] * n
    parent = [-1] * n
    position = [0] * n
    cut = [False] * n
    clock = 0
    for root in starts:
        if discovered[root] != -1:
            continue
        discovered[root] = low[root] = clock
        clock += 1
        root_children = 0
        stack = [root]
        while stack:
            node = stack[-1]
            index = position[node]
            neighbours = adjacency[node]
            if index < len(neighbours):
                position[node] = index + 1
                other = neighbours[index]
                if discovered[other] == -1:
                    parent[other] = node
                    discovered[other] = low[other] = clock
                    clock += 1
                    stack.append(other)
                    if node == root:
                        root_children += 1
                elif other != parent[node] and discovered[other] < low[node]:
                    low[node] = discovered[other]
            else:
                stack.pop()
                up = parent[node]
                if up != -1:
                    if low[node] < low[up]:
                        low[up] = low[node]
                    if up != root and low[node] >= discovered[up]:
                        cut[up] = True
        if root_children > 1:
            cut[root] = True
    return cut


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
    # Simple undirected integration graph over all systems (spec 13.8), searched
    # only in the components that hold a candidate.
    order = graph.order
    index = order.__getitem__
    integrations = graph.blueprint.integrations
    cut = cut_vertices(
        len(order),
        # The ends as indexes, mapped in C rather than by a generator per integration.
        zip(
            map(index, map(attrgetter("from_"), integrations)),
            map(index, map(attrgetter("to"), integrations)),
            strict=True,
        ),
        [order[s.id] for s in candidates],
    )
    for system in candidates:
        if cut[order[system.id]]:
            yield self.finding(
                system.id,
                f"tier-1 {system.kind} '{system.id}' is a single point of failure: removing it "
                f"disconnects the integration graph, and it has redundancy 1 and no fallback",
                system.location,
            )
