"""Documents as GitHub-flavoured Markdown (templates ``document.md.j2``, ``index.md.j2``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cadee.render.model import Document

__all__ = ["render_atlas", "render_document", "render_index"]

_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def _tidy(text: str) -> str:
    # Templates keep their tags on lines of their own; collapse the blank lines they leave.
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_RUNS.sub("\n\n", text).strip() + "\n"


def render_document(doc: Document, figures: Mapping[str, Any], pack: Any, env: Any) -> str:
    return _tidy(env.get_template("document.md.j2").render(doc=doc, figures=figures, pack=pack))


def render_index(pack: Any, env: Any) -> str:
    return _tidy(env.get_template("index.md.j2").render(pack=pack))


def render_atlas(pack: Any, figures: Mapping[str, Any], env: Any) -> str:
    """The atlas index (``atlas.md``): every system and its boundary's detail map."""
    return _tidy(env.get_template("atlas.md.j2").render(pack=pack, figures=figures))
