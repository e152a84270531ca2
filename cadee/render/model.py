"""The document model: what every rendered document is made of, once.

:mod:`cadee.render.documents` builds :class:`Document` values from a blueprint
and its report; the Markdown, HTML and Typst (PDF) templates only lay them
out. Nothing here knows a format: text is plain text (never markup), escaping
is each writer's job.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from cadee.model import Blueprint

__all__ = [
    "Block",
    "Bullets",
    "Callout",
    "Cell",
    "Column",
    "Columns",
    "Document",
    "Figure",
    "Heading",
    "Paragraph",
    "Provenance",
    "Span",
    "Stat",
    "Stats",
    "Table",
    "cell",
    "provenance_of",
    "span",
]

#: Tones colour statuses the same way in every format.
Tone = Literal["", "ok", "warn", "fail", "info", "muted"]
Style = Literal["", "strong", "emph", "code"]


@dataclass(frozen=True, slots=True)
class Span:
    """A run of plain text with an optional style, tone and link."""

    text: str
    style: Style = ""
    tone: Tone = ""
    href: str = ""
    #: A badge: the text shown as a small coloured label (statuses, severities).
    badge: bool = False


def span(
    text: object, style: Style = "", tone: Tone = "", href: str = "", badge: bool = False
) -> Span:
    return Span(str(text), style, tone, href, badge)


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell: spans separated by ``sep`` (a comma list, a chain...)."""

    spans: tuple[Span, ...]
    tone: Tone = ""

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


def cell(*parts: Span | str | None, tone: Tone = "", sep: str = "") -> Cell:
    """A cell from spans or strings; ``None`` parts are skipped, ``sep`` joins the rest."""
    spans: list[Span] = []
    for part in parts:
        if part is None:
            continue
        if spans and sep:
            spans.append(Span(sep))
        spans.append(part if isinstance(part, Span) else Span(part))
    return Cell(tuple(spans), tone)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    anchor: str
    type: str = "heading"


@dataclass(frozen=True, slots=True)
class Paragraph:
    spans: tuple[Span, ...]
    #: "" for body text, "small" for notes under a table or figure.
    size: str = ""
    #: On paper, never the last thing on a page: a legend or note that introduces
    #: the table after it moves to the next page with the table.
    keep_with_next: bool = False
    type: str = "paragraph"


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[tuple[Span, ...], ...]
    type: str = "bullets"


@dataclass(frozen=True, slots=True)
class Callout:
    """A boxed statement: a verdict, a warning, a gap."""

    tone: Tone
    title: str
    spans: tuple[Span, ...]
    type: str = "callout"


@dataclass(frozen=True, slots=True)
class Stat:
    label: str
    value: str
    tone: Tone = ""


@dataclass(frozen=True, slots=True)
class Stats:
    """A row of key figures (the brief's readiness tiles)."""

    items: tuple[Stat, ...]
    type: str = "stats"


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    #: Relative width for fixed layouts (PDF): "auto" or "<n>fr".
    width: str = "auto"
    align: Literal["left", "right", "center"] = "left"
    #: Keep values on one line (dates, short codes) where the format allows.
    nowrap: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    #: "" for data tables, "matrix" for narrow rotated-header grids,
    #: "pairs" for two-column key/value blocks.
    variant: str = ""
    #: Shown instead of the table when it has no rows.
    empty: str = "None."
    type: str = "table"


@dataclass(frozen=True, slots=True)
class Figure:
    """A map, by figure key (see :mod:`cadee.render.maps`)."""

    key: str
    caption: str
    #: "full" for a page-wide map, "small" for an inline overview.
    size: str = "full"
    type: str = "figure"


@dataclass(frozen=True, slots=True)
class Columns:
    """Blocks side by side where the page is wide enough (HTML, PDF);
    one after the other in Markdown."""

    columns: tuple[tuple[Block, ...], ...]
    type: str = "columns"


@dataclass(frozen=True, slots=True)
class Charts:
    """Small charts side by side (HTML, PDF), linked from Markdown: one figure each
    (``chart/<kpi id>``); ``note`` says why there are none when ``items`` is empty."""

    items: tuple[Figure, ...]
    note: str = ""
    type: str = "charts"


Block = Heading | Paragraph | Bullets | Callout | Stats | Table | Figure | Columns | Charts


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a document comes from; printed on every document, no wall clock."""

    cadee_version: str
    ruleset_version: str
    blueprint_id: str
    blueprint_path: str
    #: SHA-256 over the sorted ``(path, sha256)`` list of every blueprint file.
    blueprint_sha256: str
    #: Every file read for the blueprint: path relative to the top-level
    #: file's folder, and that file's SHA-256.
    files: tuple[tuple[str, str], ...]
    as_of: str

    @property
    def short_sha(self) -> str:
        return self.blueprint_sha256[:12]


def provenance_of(blueprint: Blueprint, as_of: str) -> Provenance:
    """Provenance of ``blueprint``: paths relative to its folder, so the hash
    does not depend on the folder cadee ran from."""
    from cadee import RULESET_VERSION, __version__

    files = _relative_files(blueprint.path, ((f.path, f.sha256) for f in blueprint.files))
    digest = hashlib.sha256(
        "".join(f"{sha}  {path}\n" for path, sha in files).encode("utf-8")
    ).hexdigest()
    return Provenance(
        cadee_version=__version__,
        ruleset_version=RULESET_VERSION,
        blueprint_id=blueprint.id,
        blueprint_path=posixpath.basename(blueprint.path.replace("\\", "/")),
        blueprint_sha256=digest,
        files=files,
        as_of=as_of,
    )


def relative_path(path: str, top: str) -> str:
    """``path`` relative to the folder of the top-level blueprint file ``top``.

    Loader paths are all relative to the same folder (or absolute), so the
    result does not depend on the folder cadee ran from.
    """
    base = posixpath.dirname(top.replace("\\", "/"))
    path = path.replace("\\", "/")
    if posixpath.isabs(base) != posixpath.isabs(path):
        return path
    return posixpath.relpath(path, base or ".")


def _relative_files(top: str, files: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((relative_path(path, top), sha) for path, sha in files))


@dataclass(frozen=True, slots=True)
class Document:
    """One rendered document: a title block, blocks and provenance."""

    #: File stem: ``brief``, ``integration-map``...
    name: str
    title: str
    subtitle: str
    #: Short label for headers and the pack index.
    short_title: str
    #: Label/value pairs of the title block (owner, status, approver...).
    meta: tuple[tuple[str, Cell], ...]
    blocks: tuple[Block, ...]
    provenance: Provenance
    #: One-line summary for the pack index.
    summary: str = ""
    #: Show a table of contents (long documents).
    toc: bool = True

    @property
    def headings(self) -> tuple[Heading, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Heading))

    def figure_blocks(self) -> tuple[Figure, ...]:
        """Every figure, nested ones included, in document order."""
        found: list[Figure] = []
        stack: list[Block] = list(self.blocks)
        while stack:
            block = stack.pop(0)
            if isinstance(block, Figure):
                found.append(block)
            elif isinstance(block, Charts):
                found.extend(block.items)
            elif isinstance(block, Columns):
                stack[:0] = [b for column in block.columns for b in column]
        return tuple(found)


def texts(spans: Sequence[Span]) -> str:
    return "".join(s.text for s in spans)
