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
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, get_args

from pydantic import BeforeValidator, Field, PlainValidator
from pydantic_core import PydanticCustomError

from cadee.model import (
    ID_RE,
    Auth,
    Boundary,
    Criticality,
    DataLevel,
    Environment,
    Function,
    Identity,
    Integration,
    Mode,
    NotNull,
    Owner,
    OwnerKind,
    Strict,
    System,
    SystemKind,
    Trust,
)
from cadee.query.regex import Regex, compile_pattern
from cadee.text import shorten

__all__ = [
    "BoundarySelector",
    "IntegrationSelector",
    "OwnerSelector",
    "SystemSelector",
    "boundary_test",
    "describe",
    "integration_test",
    "owner_test",
    "system_test",
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
                    "selector_values", "expected a {name} or a non-empty list of them", {"name": name}
                )
            if choices is None:
                if not ID_RE.match(item):
                    raise PydanticCustomError(
                        "selector_id", "invalid {name} {value}: ids have at most 64 letters, digits, '_', '.' or '-'",
                        {"name": name, "value": repr(shorten(item, 40))},
                    )
            elif item not in choices:
                import difflib

                close = difflib.get_close_matches(item, choices, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise PydanticCustomError(
                    "selector_value",
                    "{value} is not a {name}; one of: {choices}{hint}",
                    {"value": repr(shorten(item, 40)), "name": name, "choices": ", ".join(choices), "hint": hint},
                )
        return tuple(dict.fromkeys(values))

    return PlainValidator(validate)


def _as_list(value: Any) -> Any:
    """A selector mapping is a list of one; an empty list would match nothing."""
    if value is None:
        raise PydanticCustomError("null_value", "null value: write a selector ({} matches everything)")
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and not value:
        raise PydanticCustomError(
            "selector_empty", "an empty list of selectors matches nothing; write {} to match everything"
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
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
        raise PydanticCustomError("selector_values", "expected a protocol or a non-empty list of them")
    return tuple(dict.fromkeys(values))


Protocols = Annotated[tuple[str, ...], PlainValidator(_protocols)]


class SystemSelector(Strict):
    """Systems whose every written condition holds."""

    kind: Annotated[Kinds | None, NotNull] = None
    id: Annotated[Pattern | None, NotNull] = None
    """Regular expression matched against the whole system id."""
    boundary: Annotated[BoundaryIds | None, NotNull] = None
    trust: Annotated[Trusts | None, NotNull] = None
    """Trust of the system's boundary; a system without a boundary never matches."""
    environment: Annotated[Environments | None, NotNull] = None
    criticality: Annotated[Criticalities | None, NotNull] = None
    owner: Annotated[OwnerIds | None, NotNull] = None
    vendor: Annotated[Pattern | None, NotNull] = None
    """Regular expression matched against the whole vendor; a system without one never matches."""
    not_: Annotated[SystemSelectors | None, NotNull] = Field(default=None, alias="not")


SystemSelectors = Annotated[list[SystemSelector], BeforeValidator(_as_list)]


class IntegrationSelector(Strict):
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
    not_: Annotated[IntegrationSelectors | None, NotNull] = Field(default=None, alias="not")


IntegrationSelectors = Annotated[list[IntegrationSelector], BeforeValidator(_as_list)]


class BoundarySelector(Strict):
    """Boundaries whose every written condition holds."""

    id: Annotated[Pattern | None, NotNull] = None
    trust: Annotated[Trusts | None, NotNull] = None
    clearance: Annotated[DataLevels | None, NotNull] = None
    not_: Annotated[BoundarySelectors | None, NotNull] = Field(default=None, alias="not")


BoundarySelectors = Annotated[list[BoundarySelector], BeforeValidator(_as_list)]


class OwnerSelector(Strict):
    """Owners whose every written condition holds."""

    id: Annotated[Pattern | None, NotNull] = None
    kind: Annotated[OwnerKinds | None, NotNull] = None
    function: Annotated[Functions | None, NotNull] = None
    not_: Annotated[OwnerSelectors | None, NotNull] = Field(default=None, alias="not")


OwnerSelectors = Annotated[list[OwnerSelector], BeforeValidator(_as_list)]

for _model in (SystemSelector, IntegrationSelector, BoundarySelector, OwnerSelector):
    _model.model_rebuild()


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


def _in(attribute: str, values: tuple[str, ...]) -> Test:
    wanted = frozenset(values)
    return lambda item: getattr(item, attribute) in wanted


def _full(attribute: str, pattern: Regex) -> Test:
    match = pattern.matches

    def test(item: Any) -> bool:
        value = getattr(item, attribute)
        return value is not None and match(value)

    return test


def system_test(selectors: Sequence[SystemSelector], boundaries: Mapping[str, Boundary]) -> Callable[[System], bool]:
    """A predicate over systems; ``boundaries`` resolves ``trust``."""
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.kind is not None:
            checks.append(_in("kind", selector.kind))
        if selector.id is not None:
            checks.append(_full("id", selector.id))
        if selector.boundary is not None:
            checks.append(_in("boundary", selector.boundary))
        if selector.trust is not None:
            trusted = frozenset(b.id for b in boundaries.values() if b.trust in selector.trust)
            checks.append(_in("boundary", tuple(trusted)))
        if selector.environment is not None:
            checks.append(_in("environment", selector.environment))
        if selector.criticality is not None:
            checks.append(_in("criticality", selector.criticality))
        if selector.owner is not None:
            checks.append(_in("owner", selector.owner))
        if selector.vendor is not None:
            checks.append(_full("vendor", selector.vendor))
        if selector.not_ is not None:
            inner = system_test(selector.not_, boundaries)
            checks.append(_negate(inner))
        tests.append(_all(checks))
    return _any(tests)


def integration_test(
    selectors: Sequence[IntegrationSelector],
    systems: Mapping[str, System],
    boundaries: Mapping[str, Boundary],
) -> Callable[[Integration], bool]:
    """A predicate over integrations; ``systems`` resolves ``from`` and ``to``."""
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
                matching = frozenset(s.id for s in systems.values() if system_test(chosen, boundaries)(s))
                checks.append(_in(end, tuple(matching)))
        if selector.not_ is not None:
            inner = integration_test(selector.not_, systems, boundaries)
            checks.append(_negate(inner))
        tests.append(_all(checks))
    return _any(tests)


def boundary_test(selectors: Sequence[BoundarySelector]) -> Callable[[Boundary], bool]:
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.id is not None:
            checks.append(_full("id", selector.id))
        if selector.trust is not None:
            checks.append(_in("trust", selector.trust))
        if selector.clearance is not None:
            checks.append(_in("clearance", selector.clearance))
        if selector.not_ is not None:
            inner = boundary_test(selector.not_)
            checks.append(_negate(inner))
        tests.append(_all(checks))
    return _any(tests)


def owner_test(selectors: Sequence[OwnerSelector]) -> Callable[[Owner], bool]:
    tests: list[Test] = []
    for selector in selectors:
        checks: list[Test] = []
        if selector.id is not None:
            checks.append(_full("id", selector.id))
        if selector.kind is not None:
            checks.append(_in("kind", selector.kind))
        if selector.function is not None:
            checks.append(_in("function", selector.function))
        if selector.not_ is not None:
            inner = owner_test(selector.not_)
            checks.append(_negate(inner))
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
    if isinstance(value, tuple):
        return _scalar(value[0]) if len(value) == 1 else "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, list):  # a nested selector: one mapping, or a list of them
        return describe(value) if len(value) == 1 else "[" + ", ".join(describe([v]) for v in value) + "]"
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
