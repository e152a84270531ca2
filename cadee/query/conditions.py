"""Field conditions of the ``require`` template: which fields exist, how to read and judge them.

:data:`FIELDS` names every field ``require`` can test, per list, with its
:class:`FieldSpec` (its type, and how to read it from an item);
:data:`CONDITIONS_FOR` says which condition keys fit which field type (the
pack loader checks it, with locations). :class:`Condition` is what a field
must look like; :func:`check_condition` judges a value and words what it
fails, :func:`describe_condition` words the condition for documentation.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import Field, PlainValidator
from pydantic_core import PydanticCustomError

from cadee.graph import ArchitectureGraph
from cadee.model import (
    DATA_LEVELS,
    LABEL_KEY_RE,
    Auth,
    Direction,
    Environment,
    EvidenceKind,
    EvidenceStatus,
    Function,
    GateAction,
    Identity,
    Mode,
    NotNull,
    OwnerKind,
    SystemKind,
    Trust,
)
from cadee.query.selectors import Pattern, QueryModel
from cadee.text import shorten

__all__ = [
    "CONDITIONS_FOR",
    "FIELDS",
    "Condition",
    "FieldSpec",
    "check_condition",
    "describe_condition",
    "field_spec",
    "read_field",
]


# -- the condition, as written in a pack --------------------------------------------------


def _scalar(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("null_value", "null value: write a value or remove the key")
    if isinstance(value, (str, bool, int)) and not isinstance(value, float):
        return value
    raise PydanticCustomError("scalar_type", "expected a string, an integer or a boolean")


def _true(value: Any) -> bool:
    if value is not True:
        raise PydanticCustomError("non_empty", "write `non-empty: true` (or remove the key)")
    return True


Scalar = Annotated[Any, PlainValidator(_scalar)]


class Condition(QueryModel):
    """What a field of a selected item must look like; every written key must hold."""

    present: Annotated[bool | None, NotNull] = None
    """The key is written (``true``) or not written (``false``); defaults do not count."""
    non_empty: Annotated[bool | None, PlainValidator(_true)] = Field(
        default=None, alias="non-empty"
    )
    """A string or list with at least one character or entry."""
    equals: Annotated[Scalar | None, NotNull] = None
    one_of: Annotated[list[Scalar] | None, NotNull, Field(min_length=1)] = Field(
        default=None, alias="one-of"
    )
    at_least: Annotated[Scalar | None, NotNull] = Field(default=None, alias="at-least")
    """A number, an ordered level (data, clearance, criticality, trust) or a list's length."""
    at_most: Annotated[Scalar | None, NotNull] = Field(default=None, alias="at-most")
    regex: Annotated[Pattern | None, NotNull] = None
    """Matched against the whole value (RE2 syntax, linear time)."""
    when_present: Annotated[bool | None, NotNull] = Field(default=None, alias="when-present")
    """``true``: the other conditions apply only when the key is written (``timeout_ms`` at most 5000, if set)."""


# -- the fields ---------------------------------------------------------------------------

#: Reads a field cadee computes (defaults, resolved references) from the graph and an item.
Derive = Callable[[ArchitectureGraph, Any], Any]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field ``require`` can test: its type and how to read it from an item.

    ``kind`` is ``text``, ``enum`` (``levels`` are its values), ``ordered``
    (``levels`` from lowest to highest), ``int``, ``number``, ``bool``, ``list`` or
    ``object``. ``attribute`` is the model attribute when it differs from the
    field's name, ``nested`` the key inside ``observability``, and ``derive``
    computes the value cadee uses when it is not the attribute as written.
    """

    kind: str
    levels: tuple[str, ...] = ()
    attribute: str = ""
    nested: str = ""
    derive: Derive | None = field(default=None, compare=False)
    label: str = ""
    """The label key, for ``labels.KEY`` fields."""


def _levels(literal: Any) -> tuple[str, ...]:
    return tuple(typing.get_args(literal))


def _approvers(graph: ArchitectureGraph, system: Any) -> Any:
    return graph.effective_approvers(system)


def _fallback(graph: ArchitectureGraph, system: Any) -> Any:
    return [step.to for step in system.fallback] if system.fallback is not None else None


_TEXT = FieldSpec("text")
_INT = FieldSpec("int")
_LIST = FieldSpec("list")
_OBSERVABILITY = {
    **{
        f"observability.{name}": FieldSpec("bool", nested=name)
        for name in ("logs", "metrics", "traces")
    },
    **{
        f"observability.{name}": FieldSpec("text", nested=name)
        for name in ("slo", "runbook", "dashboard", "oncall")
    },
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
        "approvers": FieldSpec("list", derive=_approvers),
        "environment": FieldSpec("enum", _levels(Environment)),
        "criticality": FieldSpec("ordered", ("tier-3", "tier-2", "tier-1")),
        "redundancy": _INT,
        "vendor": _TEXT,
        "fallback": FieldSpec("list", derive=_fallback),
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
    "evidence": {
        "id": _TEXT,
        "kind": FieldSpec("enum", _levels(EvidenceKind)),
        "title": _TEXT,
        "owner": _TEXT,
        "status": FieldSpec("enum", _levels(EvidenceStatus)),
        "approved_by": _TEXT,
    },
    "kpis": {
        "id": _TEXT,
        "name": _TEXT,
        "unit": _TEXT,
        "baseline": FieldSpec("number"),
        "target": FieldSpec("number"),
        "direction": FieldSpec("enum", _levels(Direction)),
        "owner": _TEXT,
        "measurements_file": _TEXT,
    },
    "gates": {
        "id": _TEXT,
        "action": FieldSpec("enum", _levels(GateAction)),
        "when": _TEXT,
        "kpi": _TEXT,
        "threshold": FieldSpec("number"),
        "decided_by": _TEXT,
        "trigger": FieldSpec("object"),
    },
    "waivers": {
        "rule": _TEXT,
        "target": _TEXT,
        "reason": _TEXT,
        "approved_by": _TEXT,
        "expires": FieldSpec("text", derive=lambda graph, waiver: waiver.expires.isoformat()),
    },
    "services": {
        "id": _TEXT,
        "name": _TEXT,
        "owner": _TEXT,
        "channels": FieldSpec("list"),
        "requires": FieldSpec("list"),
        "critical": FieldSpec("bool"),
        "tolerance_minutes": _INT,
    },
}

#: The lists whose items carry ``labels`` (spec 1.1 D): ``require`` can test ``labels.KEY``.
LABELLED = frozenset({"systems", "integrations", "boundaries", "owners", "services"})
_LABEL_PREFIX = "labels."


def field_spec(subject: str, name: str) -> FieldSpec | None:
    """The field ``name`` of list ``subject`` (``labels.KEY`` on labelled lists), or ``None``."""
    spec = FIELDS.get(subject, {}).get(name)
    if spec is not None:
        return spec
    if (
        subject in LABELLED
        and name.startswith(_LABEL_PREFIX)
        and LABEL_KEY_RE.match(name[len(_LABEL_PREFIX) :])
    ):
        return FieldSpec("text", label=name[len(_LABEL_PREFIX) :])
    return None


#: Which condition keys fit which field kinds (checked when a pack is loaded).
CONDITIONS_FOR: dict[str, frozenset[str]] = {
    "text": frozenset({"present", "non-empty", "equals", "one-of", "regex"}),
    "enum": frozenset({"present", "equals", "one-of", "regex"}),
    "ordered": frozenset({"present", "equals", "one-of", "at-least", "at-most", "regex"}),
    "int": frozenset({"present", "equals", "one-of", "at-least", "at-most"}),
    "number": frozenset({"present", "equals", "one-of", "at-least", "at-most"}),
    "bool": frozenset({"present", "equals"}),
    "list": frozenset({"present", "non-empty", "at-least", "at-most"}),
    "object": frozenset({"present"}),
}


def read_field(graph: ArchitectureGraph, item: Any, name: str, spec: FieldSpec) -> tuple[bool, Any]:
    """(present, value) of field ``name`` on ``item``; value is ``None`` when cadee has none."""
    if spec.label:
        labels = item.labels or {}
        return spec.label in labels, labels.get(spec.label)
    if spec.nested:
        outer = item.observability
        if outer is None:
            return False, None
        return spec.nested in outer.model_fields_set, getattr(outer, spec.nested)
    attribute = spec.attribute or name
    present = attribute in item.model_fields_set
    if spec.derive is not None:
        return present, spec.derive(graph, item)
    return present, getattr(item, attribute)


# -- judging and wording ------------------------------------------------------------------


def _shown(value: Any) -> str:
    """A value as messages show it: ``true``, ``'text'`` (shortened), ``3``."""
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


def check_condition(
    field: str, spec: FieldSpec, condition: Condition, present: bool, value: Any
) -> list[str]:
    """The phrases for every condition ``value`` fails (empty when it meets them all)."""
    problems: list[str] = []
    name = f"`{field}`"
    if condition.when_present and not present:
        return problems
    if condition.present is True and not present:
        problems.append(f"{name} is absent")
    elif condition.present is False and present:
        problems.append(
            f"{name} is set ({_shown(value) if spec.kind not in ('list', 'object') else 'written'}), "
            "but must be absent"
        )
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
        problems.append(
            f"{name} is {_shown(value)}, must be one of: {', '.join(_shown(v) for v in condition.one_of)}"
        )
    if spec.kind == "list":
        count = f"{name} has {len(value)} entr{'y' if len(value) == 1 else 'ies'}"
        if condition.at_least is not None and _compare(spec, value, condition.at_least) < 0:
            problems.append(f"{count}, must have at least {condition.at_least}")
        if condition.at_most is not None and _compare(spec, value, condition.at_most) > 0:
            problems.append(f"{count}, must have at most {condition.at_most}")
    else:
        if condition.at_least is not None and _compare(spec, value, condition.at_least) < 0:
            problems.append(
                f"{name} is {_shown(value)}, must be at least {_shown(condition.at_least)}"
            )
        if condition.at_most is not None and _compare(spec, value, condition.at_most) > 0:
            problems.append(
                f"{name} is {_shown(value)}, must be at most {_shown(condition.at_most)}"
            )
    if condition.regex is not None and not condition.regex.matches(str(value)):
        problems.append(
            f"{name} {_shown(value)} does not match '{shorten(condition.regex.pattern, 60)}'"
        )
    return problems


def describe_condition(condition: Condition) -> str:
    """A condition in words, e.g. ``is present and matches 'DPA-[0-9]+'``."""
    words = []
    if condition.when_present:
        words.append("when written,")
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
    if condition.when_present:
        return words[0] + " " + " and ".join(words[1:])
    return " and ".join(words)
