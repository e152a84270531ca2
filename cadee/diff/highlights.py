"""Risk highlights: the changes a reviewer must not miss, each with a one-line reason.

Kinds, in the order reports list them:

``fallback-removed``
    A system's fallback chain lost a target (the chain got shorter or went
    away); the reason says whether the target was a human desk and whether an
    AI component can still reach a human desk at all.
``fallback-reordered``
    The first human desk in a chain moved to a later position.
``auth-weakened``
    An integration that crosses a boundary (on the new side) authenticates
    less strongly than before. Strength order, weakest first::

        none (or absent) < api-key < service-account
            < jwt = saml = kerberos = oauth2 = oidc < mtls

    A static shared secret is weaker than a managed service credential, which
    is weaker than short-lived signed tokens; mutual TLS binds both ends to
    certificates and ranks highest. Moving between methods of equal rank is
    not a weakening.
``new-crossing``
    An integration crosses a boundary it did not cross before (it is new, or
    an endpoint moved to another boundary); the reason gives the trust of
    both sides, the auth and the data classification.
``data-raised``
    An integration carries more sensitive data than before; or a flow newly
    reaches an ``external`` boundary (a new integration, or a callee moved
    there) with ``confidential`` or ``restricted`` data, or data above the
    boundary's clearance; or an external boundary's clearance was raised.
    Towards an external boundary the reason names it and says whether the
    data is above its clearance.
``owner-changed`` / ``approvers-changed``
    A tier-1 system (on either side) changed owner or effective approvers;
    a change of ``blueprint.approvers`` is one highlight naming the tier-1
    systems it applies to.
``criticality-lowered``
    A system's criticality went down (tier-1 > tier-2 > tier-3).
``new-ai-component``
    A model or agent was added (or a system became one).
``new-channel-path``
    A system of record became reachable from a channel it was not reachable
    from before (over integrations); one highlight per system of record.
``waiver-added`` / ``waiver-extended``
    A new waiver (with its approver, expiry and lifetime from the as-of date),
    or a later ``expires`` on an existing one.
``waiver-stale``
    A waiver still names the old id of a renamed system (:mod:`.renames`): it
    no longer covers the finding it was written for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

from cadee.diff.renames import Rename, stale_waivers
from cadee.diff.semantic import EntityChange
from cadee.graph import ArchitectureGraph, path_to, reach, strongly_connected
from cadee.model import DATA_RANK, Blueprint, Integration, System
from cadee.text import shorten

__all__ = ["AUTH_RANK", "HIGHLIGHT_KINDS", "Highlight", "find_highlights"]

HIGHLIGHT_KINDS: tuple[str, ...] = (
    "fallback-removed",
    "fallback-reordered",
    "auth-weakened",
    "new-crossing",
    "data-raised",
    "owner-changed",
    "approvers-changed",
    "criticality-lowered",
    "new-ai-component",
    "new-channel-path",
    "waiver-added",
    "waiver-extended",
    "waiver-stale",
)

#: Authentication strength (higher is stronger); absent counts as ``none``.
AUTH_RANK: dict[str | None, int] = {
    None: 0,
    "none": 0,
    "api-key": 1,
    "service-account": 2,
    "jwt": 3,
    "saml": 3,
    "kerberos": 3,
    "oauth2": 3,
    "oidc": 3,
    "mtls": 4,
}
_CRITICALITY_RANK = {"tier-1": 0, "tier-2": 1, "tier-3": 2}
#: Rules that only look at tier-1 systems (named when a system leaves tier 1).
_TIER1_RULES = "ARC004, OWN003, OWN004, OBS001, OBS002"
_LISTED = 5  # ids named in one line before "+N more"


@dataclass(frozen=True, slots=True)
class Highlight:
    """One risk highlight: what kind, on which id, and why it matters (one line)."""

    kind: str
    target: str
    reason: str


def _q(text: str) -> str:
    return f"'{shorten(text, 80)}'"


def _names(ids: Iterable[str]) -> str:
    listed = list(ids)
    shown = ", ".join(_q(i) for i in listed[:_LISTED])
    return shown + (f" (+{len(listed) - _LISTED} more)" if len(listed) > _LISTED else "")


def _chain(system: System) -> list[str]:
    return list(dict.fromkeys(step.to for step in system.fallback or []))


class _Sides:
    """Both graphs, and which items the change touched (so checks skip the rest)."""

    def __init__(
        self, old: ArchitectureGraph, new: ArchitectureGraph, changes: Iterable[EntityChange]
    ) -> None:
        self.old = old
        self.new = new
        self.systems: set[str] = set()  # added or changed
        self.integrations: set[str] = set()  # added or changed
        self.meta_approvers = False
        for change in changes:
            if change.change == "removed":
                continue
            if change.collection == "systems":
                self.systems.add(change.id)
            elif change.collection == "integrations":
                self.integrations.add(change.id)
            elif change.collection == "blueprint":
                self.meta_approvers |= any(f.path == "approvers" for f in change.fields)

    def both_systems(self) -> Iterator[tuple[System, System]]:
        """Systems changed on both sides, in the new side's declaration order."""
        for sid in sorted(
            (s for s in self.systems if s in self.old.systems), key=self.new.order.__getitem__
        ):
            yield self.old.systems[sid], self.new.systems[sid]


def _boundary_label(graph: ArchitectureGraph, system: System) -> str:
    boundary = graph.boundary_of(system)
    if boundary is None:
        return f"(no boundary: {_q(system.id)})"
    return f"{_q(boundary.id)} ({boundary.trust})"


def _crossing(graph: ArchitectureGraph, integration: Integration) -> tuple[str, str] | None:
    """The (from, to) boundary pair when the integration crosses a boundary (as IAM001)."""
    if integration.from_ == integration.to:
        return None
    caller = graph.systems.get(integration.from_)
    callee = graph.systems.get(integration.to)
    if caller is None or callee is None:
        return None
    a = caller.boundary or f"\0{caller.id}"  # a system with no boundary is its own
    b = callee.boundary or f"\0{callee.id}"
    return None if a == b else (a, b)


def _reaches_human(graph: ArchitectureGraph, system_id: str) -> bool:
    parents = reach(graph.fallbacks.successors, [system_id])
    return any(graph.systems[s].kind == "human-desk" for s in parents if s in graph.systems)


def _fallbacks(sides: _Sides) -> Iterator[Highlight]:
    removed_out: list[Highlight] = []
    reordered_out: list[Highlight] = []
    for before, after in sides.both_systems():
        old_chain, new_chain = _chain(before), _chain(after)
        if old_chain == new_chain:
            continue
        kind = after.kind
        removed = [t for t in old_chain if t not in new_chain]
        if removed:
            parts = []
            for target in removed:
                desk = sides.old.systems.get(target)
                suffix = " (a human desk)" if desk is not None and desk.kind == "human-desk" else ""
                parts.append(f"{_q(target)}{suffix}")
            reason = f"{kind} {_q(after.id)} no longer falls back to {', '.join(parts)}"
            if (
                after.is_ai
                and _reaches_human(sides.old, after.id)
                and not _reaches_human(sides.new, after.id)
            ):
                reason += "; it no longer reaches any human desk"
            chain = " -> ".join(new_chain) if new_chain else "(empty)"
            removed_out.append(
                Highlight("fallback-removed", after.id, f"{reason}; chain now: {chain}")
            )
        old_human = _first_human(old_chain, sides.old)
        new_human = _first_human(new_chain, sides.new)
        if old_human is not None and new_human is not None and new_human[0] > old_human[0]:
            ahead = ", ".join(_q(t) for t in new_chain[: new_human[0]])
            reordered_out.append(
                Highlight(
                    "fallback-reordered",
                    after.id,
                    f"{kind} {_q(after.id)} now tries {ahead} before human desk {_q(new_human[1])} "
                    f"(position {old_human[0] + 1} -> {new_human[0] + 1})",
                )
            )
    yield from removed_out
    yield from reordered_out


def _first_human(chain: list[str], graph: ArchitectureGraph) -> tuple[int, str] | None:
    for position, target in enumerate(chain):
        system = graph.systems.get(target)
        if system is not None and system.kind == "human-desk":
            return position, target
    return None


def _integrations(sides: _Sides) -> Iterator[Highlight]:
    old_by_id = sides.old.integration_ids
    old, new = sides.old, sides.new
    moved = {
        sid
        for sid in sides.systems
        if sid not in old.systems or old.systems[sid].boundary != new.systems[sid].boundary
    }
    weakened: list[Highlight] = []
    crossings: list[Highlight] = []
    raised_out: list[Highlight] = []
    for integration in new.blueprint.integrations:
        before = old_by_id.get(integration.id)
        if (
            integration.id not in sides.integrations
            and integration.from_ not in moved
            and integration.to not in moved
        ):
            continue  # nothing about this integration or its endpoints' boundaries changed
        crossing = _crossing(new, integration)
        caller, callee = new.systems[integration.from_], new.systems[integration.to]
        auth = integration.auth or "none"
        if crossing is not None:
            where = f"{_boundary_label(new, caller)} -> {_boundary_label(new, callee)}"
            old_crossing = _crossing(old, before) if before is not None else None
            if before is not None and AUTH_RANK[integration.auth] < AUTH_RANK[before.auth]:
                verb = "removed" if AUTH_RANK[integration.auth] == 0 else "weakened"
                weakened.append(
                    Highlight(
                        "auth-weakened",
                        integration.id,
                        f"authentication {verb} on {_q(integration.id)} crossing {where}: "
                        f"{before.auth or 'none'} -> {auth}",
                    )
                )
            if old_crossing != crossing:
                what = "new integration" if before is None else "integration"
                verb = "crosses" if before is None else "now crosses"
                crossings.append(
                    Highlight(
                        "new-crossing",
                        integration.id,
                        f"{what} {_q(integration.id)} {verb} {where} "
                        f"(auth {auth}, data {integration.data}, identity {integration.identity})",
                    )
                )
        boundary = new.boundary_of(callee)
        external = boundary is not None and boundary.trust == "external"
        raised = before is not None and DATA_RANK[integration.data] > DATA_RANK[before.data]
        if external and not raised:
            # A flow that newly reaches a vendor: a new integration, or a callee that moved there.
            old_callee = old.systems.get(before.to) if before is not None else None
            was_there = old_callee is not None and old_callee.boundary == callee.boundary
            assert boundary is not None
            raised = not was_there and (
                DATA_RANK[integration.data] >= DATA_RANK["confidential"]
                or DATA_RANK[integration.data] > DATA_RANK[boundary.clearance]
            )
        if raised:
            if before is not None and DATA_RANK[integration.data] > DATA_RANK[before.data]:
                reason = (
                    f"{_q(integration.id)} now carries {integration.data} data (was {before.data})"
                )
            else:
                reason = f"{_q(integration.id)} now sends {integration.data} data"
            if external:
                assert boundary is not None
                above = DATA_RANK[integration.data] > DATA_RANK[boundary.clearance]
                reason += (
                    f" into external boundary {_q(boundary.id)}, cleared for {boundary.clearance}"
                    + ("; above its clearance" if above else "")
                )
            raised_out.append(Highlight("data-raised", integration.id, reason))
    for boundary in new.blueprint.boundaries:
        previous = old.boundaries.get(boundary.id)
        if (
            previous is not None
            and boundary.trust == "external"
            and DATA_RANK[boundary.clearance] > DATA_RANK[previous.clearance]
        ):
            raised_out.append(
                Highlight(
                    "data-raised",
                    boundary.id,
                    f"external boundary {_q(boundary.id)} is now cleared for {boundary.clearance} data "
                    f"(was {previous.clearance})",
                )
            )
    yield from weakened
    yield from crossings
    yield from raised_out


def _people(sides: _Sides) -> Iterator[Highlight]:
    owners: list[Highlight] = []
    approvers: list[Highlight] = []
    by_default: list[str] = []
    old, new = sides.old, sides.new
    pairs = list(sides.both_systems())
    if sides.meta_approvers:  # blueprint.approvers apply to every system without its own
        pairs = [
            (old.systems[sid], system)
            for sid, system in new.systems.items()
            if sid in old.systems and (sid in sides.systems or system.approvers is None)
        ]
    for before, after in pairs:
        if "tier-1" not in (before.criticality, after.criticality):
            continue
        if before.owner != after.owner:
            owners.append(
                Highlight(
                    "owner-changed",
                    after.id,
                    f"tier-1 {after.kind} {_q(after.id)}: owner {before.owner or '(none)'} -> "
                    f"{after.owner or '(none)'}",
                )
            )
        old_set, new_set = old.effective_approvers(before), new.effective_approvers(after)
        if set(old_set) != set(new_set):
            if before.approvers is None and after.approvers is None:
                by_default.append(after.id)  # one highlight for the blueprint default below
                continue
            approvers.append(
                Highlight(
                    "approvers-changed",
                    after.id,
                    f"tier-1 {after.kind} {_q(after.id)}: approvers {_list(old_set)} -> {_list(new_set)}",
                )
            )
    if by_default:
        approvers.insert(
            0,
            Highlight(
                "approvers-changed",
                new.blueprint.meta.id,
                f"default approvers (blueprint.approvers) {_list(old.blueprint.meta.approvers or [])} -> "
                f"{_list(new.blueprint.meta.approvers or [])} for tier-1 systems {_names(by_default)}",
            ),
        )
    yield from owners
    yield from approvers


def _list(ids: Iterable[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def _criticality(sides: _Sides) -> Iterator[Highlight]:
    for before, after in sides.both_systems():
        if _CRITICALITY_RANK[after.criticality] > _CRITICALITY_RANK[before.criticality]:
            note = (
                f"; tier-1 rules ({_TIER1_RULES}) no longer apply"
                if before.criticality == "tier-1"
                else ""
            )
            yield Highlight(
                "criticality-lowered",
                after.id,
                f"{after.kind} {_q(after.id)}: criticality {before.criticality} -> "
                f"{after.criticality}{note}",
            )


def _new_ai(sides: _Sides) -> Iterator[Highlight]:
    old, new = sides.old, sides.new
    for system in new.blueprint.systems:
        if not system.is_ai or system.id not in sides.systems:
            continue
        before = old.systems.get(system.id)
        if before is not None and before.is_ai:
            continue
        vendor = f" from {shorten(system.vendor, 60)}" if system.vendor else ""
        chain = _chain(system)
        fallback = f"falls back to {' -> '.join(chain)}" if chain else "declares no fallback"
        what = (
            f"new {system.kind} {_q(system.id)}"
            if before is None
            else f"{_q(system.id)} is now a {system.kind} (was {before.kind})"
        )
        yield Highlight(
            "new-ai-component",
            system.id,
            f"{what}{vendor} in {_boundary_label(new, system)}, {fallback}",
        )


def _adjacency(
    graph: ArchitectureGraph, bypass_gateways: bool, scope: set[str]
) -> dict[str, list[str]]:
    """Integration successors as plain lists, for the systems in ``scope`` (closed under
    successors); without edges into gateways for ``bypass_gateways``."""
    systems = graph.systems
    adjacency: dict[str, list[str]] = {sid: [] for sid in systems if sid in scope}
    seen: set[tuple[str, str]] = set()
    for integration in graph.blueprint.integrations:
        edge = (integration.from_, integration.to)
        if (
            edge[0] not in scope
            or edge in seen
            or (bypass_gateways and systems[edge[1]].kind == "gateway")
        ):
            continue
        seen.add(edge)
        adjacency[edge[0]].append(edge[1])
    return adjacency


def _reach_bits(
    graph: ArchitectureGraph,
    bit: Callable[[str], int],
    scope: set[str],
    bypass_gateways: bool = False,
) -> dict[str, int]:
    """For every system in ``scope``, the bitset of marked systems reachable over one
    or more integration edges (never entering a gateway with ``bypass_gateways``):
    one pass over the condensation, linear in the scope."""
    adjacency = _adjacency(graph, bypass_gateways, scope)
    components = strongly_connected(adjacency, adjacency.__getitem__)
    component_of: dict[str, int] = {}
    for index, members in enumerate(components):
        for member in members:
            component_of[member] = index
    own = {sid: bit(sid) for sid in adjacency}
    bits: list[int] = []
    for index, members in enumerate(components):  # sinks first: successors are done
        value = 0
        for member in members:
            for nxt in adjacency[member]:
                other = component_of[nxt]
                value |= own[nxt] if other == index else own[nxt] | bits[other]
        bits.append(value)
    return {sid: bits[component_of[sid]] for sid in adjacency}


def _channel_paths(sides: _Sides) -> Iterator[Highlight]:
    """Channel -> system of record pairs that are new: newly reachable at all, or
    newly reachable on a path through no gateway (what ARC001 forbids)."""
    old, new = sides.old, sides.new
    channels = [s.id for s in new.blueprint.systems if s.kind == "channel"]
    records = [s.id for s in new.blueprint.systems if s.is_system_of_record]
    if not channels or not records:
        return
    # A new pair needs a new path, and a new path passes a changed point: the caller of a
    # new edge, or a system that is new or changed kind (a new channel or record, a
    # gateway no more). Only channels upstream of one can gain a system of record.
    points = [
        i.from_
        for i in new.blueprint.integrations
        if i.id in sides.integrations and not old.integrations.has_edge(i.from_, i.to)
    ]
    points += [
        sid
        for sid in sides.systems
        if sid not in old.systems or old.systems[sid].kind != new.systems[sid].kind
    ]
    if not points:
        return
    upstream = set(points) | set(reach(new.integrations.predecessors, points))
    candidates = [c for c in channels if c in upstream]
    if not candidates:
        return
    channels = candidates
    new_scope = set(candidates) | set(reach(new.integrations.successors, candidates))
    old_sources = [c for c in candidates if c in old.systems]
    old_scope = set(old_sources) | set(reach(old.integrations.successors, old_sources))
    index = {sid: position for position, sid in enumerate(records)}

    def marker(graph: ArchitectureGraph) -> Callable[[str], int]:
        def bit(sid: str) -> int:
            position = index.get(sid)
            if position is None:
                return 0
            system = graph.systems.get(sid)
            return 1 << position if system is not None and system.is_system_of_record else 0

        return bit

    def gained(bypass: bool) -> dict[str, list[str]]:
        new_bits = _reach_bits(new, marker(new), new_scope, bypass)
        old_bits = _reach_bits(old, marker(old), old_scope, bypass)
        fresh: dict[str, list[str]] = {}
        for channel in channels:
            before = old.systems.get(channel)
            was = old_bits.get(channel, 0) if before is not None and before.kind == "channel" else 0
            bits = new_bits[channel] & ~was
            while bits:
                low = bits & -bits
                bits ^= low
                fresh.setdefault(records[low.bit_length() - 1], []).append(channel)
        return fresh

    reachable = gained(False)
    bypassing = gained(True)

    def is_gateway(sid: str) -> bool:
        return new.systems[sid].kind == "gateway"

    for record in records:
        sources = reachable.get(record)
        direct = bypassing.get(record)
        if not sources and not direct:
            continue
        first = (direct or sources or [""])[0]
        every = new.integrations.successors
        parents = reach(every, [first], blocked=is_gateway) if direct else reach(every, [first])
        path = " -> ".join(path_to(parents, record, {first}))
        kind = new.systems[record].kind
        if sources:
            gateways = [s for s in path.split(" -> ")[1:-1] if new.systems[s].kind == "gateway"]
            through = f"through gateway {_q(gateways[0])}" if gateways else "through no gateway"
            reason = (
                f"{kind} {_q(record)} is newly reachable from channel {_names(sources)}: "
                f"{path} ({through})"
            )
        else:
            assert direct is not None
            reason = (
                f"{kind} {_q(record)} is now reachable from channel {_names(direct)} "
                f"through no gateway: {path}"
            )
        yield Highlight("new-channel-path", record, reason)


def _waivers(
    old: Blueprint, new: Blueprint, stale: Collection[str], as_of: dt.date | None
) -> Iterator[Highlight]:
    before = {w.key: w for w in old.waivers}
    added: list[Highlight] = []
    extended: list[Highlight] = []
    for waiver in new.waivers:
        previous = before.get(waiver.key)
        if previous is None and waiver.key in stale:
            continue  # the waiver of a renamed system that still names its old id: waiver-stale
        if previous is None:
            lifetime = ""
            if as_of is not None:
                days = (waiver.expires - as_of).days
                lifetime = (
                    f" ({days} days from {as_of.isoformat()})"
                    if days >= 0
                    else " (already expired)"
                )
            added.append(
                Highlight(
                    "waiver-added",
                    waiver.key,
                    f"new waiver of {waiver.rule} for {_q(waiver.target)} approved by {waiver.approved_by} "
                    f"until {waiver.expires.isoformat()}{lifetime}: {shorten(' '.join(waiver.reason.split()), 100)}",
                )
            )
        elif waiver.expires > previous.expires:
            extended.append(
                Highlight(
                    "waiver-extended",
                    waiver.key,
                    f"waiver of {waiver.rule} for {_q(waiver.target)} extended from "
                    f"{previous.expires.isoformat()} to {waiver.expires.isoformat()} "
                    f"(approved by {waiver.approved_by})",
                )
            )
    yield from added
    yield from extended


def _stale(new: Blueprint, renames: Sequence[Rename]) -> Iterator[Highlight]:
    waivers = {w.key: w for w in new.waivers}
    for key, rename in stale_waivers(new, list(renames)):
        waiver = waivers[key]
        yield Highlight(
            "waiver-stale",
            key,
            f"waiver of {waiver.rule} for {_q(waiver.target)} still names {_q(rename.old)}, "
            f"renamed to {_q(rename.new)}; it no longer covers anything",
        )


def find_highlights(
    old: ArchitectureGraph,
    new: ArchitectureGraph,
    changes: Iterable[EntityChange],
    renames: Sequence[Rename] = (),
    as_of: dt.date | None = None,
) -> list[Highlight]:
    """Every risk highlight of ``changes`` (from :func:`~cadee.diff.semantic.diff_items`),
    grouped by kind in :data:`HIGHLIGHT_KINDS` order, each kind in the new side's
    declaration order."""
    sides = _Sides(old, new, changes)
    found = [
        *_fallbacks(sides),
        *_integrations(sides),
        *_people(sides),
        *_criticality(sides),
        *_new_ai(sides),
        *_channel_paths(sides),
        *_waivers(
            old.blueprint,
            new.blueprint,
            {key for key, _ in stale_waivers(new.blueprint, list(renames))},
            as_of,
        ),
        *_stale(new.blueprint, renames),
    ]
    order = {kind: position for position, kind in enumerate(HIGHLIGHT_KINDS)}
    return sorted(found, key=lambda h: order[h.kind])  # stable: keeps declaration order
