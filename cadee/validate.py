"""Validate blueprint files: configuration, rule packs, loading and checking in one call.

This is the library API behind ``cadee validate``; it touches no terminal.
A blueprint is checked with its project's rules: the built-in catalog, the
installed plugins and the project's rule packs (see :mod:`cadee.config`),
so waivers and ``select``/``ignore``/``severity`` may name pack rules.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cadee.check import CheckOptions, Report, check
from cadee.config import Config, find_config, find_rule_packs, load_config
from cadee.diagnostics import LoadError, Location, Severity, at_or_above
from cadee.load import display_path, load_blueprint
from cadee.model import Blueprint
from cadee.rules import RULES, Rule

__all__ = ["BlueprintResult", "Overrides", "RuleSet", "discover", "project_packs", "rule_set", "validate_file"]

_SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}
_TOP_KEY = re.compile(rb"^(cadee|blueprint)\s*:", re.MULTILINE)


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
    below whose top level has both ``cadee`` and ``blueprint`` keys."""
    found: list[Path] = []
    errors: list[LoadError] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(_blueprints_below(path), key=lambda p: p.as_posix()))
        elif path.exists():
            found.append(path)
        else:
            errors.append(LoadError(Location(display_path(path), 1, 1), "no such file or folder"))
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values()), errors


def _blueprints_below(folder: Path) -> Iterator[Path]:
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                path = Path(current) / name
                if _is_blueprint(path):
                    yield path


def _is_blueprint(path: Path) -> bool:
    # Catalogs meant only for `include` lack `blueprint`; they are checked
    # through the blueprints that include them.
    try:
        with path.open("rb") as handle:
            head = handle.read(4 * 1024 * 1024)
    except OSError:
        return False
    keys = {m.group(1) for m in _TOP_KEY.finditer(head)}
    if keys == {b"cadee", b"blueprint"}:
        return True
    # Flow style or quoted keys: read the top-level keys from the event stream.
    return {"cadee", "blueprint"} <= _top_level_keys(head)


def _top_level_keys(data: bytes) -> set[str]:
    from yaml import YAMLError
    from yaml import _yaml as libyaml

    keys: set[str] = set()
    parser: Any = libyaml.CParser(data)
    depth = 0
    expect_key = True
    try:
        while (event := parser.get_event()) is not None:
            kind = type(event).__name__
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
                if depth == 0:
                    break
                if depth == 1:  # a top-level value that was a collection ended
                    expect_key = True
            elif kind in ("ScalarEvent", "AliasEvent") and depth == 1:
                if expect_key and kind == "ScalarEvent":
                    keys.add(event.value)
                expect_key = not expect_key
    except YAMLError:
        return set()
    finally:
        parser.dispose()
    return keys


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A project's rules: built-ins, plugins, then packs; and what kept any out."""

    rules: dict[str, Rule]
    errors: tuple[LoadError, ...]
    packs: tuple[Any, ...]  # cadee.packs.load.Pack, imported lazily


class PackCache:
    """Rule packs loaded during one run, by (real path, content hash, working folder).

    A command that reads many blueprints of one project creates one and passes
    it along, so each pack is read and checked once; the content hash keeps an
    edited pack from being served stale.
    """

    __slots__ = ("_packs",)

    def __init__(self) -> None:
        self._packs: dict[tuple[Path, str, Path], Any] = {}

    def get(self, key: tuple[Path, str, Path]) -> Any:
        return self._packs.get(key)

    def put(self, key: tuple[Path, str, Path], pack: Any) -> None:
        self._packs[key] = pack

    def __len__(self) -> int:
        return len(self._packs)


def rule_set(packs: Sequence[Path], cache: PackCache | None = None) -> RuleSet:
    """The built-in rules, the installed plugins and the rules of ``packs``."""
    from cadee.packs.plugins import installed_plugins

    plugins = installed_plugins()
    if not packs and not plugins.rules and not plugins.errors:
        return RuleSet(RULES, (), ())  # the common case: the built-in catalog as it is
    import hashlib

    from cadee.packs.load import combine, load_pack

    cwd = Path.cwd()
    loaded = []
    for path in packs:
        real = Path(os.path.abspath(path))
        try:
            digest = hashlib.sha256(real.read_bytes()).hexdigest()
        except OSError:
            digest = ""  # load_pack reports why it cannot be read
        key = (real, digest, cwd)
        pack = cache.get(key) if cache is not None else None
        if pack is None:
            pack = load_pack(path, cwd=cwd)
            if digest and cache is not None:
                cache.put(key, pack)
        loaded.append(pack)
    rules, errors = combine(RULES, plugins.rules, loaded)
    return RuleSet(rules, (*plugins.errors, *errors), tuple(loaded))


def project_packs(start: Path) -> tuple[tuple[Path, ...], list[LoadError]]:
    """The rule packs of the project ``start`` (a blueprint or a folder) belongs to,
    and the configuration's errors about them."""
    config_path = find_config(start)
    config = None
    errors: list[LoadError] = []
    if config_path is not None:
        config, problems = load_config(config_path, None, display_path(config_path))
        errors = [e for e in problems if e.location.path.endswith("rule-packs")]
    return find_rule_packs(config, config_path, start), errors


def project_rules(start: Path, config: Config | None = None, cache: PackCache | None = None) -> RuleSet:
    """The rules that apply to the blueprint (or folder) ``start``: built-ins,
    installed plugins and the rule packs its project configuration names."""
    config_path = find_config(start) if config is None else None
    first = config
    if first is None and config_path is not None:
        first, _ = load_config(config_path, None)  # settings only: the packs it lists
    return rule_set(find_rule_packs(first, config_path, start), cache)


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
    path: str | os.PathLike[str],
    rules: Mapping[str, Rule] | None = None,
    config: Config | None = None,
    cache: PackCache | None = None,
) -> ProjectBlueprint:
    """Find the project configuration and rules of ``path``, then load it.

    Every command that reads a blueprint goes through here, so all of them
    accept the same configuration, rule packs and waivers naming pack rules.
    ``rules`` replaces the project's rules (built-ins, plugins and packs).
    """
    path = Path(path)
    errors: list[LoadError] = []
    config_path = find_config(path) if config is None else None
    if rules is None:
        found = project_rules(path, config, cache)
        rules = found.rules
        errors.extend(found.errors)
    if config is None:
        config = Config()
        if config_path is not None:
            config, problems = load_config(config_path, rules.keys(), display_path(config_path))
            errors[:0] = problems
    if errors:
        return ProjectBlueprint(display_path(path), config, rules, errors, None)
    loaded = load_blueprint(path, limits=config.limits, known_rules=rules.keys())
    return ProjectBlueprint(loaded.path, config, rules, loaded.errors, loaded.blueprint)


def validate_file(
    path: str | os.PathLike[str],
    overrides: Overrides | None = None,
    rules: Mapping[str, Rule] | None = None,
    config: Config | None = None,
    cache: PackCache | None = None,
    keep_graph: bool = False,
) -> BlueprintResult:
    """Load and check one blueprint with its project configuration and rules.

    ``rules`` replaces the project's rules (built-ins, plugins and packs)
    when given; ``cache`` shares loaded rule packs between calls of one run.
    ``keep_graph`` keeps the checked graph on the report (``Report.graph``) for
    a caller that needs it next; otherwise it is dropped, so a run over many
    blueprints does not hold every graph.
    """
    overrides = overrides or Overrides()
    project = load_project_blueprint(path, rules, config, cache)
    config = project.config
    fail_on: Severity = overrides.fail_on or config.fail_on or "error"
    if project.blueprint is None:
        return BlueprintResult(project.path, project.errors, None, fail_on, config.path)
    options = CheckOptions(
        select=overrides.select if overrides.select is not None else config.select,
        ignore=overrides.ignore if overrides.ignore is not None else config.ignore,
        severity={**config.severity, **overrides.severity},
        as_of=overrides.as_of,
    )
    report = check(project.blueprint, options, project.rules)
    if not keep_graph:
        report.graph = None
    return BlueprintResult(project.path, [], report, fail_on, config.path)

def exit_code(results: Iterable[BlueprintResult], usage_errors: Sequence[LoadError] = ()) -> int:
    """Spec section 10: 2 if anything is invalid, else 1 if anything fails, else 0."""
    code = 2 if usage_errors else 0
    for result in results:
        code = max(code, result.exit_code)
    return code
