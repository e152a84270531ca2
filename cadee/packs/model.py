"""The rule-pack file format, as strict pydantic models.

::

    cadee-rules: 1
    rules:
      - id: ACME001                       # organisation prefix + 3 digits
        name: payments-through-api-gateway
        severity: error                   # error | warning | info
        layer: architecture               # a CADEE layer
        summary: One line, shown in `cadee rules`.
        rationale: Why the bank cares.
        fix: How to fix a finding.
        references: [ACME Architecture Standard AS-7, section 3]
        mediated-path:                    # exactly one template key
          from: {kind: channel}
          to: {id: 'payments-.*'}
          through: {id: payments-api-gw}
        examples:
          failing: |                      # a whole blueprint where the rule fires
            cadee: 1
            ...
          passing: |                      # the same blueprint, fixed
            ...

Strictness is the blueprint's: unknown keys, wrong types and null values are
errors, and nothing is converted. Checks that need more than one key (one
template per rule, conditions that fit their field, ID collisions) live in
:mod:`cadee.packs.load`, which knows where each key was written.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, field_validator
from pydantic_core import PydanticCustomError

from cadee.model import NotNull, check_version
from cadee.query.messages import Message, parse_message
from cadee.query.selectors import QueryModel
from cadee.query.templates import (
    Count,
    Forbid,
    ForbidIntegration,
    MediatedPath,
    MustReach,
    Require,
    Template,
)

__all__ = [
    "LAYER_NAMES",
    "RULE_ID_PATTERN",
    "SUPPORTED_VERSIONS",
    "TEMPLATE_KEYS",
    "Examples",
    "PackFile",
    "PackRule",
]

SUPPORTED_VERSIONS = (1,)
#: An organisation prefix (a letter, then up to 9 letters or digits) and three digits.
RULE_ID_PATTERN = r"^[A-Z][A-Z0-9]{1,9}[0-9]{3}$"
RULE_ID_RE = re.compile(RULE_ID_PATTERN)
RULE_NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: The CADEE layers (the same tuple as ``cadee.rules.base.LAYERS``; a test keeps them equal).
LAYER_NAMES = ("compliance", "architecture", "data", "enablement", "evaluation")
#: The template keys of a rule, in documentation order.
TEMPLATE_KEYS = ("require", "forbid", "forbid-integration", "mediated-path", "must-reach", "count")

Layer = Literal["compliance", "architecture", "data", "enablement", "evaluation"]
Severity = Literal["error", "warning", "info"]


def _rule_id(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("rule_id", "expected a rule ID such as ACME001 (a string)")
    if not RULE_ID_RE.match(value):
        raise PydanticCustomError(
            "rule_id",
            "invalid rule ID {value}: an organisation prefix in capitals (a letter, then up to "
            "9 letters or digits) and three digits, e.g. ACME001",
            {"value": repr(value[:40])},
        )
    return value


def _rule_name(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "rule_name", "expected a rule name such as payments-through-gateway (a string)"
        )
    if len(value) > 64 or not RULE_NAME_RE.match(value):
        raise PydanticCustomError(
            "rule_name",
            "invalid rule name {value}: lowercase words joined by '-' (at most 64 characters), "
            "e.g. payments-through-gateway",
            {"value": repr(value[:40])},
        )
    return value


def _text(what: str, one_line: bool = False) -> PlainValidator:
    def validate(value: Any) -> str:
        if value is None:
            raise PydanticCustomError("null_value", "null value: write a value or remove the key")
        if not isinstance(value, str):
            raise PydanticCustomError("text_type", "expected {what} (a string)", {"what": what})
        text = value.strip()
        if not text:
            raise PydanticCustomError("text_empty", "{what} must not be empty", {"what": what})
        if one_line and "\n" in text:
            raise PydanticCustomError("text_line", "{what} is one line", {"what": what})
        # The text becomes a section of the rule's Markdown documentation.
        if re.search(r"^#{1,2} ", text, re.MULTILINE) or "```" in text:
            raise PydanticCustomError(
                "text_markdown",
                "{what} must not contain '# ', '## ' headings or ``` fences",
                {"what": what},
            )
        return text

    return PlainValidator(validate)


def _example(value: Any) -> str:
    if value is None:
        raise PydanticCustomError("null_value", "null value: write a blueprint or remove the key")
    if not isinstance(value, str):
        raise PydanticCustomError(
            "example_type", "expected a whole blueprint as a YAML string (write `failing: |`)"
        )
    if not value.strip():
        raise PydanticCustomError("example_empty", "the example is empty")
    if "```" in value:
        raise PydanticCustomError("example_fence", "an example must not contain ``` fences")
    return value if value.endswith("\n") else value + "\n"


def _references(value: Any) -> list[str]:
    if value is None:
        raise PydanticCustomError("null_value", "null value: write a value or remove the key")
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        raise PydanticCustomError(
            "references",
            "expected a non-empty list of the requirements the rule supports (policies, articles), as strings",
        )
    return [v.strip() for v in value]


class Examples(QueryModel):
    """Two whole, minimal blueprints: the rule fires on ``failing`` and not on ``passing``."""

    failing: Annotated[str, PlainValidator(_example)]
    passing: Annotated[str, PlainValidator(_example)]


class PackRule(QueryModel):
    """One organisation rule: identity, documentation, one template and its examples."""

    id: Annotated[str, PlainValidator(_rule_id)]
    name: Annotated[str, PlainValidator(_rule_name)]
    severity: Severity
    layer: Layer
    summary: Annotated[str, _text("the summary", one_line=True)]
    rationale: Annotated[str, _text("the rationale")]
    fix: Annotated[str, _text("the fix")]
    references: Annotated[list[str], PlainValidator(_references)]
    require: Annotated[Require | None, NotNull] = None
    forbid_integration: Annotated[ForbidIntegration | None, NotNull] = Field(
        default=None, alias="forbid-integration"
    )
    mediated_path: Annotated[MediatedPath | None, NotNull] = Field(
        default=None, alias="mediated-path"
    )
    must_reach: Annotated[MustReach | None, NotNull] = Field(default=None, alias="must-reach")
    count: Annotated[Count | None, NotNull] = None
    forbid: Annotated[Forbid | None, NotNull] = None
    message: Annotated[Message | None, PlainValidator(parse_message)] = None
    """The rule's own finding message, with placeholders (:mod:`cadee.query.messages`)."""
    examples: Examples

    @property
    def template(self) -> Template:
        """The rule's one template (load.py checks exactly one is written)."""
        for value in (
            self.require,
            self.forbid_integration,
            self.mediated_path,
            self.must_reach,
            self.count,
            self.forbid,
        ):
            if value is not None:
                return value
        raise ValueError(f"{self.id} has no template")


class PackFile(QueryModel):
    """A rule-pack file."""

    cadee_rules: int = Field(alias="cadee-rules")
    """Format version of the pack; must be 1."""
    rules: Annotated[list[PackRule], NotNull]

    @field_validator("cadee_rules")
    @classmethod
    def _supported_version(cls, value: int) -> int:
        return check_version(value, "rule-pack", SUPPORTED_VERSIONS)
