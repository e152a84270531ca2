"""Read rule-pack files into rules; everything wrong comes back located.

A pack is validated like a blueprint: YAML syntax, unknown keys, wrong types,
bad selector values, bad regular expressions, rules with no or two
templates, conditions that do not fit their field, and rule IDs or names
that collide with the built-in catalog, with another rule of the pack, or
with another pack or plugin are all :class:`LoadError` with file:line:column
and the path inside the pack, all of them in one run.

A valid pack rule becomes a :class:`cadee.rules.base.Rule` whose
documentation (a :class:`RuleDoc`) is built from its summary, its template,
its rationale, its fix and its examples, and whose ``source`` is the pack's
path, so every report treats it like a built-in rule.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cadee.diagnostics import LoadError, Location
from cadee.errors import did_you_mean, format_error
from cadee.load import display_path
from cadee.packs.model import RULE_ID_RE, RULE_NAME_RE, TEMPLATE_KEYS, PackFile, PackRule
from cadee.query.conditions import CONDITIONS_FOR, FIELDS, LABELLED, FieldSpec, field_spec
from cadee.query.templates import SUBJECTS
from cadee.rules import RULES
from cadee.rules.base import Rule, parse_doc
from cadee.yamlload import Limits, YMap, YSeq, describe_type, load_yaml

__all__ = [
    "DEFAULT_PACK_NAMES",
    "ExampleMark",
    "Pack",
    "PackRuleInfo",
    "combine",
    "id_problem",
    "load_pack",
    "name_problem",
]

#: File names found without configuration (the first is the documented one).
DEFAULT_PACK_NAMES = ("cadee-rules.yaml", "cadee-rules.yml")
_SUBJECTS = tuple(SUBJECTS)
_VALUE_KEYS = ("equals", "one-of", "at-least", "at-most")


@dataclass(frozen=True, slots=True)
class ExampleMark:
    """Where an example blueprint is written in its pack, to locate its errors there.

    ``line``/``column`` are where the value starts; for a block scalar
    (``failing: |``) ``indent`` is the column its text starts at, and the
    example's line 1 is the pack's ``line + 1``.
    """

    file: str
    line: int
    column: int
    indent: int | None = None

    def locate(self, line: int, column: int) -> tuple[int, int]:
        """An example's position as a position in the pack."""
        if self.indent is None:
            return self.line, self.column
        return self.line + line, self.indent + column - 1


@dataclass(frozen=True, slots=True)
class PackRuleInfo:
    """A valid pack rule and where it was written."""

    rule: Rule
    location: Location
    id_location: Location
    name_location: Location
    examples: Mapping[str, ExampleMark]


@dataclass(slots=True)
class Pack:
    """One pack file: its rules when valid, else the errors that prevent them."""

    path: str
    rules: list[PackRuleInfo] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    sha256: str = ""

    @property
    def valid(self) -> bool:
        return not self.errors


def id_problem(rule_id: str, builtin: Mapping[str, Rule] = RULES) -> str | None:
    """Why ``rule_id`` cannot name an organisation rule, or ``None`` when it can."""
    if not RULE_ID_RE.match(rule_id):
        return (
            f"invalid rule ID {rule_id[:40]!r}: an organisation prefix in capitals and three digits, "
            "e.g. ACME001"
        )
    if rule_id in builtin:
        return (
            f"rule ID {rule_id} is a built-in rule ({builtin[rule_id].name}); organisation rules "
            "use their own prefix, e.g. ACME001"
        )
    families = {known[:-3] for known in builtin}
    if rule_id[:-3] in families:
        return (
            f"rule ID {rule_id} uses the prefix of the built-in {rule_id[:-3]} rules; organisation "
            "rules use their own prefix, e.g. ACME001"
        )
    return None


def name_problem(name: str, builtin: Mapping[str, Rule] = RULES) -> str | None:
    for known in builtin.values():
        if known.name == name:
            return f"rule name {name!r} is the name of the built-in rule {known.id}; choose another name"
    return None


class _PackLoader:
    def __init__(self, shown: str, text: str, builtin: Mapping[str, Rule]) -> None:
        self.shown = shown
        self.lines = text.splitlines()
        self.builtin = builtin
        self.errors: list[LoadError] = []

    def error(self, node: Any, key: Any, message: str, path: str, *, at_key: bool = False) -> None:
        """An error at ``node[key]`` (its value, or its key when ``at_key``), else at ``node``."""
        line, column = getattr(node, "line", 1), getattr(node, "column", 1)
        if isinstance(node, YMap) and key in node.key_marks:
            marks = node.key_marks[key]
            line, column = marks[:2] if at_key else marks[2:]
        elif isinstance(node, YSeq) and isinstance(key, int) and key < len(node.item_marks):
            line, column = node.item_marks[key]
        self.errors.append(LoadError(Location(self.shown, line, column, path), message))

    def load(self, raw: YMap) -> list[tuple[PackRule, YMap, int]]:
        try:
            document = PackFile.model_validate(raw)
        except ValidationError as exc:
            problems = exc.errors(include_url=False, include_input=False)
            for problem in problems:
                self.errors.append(format_error(problem, raw, self.shown, PackFile))
            broken = {tuple(p["loc"][:2]) for p in problems}
            raw_rules = raw.get("rules")
            kept: list[tuple[PackRule, YMap, int]] = []
            if isinstance(raw_rules, YSeq) and ("rules",) not in broken:
                for index, raw_rule in enumerate(raw_rules):
                    if isinstance(raw_rule, YMap) and ("rules", index) not in broken:
                        try:  # valid in the document, so valid alone; never a traceback if not
                            kept.append((PackRule.model_validate(raw_rule), raw_rule, index))
                        except ValidationError:
                            continue
            return kept
        return [(rule, raw["rules"][index], index) for index, rule in enumerate(document.rules)]

    # -- checks that need more than one key ----------------------------------------------

    def check_rules(self, raw_rules: Any) -> None:
        """Checks on every rule as written, valid or not: one template, free IDs and names."""
        if not isinstance(raw_rules, YSeq):
            return
        first_id: dict[str, Location] = {}
        first_name: dict[str, Location] = {}
        for index, raw in enumerate(raw_rules):
            if not isinstance(raw, YMap):
                continue
            where = f"rules[{index}]"
            rule_id = raw.get("id")
            written = [key for key in TEMPLATE_KEYS if key in raw]
            if not written:
                label = (
                    f"rule {rule_id}"
                    if isinstance(rule_id, str) and RULE_ID_RE.match(rule_id)
                    else "the rule"
                )
                self.error(
                    raw,
                    None,
                    f"{label} has no template; write one of: {', '.join(TEMPLATE_KEYS)}",
                    where,
                )
            for extra in written[1:]:
                self.error(
                    raw,
                    extra,
                    f"a rule has exactly one template; `{extra}` is a second one "
                    f"(first: `{written[0]}`)",
                    f"{where}.{extra}",
                    at_key=True,
                )
            for key, pattern, problem_of, first in (
                ("id", RULE_ID_RE, id_problem, first_id),
                ("name", RULE_NAME_RE, name_problem, first_name),
            ):
                value = raw.get(key)
                if not isinstance(value, str) or not pattern.match(value):
                    continue  # reported by the model
                at = Location(self.shown, *raw.key_marks[key][2:], f"{where}.{key}")
                problem = problem_of(value, self.builtin)
                if problem:
                    self.errors.append(LoadError(at, problem))
                elif value in first:
                    what = "rule ID" if key == "id" else "rule name"
                    self.errors.append(
                        LoadError(
                            at, f"duplicate {what} {value}: already defined at {first[value]}"
                        )
                    )
                else:
                    first[value] = at

    def check_subject(self, raw_rule: YMap, template: str, where: str) -> str | None:
        """The one list ``require`` or ``count`` selects from, or ``None`` (reported)."""
        raw: YMap = raw_rule[template]
        subjects = [key for key in _SUBJECTS if key in raw]
        if not subjects:
            self.error(
                raw_rule,
                template,
                f"`{template}` selects what it checks: write one of "
                f"{', '.join(_SUBJECTS)} (e.g. `systems: {{kind: model}}`)",
                where,
                at_key=True,
            )
            return None
        for extra in subjects[1:]:
            self.error(
                raw,
                extra,
                f"`{template}` selects one list; `{extra}` is a second one (first: "
                f"`{subjects[0]}`)",
                f"{where}.{extra}",
                at_key=True,
            )
        return subjects[0]

    def check_count(self, raw_rule: YMap, where: str) -> None:
        self.check_subject(raw_rule, "count", where)
        raw: YMap = raw_rule["count"]
        if "at-least" not in raw and "at-most" not in raw:
            self.error(
                raw_rule, "count", "`count` needs `at-least`, `at-most` or both", where, at_key=True
            )
        elif "at-least" in raw and "at-most" in raw and raw["at-least"] > raw["at-most"]:
            self.error(
                raw,
                "at-most",
                f"`at-most` ({raw['at-most']}) is below `at-least` ({raw['at-least']}): "
                "no count meets both",
                f"{where}.at-most",
            )

    def check_require(self, raw_rule: YMap, where: str) -> None:
        raw: YMap = raw_rule["require"]
        subject = self.check_subject(raw_rule, "require", where)
        if subject is None:
            return
        specs = FIELDS[subject]
        fields = raw["fields"]
        if not fields:
            self.error(
                raw,
                "fields",
                f"`fields` names at least one field of {subject} and its condition",
                f"{where}.fields",
            )
        for name, condition in fields.items():
            path = f"{where}.fields.{name}"
            spec = field_spec(subject, name)
            if spec is None:
                labels = ", labels.KEY" if subject in LABELLED else ""
                hint = did_you_mean(name, specs) or f" (fields: {', '.join(specs)}{labels})"
                self.error(
                    fields,
                    name,
                    f"unknown field {name[:60]!r} of {subject}{hint}",
                    path,
                    at_key=True,
                )
                continue
            if not condition:
                self.error(
                    fields,
                    name,
                    "a condition needs at least one of: present, non-empty, equals, "
                    "one-of, at-least, at-most, regex",
                    path,
                )
                continue
            if condition.get("when-present") is False:
                self.error(
                    condition,
                    "when-present",
                    "`when-present: false` changes nothing: write "
                    "`when-present: true` or remove the key",
                    f"{path}.when-present",
                    at_key=True,
                )
                continue
            if set(condition) <= {"when-present"} or (
                condition.get("when-present") is True and "present" in condition
            ):
                self.error(
                    condition,
                    "when-present",
                    "`when-present: true` makes the other conditions apply only "
                    "when the field is written: write one of non-empty, equals, one-of, at-least, at-most, "
                    "regex with it (and no `present`)",
                    f"{path}.when-present",
                    at_key=True,
                )
                continue
            allowed = CONDITIONS_FOR[spec.kind]
            for key, value in condition.items():
                if key == "when-present":
                    continue
                if key not in allowed:
                    self.error(
                        condition,
                        key,
                        f"`{key}` does not apply to `{name}` ({_kind_words(spec)}); "
                        f"use {', '.join(k for k in _ORDER if k in allowed)}",
                        f"{path}.{key}",
                        at_key=True,
                    )
                elif key in _VALUE_KEYS:
                    values = value if key == "one-of" else [value]
                    for position, each in enumerate(values):
                        message = _value_problem(spec, key, each)
                        if message:
                            node, at = (value, position) if key == "one-of" else (condition, key)
                            suffix = f"[{position}]" if key == "one-of" else ""
                            self.error(node, at, f"`{key}`: {message}", f"{path}.{key}{suffix}")


_ORDER = ("present", "non-empty", "equals", "one-of", "at-least", "at-most", "regex")


def _kind_words(spec: FieldSpec) -> str:
    return {
        "text": "text",
        "enum": "one of fixed values",
        "ordered": "an ordered level",
        "int": "an integer",
        "number": "a number",
        "bool": "a boolean",
        "list": "a list",
        "object": "a mapping",
    }[spec.kind]


def _value_problem(spec: FieldSpec, key: str, value: Any) -> str | None:
    """Why ``value`` cannot be compared with the field, or ``None``."""
    if spec.kind == "list":  # at-least / at-most count entries
        if type(value) is not int or value < 0:
            return f"expected a number of entries (an integer >= 0), got {describe_type(value)}"
        return None
    if spec.kind == "int":
        if type(value) is not int:
            return f"expected an integer, got {describe_type(value)}"
        return None
    if spec.kind == "number":
        if type(value) is not int:
            return f"expected an integer, got {describe_type(value)}"
        return None
    if spec.kind == "bool":
        if type(value) is not bool:
            return f"expected true or false, got {describe_type(value)}"
        return None
    if not isinstance(value, str):
        return f"expected a string, got {describe_type(value)}"
    if spec.kind in ("enum", "ordered") and value not in spec.levels:
        hint = did_you_mean(value, spec.levels)
        return f"{value[:40]!r} is not one of: {', '.join(spec.levels)}{hint}"
    return None


def _examples(raw_rule: YMap, shown: str, lines: Sequence[str]) -> dict[str, ExampleMark]:
    raw = raw_rule.get("examples")
    marks: dict[str, ExampleMark] = {}
    if not isinstance(raw, YMap):
        return marks
    for key in ("failing", "passing"):
        if key not in raw.key_marks:
            continue
        _, _, line, column = raw.key_marks[key]
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        indent: int | None = None
        if text[column - 1 : column] in ("|", ">"):
            for following in lines[line:]:
                if following.strip():
                    indent = len(following) - len(following.lstrip(" ")) + 1
                    break
        marks[key] = ExampleMark(shown, line, column, indent)
    return marks


def _documentation(rule: PackRule) -> str:
    examples = rule.examples
    return (
        f"{rule.summary}\n\n"
        f"## What it does\n\n{rule.template.describe()}\n\n"
        f"## Why it matters\n\n{rule.rationale}\n\n"
        f"## How to fix\n\n{rule.fix}\n\n"
        f"## Failing example\n\n```yaml\n{examples.failing}```\n\n"
        f"## Passing example\n\n```yaml\n{examples.passing}```\n"
    )


_TEMPLATE_FIELDS = {"require", "forbid_integration", "mediated_path", "must_reach"}


def _condition(rule: PackRule) -> str:
    """The rule's template as canonical JSON: what a diff compares to tell a changed condition."""
    data = rule.model_dump(
        mode="json",
        by_alias=True,
        exclude_none=True,
        include=_TEMPLATE_FIELDS,
        warnings=False,
        fallback=lambda value: getattr(value, "pattern", repr(value)),
    )  # Regex: its pattern
    return json.dumps(data, sort_keys=True)


def _to_rule(rule: PackRule, source: str) -> Rule:
    return Rule(
        id=rule.id,
        name=rule.name,
        severity=rule.severity,
        layer=rule.layer,
        references=tuple(rule.references),
        doc=parse_doc(_documentation(rule)),
        check_graph=rule.template.worded(rule.message)
        if rule.message is not None
        else rule.template.findings,
        source=source,
        condition=_condition(rule),
    )


def load_pack(
    path: str | os.PathLike[str],
    *,
    builtin: Mapping[str, Rule] = RULES,
    cwd: Path | None = None,
    limits: Limits | None = None,
) -> Pack:
    """Read and check one pack; its rules when it is valid, else every error found."""
    path = Path(path)
    shown = display_path(path, cwd)
    pack = Pack(shown)
    limits = limits or Limits()

    def fail(message: str) -> Pack:
        pack.errors.append(LoadError(Location(shown, 1, 1), message))
        return pack

    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            return fail(f"file is {size:,} bytes, above the limit of {limits.max_file_bytes:,}")
        data = path.read_bytes()
    except FileNotFoundError:
        return fail("no such rule pack")
    except IsADirectoryError:
        return fail("is a folder, not a rule pack")
    except OSError as exc:
        return fail(f"cannot read the rule pack: {exc.strerror or exc}")
    pack.sha256 = hashlib.sha256(data).hexdigest()
    raw, errors = load_yaml(data, shown, limits)
    if errors:
        pack.errors.extend(errors)
        return pack
    if raw is None:
        return fail("the file is empty; a rule pack starts with `cadee-rules: 1`")
    if not isinstance(raw, YMap):
        return fail(
            f"expected a mapping with `cadee-rules: 1` at the top, got {describe_type(raw)}"
        )
    if "cadee" in raw and "cadee-rules" not in raw:
        return fail(
            "this is a blueprint (`cadee: 1`), not a rule pack; a rule pack starts with `cadee-rules: 1`"
        )
    loader = _PackLoader(shown, data.decode("utf-8", errors="replace"), builtin)
    validated = loader.load(raw)
    loader.check_rules(raw.get("rules"))
    for rule, raw_rule, index in validated:
        if rule.require is not None:
            loader.check_require(raw_rule, f"rules[{index}].require")
        if rule.count is not None:
            loader.check_count(raw_rule, f"rules[{index}].count")
        if rule.forbid is not None:
            loader.check_subject(raw_rule, "forbid", f"rules[{index}].forbid")
    if not loader.errors:
        for rule, raw_rule, index in validated:
            where = f"rules[{index}]"
            pack.rules.append(
                PackRuleInfo(
                    rule=_to_rule(rule, shown),
                    location=Location(shown, raw_rule.line, raw_rule.column, where),
                    id_location=Location(shown, *raw_rule.key_marks["id"][2:], f"{where}.id"),
                    name_location=Location(shown, *raw_rule.key_marks["name"][2:], f"{where}.name"),
                    examples=_examples(raw_rule, shown, loader.lines),
                )
            )
    pack.errors.extend(sorted(set(loader.errors)))
    return pack


def combine(
    builtin: Mapping[str, Rule], plugins: Iterable[Rule], packs: Sequence[Pack]
) -> tuple[dict[str, Rule], list[LoadError]]:
    """The rule set of a project: built-ins, then plugins, then each pack in order.

    A pack rule whose ID or name another pack (or a plugin) already defines is
    an error at the second definition.
    """
    rules: dict[str, Rule] = dict(builtin)
    where: dict[str, str] = {}
    names: dict[str, str] = {}
    for rule in plugins:
        rules[rule.id] = rule
        where[rule.id] = names[rule.name] = f"the plugin {rule.source}"
    errors: list[LoadError] = []
    for pack in packs:
        errors.extend(pack.errors)
        for info in pack.rules:
            rule = info.rule
            if rule.id in where:
                errors.append(
                    LoadError(
                        info.id_location,
                        f"rule ID {rule.id} is already defined by {where[rule.id]}",
                    )
                )
                continue
            if rule.name in names:
                errors.append(
                    LoadError(
                        info.name_location,
                        f"rule name {rule.name!r} is already used by {names[rule.name]}",
                    )
                )
                continue
            rules[rule.id] = rule
            where[rule.id] = names[rule.name] = str(info.id_location)
    return rules, errors
