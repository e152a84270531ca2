"""``cadee schema``: the blueprint's JSON Schema, for editors and yaml-language-server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cadee.commands.common import emit

NAME = "schema"
POSITION = 2  # where ``cadee --help`` lists it
HELP = "Print the blueprint's JSON Schema (for editors and yaml-language-server)."


def command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the schema to this file.", show_default=False),
    ] = None,
) -> int:
    """Print the blueprint's JSON Schema (for editors and yaml-language-server)."""
    from cadee.schema import schema_json

    emit(schema_json(), output)
    return 0
