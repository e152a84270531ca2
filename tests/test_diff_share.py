"""The sides of one diff share their YAML parsing (:class:`cadee.diff.sources.SharedParses`):
differential tests that a shared run gives exactly what separate loads give."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from benchmarks.generate import generate, revise_estate, write_estate
from cadee.diff import diff_blueprints
from cadee.diff.sources import SharedParses, load_side, parse_side
from cadee.load import LoadResult
from cadee.report.diff import render_json, render_markdown

AS_OF = dt.date(2026, 6, 1)


def _load_pair(old: Path, new: Path, shared: SharedParses | None) -> tuple[LoadResult, LoadResult]:
    """Both sides through one shared cache, or each through a cache of its own."""
    return (
        load_side(parse_side(str(old)), shared=shared),
        load_side(parse_side(str(new)), shared=shared),
    )


def _reports(pair: tuple[LoadResult, LoadResult]) -> tuple[str, str]:
    old, new = pair
    assert old.blueprint is not None and new.blueprint is not None
    diff = diff_blueprints(old.blueprint, new.blueprint, AS_OF)
    return render_json(diff), render_markdown(diff)


def test_split_estate_shares_unchanged_files_and_reports_the_same(tmp_path: Path) -> None:
    files = generate(400, split_files=6).files
    revised = revise_estate(files, every=150)  # two systems: most files keep their bytes
    unchanged = [name for name in files if files[name] == revised[name]]
    assert 0 < len(unchanged) < len(files)
    old = write_estate(files, tmp_path / "old")
    new = write_estate(revised, tmp_path / "new")

    shared = SharedParses()
    together = _load_pair(old, new, shared)
    apart = _load_pair(old, new, None)

    assert shared.hits == len(unchanged)
    assert shared.parses == 2 * len(files) - len(unchanged)
    for a, b in zip(together, apart, strict=True):
        assert a.errors == b.errors == []
        assert a.files == b.files
        assert a.path == b.path
    assert _reports(together) == _reports(apart)
    assert '"changed": 2' in _reports(together)[0]


def test_a_changed_single_file_is_parsed_twice_and_its_old_tree_dropped(tmp_path: Path) -> None:
    files = generate(200).files
    old = write_estate(files, tmp_path / "old")
    new = write_estate(revise_estate(files, every=50), tmp_path / "new")
    shared = SharedParses()
    first = load_side(parse_side(str(old)), shared=shared)
    assert len(shared.trees) == 1
    together = (first, load_side(parse_side(str(new)), shared=shared))
    # The new top file differs: the old tree went before the new one was parsed.
    assert (shared.parses, shared.hits, len(shared.trees)) == (2, 0, 1)
    assert _reports(together) == _reports(_load_pair(old, new, None))


def test_identical_sides_parse_once(tmp_path: Path) -> None:
    files = generate(200, split_files=3).files
    old = write_estate(files, tmp_path / "old")
    new = write_estate(files, tmp_path / "new")
    shared = SharedParses()
    together = _load_pair(old, new, shared)
    assert (shared.parses, shared.hits) == (len(files), len(files))
    assert _reports(together) == _reports(_load_pair(old, new, None))


def test_files_with_errors_are_not_shared_so_each_side_names_its_own(tmp_path: Path) -> None:
    broken = "cadee: 1\nblueprint: {id: bp, title: [unclosed\n"
    for side in ("old", "new"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "blueprint.yaml").write_text(broken)
    shared = SharedParses()
    old, new = _load_pair(
        tmp_path / "old" / "blueprint.yaml", tmp_path / "new" / "blueprint.yaml", shared
    )
    assert (shared.parses, shared.hits) == (2, 0)
    assert old.errors and new.errors
    assert {e.location.file for e in old.errors} == {str(tmp_path / "old" / "blueprint.yaml")}
    assert {e.location.file for e in new.errors} == {str(tmp_path / "new" / "blueprint.yaml")}
