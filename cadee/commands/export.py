"""``cadee export``: a blueprint as FINOS CALM, Backstage, Structurizr, Mermaid or DOT (docs/interop.md)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cadee.commands.common import console, emit, print_invalid

if TYPE_CHECKING:
    from cadee.model import Blueprint

NAME = "export"
HELP = "Export a blueprint to FINOS CALM, Backstage, Structurizr, Mermaid or DOT."


class ExportFormat(StrEnum):
    calm = "calm"
    backstage = "backstage"
    structurizr = "structurizr"
    mermaid = "mermaid"
    dot = "dot"


def render(blueprint: Blueprint, to: ExportFormat) -> tuple[str, list[str]]:
    """The exported text and what the target format has no place for."""
    if to is ExportFormat.calm:
        from cadee.interop.calm import render_calm

        return render_calm(blueprint), []
    if to is ExportFormat.backstage:
        from cadee.interop.backstage import not_exported, render_backstage

        return render_backstage(blueprint), not_exported(blueprint)
    if to is ExportFormat.structurizr:
        from cadee.interop.structurizr import not_exported as structurizr_lost
        from cadee.interop.structurizr import render_structurizr

        return render_structurizr(blueprint), structurizr_lost(blueprint)
    from cadee.interop.graph_export import render_dot, render_mermaid

    return (render_mermaid(blueprint) if to is ExportFormat.mermaid else render_dot(blueprint)), []


def command(
    blueprint: Annotated[
        Path, typer.Argument(metavar="BLUEPRINT", help="The blueprint file.", show_default=False)
    ],
    to: Annotated[
        ExportFormat,
        typer.Option(
            "--to",
            "-t",
            help="Target: calm (FINOS CALM 1.2 JSON), backstage (catalog-info.yaml), "
            "structurizr (DSL workspace), mermaid or dot (plain graphs).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file instead of standard output.",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Export a blueprint. Exit 0: written, 2: invalid blueprint or usage error."""
    from cadee.text import terminal
    from cadee.validate import BlueprintResult, load_project_blueprint

    loaded = load_project_blueprint(blueprint)
    if loaded.blueprint is None:
        print_invalid([BlueprintResult(loaded.path, loaded.errors, None)])
        return 2
    text, lost = render(loaded.blueprint, to)
    for note in lost:
        console(stderr=True).print(
            terminal(f"cadee: note: {note}", keep="\n"), markup=False, highlight=False
        )
    emit(text, output)
    return 0
