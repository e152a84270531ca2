"""Rules shipped as Python packages: entry points in the group ``cadee.rules``.

A package registers its rules in its ``pyproject.toml``::

    [project.entry-points."cadee.rules"]
    acme = "acme_cadee_rules:RULES"

The entry point names a :class:`cadee.rules.base.Rule` or a list of them,
usually made with :func:`cadee.rules.base.rule` on a module whose docstring
is the rule's documentation, exactly like a built-in rule. Installed plugins
are active in every project (select or ignore them like any rule). Each rule
is held to the built-in contract: an organisation ID that collides with no
built-in rule or prefix and with no other plugin, a kebab-case name, a
severity, a CADEE layer, at least one reference, documentation whose
sections parse and a failing and a passing example. A plugin that fails to
import or breaks the contract is an error (exit 2), never a traceback.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cadee.diagnostics import SEVERITIES, LoadError, Location
from cadee.rules import RULES
from cadee.rules.base import LAYERS, Rule, RuleDoc

__all__ = ["GROUP", "Plugins", "contract_problems", "installed_plugins", "load_plugins"]

GROUP = "cadee.rules"


@dataclass(frozen=True, slots=True)
class Plugins:
    """The accepted plugin rules (``source`` names their package) and the errors."""

    rules: tuple[Rule, ...]
    errors: tuple[LoadError, ...]


def contract_problems(rule: Rule, builtin: Mapping[str, Rule] = RULES) -> list[str]:
    """What keeps ``rule`` from the built-in contract (empty when it meets it)."""
    # The pack machinery is imported only when a plugin is installed: a run without
    # one (the common case) never loads it (see ``installed_plugins``).
    from cadee.packs.load import id_problem, name_problem
    from cadee.packs.model import RULE_NAME_RE

    problems: list[str] = []
    wrong_id = (
        id_problem(rule.id, builtin) if isinstance(rule.id, str) else "the rule ID is not a string"
    )
    if wrong_id:
        problems.append(wrong_id)
    if not isinstance(rule.name, str) or not RULE_NAME_RE.match(rule.name):
        problems.append(f"rule name {str(rule.name)[:40]!r} is not lowercase words joined by '-'")
    else:
        taken = name_problem(rule.name, builtin)
        if taken:
            problems.append(taken)
    if rule.severity not in SEVERITIES:
        problems.append(
            f"severity {str(rule.severity)[:20]!r} is not one of {', '.join(SEVERITIES)}"
        )
    if rule.layer not in LAYERS:
        problems.append(f"layer {str(rule.layer)[:20]!r} is not one of {', '.join(LAYERS)}")
    references = rule.references
    if (
        not isinstance(references, tuple)
        or not references
        or not all(isinstance(r, str) and r.strip() for r in references)
    ):
        problems.append(
            "`references` must be a non-empty tuple of strings naming the requirements it supports"
        )
    doc = rule.doc
    if not isinstance(doc, RuleDoc):
        problems.append(
            "`doc` must be a RuleDoc (use cadee.rules.base.rule(doc=__doc__) or parse_doc)"
        )
    else:
        for label, text in (
            ("summary", doc.summary),
            ("## What it does", doc.what),
            ("## Why it matters", doc.why),
            ("## How to fix", doc.fix),
            ("## Failing example", doc.failing_example),
            ("## Passing example", doc.passing_example),
        ):
            if not text.strip():
                problems.append(f"the documentation's {label} is empty")
    checks = {
        "check_graph": rule.check_graph,
        "check_dated": rule.check_dated,
        "check_waivers": rule.check_waivers,
    }
    for name, check in checks.items():
        if check is not None and not callable(check):
            problems.append(f"`{name}` is not callable")
    return problems


def _where(entry: Any, rule: Rule | None = None) -> Location:
    """The plugin's module file (and the rule's check function line) as a location."""
    from cadee.load import display_path

    path = f"entry-points.{GROUP}.{entry.name}"
    line = 1
    file: str | None = None
    try:
        import inspect

        target = rule.function if rule is not None else None
        if target is not None:
            file = inspect.getsourcefile(target)
            line = inspect.getsourcelines(target)[1]
    except (OSError, TypeError):
        file = None
    if file is None:
        try:
            import importlib.util

            spec = importlib.util.find_spec(entry.module)
            file = spec.origin if spec is not None else None
        except (ImportError, ValueError):
            file = None
    shown = (
        display_path(Path(file)) if file else f"<{GROUP} entry point {entry.name} = {entry.value}>"
    )
    return Location(shown, line, 1, path)


def _source(entry: Any) -> str:
    dist = getattr(entry, "dist", None)
    if dist is not None:
        return f"plugin {dist.name} {dist.version}"
    return f"plugin {entry.value}"


def load_plugins(
    builtin: Mapping[str, Rule] = RULES, entries: Iterable[Any] | None = None
) -> Plugins:
    """Load every entry point of the group, in name order, and check each rule."""
    from importlib import metadata

    found = metadata.entry_points(group=GROUP) if entries is None else entries
    accepted: list[Rule] = []
    errors: list[LoadError] = []
    seen: dict[str, str] = {}
    names: dict[str, str] = {}
    for entry in sorted(found, key=lambda e: (e.name, e.value)):
        label = f"plugin {entry.name!r} ({entry.value})"
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plugin is an input error, never a traceback
            errors.append(
                LoadError(_where(entry), f"{label} cannot be loaded: {type(exc).__name__}: {exc}")
            )
            continue
        rules = (
            [loaded]
            if isinstance(loaded, Rule)
            else loaded
            if isinstance(loaded, (list, tuple))
            else None
        )
        if not rules or not all(isinstance(r, Rule) for r in rules):
            errors.append(
                LoadError(
                    _where(entry),
                    f"{label} must name a cadee.rules.base.Rule or a non-empty "
                    f"list of them, got {type(loaded).__name__}",
                )
            )
            continue
        source = _source(entry)
        for rule in rules:
            problems = contract_problems(rule, builtin)
            if isinstance(rule.id, str) and rule.id in seen:
                problems.append(f"rule ID {rule.id} is already defined by {seen[rule.id]}")
            if isinstance(rule.name, str) and rule.name in names:
                problems.append(f"rule name {rule.name!r} is already used by {names[rule.name]}")
            if problems:
                errors.extend(
                    LoadError(_where(entry, rule), f"{label}: {problem}") for problem in problems
                )
                continue
            seen[rule.id] = names[rule.name] = f"the {source}"
            accepted.append(dataclasses.replace(rule, source=source))
    return Plugins(tuple(accepted), tuple(sorted(errors)))


@functools.cache
def installed_plugins() -> Plugins:
    """The installed plugins, loaded once per process (imports no pack machinery when
    there are none)."""
    return load_plugins()
