"""Validate blueprint files: configuration, rule packs, loading and checking in one call.

This is the library API behind ``cadee validate``; it touches no terminal.
A blueprint is checked with its project's rules: the built-in catalog, the
installed plugins and the project's rule packs (see :mod:`cadee.config`),
so waivers and ``select``/``ignore``/``severity`` may name pack rules.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cadee.check import CheckOptions, Report, check
from cadee.config import Config
from cadee.diagnostics import LoadError, Location, Severity, at_or_above
from cadee.files import Problem, confine, project_root
from cadee.load import display_path, load_blueprint
from cadee.model import Blueprint
from cadee.project import Project
from cadee.rules import Rule
from cadee.sniff import has_top_keys

__all__ = [
    "BlueprintResult",
    "Overrides",
    "discover",
    "exit_code",
    "load_project_blueprint",
    "validate_file",
]

_SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".tox",
    ".mypy_cache",
}


@dataclass(frozen=True, slots=True)
class Overrides:
    """Command-line options; ``None`` means "use the project configuration"."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: Severity | None = None
    as_of: dt.date | None = None
    severity: Mapping[str, Severity] = field(default_factory=dict)


@dataclass(slots=True)
class BlueprintResult:
    """Everything known about one blueprint after validation."""

    path: str
    errors: list[LoadError]
    report: Report | None
    fail_on: Severity = "error"
    config: str | None = None

    @property
    def valid(self) -> bool:
        return not self.errors and self.report is not None

    @property
    def failed(self) -> bool:
        """True when an unwaived finding is at or above the fail level."""
        if self.report is None:
            return False
        return any(
            not f.waived and at_or_above(f.severity, self.fail_on) for f in self.report.findings
        )

    @property
    def exit_code(self) -> int:
        return 2 if not self.valid else 1 if self.failed else 0


def discover(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Path], list[LoadError]]:
    """Files to validate: files as given, and for folders every ``*.yaml``/``*.yml``
    below whose top level has both ``cadee`` and ``blueprint`` keys.

    A file below a folder that resolves outside the folder's project root (a
    symbolic link out of the work tree) is not read; it is reported, like an
    include that does so. Devices, FIFOs and sockets are skipped.
    """
    found: list[Path] = []
    errors: list[LoadError] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(_blueprints_below(path, errors), key=lambda p: p.as_posix()))
        elif path.exists():
            found.append(path)
        else:
            errors.append(LoadError(Location(display_path(path), 1, 1), "no such file or folder"))
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values()), errors


def _blueprints_below(folder: Path, errors: list[LoadError]) -> Iterator[Path]:
    root = project_root(folder)
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                path = Path(current) / name
                real = confine(path, root)
                if real is Problem.OUTSIDE:
                    errors.append(
                        LoadError(
                            Location(display_path(path), 1, 1),
                            f"resolves outside the project root ({root.as_posix()}: the git "
                            "work tree, else the folder given); not read",
                        )
                    )
                elif not isinstance(real, Problem) and _is_blueprint(path):
                    yield path


def _is_blueprint(path: Path) -> bool:
    # Catalogs meant only for `include` lack `blueprint`; they are checked
    # through the blueprints that include them.
    try:
        with path.open("rb") as handle:
            head = handle.read(4 * 1024 * 1024)
    except OSError:
        return False
    return has_top_keys(head, {"cadee", "blueprint"})


@dataclass(slots=True)
class ProjectBlueprint:
    """A blueprint loaded with its project's configuration and rules.

    ``blueprint`` is ``None`` when the configuration, a rule pack or the
    blueprint itself is invalid; ``errors`` then says why (stage 1).
    """

    path: str
    config: Config
    rules: Mapping[str, Rule]
    errors: list[LoadError]
    blueprint: Blueprint | None


def load_project_blueprint(
    path: str | os.PathLike[str], project: Project | None = None
) -> ProjectBlueprint:
    """Load ``path`` with its project's configuration and rules (resolved when not given).

    Every command that reads a blueprint goes through here, so all of them
    accept the same configuration, rule packs and waivers naming pack rules.
    """
    path = Path(path)
    project = project or Project.resolve(path)
    if project.errors:
        return ProjectBlueprint(
            display_path(path), project.config, project.rules, list(project.errors), None
        )
    loaded = load_blueprint(path, limits=project.limits, known_rules=project.rules.keys())
    return ProjectBlueprint(
        loaded.path, project.config, project.rules, loaded.errors, loaded.blueprint
    )


def validate_file(
    path: str | os.PathLike[str],
    overrides: Overrides | None = None,
    *,
    project: Project | None = None,
    keep_graph: bool = False,
) -> BlueprintResult:
    """Load and check one blueprint with its project configuration and rules.

    ``project`` is the blueprint's project (:class:`cadee.project.Project`),
    resolved here when not given; a run over many blueprints passes the one
    it resolved (:class:`cadee.project.Projects`), so packs are read once.
    ``keep_graph`` keeps the checked graph on the report (``Report.graph``) for
    a caller that needs it next; otherwise it is dropped, so a run over many
    blueprints does not hold every graph.
    """
    overrides = overrides or Overrides()
    loaded = load_project_blueprint(path, project)
    config = loaded.config
    fail_on: Severity = overrides.fail_on or config.fail_on or "error"
    if loaded.blueprint is None:
        return BlueprintResult(loaded.path, loaded.errors, None, fail_on, config.path)
    options = CheckOptions(
        select=overrides.select if overrides.select is not None else config.select,
        ignore=overrides.ignore if overrides.ignore is not None else config.ignore,
        severity={**config.severity, **overrides.severity},
        as_of=overrides.as_of,
        max_waiver_days=config.max_waiver_days,
    )
    report = check(loaded.blueprint, options, loaded.rules)
    if not keep_graph:
        report.graph = None
    return BlueprintResult(loaded.path, [], report, fail_on, config.path)


def exit_code(results: Iterable[BlueprintResult], usage_errors: Sequence[LoadError] = ()) -> int:
    """Spec section 10: 2 if anything is invalid, else 1 if anything fails, else 0."""
    code = 2 if usage_errors else 0
    for result in results:
        code = max(code, result.exit_code)
    return code
