"""The loader's bulk paths (issue #21, round 2) report exactly what the per-item checks report.

References that every item has (a system's ``boundary`` and ``owner``, an
integration's ``from`` and ``to``) and unique ids are first checked in bulk,
and the raw-item index that places an error is built only when there is one;
each item's location is made by ``map`` over its list. These tests break a
generated estate in known places and check that every break is reported once,
at its own line, and that a valid estate is placed exactly as its YAML says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.generate import generate, generate_findings_heavy, write_estate
from cadee.load import load_blueprint
from cadee.model import LIST_FIELDS
from cadee.yamlload import YMap, load_yaml

#: Line prefixes (as the generator writes them) whose value is a reference to break.
BREAKABLE = ("    boundary: ", "    owner: ", "  - from: ", "    to: ")


def _break(text: str, every: int) -> tuple[str, set[int]]:
    """The text with every ``every``-th breakable reference renamed; the 1-based lines changed."""
    lines = text.split("\n")
    changed: set[int] = set()
    seen = 0
    for number, line in enumerate(lines):
        for prefix in BREAKABLE:
            if line.startswith(prefix) and not line.startswith(prefix + "x-"):
                seen += 1
                if seen % every == 0:
                    lines[number] = prefix + "x-" + line[len(prefix) :]
                    changed.add(number + 1)
                break
    return "\n".join(lines), changed


@pytest.mark.parametrize("make", [generate, generate_findings_heavy])
def test_every_broken_reference_is_reported_once_at_its_line(tmp_path: Path, make: object) -> None:
    top = write_estate(make(300, seed=3), tmp_path)  # type: ignore[operator]
    text, changed = _break(top.read_text(), every=97)
    assert len(changed) >= 5
    top.write_text(text)
    result = load_blueprint(top)
    assert result.blueprint is None
    unknown = [e for e in result.errors if e.message.startswith("unknown ")]
    assert sorted(e.location.line for e in unknown) == sorted(changed)
    assert len(result.errors) == len(unknown)


def test_a_duplicate_id_is_still_found(tmp_path: Path) -> None:
    top = write_estate(generate(300, seed=3), tmp_path)
    raw, _ = load_yaml(top.read_bytes(), "x")
    assert isinstance(raw, YMap)
    first, second = raw["systems"][0]["id"], raw["systems"][1]["id"]
    top.write_text(top.read_text().replace(f"  - id: {second}\n", f"  - id: {first}\n", 1))
    result = load_blueprint(top)
    duplicates = [e for e in result.errors if "duplicate id" in e.message]
    assert [e.location.path for e in duplicates] == ["systems[1].id"]


@pytest.mark.parametrize("make", [generate, generate_findings_heavy])
def test_items_are_placed_where_their_yaml_starts(tmp_path: Path, make: object) -> None:
    top = write_estate(make(300, seed=3), tmp_path)  # type: ignore[operator]
    result = load_blueprint(top)
    assert result.blueprint is not None, result.errors[:3]
    raw, _ = load_yaml(top.read_bytes(), "x")
    assert isinstance(raw, YMap)
    checked = 0
    for key in LIST_FIELDS:
        for index, (item, raw_item) in enumerate(
            zip(getattr(result.blueprint, key), raw.get(key) or [], strict=True)
        ):
            location = item.location
            assert (location.line, location.column, location.path) == (
                raw_item.line,
                raw_item.column,
                f"{key}[{index}]",
            )
            checked += 1
    assert checked > 1000
