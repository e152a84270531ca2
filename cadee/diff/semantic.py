"""Semantic changes between two blueprints: items matched by id, fields by dotted path.

Every list is matched by id (waivers, which have none, by ``rule:target``),
never by position or file, so reordering items, reformatting, comments and
moving an item into an included file are no change. Within an item, nested
mappings (``observability``) are compared field by field (``observability.slo``);
lists are values of their own (``fallback``, ``approvers``) because their
order is the meaning (a fallback chain is a preference order), except for
lists that are sets: ``approvers`` and a fallback step's ``when`` triggers,
where only membership counts.

Linear in the size of both blueprints: one dictionary per list and side, and
full dumps only for items whose fields differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cadee.model import LIST_FIELDS, Blueprint, Item

__all__ = ["COLLECTIONS", "EntityChange", "FieldChange", "diff_items", "item_key", "same_fields"]

#: The collections compared, in the order reports list them.
COLLECTIONS: tuple[str, ...] = ("blueprint", *LIST_FIELDS)
ChangeKind = Literal["added", "removed", "changed"]
#: Lists whose order carries no meaning (compared as sets).
_SET_LISTS = frozenset({"approvers", "when"})


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field whose value differs; ``None`` means absent (or null)."""

    path: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class EntityChange:
    """An item added, removed or changed; ``collection`` is a list name or ``blueprint``."""

    collection: str
    id: str
    change: ChangeKind
    #: For ``changed``: the fields that differ, in model field order.
    fields: tuple[FieldChange, ...] = ()
    #: The item as JSON data: the new side's for ``added`` and ``changed``, the old side's
    #: for ``removed``.
    item: Mapping[str, Any] | None = None


def item_key(collection: str, item: Any) -> str:
    """The matching key: the id; for waivers ``rule:target``; for approvals ``by@version``."""
    if collection == "waivers":
        return f"{item.rule}:{item.target}"
    if collection == "approvals":
        return f"{item.by}@{item.version}"
    return str(item.id)


def dump(item: Any) -> dict[str, Any]:
    """An item as JSON data (aliases such as ``from``; dates as ISO strings)."""
    data: dict[str, Any] = item.model_dump(mode="json", by_alias=True)
    return data


def _keyed(collection: str, items: Sequence[Item]) -> dict[str, Item]:
    if collection not in ("waivers", "approvals"):
        # Keyed by id in one comprehension (no call per item): the hot path of a large diff.
        # Duplicate ids (an invalid side, never diffed by the CLI) take the numbering below.
        with_ids: Sequence[Any] = items  # every list but those two has ids
        by_id: dict[str, Item] = {str(item.id): item for item in with_ids}
        if len(by_id) == len(items):
            return by_id
    keyed: dict[str, Item] = {}
    for item in items:
        key = item_key(collection, item)
        if key in keyed:  # two waivers for the same rule and target: number the later ones
            count = 2
            while f"{key}#{count}" in keyed:
                count += 1
            key = f"{key}#{count}"
        keyed[key] = item
    return keyed


def same_fields(old: Any, new: Any) -> bool:
    """Field-by-field equality (``location`` is a slot, outside the instance dict)."""
    # The two field dicts compare in C: the hot path of a large diff.
    return bool(old.__dict__ == new.__dict__)


def _comparable(key: str, value: Any) -> Any:
    if isinstance(value, list):
        if key in _SET_LISTS and all(isinstance(v, str) for v in value):
            return sorted(set(value))
        return [_comparable("", v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(k, v) for k, v in value.items()}
    return value


def field_changes(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, prefix: str = ""
) -> Iterator[FieldChange]:
    """Differences between two dumps; nested mappings by dotted path, lists whole."""
    old = old or {}
    new = new or {}
    for key in dict.fromkeys((*new, *old)):
        a, b = old.get(key), new.get(key)
        path = f"{prefix}{key}"
        nested = isinstance(a, dict) or isinstance(b, dict)
        if nested and (a is None or isinstance(a, dict)) and (b is None or isinstance(b, dict)):
            yield from field_changes(a, b, f"{path}.")
            continue
        if _comparable(key, a) != _comparable(key, b):
            yield FieldChange(path, a, b)


def _diff_list(
    collection: str, old_items: Sequence[Item], new_items: Sequence[Item]
) -> Iterator[EntityChange]:
    old = _keyed(collection, old_items)
    new = _keyed(collection, new_items)
    # The items that differ, found in comprehensions (``same_fields`` inlined: no call per
    # item): nearly every item of a large diff is unchanged.
    differing = [
        (key, item)
        for key, item in new.items()
        if (before := old.get(key)) is None or before.__dict__ != item.__dict__
    ]
    for key, item in differing:
        before = old.get(key)
        if before is None:
            yield EntityChange(collection, key, "added", item=dump(item))
        else:
            after = dump(item)
            fields = tuple(field_changes(dump(before), after))
            if fields:  # only set-like lists reordered: no change
                yield EntityChange(collection, key, "changed", fields, after)
    for key, item in [(key, item) for key, item in old.items() if key not in new]:
        yield EntityChange(collection, key, "removed", item=dump(item))


def diff_items(old: Blueprint, new: Blueprint) -> list[EntityChange]:
    """Every added, removed and changed item: ``blueprint`` metadata first, then each list
    in spec order; within a list, the new side's declaration order, then removed items."""
    changes: list[EntityChange] = []
    if old.meta != new.meta:
        after = dump(new.meta)
        fields = tuple(field_changes(dump(old.meta), after))
        if fields:
            changes.append(EntityChange("blueprint", new.meta.id, "changed", fields, after))
    for collection in LIST_FIELDS:
        changes.extend(_diff_list(collection, getattr(old, collection), getattr(new, collection)))
    return changes


def count_changes(changes: Iterable[EntityChange]) -> dict[str, int]:
    """``added``, ``removed``, ``changed`` counts over items (metadata counts as changed)."""
    counts = {"added": 0, "removed": 0, "changed": 0}
    for change in changes:
        counts[change.change] += 1
    return counts
