"""The blueprint format, version 1 (spec sections 1-9), as strict pydantic v2 models.

One ``Document`` model describes one file as written (top-level or included);
:mod:`cadee.load` merges documents into a :class:`Blueprint`. Strictness follows
spec 13.4: no type coercion, unknown keys rejected, explicit nulls rejected.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import inspect
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cadee.diagnostics import Location

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
ID_RE = re.compile(ID_PATTERN)
SUPPORTED_VERSIONS = (1,)

SYSTEMS_OF_RECORD = frozenset({"core-banking", "crm", "risk"})
AI_COMPONENTS = frozenset({"model", "agent"})

Status = Literal["draft", "pilot", "production", "retired"]
OwnerKind = Literal["team", "person", "role"]
Function = Literal[
    "operations",
    "compliance",
    "customer-advisory",
    "technology",
    "risk",
    "security",
    "data",
    "business",
]
Trust = Literal["untrusted", "external", "internal", "restricted"]
DataLevel = Literal["public", "internal", "confidential", "restricted"]
SystemKind = Literal[
    "channel",
    "gateway",
    "model",
    "agent",
    "core-banking",
    "crm",
    "risk",
    "data-store",
    "service",
    "human-desk",
    "identity-provider",
    "external",
]
Environment = Literal["production", "staging", "development", "sandbox"]
Criticality = Literal["tier-1", "tier-2", "tier-3"]
Trigger = Literal["timeout", "error", "low-confidence", "policy-block", "outage"]
Mode = Literal["sync", "async", "batch"]
Auth = Literal[
    "none", "mtls", "oauth2", "oidc", "saml", "api-key", "service-account", "kerberos", "jwt"
]
Identity = Literal["service", "end-user", "on-behalf-of"]
EvidenceKind = Literal[
    "integration-map", "identity-access-fallback", "runtime-observability", "other"
]
EvidenceStatus = Literal["draft", "in-review", "approved"]
Direction = Literal["increase", "decrease"]
GateAction = Literal["pause", "scale", "redesign"]
ApprovalDecision = Literal["approved", "approved-with-conditions", "rejected"]

SYSTEM_KINDS: tuple[str, ...] = get_args(SystemKind)
EVIDENCE_KINDS: tuple[str, ...] = get_args(EvidenceKind)
REQUIRED_EVIDENCE_KINDS = EVIDENCE_KINDS[:3]
DATA_LEVELS: tuple[str, ...] = get_args(DataLevel)
#: Order of data classifications, for "above the clearance" comparisons.
DATA_RANK = {level: rank for rank, level in enumerate(DATA_LEVELS)}


def _reject_null(value: Any) -> Any:
    # Spec 13.3: only an absent key takes a default; `key:` with no value is an error.
    if value is None:
        raise PydanticCustomError("null_value", "null value: write a value or remove the key")
    return value


def _as_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_type", "expected a date (YYYY-MM-DD), not a timestamp")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_invalid", "not a calendar date") from None
    raise PydanticCustomError("date_type", "expected a date (YYYY-MM-DD)")


NotNull = BeforeValidator(_reject_null)
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
OptId = Annotated[Id | None, NotNull]
OptStr = Annotated[str | None, NotNull]
OptBool = Annotated[bool | None, NotNull]
IdList = Annotated[list[Id] | None, NotNull]
#: Label keys (spec 1.1 D): lowercase letters, digits, '.', '/', '-', at most 63 characters.
LABEL_KEY_PATTERN = r"^[a-z0-9]([a-z0-9./-]{0,61}[a-z0-9])?$"
LABEL_KEY_RE = re.compile(LABEL_KEY_PATTERN)
MAX_LABELS = 64
MAX_LABEL_CHARS = 128


def _label_key(value: Any) -> str:
    if not isinstance(value, str) or not LABEL_KEY_RE.match(value):
        shown = repr(value[:40]) if isinstance(value, str) else "key"
        raise PydanticCustomError(
            "label_key",
            "invalid label key {key}: lowercase letters, digits, '.', '/' or '-', starting and ending "
            "with a letter or digit, at most 63 characters",
            {"key": shown},
        )
    return value


def _label_value(value: Any) -> str:
    if value is None:
        raise PydanticCustomError(
            "null_value", 'null value: write a value ("" for none) or remove the label'
        )
    if not isinstance(value, str):
        kind = (
            "a boolean"
            if isinstance(value, bool)
            else "a number"
            if isinstance(value, (int, float))
            else "not text"
        )
        raise PydanticCustomError(
            "label_value", "label values are strings, this is {kind}: quote it", {"kind": kind}
        )
    if len(value) > MAX_LABEL_CHARS:
        raise PydanticCustomError(
            "label_value",
            "label value of {length} characters; at most {limit}",
            {"length": len(value), "limit": MAX_LABEL_CHARS},
        )
    return value


def _labels(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("null_value", "null value: write labels or remove the key")
    if isinstance(value, dict) and len(value) > MAX_LABELS:
        raise PydanticCustomError(
            "labels_count",
            "{count} labels; an item has at most {limit}",
            {"count": len(value), "limit": MAX_LABELS},
        )
    return value


LabelKey = Annotated[str, PlainValidator(_label_key)]
LabelValue = Annotated[str, PlainValidator(_label_value)]
Labels = Annotated[
    dict[LabelKey, LabelValue] | None,
    BeforeValidator(_labels),
    WithJsonSchema(
        {
            "type": "object",
            "description": "organisation labels that rule packs select on (spec 1.1 D)",
            "maxProperties": MAX_LABELS,
            "propertyNames": {"pattern": LABEL_KEY_PATTERN},
            "additionalProperties": {"type": "string", "maxLength": MAX_LABEL_CHARS},
        }
    ),
]


def _number(value: Any) -> Any:
    # int or float, never a bool (spec 13.4), never NaN or infinity; an int beyond
    # the float range (a 400-digit value) could not be averaged, charted or compared.
    if type(value) is int:
        if abs(value) > sys.float_info.max:
            raise PydanticCustomError("finite_number", "number too large (at most about 1.8e308)")
        return value
    if type(value) is float and math.isfinite(value):
        return value
    if type(value) is float:
        raise PydanticCustomError("finite_number", "expected a finite number")
    raise PydanticCustomError("number_type", "expected a number")


Number = Annotated[int | float, BeforeValidator(_number), WithJsonSchema({"type": "number"})]
OptNumber = Annotated[Number | None, NotNull]
Date = Annotated[dt.date, BeforeValidator(_as_date)]


def check_version(value: int, what: str, versions: tuple[int, ...] = SUPPORTED_VERSIONS) -> int:
    """A file's format version, refused with the versions this cadee reads."""
    if value not in versions:
        supported = ", ".join(str(v) for v in versions)
        raise PydanticCustomError(
            "cadee_version",
            "unsupported {what} version {version}; this cadee reads version {supported}",
            {"what": what, "version": value, "supported": supported},
        )
    return value


@functools.cache
def _module_docstrings(module: str) -> dict[str, dict[str, str]]:
    """Attribute docstrings (a string right after an annotated attribute) of every
    class of a module, by class name: the module's source parsed once."""
    try:
        tree = ast.parse(inspect.getsource(sys.modules[module]))
    except (KeyError, OSError, TypeError, SyntaxError):
        return {}
    found: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            found[node.name] = _class_docstrings(node.body)
    return found


def _class_docstrings(body: list[ast.stmt]) -> dict[str, str]:
    # As pydantic's `use_attribute_docstrings` reads them: `name: type` then a string,
    # also inside `if` blocks, not inside nested classes or functions.
    docs: dict[str, str] = {}
    target: str | None = None
    for statement in body:
        if isinstance(statement, ast.If):
            docs.update(_class_docstrings(statement.body))
            docs.update(_class_docstrings(statement.orelse))
            target = None
        elif isinstance(statement, ast.AnnAssign):
            target = statement.target.id if isinstance(statement.target, ast.Name) else None
            continue
        elif (
            target
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            docs[target] = inspect.cleandoc(statement.value.value)
        target = None
    return docs


class Strict(BaseModel):
    """Base of every blueprint model: strict types, no unknown keys.

    Attribute docstrings become field descriptions (the JSON Schema, editor
    hovers) as pydantic's ``use_attribute_docstrings`` would make them, but
    from one parse of each module instead of one per class, which cost about
    150 ms of start-up over the blueprint and selector models. The schema is
    built on first use (``defer_build``), after the descriptions are in.
    A family of models whose descriptions nothing shows sets ``field_docs``
    to False and skips the parse.
    """

    #: Read the attribute docstrings of this class and its subclasses into field descriptions.
    field_docs: ClassVar[bool] = True

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        populate_by_name=False,
        defer_build=True,
        # Messages are built from error types; never keep input in errors.
        hide_input_in_errors=True,
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if not cls.field_docs:
            return
        docs = _module_docstrings(cls.__module__).get(cls.__name__, {})
        for name, info in cls.__pydantic_fields__.items():
            if info.description is None and name in docs:
                info.description = docs[name]

    def model_post_init(self, context: Any, /) -> None:
        """Share one fields-set among the instances that set the same fields.

        Pydantic gives every instance its own set of the field names it was
        given: about 700 bytes for an integration, 330 MB on an estate of 100k
        systems, more than the field values themselves. When validated with
        :func:`sharing_context` (the loader does), instances with equal sets
        share the first one; ``__setattr__`` gives an instance its own copy
        before pydantic adds to it, so ``model_fields_set`` reads as before.
        """
        if type(context) is _SharingContext:
            fields = self.__pydantic_fields_set__
            shared = context.setdefault(frozenset(fields), fields)
            if shared is not fields:
                _set_fields_set(self, shared)

    def __setattr__(self, name: str, value: Any) -> None:
        _set_fields_set(self, set(self.__pydantic_fields_set__))  # it may be shared
        super().__setattr__(name, value)


class _SharingContext(dict[frozenset[str], set[str]]):
    """The fields-sets met so far in one validation (see ``Strict.model_post_init``)."""


def sharing_context() -> dict[frozenset[str], set[str]]:
    """A validation context under which models share equal fields-sets (one per load)."""
    return _SharingContext()


#: Sets a model's fields-set (the slot's own setter, as pydantic's ``_object_setattr``).
_set_fields_set: Callable[[BaseModel, set[str]], None] = BaseModel.__dict__[
    "__pydantic_fields_set__"
].__set__


class Item(Strict):
    """A list item defined somewhere in a file; ``location`` names where.

    ``location`` is a slot of every item, set once by the loader with
    :data:`set_location`. It is not a pydantic field (users cannot write it,
    and it is never validated, dumped or compared) and not a private
    attribute, which would cost a Python call per item during validation
    (see docs/performance.md). The annotation is for type checkers only:
    pydantic would make a field of it.
    """

    __slots__ = ("location",)
    if TYPE_CHECKING:
        location: Location


#: ``set_location(item, location)`` records where an item is written: the slot's own
#: setter, called from C (no pydantic ``__setattr__``, no Python frame per item).
set_location: Callable[[Item, Location], None] = Item.__dict__["location"].__set__


class BlueprintMeta(Strict):
    """Metadata of the whole workflow (spec section 2)."""

    id: Id
    title: str
    description: OptStr = None
    industry: OptStr = None
    use_case: OptStr = None
    version: OptStr = None
    status: Annotated[Status, NotNull] = "draft"
    owner: OptId = None
    """Accountable owner of the whole workflow (rule OWN002)."""
    approvers: IdList = None
    """Default change approvers for every system without its own."""
    live_since: Annotated[Date | None, NotNull] = None
    """The rollout date: measurements before it are "before", on or after it "after" (spec 1.1 A1)."""


class Owner(Item):
    """A team, person or role (spec section 3)."""

    id: Id
    name: str
    kind: Annotated[OwnerKind, NotNull] = "team"
    function: Annotated[Function | None, NotNull] = None
    contact: OptStr = None
    labels: Labels = None


class Boundary(Item):
    """An identity and trust boundary (spec section 4)."""

    id: Id
    name: OptStr = None
    trust: Trust
    identity_provider: OptId = None
    clearance: Annotated[DataLevel, NotNull] = "internal"
    labels: Labels = None


class FallbackStep(Strict):
    """One entry of a fallback chain: a system id, or ``{to, when}``."""

    to: Id
    when: Annotated[list[Trigger] | None, NotNull] = None


def _fallback_entry(value: Any) -> Any:
    if value is None:
        return _reject_null(value)
    if isinstance(value, str):
        return {"to": value}
    return value


FallbackEntry = Annotated[
    FallbackStep,
    BeforeValidator(_fallback_entry),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": ID_PATTERN, "description": "a system id"},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["to"],
                    "properties": {
                        "to": {"type": "string", "pattern": ID_PATTERN},
                        "when": {"type": "array", "items": {"enum": list(get_args(Trigger))}},
                    },
                },
            ]
        }
    ),
]


class Observability(Strict):
    """Runtime observability of a system (spec section 5)."""

    logs: OptBool = None
    metrics: OptBool = None
    traces: OptBool = None
    slo: OptStr = None
    runbook: OptStr = None
    dashboard: OptStr = None
    oncall: OptId = None


class System(Item):
    """A runtime component (spec section 5)."""

    id: Id
    name: str = Field(default="", json_schema_extra={"default": None})
    """Display name; the loader sets it to the id when absent."""
    kind: SystemKind
    description: OptStr = None
    boundary: OptId = None
    owner: OptId = None
    approvers: IdList = None
    environment: Annotated[Environment, NotNull] = "production"
    criticality: Annotated[Criticality, NotNull] = "tier-2"
    redundancy: Annotated[int, NotNull, Field(ge=1)] = 1
    vendor: OptStr = None
    fallback: Annotated[list[FallbackEntry] | None, NotNull] = None
    observability: Annotated[Observability | None, NotNull] = None
    needs: IdList = None
    """Hard runtime dependencies: this system does not work while one of them is down (spec 1.1 C1)."""
    recovery_minutes: Annotated[int | None, NotNull, Field(ge=1)] = None
    """The system's recovery time objective, in minutes (spec 1.1 C1)."""
    labels: Labels = None

    @property
    def is_system_of_record(self) -> bool:
        return self.kind in SYSTEMS_OF_RECORD

    @property
    def is_ai(self) -> bool:
        return self.kind in AI_COMPONENTS


class Integration(Item):
    """A directed call between two systems (spec section 6)."""

    id: str = Field(default="", pattern=ID_PATTERN, json_schema_extra={"default": None})
    """The loader sets ``<from>-><to>`` when absent; required when two integrations share both ends."""
    from_: Id = Field(alias="from")
    to: Id
    description: OptStr = None
    protocol: OptStr = None
    mode: Annotated[Mode, NotNull] = "sync"
    auth: Annotated[Auth | None, NotNull] = None
    identity: Annotated[Identity, NotNull] = "service"
    data: Annotated[DataLevel, NotNull] = "internal"
    timeout_ms: Annotated[int | None, NotNull, Field(gt=0)] = None
    labels: Labels = None


class Evidence(Item):
    """An evidence artifact the blueprint must produce (spec section 7)."""

    id: Id
    kind: EvidenceKind
    title: OptStr = None
    owner: OptId = None
    status: Annotated[EvidenceStatus, NotNull] = "draft"
    approved_by: OptId = None


class Measurement(Strict):
    """One measured value of a KPI, dated by the first day of the period it covers (spec 1.1 A1)."""

    date: Date
    value: Number
    note: OptStr = None


class Kpi(Item):
    """A measure compared before and after rollout (spec section 7)."""

    id: Id
    name: str
    unit: OptStr = None
    baseline: OptNumber = None
    target: OptNumber = None
    direction: Annotated[Direction | None, NotNull] = None
    owner: OptId = None
    measurements: Annotated[list[Measurement] | None, NotNull] = None
    """Measured values; merged with those of ``measurements_file``."""
    measurements_file: OptStr = None
    """A CSV file (`date,value` or `date,value,note`), relative to this file, confined like includes."""


class GateTrigger(Strict):
    """A machine-evaluable condition on the gate's KPI (spec 1.1 A3)."""

    below: OptNumber = None
    above: OptNumber = None
    for_days: Annotated[int | None, NotNull, Field(ge=1)] = None
    """The window: measurements dated from as-of minus for_days plus 1 to as-of."""
    min_points: Annotated[int | None, NotNull, Field(ge=1)] = None
    """Fewer measurements in the window give `no-data` (default 2 with for_days, else 1)."""

    @model_validator(mode="after")
    def _one_threshold(self) -> GateTrigger:
        if (self.below is None) == (self.above is None):
            raise PydanticCustomError(
                "trigger_threshold", "a trigger holds exactly one of `below` or `above`"
            )
        return self

    @property
    def points_needed(self) -> int:
        if self.min_points is not None:
            return self.min_points
        return 2 if self.for_days is not None else 1


class Gate(Item):
    """When leadership must pause, scale or redesign (spec section 7)."""

    id: Id
    action: GateAction
    when: str
    kpi: OptId = None
    threshold: OptNumber = None
    decided_by: OptId = None
    trigger: Annotated[GateTrigger | None, NotNull] = None
    """Evaluated against the KPI's measurements: triggered, clear or no-data; manual without it."""


class Approval(Item):
    """One sign-off of a version of the architecture (spec 1.1 A4)."""

    by: Id
    version: str
    date: Date
    decision: ApprovalDecision
    note: OptStr = None


class Service(Item):
    """A business service the channels deliver (spec 1.1 C1)."""

    id: Id
    name: str
    owner: OptId = None
    channels: Annotated[list[Id], Field(min_length=1)]
    """Systems of kind `channel` through which the service is delivered."""
    requires: IdList = None
    """Systems one channel must reach for the service to be delivered (e.g. core banking)."""
    critical: Annotated[bool, NotNull] = False
    """A critical or important function in DORA's sense (rule ARC008)."""
    tolerance_minutes: Annotated[int | None, NotNull, Field(ge=1)] = None
    """The longest disruption the bank tolerates, in minutes."""
    labels: Labels = None


class Waiver(Item):
    """An accepted, time-boxed exception to a rule (spec section 8)."""

    rule: str
    target: str
    reason: str
    approved_by: Id
    expires: Date

    @property
    def key(self) -> str:
        """``<rule>:<target>``, the target of WVR findings."""
        return f"{self.rule}:{self.target}"


class Document(Strict):
    """One blueprint file as written: the top-level file or an included catalog."""

    model_config = ConfigDict(title="cadee blueprint, format version 1")

    cadee: int
    """Format version; must be 1."""
    blueprint: Annotated[BlueprintMeta | None, NotNull] = None
    include: Annotated[list[str] | None, NotNull] = None
    owners: Annotated[list[Owner] | None, NotNull] = None
    boundaries: Annotated[list[Boundary] | None, NotNull] = None
    systems: Annotated[list[System] | None, NotNull] = None
    integrations: Annotated[list[Integration] | None, NotNull] = None
    evidence: Annotated[list[Evidence] | None, NotNull] = None
    kpis: Annotated[list[Kpi] | None, NotNull] = None
    gates: Annotated[list[Gate] | None, NotNull] = None
    waivers: Annotated[list[Waiver] | None, NotNull] = None
    approvals: Annotated[list[Approval] | None, NotNull] = None
    services: Annotated[list[Service] | None, NotNull] = None

    @field_validator("cadee")
    @classmethod
    def _supported_version(cls, value: int) -> int:
        return check_version(value, "format")


#: The lists a document can hold, in merge order, with their item model.
LIST_FIELDS: dict[str, type[Item]] = {
    "owners": Owner,
    "boundaries": Boundary,
    "systems": System,
    "integrations": Integration,
    "evidence": Evidence,
    "kpis": Kpi,
    "gates": Gate,
    "waivers": Waiver,
    "approvals": Approval,
    "services": Service,
}


@dataclass(frozen=True, slots=True)
class MeasuredValue:
    """A measurement of a KPI with where it was written (the blueprint or a CSV file)."""

    date: dt.date
    value: int | float
    note: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file read for a blueprint, for provenance."""

    path: str
    sha256: str


@dataclass(slots=True)
class Blueprint:
    """A loaded, valid blueprint: the top-level file with every include merged in.

    Lists are in declaration order (spec 13.10): a file's own items first,
    then each included file depth-first in listed order.
    """

    meta: BlueprintMeta
    path: str
    location: Location
    owners: list[Owner] = field(default_factory=list)
    boundaries: list[Boundary] = field(default_factory=list)
    systems: list[System] = field(default_factory=list)
    integrations: list[Integration] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    #: Every measurement of each KPI (inline and from its CSV file), by KPI id, sorted by date.
    measurements: dict[str, list[MeasuredValue]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.meta.id
