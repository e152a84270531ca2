"""Typed selectors: which systems, integrations, boundaries or owners a rule is about.

A selector is a mapping of conditions that must all hold, or a list of such
mappings of which one must hold; ``not`` negates a nested selector::

    {kind: channel}
    [{kind: channel}, {trust: untrusted, not: {kind: gateway}}]
    {id: 'payments-.*', environment: production}

Values are checked against the blueprint format's enums when the pack is
loaded. ``id``, ``vendor`` (and ``regex`` conditions in ``require``) are
regular expressions in RE2 syntax (:mod:`cadee.query.regex`), matched in
linear time against the whole value, ``.`` also matching a line break.
Nothing in a selector is ever evaluated as code.

Compiling a selector against a graph gives a plain predicate; templates call it
once per item, so a rule costs one pass over the blueprint's lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, get_args

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
)
from pydantic_core import PydanticCustomError

from cadee.errors import did_you_mean
from cadee.graph import ArchitectureGraph
from cadee.model import (
    ID_RE,
    LABEL_KEY_RE,
    Auth,
    Boundary,
    Criticality,
    DataLevel,
    Environment,
    Evidence,
    EvidenceKind,
    EvidenceStatus,
    Function,
    Gate,
    GateAction,
    Identity,
    Integration,
    Kpi,
    Mode,
    NotNull,
    Owner,
    OwnerKind,
    Service,
    Strict,
    System,
    SystemKind,
    Trust,
    Waiver,
)
from cadee.query.regex import Regex, compile_pattern
from cadee.text import shorten

__all__ = [
    "END_FIELDS",
    "BoundarySelector",
    "EvidenceSelector",
    "GateSelector",
    "IntegrationSelector",
    "KpiSelector",
    "LabelMatch",
    "OwnerSelector",
    "QueryModel",
    "ServiceSelector",
    "SystemSelector",
    "WaiverSelector",
    "boundary_test",
    "describe",
    "end_value",
    "evidence_test",
    "gate_test",
    "integration_test",
    "kpi_test",
    "owner_test",
    "service_test",
    "system_test",
    "waiver_test",
]

Pattern = Annotated[Regex, PlainValidator(compile_pattern)]


def _values(name: str, choices: tuple[str, ...] | None) -> PlainValidator:
    """One value or a non-empty list of values; from ``choices`` when given, else ids."""

    def validate(value: Any) -> tuple[str, ...]:
        if value is None:
            raise PydanticCustomError("null_value", "null value: write a value or remove the key")
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values:
            raise PydanticCustomError(
                "selector_values", "expected a {name} or a non-empty list of them", {"name": name}
            )
        for item in values:
            if not isinstance(item, str):
                raise PydanticCustomError(
                    "selector_values",
                    "expected a {name} or a non-empty list of them",
                    {"name": name},
                )
            if choices is None:
                if not ID_RE.match(item):
                    raise PydanticCustomError(
                        "selector_id",
                        "invalid {name} {value}: ids have at most 64 letters, digits, '_', '.' or '-'",
                        {"name": name, "value": repr(shorten(item, 40))},
                    )
            elif item not in choices:
                import difflib

                close = difflib.get_close_matches(item, choices, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise PydanticCustomError(
                    "selector_value",
                    "{value} is not a {name}; one of: {choices}{hint}",
                    {
                        "value": repr(shorten(item, 40)),
                        "name": name,
                        "choices": ", ".join(choices),
                        "hint": hint,
                    },
                )
        return tuple(dict.fromkeys(values))

    return PlainValidator(validate)


def _as_list(value: Any) -> Any:
    """A selector mapping is a list of one; an empty list would match nothing."""
    if value is None:
        raise PydanticCustomError(
            "null_value", "null value: write a selector ({} matches everything)"
        )
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and not value:
        raise PydanticCustomError(
            "selector_empty",
            "an empty list of selectors matches nothing; write {} to match everything",
        )
    return value


def _choices(literal: Any) -> tuple[str, ...]:
    return tuple(get_args(literal))


Kinds = Annotated[tuple[str, ...], _values("system kind", _choices(SystemKind))]
Trusts = Annotated[tuple[str, ...], _values("trust level", _choices(Trust))]
Environments = Annotated[tuple[str, ...], _values("environment", _choices(Environment))]
Criticalities = Annotated[tuple[str, ...], _values("criticality", _choices(Criticality))]
Modes = Annotated[tuple[str, ...], _values("mode", _choices(Mode))]
Auths = Annotated[tuple[str, ...], _values("auth", _choices(Auth))]
Identities = Annotated[tuple[str, ...], _values("identity", _choices(Identity))]
DataLevels = Annotated[tuple[str, ...], _values("data classification", _choices(DataLevel))]
OwnerKinds = Annotated[tuple[str, ...], _values("owner kind", _choices(OwnerKind))]
Functions = Annotated[tuple[str, ...], _values("function", _choices(Function))]
BoundaryIds = Annotated[tuple[str, ...], _values("boundary id", None)]
OwnerIds = Annotated[tuple[str, ...], _values("owner id", None)]


def _protocols(value: Any) -> tuple[str, ...]:
    if value is None:
        raise PydanticCustomError("null_value", "null value: write a value or remove the key")
    values = [value] if isinstance(value, str) else value
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(v, str) and v for v in values)
    ):
        raise PydanticCustomError(
            "selector_values", "expected a protocol or a non-empty list of them"
        )
    return tuple(dict.fromkeys(values))


Protocols = Annotated[tuple[str, ...], PlainValidator(_protocols)]
EvidenceKinds = Annotated[tuple[str, ...], _values("evidence kind", _choices(EvidenceKind))]
EvidenceStatuses = Annotated[tuple[str, ...], _values("evidence status", _choices(EvidenceStatus))]
GateActions = Annotated[tuple[str, ...], _values("gate action", _choices(GateAction))]
KpiIds = Annotated[tuple[str, ...], _values("kpi id", None)]


# -- labels -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LabelMatch:
    """One label condition: the label ``key`` has one of ``values``, matches ``regex``, or is (not) ``present``."""

    key: str
    values: tuple[str, ...] | None = None
    regex: Regex | None = None
    present: bool | None = None

    def describe(self) -> str:
        if self.values is not None:
            shown = (
                _scalar(self.values[0])
                if len(self.values) == 1
                else "[" + ", ".join(_scalar(v) for v in self.values) + "]"
            )
        elif self.regex is not None:
            shown = "{regex: " + _scalar(self.regex.pattern) + "}"
        else:
            shown = "{present: " + ("true" if self.present else "false") + "}"
        return f"{_scalar(self.key)}: {shown}"


def _label_key(key: Any) -> str:
    if not isinstance(key, str) or not LABEL_KEY_RE.match(key):
        raise PydanticCustomError(
            "label_key",
            "invalid label key {key}: lowercase letters, digits, '.', '/' or '-', starting and "
            "ending with a letter or digit (at most 63 characters)",
            {"key": repr(shorten(str(key), 40))},
        )
    return key


def _label_condition(condition: Any) -> LabelMatch:
    """One label's condition, as a :class:`LabelMatch` without its key (added by :func:`_keyed`)."""
    if isinstance(condition, str):
        return LabelMatch("", values=(condition,))
    if isinstance(condition, list):
        if not condition or not all(isinstance(v, str) for v in condition):
            raise PydanticCustomError(
                "label_values",
                "expected a value or a non-empty list of values (strings; "
                "quote numbers and yes/no)",
            )
        return LabelMatch("", values=tuple(dict.fromkeys(condition)))
    if isinstance(condition, dict) and len(condition) == 1 and "regex" in condition:
        return LabelMatch("", regex=compile_pattern(condition["regex"]))
    if isinstance(condition, dict) and len(condition) == 1 and "present" in condition:
        if not isinstance(condition["present"], bool):
            raise PydanticCustomError("label_present", "`present` is true or false")
        return LabelMatch("", present=condition["present"])
    if isinstance(condition, dict):
        unknown = [str(k) for k in condition if k not in ("regex", "present")]
        hint = did_you_mean(unknown[0], ("regex", "present")) if unknown else ""
        what = (
            f"unknown key {unknown[0][:40]!r}{hint}"
            if unknown
            else "write one of `regex` or `present`"
        )
        raise PydanticCustomError(
            "label_condition",
            "{what} (a label condition is {shape})",
            {
                "what": what,
                "shape": "a value, a list of values, {regex: P} or {present: true|false}",
            },
        )
    if condition is None:
        raise PydanticCustomError(
            "null_value", 'null value: write a value ("" for an empty one) or remove the key'
        )
    kind = (
        "a boolean"
        if isinstance(condition, bool)
        else "a number"
        if isinstance(condition, (int, float))
        else "not text"
    )
    raise PydanticCustomError(
        "label_value", "label values are strings, this is {kind}: quote it", {"kind": kind}
    )


def _keyed(value: dict[str, LabelMatch]) -> dict[str, LabelMatch]:
    if not value:
        raise PydanticCustomError(
            "label_selector", "expected at least one label condition, e.g. {region: eu}"
        )
    return {
        key: LabelMatch(key, match.values, match.regex, match.present)
        for key, match in value.items()
    }


LabelSelector = Annotated[
    dict[
        Annotated[str, PlainValidator(_label_key)],
        Annotated[LabelMatch, PlainValidator(_label_condition)],
    ],
    AfterValidator(_keyed),
]
"""``{KEY: VALUE | [VALUES] | {regex: P} | {present: BOOL}}``; labels match exactly and case-sensitively."""


# -- selectors ---------------------------------------------------------------------------


class QueryModel(Strict):
    """Base of the models of the query language (selectors, conditions, templates, packs).

    Strict like the blueprint's models, with two differences that only change
    when the work is done, never the result: a model's validator is built the
    first time it validates (the built-in rules build the few their templates
    use, a rule pack the rest), and the attribute docstrings of the query
    models are for readers only (``field_docs``): reading them means parsing
    the source of every query module on every run (about 25 ms, more than
    creating the classes), and nothing shows them (the blueprint's JSON Schema
    has no selector; the language server describes blueprint keys only).
    """

    model_config = ConfigDict(defer_build=True, use_attribute_docstrings=False)
    field_docs = False


class BoundarySelector(QueryModel):
    """Boundaries whose every written condition holds."""

    id: Annotated[Pattern | None, NotNull] = None
    trust: Annotated[Trusts | None, NotNull] = None
    clearance: Annotated[DataLevels | None, NotNull] = None
    labels: Annotated[LabelSelector | None, NotNull] = None
    not_: Annotated[BoundarySelectors | None, NotNull] = Field(default=None, alias="not")


BoundarySelectors = Annotated[list[BoundarySelector], BeforeValidator(_as_list)]


class OwnerSelector(QueryModel):
    """Owners whose every written condition holds."""

    id: Annotated[Pattern | None, NotNull] = None
    kind: Annotated[OwnerKinds | None, NotNull] = None
    function: Annotated[Functions | None, NotNull] = None
    labels: Annotated[LabelSelector | None, NotNull] = None
    not_: Annotated[OwnerSelectors | None, NotNull] = Field(default=None, alias="not")


OwnerSelectors = Annotated[list[OwnerSelector], BeforeValidator(_as_list)]


def _ids_or_selector(value: Any) -> str:
    """A reference is selected by ids (``owner: risk-team``) or by a selector (``owner: {function: risk}``)."""
    if isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(v, dict) for v in value)
    ):
        return "selector"
    return "ids"


OwnerRef = Annotated[
    Annotated[OwnerIds, Tag("ids")] | Annotated[OwnerSelectors, Tag("selector")],
    Discriminator(_ids_or_selector),
]
BoundaryRef = Annotated[
    Annotated[BoundaryIds, Tag("ids")] | Annotated[BoundarySelectors, Tag("selector")],
    Discriminator(_ids_or_selector),
]

#: The fields of a system that ``differs`` and ``same`` compare between an integration's two ends
#: (and ``labels.KEY``).
END_FIELDS = ("id", "kind", "boundary", "trust", "owner", "environment", "criticality", "vendor")


def _end_fields(value: Any) -> tuple[str, ...]:
    if value is None:
        raise PydanticCustomError("null_value", "null value: write a value or remove the key")
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise PydanticCustomError(
            "end_fields",
            "expected a system field or a non-empty list of them, e.g. "
            "[labels.region] or [boundary]",
        )
    for item in values:
        if item.startswith("labels."):
            if not LABEL_KEY_RE.match(item[len("labels.") :]):
                raise PydanticCustomError(
                    "end_fields", "invalid label key in {field}", {"field": repr(item[:60])}
                )
        elif item not in END_FIELDS:
            raise PydanticCustomError(
                "end_fields",
                "{field} is not a field compared between an integration's ends; one of: "
                "{fields}, labels.KEY{hint}",
                {
                    "field": repr(shorten(item, 40)),
                    "fields": ", ".join(END_FIELDS),
                    "hint": did_you_mean(item, END_FIELDS),
                },
            )
    return tuple(dict.fromkeys(values))


EndFields = Annotated[tuple[str, ...], PlainValidator(_end_fields)]


class SystemSelector(QueryModel):
    """Systems whose every written condition holds."""

    kind: Annotated[Kinds | None, NotNull] = None
    id: Annotated[Pattern | None, NotNull] = None
    """Regular expression matched against the whole system id."""
    boundary: Annotated[BoundaryRef | None, NotNull] = None
    """Boundary ids, or a boundary selector."""
    trust: Annotated[Trusts | None, NotNull] = None
    """Trust of the system's boundary; a system without a boundary never matches."""
    environment: Annotated[Environments | None, NotNull] = None
    criticality: Annotated[Criticalities | None, NotNull] = None
    owner: Annotated[OwnerRef | None, NotNull] = None
    """Owner ids, or an owner selector."""
    vendor: Annotated[Pattern | None, NotNull] = None
    """Regular expression matched against the whole vendor; a system without one never matches."""
    labels: Annotated[LabelSelector | None, NotNull] = None
    not_: Annotated[SystemSelectors | None, NotNull] = Field(default=None, alias="not")


SystemSelectors = Annotated[list[SystemSelector], BeforeValidator(_as_list)]

# Built now, not on first use like the other models: every template selects systems
# (the built-in rules' templates are validated when the rules are imported), and a
# template's validator reuses a built selector's instead of generating it again.
SystemSelector.model_rebuild()


class IntegrationSelector(QueryModel):
    """Integrations whose every written condition holds."""

    id: Annotated[Pattern | None, NotNull] = None
    from_: Annotated[SystemSelectors | None, NotNull] = Field(default=None, alias="from")
    to: Annotated[SystemSelectors | None, NotNull] = None
    mode: Annotated[Modes | None, NotNull] = None
    auth: Annotated[Auths | None, NotNull] = None
    """An integration without ``auth`` never matches; use ``not: {auth: [...]}`` to include it."""
    identity: Annotated[Identities | None, NotNull] = None
    data: Annotated[DataLevels | None, NotNull] = None
    protocol: Annotated[Protocols | None, NotNull] = None
    labels: Annotated[LabelSelector | None, NotNull] = None
    differs: Annotated[EndFields | None, NotNull] = None
    """System fields that differ between the two ends (absent on one end and written on the other differs)."""
    same: Annotated[EndFields | None, NotNull] = None
    """System fields equal at both ends (absent at both ends counts as equal)."""
    not_: Annotated[IntegrationSelectors | None, NotNull] = Field(default=None, alias="not")


IntegrationSelectors = Annotated[list[IntegrationSelector], BeforeValidator(_as_list)]


class EvidenceSelector(QueryModel):
    """Evidence items whose every written condition holds."""

    id: Annotated[Pattern | None, NotNull] = None
    kind: Annotated[EvidenceKinds | None, NotNull] = None
    status: Annotated[EvidenceStatuses | None, NotNull] = None
    title: Annotated[Pattern | None, NotNull] = None
    owner: Annotated[OwnerRef | None, NotNull] = None
    approved_by: Annotated[OwnerRef | None, NotNull] = None
    not_: Annotated[EvidenceSelectors | None, NotNull] = Field(default=None, alias="not")


EvidenceSelectors = Annotated[list[EvidenceSelector], BeforeValidator(_as_list)]


class KpiSelector(QueryModel):
    """KPIs whose every written condition holds."""

    id: Annotated[Pattern | None, NotNull] = None
    owner: Annotated[OwnerRef | None, NotNull] = None
    not_: Annotated[KpiSelectors | None, NotNull] = Field(default=None, alias="not")


KpiSelectors = Annotated[list[KpiSelector], BeforeValidator(_as_list)]


class GateSelector(QueryModel):
    """Gates whose every written condition holds."""

    id: Annotated[Pattern | None, NotNull] = None
    action: Annotated[GateActions | None, NotNull] = None
    kpi: Annotated[KpiIds | None, NotNull] = None
    decided_by: Annotated[OwnerRef | None, NotNull] = None
    not_: Annotated[GateSelectors | None, NotNull] = Field(default=None, alias="not")


GateSelectors = Annotated[list[GateSelector], BeforeValidator(_as_list)]


class WaiverSelector(QueryModel):
    """Waivers whose every written condition holds."""

    rule: Annotated[Pattern | None, NotNull] = None
    """Regular expression matched against the whole rule ID."""
    target: Annotated[Pattern | None, NotNull] = None
    approved_by: Annotated[OwnerRef | None, NotNull] = None
    """Owner ids, or an owner selector (e.g. ``{function: [compliance, risk]}``)."""
    not_: Annotated[WaiverSelectors | None, NotNull] = Field(default=None, alias="not")


WaiverSelectors = Annotated[list[WaiverSelector], BeforeValidator(_as_list)]


class ServiceSelector(QueryModel):
    """Business services whose every written condition holds."""

    id: Annotated[Pattern | None, NotNull] = None
    critical: Annotated[bool | None, NotNull] = None
    owner: Annotated[OwnerRef | None, NotNull] = None
    """Owner ids, or an owner selector (e.g. ``{function: operations}``)."""
    labels: Annotated[LabelSelector | None, NotNull] = None
    not_: Annotated[ServiceSelectors | None, NotNull] = Field(default=None, alias="not")


ServiceSelectors = Annotated[list[ServiceSelector], BeforeValidator(_as_list)]


# -- compiling to predicates -----------------------------------------------------------

Test = Callable[[Any], bool]


def _all(checks: list[Test]) -> Test:
    if not checks:
        return lambda _item: True
    if len(checks) == 1:
        return checks[0]
    return lambda item: all(check(item) for check in checks)


def _any(tests: list[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]
    return lambda item: any(test(item) for test in tests)


def _negate(test: Test) -> Test:
    return lambda item: not test(item)


def _in(attribute: str, values: Collection[str]) -> Test:
    wanted = frozenset(values)
    return lambda item: getattr(item, attribute) in wanted


def _full(attribute: str, pattern: Regex) -> Test:
    match = pattern.matches

    def test(item: Any) -> bool:
        value = getattr(item, attribute)
        return value is not None and match(value)

    return test


_NO_LABELS: dict[str, str] = {}


def _label_test(match: LabelMatch) -> Test:
    key = match.key
    if match.present is not None:
        wanted = match.present
        return lambda item: (key in (item.labels or _NO_LABELS)) is wanted
    if match.regex is not None:
        matches = match.regex.matches

        def by_regex(item: Any) -> bool:
            value = (item.labels or _NO_LABELS).get(key)
            return value is not None and matches(value)

        return by_regex
    values = frozenset(match.values or ())
    return lambda item: (item.labels or _NO_LABELS).get(key) in values


def _labels_checks(checks: list[Test], labels: dict[str, LabelMatch] | None) -> None:
    for match in (labels or {}).values():
        checks.append(_label_test(match))


def _owner_ref(checks: list[Test], attribute: str, ref: Any, graph: ArchitectureGraph) -> None:
    if ref is None:
        return
    if isinstance(ref, tuple):
        checks.append(_in(attribute, ref))
        return
    test = owner_test(ref, graph)
    checks.append(_in(attribute, [o.id for o in graph.owners.values() if test(o)]))


def system_test(
    selectors: Sequence[SystemSelector], graph: ArchitectureGraph
) -> Callable[[System], bool]:
    """A predicate over systems; ``graph`` resolves boundaries (``trust``) and owners."""
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.kind is not None:
            checks.append(_in("kind", selector.kind))
        if selector.id is not None:
            checks.append(_full("id", selector.id))
        if isinstance(selector.boundary, tuple):
            checks.append(_in("boundary", selector.boundary))
        elif selector.boundary is not None:
            inside = boundary_test(selector.boundary, graph)
            checks.append(_in("boundary", [b.id for b in graph.boundaries.values() if inside(b)]))
        if selector.trust is not None:
            trusted = frozenset(
                b.id for b in graph.boundaries.values() if b.trust in selector.trust
            )
            checks.append(_in("boundary", trusted))
        if selector.environment is not None:
            checks.append(_in("environment", selector.environment))
        if selector.criticality is not None:
            checks.append(_in("criticality", selector.criticality))
        _owner_ref(checks, "owner", selector.owner, graph)
        if selector.vendor is not None:
            checks.append(_full("vendor", selector.vendor))
        _labels_checks(checks, selector.labels)
        if selector.not_ is not None:
            inner = system_test(selector.not_, graph)
            checks.append(_negate(inner))
        tests.append(_all(checks))
    return _any(tests)


def end_value(system: System, field: str, graph: ArchitectureGraph) -> Any:
    """The value of ``field`` (one of :data:`END_FIELDS` or ``labels.KEY``) on an integration's end."""
    if field.startswith("labels."):
        return (system.labels or _NO_LABELS).get(field[len("labels.") :])
    if field == "trust":
        boundary = graph.boundaries.get(system.boundary) if system.boundary else None
        return boundary.trust if boundary is not None else None
    return getattr(system, field)


def _ends(fields: tuple[str, ...], graph: ArchitectureGraph, differ: bool) -> Test:
    systems = graph.systems

    def test(integration: Integration) -> bool:
        source, target = systems.get(integration.from_), systems.get(integration.to)
        if source is None or target is None:
            return False
        return all(
            (end_value(source, f, graph) != end_value(target, f, graph)) is differ for f in fields
        )

    return test


def integration_test(
    selectors: Sequence[IntegrationSelector], graph: ArchitectureGraph
) -> Callable[[Integration], bool]:
    """A predicate over integrations; ``graph`` resolves ``from`` and ``to``."""
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.id is not None:
            checks.append(_full("id", selector.id))
        for attribute in ("mode", "auth", "identity", "data", "protocol"):
            values = getattr(selector, attribute)
            if values is not None:
                checks.append(_in(attribute, values))
        for attribute, end in (("from_", "from_"), ("to", "to")):
            chosen = getattr(selector, attribute)
            if chosen is not None:
                # Evaluated once per system, not once per integration.
                chosen_test = system_test(chosen, graph)
                checks.append(_in(end, [s.id for s in graph.systems.values() if chosen_test(s)]))
        _labels_checks(checks, selector.labels)
        if selector.differs is not None:
            checks.append(_ends(selector.differs, graph, differ=True))
        if selector.same is not None:
            checks.append(_ends(selector.same, graph, differ=False))
        if selector.not_ is not None:
            inner = integration_test(selector.not_, graph)
            checks.append(_negate(inner))
        tests.append(_all(checks))
    return _any(tests)


def boundary_test(
    selectors: Sequence[BoundarySelector], graph: ArchitectureGraph
) -> Callable[[Boundary], bool]:
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.id is not None:
            checks.append(_full("id", selector.id))
        if selector.trust is not None:
            checks.append(_in("trust", selector.trust))
        if selector.clearance is not None:
            checks.append(_in("clearance", selector.clearance))
        _labels_checks(checks, selector.labels)
        if selector.not_ is not None:
            inner = boundary_test(selector.not_, graph)
            checks.append(_negate(inner))
        tests.append(_all(checks))
    return _any(tests)


def owner_test(
    selectors: Sequence[OwnerSelector], graph: ArchitectureGraph
) -> Callable[[Owner], bool]:
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.id is not None:
            checks.append(_full("id", selector.id))
        if selector.kind is not None:
            checks.append(_in("kind", selector.kind))
        if selector.function is not None:
            checks.append(_in("function", selector.function))
        _labels_checks(checks, selector.labels)
        if selector.not_ is not None:
            inner = owner_test(selector.not_, graph)
            checks.append(_negate(inner))
        tests.append(_all(checks))
    return _any(tests)


def evidence_test(
    selectors: Sequence[EvidenceSelector], graph: ArchitectureGraph
) -> Callable[[Evidence], bool]:
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.id is not None:
            checks.append(_full("id", selector.id))
        if selector.kind is not None:
            checks.append(_in("kind", selector.kind))
        if selector.status is not None:
            checks.append(_in("status", selector.status))
        if selector.title is not None:
            checks.append(_full("title", selector.title))
        _owner_ref(checks, "owner", selector.owner, graph)
        _owner_ref(checks, "approved_by", selector.approved_by, graph)
        if selector.not_ is not None:
            checks.append(_negate(evidence_test(selector.not_, graph)))
        tests.append(_all(checks))
    return _any(tests)


def kpi_test(selectors: Sequence[KpiSelector], graph: ArchitectureGraph) -> Callable[[Kpi], bool]:
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.id is not None:
            checks.append(_full("id", selector.id))
        _owner_ref(checks, "owner", selector.owner, graph)
        if selector.not_ is not None:
            checks.append(_negate(kpi_test(selector.not_, graph)))
        tests.append(_all(checks))
    return _any(tests)


def gate_test(
    selectors: Sequence[GateSelector], graph: ArchitectureGraph
) -> Callable[[Gate], bool]:
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.id is not None:
            checks.append(_full("id", selector.id))
        if selector.action is not None:
            checks.append(_in("action", selector.action))
        if selector.kpi is not None:
            checks.append(_in("kpi", selector.kpi))
        _owner_ref(checks, "decided_by", selector.decided_by, graph)
        if selector.not_ is not None:
            checks.append(_negate(gate_test(selector.not_, graph)))
        tests.append(_all(checks))
    return _any(tests)


def waiver_test(
    selectors: Sequence[WaiverSelector], graph: ArchitectureGraph
) -> Callable[[Waiver], bool]:
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.rule is not None:
            checks.append(_full("rule", selector.rule))
        if selector.target is not None:
            checks.append(_full("target", selector.target))
        _owner_ref(checks, "approved_by", selector.approved_by, graph)
        if selector.not_ is not None:
            checks.append(_negate(waiver_test(selector.not_, graph)))
        tests.append(_all(checks))
    return _any(tests)


# -- describing, for documentation and messages -----------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def _scalar(value: str) -> str:
    if _PLAIN.fullmatch(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def _value(value: Any) -> str:
    if isinstance(value, Regex):
        return _scalar(value.pattern)
    if isinstance(value, dict):  # label conditions
        return "{" + ", ".join(match.describe() for match in value.values()) + "}"
    if isinstance(value, tuple):
        return (
            _scalar(value[0])
            if len(value) == 1
            else "[" + ", ".join(_scalar(v) for v in value) + "]"
        )
    if isinstance(value, list):  # a nested selector: one mapping, or a list of them
        return (
            describe(value)
            if len(value) == 1
            else "[" + ", ".join(describe([v]) for v in value) + "]"
        )
    return _scalar(str(value))


def describe(selectors: Sequence[Strict]) -> str:
    """The selector as flow-style YAML, e.g. ``{kind: channel} or {trust: untrusted}``."""
    parts = []
    for selector in selectors:
        fields = []
        for name, info in type(selector).model_fields.items():
            value = getattr(selector, name)
            if value is not None:
                fields.append(f"{info.alias or name}: {_value(value)}")
        parts.append("{" + ", ".join(fields) + "}")
    return " or ".join(parts)


def service_test(
    selectors: Sequence[ServiceSelector], graph: ArchitectureGraph
) -> Callable[[Service], bool]:
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.id is not None:
            checks.append(_full("id", selector.id))
        if selector.critical is not None:
            checks.append(_is_critical(selector.critical))
        _owner_ref(checks, "owner", selector.owner, graph)
        _labels_checks(checks, selector.labels)
        if selector.not_ is not None:
            checks.append(_negate(service_test(selector.not_, graph)))
        tests.append(_all(checks))
    return _any(tests)


def _is_critical(wanted: bool) -> Test:
    return lambda service: bool(service.critical) is wanted
