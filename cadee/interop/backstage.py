"""Backstage software catalogs: export ``catalog-info.yaml`` entities, import catalogs.

The mapping (docs/interop.md has it field by field):

==================  =========================================================
blueprint           a ``Domain`` (annotation ``cadee.dev/blueprint``)
owner               a ``Group`` (team, role) or ``User`` (person)
boundary            a ``System`` of type ``trust-boundary``
system              a ``Component`` (``Resource`` for data stores) whose
                    ``spec.system`` is its boundary
integration         ``spec.dependsOn`` of the caller, attributes in the
                    ``cadee.dev/integrations`` annotation (JSON, one per line)
==================  =========================================================

Whatever Backstage has no field for travels in ``cadee.dev/*`` annotations, so
blueprint -> Backstage -> blueprint keeps every system, integration, owner and
boundary, and each system's ``needs`` (in ``spec.dependsOn`` and the
``cadee.dev/needs`` annotation) and ``recovery_minutes``. Evidence, KPIs,
gates, waivers, approvals and business services have no place in a catalog.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from cadee.diagnostics import LoadError, Location, byte_position
from cadee.interop.blueprint_writer import dump_yaml
from cadee.interop.draft import Draft, DraftItem, IdAllocator, finalise, to_id
from cadee.model import SYSTEM_KINDS, Blueprint, Integration, Owner, System
from cadee.text import shorten
from cadee.yamlload import YMap, YSeq, load_yaml

__all__ = ["import_backstage", "not_exported", "render_backstage"]

API_VERSION = "backstage.io/v1alpha1"
PREFIX = "cadee.dev/"
#: Placeholder owner for entities Backstage requires an owner for but the blueprint leaves unowned.
UNOWNED = "unknown"
BOUNDARY_TYPE = "trust-boundary"

_NAME_RE = re.compile(r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")
_MAX_NAME = 63

#: Backstage Component spec.type -> cadee kind, when no cadee.dev/kind annotation says better.
_COMPONENT_KINDS = {
    "website": "channel",
    "web": "channel",
    "frontend": "channel",
    "mobile-app": "channel",
    "app": "channel",
    "service": "service",
    "backend": "service",
    "gateway": "gateway",
    "api-gateway": "gateway",
    "database": "data-store",
}
_RESOURCE_KINDS = {
    "database": "data-store",
    "db": "data-store",
    "cache": "data-store",
    "bucket": "data-store",
    "s3-bucket": "data-store",
    "storage": "data-store",
    "queue": "data-store",
    "topic": "data-store",
    "kafka-topic": "data-store",
    "vector-store": "data-store",
}
#: API spec.type -> integration protocol.
_API_PROTOCOLS = {"openapi": "https", "graphql": "https", "grpc": "grpc", "trpc": "https"}


# -- export ----------------------------------------------------------------------------


def _backstage_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", text)
    name = re.sub(r"([-_.])[-_.]+", r"\1", name).strip("-_.")
    name = name[:_MAX_NAME].rstrip("-_.")
    return name or "entity"


class _Names:
    """cadee id -> Backstage entity name: valid, unique (case-insensitively)."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.taken: set[str] = set()

    def add(self, cadee_id: str) -> str:
        base = (
            cadee_id
            if _NAME_RE.match(cadee_id) and len(cadee_id) <= _MAX_NAME
            else _backstage_name(cadee_id)
        )
        name, number = base, 2
        while name.lower() in self.taken:
            suffix = f"-{number}"
            name = base[: _MAX_NAME - len(suffix)].rstrip("-_.") + suffix
            number += 1
        self.taken.add(name.lower())
        self.names[cadee_id] = name
        return name


def _annotations(values: dict[str, Any]) -> dict[str, str]:
    return {PREFIX + key: value for key, value in values.items() if value is not None}


#: Backstage's label syntax: an optional DNS-like prefix and ``/``, then a name; values like names.
_BACKSTAGE_NAME = re.compile(r"[A-Za-z0-9]([-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?")
_BACKSTAGE_PREFIX = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def _fits_backstage(key: str, value: str) -> bool:
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _BACKSTAGE_PREFIX.fullmatch(prefix)):
        return False
    return bool(_BACKSTAGE_NAME.fullmatch(name)) and bool(_BACKSTAGE_NAME.fullmatch(value))


def _labelled(
    labels: dict[str, str] | None, metadata: dict[str, Any], annotations: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Labels (spec 1.1 D) as Backstage ``metadata.labels``; when one does not fit Backstage's
    syntax, all of them also travel in the ``cadee.dev/labels`` annotation (JSON)."""
    if not labels:
        return metadata, annotations
    fitting = {key: value for key, value in labels.items() if _fits_backstage(key, value)}
    if fitting:
        metadata = {**metadata, "labels": fitting}
    if len(fitting) != len(labels):
        annotations = {**annotations, PREFIX + "labels": _json(labels)}
    return metadata, annotations


def _owner_ref(owner: Owner | None, names: _Names) -> str:
    if owner is None:
        return UNOWNED
    return f"{'user' if owner.kind == 'person' else 'group'}:{names.names[owner.id]}"


def _strict_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise json.JSONDecodeError(f"duplicate key {shorten(repr(key), 40)}", "", 0)
            seen.add(key)
    return result


def _strict_int(digits: str) -> int:
    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        raise json.JSONDecodeError(
            f"integer of {len(digits.lstrip('-')):,} digits is too large", "", 0
        )
    return int(digits)


def _loads(text: str) -> Any:
    """``json.loads`` that refuses duplicate keys and integers too long to convert."""
    return json.loads(text, object_pairs_hook=_strict_object, parse_int=_strict_int)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _contact(contact: str | None) -> tuple[str | None, str | None, str | None]:
    """(email, link, annotation): where an owner's contact goes."""
    if contact is None:
        return None, None, None
    if re.fullmatch(r"[^@\s]+@[^@\s]+", contact):
        return contact, None, None
    if re.match(r"https?://\S+$", contact):
        return None, contact, None
    return None, None, contact


def to_backstage(blueprint: Blueprint) -> list[dict[str, Any]]:
    """The blueprint as Backstage entities, in declaration order."""
    names = _Names()
    for cadee_id in [
        *(o.id for o in blueprint.owners),
        *(b.id for b in blueprint.boundaries),
        *(s.id for s in blueprint.systems),
    ]:
        names.add(cadee_id)
    owners = {o.id: o for o in blueprint.owners}
    systems = {s.id: s for s in blueprint.systems}
    meta = blueprint.meta
    domain = _backstage_name(meta.id)
    domain_owner = owners.get(meta.owner) if meta.owner else None
    entities: list[dict[str, Any]] = []

    def envelope(
        kind: str,
        cadee_id: str,
        metadata: dict[str, Any],
        annotations: dict[str, str],
        spec: dict[str, Any],
    ) -> dict[str, Any]:
        name = names.names.get(cadee_id, cadee_id)
        if name != cadee_id:
            annotations = {PREFIX + "id": cadee_id, **annotations}
        data: dict[str, Any] = {
            "name": name,
            **{k: v for k, v in metadata.items() if v is not None},
        }
        if annotations:
            data["annotations"] = annotations
        if "links" in data:
            data["links"] = data.pop("links")
        return {"apiVersion": API_VERSION, "kind": kind, "metadata": data, "spec": spec}

    meta_fields = meta.model_dump(exclude_unset=True)
    domain_annotations = _annotations(
        {
            "blueprint": meta.id,
            "industry": meta_fields.get("industry"),
            "use-case": meta_fields.get("use_case"),
            "version": meta_fields.get("version"),
            "status": meta_fields.get("status"),
            "live-since": meta.live_since.isoformat() if meta.live_since is not None else None,
            "approvers": ", ".join(meta.approvers) if meta.approvers is not None else None,
            "unowned": "true" if domain_owner is None else None,
        }
    )
    entities.append(
        {
            "apiVersion": API_VERSION,
            "kind": "Domain",
            "metadata": {
                "name": domain,
                "title": meta.title,
                **({"description": meta.description} if meta.description else {}),
                "annotations": domain_annotations,
            },
            "spec": {"owner": _owner_ref(domain_owner, names)},
        }
    )
    for owner in blueprint.owners:
        email, link, other = _contact(owner.contact)
        profile: dict[str, Any] = {"displayName": owner.name}
        if email:
            profile["email"] = email
        annotations = _annotations({"function": owner.function, "contact": other})
        metadata: dict[str, Any] = {"links": [{"url": link, "title": "Contact"}] if link else None}
        metadata, annotations = _labelled(owner.labels, metadata, annotations)
        if owner.kind == "person":
            entities.append(
                envelope(
                    "User", owner.id, metadata, annotations, {"profile": profile, "memberOf": []}
                )
            )
        else:
            entities.append(
                envelope(
                    "Group",
                    owner.id,
                    metadata,
                    annotations,
                    {"type": owner.kind, "profile": profile, "children": []},
                )
            )
    for boundary in blueprint.boundaries:
        fields = boundary.model_dump(exclude_unset=True)
        annotations = _annotations(
            {
                "trust": boundary.trust,
                "clearance": fields.get("clearance"),
                "identity-provider": boundary.identity_provider,
                "unowned": "true" if domain_owner is None else None,
            }
        )
        boundary_metadata, annotations = _labelled(
            boundary.labels, {"title": boundary.name}, annotations
        )
        entities.append(
            envelope(
                "System",
                boundary.id,
                boundary_metadata,
                annotations,
                {"owner": _owner_ref(domain_owner, names), "domain": domain, "type": BOUNDARY_TYPE},
            )
        )
    calls: dict[str, list[Integration]] = {}
    for integration in blueprint.integrations:
        calls.setdefault(integration.from_, []).append(integration)
    for system in blueprint.systems:
        entities.append(
            _system_entity(system, calls.get(system.id, []), systems, owners, names, envelope)
        )
    return entities


def _system_entity(
    system: System,
    calls: list[Integration],
    systems: dict[str, System],
    owners: dict[str, Owner],
    names: _Names,
    envelope: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    fields = system.model_dump(exclude_unset=True, mode="json")
    owner = owners.get(system.owner) if system.owner else None
    lines = []
    for integration in calls:
        entry = integration.model_dump(exclude_unset=True, by_alias=True, mode="json")
        entry.pop("from")
        lines.append(_json({"to": entry.pop("to"), **entry}))
    annotations = _annotations(
        {
            "kind": system.kind,
            "environment": fields.get("environment"),
            "criticality": fields.get("criticality"),
            "redundancy": str(system.redundancy) if "redundancy" in fields else None,
            "vendor": system.vendor,
            "approvers": ", ".join(system.approvers) if system.approvers is not None else None,
            "fallback": _json(fields["fallback"]) if "fallback" in fields else None,
            "observability": _json(fields["observability"]) if "observability" in fields else None,
            "needs": ", ".join(system.needs) if system.needs is not None else None,
            "recovery-minutes": str(system.recovery_minutes)
            if system.recovery_minutes is not None
            else None,
            "integrations": "".join(f"{line}\n" for line in lines) or None,
            "unowned": "true" if owner is None else None,
        }
    )
    links = []
    observability = system.observability
    for title, url in (
        ("Runbook", observability and observability.runbook),
        ("Dashboard", observability and observability.dashboard),
    ):
        if url and re.match(r"https?://\S+$", url):
            links.append({"url": url, "title": title})
    metadata = {
        "title": system.name if system.name != system.id else None,
        "description": system.description,
        "links": links or None,
    }
    metadata, annotations = _labelled(system.labels, metadata, annotations)
    is_resource = system.kind == "data-store"
    spec: dict[str, Any] = {
        "type": "database" if is_resource else "website" if system.kind == "channel" else "service"
    }
    if not is_resource:
        spec["lifecycle"] = "production" if system.environment == "production" else "experimental"
    spec["owner"] = _owner_ref(owner, names)
    if system.boundary:
        spec["system"] = names.names[system.boundary]
    targets: list[str] = []
    # What the system calls and what it cannot work without (``needs``) are both dependencies;
    # the cadee.dev/integrations annotation tells them apart on import.
    for target_id in [i.to for i in calls] + list(system.needs or ()):
        target = systems[target_id]
        ref = (
            f"{'resource' if target.kind == 'data-store' else 'component'}:{names.names[target.id]}"
        )
        if ref not in targets:
            targets.append(ref)
    if targets:
        spec["dependsOn"] = targets
    return envelope(
        "Resource" if is_resource else "Component", system.id, metadata, annotations, spec
    )


def render_backstage(blueprint: Blueprint) -> str:
    """``catalog-info.yaml``: one YAML document per entity."""
    header = (
        f"# Backstage catalog entities for blueprint {blueprint.id}, "
        "written by `cadee export --to backstage`.\n"
    )
    return header + "---\n".join(dump_yaml(entity) for entity in to_backstage(blueprint))


def not_exported(blueprint: Blueprint) -> list[str]:
    """What a Backstage catalog has no place for (told to the user on stderr)."""
    counts = [
        (len(blueprint.evidence), "evidence entry", "evidence entries"),
        (len(blueprint.kpis), "KPI", "KPIs"),
        (len(blueprint.gates), "gate", "gates"),
        (len(blueprint.waivers), "waiver", "waivers"),
        (len(blueprint.approvals), "approval", "approvals"),
        (len(blueprint.services), "business service", "business services"),
    ]
    lost = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    if not lost:
        return []
    return [f"a Backstage catalog has no place for {', '.join(lost)}; not exported"]


# -- import: documents and entities ------------------------------------------------------

_MARKER = re.compile(r"^(---|\.\.\.)(?=\s|$)")


def split_documents(text: str) -> list[tuple[int, str]]:
    """The YAML documents of a multi-document stream, each padded with empty lines
    (and the ``---`` marker blanked) so line and column numbers stay those of the file."""
    lines = text.split("\n")
    documents: list[tuple[int, str]] = []
    start = 0
    current: list[str] = []
    for number, line in enumerate(lines):
        if _MARKER.match(line):
            if current:
                documents.append((start, "\n" * start + "\n".join(current)))
            start = number
            current = ["   " + line[3:]]
        else:
            current.append(line)
    if current:
        documents.append((start, "\n" * start + "\n".join(current)))
    return documents


@dataclass(slots=True)
class _Entity:
    kind: str
    namespace: str
    name: str
    raw: YMap
    file: str
    order: int
    cadee_id: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind.lower(), self.namespace.lower(), self.name.lower())

    @property
    def ref(self) -> str:
        namespace = "" if self.namespace == "default" else f"{self.namespace}/"
        return f"{self.kind.lower()}:{namespace}{self.name}"

    def at(self, *path: str) -> Location:
        """Where the value at ``path`` (keys below the entity) is written."""
        node: Any = self.raw
        line, column = node.line, node.column
        for key in path:
            if isinstance(node, YMap) and key in node:
                line, column = node.key_marks[key][2:]
                node = node[key]
            else:
                break
        return Location(self.file, line, column, ".".join(path))

    def get(self, *path: str) -> Any:
        node: Any = self.raw
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node

    def annotation(self, name: str) -> Any:
        annotations = self.get("metadata", "annotations")
        return annotations.get(PREFIX + name) if isinstance(annotations, dict) else None


@dataclass(slots=True)
class _Catalog:
    entities: list[_Entity] = field(default_factory=list)
    by_key: dict[tuple[str, str, str], _Entity] = field(default_factory=dict)
    errors: list[LoadError] = field(default_factory=list)

    def error(self, location: Location, message: str) -> None:
        self.errors.append(LoadError(location, message))

    def read(self, file: str, data: bytes) -> None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.error(
                Location(file, *byte_position(data, exc.start)),
                "cannot read the file: not UTF-8 text",
            )
            return
        for start, document in split_documents(text):
            raw, errors = load_yaml(document, file)
            self.errors.extend(errors)
            if raw is None:
                continue
            if not isinstance(raw, YMap):
                self.error(
                    Location(file, start + 1, 1),
                    "a catalog entity is a mapping with apiVersion, kind, metadata and spec",
                )
                continue
            self.entity(file, raw)

    def entity(self, file: str, raw: YMap) -> None:
        here = Location(file, raw.line, raw.column)
        kind = raw.get("kind")
        metadata = raw.get("metadata")
        if not isinstance(kind, str) or not kind.strip():
            self.error(
                here,
                "entity has no `kind` (e.g. Component, Group)"
                if kind is None
                else "entity `kind` must be a string",
            )
            return
        if not isinstance(metadata, YMap):
            self.error(here, f"{kind} entity has no `metadata` mapping with a `name`")
            return
        name = metadata.get("name")
        if not isinstance(name, str) or not name.strip():
            line, column = metadata.line, metadata.column
            if "name" in metadata:
                line, column = metadata.key_marks["name"][2:]
            self.error(
                Location(file, line, column, "metadata.name"),
                f"{kind} entity has no `metadata.name`"
                if name is None
                else f"{kind} entity's `metadata.name` must be a non-empty string",
            )
            return
        namespace = metadata.get("namespace", "default")
        if not isinstance(namespace, str) or not namespace.strip():
            namespace = "default"
        entity = _Entity(kind, namespace, name, raw, file, len(self.entities))
        if entity.key in self.by_key:
            first = self.by_key[entity.key]
            self.error(
                here, f"{entity.ref} is declared twice (first at {first.file}:{first.raw.line})"
            )
            return
        spec = raw.get("spec")
        if spec is not None and not isinstance(spec, YMap):
            self.error(entity.at("spec"), f"{entity.ref}: `spec` must be a mapping")
            return
        self.entities.append(entity)
        self.by_key[entity.key] = entity

    def parse_ref(self, value: str, default_kind: str, namespace: str) -> tuple[str, str, str]:
        kind, sep, rest = value.partition(":")
        if not sep:
            kind, rest = default_kind, value
        space, sep, name = rest.partition("/")
        if not sep:
            space, name = namespace, rest
        return kind.strip().lower(), space.strip().lower(), name.strip().lower()

    def resolve(
        self,
        entity: _Entity,
        path: Sequence[str],
        value: Any,
        kinds: Sequence[str],
        index: int | None = None,
    ) -> _Entity | None:
        """The entity ``value`` refers to; an error (dangling reference) when none."""
        where = entity.at(*path)
        shown = ".".join(path) + (f"[{index}]" if index is not None else "")
        if index is not None:
            seq = entity.get(*path)
            if isinstance(seq, YSeq):
                line, column = seq.item_marks[index]
                where = Location(entity.file, line, column, shown)
        if not isinstance(value, str) or not value.strip():
            self.error(where, f"{entity.ref}: {shown} must be an entity reference (a string)")
            return None
        kind, space, name = self.parse_ref(value, kinds[0], entity.namespace.lower())
        candidates = [kind] if ":" in value else list(kinds)
        for candidate in candidates:
            found = self.by_key.get((candidate, space, name))
            if found is not None:
                return found
        self.error(
            where,
            f"{entity.ref}: {shown} refers to {shorten(value)!r}, which is not in the "
            "given catalog files (pass the file that declares it too)",
        )
        return None

    def refs(self, entity: _Entity, key: str, kinds: Sequence[str]) -> list[_Entity]:
        values = entity.get("spec", key)
        if values is None:
            return []
        if not isinstance(values, YSeq):
            self.error(
                entity.at("spec", key), f"{entity.ref}: spec.{key} must be a list of references"
            )
            return []
        found = [self.resolve(entity, ("spec", key), v, kinds, i) for i, v in enumerate(values)]
        return [f for f in found if f is not None]


# -- import: conversion -----------------------------------------------------------------

_OWNER_KINDS = ("group", "user")
_SYSTEM_ENTITY_KINDS = ("component", "resource")


class _Importer:
    def __init__(self, catalog: _Catalog, files: Sequence[str], known_rules: Iterable[str]) -> None:
        self.catalog = catalog
        self.files = files
        self.known_rules = list(known_rules)
        self.ids = IdAllocator()
        first = catalog.entities[0].raw if catalog.entities else None
        names = ", ".join(PurePath(f).name for f in files)
        self.draft = Draft(
            source=f"Backstage catalog {names}",
            meta={},
            origin=Location(files[0], first.line if first else 1, first.column if first else 1),
        )
        self.items: dict[tuple[str, str, str], DraftItem] = {}

    def of(self, *kinds: str) -> list[_Entity]:
        return [e for e in self.catalog.entities if e.kind.lower() in kinds]

    def warn(
        self, entity: _Entity, message: str, item: DraftItem | None = None, *path: str
    ) -> None:
        self.draft.warn(entity.at(*path), f"{entity.ref}: {message}", item)

    def text(self, entity: _Entity, *path: str) -> str | None:
        value = entity.get(*path)
        if value is None:
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        self.warn(entity, f"{'.'.join(path)} is not text; not imported", None, *path)
        return None

    def claim_ids(self) -> None:
        order = [*self.of(*_OWNER_KINDS), *self.of("system"), *self.of(*_SYSTEM_ENTITY_KINDS)]
        for entity in order:
            wanted = entity.annotation("id")
            if isinstance(wanted, str) and self.ids.reserve(wanted):
                entity.cadee_id = wanted
                continue
            base = (
                entity.name
                if entity.namespace.lower() == "default"
                else f"{entity.namespace}.{entity.name}"
            )
            entity.cadee_id = self.ids.claim(base, entity.kind.lower())
            if entity.cadee_id != base:
                self.warn(entity, f"imported with id {entity.cadee_id!r}")

    def run(self) -> Draft | None:
        self.claim_ids()
        self.blueprint_meta()
        for entity in self.catalog.entities:
            kind = entity.kind.lower()
            if kind in _OWNER_KINDS:
                self.owner(entity)
            elif kind == "system":
                self.boundary(entity)
        for entity in self.of(*_SYSTEM_ENTITY_KINDS):
            self.system(entity)
        self.integrations()
        self.others()
        if self.catalog.errors:
            return None
        finalise(self.draft, self.known_rules)
        return self.draft

    def blueprint_meta(self) -> None:
        domains = self.of("domain")
        marked = [d for d in domains if d.annotation("blueprint") is not None]
        chosen = marked[0] if marked else domains[0] if len(domains) == 1 else None
        meta: dict[str, Any] = {}
        stem = PurePath(self.files[0]).stem
        if chosen is None:
            meta["id"] = to_id(stem, "imported-backstage")
            meta["title"] = (
                f"Imported from Backstage catalog {', '.join(PurePath(f).name for f in self.files)}"
            )
            self.draft.meta = meta
            return
        if not marked:
            self.warn(chosen, "the only Domain: taken as the blueprint's metadata")
        wanted = chosen.annotation("blueprint")
        meta["id"] = (
            wanted if isinstance(wanted, str) and to_id(wanted) == wanted else to_id(chosen.name)
        )
        meta["title"] = self.text(chosen, "metadata", "title") or chosen.name
        description = self.text(chosen, "metadata", "description")
        if description:
            meta["description"] = description
        for key, name in (
            ("industry", "industry"),
            ("use_case", "use-case"),
            ("version", "version"),
            ("status", "status"),
            ("live_since", "live-since"),
        ):
            value = chosen.annotation(name)
            if value is not None:
                meta[key] = str(value)
        approvers = chosen.annotation("approvers")
        if approvers is not None:
            meta["approvers"] = _id_list(approvers)
        owner = self.owner_of(chosen)
        if owner is not None:
            meta["owner"] = owner
        self.draft.meta = meta
        self.draft.origin = chosen.at()

    def owner_of(self, entity: _Entity) -> str | None:
        if entity.annotation("unowned") == "true":
            return None
        value = entity.get("spec", "owner")
        if value is None:
            return None
        found = self.catalog.resolve(entity, ("spec", "owner"), value, _OWNER_KINDS)
        if found is None:
            return None
        if found.kind.lower() not in _OWNER_KINDS:
            self.warn(
                entity,
                f"owner {found.ref} is not a Group or User; not imported",
                None,
                "spec",
                "owner",
            )
            return None
        return found.cadee_id

    def labels(self, entity: _Entity, fields: dict[str, Any]) -> None:
        """Labels from the ``cadee.dev/labels`` annotation (JSON), else ``metadata.labels``;
        the blueprint's checks judge them like any other field."""
        raw = entity.annotation("labels")
        labels: Any = None
        if isinstance(raw, str):
            try:
                labels = json.loads(raw)
            except ValueError:
                labels = None
        if not isinstance(labels, dict):
            labels = entity.get("metadata", "labels")
        if isinstance(labels, dict) and labels:
            fields["labels"] = {
                str(key): value if isinstance(value, str) else str(value)
                for key, value in labels.items()
            }

    def owner(self, entity: _Entity) -> None:
        fields: dict[str, Any] = {"id": entity.cadee_id}
        item = self.draft.add("owners", fields, entity.at())
        self.labels(entity, fields)
        fields["name"] = (
            self.text(entity, "spec", "profile", "displayName")
            or self.text(entity, "metadata", "title")
            or entity.name
        )
        is_user = entity.kind.lower() == "user"
        group_type = entity.get("spec", "type")
        fields["kind"] = "person" if is_user else "role" if group_type == "role" else "team"
        function = entity.annotation("function")
        if function is not None:
            fields["function"] = function
        contact = entity.annotation("contact") or self.text(entity, "spec", "profile", "email")
        links = entity.get("metadata", "links")
        if contact is None and isinstance(links, list) and links and isinstance(links[0], dict):
            url = links[0].get("url")
            contact = url if isinstance(url, str) else None
        if contact is not None:
            fields["contact"] = str(contact)
        if is_user:
            if entity.get("spec", "memberOf"):
                self.warn(
                    entity, "memberOf (group membership) not imported", item, "spec", "memberOf"
                )
        elif (
            entity.get("spec", "parent")
            or entity.get("spec", "children")
            or entity.get("spec", "members")
        ):
            self.warn(
                entity, "group hierarchy (parent, children, members) not imported", item, "spec"
            )

    def boundary(self, entity: _Entity) -> None:
        fields: dict[str, Any] = {"id": entity.cadee_id}
        item = self.draft.add("boundaries", fields, entity.at())
        self.labels(entity, fields)
        title = self.text(entity, "metadata", "title")
        if title:
            fields["name"] = title
        trust = entity.annotation("trust")
        if trust is None:
            self.warn(
                entity,
                f"Backstage has no trust level: boundary {entity.cadee_id!r} set to "
                "`trust: internal`; review it",
                item,
            )
            trust = "internal"
        fields["trust"] = trust
        for key, name in (("clearance", "clearance"), ("identity_provider", "identity-provider")):
            value = entity.annotation(name)
            if value is not None:
                fields[key] = value
        if entity.get("metadata", "description"):
            self.warn(
                entity,
                "a boundary has no description; not imported",
                item,
                "metadata",
                "description",
            )

    def system(self, entity: _Entity) -> None:
        fields: dict[str, Any] = {"id": entity.cadee_id}
        item = self.draft.add("systems", fields, entity.at())
        self.items[entity.key] = item
        title = self.text(entity, "metadata", "title")
        if title:
            fields["name"] = title
        elif entity.name != entity.cadee_id and entity.annotation("id") != entity.cadee_id:
            fields["name"] = entity.name  # the readable name of an entity whose id had to change
        fields["kind"] = self.kind(entity, item)
        description = self.text(entity, "metadata", "description")
        if description:
            fields["description"] = description
        system = entity.get("spec", "system")
        if system is not None:
            found = self.catalog.resolve(entity, ("spec", "system"), system, ("system",))
            if found is not None:
                fields["boundary"] = found.cadee_id
        owner = self.owner_of(entity)
        if owner is not None:
            fields["owner"] = owner
        approvers = entity.annotation("approvers")
        if approvers is not None:
            fields["approvers"] = _id_list(approvers)
        self.labels(entity, fields)
        for key in ("environment", "criticality", "vendor"):
            value = entity.annotation(key)
            if value is not None:
                fields[key] = value
        for key, name in (("redundancy", "redundancy"), ("recovery-minutes", "recovery_minutes")):
            number = entity.annotation(key)
            if number is None:
                continue
            if isinstance(number, str) and number.isdigit():
                fields[name] = int(number)
            else:
                self.warn(
                    entity,
                    f"annotation {PREFIX}{key} {shorten(repr(number), 20)} is "
                    "not a whole number; not imported",
                    item,
                    "metadata",
                    "annotations",
                )
        for key in ("fallback", "observability"):
            value = self.json_annotation(entity, key, item)
            if value is not None:
                fields[key] = value
        if "observability" not in fields:
            links = self.observability_links(entity)
            if links:
                fields["observability"] = links
        if entity.get("spec", "subcomponentOf") is not None:
            self.warn(
                entity,
                "subcomponentOf not imported (a system has no parts)",
                item,
                "spec",
                "subcomponentOf",
            )

    def kind(self, entity: _Entity, item: DraftItem) -> str:
        annotated = entity.annotation("kind")
        if isinstance(annotated, str) and annotated in SYSTEM_KINDS:
            return annotated
        if annotated is not None:
            self.warn(
                entity,
                f"annotation {PREFIX}kind {shorten(repr(annotated), 30)} is not a system kind; "
                "spec.type decides",
                item,
                "metadata",
                "annotations",
            )
        spec_type = entity.get("spec", "type")
        table = _RESOURCE_KINDS if entity.kind.lower() == "resource" else _COMPONENT_KINDS
        if isinstance(spec_type, str) and spec_type.lower() in table:
            return table[spec_type.lower()]
        shown = shorten(repr(spec_type), 30) if spec_type is not None else "(none)"
        self.warn(
            entity,
            f"spec.type {shown} has no cadee kind; imported as kind service: review it",
            item,
            "spec",
            "type",
        )
        return "service"

    def json_annotation(self, entity: _Entity, key: str, item: DraftItem | None) -> Any:
        value = entity.annotation(key)
        if value is None:
            return None
        try:
            return _loads(value) if isinstance(value, str) else None
        except json.JSONDecodeError as exc:
            self.warn(
                entity,
                f"annotation {PREFIX}{key} is not valid JSON ({exc.msg}); not imported",
                item,
                "metadata",
                "annotations",
            )
            return None

    def observability_links(self, entity: _Entity) -> dict[str, str]:
        links = entity.get("metadata", "links")
        found: dict[str, str] = {}
        for link in links if isinstance(links, list) else []:
            if not isinstance(link, dict) or not isinstance(link.get("url"), str):
                continue
            title = str(link.get("title", "")).lower()
            for key in ("runbook", "dashboard"):
                if key in title and key not in found:
                    found[key] = link["url"]
        return found

    def integrations(self) -> None:
        systems = self.of(*_SYSTEM_ENTITY_KINDS)
        pairs: set[tuple[str, str]] = set()
        for entity in systems:
            targets = []
            for target in self.catalog.refs(entity, "dependsOn", _SYSTEM_ENTITY_KINDS):
                if target.kind.lower() in _SYSTEM_ENTITY_KINDS:
                    targets.append(target)
                else:
                    self.warn(
                        entity,
                        f"dependsOn {target.ref}, which is not a Component or Resource; "
                        "not an integration",
                        self.items[entity.key],
                        "spec",
                        "dependsOn",
                    )
            self.declared(entity, targets, pairs)
        for entity in systems:
            for source in self.catalog.refs(entity, "dependencyOf", _SYSTEM_ENTITY_KINDS):
                if (
                    source.kind.lower() in _SYSTEM_ENTITY_KINDS
                    and (source.cadee_id, entity.cadee_id) not in pairs
                ):
                    pairs.add((source.cadee_id, entity.cadee_id))
                    self.draft.add(
                        "integrations",
                        {"from": source.cadee_id, "to": entity.cadee_id},
                        entity.at("spec", "dependencyOf"),
                    )
        self.api_integrations(systems, pairs)

    def declared(
        self, entity: _Entity, targets: list[_Entity], pairs: set[tuple[str, str]]
    ) -> None:
        """Integrations from ``dependsOn``, with attributes from the annotation when present."""
        item = self.items[entity.key]
        entries: dict[str, list[dict[str, Any]]] = {}
        raw = entity.annotation("integrations")
        if raw is not None:
            # One JSON object per line; only "\n" ends a line (JSON may hold U+2028 or U+0085).
            for number, line in enumerate(str(raw).split("\n"), start=1):
                if not line.strip():
                    continue
                try:
                    entry = _loads(line)
                except json.JSONDecodeError as exc:
                    entry = None
                    problem = exc.msg
                else:
                    problem = "expected an object with `to`"
                if not isinstance(entry, dict) or not isinstance(entry.get("to"), str):
                    self.warn(
                        entity,
                        f"annotation {PREFIX}integrations line {number}: {problem}; not imported",
                        item,
                        "metadata",
                        "annotations",
                    )
                    continue
                entries.setdefault(entry["to"], []).append(entry)
        target_ids = [t.cadee_id for t in targets]
        needs = entity.annotation("needs")
        if isinstance(needs, str):
            # cadee ids in the annotation; dependsOn names the same systems by entity ref.
            by_annotated_id = {t.annotation("id") or t.cadee_id: t.cadee_id for t in targets}
            needed = [by_annotated_id.get(n, n) for n in _id_list(needs)]
            item.fields["needs"] = needed
            # A needed system the caller has no integration with is not an integration
            # (the exporter lists every integration in the annotation).
            target_ids = [t for t in target_ids if t in entries or t not in needed]
        for stale in [to for to in entries if to not in target_ids]:
            self.warn(
                entity,
                f"annotation {PREFIX}integrations names {stale!r}, which is not in "
                "spec.dependsOn; not imported",
                item,
                "metadata",
                "annotations",
            )
        where = entity.at("spec", "dependsOn")
        for target in dict.fromkeys(target_ids):
            pairs.add((entity.cadee_id, target))
            for entry in entries.get(target, [{"to": target}]):
                fields = {k: v for k, v in entry.items() if k != "to"}
                explicit = {"id": fields.pop("id")} if "id" in fields else {}
                if explicit and not self.ids.reserve(str(explicit["id"])):
                    explicit = {"id": self.ids.claim(str(explicit["id"]), "integration")}
                self.draft.add(
                    "integrations",
                    {**explicit, "from": entity.cadee_id, "to": target, **fields},
                    where,
                )

    def api_integrations(self, systems: list[_Entity], pairs: set[tuple[str, str]]) -> None:
        providers: dict[tuple[str, str, str], list[_Entity]] = {}
        for entity in systems:
            for api in self.catalog.refs(entity, "providesApis", ("api",)):
                providers.setdefault(api.key, []).append(entity)
        for entity in systems:
            for api in self.catalog.refs(entity, "consumesApis", ("api",)):
                if api.key not in providers:
                    self.warn(
                        entity,
                        f"consumes {api.ref}, which no given Component provides; no integration",
                        self.items[entity.key],
                        "spec",
                        "consumesApis",
                    )
                    continue
                api_type = api.get("spec", "type")
                for provider in providers[api.key]:
                    pair = (entity.cadee_id, provider.cadee_id)
                    if pair in pairs:
                        continue
                    pairs.add(pair)
                    fields: dict[str, Any] = {
                        "from": pair[0],
                        "to": pair[1],
                        "description": f"Uses API {api.name}",
                    }
                    if isinstance(api_type, str) and api_type.lower() in _API_PROTOCOLS:
                        fields["protocol"] = _API_PROTOCOLS[api_type.lower()]
                    elif api_type == "asyncapi":
                        fields["mode"] = "async"
                    self.draft.add("integrations", fields, entity.at("spec", "consumesApis"))

    def others(self) -> None:
        skipped: dict[str, int] = {}
        extras = 0
        for entity in self.catalog.entities:
            kind = entity.kind.lower()
            if kind == "location":
                self.warn(
                    entity, "Location entities are not followed: pass the catalog files they list"
                )
            elif kind == "domain":
                if entity.annotation("blueprint") is None and len(self.of("domain")) > 1:
                    self.warn(entity, "Domain not imported (a blueprint describes one workflow)")
            elif kind not in (*_OWNER_KINDS, "system", *_SYSTEM_ENTITY_KINDS, "api"):
                skipped[entity.kind] = skipped.get(entity.kind, 0) + 1
            metadata = entity.get("metadata")
            annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
            foreign = (
                [k for k in annotations if not str(k).startswith(PREFIX)]
                if isinstance(annotations, dict)
                else []
            )
            if foreign or (isinstance(metadata, dict) and metadata.get("tags")):
                extras += 1
        for kind, count in skipped.items():
            self.draft.warn(
                self.draft.origin,
                f"{count} {kind} entit{'y' if count == 1 else 'ies'} not imported "
                "(no blueprint counterpart)",
            )
        if extras:
            self.draft.warn(
                self.draft.origin,
                f"tags and non-cadee annotations of {extras} "
                f"entit{'y' if extras == 1 else 'ies'} not imported (Backstage plugin settings)",
            )


def _id_list(value: Any) -> list[str]:
    return [part.strip() for part in str(value).split(",") if part.strip()]


def import_backstage(
    files: Sequence[tuple[str, bytes]], known_rules: Iterable[str]
) -> tuple[Draft | None, list[LoadError]]:
    """A draft blueprint from Backstage catalog files, or the errors that prevent one.

    ``files`` are (name shown in locations, content) pairs, read in order.
    """
    catalog = _Catalog()
    for name, data in files:
        catalog.read(name, data)
    if catalog.errors:
        return None, catalog.errors
    if not catalog.entities:
        return None, [LoadError(Location(files[0][0], 1, 1), "no catalog entities found")]
    draft = _Importer(catalog, [name for name, _ in files], known_rules).run()
    if draft is None:
        return None, sorted(catalog.errors)
    return draft, []
