"""The render speed-ups give the same results as the plain way (no timings here:
speed is judged by ``python -m benchmarks``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import generate_estate
from cadee.check import CheckOptions, check
from cadee.graph import build_graph
from cadee.load import load_blueprint
from cadee.model import Blueprint
from cadee.render.documents import flagged_targets
from cadee.render.maps import NO_BOUNDARY, DiagramBuilder, build_diagrams, run_dot, to_dot
from cadee.render.pdf import bundle_jobs, heaviest_first
from tests.conftest import AS_OF, REPO


def _estate(tmp_path: Path, systems: int) -> Path:
    for rel, text in generate_estate(systems).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path / "blueprint.yaml"


def _load(path: Path) -> Blueprint:
    loaded = load_blueprint(path)
    assert loaded.blueprint is not None, loaded.errors
    return loaded.blueprint


def test_detail_neighbourhood_from_the_indexes_equals_a_scan_of_the_estate(tmp_path: Path) -> None:
    """Detail maps take their systems and integrations from per-boundary and
    per-system indexes; a scan of every system and integration finds the same,
    in the same order."""
    blueprint = _load(_estate(tmp_path, 300))
    builder = DiagramBuilder(build_graph(blueprint), frozenset())
    groups = builder.groups()
    assert len(groups) > 10
    for group in groups:
        members = [s for s in blueprint.systems if (s.boundary or NO_BOUNDARY) == group]
        ids = {s.id for s in members}
        integrations = [i for i in blueprint.integrations if i.from_ in ids or i.to in ids]
        reached = {i.from_ for i in integrations} | {i.to for i in integrations}
        reached.update(step.to for s in members for step in s.fallback or ())
        context = [s for s in blueprint.systems if s.id in reached - ids]
        assert builder.neighbourhood(group) == (members, integrations, context), group


def test_one_builder_gives_the_same_detail_maps_as_a_new_one_per_map(tmp_path: Path) -> None:
    """draw_maps makes every smaller map with one builder (indexes built once)."""
    blueprint = _load(_estate(tmp_path, 300))
    graph = build_graph(blueprint)
    shared = DiagramBuilder(graph, frozenset())
    for group in shared.groups()[:20]:
        for fold in (False, True):
            fresh = DiagramBuilder(graph, frozenset()).detail(group, fold)
            assert to_dot(shared.detail(group, fold)) == to_dot(fresh)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_a_png_drawn_alone_is_the_png_drawn_with_the_svg() -> None:
    """PNGs are drawn by a dot call of their own, after the SVGs: the same bytes."""
    loaded = load_blueprint(REPO / "examples" / "northwind-bank" / "blueprint.yaml")
    assert loaded.blueprint is not None
    report = check(loaded.blueprint, CheckOptions(as_of=AS_OF))
    graph = build_graph(loaded.blueprint)
    diagrams = build_diagrams(graph, flagged_targets(report), ("full", "fallback"))
    for key in ("full", "fallback"):
        source = to_dot(diagrams[key])
        both = run_dot(source, ("svg", "png"))
        assert run_dot(source, ("png",)) == {"png": both["png"]}
        assert run_dot(source, ("svg",))["svg"] == both["svg"]


def test_a_pack_without_measurements_does_not_import_matplotlib(tmp_path: Path) -> None:
    """matplotlib (0.4 s to import) only when some KPI has a chart to draw."""
    path = _estate(tmp_path, 60)
    assert "measurements" not in path.read_text(encoding="utf-8")
    code = (
        "import sys, datetime as dt\n"
        "from cadee.load import load_blueprint\n"
        "from cadee.check import check, CheckOptions\n"
        "from cadee.render import build_pack\n"
        f"b = load_blueprint({str(path)!r}).blueprint\n"
        "r = check(b, CheckOptions(as_of=dt.date(2026, 6, 1)))\n"
        "pack = build_pack(b, r, formats=('md',), as_of=dt.date(2026, 6, 1))\n"
        "assert 'brief.md' in pack.files\n"
        "print('matplotlib' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.strip() == "False", done.stderr


def test_separate_compiles_start_with_the_heaviest_group() -> None:
    jobs = {
        "a.pdf": ("x" * 100, {"map:one": "s" * 1000}),
        "b.pdf": ("x" * 900, {}),
        "c.pdf": ("x" * 100, {"map:two": "s" * 500, "map:one": "s" * 1000}),
        "d.pdf": ("x" * 900, {}),
        "e.pdf": ("x" * 3000, {}),
    }
    # An SVG input counts 1/12 of its characters: 200 + 1,500 / 12 for a and c.
    assert heaviest_first(jobs) == [
        (3000, ["e.pdf"]),
        (900, ["b.pdf"]),
        (900, ["d.pdf"]),
        (325, ["a.pdf", "c.pdf"]),
    ]
    assert bundle_jobs(jobs, 2) == [["e.pdf"], ["a.pdf", "b.pdf", "c.pdf", "d.pdf"]]
