"""Maps a reader can use: every label on its edge, no label on a box, type at least 6 pt printed.

Every map of the flagship, the pilot (a failing blueprint: its red labels are
the ones that matter) and a generated 300-system estate is laid out by
Graphviz and read back from the SVG (``tests/maps/geometry.py``): positions,
boxes and font sizes, never compared with fixed coordinates.
"""

from __future__ import annotations

import functools
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.generate import generate_estate
from cadee.check import CheckOptions, check
from cadee.graph import build_graph
from cadee.load import load_blueprint
from cadee.render import (
    MIN_MAP_PT,
    PNG_MAX_BOXES,
    VIEWS,
    DrawnMaps,
    _pdf_layout,
    _svg_size,
    draw_maps,
    wants_png,
)
from cadee.render.documents import flagged_targets
from cadee.render.maps import (
    LABEL_FONT,
    SUMMARY_NODES,
    Diagram,
    Edge,
    Node,
    build_diagrams,
    run_dot,
    to_dot,
)
from tests.conftest import AS_OF, REPO
from tests.maps.geometry import Label, label_distance, parse

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")

#: How far (pt) a label's text may be from its edge's line: the label box's margin (~2 pt) and a pen width.
NEAR = 4.0
BLUEPRINTS = ("northwind-bank", "northwind-pilot", "estate-300")


@functools.cache
def _drawn(name: str, root: str) -> DrawnMaps:
    """Every map of the pack and what the documents print, as Graphviz SVG."""
    if name == "estate-300":
        folder = Path(root) / name
        for rel, text in generate_estate(300).items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
        path = folder / "blueprint.yaml"
    else:
        path = REPO / "examples" / name / "blueprint.yaml"
    loaded = load_blueprint(path)
    assert loaded.blueprint is not None, loaded.errors
    report = check(loaded.blueprint, CheckOptions(as_of=AS_OF))
    graph = build_graph(loaded.blueprint)
    flagged = flagged_targets(report)
    diagrams = build_diagrams(graph, flagged, VIEWS)
    written = [key for key in diagrams if key != "summary"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return draw_maps(graph, flagged, diagrams, written, ("svg",), VIEWS, True, pool)


def _svgs(name: str, root: str) -> dict[str, str]:
    """Every SVG a reader sees: the pack's maps and the documents' figures."""
    drawn = _drawn(name, root)
    return {**drawn.svgs, **{f"printed {k}": svg for k, (_, svg) in drawn.printed.items()}}


def _figures(name: str, root: str) -> dict[str, str]:
    """The maps the PDF documents print, by figure key (the whole full map is not
    printed when it is split into detail maps)."""
    drawn = _drawn(name, root)
    figures = {**drawn.svgs, **{k: svg for k, (_, svg) in drawn.printed.items()}}
    if any(key.startswith("full/") for key in figures):
        figures.pop("full", None)
    return figures


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("maps"))


@pytest.mark.parametrize("name", BLUEPRINTS)
def test_every_label_is_on_its_edge_and_off_every_box(name: str, root: str) -> None:
    problems = []
    labels = 0
    for key, svg in _svgs(name, root).items():
        geometry = parse(svg)
        for edge in geometry.edges:
            for label in edge.labels:
                labels += 1
                distance = label_distance(label, edge)
                if distance > NEAR:
                    problems.append(
                        f"{key} {edge.id} {label.text!r}: {distance:.1f} pt off its edge"
                    )
                problems += [
                    f"{key} {edge.id} {label.text!r} covers node {node}"
                    for node, box in geometry.nodes.items()
                    if label.box.intersects(box, slack=0.5)
                ]
    assert labels > 10
    assert not problems, "\n".join(problems[:20])


def test_the_check_sees_a_floating_label() -> None:
    """The geometry is read, not assumed: a label moved off its line, or onto a box, is caught."""
    diagram = Diagram(
        "t",
        "t",
        nodes=[Node("n0", "Alpha", "service", "service"), Node("n1", "Beta", "service", "service")],
    )
    diagram.edges = [Edge("n0", "n1", "https · mtls · service")]
    svg = run_dot(to_dot(diagram))["svg"].decode()
    geometry = parse(svg)
    (edge,) = geometry.edges
    (label,) = edge.labels
    assert label_distance(label, edge) <= NEAR
    assert not any(label.box.intersects(box) for box in geometry.nodes.values())

    def moved(x: float, y: float) -> Label:
        group = re.search(r'<g id="t&#45;e0&#45;label".*?</g>', svg, re.DOTALL)
        assert group is not None
        text = re.sub(
            r'<text([^>]*) x="[^"]*" y="[^"]*"',
            f'<text\\1 x="{x}" y="{y}"',
            group.group(0),
        )
        (edge,) = parse(svg.replace(group.group(0), text)).edges
        return edge.labels[0]

    beside = moved(label.box.x0 + 20, label.box.y1 + 40)
    assert label_distance(beside, edge) > NEAR
    alpha = geometry.nodes["t-n0"]
    on_box = moved((alpha.x0 + alpha.x1) / 2, (alpha.y0 + alpha.y1) / 2)
    assert on_box.box.intersects(alpha)


@pytest.mark.parametrize("name", ("northwind-bank", "estate-300"))
def test_the_brief_map_is_at_boundary_level_and_printed_at_6pt(name: str, root: str) -> None:
    svg = _svgs(name, root)["summary"]
    geometry = parse(svg)
    boxes = [n for n in geometry.nodes if not n.endswith("legend-table")]
    assert 1 < len(boxes) <= SUMMARY_NODES
    width, height = _svg_size(svg)
    scale = _pdf_layout(width, height)["small"]["width"] / width
    smallest = min(geometry.font_sizes) * geometry.scale
    assert smallest * scale >= MIN_MAP_PT, f"{smallest * scale:.1f} pt"


@pytest.mark.parametrize("name", BLUEPRINTS)
def test_map_type_is_never_smaller_than_the_label_font(name: str, root: str) -> None:
    for key, svg in _svgs(name, root).items():
        geometry = parse(svg)
        assert geometry.scale == 1.0, key
        assert min(geometry.font_sizes) >= LABEL_FONT, key


@pytest.mark.parametrize("name", ("northwind-bank", "northwind-pilot", "estate-300"))
def test_every_map_figure_prints_at_6pt_or_more(name: str, root: str) -> None:
    """Maps too large for a page at 6 pt are split or aggregated until they fit."""
    small = []
    figures = _figures(name, root)
    for key, svg in figures.items():
        width, height = _svg_size(svg)
        layout = _pdf_layout(width, height)["small" if key == "summary" else "full"]
        printed = min(parse(svg).font_sizes) * layout["width"] / width
        if printed < MIN_MAP_PT - 0.01:
            small.append(f"{key}: {printed:.2f} pt ({width:.0f}x{height:.0f} pt)")
    assert not small, "\n".join(small)
    assert "summary" in figures and "overview" in figures


def test_large_maps_are_printed_smaller_and_kept_whole(root: str) -> None:
    drawn = _drawn("northwind-bank", root)
    # The 48-system full map cannot be printed legibly: detail maps, the whole map kept.
    assert "full" in drawn.svgs and any(key.startswith("full/") for key in drawn.svgs)
    assert "identity" in drawn.printed
    title, svg = drawn.printed["identity"]
    assert title == "Boundary crossings (aggregated)"
    assert len(parse(svg).nodes) < len(parse(drawn.svgs["identity"]).nodes)
    estate = _drawn("estate-300", root)
    assert estate.printed["overview"][0] == "Architecture overview by trust zone"
    folded = [k for k, (title, _) in estate.printed.items() if "with a finding only" in title]
    assert folded and all(k.startswith("full/") for k in folded)


def test_png_only_for_maps_people_paste() -> None:
    small = Diagram(
        "overview", "o", nodes=[Node(f"n{i}", "A", "service", "service") for i in range(3)]
    )
    assert (
        wants_png("overview", small) and wants_png("full", small) and wants_png("identity", small)
    )
    assert not wants_png("full/core", small)
    large = Diagram("overview", "o", nodes=small.nodes * (PNG_MAX_BOXES // 3 + 1))
    assert not wants_png("overview", large)


def test_one_layout_gives_the_same_svg_as_svg_alone(root: str) -> None:
    """SVG and PNG come from one dot process; the PNG's dpi does not leak into the SVG."""
    source = to_dot(next(iter(_build_pilot().values())))
    alone = run_dot(source, ("svg",))["svg"]
    both = run_dot(source, ("svg", "png"))
    assert both["svg"] == alone
    assert both["png"].startswith(b"\x89PNG")


def _build_pilot() -> dict[str, Diagram]:
    loaded = load_blueprint(REPO / "examples" / "northwind-pilot" / "blueprint.yaml")
    assert loaded.blueprint is not None
    report = check(loaded.blueprint, CheckOptions(as_of=AS_OF))
    return dict(build_diagrams(build_graph(loaded.blueprint), flagged_targets(report), ("full",)))
