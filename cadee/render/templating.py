"""Jinja environments for the three document formats, with escaping built in.

Templates live in the repository's ``templates/`` (shipped in the wheel as package data); ``--templates DIR`` puts a folder in
front (the same file name wins). Every template, built-in or not, runs in a
:class:`jinja2.sandbox.SandboxedEnvironment`, so a template cannot reach
Python internals (``''.__class__`` raises a security error).

Escaping is automatic in every format: HTML uses Jinja's autoescape; Markdown
and Typst escape every ``{{ value }}`` through ``finalize``. A value that is
already markup (the output of the ``spans``/``cell`` filters, or ``|safe``)
passes unchanged. In Typst templates, ``{{ x }}`` is for markup mode;
``{{ x|str }}`` gives a string literal for code mode (function arguments).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from cadee.patterns import data_dir
from cadee.render.model import Cell, Span
from cadee.text import html, markdown, markdown_url, safe_url, sanitise, typst_string, typst_text

__all__ = [
    "BUILTIN_TEMPLATES",
    "environment",
    "html_spans",
    "md_spans",
    "typst_spans",
]

BUILTIN_TEMPLATES = data_dir("templates")

# -- Markdown ------------------------------------------------------------------

_MD_BADGE = {"ok": "✅", "fail": "⛔", "warn": "⚠️", "info": "ℹ️", "muted": "▫️", "": ""}  # noqa: RUF001


def md_spans(spans: Iterable[Span], line_start: bool = True) -> Markup:
    out: list[str] = []
    for s in spans:
        text = markdown(s.text, line_start=line_start and not out)
        if not text.strip():
            out.append(text)
            continue
        if s.badge:
            symbol = _MD_BADGE.get(s.tone, "")
            text = f"{symbol} {text}" if symbol else text
        elif s.style == "strong":
            text = f"**{text}**"
        elif s.style == "emph":
            text = f"*{text}*"
        elif s.style == "code":
            text = f"<code>{text}</code>"
        if s.href and safe_url(s.href):
            text = f"[{text}]({markdown_url(s.href)})"
        out.append(text)
    return Markup("".join(out))


# -- HTML ----------------------------------------------------------------------------


_HTML_TAGS = {
    "strong": ("<strong>", "</strong>"),
    "emph": ("<em>", "</em>"),
    "code": ("<code>", "</code>"),
}


def _html_span(s: Span) -> str:
    text = html(s.text, br=True)
    if s.style:
        start, end = _HTML_TAGS[s.style]
        text = start + text + end
    if s.badge:
        text = f'<span class="badge tone-{s.tone or "plain"}">{text}</span>'
    elif s.tone:
        text = f'<span class="tone-{s.tone}">{text}</span>'
    if s.href and safe_url(s.href):
        text = f'<a href="{html(s.href)}">{text}</a>'
    return text


def html_spans(spans: Iterable[Span]) -> Markup:
    return Markup("".join(_html_span(s) for s in spans))


def html_row(row: Sequence[Cell], columns: Sequence[Any]) -> Markup:
    """A table row's cells as ``<td>`` elements (one call per row keeps big tables fast)."""
    out = []
    for column, c in zip(columns, row, strict=False):
        tone = f" cell-{c.tone}" if c.tone else ""
        nowrap = " nowrap" if column.nowrap else ""
        out.append(
            f'<td class="align-{column.align}{nowrap}{tone}">'
            + "".join(_html_span(s) for s in c.spans)
            + "</td>"
        )
    return Markup("".join(out))


# -- Typst -----------------------------------------------------------------------------


def typst_spans(spans: Iterable[Span]) -> Markup:
    return Markup(_typst_spans(spans))


def _typst_spans(spans: Iterable[Span]) -> str:
    out = []
    for s in spans:
        text = f"#raw({typst_string(s.text)});" if s.style == "code" else typst_text(s.text)
        if s.style == "strong":
            text = f"#strong[{text}];"
        elif s.style == "emph":
            text = f"#emph[{text}];"
        if s.badge:
            text = f"#badge({typst_string(s.tone or 'plain')})[{text}];"
        elif s.tone:
            text = f"#tone({typst_string(s.tone)})[{text}];"
        if s.href and safe_url(s.href):
            text = f"#link({typst_string(s.href)})[{text}];"
        out.append(text)
    return "".join(out)


def typst_row(row: Sequence[Cell], columns: Sequence[Any] = ()) -> Markup:
    """A table row's cells as Typst table arguments."""
    out = []
    for c in row:
        body = _typst_spans(c.spans)
        if c.tone and c.tone != "muted":
            out.append(f'table.cell(fill: cell-fill("{c.tone}"))[{body}], ')
        else:
            out.append(f"[{body}], ")
    return Markup("".join(out))


def md_row(row: Sequence[Cell], columns: Sequence[Any] = ()) -> Markup:
    """A table row as a Markdown table line."""
    return Markup("| " + " | ".join(str(md_spans(c.spans, line_start=False)) for c in row) + " |")


# -- environments -------------------------------------------------------------------------


def _finalizer(escape_text: Callable[[str], str]) -> Callable[[Any], Any]:
    def finalize(value: Any) -> Any:
        if isinstance(value, Markup):
            return value
        if value is None:
            return ""
        if isinstance(value, str):
            return escape_text(value)
        if isinstance(value, Span):
            return escape_text(value.text)
        return value

    return finalize


_SPANS = {"md": md_spans, "html": html_spans, "typ": typst_spans}
_ROWS = {"md": md_row, "html": html_row, "typ": typst_row}


def environment(fmt: str, templates_dir: str | Path | None = None, limits: Any = None) -> Any:
    """A sandboxed Jinja environment for ``fmt`` (``md``, ``html`` or ``typ``).

    Templates are read only from inside ``templates_dir`` and the built-in
    folder, and rendering is bounded (see :mod:`cadee.render.sandbox`).
    """
    from jinja2 import StrictUndefined

    from cadee.render.sandbox import (
        BoundedEnvironment,
        ConfinedLoader,
        TemplateLimits,
        bounded_filters,
    )

    limits = limits or TemplateLimits()
    folders = [Path(templates_dir)] if templates_dir else []
    folders.append(Path(BUILTIN_TEMPLATES))
    spans_filter = _SPANS[fmt]
    options: dict[str, Any] = {
        "loader": ConfinedLoader(folders, limits.max_template_bytes),
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
        "autoescape": fmt == "html",
    }
    if fmt == "md":
        # Values are escaped as inline text; at the start of a line use |md.
        options["finalize"] = _finalizer(lambda text: markdown(text, line_start=False))
    elif fmt == "html":
        # Autoescape quotes markup; the sanitiser neutralises controls and bidi controls first.
        options["finalize"] = _finalizer(sanitise)
    elif fmt == "typ":
        options["finalize"] = _finalizer(typst_text)
    env = BoundedEnvironment(limits, **options)
    bounded_filters(env)

    def cell_filter(value: Cell | Sequence[Span] | Span | str) -> Markup:
        if isinstance(value, Cell):
            return spans_filter(value.spans)
        if isinstance(value, Span):
            return spans_filter((value,))
        if isinstance(value, str):
            return spans_filter((Span(value),))
        return spans_filter(value)

    env.filters["spans"] = cell_filter
    env.filters["cell"] = cell_filter
    env.filters["row"] = _ROWS[fmt]
    env.filters["str"] = lambda value: Markup(typst_string(str(value)))
    env.filters["md"] = lambda value: Markup(markdown(str(value)))
    #: Markdown text that is never at the start of a line (headings, after a label).
    env.filters["inline"] = lambda value: Markup(markdown(str(value), line_start=False))
    return env
