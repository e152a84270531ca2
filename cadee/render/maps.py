"""Integration maps: one diagram model, written as Graphviz DOT and Mermaid.

A :class:`Diagram` (clusters, nodes, edges) is built once per view from the
architecture graph; :func:`to_dot` and :func:`to_mermaid` write it out, and
Graphviz's own ``dot`` turns the DOT text into SVG and PNG
(:func:`run_dot`). Views:

- ``full``: every system in its boundary, every integration and fallback;
- ``identity``: boundaries and the integrations that cross them;
- ``fallback``: AI components and their fallback chains down to human desks;
- ``overview``: one node per boundary, integrations aggregated with counts.

Above :data:`DETAIL_THRESHOLD` systems a 1,000-node picture is unreadable, so
the full view becomes the overview plus one detail map per boundary
(figure keys ``full/<boundary id>``), and the identity view aggregates
crossings per pair of boundaries.

A map a printed page cannot hold with 6 pt type is printed smaller instead
(:func:`smaller`: split into detail maps, aggregated to boundaries, then to
trust zones); the brief's map is at trust-zone level above
:data:`SUMMARY_NODES` boundaries. Edge labels are nodes on their edge's way,
so they stay on their line and off every box.

Node ids are ``n0``, ``n1``... in declaration order: user text only ever
appears inside escaped labels, never as an identifier.
"""

from __future__ import annotations

import functools
import re
import shutil
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from cadee.graph import ArchitectureGraph
from cadee.model import DATA_RANK, SYSTEMS_OF_RECORD, Blueprint, Integration, System
from cadee.text import dot_html, dot_string, mermaid, plural

__all__ = [
    "DETAIL_THRESHOLD",
    "AtlasEntry",
    "Diagram",
    "DiagramBuilder",
    "GraphvizMissing",
    "atlas_index",
    "build_diagrams",
    "dot_available",
    "run_dot",
    "smaller",
    "to_dot",
    "to_mermaid",
]

#: Above this many systems, the full view is split into an overview and per-boundary maps.
DETAIL_THRESHOLD = 150
#: In a detail map, more neighbours than this from one boundary become one node.
MAX_CONTEXT = 6
#: Resolution of PNG maps: sharp on high-density screens, small enough for a repository.
PNG_DPI = 96
#: Mermaid text above this size is not embedded (GitHub refuses ~50 kB diagrams).
MERMAID_LIMIT = 40_000
NO_BOUNDARY = "_no-boundary"
#: The brief's at-a-glance map shows at most this many boundaries, else one node per trust zone.
SUMMARY_NODES = 15
#: Boundary maps with more boxes than this are spread out without edge labels (``Diagram.spread``).
SPREAD_NODES = 200
#: A fallback map with more boxes than this shows the fallbacks between boundaries instead.
FALLBACK_NODES = 300
ZONE_NAMES = {
    "untrusted": "Untrusted zones",
    "external": "External vendors",
    "internal": "Internal zones",
    "restricted": "Restricted zones",
}
INSTALL_HINT = "install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz)"

#: The one font Graphviz lays maps out with, on every machine: Liberation Sans
#: (Debian/Ubuntu package fonts-liberation, which scripts/bootstrap.sh installs with
#: Graphviz). Naming a single family keeps fontconfig from picking whatever happens to
#: be installed, so the layout is the same wherever the fonts are.
FONT = "Liberation Sans"
#: The smallest type on any map, in points (edge labels, kind lines, legend): the
#: PDF layout never prints a map smaller than 6 pt / this (see ``cadee.render._pdf_layout``).
LABEL_FONT = 8
#: What the SVG asks a viewer for: Liberation Sans, else Arial or Helvetica, which
#: have the same metrics, so labels fit the boxes Graphviz measured in any browser.
SVG_FONT_STACK = "Liberation Sans,Arial,Helvetica,sans-serif"
INK = "#1F2933"
MUTED = "#6B7785"
FINDING = "#C81E1E"
FALLBACK = "#2F7D4F"

#: kind -> (legend label, shape, style, fill, border)
KIND_STYLE: dict[str, tuple[str, str, str, str, str]] = {
    "channel": ("Customer channel", "box", "rounded,filled", "#DCEAF7", "#2C5F8A"),
    "gateway": ("Gateway", "hexagon", "filled", "#FCE3C8", "#A8561C"),
    "agent": ("AI agent", "box", "rounded,filled", "#E6DDF6", "#59449A"),
    "model": ("AI model", "ellipse", "filled", "#EFE8F9", "#59449A"),
    "core-banking": ("System of record", "cylinder", "filled", "#D5ECDD", "#2C6A47"),
    "crm": ("System of record", "cylinder", "filled", "#D5ECDD", "#2C6A47"),
    "risk": ("System of record", "cylinder", "filled", "#D5ECDD", "#2C6A47"),
    "data-store": ("Data store", "cylinder", "filled", "#EDF0F3", "#5A6673"),
    "service": ("Service", "box", "filled", "#FFFFFF", "#5A6673"),
    "human-desk": ("Human desk", "box", "rounded,filled,bold", "#FFF0BF", "#8A6A10"),
    "identity-provider": ("Identity provider", "octagon", "filled", "#D6EFEC", "#1F6B63"),
    "external": ("External service", "box", "dashed,filled", "#F5F5F5", "#5A6673"),
}
#: Kinds in legend order (systems of record once).
LEGEND_KINDS = (
    "channel",
    "gateway",
    "agent",
    "model",
    "core-banking",
    "data-store",
    "service",
    "human-desk",
    "identity-provider",
    "external",
)
#: trust -> (legend label, fill, border, style)
TRUST_STYLE: dict[str, tuple[str, str, str, str]] = {
    "untrusted": ("Untrusted zone", "#FBF4EC", "#B5651D", "rounded,filled,dashed"),
    "external": ("External vendor", "#F4F1F8", "#6A5AA0", "rounded,filled,dashed"),
    "internal": ("Internal zone", "#F0F4F8", "#4A6C8F", "rounded,filled"),
    "restricted": ("Restricted zone", "#E9EDF1", "#1F2A37", "rounded,filled,bold"),
    "": ("No boundary", "#FFFFFF", "#9AA3AD", "rounded,dashed"),
}
#: data classification -> edge colour
DATA_COLOUR = {
    "public": "#9AA3AD",
    "internal": "#4A6C8F",
    "confidential": "#B7791F",
    "restricted": "#8E2C6E",
}
IDENTITY_SHORT = {"service": "service", "end-user": "end-user", "on-behalf-of": "OBO"}
KIND_NOUN = {
    "channel": ("channel", "channels"),
    "gateway": ("gateway", "gateways"),
    "model": ("model", "models"),
    "agent": ("agent", "agents"),
    "core-banking": ("core banking", "core banking"),
    "crm": ("CRM", "CRMs"),
    "risk": ("risk system", "risk systems"),
    "data-store": ("data store", "data stores"),
    "service": ("service", "services"),
    "human-desk": ("human desk", "human desks"),
    "identity-provider": ("IdP", "IdPs"),
    "external": ("external", "externals"),
}


class GraphvizMissing(RuntimeError):
    """The ``dot`` program is not installed (or not on PATH)."""

    def __init__(self) -> None:
        super().__init__(f"Graphviz's `dot` program was not found on PATH; {INSTALL_HINT}")


# -- the diagram model ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    label: str
    sublabel: str
    #: A system kind (style), "boundary" for overview nodes, "ghost" for context.
    kind: str
    cluster: str = ""
    flagged: bool = False
    trust: str = ""


@dataclass(frozen=True, slots=True)
class Cluster:
    id: str
    label: str
    sublabel: str
    trust: str


@dataclass(frozen=True, slots=True)
class Edge:
    src: str
    dst: str
    label: str
    #: "integration", "fallback" or "aggregate"
    style: str = "integration"
    data: str = "internal"
    flagged: bool = False
    weight: int = 1
    #: False for asynchronous flows: drawn, but not used to rank nodes.
    ranked: bool = True


@dataclass(slots=True)
class Diagram:
    key: str
    title: str
    clusters: list[Cluster] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    rankdir: str = "LR"
    legend: bool = True
    #: Tighter spacing and narrower labels (the brief's small map).
    compact: bool = False
    #: The boundary key of a detail map (``full/<stem>``).
    group: str = ""
    #: A detail map whose neighbours are folded into one node per trust zone.
    folded: bool = False
    #: Integration labels only on integrations with a finding, and nodes packed
    #: closer (a map too large to print).
    terse: bool = False
    #: Laid out force-directed (sfdp), not in ranks: maps of hundreds of boxes.
    spread: bool = False

    @property
    def empty(self) -> bool:
        return not self.nodes

    def legend_kinds(self) -> list[str]:
        present = {n.kind for n in self.nodes}
        if present & SYSTEMS_OF_RECORD:
            present.add("core-banking")
        return [k for k in LEGEND_KINDS if k in present]

    def legend_trusts(self) -> list[str]:
        present = {c.trust for c in self.clusters} | {
            n.trust for n in self.nodes if n.kind == "boundary"
        }
        return [t for t in TRUST_STYLE if t in present]


def _wrap(text: str, width: int = 28) -> list[str]:
    lines: list[str] = []
    for part in text.splitlines() or [""]:
        lines.extend(
            textwrap.wrap(part, width, break_long_words=True, break_on_hyphens=False) or [""]
        )
    return lines[:4] if len(lines) <= 4 else [*lines[:3], lines[3] + " …"]


def integration_label(integration: Integration) -> str:
    parts = [integration.protocol or "?"]
    if integration.mode != "sync":
        parts[0] += f" ({integration.mode})"
    parts.append(integration.auth or "no auth")
    parts.append(IDENTITY_SHORT[integration.identity])
    return " · ".join(parts)


def _kind_line(system: System) -> str:
    words = [system.kind.replace("-", " ")]
    if system.criticality == "tier-1":
        words.append("tier-1")
    if system.environment != "production":
        words.append(system.environment)
    return " · ".join(words)


class DiagramBuilder:
    """Builds every diagram of one blueprint from its graph.

    One builder serves every diagram of a render (:func:`build_diagrams`, then
    :func:`smaller` for each map too large to print): its indexes of systems
    by boundary and of integrations by system are built once, so a detail map
    costs its own boundary's size, not the estate's (a 10,000-system estate
    has about 1,100 detail maps, and as many folded ones).
    """

    def __init__(self, graph: ArchitectureGraph, flagged: frozenset[str]) -> None:
        self.graph = graph
        self.flagged = flagged
        self.blueprint = graph.blueprint
        self.node_id = {s.id: f"n{i}" for i, s in enumerate(self.blueprint.systems)}
        self.cluster_id = {b.id: f"b{i}" for i, b in enumerate(self.blueprint.boundaries)}

    @functools.cached_property
    def members(self) -> dict[str, list[System]]:
        """Systems by boundary key (:meth:`boundary_key`), in declaration order."""
        groups: dict[str, list[System]] = {}
        for system in self.blueprint.systems:
            groups.setdefault(self.boundary_key(system), []).append(system)
        return groups

    @functools.cached_property
    def touching(self) -> dict[str, list[int]]:
        """Positions (declaration order) of the integrations from or to each system."""
        found: dict[str, list[int]] = {}
        for position, integration in enumerate(self.blueprint.integrations):
            found.setdefault(integration.from_, []).append(position)
            if integration.to != integration.from_:
                found.setdefault(integration.to, []).append(position)
        return found

    # -- helpers

    def boundary_key(self, system: System) -> str:
        return system.boundary or NO_BOUNDARY

    def crosses(self, integration: Integration) -> bool:
        src = self.graph.systems[integration.from_]
        dst = self.graph.systems[integration.to]
        if src.id == dst.id:
            return False
        return src.boundary is None or dst.boundary is None or src.boundary != dst.boundary

    def node(self, system: System, ghost: bool = False, cluster: bool = True) -> Node:
        return Node(
            id=self.node_id[system.id],
            label=system.name or system.id,
            sublabel=_kind_line(system),
            kind="ghost" if ghost else system.kind,
            cluster=self.cluster_id.get(system.boundary or "", "") if cluster else "",
            flagged=(system.id in self.flagged) and not ghost,
        )

    def clusters_for(self, systems: Iterable[System], identity: bool = False) -> list[Cluster]:
        used = {s.boundary for s in systems if s.boundary}
        clusters = []
        for boundary in self.blueprint.boundaries:
            if boundary.id not in used:
                continue
            sub: str = boundary.trust
            if identity:
                idp = self.graph.systems.get(boundary.identity_provider or "")
                sub += " · IdP: " + (idp.name if idp else "none")
                if boundary.trust == "external":
                    sub += f" · cleared for {boundary.clearance}"
            clusters.append(
                Cluster(
                    self.cluster_id[boundary.id], boundary.name or boundary.id, sub, boundary.trust
                )
            )
        return clusters

    def integration_edge(self, integration: Integration, label: str | None = None) -> Edge:
        return Edge(
            src=self.node_id[integration.from_],
            dst=self.node_id[integration.to],
            label=integration_label(integration) if label is None else label,
            data=integration.data,
            flagged=integration.id in self.flagged,
            ranked=self.ranked(integration),
        )

    def ranked(self, integration: Integration) -> bool:
        """Whether an integration shapes the layout: the synchronous call path
        (channel, gateway, AI, records) does; asynchronous flows and AI
        components calling back into a gateway do not."""
        if integration.mode != "sync":
            return False
        caller = self.graph.systems[integration.from_]
        callee = self.graph.systems[integration.to]
        return not (caller.is_ai and callee.kind == "gateway")

    def fallback_edges(self, systems: Iterable[System], triggers: bool) -> list[Edge]:
        """Fallback edges; with ``triggers`` (the fallback view) they also shape the layout."""
        edges = []
        for system in systems:
            for position, step in enumerate(system.fallback or ()):
                label = f"fallback {position + 1}"
                if triggers and step.when:
                    label = f"{position + 1} · " + ", ".join(step.when)
                edges.append(
                    Edge(
                        self.node_id[system.id],
                        self.node_id[step.to],
                        label,
                        "fallback",
                        ranked=triggers,
                    )
                )
        return edges

    # -- views

    def full(self) -> Diagram:
        systems = self.blueprint.systems
        diagram = Diagram("full", "Integration map", self.clusters_for(systems))
        diagram.nodes = [self.node(s) for s in systems]
        diagram.edges = [self.integration_edge(i) for i in self.blueprint.integrations]
        diagram.edges += self.fallback_edges(systems, triggers=False)
        return diagram

    def identity(self) -> Diagram:
        crossing = [i for i in self.blueprint.integrations if self.crosses(i)]
        idps = {b.identity_provider for b in self.blueprint.boundaries if b.identity_provider}
        involved = {i.from_ for i in crossing} | {i.to for i in crossing} | idps
        systems = [s for s in self.blueprint.systems if s.id in involved]
        diagram = Diagram(
            "identity",
            "Identity boundaries and crossings",
            self.clusters_for(systems, identity=True),
        )
        diagram.nodes = [self.node(s) for s in systems]
        diagram.edges = [
            self.integration_edge(i, f"{i.auth or 'NO AUTH'} · {IDENTITY_SHORT[i.identity]}")
            for i in crossing
        ]
        # An unauthenticated crossing is the point of this view: always red.
        diagram.edges = [
            Edge(e.src, e.dst, e.label, e.style, e.data, e.flagged or i.auth in (None, "none"))
            for e, i in zip(diagram.edges, crossing, strict=True)
        ]
        return diagram

    def fallback(self) -> Diagram:
        chain: dict[str, None] = {}
        stack = [s.id for s in self.blueprint.systems if s.is_ai]
        while stack:
            current = stack.pop()
            if current in chain:
                continue
            chain[current] = None
            stack.extend(step.to for step in self.graph.systems[current].fallback or ())
        systems = [s for s in self.blueprint.systems if s.id in chain]
        diagram = Diagram(
            "fallback", "AI fallback chains to human desks", self.clusters_for(systems)
        )
        diagram.nodes = [self.node(s) for s in systems]
        diagram.edges = self.fallback_edges(systems, triggers=True)
        return diagram

    def overview(
        self,
        key: str = "overview",
        crossings_only: bool = False,
        compact: bool = False,
        zones: bool | None = None,
        fallbacks_only: bool = False,
    ) -> Diagram:
        """One node per boundary; integrations between boundaries aggregated.

        ``compact`` (the leadership brief's small map): names and counts
        only, no legend, so it stays legible at half a page;
        above :data:`SUMMARY_NODES` boundaries, one node per trust zone
        (all internal boundaries together, and so on), as with ``zones``.
        ``fallbacks_only``: AI fallbacks between boundaries, no integrations.
        """
        groups: dict[str, list[System]] = {}
        for system in self.blueprint.systems:
            groups.setdefault(self.boundary_key(system), []).append(system)
        if zones is None:
            zones = compact and len(groups) > SUMMARY_NODES
        boundaries_in: Counter[str] = Counter()
        if zones:
            boundaries_in = Counter(self.zone_key(g) for g in groups)
            by_zone: dict[str, list[System]] = {}
            for group, members in groups.items():
                by_zone.setdefault(self.zone_key(group), []).extend(members)
            groups = by_zone
            order = [t for t in TRUST_STYLE if t and t in groups]
        else:
            order = [b.id for b in self.blueprint.boundaries if b.id in groups]
        if NO_BOUNDARY in groups:
            order.append(NO_BOUNDARY)
        group_of = self.zone_key if zones else lambda group: group
        ids = {key_: f"g{i}" for i, key_ in enumerate(order)}
        title = (
            "Boundary crossings (aggregated)"
            if crossings_only
            else "AI fallbacks between boundaries (aggregated)"
            if fallbacks_only
            else "Architecture overview by boundary"
        )
        if zones:
            title = title.replace("boundaries", "trust zones").replace("boundary", "trust zone")
        # Few, wide nodes: top to bottom fits a portrait page, and keeps the brief's
        # small map narrow enough to print its type at 6 pt.
        diagram = Diagram(key, title, rankdir="TB", legend=not compact, compact=compact)
        internal: Counter[str] = Counter()
        pairs: dict[tuple[str, str], list[Integration]] = {}
        for integration in () if fallbacks_only else self.blueprint.integrations:
            src = group_of(self.boundary_key(self.graph.systems[integration.from_]))
            dst = group_of(self.boundary_key(self.graph.systems[integration.to]))
            if src == dst and (src != NO_BOUNDARY or integration.from_ == integration.to):
                internal[src] += 1
                continue
            pairs.setdefault((src, dst), []).append(integration)
        for group in order:
            members = groups[group]
            boundary = None if zones else self.graph.boundaries.get(group)
            kinds: Counter[str] = Counter(s.kind for s in members)
            kind_text = ", ".join(plural(kinds[k], *KIND_NOUN[k]) for k in KIND_NOUN if kinds[k])
            trust = boundary.trust if boundary else ("" if group == NO_BOUNDARY else group)
            lines = [f"{trust or 'no boundary'} · {plural(len(members), 'system', 'systems')}"]
            if zones and group != NO_BOUNDARY:
                lines[0] = (
                    f"{plural(boundaries_in[group], 'boundary', 'boundaries')} · "
                    f"{plural(len(members), 'system', 'systems')}"
                )
            if not compact:
                lines.append(kind_text)
            if internal[group] and not crossings_only and not compact:
                lines.append(
                    plural(internal[group], "internal integration", "internal integrations")
                )
            label = (boundary.name or boundary.id) if boundary else "Systems without a boundary"
            if zones and group != NO_BOUNDARY:
                label = ZONE_NAMES[group]
            flagged = any(s.id in self.flagged for s in members)
            diagram.nodes.append(
                Node(ids[group], label, "\n".join(lines), "boundary", "", flagged, trust)
            )
        for (src, dst), integrations in pairs.items():
            count = len(integrations)
            top = max(integrations, key=lambda i: DATA_RANK[i.data]).data
            if crossings_only:
                auths = Counter(i.auth or "NO AUTH" for i in integrations)
                label = ", ".join(
                    f"{n}\u00d7 {a}" for a, n in sorted(auths.items(), key=lambda p: (-p[1], p[0]))
                )
                flagged = any(
                    i.auth in (None, "none") or i.id in self.flagged for i in integrations
                )
            else:
                label = str(count) if compact else plural(count, "integration", "integrations")
                flagged = any(i.id in self.flagged for i in integrations)
            diagram.edges.append(Edge(ids[src], ids[dst], label, "aggregate", top, flagged, count))
        if not crossings_only:
            fallback_pairs: Counter[tuple[str, str]] = Counter()
            for system in self.blueprint.systems:
                for step in system.fallback or ():
                    src = group_of(self.boundary_key(system))
                    dst = group_of(self.boundary_key(self.graph.systems[step.to]))
                    if src != dst:
                        fallback_pairs[(src, dst)] += 1
            for (src, dst), count in fallback_pairs.items():
                label = plural(count, "fallback")
                diagram.edges.append(Edge(ids[src], ids[dst], label, "fallback", weight=count))
        if fallbacks_only:
            ends = {e.src for e in diagram.edges} | {e.dst for e in diagram.edges}
            diagram.nodes = [n for n in diagram.nodes if n.id in ends]
        if len(diagram.nodes) > SPREAD_NODES:
            # Hundreds of boundaries: no ranked picture holds them (dot makes a strip
            # metres long, in minutes); spread them out, counts shown by line width.
            diagram.spread = True
            diagram.edges = [replace(e, label="") for e in diagram.edges]
        return diagram

    def zone_key(self, group: str) -> str:
        """The trust zone of a boundary key (``NO_BOUNDARY`` stays itself)."""
        boundary = self.graph.boundaries.get(group)
        return boundary.trust if boundary else NO_BOUNDARY

    def neighbourhood(self, group: str) -> tuple[list[System], list[Integration], list[System]]:
        """A boundary's systems, the integrations from or to them, and the other
        systems those integrations and their fallbacks reach, each in declaration
        order: from the indexes, without scanning the estate."""
        members = self.members.get(group, [])
        member_ids = {s.id for s in members}
        everything = self.blueprint.integrations
        integrations = [
            everything[p] for p in sorted({p for s in members for p in self.touching.get(s.id, ())})
        ]
        neighbours = {i.from_ for i in integrations} | {i.to for i in integrations}
        for system in members:
            neighbours.update(step.to for step in system.fallback or ())
        neighbours -= member_ids
        systems = self.blueprint.systems
        context = [systems[p] for p in sorted(self.graph.order[n] for n in neighbours)]
        return members, integrations, context

    def detail(self, group: str, fold: bool = False) -> Diagram:
        """One boundary's systems plus the neighbours they talk to, greyed.

        A boundary with more than :data:`MAX_CONTEXT` such neighbours shows
        them as one node (``34 more systems``), so a hub's map stays legible;
        with ``fold`` (a map too large to print), every neighbour is folded,
        one node per trust zone.
        """
        members, integrations, context = self.neighbourhood(group)
        member_ids = {s.id for s in members}
        boundary = self.graph.boundaries.get(group)
        name = (boundary.name or boundary.id) if boundary else "Systems without a boundary"
        diagram = Diagram(
            f"full/{group}",
            f"Detail: {name}",
            self.clusters_for(members if fold else [*members, *context]),
        )
        diagram.group, diagram.folded = group, fold
        diagram.nodes = [self.node(s) for s in members]
        # Context system -> the node it is drawn as, when it calls in and when it is called.
        into: dict[str, str] = {}
        out_of: dict[str, str] = {}
        if fold:
            callers = {i.from_ for i in integrations if i.to in member_ids} - member_ids
            called = {i.to for i in integrations if i.from_ in member_ids}
            called.update(step.to for system in members for step in system.fallback or ())
            for side, ids, folded in (("i", callers, into), ("o", called - member_ids, out_of)):
                by_zone: dict[str, list[System]] = {}
                for system in context:
                    if system.id in ids:
                        zone_ = self.zone_key(self.boundary_key(system))
                        by_zone.setdefault(zone_, []).append(system)
                for index, (zone_, systems) in enumerate(by_zone.items()):
                    where = ZONE_NAMES.get(zone_, "without a boundary").lower()
                    noun = ("caller", "callers") if side == "i" else ("system", "systems")
                    node = Node(
                        f"x{side}{index}", f"{plural(len(systems), *noun)} in {where}", "", "ghost"
                    )
                    diagram.nodes.append(node)
                    folded.update((self.node_id[s.id], node.id) for s in systems)
        else:
            by_boundary: dict[str, list[System]] = {}
            for system in context:
                by_boundary.setdefault(self.boundary_key(system), []).append(system)
            for index, (key, systems) in enumerate(by_boundary.items()):
                if len(systems) <= MAX_CONTEXT:
                    diagram.nodes += [self.node(s, ghost=True) for s in systems]
                    continue
                node = Node(
                    f"x{index}",
                    f"{len(systems)} more systems",
                    "not shown one by one",
                    "ghost",
                    self.cluster_id.get(key, ""),
                )
                diagram.nodes.append(node)
                into.update((self.node_id[s.id], node.id) for s in systems)
            out_of = into
        merged: dict[tuple[str, str], list[Integration]] = {}
        for integration in integrations:
            edge = self.integration_edge(integration)
            if edge.src in into or edge.dst in out_of:
                merged.setdefault(
                    (into.get(edge.src, edge.src), out_of.get(edge.dst, edge.dst)), []
                ).append(integration)
            else:
                diagram.edges.append(edge)
        for (src, dst), grouped in merged.items():
            top = max(grouped, key=lambda i: DATA_RANK[i.data]).data
            flagged = any(i.id in self.flagged for i in grouped)
            label = plural(len(grouped), "integration", "integrations")
            if fold:  # counts only; callers left of the boundary, what it calls right
                label = str(len(grouped)) if len(grouped) > 1 else ""
            diagram.edges.append(
                Edge(src, dst, label, "aggregate", top, flagged, len(grouped), ranked=fold)
            )
        for edge in self.fallback_edges(members, triggers=False):
            diagram.edges.append(
                Edge(
                    edge.src,
                    out_of.get(edge.dst, edge.dst),
                    edge.label,
                    edge.style,
                    edge.data,
                    edge.flagged,
                    edge.weight,
                    edge.ranked or fold,
                )
            )
        return diagram

    def groups(self) -> list[str]:
        used = {self.boundary_key(s) for s in self.blueprint.systems}
        keys = [b.id for b in self.blueprint.boundaries if b.id in used]
        return keys + ([NO_BOUNDARY] if NO_BOUNDARY in used else [])


def _details(builder: DiagramBuilder) -> dict[str, Diagram]:
    """One detail map per boundary, keyed ``full/<stem>``."""
    diagrams: dict[str, Diagram] = {}
    # Ids are case-sensitive, file systems often are not: `Core` and `core`
    # must not write maps/full/core.svg twice.
    taken: set[str] = set()
    for group in builder.groups():
        stem, number = group, 2
        while stem.casefold() in taken:
            stem, number = f"{group}-{number}", number + 1
        taken.add(stem.casefold())
        diagram = builder.detail(group)
        diagram.key = f"full/{stem}"
        diagrams[diagram.key] = diagram
    return diagrams


def build_diagrams(
    graph: ArchitectureGraph, flagged: frozenset[str], views: Sequence[str]
) -> dict[str, Diagram]:
    """Every diagram the views need, by figure key, in a stable order.

    ``overview`` and its compact form ``summary`` (the leadership brief's
    map) are always built. Large
    blueprints get ``full/<boundary>`` detail maps instead of ``full``.
    """
    builder = DiagramBuilder(graph, flagged)
    large = len(graph.blueprint.systems) > DETAIL_THRESHOLD
    diagrams: dict[str, Diagram] = {
        "overview": builder.overview(),
        "summary": builder.overview("summary", compact=True),
    }
    if "full" in views:
        if large:
            diagrams.update(_details(builder))
        else:
            diagrams["full"] = builder.full()
    if "identity" in views:
        diagrams["identity"] = (
            builder.overview("identity", crossings_only=True) if large else builder.identity()
        )
    if "fallback" in views:
        diagrams["fallback"] = builder.fallback()
        if len(diagrams["fallback"].nodes) > FALLBACK_NODES:
            diagrams["fallback"] = builder.overview("fallback", fallbacks_only=True)
    return diagrams


@dataclass(frozen=True, slots=True)
class AtlasEntry:
    """One line of the atlas index: a system and the detail map of its boundary."""

    system: str
    name: str
    #: Figure key of the detail map (``full/<stem>``).
    key: str
    #: That map's title, which names the boundary.
    title: str


def atlas_index(
    blueprint: Blueprint, diagrams: Mapping[str, Diagram], keys: Iterable[str]
) -> list[AtlasEntry]:
    """Every system whose boundary has a detail map among ``keys``, sorted by id.

    The atlas (``maps/full.pdf``) ends with this index, the page of each map
    computed by Typst; the Markdown and HTML index link to the maps' SVG.
    """
    by_group: dict[str, Diagram] = {}
    for key in keys:
        diagram = diagrams.get(key)
        if key.startswith("full/") and diagram is not None and diagram.group:
            by_group.setdefault(diagram.group, diagram)
    entries = [
        AtlasEntry(system.id, system.name or "", diagram.key, diagram.title)
        for system in blueprint.systems
        if (diagram := by_group.get(system.boundary or NO_BOUNDARY)) is not None
    ]
    return sorted(entries, key=lambda e: (e.system.casefold(), e.system))


#: How many times a map too large to print is made smaller (:func:`smaller`).
SMALLER_STEPS = 3


def smaller(builder: DiagramBuilder, diagram: Diagram, step: int) -> dict[str, Diagram]:
    """What to print instead of a map a page cannot hold with legible type.

    Step 1 splits or aggregates to boundaries: the full map becomes one detail
    map per boundary (new keys ``full/<stem>``), the identity map its
    crossings per pair of boundaries, the fallback map the fallbacks between
    boundaries; a detail map folds every neighbour into one node per trust
    zone (at any step), then keeps only the labels of integrations with a
    finding and packs the nodes closer. Step 2 aggregates the boundary maps to trust zones. Other keys print
    in place of ``diagram.key``; nothing when there is nothing smaller.
    """
    key = diagram.key
    made: Diagram | None = None
    if key == "full" and step == 1:
        return _details(builder)
    if key.startswith("full/") and diagram.group and not diagram.folded:
        made = builder.detail(diagram.group, fold=True)
    elif key.startswith("full/") and diagram.group and not diagram.terse:
        made = builder.detail(diagram.group, fold=True)
        made.title += " (labels on integrations with a finding only)"  # and counts
        made.terse = True
        made.edges = [
            replace(e, label="") if e.style != "aggregate" and not e.flagged else e
            for e in made.edges
        ]
    elif key == "identity":
        made = builder.overview("identity", crossings_only=True, zones=step > 1)
    elif key == "fallback":
        made = builder.overview("fallback", fallbacks_only=True, zones=step > 1)
    elif key == "overview" and step > 1:
        made = builder.overview(zones=True)
    if made is None:
        return {}
    made.key = key
    return {key: made}


# -- DOT ------------------------------------------------------------------------


def _lines(text: str, width: int = 28) -> str:
    return "<BR/>".join(dot_html(line) for line in _wrap(text, width))


def _node_dot(node: Node, prefix: str, compact: bool = False) -> str:
    if node.kind == "boundary":
        _, fill, border, style = TRUST_STYLE[node.trust]
        shape = "box"
        style = style if node.trust else "rounded,dashed"
        label = f"<B>{_lines(node.label, 18 if compact else 32)}</B>"
        for line in node.sublabel.splitlines():
            label += (
                f'<BR/><FONT POINT-SIZE="{LABEL_FONT}" COLOR="{MUTED}">{_lines(line, 40)}</FONT>'
            )
        fontcolor = INK
    elif node.kind == "ghost":
        shape, style, fill, border = "box", "rounded,dashed", "#FFFFFF", "#9AA3AD"
        label = f'<FONT COLOR="{MUTED}">{_lines(node.label)}</FONT>'
        fontcolor = MUTED
    else:
        _, shape, style, fill, border = KIND_STYLE[node.kind]
        label = f"<B>{_lines(node.label)}</B>"
        label += (
            f'<BR/><FONT POINT-SIZE="{LABEL_FONT}" COLOR="{MUTED}">{dot_html(node.sublabel)}</FONT>'
        )
        fontcolor = INK
    attrs = [
        f"id={dot_string(prefix + node.id)}",
        f"label=<{label}>",
        f"shape={shape}",
        f'style="{style}"',
        f'fillcolor="{fill}"',
        f'fontcolor="{fontcolor}"',
    ]
    if node.flagged:
        attrs += [f'color="{FINDING}"', "penwidth=2.6"]
    else:
        attrs += [f'color="{border}"', "penwidth=1.2"]
    return f"{node.id} [{', '.join(attrs)}];"


def _edge_attrs(edge: Edge) -> list[str]:
    """Colour, dash and weight of an edge's line (both halves of a labelled edge)."""
    colour = DATA_COLOUR.get(edge.data, MUTED)
    if edge.style == "fallback":
        attrs = ['style="dashed"', f'color="{FALLBACK}"']
    else:
        attrs = [f'color="{colour}"']
    if edge.style == "aggregate":
        attrs.append(f"penwidth={min(1.0 + edge.weight / 4, 4.0):.2f}")
    if edge.flagged:
        attrs = [a for a in attrs if not a.startswith("color=")]
        attrs += [f'color="{FINDING}"', "penwidth=2.2"]
    return attrs


def _label_colour(edge: Edge) -> str:
    if edge.flagged:
        return FINDING
    return FALLBACK if edge.style == "fallback" else INK


def _edge_dot(edge: Edge, index: int, prefix: str, cluster: str, compact: bool) -> list[str]:
    """An edge; a labelled one is drawn through its label.

    The label is a node of its own on the edge's way (``src -> label -> dst``,
    the two halves drawn as one line), so Graphviz lays the label out with the
    nodes: it stays on its line and never lands on a system box, as floating
    ``xlabel``s placed after layout did. The label sits in the cluster of its
    ends when both are in the same one. An unranked edge (asynchronous flows)
    ranks only its first half, so its label stays beside the caller.
    """
    head = "arrowhead=empty" if edge.style == "fallback" else ""
    attrs = [f"id={dot_string(f'{prefix}e{index}')}", *_edge_attrs(edge)]
    if not edge.label:
        if not edge.ranked:
            attrs.append("constraint=false")
        return [f"{edge.src} -> {edge.dst} [{', '.join([*attrs, head] if head else attrs)}];"]
    label = f"l{index}"
    node = (
        f"{label} [id={dot_string(f'{prefix}e{index}-label')}, shape=box, style=filled, "
        f'fillcolor="white", color="white", penwidth=0, width=0, height=0, '
        f'margin="0.03,0.01", fontsize={LABEL_FONT + 1 if compact else LABEL_FONT}, '
        f'fontcolor="{_label_colour(edge)}", '
        f"label=<{dot_html(edge.label)}>];"
    )
    if cluster:
        node = f"subgraph cluster_{cluster} {{ {node} }}"
    first = [*attrs, "arrowhead=none"]
    second = [f"id={dot_string(f'{prefix}e{index}-to')}", *_edge_attrs(edge)]
    if head:
        second.append(head)
    if not edge.ranked:
        second.append("constraint=false")
    return [
        node,
        f"{edge.src} -> {label} [{', '.join(first)}];",
        f"{label} -> {edge.dst} [{', '.join(second)}];",
    ]


def _legend_dot(diagram: Diagram, prefix: str) -> list[str]:
    if not diagram.legend:
        return []
    rows = []
    for kind in diagram.legend_kinds():
        label, _, _, fill, border = KIND_STYLE[kind]
        rows.append(
            f'<TR><TD BGCOLOR="{fill}" COLOR="{border}" BORDER="1" WIDTH="18"> </TD>'
            f'<TD ALIGN="LEFT">{dot_html(label)}</TD></TR>'
        )
    for trust in diagram.legend_trusts():
        label, fill, border, _ = TRUST_STYLE[trust]
        rows.append(
            f'<TR><TD BGCOLOR="{fill}" COLOR="{border}" BORDER="1"> </TD>'
            f'<TD ALIGN="LEFT">{dot_html(label)}</TD></TR>'
        )
    styles = {e.style for e in diagram.edges}
    if styles & {"integration", "aggregate"}:
        datas = {e.data for e in diagram.edges if e.style != "fallback"}
        for level, colour in DATA_COLOUR.items():
            if level in datas:
                rows.append(
                    f'<TR><TD><FONT COLOR="{colour}"><B>———</B></FONT></TD>'
                    f'<TD ALIGN="LEFT">{level} data</TD></TR>'
                )
    if "fallback" in styles:
        rows.append(
            f'<TR><TD><FONT COLOR="{FALLBACK}"><B>- - -</B></FONT></TD>'
            '<TD ALIGN="LEFT">fallback, in order</TD></TR>'
        )
    if any(n.flagged for n in diagram.nodes) or any(e.flagged for e in diagram.edges):
        rows.append(
            f'<TR><TD BORDER="2" COLOR="{FINDING}"> </TD>'
            '<TD ALIGN="LEFT">unwaived error finding</TD></TR>'
        )
    if not rows:
        return []
    table = (
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2">'
        '<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B></TD></TR>' + "".join(rows) + "</TABLE>"
    )
    return [
        f'subgraph cluster_legend {{ id={dot_string(prefix + "legend")}; label=""; '
        f'style="rounded"; color="#CBD2D9"; margin=6;',
        f"  legend [id={dot_string(prefix + 'legend-table')}, shape=plain, fontsize={LABEL_FONT}, label=<{table}>];",
        "}",
    ]


def to_dot(diagram: Diagram) -> str:
    """The diagram as Graphviz DOT, deterministic and self-contained."""
    prefix = diagram.key.replace("/", "-") + "-"
    out = [
        f"digraph {dot_string('cadee ' + diagram.key)} {{",
        f"  graph [id={dot_string(prefix + 'graph')}, rankdir={diagram.rankdir}, "
        f'fontname="{FONT}", fontsize=10, fontcolor="{INK}", '
        + (
            "nodesep=0.08, ranksep=0.25, "
            if diagram.terse
            else "nodesep=0.12, ranksep=0.3, "
            if diagram.compact
            else "nodesep=0.22, ranksep=0.55, "
        )
        + ("layout=sfdp, overlap=prism, splines=line, " if diagram.spread else "")
        + 'pad=0.2, bgcolor="white", labeljust=l, outputorder=edgesfirst];',
        f'  node [fontname="{FONT}", fontsize={11 if diagram.compact else 9}, margin="0.10,0.05", height=0.35];',
        "  edge [arrowsize=0.6, penwidth=1.0];",
    ]
    by_cluster: dict[str, list[Node]] = {}
    for node in diagram.nodes:
        by_cluster.setdefault(node.cluster, []).append(node)
    for cluster in diagram.clusters:
        _, fill, border, style = TRUST_STYLE[cluster.trust]
        label = f"<B>{dot_html(cluster.label)}</B>"
        if cluster.sublabel:
            label += f'<BR/><FONT POINT-SIZE="{LABEL_FONT}" COLOR="{MUTED}">{dot_html(cluster.sublabel)}</FONT>'
        out.append(f"  subgraph cluster_{cluster.id} {{")
        out.append(
            f'    id={dot_string(prefix + cluster.id)}; label=<{label}>; style="{style}"; '
            f'fillcolor="{fill}"; color="{border}"; penwidth=1.2; margin=10;'
        )
        out.extend(
            f"    {_node_dot(node, prefix, diagram.compact)}"
            for node in by_cluster.get(cluster.id, ())
        )
        out.append("  }")
    out.extend(f"  {_node_dot(node, prefix, diagram.compact)}" for node in by_cluster.get("", ()))
    cluster_of = {node.id: node.cluster for node in diagram.nodes}
    for i, edge in enumerate(diagram.edges):
        shared = cluster_of.get(edge.src, "")
        inside = shared if shared == cluster_of.get(edge.dst, "") else ""
        out.extend(f"  {line}" for line in _edge_dot(edge, i, prefix, inside, diagram.compact))
    out.extend(f"  {line}" for line in _legend_dot(diagram, prefix))
    out.append("}")
    return "\n".join(out) + "\n"


# -- Mermaid ---------------------------------------------------------------------


def to_mermaid(diagram: Diagram) -> str:
    """The diagram as a Mermaid flowchart that GitHub renders."""
    out = [f"%% {mermaid(diagram.title)} (cadee)", f"flowchart {diagram.rankdir}"]
    by_cluster: dict[str, list[Node]] = {}
    for node in diagram.nodes:
        by_cluster.setdefault(node.cluster, []).append(node)

    def node_line(node: Node) -> str:
        text = node.label if not node.sublabel else f"{node.label}\n{node.sublabel}"
        shape = ('["', '"]')
        if node.kind in SYSTEMS_OF_RECORD or node.kind == "data-store":
            shape = ('[("', '")]')
        elif node.kind == "gateway":
            shape = ('{{"', '"}}')
        elif node.kind == "model":
            shape = ('(["', '"])')
        elif node.kind in ("channel", "agent", "human-desk"):
            shape = ('("', '")')
        return f"{node.id}{shape[0]}{mermaid(text)}{shape[1]}"

    for cluster in diagram.clusters:
        title = cluster.label if not cluster.sublabel else f"{cluster.label} ({cluster.sublabel})"
        out.append(f'  subgraph {cluster.id}["{mermaid(title)}"]')
        out.extend(f"    {node_line(n)}" for n in by_cluster.get(cluster.id, ()))
        out.append("  end")
    out.extend(f"  {node_line(n)}" for n in by_cluster.get("", ()))
    link_styles: list[str] = []
    for index, edge in enumerate(diagram.edges):
        arrow = "-.->" if edge.style == "fallback" else "-->"
        label = f'|"{mermaid(edge.label)}"|' if edge.label else ""
        out.append(f"  {edge.src} {arrow}{label} {edge.dst}")
        if edge.flagged:
            link_styles.append(f"  linkStyle {index} stroke:{FINDING},stroke-width:2.5px")
        elif edge.style == "fallback":
            link_styles.append(f"  linkStyle {index} stroke:{FALLBACK}")
        else:
            link_styles.append(f"  linkStyle {index} stroke:{DATA_COLOUR.get(edge.data, MUTED)}")
    out.extend(link_styles)
    kinds_used: dict[str, list[str]] = {}
    for node in diagram.nodes:
        style_key = "sor" if node.kind in SYSTEMS_OF_RECORD else node.kind
        kinds_used.setdefault(style_key, []).append(node.id)
    for style_key, ids in kinds_used.items():
        if style_key == "boundary":
            continue
        if style_key == "ghost":
            fill, border = "#FFFFFF", "#9AA3AD"
        else:
            kind = "core-banking" if style_key == "sor" else style_key
            _, _, _, fill, border = KIND_STYLE[kind]
        out.append(
            f"  classDef {style_key.replace('-', '_')} fill:{fill},stroke:{border},color:{INK}"
        )
        out.append(f"  class {','.join(ids)} {style_key.replace('-', '_')}")
    for node in diagram.nodes:
        if node.kind == "boundary":
            _, fill, border, _ = TRUST_STYLE[node.trust]
            out.append(f"  style {node.id} fill:{fill},stroke:{border},color:{INK}")
    for cluster in diagram.clusters:
        _, fill, border, _ = TRUST_STYLE[cluster.trust]
        out.append(f"  style {cluster.id} fill:{fill},stroke:{border},color:{INK}")
    flagged = [n.id for n in diagram.nodes if n.flagged]
    if flagged:
        out.append(f"  classDef finding stroke:{FINDING},stroke-width:3px")
        out.append(f"  class {','.join(flagged)} finding")
    return "\n".join(out) + "\n"


# -- running dot -------------------------------------------------------------------


def dot_available() -> bool:
    return shutil.which("dot") is not None


def run_dot(source: str, formats: Sequence[str] = ("svg",)) -> dict[str, bytes]:
    """Lay ``source`` out once with Graphviz's ``dot`` and write it in every
    format asked for (``svg``, ``png``), by format.

    One process, one layout: ``dot -Tsvg -o… -Tpng -o…``. The PNG's resolution
    (:data:`PNG_DPI`) is given on the command line, which also scales Graphviz's
    SVG; :func:`_svg_in_points` puts the SVG back in points, byte for byte what
    ``dot -Tsvg`` alone writes.
    """
    import subprocess
    import tempfile

    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing()
    with tempfile.TemporaryDirectory(prefix="cadee-dot-") as folder:
        args = [program, f"-Gdpi={PNG_DPI}"] if "png" in formats else [program]
        for fmt in formats:
            args += [f"-T{fmt}", f"-o{folder}/map.{fmt}"]
        subprocess.run(args, input=source.encode("utf-8"), capture_output=True, check=True)
        result = {fmt: (Path(folder) / f"map.{fmt}").read_bytes() for fmt in formats}
    if "svg" in result:
        svg = _svg_in_points(result["svg"]) if "png" in formats else result["svg"]
        # Graphviz names the one family it measured with; viewers without it get the
        # metric-compatible ones instead of their default serif face.
        result["svg"] = svg.replace(
            b'font-family="%s"' % FONT.encode(), b'font-family="%s"' % SVG_FONT_STACK.encode()
        )
    return result


_SVG_HEAD = re.compile(
    rb'<svg width="[\d.]+pt" height="[\d.]+pt"(\s+viewBox="0\.00 0\.00 ([\d.]+) ([\d.]+)")'
)
_SVG_SCALE = re.compile(rb'(class="graph" transform=")scale\([\d.]+ [\d.]+\)')


def _svg_in_points(svg: bytes) -> bytes:
    """Graphviz's SVG laid out at a PNG's dpi, as it is at 72 dpi: the size in
    points is the viewBox's, and the graph is not scaled."""

    def size(match: re.Match[bytes]) -> bytes:
        width, height = float(match.group(2)), float(match.group(3))
        return b'<svg width="%.0fpt" height="%.0fpt"' % (width, height) + match.group(1)

    svg = _SVG_HEAD.sub(size, svg, count=1)
    return _SVG_SCALE.sub(rb"\1scale(1 1)", svg, count=1)
