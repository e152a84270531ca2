"""The changed neighbourhood: the systems and edges a diagram of the change shows.

Nodes are the systems added, removed or changed, plus the endpoints of every
integration and fallback edge the change added, removed or changed; context
edges are unchanged integrations and fallbacks between shown nodes. Sizes are
capped so a pull-request comment stays readable: changed elements first, then
context, each in declaration order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cadee.diff.semantic import EntityChange
from cadee.graph import ArchitectureGraph
from cadee.model import System

__all__ = ["MAX_EDGES", "MAX_NODES", "Edge", "Neighbourhood", "Node", "neighbourhood"]

Status = Literal["added", "removed", "changed", "context"]
MAX_NODES = 40
MAX_EDGES = 80
#: Integration fields worth naming on a changed edge, in this order.
_EDGE_FIELDS = ("auth", "data", "identity", "mode", "protocol", "timeout_ms")


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    name: str
    kind: str
    status: Status


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    kind: Literal["integration", "fallback"]
    status: Status
    label: str


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    #: Nodes and edges left out by the caps.
    omitted_nodes: int = 0
    omitted_edges: int = 0


def _value(value: Any) -> str:
    return "none" if value is None else str(value)


def _integration_label(item: Any) -> str:
    return f"{item.auth or 'no auth'}, {item.data}"


def _chain(system: System | None) -> list[str]:
    if system is None:
        return []
    return list(dict.fromkeys(step.to for step in system.fallback or []))


def neighbourhood(
    changes: Sequence[EntityChange], old: ArchitectureGraph, new: ArchitectureGraph
) -> Neighbourhood:
    status: dict[str, Status] = {}
    for change in changes:
        if change.collection == "systems":
            status[change.id] = change.change
    edges: list[Edge] = []
    old_integrations, new_integrations = old.integration_ids, new.integration_ids
    for change in changes:
        if change.collection == "integrations":
            before, after = old_integrations.get(change.id), new_integrations.get(change.id)
            if (
                before is not None
                and after is not None
                and (before.from_, before.to) == (after.from_, after.to)
            ):
                moved = [f for f in change.fields if f.path in _EDGE_FIELDS]
                label = "; ".join(f"{f.path} {_value(f.old)} -> {_value(f.new)}" for f in moved[:3])
                edges.append(
                    Edge(after.from_, after.to, "integration", "changed", label or "changed")
                )
                continue
            if before is not None:
                edges.append(
                    Edge(
                        before.from_,
                        before.to,
                        "integration",
                        "removed",
                        _integration_label(before),
                    )
                )
            if after is not None:
                edges.append(
                    Edge(after.from_, after.to, "integration", "added", _integration_label(after))
                )
        elif change.collection == "systems":
            old_chain = _chain(old.systems.get(change.id))
            new_chain = _chain(new.systems.get(change.id))
            if old_chain == new_chain:
                continue
            old_at = {t: i for i, t in enumerate(old_chain)}
            for position, target in enumerate(new_chain):
                was = old_at.get(target)
                if was is None:
                    edges.append(
                        Edge(change.id, target, "fallback", "added", f"fallback {position + 1}")
                    )
                elif was != position:
                    edges.append(
                        Edge(
                            change.id,
                            target,
                            "fallback",
                            "changed",
                            f"fallback {was + 1} -> {position + 1}",
                        )
                    )
                else:
                    edges.append(
                        Edge(change.id, target, "fallback", "context", f"fallback {position + 1}")
                    )
            for position, target in enumerate(old_chain):
                if target not in new_chain:
                    edges.append(
                        Edge(change.id, target, "fallback", "removed", f"fallback {position + 1}")
                    )
    order = _order(new, old)
    primary = sorted(status, key=order)
    endpoints = [e for edge in edges for e in (edge.source, edge.target) if e not in status]
    candidates = list(dict.fromkeys([*primary, *sorted(dict.fromkeys(endpoints), key=order)]))
    shown = candidates[:MAX_NODES]
    shown_set = set(shown)
    nodes = tuple(_node(sid, status.get(sid, "context"), new, old) for sid in shown)
    changed_edges = [e for e in edges if e.source in shown_set and e.target in shown_set]
    context = list(_context(shown, shown_set, changed_edges, new))
    kept = (changed_edges + context)[:MAX_EDGES]
    omitted_edges = (
        len(edges) - len(changed_edges) + max(0, len(changed_edges) + len(context) - MAX_EDGES)
    )
    return Neighbourhood(nodes, tuple(kept), len(candidates) - len(shown), omitted_edges)


def _order(new: ArchitectureGraph, old: ArchitectureGraph) -> Any:
    offset = len(new.order)

    def key(sid: str) -> tuple[int, int, str]:
        if sid in new.order:
            return (0, new.order[sid], sid)
        return (1, old.order.get(sid, offset), sid)

    return key


def _node(sid: str, status: Status, new: ArchitectureGraph, old: ArchitectureGraph) -> Node:
    system = new.systems.get(sid) or old.systems.get(sid)
    if system is None:
        return Node(sid, sid, "unknown", status)
    return Node(sid, system.name, system.kind, status)


def _context(
    shown: Iterable[str], shown_set: set[str], changed: Sequence[Edge], new: ArchitectureGraph
) -> Iterable[Edge]:
    """Unchanged integrations and fallbacks between shown nodes, on the new side."""
    taken = {(e.source, e.target, e.kind) for e in changed}
    for sid in shown:
        if sid not in new.systems:
            continue
        for _, target, data in new.integrations.out_edges(sid, data=True):
            if target in shown_set and (sid, target, "integration") not in taken:
                taken.add((sid, target, "integration"))
                yield Edge(
                    sid, target, "integration", "context", _integration_label(data["integration"])
                )
        for position, target in enumerate(_chain(new.systems[sid])):
            if target in shown_set and (sid, target, "fallback") not in taken:
                taken.add((sid, target, "fallback"))
                yield Edge(sid, target, "fallback", "context", f"fallback {position + 1}")
