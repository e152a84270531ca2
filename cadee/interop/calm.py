"""FINOS CALM 1.2: export a blueprint as a CALM architecture, import one back.

Export (``render_calm``): systems and boundaries become nodes, integrations
``connects`` relationships, boundary membership ``deployed-in``
relationships; every blueprint field CALM has no place for travels in
``metadata.cadee`` (nodes, relationships and the architecture itself), so a
blueprint -> CALM -> blueprint round trip loses nothing. The output validates
against the CALM 1.2 meta-schema (tests check it).

Import (``import_calm``): what maps is converted, what does not becomes a
warning; malformed input gives errors with ``file:line:column``.
docs/interop.md has the mapping field by field.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from cadee.diagnostics import LoadError, Location, byte_position
from cadee.interop.draft import Draft, DraftItem, IdAllocator, finalise, to_id
from cadee.model import Blueprint
from cadee.text import json_text, shorten

__all__ = [
    "CALM_PROTOCOLS",
    "CALM_SCHEMA",
    "NODE_TYPES",
    "import_calm",
    "render_calm",
    "to_calm",
]

CALM_SCHEMA = "https://calm.finos.org/release/1.2/meta/calm.json"

#: cadee system kind -> CALM node-type (values from the CALM 1.2 enum).
NODE_TYPES: dict[str, str] = {
    "channel": "webclient",
    "gateway": "service",
    "model": "service",
    "agent": "service",
    "core-banking": "system",
    "crm": "system",
    "risk": "system",
    "data-store": "database",
    "service": "service",
    "human-desk": "actor",
    "identity-provider": "ldap",
    "external": "system",
}
#: Node type of a boundary (a container of ``deployed-in`` relationships).
BOUNDARY_NODE_TYPE = "network"

#: CALM node-type -> cadee kind on import, when the node carries no cadee kind;
#: the second value says why the mapping needs a human look (a warning), if it does.
_KINDS: dict[str, tuple[str, str]] = {
    "webclient": ("channel", ""),
    "service": ("service", ""),
    "system": ("service", ""),
    "database": ("data-store", ""),
    "data-asset": ("data-store", ""),
    "ldap": ("identity-provider", ""),
    "actor": (
        "human-desk",
        "a CALM actor is a person or role: cadee models staff as a "
        "human-desk and customers through a channel",
    ),
    "ecosystem": ("external", "a CALM ecosystem is a collection of systems outside this one"),
    "network": ("service", "a network that contains no nodes"),
}

#: The CALM 1.2 relationship protocol enum.
CALM_PROTOCOLS = (
    "HTTP",
    "HTTPS",
    "FTP",
    "SFTP",
    "JDBC",
    "WebSocket",
    "SocketIO",
    "LDAP",
    "AMQP",
    "TLS",
    "mTLS",
    "TCP",
)
_PROTOCOL_BY_NAME = {p.lower(): p for p in CALM_PROTOCOLS}

_RELATIONSHIP_TYPES = ("interacts", "connects", "deployed-in", "composed-of", "options")
_SYSTEM_KEYS = (
    "kind",
    "owner",
    "approvers",
    "environment",
    "criticality",
    "redundancy",
    "vendor",
    "fallback",
    "observability",
    "needs",
    "recovery_minutes",
    "labels",
)
_BOUNDARY_KEYS = ("trust", "identity_provider", "clearance", "labels")
_INTEGRATION_KEYS = ("protocol", "mode", "auth", "identity", "data", "timeout_ms", "labels")
_META_LISTS = ("owners", "evidence", "kpis", "gates", "waivers", "approvals", "services")


# -- export ----------------------------------------------------------------------------


def calm_protocol(protocol: str | None) -> str | None:
    """The CALM protocol enum value for a blueprint protocol, if there is one."""
    return _PROTOCOL_BY_NAME.get(protocol.lower()) if protocol else None


def _set_fields(item: Any, skip: Iterable[str] = ()) -> dict[str, Any]:
    data: dict[str, Any] = item.model_dump(exclude_unset=True, by_alias=True, mode="json")
    for key in skip:
        data.pop(key, None)
    return data


def to_calm(blueprint: Blueprint) -> dict[str, Any]:
    """The blueprint as a CALM 1.2 architecture (a JSON-ready dict, in declaration order)."""
    nodes: list[dict[str, Any]] = []
    relationships: list[dict[str, Any]] = []
    for boundary in blueprint.boundaries:
        nodes.append(
            {
                "unique-id": boundary.id,
                "node-type": BOUNDARY_NODE_TYPE,
                "name": boundary.name or boundary.id,
                "description": "",
                "metadata": {
                    "cadee": {"element": "boundary", **_set_fields(boundary, ("id", "name"))}
                },
            }
        )
    for system in blueprint.systems:
        extra = _set_fields(system, ("id", "name", "description", "kind", "boundary"))
        nodes.append(
            {
                "unique-id": system.id,
                "node-type": NODE_TYPES[system.kind],
                "name": system.name,
                "description": system.description or "",
                "metadata": {"cadee": {"element": "system", "kind": system.kind, **extra}},
            }
        )
    for boundary in blueprint.boundaries:
        members = [s.id for s in blueprint.systems if s.boundary == boundary.id]
        if members:
            relationships.append(
                {
                    "unique-id": f"deployed-in:{boundary.id}",
                    "relationship-type": {
                        "deployed-in": {"container": boundary.id, "nodes": members}
                    },
                }
            )
    for integration in blueprint.integrations:
        relationship: dict[str, Any] = {"unique-id": integration.id}
        if integration.description is not None:
            relationship["description"] = integration.description
        relationship["relationship-type"] = {
            "connects": {
                "source": {"node": integration.from_},
                "destination": {"node": integration.to},
            }
        }
        protocol = calm_protocol(integration.protocol)
        if protocol is not None:
            relationship["protocol"] = protocol
        extra = _set_fields(integration, ("id", "from", "to", "description"))
        if extra:
            relationship["metadata"] = {"cadee": extra}
        relationships.append(relationship)
    document: dict[str, Any] = {
        "$schema": CALM_SCHEMA,
        "nodes": nodes,
        "relationships": relationships,
    }
    carried: dict[str, Any] = {"format": 1, "blueprint": _set_fields(blueprint.meta)}
    for key in _META_LISTS:
        items = getattr(blueprint, key)
        if items:
            carried[key] = [_set_fields(item) for item in items]
    for kpi in carried.get("kpis", ()):
        # A measurements file is a path next to the blueprint: carry its values instead.
        points = blueprint.measurements.get(kpi["id"], [])
        kpi.pop("measurements_file", None)
        kpi.pop("measurements", None)
        if points:
            kpi["measurements"] = [
                {
                    "date": p.date.isoformat(),
                    "value": p.value,
                    **({"note": p.note} if p.note else {}),
                }
                for p in points
            ]
    document["metadata"] = {"cadee": carried}
    return document


def render_calm(blueprint: Blueprint) -> str:
    """``to_calm`` as JSON text: two-space indent, declaration order, one final newline."""
    return json_text(to_calm(blueprint))


# -- JSON with positions ---------------------------------------------------------------


class _JObject(dict[str, Any]):
    __slots__ = ("offset",)
    offset: int


class _JArray(list[Any]):
    __slots__ = ("offset",)
    offset: int


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_string(value: str) -> str:
    # JSON may escape lone surrogates (\ud800); no UTF-8 file can hold them.
    if _SURROGATE.search(value):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


class _Refused(ValueError):
    """JSON that parses but is refused (a duplicate key, a huge integer), at ``offset``."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def _key_offset(text: str, start: int, end: int, key: str) -> int:
    """Where ``key`` appears for the second time in the object at ``text[start:end]``."""
    pattern = re.compile(re.escape(json.dumps(key)) + r"\s*:")
    found = [m.start() for m in pattern.finditer(text, start, end)]
    return found[1] if len(found) > 1 else start


def _parse(text: str) -> Any:
    """``json.loads`` that remembers where every object and array starts.

    Refuses, located, what ``json.loads`` would accept silently or fail on
    without a position: a key twice in one object (the last would win), an
    integer longer than Python converts (``sys.get_int_max_str_digits()``).
    """
    decoder = json.JSONDecoder()
    # The pure-Python scanner calls these hooks; the C scanner would bypass them.
    decoder_module: Any = json.decoder
    scanner_module: Any = json.scanner
    json_object = decoder_module.JSONObject
    json_array = decoder_module.JSONArray
    scanstring = decoder_module.scanstring

    def parse_object(
        s_and_end: tuple[str, int],
        strict: bool,
        scan_once: Any,
        object_hook: Any,
        object_pairs_hook: Any,
        memo: Any = None,
    ) -> tuple[_JObject, int]:
        pairs, end = json_object(s_and_end, strict, scan_once, None, list, memo)
        result = _JObject(pairs)
        result.offset = s_and_end[1] - 1
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    where = _key_offset(text, result.offset, end, key)
                    raise _Refused(
                        f"duplicate key {shorten(repr(key), 40)}: each key may appear once in an object",
                        where,
                    )
                seen.add(key)
        return result, end

    def parse_array(s_and_end: tuple[str, int], scan_once: Any) -> tuple[_JArray, int]:
        values, end = json_array(s_and_end, scan_once)
        result = _JArray(values)
        result.offset = s_and_end[1] - 1
        return result, end

    def parse_string(s: str, end: int, strict: bool) -> tuple[str, int]:
        value, end = scanstring(s, end, strict)
        return _clean_string(value), end

    def parse_int(digits: str) -> int:
        limit = sys.get_int_max_str_digits()
        if limit and len(digits.lstrip("-")) > limit:
            raise _Refused(
                f"integer of {len(digits.lstrip('-')):,} digits is too large (at most {limit:,})",
                max(text.find(digits), 0),
            )
        return int(digits)

    hooks: Any = decoder
    hooks.parse_int = parse_int
    hooks.parse_object = parse_object
    hooks.parse_array = parse_array
    hooks.parse_string = parse_string
    hooks.scan_once = scanner_module.py_make_scanner(decoder)
    return decoder.decode(text)


@dataclass(slots=True)
class _Source:
    file: str
    text: str
    breaks: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.breaks = [m.start() for m in re.finditer("\n", self.text)]

    def at(self, node: Any, path: str = "") -> Location:
        offset = getattr(node, "offset", 0)
        line = bisect.bisect_left(self.breaks, offset)
        start = self.breaks[line - 1] + 1 if line else 0
        return Location(self.file, line + 1, offset - start + 1, path)


@dataclass(frozen=True, slots=True)
class _Offset:
    offset: int


# -- import ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    index: int
    data: _JObject
    unique_id: str
    path: str
    cadee_id: str = ""
    boundary: bool = False


class _Importer:
    def __init__(self, source: _Source, known_rules: Iterable[str]) -> None:
        self.source = source
        self.known_rules = list(known_rules)
        self.errors: list[LoadError] = []
        self.nodes: dict[str, _Node] = {}
        self.seen: dict[str, Location] = {}
        self.relationships: list[tuple[_JObject, str, str, Any]] = []
        self.ids = IdAllocator()
        self.draft: Draft | None = None

    def error(self, node: Any, path: str, message: str) -> None:
        self.errors.append(LoadError(self.source.at(node, path), message))

    def warn(self, node: Any, path: str, message: str, item: DraftItem | None = None) -> None:
        assert self.draft is not None
        self.draft.warn(self.source.at(node, path), message, item)

    # -- structure -------------------------------------------------------------------

    def unique_id(self, obj: _JObject, path: str, what: str) -> str | None:
        value = obj.get("unique-id")
        if not isinstance(value, str) or not value.strip():
            problem = (
                "has no unique-id"
                if value is None
                else "has a unique-id that is not a non-empty string"
            )
            self.error(obj, path, f"{what} {problem} (CALM requires one)")
            return None
        if value in self.seen:
            first = self.seen[value]
            self.error(
                obj,
                path,
                f"unique-id {shorten(value)!r} is already used at line "
                f"{first.line}, column {first.column}",
            )
            return None
        self.seen[value] = self.source.at(obj, path)
        return value

    def read_nodes(self, root: _JObject) -> None:
        nodes = root.get("nodes")
        if nodes is None:
            self.error(root, "nodes", "no `nodes` list: this is not a CALM architecture")
            return
        if not isinstance(nodes, _JArray):
            self.error(root, "nodes", "`nodes` must be a list of node objects")
            return
        for index, node in enumerate(nodes):
            path = f"nodes[{index}]"
            if not isinstance(node, _JObject):
                self.error(nodes, path, f"{path} is not a node object")
                continue
            unique_id = self.unique_id(node, path, "node")
            if unique_id is not None:
                self.nodes[unique_id] = _Node(index, node, unique_id, path)

    def node_ref(self, holder: Any, path: str, value: Any, role: str) -> str | None:
        if not isinstance(value, str):
            self.error(holder, path, f"{role} must be a node's unique-id (a string)")
            return None
        if value not in self.nodes:
            self.error(holder, path, f"{role} names unknown node {shorten(value)!r}")
            return None
        return value

    def node_list(self, holder: Any, path: str, value: Any, role: str) -> list[str] | None:
        if not isinstance(value, _JArray) or not value:
            self.error(holder, path, f"{role} must be a non-empty list of node unique-ids")
            return None
        refs = [self.node_ref(value, f"{path}[{i}]", v, role) for i, v in enumerate(value)]
        return None if None in refs else [r for r in refs if r is not None]

    def read_relationships(self, root: _JObject) -> None:
        relationships = root.get("relationships", _JArray())
        if not isinstance(relationships, _JArray):
            self.error(
                root, "relationships", "`relationships` must be a list of relationship objects"
            )
            return
        for index, relationship in enumerate(relationships):
            path = f"relationships[{index}]"
            if not isinstance(relationship, _JObject):
                self.error(relationships, path, f"{path} is not a relationship object")
                continue
            unique_id = self.unique_id(relationship, path, "relationship")
            kinds = relationship.get("relationship-type")
            if not isinstance(kinds, _JObject):
                self.error(relationship, path, "relationship has no relationship-type object")
                continue
            present = [k for k in kinds if k in _RELATIONSHIP_TYPES]
            if len(present) != 1:
                self.error(
                    kinds,
                    f"{path}.relationship-type",
                    "relationship-type must hold exactly one of "
                    f"{', '.join(_RELATIONSHIP_TYPES)}; found {', '.join(sorted(kinds)) or 'none'}",
                )
                continue
            kind = present[0]
            body = kinds[kind]
            where = f"{path}.relationship-type.{kind}"
            parsed: Any = None
            if kind == "options":
                parsed = body
            elif not isinstance(body, _JObject):
                self.error(kinds, where, f"{kind} must be an object")
                continue
            elif kind == "connects":
                ends: list[str | None] = []
                for end in ("source", "destination"):
                    value = body.get(end)
                    if not isinstance(value, _JObject):
                        self.error(
                            body, f"{where}.{end}", f"connects needs a {end} object with a `node`"
                        )
                        ends.append(None)
                        continue
                    ends.append(
                        self.node_ref(
                            value, f"{where}.{end}.node", value.get("node"), f"{end} node"
                        )
                    )
                parsed = ends if None not in ends else None
            elif kind == "interacts":
                actor = self.node_ref(body, f"{where}.actor", body.get("actor"), "actor")
                members = self.node_list(
                    body, f"{where}.nodes", body.get("nodes"), "interacts nodes"
                )
                parsed = (actor, members) if actor is not None and members is not None else None
            else:
                container = self.node_ref(
                    body, f"{where}.container", body.get("container"), "container"
                )
                members = self.node_list(body, f"{where}.nodes", body.get("nodes"), f"{kind} nodes")
                parsed = (
                    (container, members) if container is not None and members is not None else None
                )
                if container is not None:
                    self.nodes[container].boundary = True
            if parsed is not None and unique_id is not None:
                self.relationships.append((relationship, path, kind, parsed))

    # -- conversion ------------------------------------------------------------------

    def metadata(self, obj: _JObject, path: str, item: DraftItem | None) -> dict[str, Any]:
        """The ``cadee`` part of an element's metadata; other keys are warned about."""
        raw = obj.get("metadata")
        if raw is None:
            return {}
        parts = raw if isinstance(raw, _JArray) else [raw]
        carried: dict[str, Any] = {}
        others: list[str] = []
        for part in parts:
            if not isinstance(part, dict):
                continue
            for key, value in part.items():
                if key == "cadee" and isinstance(value, dict):
                    carried.update(value)
                else:
                    others.append(key)
        if others:
            self.warn(raw, f"{path}.metadata", f"metadata {_names(others)} not imported", item)
        return carried

    def unused(self, obj: _JObject, path: str, used: Iterable[str], item: DraftItem | None) -> None:
        extra = [k for k in obj if k not in set(used)]
        if extra:
            self.warn(obj, path, f"{_names(extra)} not imported (no blueprint field)", item)

    def cadee_fields(
        self,
        carried: dict[str, Any],
        keys: Iterable[str],
        obj: _JObject,
        path: str,
        item: DraftItem,
    ) -> None:
        keys = tuple(keys)
        for key, value in carried.items():
            if key in keys:
                item.fields[key] = value
            elif key != "element":
                self.warn(
                    obj, path, f"metadata cadee.{key} is not a field here; not imported", item
                )

    def build(self, root: _JObject, name: str) -> Draft:
        carried_top = self.top_metadata(root)
        carried_meta = carried_top.get("blueprint")
        meta: dict[str, Any] = dict(carried_meta) if isinstance(carried_meta, dict) else {}
        stem = PurePath(name).stem
        if not isinstance(meta.get("id"), str) or to_id(meta["id"]) != meta["id"]:
            meta["id"] = to_id(stem, "imported-calm")
        if not isinstance(meta.get("title"), str):
            meta["title"] = f"Imported from CALM architecture {name}"
        draft = Draft(source=f"CALM architecture {name}", meta=meta, origin=self.source.at(root))
        self.draft = draft
        self.unused(root, "", ("$schema", "nodes", "relationships", "metadata"), None)
        self.top_warnings(root)
        carried_lists = {key: _as_list(carried_top.get(key)) for key in _META_LISTS}
        for index, entry in enumerate(carried_lists["owners"]):
            if isinstance(entry, dict):
                if isinstance(entry.get("id"), str):
                    self.ids.reserve(entry["id"])
                draft.add(
                    "owners", dict(entry), self.source.at(entry, f"metadata.cadee.owners[{index}]")
                )
        self.convert_nodes()
        self.convert_relationships()
        for key in _META_LISTS[1:]:
            for index, entry in enumerate(carried_lists[key]):
                if isinstance(entry, dict):
                    draft.add(
                        key, dict(entry), self.source.at(entry, f"metadata.cadee.{key}[{index}]")
                    )
        finalise(draft, self.known_rules)
        return draft

    def top_metadata(self, root: _JObject) -> dict[str, Any]:
        raw = root.get("metadata")
        if raw is None:
            return {}
        parts = raw if isinstance(raw, _JArray) else [raw]
        carried: dict[str, Any] = {}
        for part in parts:
            if isinstance(part, dict) and isinstance(part.get("cadee"), dict):
                carried.update(part["cadee"])
        return carried

    def top_warnings(self, root: _JObject) -> None:
        raw = root.get("metadata")
        parts = raw if isinstance(raw, _JArray) else [raw] if raw is not None else []
        others = [k for part in parts if isinstance(part, dict) for k in part if k != "cadee"]
        if others:
            self.warn(raw, "metadata", f"architecture metadata {_names(others)} not imported")
        carried = self.top_metadata(root)
        extra = [k for k in carried if k not in ("format", "blueprint", *_META_LISTS)]
        if extra:
            self.warn(raw, "metadata.cadee", f"metadata cadee {_names(extra)} not imported")

    def convert_nodes(self) -> None:
        draft = self.draft
        assert draft is not None
        ordered = sorted(self.nodes.values(), key=lambda n: (not n.boundary, n.index))
        for node in ordered:
            data, path = node.data, node.path
            section = "boundaries" if node.boundary else "systems"
            item = draft.add(section, {}, self.source.at(data, path))
            if self.ids.reserve(node.unique_id):
                node.cadee_id = node.unique_id
            else:
                node.cadee_id = self.ids.claim(
                    node.unique_id, "boundary" if node.boundary else "system"
                )
                problem = (
                    "is already used"
                    if to_id(node.unique_id) == node.unique_id
                    else "is not a valid cadee id"
                )
                self.warn(
                    data,
                    path,
                    f"unique-id {shorten(node.unique_id)!r} {problem}; "
                    f"imported as {node.cadee_id!r}",
                    item,
                )
            item.fields["id"] = node.cadee_id
            name = data.get("name")
            if isinstance(name, str) and name and name != node.cadee_id:
                item.fields["name"] = name
            elif not isinstance(name, str) and not node.boundary:
                self.warn(data, path, "node has no name; the id is used", item)
            carried = self.metadata(data, path, item)
            node_type = data.get("node-type")
            if node.boundary:
                if isinstance(data.get("description"), str) and data["description"]:
                    self.warn(
                        data,
                        path,
                        "a boundary has no description; node description not imported",
                        item,
                    )
                if "trust" not in carried:
                    self.warn(
                        data,
                        path,
                        f"CALM has no trust level: boundary {node.cadee_id!r} set to "
                        "`trust: internal`; review it",
                        item,
                    )
                    item.fields["trust"] = "internal"
                self.cadee_fields(carried, _BOUNDARY_KEYS, data, path, item)
            else:
                description = data.get("description")
                if isinstance(description, str) and description:
                    item.fields["description"] = description
                kind = carried.pop("kind", None)
                if not isinstance(kind, str) or kind not in NODE_TYPES:
                    if kind is not None:
                        self.warn(
                            data,
                            path,
                            f"metadata cadee.kind {shorten(repr(kind), 40)} is not a "
                            "system kind; the node-type decides",
                            item,
                        )
                    kind = self.kind_of(node_type, data, path, item)
                item.fields["kind"] = kind
                self.cadee_fields(carried, _SYSTEM_KEYS, data, path, item)
            self.unused(
                data, path, ("unique-id", "node-type", "name", "description", "metadata"), item
            )

    def kind_of(self, node_type: Any, data: _JObject, path: str, item: DraftItem) -> str:
        if not isinstance(node_type, str):
            self.warn(data, path, "node has no node-type; imported as kind service", item)
            return "service"
        kind, why = _KINDS.get(node_type, ("service", ""))
        if node_type not in _KINDS:
            why = f"node-type {shorten(node_type, 40)!r} has no cadee kind"
        if why:
            self.warn(data, path, f"imported as kind {kind}: {why}; review it", item)
        return kind

    def convert_relationships(self) -> None:
        draft = self.draft
        assert draft is not None
        placed: dict[str, str] = {}
        for relationship, path, kind, parsed in self.relationships:
            if kind in ("deployed-in", "composed-of"):
                container, members = parsed
                for member in members:
                    node = self.nodes[member]
                    if node.boundary:
                        self.warn(
                            relationship,
                            path,
                            f"node {member!r} contains nodes and is inside "
                            f"{container!r}: boundaries do not nest; the nesting is not kept",
                        )
                    elif member in placed and placed[member] != container:
                        self.warn(
                            relationship,
                            path,
                            f"node {member!r} is already in {placed[member]!r}; "
                            f"a system has one boundary, so {kind} {container!r} is not kept",
                        )
                    else:
                        placed[member] = container
                extra = [
                    k
                    for k in relationship
                    if k not in ("unique-id", "relationship-type", "description")
                ]
                if extra:
                    self.warn(
                        relationship, path, f"{_names(extra)} of a {kind} relationship not imported"
                    )
                continue
            if kind == "options":
                self.warn(
                    relationship,
                    path,
                    "`options` relationships (pattern decisions) are not imported",
                )
                continue
            pairs = [tuple(parsed)] if kind == "connects" else [(parsed[0], m) for m in parsed[1]]
            for source, destination in pairs:
                item = self.integration(relationship, path, source, destination, len(pairs) == 1)
                if kind == "interacts" and item is not None:
                    self.warn(
                        relationship,
                        path,
                        f"`interacts` (actor {source!r} uses {destination!r}) "
                        "imported as an integration",
                        item,
                    )
        systems = {item.fields["id"]: item for item in draft.sections["systems"]}
        for member, container in placed.items():
            systems[self.nodes[member].cadee_id].fields["boundary"] = self.nodes[container].cadee_id

    def integration(
        self, relationship: _JObject, path: str, source: str, destination: str, keep_id: bool
    ) -> DraftItem | None:
        draft = self.draft
        assert draft is not None
        ends = [self.nodes[source], self.nodes[destination]]
        if any(n.boundary for n in ends):
            self.warn(
                relationship,
                path,
                "a relationship with a container node (a boundary) is not "
                "an integration between systems; not imported",
            )
            return None
        item = draft.add("integrations", {}, self.source.at(relationship, path))
        unique_id = relationship["unique-id"]
        if keep_id and unique_id != f"{source}->{destination}":
            item.fields["id"] = (
                unique_id
                if self.ids.reserve(unique_id)
                else self.ids.claim(unique_id, "integration")
            )
        item.fields["from"] = ends[0].cadee_id
        item.fields["to"] = ends[1].cadee_id
        description = relationship.get("description")
        if isinstance(description, str) and description:
            item.fields["description"] = description
        carried = self.metadata(relationship, path, item)
        protocol = relationship.get("protocol")
        if isinstance(protocol, str) and protocol:
            if "protocol" not in carried:
                item.fields["protocol"] = protocol.lower()
            elif calm_protocol(str(carried["protocol"])) != protocol:
                self.warn(
                    relationship,
                    path,
                    f"protocol {shorten(protocol, 20)!r} differs from metadata "
                    f"cadee.protocol {shorten(str(carried['protocol']), 20)!r}; the metadata is kept",
                    item,
                )
            if protocol == "mTLS" and "auth" not in carried:
                item.fields["auth"] = "mtls"
        self.cadee_fields(carried, _INTEGRATION_KEYS, relationship, path, item)
        connects = relationship["relationship-type"].get("connects")
        if isinstance(connects, dict) and any(
            isinstance(connects.get(end), dict) and connects[end].get("interfaces")
            for end in ("source", "destination")
        ):
            self.warn(
                relationship, path, "interfaces on the relationship's ends not imported", item
            )
        self.unused(
            relationship,
            path,
            ("unique-id", "description", "relationship-type", "protocol", "metadata"),
            item,
        )
        return item


def _names(keys: Iterable[str]) -> str:
    shown = [shorten(str(k), 40) for k in keys]
    return ", ".join(f"`{k}`" for k in shown[:8]) + (
        f" and {len(shown) - 8} more" if len(shown) > 8 else ""
    )


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def import_calm(
    data: bytes, file: str, known_rules: Iterable[str]
) -> tuple[Draft | None, list[LoadError]]:
    """A draft blueprint from a CALM architecture's bytes, or the errors that prevent one.

    ``file`` names the input in locations and in the blueprint header.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [
            LoadError(
                Location(file, *byte_position(data, exc.start)),
                "cannot read the file: not UTF-8 text",
            )
        ]
    try:
        root = _parse(text)
    except json.JSONDecodeError as exc:
        return None, [LoadError(Location(file, exc.lineno, exc.colno), f"invalid JSON: {exc.msg}")]
    except RecursionError:
        return None, [LoadError(Location(file, 1, 1), "invalid JSON: nested too deeply")]
    except _Refused as exc:
        return None, [
            LoadError(_Source(file, text).at(_Offset(exc.offset)), f"invalid JSON: {exc}")
        ]
    if not isinstance(root, _JObject):
        return None, [
            LoadError(Location(file, 1, 1), "a CALM architecture is a JSON object with `nodes`")
        ]
    importer = _Importer(_Source(file, text), known_rules)
    importer.read_nodes(root)
    importer.read_relationships(root)
    if importer.errors:
        return None, sorted(importer.errors)
    return importer.build(root, PurePath(file).name), []
