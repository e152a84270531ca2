"""Required approvers: who must approve this change.

A change *touches* a system when it adds, removes or changes the system; when
it adds, removes or changes an integration (both endpoints, on both sides);
when it changes a fallback chain (the system that lists it, and every target
added, removed or moved in the chain); and when it adds, removes or changes a
waiver whose target is the system or an integration of it. Changes to
boundaries, owners, evidence, KPIs, gates and the blueprint's metadata are
blueprint-level: they fall to the blueprint's default approvers.

The approvers of a touched system are its effective approvers (its own
``approvers``, else ``blueprint.approvers``) on the old side *and* the new
side, so a change that replaces a system's approvers still needs the people
it removes. Owners approve too:

- an integration added, removed or changed needs the owners of both its ends
  (the caller's and the called system's ``owner``, on each side where the
  integration exists): the team whose system is called accepts the new load,
  data and trust;
- a change of a system's ``owner`` needs the outgoing and the incoming owner
  (a hand-over is accepted by both).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cadee.diff.semantic import EntityChange
from cadee.graph import ArchitectureGraph
from cadee.model import Owner

__all__ = ["Approvals", "ApproverGroup", "Touched", "required_approvers"]


@dataclass(frozen=True, slots=True)
class Touched:
    """A system the change touches, and why (in the order found)."""

    system: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ApproverGroup:
    """One approver (an owner id) and what they approve."""

    owner: str
    name: str | None
    function: str | None
    contact: str | None
    #: Touched systems this owner approves, in touched order.
    systems: tuple[str, ...]
    #: True when the owner is a default approver of blueprint-level changes.
    blueprint: bool = False


@dataclass(frozen=True, slots=True)
class Approvals:
    touched: list[Touched] = field(default_factory=list)
    groups: list[ApproverGroup] = field(default_factory=list)
    #: Touched systems with no effective approver on either side.
    unapproved: list[str] = field(default_factory=list)
    #: Collections with blueprint-level changes (``blueprint``, ``kpis``, ...), in report order.
    blueprint_level: list[str] = field(default_factory=list)


def _targets(value: Any) -> list[str]:
    """Fallback targets from a dumped ``fallback`` list (order kept, repeats dropped)."""
    if not isinstance(value, list):
        return []
    return list(
        dict.fromkeys(step["to"] for step in value if isinstance(step, dict) and "to" in step)
    )


def _moved(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """Fallback targets added, removed or at another position."""
    old_at = {t: i for i, t in enumerate(old)}
    new_at = {t: i for i, t in enumerate(new)}
    return [t for t in new if old_at.get(t) != new_at[t]] + [t for t in old if t not in new_at]


def required_approvers(
    changes: Iterable[EntityChange], old: ArchitectureGraph, new: ArchitectureGraph
) -> Approvals:
    reasons: dict[str, list[str]] = {}
    owners: dict[str, list[str]] = {}  # system -> owners who approve its change

    def owned_by(system: str, graph: ArchitectureGraph) -> None:
        found = graph.systems.get(system)
        if found is not None and found.owner:
            owners.setdefault(system, []).append(found.owner)

    def touch(system: str | None, reason: str) -> None:
        if system and (system in new.systems or system in old.systems):
            listed = reasons.setdefault(system, [])
            if reason not in listed:
                listed.append(reason)

    old_integrations, new_integrations = old.integration_ids, new.integration_ids
    blueprint_level: list[str] = []
    for change in changes:
        if change.collection == "systems":
            if change.change == "changed":
                fields = list(dict.fromkeys(f.path.split(".")[0] for f in change.fields))
                touch(change.id, f"changed: {', '.join(fields)}")
                if "owner" in fields:
                    owned_by(change.id, old)
                    owned_by(change.id, new)
                for f in change.fields:
                    if f.path == "fallback":
                        for target in _moved(_targets(f.old), _targets(f.new)):
                            touch(target, f"fallback of '{change.id}' changed")
            else:
                touch(change.id, change.change)
                item = change.item or {}
                for target in _targets(item.get("fallback")):
                    touch(target, f"fallback of '{change.id}' {change.change}")
        elif change.collection == "integrations":
            for side, graph in (
                (old_integrations.get(change.id), old),
                (new_integrations.get(change.id), new),
            ):
                if side is not None:
                    touch(side.from_, f"integration '{change.id}' {change.change}")
                    touch(side.to, f"integration '{change.id}' {change.change}")
                    owned_by(side.from_, graph)
                    owned_by(side.to, graph)
        elif change.collection == "waivers":
            target = str((change.item or {}).get("target", ""))
            matched = False
            for integrations in (old_integrations, new_integrations):
                integration = integrations.get(target)
                if integration is not None:
                    touch(integration.from_, f"waiver {change.id} {change.change}")
                    touch(integration.to, f"waiver {change.id} {change.change}")
                    matched = True
            if target in new.systems or target in old.systems:
                touch(target, f"waiver {change.id} {change.change}")
                matched = True
            if not matched and "waivers" not in blueprint_level:
                blueprint_level.append("waivers")
        elif change.collection not in blueprint_level:
            blueprint_level.append(change.collection)

    order = {sid: i for i, sid in enumerate(new.systems)}
    offset = len(order)
    for i, sid in enumerate(old.systems):
        order.setdefault(sid, offset + i)
    touched = [Touched(sid, tuple(reasons[sid])) for sid in sorted(reasons, key=order.__getitem__)]

    approves: dict[str, list[str]] = {}
    unapproved: list[str] = []
    for entry in touched:
        people: list[str] = []
        for graph in (old, new):
            system = graph.systems.get(entry.system)
            if system is not None:
                people.extend(graph.effective_approvers(system))
        people.extend(owners.get(entry.system, ()))
        if not people:
            unapproved.append(entry.system)
        for owner in dict.fromkeys(people):
            approves.setdefault(owner, []).append(entry.system)
    default: list[str] = []
    if blueprint_level:
        default = list(
            dict.fromkeys(
                [*(old.blueprint.meta.approvers or []), *(new.blueprint.meta.approvers or [])]
            )
        )
        for owner in default:
            approves.setdefault(owner, [])
    groups = [
        _group(owner_id, approves[owner_id], owner_id in default, new.owners, old.owners)
        for owner_id in _owner_order(approves, new, old)
    ]
    return Approvals(touched, groups, unapproved, blueprint_level)


def _owner_order(
    approves: Mapping[str, list[str]], new: ArchitectureGraph, old: ArchitectureGraph
) -> list[str]:
    order = {oid: i for i, oid in enumerate(new.owners)}
    offset = len(order)
    for i, oid in enumerate(old.owners):
        order.setdefault(oid, offset + i)
    last = len(order)
    return sorted(approves, key=lambda oid: (order.get(oid, last), oid))


def _group(
    owner_id: str,
    systems: list[str],
    blueprint: bool,
    new_owners: Mapping[str, Owner],
    old_owners: Mapping[str, Owner],
) -> ApproverGroup:
    owner = new_owners.get(owner_id) or old_owners.get(owner_id)
    if owner is None:
        return ApproverGroup(owner_id, None, None, None, tuple(systems), blueprint)
    return ApproverGroup(
        owner_id, owner.name, owner.function, owner.contact, tuple(systems), blueprint
    )
