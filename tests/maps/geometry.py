"""Geometry of a Graphviz SVG map: node boxes, edge paths and edge label boxes.

Enough of SVG to check what a reader sees: where each label is, how large
its type is, and whether it touches its edge or sits on a node. Text boxes
are estimated from the font size (Liberation Sans averages about 0.55 em a
character), as a reader's viewer would draw them.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
#: Average advance of a Liberation Sans character, in em (bold text is wider).
CHAR_EM = 0.55
#: Ids of an edge's label node and of its second half, after the edge's own id.
LABEL_SUFFIX = "-label"
TO_SUFFIX = "-to"


@dataclass(frozen=True, slots=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def intersects(self, other: Box, slack: float = 0.0) -> bool:
        return (
            self.x0 + slack < other.x1
            and other.x0 + slack < self.x1
            and self.y0 + slack < other.y1
            and other.y0 + slack < self.y1
        )

    def distance(self, x: float, y: float) -> float:
        dx = max(self.x0 - x, 0.0, x - self.x1)
        dy = max(self.y0 - y, 0.0, y - self.y1)
        return math.hypot(dx, dy)


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    box: Box
    size: float


@dataclass(frozen=True, slots=True)
class EdgeShape:
    id: str
    points: tuple[tuple[float, float], ...]
    labels: tuple[Label, ...]


@dataclass(frozen=True, slots=True)
class MapGeometry:
    width: float
    height: float
    #: The graph's own scale (``transform="scale(...)"``): 1 unless Graphviz shrank the map.
    scale: float
    nodes: dict[str, Box]
    edges: tuple[EdgeShape, ...]
    #: The font size of every text element, in SVG points before ``scale``.
    font_sizes: tuple[float, ...]


def _pairs(text: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in _NUMBER.findall(text)]
    return list(zip(numbers[::2], numbers[1::2], strict=False))


def _bezier(points: list[tuple[float, float]], steps: int = 12) -> list[tuple[float, float]]:
    """Sample Graphviz's path (``M p C p p p p p p ...``) along its cubic pieces."""
    if not points:
        return []
    out = [points[0]]
    for i in range(1, len(points) - 2, 3):
        p0, p1, p2, p3 = points[i - 1], points[i], points[i + 1], points[i + 2]
        for step in range(1, steps + 1):
            t = step / steps
            u = 1 - t
            out.append(
                (
                    u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                    u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
                )
            )
    return out


def _shape_points(group: ET.Element) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for element in group.iter():
        tag = element.tag.removeprefix(SVG)
        if tag in ("polygon", "polyline"):
            points += _pairs(element.get("points", ""))
        elif tag == "path":
            points += _pairs(element.get("d", ""))
        elif tag == "ellipse":
            cx, cy = float(element.get("cx", 0)), float(element.get("cy", 0))
            rx, ry = float(element.get("rx", 0)), float(element.get("ry", 0))
            points += [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    return points


def text_box(element: ET.Element) -> Label:
    text = "".join(element.itertext())
    size = float(element.get("font-size", "14"))
    x, y = float(element.get("x", 0)), float(element.get("y", 0))
    bold = element.get("font-weight") == "bold"
    width = len(text) * size * (CHAR_EM + (0.05 if bold else 0.0))
    anchor = element.get("text-anchor", "start")
    x0 = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    # The baseline is at y: ascenders above (~0.75 em), descenders below (~0.2 em).
    return Label(text, Box(x0, y - 0.75 * size, x0 + width, y + 0.2 * size), size)


def parse(svg: str) -> MapGeometry:
    root = ET.fromstring(svg)
    width = float(root.get("width", "0").removesuffix("pt"))
    height = float(root.get("height", "0").removesuffix("pt"))
    graph = root.find(f"{SVG}g")
    scale = 1.0
    if graph is not None:
        match = re.search(r"scale\(([\d.]+)", graph.get("transform", ""))
        scale = float(match.group(1)) if match else 1.0
    nodes: dict[str, Box] = {}
    paths: dict[str, list[tuple[float, float]]] = {}
    labels: dict[str, list[Label]] = {}
    for group in root.iter(f"{SVG}g"):
        kind, gid = group.get("class", ""), group.get("id", "")
        texts = [text_box(t) for t in group.iter(f"{SVG}text")]
        if kind == "node" and gid.endswith(LABEL_SUFFIX):
            # An edge's label, drawn as a node on the edge's way (cadee.render.maps).
            labels.setdefault(gid.removesuffix(LABEL_SUFFIX), []).extend(texts)
        elif kind == "node":
            points = _shape_points(group)
            points += [p for t in texts for p in ((t.box.x0, t.box.y0), (t.box.x1, t.box.y1))]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            nodes[gid] = Box(min(xs), min(ys), max(xs), max(ys))
        elif kind == "edge":
            edge = gid.removesuffix(TO_SUFFIX)
            for element in group.iter(f"{SVG}path"):
                paths.setdefault(edge, []).extend(_bezier(_pairs(element.get("d", ""))))
            labels.setdefault(edge, []).extend(texts)
    edges = tuple(
        EdgeShape(edge, tuple(points), tuple(labels.get(edge, ())))
        for edge, points in paths.items()
    )
    missing = set(labels) - set(paths)
    if missing:
        raise ValueError(f"labels without an edge: {sorted(missing)}")
    sizes = tuple(float(t.get("font-size", "14")) for t in root.iter(f"{SVG}text"))
    return MapGeometry(width, height, scale, nodes, edges, sizes)


def label_distance(label: Label, edge: EdgeShape) -> float:
    """How far the label's box is from the nearest point of its edge's path."""
    return min((label.box.distance(x, y) for x, y in edge.points), default=math.inf)
