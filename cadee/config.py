"""Project configuration: ``[tool.cadee]`` in ``pyproject.toml``, or ``cadee.toml``.

Found by walking up from the blueprint's folder; the nearest file that
configures cadee wins (a ``pyproject.toml`` without ``[tool.cadee]`` is
skipped, as ruff does). Command-line options win over the file.

Rule packs (:mod:`cadee.packs`): ``rule-packs`` lists pack files relative to
the configuration file. Without the key, a ``cadee-rules.yaml`` beside the
configuration file is used; without a configuration file, the nearest
``cadee-rules.yaml`` found walking up from the blueprint.

    [tool.cadee]
    select = ["FBK", "IAM", "ARC"]
    ignore = ["ARC007"]
    severity = { EVD001 = "error" }
    fail-on = "warning"
    rule-packs = ["policies/acme-rules.yaml"]   # relative to this file
    max-waiver-days = 180                       # WVR004; default 365

    [tool.cadee.limits]
    max_file_bytes = 268435456
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cadee.diagnostics import SEVERITIES, LoadError, Location, Severity
from cadee.files import (
    NotRegularFile,
    Problem,
    TooLarge,
    confine,
    project_root,
    read_regular,
    walk_up,
)
from cadee.rules.base import DEFAULT_MAX_WAIVER_DAYS
from cadee.yamlload import Limits

__all__ = [
    "Config",
    "ConfigSource",
    "check_config",
    "default_packs",
    "find_config",
    "load_config",
    "read_config",
]

KEYS = ("select", "ignore", "severity", "fail-on", "limits", "rule-packs", "max-waiver-days")

#: Pack file names used without a ``rule-packs`` key (the first is the documented one).
PACK_NAMES = ("cadee-rules.yaml", "cadee-rules.yml")
LIMIT_KEYS = tuple(f.name for f in dataclasses.fields(Limits))
#: The largest value of any ``[limits]`` key, 2**40 (a terabyte of file): far above any
#: real input, and below what Python cannot read or allocate (``read(2**63)`` overflows).
MAX_LIMIT = 2**40
#: The largest ``max-waiver-days``, a century: a few million days put a waiver's end
#: past the calendar's year 9999, which WVR004 could not compute.
MAX_WAIVER_DAYS = 36_500
#: A configuration file larger than this is refused unread (a TOML file of settings is small).
MAX_CONFIG_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Config:
    """Settings from a project file (all optional)."""

    path: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity | None = None
    limits: Limits = field(default_factory=Limits)
    #: The entries listed under ``rule-packs`` as written; ``None`` when the key is absent.
    #: :class:`cadee.project.Project` resolves and confines them.
    rule_packs: tuple[str, ...] | None = None
    #: Where ``rule-packs`` is written, for errors about its entries.
    rule_packs_at: Location | None = None
    #: ``max-waiver-days``: how long after the as-of date a waiver may expire (WVR004).
    max_waiver_days: int = DEFAULT_MAX_WAIVER_DAYS


@dataclass(frozen=True, slots=True)
class ConfigSource:
    """One configuration file, read and parsed once: its text and table, or why not."""

    path: Path
    shown: str
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    error: LoadError | None = None


def find_config(start: Path) -> Path | None:
    """The nearest ``cadee.toml`` or ``pyproject.toml`` with ``[tool.cadee]``.

    A ``cadee.toml`` that is not a regular file is still found, so reading it
    reports why it is refused instead of silently using another one.
    """
    for candidate in walk_up(start):
        own = candidate / "cadee.toml"
        if os.path.lexists(own) and not own.is_dir():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_tool_cadee(pyproject):
            return pyproject
    return None


def _has_tool_cadee(path: Path) -> bool:
    try:
        text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[\s*tool\.cadee\s*[\].]", text, re.MULTILINE) is not None


def default_packs(config_path: Path | None, start: Path) -> tuple[Path, ...]:
    """The pack used without ``rule-packs``: a ``cadee-rules.yaml`` beside the
    configuration file, else (no configuration) the nearest one above ``start``."""
    folders = (config_path.resolve().parent,) if config_path is not None else tuple(walk_up(start))
    for candidate in folders:
        for name in PACK_NAMES:
            pack = candidate / name
            if (
                os.path.lexists(pack) and not pack.is_dir()
            ):  # reading it says why when it is no file
                return (pack,)
    return ()


def read_config(path: Path, shown: str | None = None) -> ConfigSource:
    """Read and parse one configuration file: a regular file inside its project root."""
    shown = shown or path.as_posix()

    def refused(message: str, line: int = 1, column: int = 1) -> ConfigSource:
        return ConfigSource(path, shown, error=LoadError(Location(shown, line, column), message))

    real = confine(path, project_root(path))
    if real is Problem.OUTSIDE:
        return refused(
            "the configuration file resolves outside the project root (the git work tree); "
            "it is not read"
        )
    try:
        text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
    except NotRegularFile as exc:
        return refused(f"is {exc.kind}, not a regular file; the configuration is a regular file")
    except TooLarge as exc:
        return refused(
            f"file is {exc.size:,} bytes, above the limit of {MAX_CONFIG_BYTES:,} for a configuration"
        )
    except (OSError, UnicodeDecodeError) as exc:
        return refused(f"cannot read the configuration: {exc}")
    import tomllib  # here: a run without a configuration file never needs it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_position(str(exc))
        return refused(f"invalid TOML: {exc}", line, column)
    return ConfigSource(path, shown, text, data)


def load_config(
    path: Path, rule_ids: Collection[str] | None, shown: str | None = None
) -> tuple[Config, list[LoadError]]:
    """Read and check one configuration file (:func:`read_config`, then :func:`check_config`)."""
    return check_config(read_config(path, shown), rule_ids)


def check_config(
    source: ConfigSource, rule_ids: Collection[str] | None
) -> tuple[Config, list[LoadError]]:
    """Check a parsed configuration; errors carry file:line:column. Pure: no file is read.

    ``rule_ids`` are the IDs ``select``, ``ignore`` and ``severity`` may name;
    ``None`` skips that check (to read ``rule-packs`` before the packs are loaded).
    """
    shown = source.shown
    if source.error is not None:
        return Config(path=shown), [source.error]
    text = source.text
    errors: list[LoadError] = []
    section: Any = source.data
    prefix = ""
    if source.path.name == "pyproject.toml":
        section = section.get("tool", {}).get("cadee", {})
        prefix = "tool.cadee."

    def at(key: str) -> Location:
        line, column = _find_key(text, key.rsplit(".", 1)[-1])
        return Location(shown, line, column, prefix + key)

    def err(key: str, message: str) -> None:
        errors.append(LoadError(at(key), message))

    if not isinstance(section, dict):
        err("", "expected a table")
        return Config(path=shown), errors
    for key in section:
        if key not in KEYS:
            import difflib

            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f" (allowed: {', '.join(KEYS)})"
            err(key, f"unknown configuration key `{key[:60]}`{hint}")

    def selectors(key: str) -> tuple[str, ...]:
        value = section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            err(key, f"`{key}` must be a list of rule IDs or prefixes")
            return ()
        for selector in value:
            if rule_ids is None:
                continue
            if not any(rid.startswith(selector) for rid in rule_ids) or not selector:
                err(key, f"`{key}`: {selector[:60]!r} matches no rule")
        return tuple(value)

    select = selectors("select")
    ignore = selectors("ignore")
    severity: dict[str, Severity] = {}
    raw_severity = section.get("severity", {})
    if not isinstance(raw_severity, dict):
        err("severity", '`severity` must be a table of RULE = "error" | "warning" | "info"')
    else:
        for rule_id, level in raw_severity.items():
            if rule_ids is not None and not any(rid.startswith(rule_id) for rid in rule_ids):
                err(f"severity.{rule_id}", f"`severity`: {rule_id[:60]!r} matches no rule")
            elif level not in SEVERITIES:
                err(
                    f"severity.{rule_id}",
                    f"`severity.{rule_id}` must be one of {', '.join(SEVERITIES)}",
                )
            else:
                severity[rule_id] = level
    fail_on = section.get("fail-on")
    if fail_on is not None and fail_on not in SEVERITIES:
        err("fail-on", f"`fail-on` must be one of {', '.join(SEVERITIES)}")
        fail_on = None
    limits = Limits()
    raw_limits = section.get("limits", {})
    if not isinstance(raw_limits, dict):
        err("limits", "`limits` must be a table")
    else:
        values: dict[str, int] = {}
        for key, value in raw_limits.items():
            if key not in LIMIT_KEYS:
                err(
                    f"limits.{key}",
                    f"unknown limit `{key[:60]}` (allowed: {', '.join(LIMIT_KEYS)})",
                )
            elif type(value) is not int or not 1 <= value <= MAX_LIMIT:
                err(
                    f"limits.{key}",
                    f"`limits.{key}` must be a positive integer of at most {MAX_LIMIT:,}",
                )
            else:
                values[key] = value
        limits = dataclasses.replace(limits, **values)
    max_waiver_days = DEFAULT_MAX_WAIVER_DAYS
    raw_days = section.get("max-waiver-days", DEFAULT_MAX_WAIVER_DAYS)
    if type(raw_days) is not int or not 0 <= raw_days <= MAX_WAIVER_DAYS:
        err(
            "max-waiver-days",
            f"`max-waiver-days` must be an integer from 0 to {MAX_WAIVER_DAYS:,} (days)",
        )
    else:
        max_waiver_days = raw_days
    rule_packs: tuple[str, ...] | None = None
    raw_packs = section.get("rule-packs")
    if raw_packs is not None:
        if not isinstance(raw_packs, list) or not all(
            isinstance(p, str) and p.strip() for p in raw_packs
        ):
            err(
                "rule-packs",
                "`rule-packs` must be a list of rule-pack files, relative to this file",
            )
        else:
            rule_packs = tuple(raw_packs)
    config = Config(
        path=shown,
        select=select,
        ignore=ignore,
        severity=severity,
        fail_on=fail_on,
        limits=limits,
        rule_packs=rule_packs,
        rule_packs_at=at("rule-packs") if rule_packs is not None else None,
        max_waiver_days=max_waiver_days,
    )
    return config, errors


def _find_key(text: str, key: str) -> tuple[int, int]:
    """Where ``key`` is assigned or opens a table (TOML parsers drop positions)."""
    if key:
        pattern = re.compile(
            rf"^(\s*)(\[[^\]]*\b{re.escape(key)}\]|[\"']?{re.escape(key)}[\"']?\s*=)"
        )
        for number, line in enumerate(text.splitlines(), start=1):
            match = pattern.match(line)
            if match:
                return number, len(match.group(1)) + 1
        anywhere = re.compile(rf"[\"']?\b{re.escape(key)}\b[\"']?\s*=")
        for number, line in enumerate(text.splitlines(), start=1):
            found = anywhere.search(line)
            if found:
                return number, found.start() + 1
    return 1, 1


def _toml_position(message: str) -> tuple[int, int]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)
