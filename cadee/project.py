"""The project a blueprint belongs to, resolved once per run.

A :class:`Project` is everything a command needs to know before it reads a
blueprint: the project root (the git work tree, which confines every file
cadee reads), the configuration (``cadee.toml`` or ``[tool.cadee]`` in
``pyproject.toml``, found by :func:`cadee.files.walk_up`), the rule set
(built-in rules, installed plugins and the project's rule packs), the input
limits, and every error that keeps the project from being used. Commands
resolve it once (:meth:`Project.resolve`, or :class:`Projects` for a run over
many blueprints) and hand it to the library, instead of threading paths,
configurations, rules and caches through every layer.

:meth:`Project.at_revision` resolves the same project as it was at a git
revision: the configuration and packs are read with git, exactly as
:mod:`cadee.diff.sources` reads blueprints.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cadee.config import (
    PACK_NAMES,
    Config,
    check_config,
    default_packs,
    find_config,
    read_config,
)
from cadee.diagnostics import LoadError, Location
from cadee.files import NotRegularFile, Problem, TooLarge, confine, project_root, read_regular
from cadee.load import display_path
from cadee.yamlload import Limits

if TYPE_CHECKING:
    from cadee.packs.load import Pack
    from cadee.rules.base import Rule

__all__ = ["Project", "Projects"]


@dataclass(frozen=True, slots=True)
class Project:
    """One project: root, configuration, rules and what is wrong with them."""

    #: The git work tree (else the starting folder): rule packs must lie inside it.
    root: Path
    #: The configuration file, or ``None`` when the project has none.
    config_file: Path | None
    config: Config
    #: The rules that apply: built-ins, then plugins, then pack rules.
    rules: Mapping[str, Rule]
    #: The rule packs read, in order (valid or not).
    packs: tuple[Pack, ...] = ()
    #: The accepted plugin rules.
    plugins: tuple[Rule, ...] = ()
    #: Errors of the configuration file and of its ``rule-packs`` entries.
    config_errors: tuple[LoadError, ...] = ()
    #: Errors of the plugins and rule packs.
    rule_errors: tuple[LoadError, ...] = ()

    @property
    def errors(self) -> tuple[LoadError, ...]:
        """Everything that keeps the project's blueprints from being checked (stage 1)."""
        return (*self.config_errors, *self.rule_errors)

    @property
    def limits(self) -> Limits:
        return self.config.limits

    @classmethod
    def resolve(
        cls, start: Path, *, packs: Sequence[Path] | None = None, cwd: Path | None = None
    ) -> Project:
        """The project of ``start`` (a blueprint or a folder).

        ``packs`` replaces the project's configuration and rule packs with
        these pack files (``cadee rules --pack FILE``: given by the person
        running cadee, so they are not confined to the work tree).
        """
        cwd = cwd or Path.cwd()
        root = project_root(start)
        if packs is not None:
            rules, loaded, plugins, rule_errors = _rule_set([(Path(p), None) for p in packs], cwd)
            return cls(root, None, Config(), rules, loaded, plugins, (), tuple(rule_errors))
        config_file = find_config(start)
        source = (
            read_config(config_file, display_path(config_file, cwd))
            if config_file is not None
            else None
        )
        settings = check_config(source, None)[0] if source is not None else Config()
        pack_paths, pack_errors = _pack_paths(settings, config_file, start, cwd)
        rules, loaded, plugins, rule_errors = _rule_set(pack_paths, cwd)
        config = Config()
        config_errors: list[LoadError] = []
        if source is not None:
            config, config_errors = check_config(source, rules.keys())
        return cls(
            root,
            config_file,
            config,
            rules,
            loaded,
            plugins,
            (*config_errors, *pack_errors),
            tuple(rule_errors),
        )

    @classmethod
    def at_revision(
        cls, revision: str, path: str, *, git_dir: str | os.PathLike[str] = "."
    ) -> Project:
        """The project of the blueprint ``path`` as it was at the git ``revision``.

        ``path`` follows git's ``REV:PATH`` rule (relative to the repository
        root unless it starts with ``./`` or ``../``). The configuration and
        rule packs are read from the revision with git (never from the work
        tree), confined to the repository like a checkout; file names in
        errors and rule sources read ``REV:path``. Raises
        :class:`cadee.diff.sources.SourceError` when git cannot read the revision.
        """
        from cadee.diff.sources import Side, checkout_files, repository_path

        side = Side(label=f"{revision}:{path}", path=path, revision=revision, git_dir=str(git_dir))
        inside = repository_path(side)
        folder = tempfile.mkdtemp(prefix="cadee-project-")
        try:
            root = Path(os.path.realpath(folder))
            (root / ".git").mkdir()  # the project root: the repository root, as for a checkout
            folders = _ancestors(posixpath.dirname(inside))
            names = ("cadee.toml", "pyproject.toml", *PACK_NAMES)
            checkout_files(
                side, [posixpath.join(f, n) if f else n for f in folders for n in names], root
            )
            start = root / inside
            start.parent.mkdir(parents=True, exist_ok=True)
            config_file = find_config(start)
            if config_file is not None:
                settings = check_config(read_config(config_file), None)[0]
                base = posixpath.dirname(config_file.relative_to(root).as_posix())
                wanted = []
                for entry in settings.rule_packs or ():
                    normal = posixpath.normpath(posixpath.join(base, entry))
                    if (
                        not posixpath.isabs(entry)
                        and not normal.startswith("../")
                        and normal != ".."
                    ):
                        wanted.append(normal)
                checkout_files(side, wanted, root, settings.limits.max_file_bytes)
            project = cls.resolve(start, cwd=root)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return _relabel(project, root, revision)


class Projects:
    """The projects of one run, each resolved once.

    A run over many blueprints asks for the project of each; blueprints of one
    project (same configuration file, same packs) share one :class:`Project`,
    so its configuration and rule packs are read and checked once.
    """

    __slots__ = ("_cwd", "_found")

    def __init__(self, cwd: Path | None = None) -> None:
        self._cwd = cwd or Path.cwd()
        self._found: dict[tuple[Path, Path | None, tuple[Path, ...]], Project] = {}

    def of(self, start: Path) -> Project:
        config_file = find_config(start)
        key = (
            project_root(start),
            config_file,
            default_packs(None, start) if config_file is None else (),
        )
        project = self._found.get(key)
        if project is None:
            project = self._found[key] = Project.resolve(start, cwd=self._cwd)
        return project

    def __len__(self) -> int:
        return len(self._found)


# -- rule packs ------------------------------------------------------------------------


def _pack_paths(
    config: Config, config_file: Path | None, start: Path, cwd: Path
) -> tuple[list[tuple[Path, Path | None]], list[LoadError]]:
    """The project's packs, each with the root it is confined to; and the errors of
    ``rule-packs`` entries (absolute, outside the work tree, missing, not a file)."""
    if config.rule_packs is None or config_file is None:
        found = default_packs(config_file, start)
        return [(pack, project_root(pack)) for pack in found], []
    where = config.rule_packs_at or Location(config.path or "", 1, 1, "rule-packs")
    shown = config.path
    root = project_root(config_file)
    folder = config_file.resolve().parent
    paths: list[tuple[Path, Path | None]] = []
    errors: list[LoadError] = []
    for entry in config.rule_packs:
        quoted = repr(entry[:80])
        if "\x00" in entry:
            errors.append(LoadError(where, f"`rule-packs`: {quoted} contains a NUL character"))
            continue
        if os.path.isabs(entry):
            errors.append(
                LoadError(
                    where,
                    f"`rule-packs`: {quoted}: rule-pack paths are relative to "
                    f"{shown}, not absolute",
                )
            )
            continue
        real = confine(folder / entry, root)
        if real is Problem.OUTSIDE:
            errors.append(
                LoadError(
                    where,
                    f"`rule-packs`: {quoted} resolves outside the project root "
                    f"({root.as_posix()}: the git work tree); it is not read",
                )
            )
        elif isinstance(real, Problem):
            errors.append(
                LoadError(
                    where, f"`rule-packs`: {quoted} is not a file (paths are relative to {shown})"
                )
            )
        elif real not in (p for p, _ in paths):
            paths.append((real, root))
    return paths, errors


def _rule_set(
    packs: Sequence[tuple[Path, Path | None]], cwd: Path
) -> tuple[dict[str, Rule], tuple[Pack, ...], tuple[Rule, ...], list[LoadError]]:
    """Built-in rules, installed plugins and the rules of ``packs`` (each with its confinement root)."""
    from cadee.packs.plugins import installed_plugins
    from cadee.rules import RULES

    plugins = installed_plugins()
    if not packs and not plugins.rules and not plugins.errors:
        return dict(RULES), (), (), []  # the common case: the built-in catalog as it is
    from cadee.packs.load import combine

    loaded = tuple(_read_pack(path, root, cwd) for path, root in packs)
    rules, errors = combine(RULES, plugins.rules, loaded)
    return rules, loaded, plugins.rules, [*plugins.errors, *errors]


def _read_pack(path: Path, root: Path | None, cwd: Path) -> Pack:
    """One rule pack: a regular file (inside ``root`` when given) that starts with ``cadee-rules``.

    Any other file is refused with one error that shows none of its content:
    an attacker's ``rule-packs = ["creds.json"]`` learns nothing from the message.
    """
    from cadee.packs.load import Pack, load_pack

    shown = display_path(path, cwd)

    def refused(message: str) -> Pack:
        return Pack(shown, errors=[LoadError(Location(shown, 1, 1), message)])

    if root is not None and confine(path, root) is Problem.OUTSIDE:
        return refused(
            f"the rule pack resolves outside the project root ({root.as_posix()}); it is not read"
        )
    try:
        data = read_regular(path, Limits().max_file_bytes)
    except NotRegularFile as exc:
        return refused(f"is {exc.kind}, not a regular file; a rule pack is a regular file")
    except (TooLarge, OSError):
        return load_pack(path, cwd=cwd)  # load_pack words these (too large, missing, unreadable)
    if data.strip() and not _looks_like_pack(data):
        return refused(
            "not a rule pack (a rule pack is a YAML file that starts with `cadee-rules: 1`); "
            "its content is not shown"
        )
    return load_pack(path, cwd=cwd)


def _looks_like_pack(data: bytes) -> bool:
    """A rule pack, or a file whose mistakes are worth showing (a blueprint given as a pack)."""
    from cadee.sniff import has_top_keys

    return has_top_keys(data, {"cadee-rules"}) or has_top_keys(data, {"cadee"})


# -- a project at a git revision ------------------------------------------------------------


def _ancestors(folder: str) -> list[str]:
    """``a/b`` -> ``["a/b", "a", ""]``: the folders a configuration may be in."""
    found = []
    while True:
        found.append(folder)
        if not folder:
            return found
        folder = posixpath.dirname(folder)


def _relabel(project: Project, root: Path, revision: str) -> Project:
    """File names under the temporary folder (shown relative to it) become ``REV:path``."""
    folder = root.as_posix()
    packs = {pack.path for pack in project.packs}

    def name(text: str) -> str:
        if text.startswith(folder + "/"):
            text = text[len(folder) + 1 :]
        return text if os.path.isabs(text) or text.startswith("<") else f"{revision}:{text}"

    def message(text: str) -> str:
        return text.replace(folder + "/", f"{revision}:").replace(
            folder, f"the repository at {revision}"
        )

    def errors(found: Sequence[LoadError]) -> tuple[LoadError, ...]:
        return tuple(
            LoadError(
                Location(
                    name(e.location.file), e.location.line, e.location.column, e.location.path
                ),
                message(e.message),
            )
            for e in found
        )

    for pack in project.packs:
        pack.path = name(pack.path)
        pack.errors = list(errors(pack.errors))
    rules = {
        rule_id: dataclasses.replace(rule, source=name(rule.source))
        if rule.source in packs
        else rule
        for rule_id, rule in project.rules.items()
    }
    config = project.config
    if config.path is not None:
        config = dataclasses.replace(config, path=name(config.path), rule_packs_at=None)
    inside = None
    if project.config_file is not None:
        inside = Path(name(project.config_file.relative_to(root).as_posix()))
    return dataclasses.replace(
        project,
        root=Path(f"{revision}:"),
        config_file=inside,
        config=config,
        rules=rules,
        config_errors=errors(project.config_errors),
        rule_errors=errors(project.rule_errors),
    )
