"""Rendered output with what Graphviz computes taken out, for goldens that hold on every machine.

Graphviz's layout depends on the installed fonts and on the Graphviz, cairo and
pango builds: positions, widths, heights, the viewBox and bezier points differ
between machines that render the same DOT. What cadee decides does not: which
clusters, nodes and edges a map has, in which order, with which ids, labels,
tooltips, links, colours and font sizes. Goldens compare that.

- :func:`svg_structure` turns an SVG map into one line per cluster, node and
  edge (and its texts, links and shape colours), free of coordinates.
- :func:`normalise_html` replaces every inline map of an HTML document with
  that structure and the map's computed width with a placeholder.

Both keep every character of every label, so a golden still fails on any
change of content, order, escaping or structure.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

__all__ = ["normalise_html", "svg_structure"]

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_GROUPS = frozenset({"graph", "cluster", "node", "edge"})
_SHAPES = frozenset({"polygon", "ellipse", "path", "polyline", "rect"})
_INLINE_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
#: The map canvas's width in HTML is the SVG's width in points, computed by Graphviz.
_MAP_WIDTH = re.compile(r"max-width: [0-9.]+pt")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _describe(group: ET.Element) -> list[str]:
    """The group's own content, in document order, without nested groups."""
    lines: list[str] = []

    def walk(element: ET.Element) -> None:
        for child in element:
            tag = _local(child.tag)
            if tag == "g" and child.get("class") in _GROUPS:
                continue
            if tag == "text":
                attrs = [f"size={child.get('font-size', '')}"]
                for name in ("font-weight", "font-style", "fill", "text-decoration"):
                    if child.get(name):
                        attrs.append(f"{name}={child.get(name)}")
                lines.append(f"  text {''.join(child.itertext())!r} {' '.join(attrs)}")
            elif tag == "a":
                title = child.get(f"{{{_XLINK_NS}}}title")
                href = child.get(f"{{{_XLINK_NS}}}href")
                if title is not None or href is not None:
                    lines.append(f"  link title={title!r} href={href!r}")
            elif tag in _SHAPES:
                lines.append(f"  {tag} fill={child.get('fill')} stroke={child.get('stroke')}")
            walk(child)

    walk(group)
    return lines


def svg_structure(svg: str) -> str:
    """The SVG's clusters, nodes and edges with their texts, links and colours, in order."""
    root = ET.fromstring(svg)
    if _local(root.tag) != "svg":
        raise ValueError(f"not an SVG document: <{_local(root.tag)}>")
    lines: list[str] = []
    for group in root.iter(f"{{{_SVG_NS}}}g"):
        kind = group.get("class")
        if kind not in _GROUPS:
            continue
        title = group.findtext(f"{{{_SVG_NS}}}title") or ""
        lines.append(f"{kind} id={group.get('id')!r} title={title!r}")
        lines.extend(_describe(group))
    return "\n".join(lines) + "\n"


def normalise_html(html: str) -> str:
    """HTML with each inline map as its structure and the computed map widths blanked."""

    def structure(match: re.Match[str]) -> str:
        # Inline maps carry no XML namespace declaration of their own in some Graphviz
        # builds; parse them as the standalone documents they were.
        source = match.group(0)
        if "xmlns=" not in source[: source.find(">")]:
            source = source.replace("<svg", f'<svg xmlns="{_SVG_NS}"', 1)
        if "xmlns:xlink=" not in source[: source.find(">")]:
            source = source.replace("<svg", f'<svg xmlns:xlink="{_XLINK_NS}"', 1)
        return (
            "<svg><!-- map structure\n" + svg_structure(source).replace("--", "- -") + "--></svg>"
        )

    return _MAP_WIDTH.sub("max-width: (layout)pt", _INLINE_SVG.sub(structure, html))
