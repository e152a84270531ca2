"""The graph engine of the four rule templates, shared by built-in and pack rules.

- ``require``: every selected item meets field conditions (one pass over a list);
- ``forbid-integration``: no integration matches a selector (one pass);
- ``mediated-path``: every path from ``from`` to ``to`` passes through
  ``through`` (one multi-source breadth-first search with the mediators
  blocked; ARC001);
- ``must-reach``: every system matching ``from`` reaches one matching ``to``
  (one reverse breadth-first search from all targets at once; FBK001, ARC006).

Each template is linear in systems plus edges: selectors are evaluated once
per item, and no search ever starts per node. The functions here return what
they found (items, paths); built-in rules word their own messages, pack rules
get the generic wording of :func:`pack_findings`.

Paths have at least one edge (spec 13.6): a system reaches itself only
through a cycle.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cadee.diagnostics import Finding, shorten
from cadee.graph import ArchitectureGraph, path_to, reach
from cadee.model import (
    DATA_LEVELS,
    Auth,
    Boundary,
    Environment,
    Function,
    Identity,
    Integration,
    Mode,
    Owner,
    OwnerKind,
    System,
    SystemKind,
    Trust,
)
from cadee.packs.model import Condition, MediatedPath, MustReach, PackRule, Require
from cadee.packs.selectors import (
    IntegrationSelector,
    SystemSelector,
    boundary_test,
    describe,
    integration_test,
    owner_test,
    system_test,
)

if TYPE_CHECKING:
    from cadee.rules.base import Rule

__all__ = [
    "FIELDS",
    "FieldSpec",
    "Unmediated",
    "Unmet",
    "Unreached",
    "describe_template",
    "forbidden_integrations",
    "mediated_paths",
    "pack_findings",
    "unmet_requirements",
    "unreached",
]


# -- edges ------------------------------------------------------------------------------


def _neighbours(graph: ArchitectureGraph, over: Sequence[str], reverse: bool) -> Callable[[str], Iterable[str]]:
    name = "predecessors" if reverse else "successors"
    steps = [getattr(getattr(graph, kind), name) for kind in over]
    if len(steps) == 1:
        step: Callable[[str], Iterable[str]] = steps[0]
        return step

    def both(node: str) -> Iterator[str]:
        for each in steps:
            yield from each(node)

    return both


def _matching(graph: ArchitectureGraph, selectors: Sequence[SystemSelector]) -> list[System]:
    """Systems matching ``selectors``, in declaration order."""
    test = system_test(selectors, graph.boundaries)
    return [system for system in graph.blueprint.systems if test(system)]


# -- mediated-path ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unmediated:
    """A target reached without a mediator: ``path`` runs from a source to ``target``."""

    target: System
    path: list[str]


def mediated_paths(graph: ArchitectureGraph, template: MediatedPath) -> Iterator[Unmediated]:
    """Targets reachable from a source on a path through no mediator, in declaration order.

    One breadth-first search from every source at once, never entering a
    mediator: linear in systems + edges. A source that is itself a mediator
    starts no path (its paths are mediated by itself); a mediator is never
    reported. A target that is also a source is reported when a mediator-free
    cycle leads back to it.
    """
    mediators = {s.id for s in _matching(graph, template.through)}
    sources = [s.id for s in _matching(graph, template.from_) if s.id not in mediators]
    if not sources:
        return
    parents = reach(_neighbours(graph, template.over, reverse=False), sources, blocked=mediators.__contains__)
    if not parents:
        return
    source_set = set(sources)
    is_target = system_test(template.to, graph.boundaries)
    for system in graph.blueprint.systems:
        if system.id in parents and is_target(system):
            yield Unmediated(system, path_to(parents, system.id, source_set))


# -- must-reach -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unreached:
    """A source from which no target is reachable; ``targets`` counts the targets."""

    system: System
    targets: int


def unreached(graph: ArchitectureGraph, template: MustReach) -> Iterator[Unreached]:
    """Sources that reach no target over the template's edges, in declaration order.

    One reverse breadth-first search from every target at once finds every
    system with a path of one or more edges to some target: linear.
    """
    sources = _matching(graph, template.from_)
    if not sources:
        return
    targets = [s.id for s in _matching(graph, template.to)]
    covered = reach(_neighbours(graph, template.over, reverse=True), targets) if targets else {}
    for system in sources:
        if system.id not in covered:
            yield Unreached(system, len(targets))


# -- forbid-integration -----------------------------------------------------------------


def forbidden_integrations(graph: ArchitectureGraph, template: IntegrationSelector) -> Iterator[Integration]:
    """Integrations matching the forbidden selector, in declaration order."""
    test = integration_test([template], graph.systems, graph.boundaries)
    for integration in graph.blueprint.integrations:
        if test(integration):
            yield integration


# -- require ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field ``require`` can test: its type and how to read it from an item.

    ``kind`` is ``text``, ``enum`` (``levels`` are its values), ``ordered``
    (``levels`` from lowest to highest), ``int``, ``bool``, ``list`` or
    ``object``. ``value`` returns what cadee uses, defaults included;
    ``present`` tells whether the key was written.
    """

    kind: str
    levels: tuple[str, ...] = ()
    attribute: str = ""
    nested: str = ""


def _levels(literal: Any) -> tuple[str, ...]:
    return tuple(typing.get_args(literal))


_TEXT = FieldSpec("text")
_INT = FieldSpec("int")
_LIST = FieldSpec("list")
_OBSERVABILITY = {
    **{f"observability.{name}": FieldSpec("bool", nested=name) for name in ("logs", "metrics", "traces")},
    **{f"observability.{name}": FieldSpec("text", nested=name) for name in ("slo", "runbook", "dashboard", "oncall")},
}

#: The fields ``require`` can test, per list.
FIELDS: dict[str, dict[str, FieldSpec]] = {
    "systems": {
        "id": _TEXT,
        "name": _TEXT,
        "kind": FieldSpec("enum", _levels(SystemKind)),
        "description": _TEXT,
        "boundary": _TEXT,
        "owner": _TEXT,
        "approvers": _LIST,
        "environment": FieldSpec("enum", _levels(Environment)),
        "criticality": FieldSpec("ordered", ("tier-3", "tier-2", "tier-1")),
        "redundancy": _INT,
        "vendor": _TEXT,
        "fallback": _LIST,
        "observability": FieldSpec("object"),
        **_OBSERVABILITY,
    },
    "integrations": {
        "id": _TEXT,
        "from": FieldSpec("text", attribute="from_"),
        "to": _TEXT,
        "description": _TEXT,
        "protocol": _TEXT,
        "mode": FieldSpec("enum", _levels(Mode)),
        "auth": FieldSpec("enum", _levels(Auth)),
        "identity": FieldSpec("enum", _levels(Identity)),
        "data": FieldSpec("ordered", DATA_LEVELS),
        "timeout_ms": _INT,
    },
    "boundaries": {
        "id": _TEXT,
        "name": _TEXT,
        "trust": FieldSpec("ordered", _levels(Trust)),
        "identity_provider": _TEXT,
        "clearance": FieldSpec("ordered", DATA_LEVELS),
    },
    "owners": {
        "id": _TEXT,
        "name": _TEXT,
        "kind": FieldSpec("enum", _levels(OwnerKind)),
        "function": FieldSpec("enum", _levels(Function)),
        "contact": _TEXT,
    },
}

#: Which condition keys fit which field kinds (checked when a pack is loaded).
CONDITIONS_FOR: dict[str, frozenset[str]] = {
    "text": frozenset({"present", "non-empty", "equals", "one-of", "regex"}),
    "enum": frozenset({"present", "equals", "one-of", "regex"}),
    "ordered": frozenset({"present", "equals", "one-of", "at-least", "at-most", "regex"}),
    "int": frozenset({"present", "equals", "one-of", "at-least", "at-most"}),
    "bool": frozenset({"present", "equals"}),
    "list": frozenset({"present", "non-empty", "at-least", "at-most"}),
    "object": frozenset({"present"}),
}


@dataclass(frozen=True, slots=True)
class Unmet:
    """A selected item and what it lacks, one phrase per failed condition."""

    item: System | Integration | Boundary | Owner
    problems: list[str]


def _read(graph: ArchitectureGraph, item: Any, field: str, spec: FieldSpec) -> tuple[bool, Any]:
    """(present, value) of ``field`` on ``item``; value is ``None`` when cadee has none."""
    if spec.nested:
        outer = item.observability
        if outer is None:
            return False, None
        return spec.nested in outer.model_fields_set, getattr(outer, spec.nested)
    attribute = spec.attribute or field
    present = attribute in item.model_fields_set
    if field == "approvers" and isinstance(item, System):
        return present, graph.effective_approvers(item)
    if field == "fallback" and isinstance(item, System):
        return present, [step.to for step in item.fallback] if item.fallback is not None else None
    return present, getattr(item, attribute)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(shorten(value, 40))
    return str(value)


def _compare(spec: FieldSpec, value: Any, bound: Any) -> int:
    """-1, 0 or 1 as ``value`` is below, equal to or above ``bound``."""
    if spec.kind == "ordered":
        left, right = spec.levels.index(value), spec.levels.index(bound)
    elif spec.kind == "list":
        left, right = len(value), bound
    else:
        left, right = value, bound
    return (left > right) - (left < right)


def check_condition(field: str, spec: FieldSpec, condition: Condition, present: bool, value: Any) -> list[str]:
    """The phrases for every condition ``value`` fails (empty when it meets them all)."""
    problems: list[str] = []
    name = f"`{field}`"
    if condition.present is True and not present:
        problems.append(f"{name} is absent")
    elif condition.present is False and present:
        problems.append(f"{name} is set ({_shown(value) if spec.kind not in ('list', 'object') else 'written'}), "
                        "but must be absent")
    checks_value = any(
        getattr(condition, key) is not None
        for key in ("non_empty", "equals", "one_of", "at_least", "at_most", "regex")
    )
    if not checks_value:
        return problems
    if value is None:
        if condition.present is not True:  # "is absent" is said once
            problems.append(f"{name} is absent")
        return problems
    if condition.non_empty and len(value) == 0:
        problems.append(f"{name} is empty")
    if condition.equals is not None and value != condition.equals:
        problems.append(f"{name} is {_shown(value)}, must be {_shown(condition.equals)}")
    if condition.one_of is not None and value not in condition.one_of:
        problems.append(f"{name} is {_shown(value)}, must be one of: {', '.join(_shown(v) for v in condition.one_of)}")
    if spec.kind == "list":
        count = f"{name} has {len(value)} entr{'y' if len(value) == 1 else 'ies'}"
        if condition.at_least is not None and _compare(spec, value, condition.at_least) < 0:
            problems.append(f"{count}, must have at least {condition.at_least}")
        if condition.at_most is not None and _compare(spec, value, condition.at_most) > 0:
            problems.append(f"{count}, must have at most {condition.at_most}")
    else:
        if condition.at_least is not None and _compare(spec, value, condition.at_least) < 0:
            problems.append(f"{name} is {_shown(value)}, must be at least {_shown(condition.at_least)}")
        if condition.at_most is not None and _compare(spec, value, condition.at_most) > 0:
            problems.append(f"{name} is {_shown(value)}, must be at most {_shown(condition.at_most)}")
    if condition.regex is not None and condition.regex.fullmatch(str(value)) is None:
        problems.append(f"{name} {_shown(value)} does not match '{shorten(condition.regex.pattern, 60)}'")
    return problems


def describe_condition(condition: Condition) -> str:
    """A condition in words, e.g. ``is present and matches 'DPA-[0-9]+'``."""
    words = []
    if condition.present is not None:
        words.append("is present" if condition.present else "is absent")
    if condition.non_empty:
        words.append("is not empty")
    if condition.equals is not None:
        words.append(f"is {_shown(condition.equals)}")
    if condition.one_of is not None:
        words.append(f"is one of {', '.join(_shown(v) for v in condition.one_of)}")
    if condition.at_least is not None:
        words.append(f"is at least {_shown(condition.at_least)}")
    if condition.at_most is not None:
        words.append(f"is at most {_shown(condition.at_most)}")
    if condition.regex is not None:
        words.append(f"matches '{condition.regex.pattern}'")
    return " and ".join(words)


def _selected(graph: ArchitectureGraph, template: Require) -> list[Any]:
    subject = template.subject
    if subject == "systems":
        return _matching(graph, template.systems or [])
    if subject == "integrations":
        test = integration_test(template.integrations or [], graph.systems, graph.boundaries)
        return [i for i in graph.blueprint.integrations if test(i)]
    if subject == "boundaries":
        btest = boundary_test(template.boundaries or [])
        return [b for b in graph.blueprint.boundaries if btest(b)]
    otest = owner_test(template.owners or [])
    return [o for o in graph.blueprint.owners if otest(o)]


def unmet_requirements(graph: ArchitectureGraph, template: Require) -> Iterator[Unmet]:
    """Selected items that fail a condition, in declaration order."""
    specs = FIELDS[template.subject]
    for item in _selected(graph, template):
        problems: list[str] = []
        for field, condition in template.fields.items():
            spec = specs[field]
            present, value = _read(graph, item, field, spec)
            problems.extend(check_condition(field, spec, condition, present, value))
        if problems:
            yield Unmet(item, problems)


# -- pack rules: generic wording ----------------------------------------------------------


def _edges_text(over: Sequence[str]) -> str:
    return " or ".join(over)


def _label(item: Any) -> str:
    if isinstance(item, System):
        return f"{item.kind} '{item.id}'"
    if isinstance(item, Integration):
        return f"integration '{item.id}'"
    if isinstance(item, Boundary):
        return f"boundary '{item.id}'"
    if isinstance(item, Owner):
        return f"owner '{item.id}'"
    return f"'{getattr(item, 'id', '?')}'"


def pack_findings(rule: Rule, template: Any, graph: ArchitectureGraph) -> Iterator[Finding]:
    """A pack rule's findings: the template's results in generic wording."""
    if isinstance(template, MediatedPath):
        through = describe(template.through)
        for hit in mediated_paths(graph, template):
            start = graph.systems[hit.path[0]]
            yield rule.finding(
                hit.target.id,
                f"{_label(hit.target)} is reachable from {_label(start)} on a path through no system "
                f"matching {through} ({' -> '.join(hit.path)})",
                hit.target.location,
            )
    elif isinstance(template, MustReach):
        wanted = describe(template.to)
        for miss in unreached(graph, template):
            why = f"over {_edges_text(template.over)}" + ("" if miss.targets else " (no system matches it)")
            yield rule.finding(
                miss.system.id,
                f"{_label(miss.system)} cannot reach a system matching {wanted} {why}",
                miss.system.location,
            )
    elif isinstance(template, IntegrationSelector):
        summary = rule.summary.rstrip(".")
        for integration in forbidden_integrations(graph, template):
            source, target = graph.systems[integration.from_], graph.systems[integration.to]
            yield rule.finding(
                integration.id,
                f"integration '{integration.id}' ({integration.mode}, {integration.data} data) from "
                f"{_label(source)} to {_label(target)} is forbidden: {summary}",
                integration.location,
            )
    elif isinstance(template, Require):
        for unmet in unmet_requirements(graph, template):
            yield rule.finding(
                unmet.item.id, f"{_label(unmet.item)}: {'; '.join(unmet.problems)}", unmet.item.location
            )


def describe_template(rule: PackRule) -> str:
    """The "What it does" section of a pack rule's documentation, from its template."""
    template = rule.template
    if isinstance(template, MediatedPath):
        return (
            f"Searches the {_edges_text(template.over)} graph from every system matching "
            f"`{describe(template.from_)}`, along paths of one or more edges that pass through no "
            f"system matching `{describe(template.through)}`. Every system matching "
            f"`{describe(template.to)}` such a path reaches is reported once, with one source and "
            "the path."
        )
    if isinstance(template, MustReach):
        return (
            f"Reports every system matching `{describe(template.from_)}` from which no system "
            f"matching `{describe(template.to)}` can be reached by following "
            f"{' and '.join(template.over)} edges (in their direction, over at least one edge)."
        )
    if isinstance(template, IntegrationSelector):
        return f"Reports every integration matching `{describe([template])}`."
    assert isinstance(template, Require)
    subject = template.subject
    selected = describe(getattr(template, subject))
    conditions = "; ".join(
        f"`{field}` {describe_condition(condition)}" for field, condition in template.fields.items()
    )
    return f"Reports every item of `{subject}` matching `{selected}` that fails one of: {conditions}."


def template_check(template: Any) -> Callable[[Rule, ArchitectureGraph], Iterator[Finding]]:
    """The ``check`` of a pack rule whose template is ``template``."""

    def check(rule: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
        return pack_findings(rule, template, graph)

    return check

