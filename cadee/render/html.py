"""Documents as self-contained HTML: inline SVG maps, inline CSS, a print stylesheet."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from cadee.render.model import Document

__all__ = ["inline_svg", "render_atlas", "render_document"]

_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_SIZE = re.compile(r'<svg width="[^"]*" height="[^"]*"')


def inline_svg(svg: str) -> Markup:
    """Graphviz's SVG ready for inlining: no XML prolog, scales to its container."""
    svg = _PROLOG.sub("", svg, count=1)
    svg = _SIZE.sub('<svg width="100%"', svg, count=1)
    # Graphviz's SVG is generated from labels it escaped itself.
    return Markup(svg.strip())


def render_document(doc: Document, figures: Mapping[str, Any], pack: Any, env: Any) -> str:
    html = env.get_template("document.html.j2").render(doc=doc, figures=figures, pack=pack)
    return re.sub(r"[ \t]+\n", "\n", html)


def render_atlas(pack: Any, figures: Mapping[str, Any], env: Any) -> str:
    """The atlas index (``atlas.html``): every system and its boundary's detail map."""
    html = env.get_template("atlas.html.j2").render(pack=pack, figures=figures)
    return re.sub(r"[ \t]+\n", "\n", html)
