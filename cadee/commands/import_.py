"""``cadee import``: a blueprint from a FINOS CALM architecture or Backstage catalog files (docs/interop.md)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cadee.commands.common import console as _console
from cadee.commands.common import emit
from cadee.commands.common import usage_error as _usage_error

if TYPE_CHECKING:
    from cadee.diagnostics import LoadError

NAME = "import"
HELP = "Import a blueprint from a FINOS CALM architecture or Backstage catalog files; never overwrites."


class ImportSource(StrEnum):
    calm = "calm"
    backstage = "backstage"


def _print(line: str) -> None:
    from cadee.text import terminal

    _console(stderr=True).print(terminal(line, keep="\n"), markup=False, highlight=False)


def _invalid(errors: list[LoadError]) -> int:
    """The input's errors (a CALM or Backstage file, not a blueprint) and "nothing imported"."""
    from cadee.text import terminal

    for error in errors:
        where = f" [{terminal(error.location.path)}]" if error.location.path else ""
        _print(f"{terminal(str(error.location))}: error {terminal(error.message)}{where}")
    count = len(errors)
    _print(f"cadee: nothing imported: {count} error{'s' if count != 1 else ''}")
    return 2


def command(
    source: Annotated[
        ImportSource,
        typer.Argument(
            metavar="SOURCE",
            help="calm (a CALM 1.2 architecture JSON) or backstage (catalog YAML files).",
            show_default=False,
        ),
    ],
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="The CALM architecture, or the Backstage catalog files.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the blueprint to this new file (never overwritten) "
            "instead of standard output.",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Import a blueprint. Exit 0: imported (warnings list what did not map), 2: malformed input or usage error."""
    if source is ImportSource.calm and len(files) != 1:
        raise _usage_error("cadee import calm takes exactly one architecture file")
    if output is not None and output.exists():
        raise _usage_error(
            f"{output} already exists; cadee import never overwrites (choose another path)"
        )

    from cadee.diagnostics import LoadError, Location
    from cadee.files import read_regular
    from cadee.interop.blueprint_writer import render_blueprint
    from cadee.load import display_path
    from cadee.project import Project

    # Waivers may name pack or plugin rules of the project the blueprint is written into.
    rule_ids = Project.resolve(output if output is not None else Path.cwd()).rules.keys()

    inputs: list[tuple[str, bytes]] = []
    errors: list[LoadError] = []
    for path in files:
        shown = display_path(path)
        try:
            inputs.append((shown, read_regular(path)))  # a FIFO or device is refused, never read
        except OSError as exc:
            errors.append(
                LoadError(Location(shown, 1, 1), f"cannot read the file: {exc.strerror or exc}")
            )
    if errors:
        return _invalid(errors)
    if source is ImportSource.calm:
        from cadee.interop.calm import import_calm

        draft, errors = import_calm(inputs[0][1], inputs[0][0], rule_ids)
    else:
        from cadee.interop.backstage import import_backstage

        draft, errors = import_backstage(inputs, rule_ids)
    if draft is None:
        return _invalid(errors)
    text = render_blueprint(draft, f"cadee import {source.value}")
    for note in draft.notes:
        _print(str(note))
    emit(text, output, overwrite=False, command="cadee import")
    counts = ", ".join(
        f"{len(draft.sections[key])} {key if len(draft.sections[key]) != 1 else one}"
        for key, one in (
            ("owners", "owner"),
            ("boundaries", "boundary"),
            ("systems", "system"),
            ("integrations", "integration"),
        )
    )
    warnings = len(draft.notes)
    target = f"; wrote {output}; next: cadee validate {output}" if output is not None else ""
    _print(
        f"cadee: imported {counts} from {draft.source} with {warnings} warning{'s' if warnings != 1 else ''}{target}"
    )
    return 0
