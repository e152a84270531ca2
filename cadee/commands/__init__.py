"""Command implementations registered on the typer app in :mod:`cadee.cli`.

Each module defines ``command(...)``: typer reads its annotations; it imports
heavy modules inside the function body (``cadee --help`` must stay fast) and
ends with ``raise typer.Exit(code)``.
"""
