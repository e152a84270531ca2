"""Renamed systems: a system whose id changed but which is the same system.

A system removed from the old side and a system added on the new side are a
*rename* when

1. they have the same ``kind``, ``boundary`` and ``owner``; and
2. most of their edges are the same: the *edge similarity*, the number of
   edges both sides have divided by the number of edges either side has
   (Jaccard), is at least :data:`MIN_SIMILARITY` (one half). An edge is an
   integration (calls X, called by X), a fallback (falls back to X, is the
   fallback of X) or being a boundary's identity provider, each named by the
   other end, with the old id read as the new one. Two systems without any
   edge are a rename only when their ``name`` is the same.

Each removed system is paired with at most one added system and the other way
round, best similarity first (ties: the new side's declaration order).

The old side is then rewritten with the new ids (:func:`apply_renames`):
integrations keep their explicit ids, derived ids (``from->to``) follow the
ends, fallback chains, identity providers and waiver targets follow the
system, and so do ``needs`` and services' ``channels`` and ``requires``.
Comparing the rewritten old side with the new side carries every edge
across, so a rename raises no "fallback removed" or "new boundary crossing"
highlight and no new or resolved finding; the system is reported as changed
in its ``id`` (and in any other field that changed with it).

A waiver on the new side that still names the old id (as its target, or as
an end of a ``from->to`` target) no longer covers anything: it is flagged.
Approvals name owners and versions, never systems, so they cannot go stale.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from cadee.model import Blueprint, Integration, Item, System, set_location

__all__ = ["MIN_SIMILARITY", "Rename", "apply_renames", "find_renames", "stale_waivers"]

_I = TypeVar("_I", bound=Item)

#: Edge similarity from which a removed and an added system are one renamed system.
MIN_SIMILARITY = 0.5


@dataclass(frozen=True, slots=True)
class Rename:
    """A system whose id changed from ``old`` to ``new``."""

    old: str
    new: str
    #: Edges both sides have, and edges either side has.
    shared: int
    total: int

    @property
    def similarity(self) -> float:
        return self.shared / self.total if self.total else 1.0


def _edges(blueprint: Blueprint, system: System, rename: Mapping[str, str]) -> set[tuple[str, str]]:
    me = system.id

    def other(sid: str) -> str:
        return "(itself)" if sid == me else rename.get(sid, sid)

    edges: set[tuple[str, str]] = set()
    for integration in blueprint.integrations:
        if integration.from_ == me:
            edges.add(("calls", other(integration.to)))
        if integration.to == me:
            edges.add(("called by", other(integration.from_)))
    for step in system.fallback or ():
        edges.add(("falls back to", other(step.to)))
    for caller in blueprint.systems:
        if any(step.to == me for step in caller.fallback or ()):
            edges.add(("fallback of", other(caller.id)))
    for boundary in blueprint.boundaries:
        if boundary.identity_provider == me:
            edges.add(("identity provider of", boundary.id))
    for needed in system.needs or ():
        edges.add(("needs", other(needed)))
    return edges


def find_renames(old: Blueprint, new: Blueprint) -> list[Rename]:
    """The renamed systems between ``old`` and ``new``, in the new side's order."""
    old_ids = {s.id for s in old.systems}
    new_ids = {s.id for s in new.systems}
    removed = [s for s in old.systems if s.id not in new_ids]
    added = [s for s in new.systems if s.id not in old_ids]
    if not removed or not added:
        return []
    candidates: list[tuple[float, int, Rename]] = []
    for position, after in enumerate(added):
        new_edges: set[tuple[str, str]] | None = None
        for before in removed:
            if (before.kind, before.boundary, before.owner) != (
                after.kind,
                after.boundary,
                after.owner,
            ):
                continue
            if new_edges is None:
                new_edges = _edges(new, after, {})
            old_edges = _edges(old, before, {before.id: after.id})
            union = len(old_edges | new_edges)
            shared = len(old_edges & new_edges)
            found = Rename(before.id, after.id, shared, union)
            if (union and found.similarity >= MIN_SIMILARITY) or (
                not union and before.name == after.name
            ):
                candidates.append((found.similarity, position, found))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    chosen: list[tuple[int, Rename]] = []
    for _, position, found in candidates:
        if found.old not in taken_old and found.new not in taken_new:
            taken_old.add(found.old)
            taken_new.add(found.new)
            chosen.append((position, found))
    return [found for _, found in sorted(chosen, key=lambda c: c[0])]


def _copy(item: _I, update: Mapping[str, object]) -> _I:
    """``item`` with ``update`` applied, still located where it is written."""
    copied = item.model_copy(update=dict(update))
    set_location(copied, item.location)
    return copied


def _integration(integration: Integration, ids: Mapping[str, str]) -> Integration:
    ends = ids.get(integration.from_, integration.from_), ids.get(integration.to, integration.to)
    if ends == (integration.from_, integration.to):
        return integration
    update: dict[str, str] = {"from_": ends[0], "to": ends[1]}
    if integration.id == f"{integration.from_}->{integration.to}":
        update["id"] = f"{ends[0]}->{ends[1]}"
    return _copy(integration, update)


def _target(target: str, ids: Mapping[str, str]) -> str:
    if target in ids:
        return ids[target]
    caller, arrow, callee = target.partition("->")
    if arrow and (caller in ids or callee in ids):
        return f"{ids.get(caller, caller)}->{ids.get(callee, callee)}"
    return target


def _system(system: System, ids: Mapping[str, str]) -> System:
    update: dict[str, object] = {}
    if system.id in ids:
        update["id"] = ids[system.id]
    if system.needs and any(sid in ids for sid in system.needs):
        update["needs"] = [ids.get(sid, sid) for sid in system.needs]
    if system.fallback and any(step.to in ids for step in system.fallback):
        update["fallback"] = [
            step.model_copy(update={"to": ids[step.to]}) if step.to in ids else step
            for step in system.fallback
        ]
    return _copy(system, update) if update else system


def apply_renames(old: Blueprint, renames: list[Rename]) -> Blueprint:
    """The old side with each renamed system under its new id (see the module docstring)."""
    if not renames:
        return old
    ids = {r.old: r.new for r in renames}
    return dataclasses.replace(
        old,
        systems=[_system(s, ids) for s in old.systems],
        integrations=[_integration(i, ids) for i in old.integrations],
        boundaries=[
            _copy(b, {"identity_provider": ids[b.identity_provider]})
            if b.identity_provider in ids
            else b
            for b in old.boundaries
        ],
        waivers=[
            _copy(w, {"target": _target(w.target, ids)})
            if _target(w.target, ids) != w.target
            else w
            for w in old.waivers
        ],
        services=[
            _copy(
                s,
                {
                    "channels": [ids.get(c, c) for c in s.channels],
                    "requires": [ids.get(r, r) for r in s.requires]
                    if s.requires is not None
                    else None,
                },
            )
            if any(c in ids for c in (*s.channels, *(s.requires or ())))
            else s
            for s in old.services
        ],
    )


def stale_waivers(new: Blueprint, renames: list[Rename]) -> Iterator[tuple[str, Rename]]:
    """Waivers of the new side (by key) that still name a renamed system's old id."""
    by_old = {r.old: r for r in renames}
    for waiver in new.waivers:
        caller, arrow, callee = waiver.target.partition("->")
        for name in (waiver.target, *((caller, callee) if arrow else ())):
            if name in by_old:
                yield waiver.key, by_old[name]
                break
