"""The one place a blueprint becomes a graph.

Spec section 11 defines two edge sets over the same systems: the
**integration graph** (an edge per integration, ``from -> to``) and the
**fallback graph** (an edge from each system to each system in its
``fallback`` list). Both are networkx graphs sharing the system nodes; rules
query them and the indexes here instead of rescanning the blueprint's lists.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from cadee.model import Blueprint, Boundary, Integration, Owner, System

__all__ = ["ArchitectureGraph", "build_graph", "reach"]


@dataclass(slots=True)
class ArchitectureGraph:
    """The blueprint as graphs plus the lookups every rule needs."""

    blueprint: Blueprint
    #: MultiDiGraph: node = system id (attr ``system``), edge key = integration id
    #: (attr ``integration``). Parallel integrations stay distinct edges.
    integrations: Any
    #: DiGraph: edge ``p -> f`` when ``f`` is in ``p``'s fallback list
    #: (attrs ``order``: 0-based position, ``when``: triggers).
    fallbacks: Any
    systems: dict[str, System] = field(default_factory=dict)
    owners: dict[str, Owner] = field(default_factory=dict)
    boundaries: dict[str, Boundary] = field(default_factory=dict)
    #: Declaration index of each system (spec 13.10 merged order).
    order: dict[str, int] = field(default_factory=dict)
    #: Integrations by id (ids are unique in a valid blueprint).
    integration_ids: dict[str, Integration] = field(default_factory=dict)

    def boundary_of(self, system: System) -> Boundary | None:
        return self.boundaries.get(system.boundary) if system.boundary else None

    def effective_approvers(self, system: System) -> list[str]:
        """The system's ``approvers``, else ``blueprint.approvers`` (spec 13.3)."""
        if system.approvers is not None:
            return system.approvers
        return self.blueprint.meta.approvers or []


def build_graph(blueprint: Blueprint) -> ArchitectureGraph:
    """Build both graphs in one pass over the blueprint's lists."""
    integrations = nx.MultiDiGraph()
    fallbacks = nx.DiGraph()
    systems: dict[str, System] = {}
    order: dict[str, int] = {}
    for index, system in enumerate(blueprint.systems):
        systems[system.id] = system
        order[system.id] = index
    _add_integrations(integrations, systems, blueprint.integrations)
    _add_fallbacks(fallbacks, systems)
    return ArchitectureGraph(
        blueprint=blueprint,
        integrations=integrations,
        fallbacks=fallbacks,
        systems=systems,
        owners={o.id: o for o in blueprint.owners},
        boundaries={b.id: b for b in blueprint.boundaries},
        order=order,
        integration_ids={i.id: i for i in blueprint.integrations},
    )


def _add_integrations(
    graph: Any, systems: Mapping[str, System], integrations: Iterable[Integration]
) -> None:
    """The nodes and edges of the integration graph, as ``add_nodes_from`` and
    ``add_edges_from`` would add them (same dicts, same insertion order), written
    straight into the MultiDiGraph's adjacency dicts: networkx's per-edge Python
    calls were a quarter of building the graph of 10,000 systems. The layout
    (``_node``, ``_succ``/``_adj`` and ``_pred`` sharing one key dict per pair)
    is networkx's documented graph internals; tests/test_graph.py compares the
    result with the public API's."""
    nodes, succ, pred = graph._node, graph._succ, graph._pred
    for sid, system in systems.items():
        nodes[sid] = {"system": system}
        succ[sid] = {}
        pred[sid] = {}
    for integration in integrations:
        u, v = integration.from_, integration.to
        if u not in succ or v not in succ:  # an end that is not a system: the public API
            graph.add_edge(u, v, integration.id, integration=integration)
            continue
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys[integration.id] = {"integration": integration}
    graph.__networkx_cache__.clear()


def _add_fallbacks(graph: Any, systems: Mapping[str, System]) -> None:
    """The nodes and edges of the fallback graph, as ``add_nodes_from`` and
    ``add_edge`` would add them, written straight into the DiGraph's dicts like
    :func:`_add_integrations` (``_succ`` is ``_adj``; one attribute dict per edge,
    shared by ``_succ`` and ``_pred``). A repeated fallback target keeps its first
    (preferred) position; an end that is not a system goes through the public API."""
    nodes, succ, pred = graph._node, graph._succ, graph._pred
    for sid in systems:
        nodes[sid] = {}
        succ[sid] = {}
        pred[sid] = {}
    for sid, system in systems.items():
        if not system.fallback:
            continue
        for position, step in enumerate(system.fallback):
            target = step.to
            if target not in succ:
                if not graph.has_edge(sid, target):
                    graph.add_edge(sid, target, order=position, when=step.when)
                continue
            if target not in succ[sid]:
                succ[sid][target] = pred[target][sid] = {"order": position, "when": step.when}
    graph.__networkx_cache__.clear()


def reach(
    successors: Callable[[str], Iterable[str]],
    sources: Iterable[str],
    *,
    blocked: Callable[[str], bool] | None = None,
) -> dict[str, str | None]:
    """Breadth-first search over at least one edge from ``sources``.

    Returns every node reached through a path of one or more edges, mapped to
    its predecessor on a shortest path (``parents``), so callers can show the
    path. Nodes for which ``blocked`` is true are never entered. A source is
    in the result only when some path leads (back) to it. Linear in the edges
    visited.
    """
    parents: dict[str, str | None] = {}
    queue: deque[str] = deque()
    for source in sources:
        for nxt in successors(source):
            if nxt not in parents and not (blocked and blocked(nxt)):
                parents[nxt] = source
                queue.append(nxt)
    while queue:
        node = queue.popleft()
        for nxt in successors(node):
            if nxt not in parents and not (blocked and blocked(nxt)):
                parents[nxt] = node
                queue.append(nxt)
    return parents


def path_to(parents: Mapping[str, str | None], node: str, sources: set[str]) -> list[str]:
    """Rebuild the path ending at ``node`` from ``reach``'s parents."""
    path = [node]
    seen = {node}
    current = parents.get(node)
    while current is not None:
        path.append(current)
        if current in sources or current in seen:
            break
        seen.add(current)
        current = parents.get(current)
    path.reverse()
    return path


def strongly_connected(
    nodes: Iterable[str], successors: Callable[[str], Iterable[str]]
) -> list[list[str]]:
    """Strongly connected components (iterative Tarjan), sinks first.

    Every edge out of a component leads to a component listed before it, so a
    single pass over the result is a reverse topological order of the
    condensation. Linear in nodes + edges; no recursion, so deep chains of
    100,000 systems are fine.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Iterator[str]]] = [(root, iter(successors(root)))]
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    advanced = True
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components
