"""The four rule templates: each a class owning its search, its findings and its description.

- :class:`Require`: every selected item meets field conditions (one pass over a list);
- :class:`ForbidIntegration`: no integration matches a selector (one pass);
- :class:`MediatedPath`: every path from ``from`` to ``to`` passes through
  ``through`` (one multi-source breadth-first search with the mediators
  blocked; ARC001);
- :class:`MustReach`: every system matching ``from`` reaches one matching
  ``to`` (one reverse breadth-first search from all targets at once; FBK001,
  ARC006).

A template is a strict pydantic model (the shape a rule pack writes) with
three methods: ``search(graph)`` returns what it found (items, paths), in
declaration order; ``findings(rule, graph)`` words those results generically
for pack rules (built-in rules call ``search`` and word their own messages);
``describe()`` is the "What it does" paragraph of a pack rule's
documentation. ``findings`` has the signature of a rule's graph check, so a
pack rule's check is its template's bound ``findings``.

Each template is linear in systems plus edges: selectors are evaluated once
per item, and no search ever starts per node. Paths have at least one edge
(spec 13.6): a system reaches itself only through a cycle.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from pydantic import ConfigDict, Field, PlainValidator
from pydantic_core import PydanticCustomError

from cadee.diagnostics import Finding, Location
from cadee.graph import ArchitectureGraph, path_to, reach
from cadee.model import Boundary, Integration, NotNull, Owner, Strict, System
from cadee.query.conditions import (
    FIELDS,
    Condition,
    check_condition,
    describe_condition,
    read_field,
)
from cadee.query.selectors import (
    BoundarySelectors,
    IntegrationSelector,
    IntegrationSelectors,
    OwnerSelectors,
    SystemSelector,
    SystemSelectors,
    boundary_test,
    describe,
    integration_test,
    owner_test,
    system_test,
)

__all__ = [
    "EDGE_KINDS",
    "SUBJECTS",
    "ForbidIntegration",
    "MediatedPath",
    "MustReach",
    "Reporter",
    "Require",
    "Template",
    "Unmediated",
    "Unmet",
    "Unreached",
]

EDGE_KINDS = ("integrations", "fallbacks")


class Reporter(Protocol):
    """What a template needs of the rule it serves (a :class:`cadee.rules.base.Rule` is one)."""

    @property
    def summary(self) -> str: ...

    def finding(self, target: str, message: str, location: Location) -> Finding: ...


class Template(ABC):
    """A rule template: a search over the graph, its generic findings and its description."""

    __slots__ = ()

    @abstractmethod
    def findings(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Finding]:
        """The template's results as ``rule``'s findings, in generic wording."""

    @abstractmethod
    def describe(self) -> str:
        """What the template does, for the "What it does" section of a rule's documentation."""


# -- shared pieces --------------------------------------------------------------------------


def _edges(value: Any) -> tuple[str, ...]:
    if value is None:
        raise PydanticCustomError("null_value", "null value: write a value or remove the key")
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or any(v not in EDGE_KINDS for v in values):
        raise PydanticCustomError(
            "edges", "expected integrations, fallbacks or [integrations, fallbacks]"
        )
    return tuple(kind for kind in EDGE_KINDS if kind in values)


Edges = Annotated[tuple[str, ...], PlainValidator(_edges)]


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


def _edges_text(over: Sequence[str]) -> str:
    return " or ".join(over)


def _system_label(system: System) -> str:
    return f"{system.kind} '{system.id}'"


# -- mediated-path ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unmediated:
    """A target reached without a mediator: ``path`` runs from a source to ``target``."""

    target: System
    path: list[str]


class MediatedPath(Strict, Template):
    """Every path from ``from`` to ``to`` passes through ``through`` (ARC001's shape)."""

    from_: SystemSelectors = Field(alias="from")
    to: SystemSelectors
    through: SystemSelectors
    over: Edges = ("integrations",)

    def search(self, graph: ArchitectureGraph) -> Iterator[Unmediated]:
        """Targets reachable from a source on a path through no mediator, in declaration order.

        One breadth-first search from every source at once, never entering a
        mediator: linear in systems + edges. A source that is itself a mediator
        starts no path (its paths are mediated by itself); a mediator is never
        reported. A target that is also a source is reported when a mediator-free
        cycle leads back to it.
        """
        mediators = {s.id for s in _matching(graph, self.through)}
        sources = [s.id for s in _matching(graph, self.from_) if s.id not in mediators]
        if not sources:
            return
        parents = reach(_neighbours(graph, self.over, reverse=False), sources, blocked=mediators.__contains__)
        if not parents:
            return
        source_set = set(sources)
        is_target = system_test(self.to, graph.boundaries)
        for system in graph.blueprint.systems:
            if system.id in parents and is_target(system):
                yield Unmediated(system, path_to(parents, system.id, source_set))

    def findings(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Finding]:
        through = describe(self.through)
        for hit in self.search(graph):
            start = graph.systems[hit.path[0]]
            yield rule.finding(
                hit.target.id,
                f"{_system_label(hit.target)} is reachable from {_system_label(start)} on a path through "
                f"no system matching {through} ({' -> '.join(hit.path)})",
                hit.target.location,
            )

    def describe(self) -> str:
        return (
            f"Searches the {_edges_text(self.over)} graph from every system matching "
            f"`{describe(self.from_)}`, along paths of one or more edges that pass through no "
            f"system matching `{describe(self.through)}`. Every system matching "
            f"`{describe(self.to)}` such a path reaches is reported once, with one source and "
            "the path."
        )


# -- must-reach -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unreached:
    """A source from which no target is reachable; ``targets`` counts the targets."""

    system: System
    targets: int


class MustReach(Strict, Template):
    """Every system matching ``from`` reaches one matching ``to`` (FBK001's and ARC006's shape)."""

    from_: SystemSelectors = Field(alias="from")
    to: SystemSelectors
    over: Edges = ("integrations", "fallbacks")

    def search(self, graph: ArchitectureGraph) -> Iterator[Unreached]:
        """Sources that reach no target over the template's edges, in declaration order.

        One reverse breadth-first search from every target at once finds every
        system with a path of one or more edges to some target: linear.
        """
        sources = _matching(graph, self.from_)
        if not sources:
            return
        targets = [s.id for s in _matching(graph, self.to)]
        covered = reach(_neighbours(graph, self.over, reverse=True), targets) if targets else {}
        for system in sources:
            if system.id not in covered:
                yield Unreached(system, len(targets))

    def findings(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Finding]:
        wanted = describe(self.to)
        for miss in self.search(graph):
            why = f"over {_edges_text(self.over)}" + ("" if miss.targets else " (no system matches it)")
            yield rule.finding(
                miss.system.id,
                f"{_system_label(miss.system)} cannot reach a system matching {wanted} {why}",
                miss.system.location,
            )

    def describe(self) -> str:
        return (
            f"Reports every system matching `{describe(self.from_)}` from which no system "
            f"matching `{describe(self.to)}` can be reached by following "
            f"{' and '.join(self.over)} edges (in their direction, over at least one edge)."
        )


# -- forbid-integration -----------------------------------------------------------------------


class ForbidIntegration(IntegrationSelector, Template):
    """No integration matches the selector (the template's keys are the selector's)."""

    model_config = ConfigDict(defer_build=True)  # built when a pack is read

    def search(self, graph: ArchitectureGraph) -> Iterator[Integration]:
        """Integrations matching the forbidden selector, in declaration order."""
        test = integration_test([self], graph.systems, graph.boundaries)
        for integration in graph.blueprint.integrations:
            if test(integration):
                yield integration

    def findings(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Finding]:
        summary = rule.summary.rstrip(".")
        for integration in self.search(graph):
            source, target = graph.systems[integration.from_], graph.systems[integration.to]
            yield rule.finding(
                integration.id,
                f"integration '{integration.id}' ({integration.mode}, {integration.data} data) from "
                f"{_system_label(source)} to {_system_label(target)} is forbidden: {summary}",
                integration.location,
            )

    def describe(self) -> str:
        return f"Reports every integration matching `{describe([self])}`."


# -- require ----------------------------------------------------------------------------------

Item = System | Integration | Boundary | Owner


@dataclass(frozen=True, slots=True)
class Subject:
    """A list ``require`` can select from: its items, its selector predicate and its label."""

    items: Callable[[ArchitectureGraph], Sequence[Any]]
    test: Callable[[ArchitectureGraph, Any], Callable[[Any], bool]]
    label: Callable[[Any], str]


#: The lists ``require`` selects from, in documentation order.
SUBJECTS: dict[str, Subject] = {
    "systems": Subject(
        lambda graph: graph.blueprint.systems,
        lambda graph, selectors: system_test(selectors, graph.boundaries),
        _system_label,
    ),
    "integrations": Subject(
        lambda graph: graph.blueprint.integrations,
        lambda graph, selectors: integration_test(selectors, graph.systems, graph.boundaries),
        lambda integration: f"integration '{integration.id}'",
    ),
    "boundaries": Subject(
        lambda graph: graph.blueprint.boundaries,
        lambda graph, selectors: boundary_test(selectors),
        lambda boundary: f"boundary '{boundary.id}'",
    ),
    "owners": Subject(
        lambda graph: graph.blueprint.owners,
        lambda graph, selectors: owner_test(selectors),
        lambda owner: f"owner '{owner.id}'",
    ),
}


@dataclass(frozen=True, slots=True)
class Unmet:
    """A selected item and what it lacks, one phrase per failed condition."""

    item: Item
    problems: list[str]


class Require(Strict, Template):
    """Every selected item (systems, integrations, boundaries or owners) meets ``fields``."""

    model_config = ConfigDict(defer_build=True)  # built when a pack is read

    systems: Annotated[SystemSelectors | None, NotNull] = None
    integrations: Annotated[IntegrationSelectors | None, NotNull] = None
    boundaries: Annotated[BoundarySelectors | None, NotNull] = None
    owners: Annotated[OwnerSelectors | None, NotNull] = None
    fields: Annotated[dict[str, Condition], NotNull]

    @property
    def subject(self) -> str:
        """The list the rule selects from (the pack loader checks exactly one is written)."""
        for key in SUBJECTS:
            if getattr(self, key) is not None:
                return key
        return "systems"

    def search(self, graph: ArchitectureGraph) -> Iterator[Unmet]:
        """Selected items that fail a condition, in declaration order."""
        subject = self.subject
        specs = FIELDS[subject]
        chosen = SUBJECTS[subject]
        test = chosen.test(graph, getattr(self, subject) or [])
        for item in chosen.items(graph):
            if not test(item):
                continue
            problems: list[str] = []
            for field, condition in self.fields.items():
                spec = specs[field]
                present, value = read_field(graph, item, field, spec)
                problems.extend(check_condition(field, spec, condition, present, value))
            if problems:
                yield Unmet(item, problems)

    def findings(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Finding]:
        label = SUBJECTS[self.subject].label
        for unmet in self.search(graph):
            yield rule.finding(unmet.item.id, f"{label(unmet.item)}: {'; '.join(unmet.problems)}", unmet.item.location)

    def describe(self) -> str:
        subject = self.subject
        selected = describe(getattr(self, subject))
        conditions = "; ".join(f"`{field}` {describe_condition(condition)}" for field, condition in self.fields.items())
        return f"Reports every item of `{subject}` matching `{selected}` that fails one of: {conditions}."
