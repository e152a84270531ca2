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

from pydantic import Field, PlainValidator
from pydantic_core import PydanticCustomError

from cadee.diagnostics import Finding, Location
from cadee.graph import ArchitectureGraph, path_to, reach
from cadee.model import (
    Boundary,
    Evidence,
    Gate,
    Integration,
    Kpi,
    NotNull,
    Owner,
    System,
    Waiver,
)
from cadee.query.conditions import (
    Condition,
    check_condition,
    describe_condition,
    field_spec,
    read_field,
)
from cadee.query.messages import Message
from cadee.query.selectors import (
    BoundarySelectors,
    EvidenceSelectors,
    GateSelectors,
    IntegrationSelector,
    IntegrationSelectors,
    KpiSelectors,
    OwnerSelectors,
    QueryModel,
    ServiceSelectors,
    SystemSelector,
    SystemSelectors,
    WaiverSelectors,
    boundary_test,
    describe,
    evidence_test,
    gate_test,
    integration_test,
    kpi_test,
    owner_test,
    service_test,
    system_test,
    waiver_test,
)

__all__ = [
    "EDGE_KINDS",
    "SUBJECTS",
    "Count",
    "Forbid",
    "ForbidIntegration",
    "Hit",
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


@dataclass(frozen=True, slots=True)
class Hit:
    """One result of a template as a finding: its target, generic wording, location and placeholders."""

    target: str
    message: str
    location: Location
    values: dict[str, str]


class Template(ABC):
    """A rule template: a search over the graph, its generic findings and its description."""

    __slots__ = ()

    @abstractmethod
    def hits(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Hit]:
        """The template's results, worded generically, with the values of a message's placeholders."""

    def findings(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Finding]:
        """The template's results as ``rule``'s findings, in generic wording."""
        for hit in self.hits(rule, graph):
            yield rule.finding(hit.target, hit.message, hit.location)

    def worded(
        self, message: Message
    ) -> Callable[[Reporter, ArchitectureGraph], Iterator[Finding]]:
        """A rule check whose findings carry ``message`` (placeholders substituted) instead."""

        def findings(rule: Reporter, graph: ArchitectureGraph) -> Iterator[Finding]:
            for hit in self.hits(rule, graph):
                yield rule.finding(hit.target, message.render(hit.values), hit.location)

        return findings

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


def _neighbours(
    graph: ArchitectureGraph, over: Sequence[str], reverse: bool
) -> Callable[[str], Iterable[str]]:
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
    test = system_test(selectors, graph)
    return [system for system in graph.blueprint.systems if test(system)]


def _edges_text(over: Sequence[str]) -> str:
    return " or ".join(over)


def _system_label(system: System) -> str:
    return f"{system.kind} '{system.id}'"


def _system_values(system: System, start: str, end: str) -> dict[str, str]:
    return {"id": system.id, "name": system.name, "from": start, "to": end}


# -- mediated-path ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unmediated:
    """A target reached without a mediator: ``path`` runs from a source to ``target``."""

    target: System
    path: list[str]


class MediatedPath(QueryModel, Template):
    """Every path from ``from`` to ``to`` passes through ``through`` (ARC001's shape)."""

    from_: SystemSelectors = Field(alias="from")
    to: SystemSelectors
    through: SystemSelectors
    over: Edges = ("integrations",)
    avoiding: Annotated[SystemSelectors | None, NotNull] = None
    """Systems no path may pass through, even a mediated one."""

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
        parents = reach(
            _neighbours(graph, self.over, reverse=False), sources, blocked=mediators.__contains__
        )
        if not parents:
            return
        source_set = set(sources)
        is_target = system_test(self.to, graph)
        for system in graph.blueprint.systems:
            if system.id in parents and is_target(system):
                yield Unmediated(system, path_to(parents, system.id, source_set))

    def search_avoided(self, graph: ArchitectureGraph) -> Iterator[Unmediated]:
        """Targets reached from a source on a path through a system matching ``avoiding``.

        Two breadth-first searches: from every source to the avoided systems it
        reaches, then from those to the targets: linear. ``path`` runs from a
        source through an avoided system to the target; a mediator is never reported.
        """
        if self.avoiding is None:
            return
        step = _neighbours(graph, self.over, reverse=False)
        sources = [s.id for s in _matching(graph, self.from_)]
        source_set = set(sources)
        first = reach(step, sources)
        avoided = [
            s.id for s in _matching(graph, self.avoiding) if s.id in first or s.id in source_set
        ]
        if not avoided:
            return
        avoided_set = set(avoided)
        second = reach(step, avoided)
        is_target = system_test(self.to, graph)
        is_mediator = system_test(self.through, graph)
        for system in graph.blueprint.systems:
            if system.id in second and is_target(system) and not is_mediator(system):
                tail = path_to(second, system.id, avoided_set)
                head = [tail[0]] if tail[0] in source_set else path_to(first, tail[0], source_set)
                yield Unmediated(system, head + tail[1:])

    def hits(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Hit]:
        through = describe(self.through)
        reported: set[str] = set()
        for found in self.search(graph):
            start = graph.systems[found.path[0]]
            reported.add(found.target.id)
            yield Hit(
                found.target.id,
                f"{_system_label(found.target)} is reachable from {_system_label(start)} on a path through "
                f"no system matching {through} ({' -> '.join(found.path)})",
                found.target.location,
                _system_values(found.target, start.id, found.target.id),
            )
        if self.avoiding is not None:
            avoiding = describe(self.avoiding)
            for found in self.search_avoided(graph):
                if found.target.id in reported:
                    continue
                start = graph.systems[found.path[0]]
                yield Hit(
                    found.target.id,
                    f"{_system_label(found.target)} is reachable from {_system_label(start)} on a path through "
                    f"a system matching {avoiding} ({' -> '.join(found.path)})",
                    found.target.location,
                    _system_values(found.target, start.id, found.target.id),
                )

    def describe(self) -> str:
        return (
            f"Searches the {_edges_text(self.over)} graph from every system matching "
            f"`{describe(self.from_)}`, along paths of one or more edges that pass through no "
            f"system matching `{describe(self.through)}`. Every system matching "
            f"`{describe(self.to)}` such a path reaches is reported once, with one source and "
            "the path."
            + (
                f" A target reached on any path through a system matching `{describe(self.avoiding)}` "
                "is reported too."
                if self.avoiding is not None
                else ""
            )
        )


# -- must-reach -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unreached:
    """A source from which no target is reachable; ``targets`` counts the targets."""

    system: System
    targets: int


class MustReach(QueryModel, Template):
    """Every system matching ``from`` reaches one matching ``to`` (FBK001's and ARC006's shape)."""

    from_: SystemSelectors = Field(alias="from")
    to: SystemSelectors
    over: Edges = ("integrations", "fallbacks")
    avoiding: Annotated[SystemSelectors | None, NotNull] = None
    """Systems the path may not pass through (nor end at)."""

    def search(self, graph: ArchitectureGraph) -> Iterator[Unreached]:
        """Sources that reach no target over the template's edges, in declaration order.

        One reverse breadth-first search from every target at once finds every
        system with a path of one or more edges to some target: linear.
        """
        sources = _matching(graph, self.from_)
        if not sources:
            return
        avoided = (
            {s.id for s in _matching(graph, self.avoiding)} if self.avoiding is not None else set()
        )
        targets = [s.id for s in _matching(graph, self.to) if s.id not in avoided]
        step = _neighbours(graph, self.over, reverse=True)
        covered = (
            reach(step, targets, blocked=avoided.__contains__ if avoided else None)
            if targets
            else {}
        )
        for system in sources:
            if system.id not in covered:
                yield Unreached(system, len(targets))

    def hits(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Hit]:
        wanted = describe(self.to)
        avoiding = f" avoiding {describe(self.avoiding)}" if self.avoiding is not None else ""
        for miss in self.search(graph):
            why = f"over {_edges_text(self.over)}{avoiding}" + (
                "" if miss.targets else " (no system matches it)"
            )
            yield Hit(
                miss.system.id,
                f"{_system_label(miss.system)} cannot reach a system matching {wanted} {why}",
                miss.system.location,
                _system_values(miss.system, miss.system.id, ""),
            )

    def describe(self) -> str:
        return (
            f"Reports every system matching `{describe(self.from_)}` from which no system "
            f"matching `{describe(self.to)}` can be reached by following "
            f"{' and '.join(self.over)} edges (in their direction, over at least one edge)"
            + (
                f" without passing through a system matching `{describe(self.avoiding)}`."
                if self.avoiding is not None
                else "."
            )
        )


# -- forbid-integration -----------------------------------------------------------------------


class ForbidIntegration(IntegrationSelector, Template):
    """No integration matches the selector (the template's keys are the selector's)."""

    def search(self, graph: ArchitectureGraph) -> Iterator[Integration]:
        """Integrations matching the forbidden selector, in declaration order."""
        test = integration_test([self], graph)
        for integration in graph.blueprint.integrations:
            if test(integration):
                yield integration

    def hits(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Hit]:
        summary = rule.summary.rstrip(".")
        for integration in self.search(graph):
            source, target = graph.systems[integration.from_], graph.systems[integration.to]
            yield Hit(
                integration.id,
                f"integration '{integration.id}' ({integration.mode}, {integration.data} data) from "
                f"{_system_label(source)} to {_system_label(target)} is forbidden: {summary}",
                integration.location,
                {"id": integration.id, "name": integration.id, "from": source.id, "to": target.id},
            )

    def describe(self) -> str:
        return f"Reports every integration matching `{describe([self])}`."


# -- require ----------------------------------------------------------------------------------

Item = System | Integration | Boundary | Owner | Evidence | Kpi | Gate | Waiver


@dataclass(frozen=True, slots=True)
class Subject:
    """A list ``require`` and ``count`` select from: its items, its selector predicate and its label."""

    items: Callable[[ArchitectureGraph], Sequence[Any]]
    test: Callable[[ArchitectureGraph, Any], Callable[[Any], bool]]
    label: Callable[[Any], str]
    target: Callable[[Any], str] = lambda item: str(item.id)


#: The lists ``require`` and ``count`` select from, in documentation order.
SUBJECTS: dict[str, Subject] = {
    "systems": Subject(
        lambda graph: graph.blueprint.systems,
        lambda graph, selectors: system_test(selectors, graph),
        _system_label,
    ),
    "integrations": Subject(
        lambda graph: graph.blueprint.integrations,
        lambda graph, selectors: integration_test(selectors, graph),
        lambda integration: f"integration '{integration.id}'",
    ),
    "boundaries": Subject(
        lambda graph: graph.blueprint.boundaries,
        lambda graph, selectors: boundary_test(selectors, graph),
        lambda boundary: f"boundary '{boundary.id}'",
    ),
    "owners": Subject(
        lambda graph: graph.blueprint.owners,
        lambda graph, selectors: owner_test(selectors, graph),
        lambda owner: f"owner '{owner.id}'",
    ),
    "evidence": Subject(
        lambda graph: graph.blueprint.evidence,
        lambda graph, selectors: evidence_test(selectors, graph),
        lambda evidence: f"evidence '{evidence.id}'",
    ),
    "kpis": Subject(
        lambda graph: graph.blueprint.kpis,
        lambda graph, selectors: kpi_test(selectors, graph),
        lambda kpi: f"KPI '{kpi.id}'",
    ),
    "gates": Subject(
        lambda graph: graph.blueprint.gates,
        lambda graph, selectors: gate_test(selectors, graph),
        lambda gate: f"gate '{gate.id}'",
    ),
    "services": Subject(
        lambda graph: graph.blueprint.services,
        lambda graph, selectors: service_test(selectors, graph),
        lambda service: f"service '{service.id}'",
    ),
    "waivers": Subject(
        lambda graph: graph.blueprint.waivers,
        lambda graph, selectors: waiver_test(selectors, graph),
        lambda waiver: f"waiver '{waiver.key}'",
        lambda waiver: str(waiver.key),
    ),
}


@dataclass(frozen=True, slots=True)
class Unmet:
    """A selected item and what it lacks, one phrase per failed condition; ``first`` is the first failed field."""

    item: Item
    problems: list[str]
    first: tuple[str, Any] = ("", None)


class _Selecting(QueryModel):
    """One selected list: exactly one of these keys is written (the pack loader checks it)."""

    systems: Annotated[SystemSelectors | None, NotNull] = None
    integrations: Annotated[IntegrationSelectors | None, NotNull] = None
    boundaries: Annotated[BoundarySelectors | None, NotNull] = None
    owners: Annotated[OwnerSelectors | None, NotNull] = None
    evidence: Annotated[EvidenceSelectors | None, NotNull] = None
    kpis: Annotated[KpiSelectors | None, NotNull] = None
    gates: Annotated[GateSelectors | None, NotNull] = None
    waivers: Annotated[WaiverSelectors | None, NotNull] = None
    services: Annotated[ServiceSelectors | None, NotNull] = None

    @property
    def subject(self) -> str:
        """The list the rule selects from (the pack loader checks exactly one is written)."""
        for key in SUBJECTS:
            if getattr(self, key) is not None:
                return key
        return "systems"

    def selected(self, graph: ArchitectureGraph) -> Iterator[Any]:
        """The selected items, in declaration order: one pass over the list."""
        chosen = SUBJECTS[self.subject]
        test = chosen.test(graph, getattr(self, self.subject) or [])
        for item in chosen.items(graph):
            if test(item):
                yield item


def _item_values(item: Any, target: str) -> dict[str, str]:
    """``{id}``, ``{name}`` (a name or title, else the id) and, for an integration, ``{from}`` and ``{to}``."""
    values = {
        "id": target,
        "name": str(getattr(item, "name", None) or getattr(item, "title", None) or target),
    }
    if isinstance(item, Integration):
        values.update({"from": item.from_, "to": item.to})
    return values


def _text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


class Require(_Selecting, Template):
    """Every selected item (of any list) meets ``fields``."""

    fields: Annotated[dict[str, Condition], NotNull]

    def search(self, graph: ArchitectureGraph) -> Iterator[Unmet]:
        """Selected items that fail a condition, in declaration order."""
        subject = self.subject
        specs = {name: field_spec(subject, name) for name in self.fields}
        for item in self.selected(graph):
            problems: list[str] = []
            first: tuple[str, Any] = ("", None)
            for field, condition in self.fields.items():
                spec = specs[field]
                if spec is None:
                    continue
                present, value = read_field(graph, item, field, spec)
                failed = check_condition(field, spec, condition, present, value)
                if failed and not problems:
                    first = (field, value)
                problems.extend(failed)
            if problems:
                yield Unmet(item, problems, first)

    def hits(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Hit]:
        chosen = SUBJECTS[self.subject]
        for unmet in self.search(graph):
            item: Any = unmet.item
            target = chosen.target(item)
            values = {
                **_item_values(item, target),
                "field": unmet.first[0],
                "value": _text_value(unmet.first[1]),
            }
            yield Hit(
                target, f"{chosen.label(item)}: {'; '.join(unmet.problems)}", item.location, values
            )

    def describe(self) -> str:
        subject = self.subject
        selected = describe(getattr(self, subject))
        conditions = "; ".join(
            f"`{field}` {describe_condition(condition)}" for field, condition in self.fields.items()
        )
        return f"Reports every item of `{subject}` matching `{selected}` that fails one of: {conditions}."


# -- forbid -------------------------------------------------------------------------------


class Forbid(_Selecting, Template):
    """No item of a list matches the selector (``forbid-integration`` for any list)."""

    def hits(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Hit]:
        chosen = SUBJECTS[self.subject]
        summary = rule.summary.rstrip(".")
        for item in self.selected(graph):
            target = chosen.target(item)
            yield Hit(
                target,
                f"{chosen.label(item)} is forbidden: {summary}",
                item.location,
                _item_values(item, target),
            )

    def describe(self) -> str:
        return f"Reports every item of `{self.subject}` matching `{describe(getattr(self, self.subject))}`."


# -- count --------------------------------------------------------------------------------


class Count(_Selecting, Template):
    """The number of selected items is at least ``at-least`` and at most ``at-most``."""

    at_least: Annotated[int | None, NotNull, Field(ge=0)] = Field(default=None, alias="at-least")
    at_most: Annotated[int | None, NotNull, Field(ge=0)] = Field(default=None, alias="at-most")

    def search(self, graph: ArchitectureGraph) -> int | None:
        """The number of selected items when it is out of bounds, else ``None``."""
        count = sum(1 for _ in self.selected(graph))
        if self.at_least is not None and count < self.at_least:
            return count
        if self.at_most is not None and count > self.at_most:
            return count
        return None

    def _bounds(self) -> str:
        words = []
        if self.at_least is not None:
            words.append(f"at least {self.at_least}")
        if self.at_most is not None:
            words.append(f"at most {self.at_most}")
        return " and ".join(words)

    def hits(self, rule: Reporter, graph: ArchitectureGraph) -> Iterator[Hit]:
        count = self.search(graph)
        if count is None:
            return
        meta = graph.blueprint
        selected = describe(getattr(self, self.subject))
        yield Hit(
            meta.id,
            f"{count} item{'' if count == 1 else 's'} of {self.subject} match {selected}; the rule requires "
            f"{self._bounds()}",
            meta.location,
            {"id": meta.id, "name": meta.meta.title, "field": self.subject, "value": str(count)},
        )

    def describe(self) -> str:
        return (
            f"Counts the items of `{self.subject}` matching `{describe(getattr(self, self.subject))}` and "
            f"reports the blueprint once when there are not {self._bounds()}."
        )
