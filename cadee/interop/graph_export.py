"""Plain graph exports: the integration and fallback graphs as Mermaid or DOT text.

Simple and deterministic on purpose (the rich, styled maps are ``cadee
render``): one node per system, one box per boundary, a solid edge per
integration labelled with its protocol, a dashed edge per fallback step.
DOT text comes from the ``graphviz`` package, which quotes identifiers and
labels; Mermaid labels are quoted with every special character as an entity.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any

from cadee.model import Blueprint, System
from cadee.text import mermaid, sanitise

__all__ = ["render_dot", "render_mermaid"]

_MERMAID_SHAPES = {
    "gateway": ("{{", "}}"),
    "data-store": ("[(", ")]"),
    "human-desk": ("([", "])"),
    "channel": ("[/", "/]"),
}
_DOT_SHAPES = {
    "gateway": "hexagon",
    "data-store": "cylinder",
    "human-desk": "ellipse",
    "channel": "parallelogram",
}


def _dot_label(text: str) -> str:
    # Graphviz reads `&name;` entities in every label: a literal `&` must be `&amp;`;
    # the package quotes the rest (``graphviz.escape``: backslashes).
    escaped: str = _graphviz().escape(sanitise(text, one_line=True).replace("&", "&amp;"))
    return escaped


def _graphviz() -> Any:
    """The ``graphviz`` package (untyped), imported on first use."""
    return importlib.import_module("graphviz")


def _mermaid_label(text: str) -> str:
    """``text`` as a quoted Mermaid label on one line."""
    return '"' + mermaid(sanitise(text, one_line=True)) + '"'


def _node_ids(blueprint: Blueprint) -> tuple[dict[str, str], dict[str, str]]:
    taken: set[str] = set()

    def make(prefix: str, value: str) -> str:
        base = prefix + re.sub(r"[^A-Za-z0-9_]", "_", value)
        name, number = base, 2
        while name in taken:
            name, number = f"{base}_{number}", number + 1
        taken.add(name)
        return name

    systems = {s.id: make("s_", s.id) for s in blueprint.systems}
    boundaries = {b.id: make("b_", b.id) for b in blueprint.boundaries}
    return systems, boundaries


def _members(blueprint: Blueprint) -> tuple[dict[str, list[System]], list[System]]:
    known = {b.id for b in blueprint.boundaries}
    members: dict[str, list[System]] = {b.id: [] for b in blueprint.boundaries}
    loose = []
    for system in blueprint.systems:
        if system.boundary in known:
            members[system.boundary].append(system)
        else:
            loose.append(system)
    return members, loose


def _fallback_label(when: Sequence[str] | None) -> str:
    return f"fallback: {', '.join(when)}" if when else "fallback"


def render_mermaid(blueprint: Blueprint) -> str:
    """A Mermaid ``flowchart LR``."""
    system_ids, boundary_ids = _node_ids(blueprint)
    members, loose = _members(blueprint)
    lines = ["flowchart LR"]

    def node(system: System, indent: str) -> str:
        opening, closing = _MERMAID_SHAPES.get(system.kind, ("[", "]"))
        return f"{indent}{system_ids[system.id]}{opening}{_mermaid_label(system.name)}{closing}"

    for boundary in blueprint.boundaries:
        if not members[boundary.id]:
            continue
        lines.append(
            f"    subgraph {boundary_ids[boundary.id]}[{_mermaid_label(boundary.name or boundary.id)}]"
        )
        lines += [node(system, " " * 8) for system in members[boundary.id]]
        lines.append("    end")
    lines += [node(system, "    ") for system in loose]
    for integration in blueprint.integrations:
        source, target = system_ids[integration.from_], system_ids[integration.to]
        label = integration.protocol or ""
        arrow = f"-->|{_mermaid_label(label)}|" if label else "-->"
        lines.append(f"    {source} {arrow} {target}")
    for system in blueprint.systems:
        for step in system.fallback or ():
            label = _mermaid_label(_fallback_label(step.when))
            lines.append(f"    {system_ids[system.id]} -.->|{label}| {system_ids[step.to]}")
    return "\n".join(lines) + "\n"


def render_dot(blueprint: Blueprint) -> str:
    """A Graphviz ``digraph`` (render it with ``dot -Tsvg``)."""
    graphviz = _graphviz()
    members, loose = _members(blueprint)
    graph = graphviz.Digraph(
        name=graphviz.escape(blueprint.id),
        graph_attr={
            "rankdir": "LR",
            "label": _dot_label(blueprint.meta.title),
            "labelloc": "t",
            "fontname": "Helvetica",
        },
        node_attr={"shape": "box", "style": "rounded", "fontname": "Helvetica"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )

    def node(target: Any, system: System) -> None:
        attributes = {"shape": _DOT_SHAPES[system.kind]} if system.kind in _DOT_SHAPES else {}
        target.node(graphviz.escape(system.id), label=_dot_label(system.name), **attributes)

    for index, boundary in enumerate(blueprint.boundaries):
        if not members[boundary.id]:
            continue
        with graph.subgraph(name=f"cluster_{index}") as cluster:
            cluster.attr(label=_dot_label(boundary.name or boundary.id), style="dashed")
            for system in members[boundary.id]:
                node(cluster, system)
    for system in loose:
        node(graph, system)
    for integration in blueprint.integrations:
        label = {"label": _dot_label(integration.protocol)} if integration.protocol else {}
        graph.edge(graphviz.escape(integration.from_), graphviz.escape(integration.to), **label)
    for system in blueprint.systems:
        for step in system.fallback or ():
            graph.edge(
                graphviz.escape(system.id),
                graphviz.escape(step.to),
                label=_dot_label(_fallback_label(step.when)),
                style="dashed",
                color="firebrick",
            )
    source: str = graph.source
    return source
