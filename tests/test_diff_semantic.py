"""``diff_items`` finds the differing items in comprehensions (no call per item): a
differential test against the plain per-item matching it replaced, on generated
revisions with changed, added, removed, moved and duplicated items."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from typing import Any

import pytest

from benchmarks.generate import generate, revise_estate, write_estate
from cadee.diff.semantic import (
    EntityChange,
    diff_items,
    dump,
    field_changes,
    item_key,
    same_fields,
)
from cadee.load import load_blueprint
from cadee.model import LIST_FIELDS, Blueprint


def _plain_keyed(collection: str, items: Sequence[Any]) -> dict[str, Any]:
    keyed: dict[str, Any] = {}
    for item in items:
        key = item_key(collection, item)
        if key in keyed:
            count = 2
            while f"{key}#{count}" in keyed:
                count += 1
            key = f"{key}#{count}"
        keyed[key] = item
    return keyed


def _plain_diff_items(old: Blueprint, new: Blueprint) -> list[EntityChange]:
    """The matching as it was written before: one call per item."""
    changes: list[EntityChange] = []
    if old.meta != new.meta:
        after = dump(new.meta)
        fields = tuple(field_changes(dump(old.meta), after))
        if fields:
            changes.append(EntityChange("blueprint", new.meta.id, "changed", fields, after))
    for collection in LIST_FIELDS:
        before_items = _plain_keyed(collection, getattr(old, collection))
        after_items = _plain_keyed(collection, getattr(new, collection))
        for key, item in after_items.items():
            before = before_items.get(key)
            if before is None:
                changes.append(EntityChange(collection, key, "added", item=dump(item)))
            elif not same_fields(before, item):
                after = dump(item)
                fields = tuple(field_changes(dump(before), after))
                if fields:
                    changes.append(EntityChange(collection, key, "changed", fields, after))
        for key, item in before_items.items():
            if key not in after_items:
                changes.append(EntityChange(collection, key, "removed", item=dump(item)))
    return changes


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> tuple[Blueprint, Blueprint]:
    folder = tmp_path_factory.mktemp("semantic")
    files = generate(300, split_files=3).files
    old = load_blueprint(write_estate(files, folder / "old"))
    new = load_blueprint(write_estate(revise_estate(files, every=7), folder / "new"))
    assert old.blueprint is not None and new.blueprint is not None
    return old.blueprint, new.blueprint


def _shuffled(blueprint: Blueprint, seed: int) -> Blueprint:
    """Items removed, duplicated (invalid, but the matching numbers them) and moved."""
    rng = random.Random(seed)
    lists: dict[str, Any] = {}
    for collection in LIST_FIELDS:
        items = list(getattr(blueprint, collection))
        items = [i for i in items if rng.random() > 0.05]
        items += [rng.choice(items) for _ in range(rng.randrange(3))] if items else []
        rng.shuffle(items)
        lists[collection] = items
    return dataclasses.replace(blueprint, **lists)


def test_the_same_changes_as_the_plain_matching(sides: tuple[Blueprint, Blueprint]) -> None:
    old, new = sides
    changes = diff_items(old, new)
    assert changes == _plain_diff_items(old, new)
    assert {c.change for c in changes} == {"changed"}
    assert diff_items(new, old) == _plain_diff_items(new, old)


@pytest.mark.parametrize("seed", range(6))
def test_added_removed_moved_and_duplicated_items(
    sides: tuple[Blueprint, Blueprint], seed: int
) -> None:
    old, new = sides
    shuffled_old, shuffled_new = _shuffled(old, seed), _shuffled(new, seed + 100)
    for a, b in ((shuffled_old, shuffled_new), (new, shuffled_old), (shuffled_new, old)):
        changes = diff_items(a, b)
        assert changes == _plain_diff_items(a, b)
    kinds = {c.change for c in diff_items(shuffled_old, shuffled_new)}
    assert kinds == {"added", "removed", "changed"}


def test_identical_sides_have_no_changes(sides: tuple[Blueprint, Blueprint]) -> None:
    old, _ = sides
    assert diff_items(old, old) == [] == _plain_diff_items(old, old)
