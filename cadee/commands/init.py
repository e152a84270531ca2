"""``cadee init``: a starter blueprint from a reusable pattern; never overwrites."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cadee.commands.common import emit, usage_error

NAME = "init"
POSITION = 3  # where ``cadee --help`` lists it
HELP = "Write a starter blueprint from a reusable pattern; never overwrites."


def target_file(dest: str) -> Path:
    """The file ``cadee init DEST`` writes: ``DEST/blueprint.yaml`` when DEST is a
    folder, or names one (ends with ``/``, even when it does not exist yet); else DEST."""
    path = Path(dest)
    if dest.endswith(("/", os.sep)) or path.is_dir():
        return path / "blueprint.yaml"
    return path


def command(
    dest: Annotated[
        str, typer.Argument(help="File (or folder, ending with /) to create.")
    ] = "blueprint.yaml",
    pattern: Annotated[
        str, typer.Option("--pattern", "-p", help="Starter pattern (see --list).")
    ] = "financial-services",
    list_patterns: Annotated[
        bool, typer.Option("--list", help="List the available patterns and exit.")
    ] = False,
) -> int:
    """Write a starter blueprint from a reusable pattern; never overwrites."""
    from cadee.patterns import find_pattern, patterns

    available = patterns()
    if list_patterns:
        for name, path in available.items():
            typer.echo(f"{name}\t{path.name}")
        return 0
    source = find_pattern(pattern)
    if source is None:
        raise usage_error(f"unknown pattern {pattern[:40]!r}; available: {', '.join(available)}")
    target = target_file(dest)
    if target.exists():
        raise usage_error(
            f"{target} already exists; cadee init never overwrites (choose another path)"
        )
    emit(source.read_text(encoding="utf-8"), target, overwrite=False, command="cadee init")
    typer.echo(f"wrote {target} from pattern {pattern}; next: cadee validate {target}")
    return 0
