"""``cadee render``: the evidence pack (maps, ownership plan, evidence documents, brief).

Renders everything in memory first, writes it into a temporary folder next
to ``--out`` and then moves that folder into place, so a failed render never
leaves half a pack and never touches the previous one.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from cadee.check import Report
    from cadee.diff.since import SinceDecision
    from cadee.project import Project

from cadee.commands.common import (
    cannot_write,
    parse_date,
    print_invalid,
    split_values,
    usage_error,
)
from cadee.text import plural

NAME = "render"
HELP = (
    "Render the evidence pack: integration maps, ownership plan, evidence documents and the "
    "leadership brief (Markdown, HTML, PDF, SVG, PNG, DOT, Mermaid). Exit 0: rendered, whatever the "
    "findings; 1: some formats could not be rendered; 2: invalid blueprint, template or usage."
)
FORMAT_HELP = (
    "Formats, comma-separated or repeated: md, html, pdf, svg, png, dot, mmd (default: all)."
)
VIEW_HELP = "Map views, comma-separated or repeated: full, identity, fallback (default: all)."


def _choices(option: str, values: list[str] | None, allowed: tuple[str, ...]) -> list[str]:
    if not values:
        return list(allowed)
    chosen = [value.lower() for value in split_values(values)]
    for value in chosen:
        if value not in allowed:
            raise usage_error(
                f"{option}: unknown value {value[:40]!r} (choose from {', '.join(allowed)})"
            )
    return [a for a in allowed if a in chosen]


def _check_out(out: Path, marker: str) -> None:
    """Refuse to replace a folder cadee did not write (``--out .`` must not wipe a project)."""
    if out.exists() and not out.is_dir():
        raise usage_error(f"--out {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / marker).is_file():
        raise usage_error(
            f"--out {out} is not empty and was not written by cadee render; "
            "choose a new or empty folder (cadee replaces the whole folder on every render)"
        )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_pack(out: Path, files: dict[str, bytes], marker: str) -> None:
    """Write ``files`` under ``out`` atomically: a temporary sibling folder, then renames."""
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    try:
        # mkdtemp makes a private folder; the pack gets the usual permissions.
        os.chmod(staging, 0o777 & ~_umask())
        (staging / marker).write_text(
            "Written by `cadee render`; the whole folder is replaced on every render.\n",
            encoding="utf-8",
        )
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            retired.rmdir()
            os.replace(out, retired)
            try:
                os.replace(staging, out)
            except BaseException:
                os.replace(retired, out)  # put the previous pack back
                raise
            if retired.is_symlink():  # --out was a link: remove the link, never its target
                retired.unlink()
            else:
                shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _since(revision: str, blueprint: Path, project: Project, report: Report) -> SinceDecision | int:
    """The blueprint at ``revision`` compared with now, or the exit code after its errors were printed."""
    from cadee.check import CheckOptions
    from cadee.diff.since import since_decision
    from cadee.diff.sources import SourceError, base_side, load_side
    from cadee.validate import BlueprintResult

    if not revision:
        raise usage_error("--since needs a revision (e.g. --since v1.0, the last decision's tag)")
    try:
        side = base_side(revision, str(blueprint))
        old = load_side(side, limits=project.config.limits, known_rules=project.rules.keys())
    except SourceError as exc:
        raise usage_error(f"--since: {exc}") from None
    if old.blueprint is None:
        print_invalid([BlueprintResult(side.label, old.errors, None)])
        return 2
    config = project.config
    options = CheckOptions(
        select=config.select, ignore=config.ignore, severity=config.severity, as_of=report.as_of
    )
    return since_decision(
        revision, old.blueprint, report.blueprint, report.as_of, options, project.rules
    )


def command(
    blueprint: Annotated[
        Path,
        typer.Argument(
            metavar="BLUEPRINT", help="The blueprint file to render.", show_default=False
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Folder to write the pack into (replaced as a whole).",
        ),
    ] = Path("cadee-out"),
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", metavar="FORMATS", help=FORMAT_HELP, show_default=False),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            metavar="DIR",
            help="Folder of templates that override the built-in ones (same file name wins).",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Judge waivers and date the documents as of this day (default: today).",
            show_default=False,
        ),
    ] = None,
    views: Annotated[
        list[str] | None,
        typer.Option("--view", metavar="VIEWS", help=VIEW_HELP, show_default=False),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="REV",
            help="Add what changed since the last decision, the blueprint at this git revision (e.g. a tag), to the brief.",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Render the evidence pack (see HELP)."""
    from cadee.render import FORMATS, MARKER, VIEWS, TemplateProblem, build_pack

    chosen_formats = _choices("--format", formats, FORMATS)
    chosen_views = _choices("--view", views, VIEWS)
    date = parse_date(as_of)
    if templates is not None and not templates.is_dir():
        raise usage_error(f"--templates {templates} is not a folder")
    if blueprint.is_dir():
        raise usage_error(f"{blueprint} is a folder; cadee render takes one blueprint file")
    _check_out(out, MARKER)

    from cadee.project import Project
    from cadee.validate import Overrides, validate_file

    project = Project.resolve(blueprint)
    result = validate_file(blueprint, Overrides(as_of=date), project=project, keep_graph=True)
    if not result.valid or result.report is None:
        print_invalid([result])
        return 2
    report = result.report
    change = _since(since, blueprint, project, report) if since is not None else None
    if isinstance(change, int):
        return change
    try:
        pack = build_pack(
            report.blueprint, report, chosen_formats, chosen_views, date, templates, change
        )
    except TemplateProblem as exc:
        raise usage_error(str(exc)) from None
    try:
        write_pack(out, pack.files, MARKER)
    except OSError as exc:  # a read-only or missing place, a full disk: the previous pack stays
        raise cannot_write(out, exc) from None
    summary = report.summary()
    shown = out.as_posix().rstrip("/") + "/"
    sys.stdout.write(
        f"rendered {result.path} as of {report.as_of.isoformat()} "
        f"({plural(summary['error'], 'error')}, {plural(summary['warning'], 'warning')}, {summary['waived']} waived) "
        f"into {shown}: {len(pack.files)} files\n"
    )
    for name in ("brief.pdf", "brief.html", "brief.md"):
        if name in pack.files:
            sys.stdout.write(f"leadership brief: {shown}{name}\n")
            break
    for problem in pack.problems:
        sys.stderr.write(f"cadee: {problem}\n")
    return 1 if pack.problems else 0
