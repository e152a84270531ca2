"""``cadee export``: a blueprint as FINOS CALM, Backstage, Structurizr, Mermaid or DOT (docs/interop.md)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cadee.commands.common import console as _console
from cadee.commands.common import usage_error as _usage_error

if TYPE_CHECKING:

    from cadee.diagnostics import LoadError
    from cadee.model import Blueprint

HELP = "Export a blueprint to FINOS CALM, Backstage, Structurizr, Mermaid or DOT."


class ExportFormat(StrEnum):
    calm = "calm"
    backstage = "backstage"
    structurizr = "structurizr"
    mermaid = "mermaid"
    dot = "dot"


def _invalid(path: str, errors: list[LoadError]) -> typer.Exit:
    """Stage-1 errors, printed exactly as ``cadee validate`` prints them."""
    from cadee.report.text import render_text
    from cadee.validate import BlueprintResult

    _console().print(render_text([BlueprintResult(path, errors, None)]), end="")
    return typer.Exit(2)


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
    blueprint: Annotated[Path, typer.Argument(metavar="BLUEPRINT", help="The blueprint file.", show_default=False)],
    to: Annotated[
        ExportFormat,
        typer.Option("--to", "-t", help="Target: calm (FINOS CALM 1.2 JSON), backstage (catalog-info.yaml), "
                     "structurizr (DSL workspace), mermaid or dot (plain graphs).", show_default=False),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output.", show_default=False),
    ] = None,
) -> None:
    """Export a blueprint. Exit 0: written, 2: invalid blueprint or usage error."""
    from cadee.validate import load_project_blueprint

    loaded = load_project_blueprint(blueprint)
    if loaded.blueprint is None:
        raise _invalid(loaded.path, loaded.errors)
    text, lost = render(loaded.blueprint, to)
    for note in lost:
        _console(stderr=True).print(f"cadee: note: {note}", markup=False, highlight=False)
    if output is None:
        sys.stdout.write(text)
        raise typer.Exit(0)
    from cadee.cli import _write

    try:
        _write(output, text)
    except OSError as exc:
        raise _usage_error(f"cannot write {output}: {exc.strerror or exc}") from None
    raise typer.Exit(0)
