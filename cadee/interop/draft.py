"""A blueprint under construction by an importer, and what makes it valid.

Importers (CALM, Backstage) fill a :class:`Draft` with plain field dicts in
blueprint vocabulary plus the warnings that say what did not map. ``finalise``
then checks every item against the blueprint models and every reference
against the declared ids, dropping (with a warning) whatever would make the
written file fail to load: an imported blueprint is always a valid one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cadee.diagnostics import Location
from cadee.text import shorten, terminal

__all__ = ["SECTIONS", "Draft", "DraftItem", "IdAllocator", "Note", "finalise", "to_id"]


#: Blueprint lists in the order a file declares them.
SECTIONS = (
    "owners",
    "boundaries",
    "systems",
    "integrations",
    "evidence",
    "kpis",
    "gates",
    "waivers",
    "approvals",
    "services",
)

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_NOT_ID = re.compile(r"[^A-Za-z0-9_.-]+")
_MAX_ID = 64


@dataclass(frozen=True, slots=True)
class Note:
    """A warning: something in the input that the blueprint does not keep as is."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: warning: {self.message}"


@dataclass(slots=True)
class DraftItem:
    """One list item in blueprint vocabulary (``from`` spelled as in YAML)."""

    fields: dict[str, Any]
    origin: Location
    #: Warnings about this item, written as comments above it.
    comments: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Draft:
    """What an importer produced: metadata, lists and warnings."""

    source: str
    meta: dict[str, Any]
    origin: Location
    sections: dict[str, list[DraftItem]] = field(default_factory=lambda: {s: [] for s in SECTIONS})
    #: Warnings not about one item, written as comments under ``blueprint``.
    comments: list[str] = field(default_factory=list)
    #: Every warning in the order found (stderr).
    notes: list[Note] = field(default_factory=list)

    def warn(self, location: Location, message: str, item: DraftItem | None = None) -> None:
        message = terminal(message)
        self.notes.append(Note(location, message))
        shown = f"{message} ({location})"
        (item.comments if item is not None else self.comments).append(shown)

    def add(self, section: str, fields: dict[str, Any], origin: Location) -> DraftItem:
        item = DraftItem(fields, origin)
        self.sections[section].append(item)
        return item


def to_id(text: str, fallback: str = "item") -> str:
    """A valid cadee id made from ``text``: other characters become ``-``."""
    candidate = _NOT_ID.sub("-", text)
    candidate = re.sub(r"^[^A-Za-z0-9]+", "", candidate)
    candidate = re.sub(r"-{2,}", "-", candidate)[:_MAX_ID]
    return candidate if _ID_RE.match(candidate) else fallback


class IdAllocator:
    """Hands out ids unique across the whole blueprint, deterministically.

    The first claimant of an id keeps it; later ones get ``<id>-<hint>``, then
    ``<id>-2``, ``<id>-3``... (cut to the 64-character limit).
    """

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, wanted: str, hint: str = "") -> str:
        base = to_id(wanted)
        candidates = [base]
        if hint:
            candidates.append(_suffixed(base, to_id(hint)))
        for candidate in candidates:
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        number = 2
        while (candidate := _suffixed(base, str(number))) in self.taken:
            number += 1
        self.taken.add(candidate)
        return candidate

    def reserve(self, value: str) -> bool:
        """Take ``value`` exactly; False when it is invalid or already taken."""
        if not _ID_RE.match(value) or value in self.taken:
            return False
        self.taken.add(value)
        return True


def _suffixed(base: str, suffix: str) -> str:
    return f"{base[: _MAX_ID - len(suffix) - 1]}-{suffix}"


# -- making the draft valid ----------------------------------------------------------

_REQUIRED = {
    "owners": {"id", "name"},
    "boundaries": {"id", "trust"},
    "systems": {"id", "kind"},
    "integrations": {"from", "to"},
    "evidence": {"id", "kind"},
    "kpis": {"id", "name"},
    "gates": {"id", "action", "when"},
    "waivers": {"rule", "target", "reason", "approved_by", "expires"},
    "approvals": {"by", "version", "date", "decision"},
    "services": {"id", "name", "channels"},
}


def finalise(draft: Draft, known_rules: Iterable[str]) -> None:
    """Drop, with a warning, every field, item or reference that would not load."""
    from pydantic import ValidationError

    from cadee.model import LIST_FIELDS, BlueprintMeta

    try:
        draft.meta = BlueprintMeta.model_validate(draft.meta).model_dump(exclude_unset=True)
    except ValidationError as exc:  # importers always set a valid id and title
        for name in sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]} - {"id", "title"}):
            draft.warn(
                draft.origin,
                f"blueprint: {name} {shorten(repr(draft.meta.get(name)), 60)} "
                "is not valid; dropped",
            )
            draft.meta.pop(name, None)
        draft.meta = BlueprintMeta.model_validate(draft.meta).model_dump(exclude_unset=True)
    for section, model in LIST_FIELDS.items():
        kept: list[DraftItem] = []
        for item in draft.sections[section]:
            fields = dict(item.fields)
            for _attempt in range(len(fields) + 1):
                try:
                    valid = model.model_validate(fields)
                except ValidationError as exc:
                    bad = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
                    if not bad or set(bad) & _REQUIRED[section]:
                        draft.warn(
                            item.origin,
                            f"{_describe(section, fields)} is not a valid "
                            f"{section[:-1] if section != 'evidence' else 'evidence entry'}: "
                            f"{_first_error(exc)}; not imported",
                        )
                        break
                    for name in bad:
                        draft.warn(
                            item.origin,
                            f"{_describe(section, fields)}: {name} "
                            f"{shorten(repr(fields.get(name)), 60)} is not valid; dropped",
                            item,
                        )
                        fields.pop(name, None)
                    continue
                item.fields = valid.model_dump(exclude_unset=True, by_alias=True)
                kept.append(item)
                break
        draft.sections[section] = kept
    _unique_ids(draft)
    _references(draft, set(known_rules))


def _first_error(exc: Any) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def _describe(section: str, fields: dict[str, Any]) -> str:
    if section == "integrations":
        return f"integration {fields.get('from')!s:.64} -> {fields.get('to')!s:.64}"
    if section == "waivers":
        return f"waiver {fields.get('rule')!s:.20}:{fields.get('target')!s:.64}"
    if section == "approvals":
        return f"approval by {fields.get('by')!s:.64} of version {fields.get('version')!s:.20}"
    return f"{section[:-1] if section != 'evidence' else 'evidence'} {fields.get('id')!s:.64}"


def _unique_ids(draft: Draft) -> None:
    seen: set[str] = set()
    for section in SECTIONS:
        if section in ("waivers", "approvals"):
            continue
        kept = []
        for item in draft.sections[section]:
            value = item.fields.get("id")
            if section == "integrations" and value is None:
                kept.append(item)
                continue
            if value in seen:
                draft.warn(
                    item.origin,
                    f"{_describe(section, item.fields)}: the id is already used "
                    "by another item; not imported",
                )
                continue
            seen.add(str(value))
            kept.append(item)
        draft.sections[section] = kept
    # Two integrations with the same ends need ids (spec 6); the first keeps the default.
    pairs: set[tuple[str, str]] = set()
    allocator = IdAllocator()
    allocator.taken = set(seen)
    for item in draft.sections["integrations"]:
        fields = item.fields
        if "id" in fields:
            continue
        pair = (fields["from"], fields["to"])
        if pair in pairs:
            fields["id"] = allocator.claim(f"{pair[0]}-to-{pair[1]}")
            item.fields = {"id": fields.pop("id"), **fields}
        pairs.add(pair)


def _references(draft: Draft, rules: set[str]) -> None:
    owners = {i.fields["id"] for i in draft.sections["owners"]}
    boundaries = {i.fields["id"] for i in draft.sections["boundaries"]}
    kinds = {i.fields["id"]: i.fields["kind"] for i in draft.sections["systems"]}
    kpis = {i.fields["id"] for i in draft.sections["kpis"]}

    def check(
        item: DraftItem | None,
        where: str,
        fields: dict[str, Any],
        key: str,
        known: set[str] | dict[str, str],
        what: str,
    ) -> None:
        value = fields.get(key)
        if value is None:
            return
        origin = item.origin if item is not None else draft.origin
        if isinstance(value, list):
            kept = [v for v in value if v in known]
            for missing in [v for v in value if v not in known]:
                draft.warn(
                    origin,
                    f"{where}: {key} names {what} {missing!r}, which is not declared; dropped",
                    item,
                )
            fields[key] = kept
        elif value not in known:
            draft.warn(
                origin,
                f"{where}: {key} names {what} {value!r}, which is not declared; dropped",
                item,
            )
            del fields[key]

    check(None, "blueprint", draft.meta, "owner", owners, "owner")
    check(None, "blueprint", draft.meta, "approvers", owners, "owner")
    for item in draft.sections["boundaries"]:
        fields = item.fields
        where = _describe("boundaries", fields)
        idp = fields.get("identity_provider")
        if idp is not None and kinds.get(idp) != "identity-provider":
            draft.warn(
                item.origin,
                f"{where}: identity_provider {idp!r} is not a system of kind "
                "identity-provider; dropped",
                item,
            )
            del fields["identity_provider"]
    for item in draft.sections["systems"]:
        fields = item.fields
        where = _describe("systems", fields)
        check(item, where, fields, "owner", owners, "owner")
        check(item, where, fields, "approvers", owners, "owner")
        check(item, where, fields, "boundary", boundaries, "boundary")
        if isinstance(fields.get("observability"), dict):
            check(item, where, fields["observability"], "oncall", owners, "owner")
        if "fallback" in fields:
            steps = []
            for step in fields["fallback"]:
                if step["to"] in kinds:
                    steps.append(step)
                else:
                    draft.warn(
                        item.origin,
                        f"{where}: fallback names system {step['to']!r}, "
                        "which is not declared; dropped",
                        item,
                    )
            fields["fallback"] = steps
        check(item, where, fields, "needs", kinds, "system")
        if fields["id"] in fields.get("needs", ()):
            draft.warn(item.origin, f"{where}: needs names the system itself; dropped", item)
            fields["needs"] = [n for n in fields["needs"] if n != fields["id"]]
        if fields.get("needs") == []:
            del fields["needs"]
    kept = []
    for item in draft.sections["integrations"]:
        fields = item.fields
        missing = [fields[end] for end in ("from", "to") if fields[end] not in kinds]
        if missing:
            draft.warn(
                item.origin,
                f"{_describe('integrations', fields)}: system {missing[0]!r} "
                "is not declared; not imported",
            )
            continue
        kept.append(item)
    draft.sections["integrations"] = kept
    for section, keys in (
        ("evidence", ("owner", "approved_by")),
        ("kpis", ("owner",)),
        ("gates", ("decided_by",)),
    ):
        for item in draft.sections[section]:
            for key in keys:
                check(item, _describe(section, item.fields), item.fields, key, owners, "owner")
    for item in draft.sections["gates"]:
        check(item, _describe("gates", item.fields), item.fields, "kpi", kpis, "kpi")
    kept = []
    for item in draft.sections["waivers"]:
        fields = item.fields
        if fields["rule"] not in rules or fields["approved_by"] not in owners:
            draft.warn(
                item.origin,
                f"{_describe('waivers', fields)}: unknown rule or approver "
                "not declared; not imported",
            )
            continue
        kept.append(item)
    draft.sections["waivers"] = kept
    kept = []
    for item in draft.sections["approvals"]:
        if item.fields["by"] not in owners:
            draft.warn(
                item.origin,
                f"{_describe('approvals', item.fields)}: the owner is not declared; not imported",
            )
            continue
        kept.append(item)
    draft.sections["approvals"] = kept
    channels = {sid for sid, kind in kinds.items() if kind == "channel"}
    kept = []
    for item in draft.sections["services"]:
        fields = item.fields
        where = _describe("services", fields)
        check(item, where, fields, "owner", owners, "owner")
        check(item, where, fields, "requires", kinds, "system")
        check(item, where, fields, "channels", channels, "channel")
        if not fields["channels"]:
            draft.warn(item.origin, f"{where}: no declared channel; not imported")
            continue
        kept.append(item)
    draft.sections["services"] = kept
