"""A fallback does not depend synchronously on the system it replaces.

## What it does

For every system P that lists a fallback F, checks whether P is reachable
from F in the integration graph over `sync` integrations only (a path of one
or more edges). If it is, F calls P, directly or through other systems, and
waits for the answer: when P fails, F fails with it. One finding per distinct
(P, F) pair, targeting P, with the dependency path from F to P.

## Why it matters

A fallback exists for the moment the primary is down. A backup model behind
the same synchronous retrieval service, or a human desk whose agent-assist
screen blocks on the very model it replaces, shares the primary's fate: the
outage takes both out together and customers are left with nothing. DORA
expects response and recovery arrangements that actually work when the
primary ICT service fails; a fallback with a synchronous dependency on that
service is not one.

## How to fix

Remove the synchronous dependency: make the call from the fallback (or from
what it relies on) `async` or `batch`, point it at an independent instance,
or choose a fallback that does not depend on the primary.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: llm, kind: model, fallback: [desk]}
  - {id: desk, kind: human-desk}
integrations:
  - {from: desk, to: llm, timeout_ms: 2000}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: llm, kind: model, fallback: [desk]}
  - {id: desk, kind: human-desk}
integrations:
  - {from: desk, to: llm, mode: async, timeout_ms: 2000}
```
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph, strongly_connected
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="FBK003",
    name="fallback-shared-fate",
    severity="error",
    layer="architecture",
    references=(ref.DORA_ART_11,),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    # (P, F) pairs in declaration order of P, then fallback preference order;
    # the fallback graph already holds each distinct pair once.
    fallbacks = graph.fallbacks.succ  # node -> its fallback targets (networkx's adjacency view)
    pairs = [(p, f) for p in graph.order for f in fallbacks[p]]
    if not pairs:
        return
    sync: dict[str, list[str]] = {}
    self_loops: set[str] = set()
    for integration in graph.blueprint.integrations:
        if integration.mode == "sync":
            sync.setdefault(integration.from_, []).append(integration.to)
            if integration.from_ == integration.to:
                self_loops.add(integration.from_)
    no_successors: list[str] = []

    def successors(system_id: str) -> list[str]:
        return sync.get(system_id, no_successors)

    # Linear-time reachability for all pairs at once: condense the sync graph
    # into strongly connected components, then, sinks first, give every
    # component the set (a bitset) of "P components" it reaches. O((V + E) * T/64)
    # word operations for T distinct P components, instead of one search per F.
    # Only what the pairs' systems reach matters: a component is closed under
    # reachability, so the components found from them are whole, sinks first.
    components = strongly_connected(dict.fromkeys(s for pair in pairs for s in pair), successors)
    component_of = {node: i for i, members in enumerate(components) for node in members}
    bit = {component_of[p]: 0 for p, _ in pairs}
    for position, c in enumerate(bit):
        bit[c] = 1 << position
    reaches: list[int] = [0] * len(components)
    for i, members in enumerate(components):  # sinks first
        found = 0
        for node in members:
            for nxt in successors(node):
                j = component_of[nxt]
                if j != i:
                    found |= reaches[j] | bit.get(j, 0)
        reaches[i] = found
    for p, f in pairs:
        cp, cf = component_of[p], component_of[f]
        if cp == cf:
            cyclic = len(components[cf]) > 1 or f in self_loops
            if not cyclic:
                continue
        elif not reaches[cf] & bit[cp]:
            continue
        # Only for findings: a shortest path for the message, searched inside the
        # "funnel" of components that can still reach P, stopping at P.
        target_bit = bit[cp]

        def useful(node: str, cp: int = cp, target_bit: int = target_bit) -> bool:
            c = component_of[node]
            return c == cp or bool(reaches[c] & target_bit)

        path = " -> ".join(_shortest_path(f, p, successors, useful))
        yield self.finding(
            p,
            f"'{p}' falls back to '{f}', but '{f}' depends on '{p}' over sync "
            f"integrations ({path}), so the fallback fails together with what it replaces",
            graph.systems[p].location,
        )


def _shortest_path(
    source: str, target: str, successors: Callable[[str], list[str]], useful: Callable[[str], bool]
) -> list[str]:
    """BFS from ``source`` over >= 1 edge to ``target``, entering only useful nodes."""
    parents: dict[str, str] = {}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for nxt in successors(node):
            if nxt in parents or not useful(nxt):
                continue
            parents[nxt] = node
            if nxt == target:
                path = [target]
                while path[-1] != source or len(path) == 1:
                    path.append(parents[path[-1]])
                return path[::-1]
            queue.append(nxt)
    return [source, target]  # unreachable in practice: the bitsets said it is reachable
