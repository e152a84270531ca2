"""Load a blueprint: read files, follow includes, validate, merge, resolve references.

Stage 1 of spec section 10. Everything wrong with the input comes back as a
list of :class:`LoadError` (file, line, column, path inside the document),
all of them in one run; nothing raises for bad input.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import deque
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from itertools import chain, pairwise, repeat, tee
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cadee.diagnostics import LoadError, Location
from cadee.errors import did_you_mean, format_error, quote
from cadee.files import NotRegularFile, Problem, TooLarge, confine, project_root, read_regular
from cadee.gcpause import gc_paused
from cadee.measurements import parse_measurements_csv
from cadee.model import (
    LIST_FIELDS,
    Blueprint,
    BlueprintMeta,
    Document,
    Item,
    Kpi,
    MeasuredValue,
    SourceFile,
    set_location,
    sharing_context,
)
from cadee.yamlload import Limits, YMap, YSeq, describe_type, load_yaml, starts

__all__ = ["FileSource", "LoadResult", "display_path", "find_project_root", "load_blueprint"]


@dataclass(frozen=True, slots=True)
class FileSource:
    """Where the loader reads files from, for a caller that keeps them elsewhere.

    ``read(path, max_bytes)`` returns a file's bytes, raising :class:`OSError` as
    :func:`cadee.files.read_regular` does for the disk (:class:`~cadee.files.TooLarge`
    above ``max_bytes``, :class:`~cadee.files.NotRegularFile` for a device or FIFO),
    e.g. an editor's unsaved buffer over the file on disk; ``parse`` reads
    YAML as :func:`cadee.yamlload.load_yaml` does, e.g. from a cache by content
    hash. The parsed tree is not changed by the loader, so it may be shared.
    Confinement and the existence checks of includes still look at the disk.
    """

    read: Callable[[Path, int], bytes]
    parse: Callable[[bytes, str, Limits], tuple[Any, list[LoadError]]] = load_yaml


@dataclass(slots=True)
class LoadResult:
    """The outcome of loading: a blueprint, or the errors that prevent one."""

    path: str
    blueprint: Blueprint | None
    errors: list[LoadError] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.blueprint is not None and not self.errors


def display_path(path: Path, cwd: Path | None = None) -> str:
    """The path as users see it: relative to the working folder when inside it."""
    cwd = cwd or Path.cwd()
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(cwd).as_posix()
    except ValueError:
        return absolute.as_posix()


def find_project_root(path: Path) -> Path:
    """The top-level file's git work tree, else its folder (spec section 9)."""
    return project_root(path)


@dataclass(slots=True)
class _File:
    """One file as read: its raw tree and the items that validated."""

    real: Path
    shown: str
    raw: YMap | None
    document: Document | None = None
    meta: BlueprintMeta | None = None
    items: dict[str, list[tuple[Item, YMap, int]]] = field(default_factory=dict)
    includes: list[_File] = field(default_factory=list)


_ITEM, _RAW = itemgetter(0), itemgetter(1)  # of the (item, raw item, index) triples
_LINE, _COLUMN = itemgetter(0), itemgetter(1)  # of a (line, column) position


class _Loader:
    def __init__(
        self,
        top: Path,
        limits: Limits,
        known_rules: Collection[str] | None,
        source: FileSource | None = None,
    ) -> None:
        self.source = source
        self.limits = limits
        self.known_rules = known_rules
        self.errors: list[LoadError] = []
        #: Items (by ``id()``) kept for reference checks with a placeholder for a broken required key.
        self.placeholders: set[int] = set()
        self.root = find_project_root(top)
        self.files: dict[Path, _File] = {}
        self.sources: list[SourceFile] = []
        self.cwd = Path.cwd()
        #: Models of this load share equal fields-sets (see ``cadee.model.Strict.model_post_init``).
        self.context = sharing_context()

    # -- reading -----------------------------------------------------------------

    def read(self, real: Path, shown: str, chain: tuple[Path, ...]) -> _File:
        try:
            read = self.source.read if self.source is not None else read_regular
            data = read(real, self.limits.max_file_bytes)
        except TooLarge as exc:
            self.error(
                shown,
                1,
                1,
                f"file is {exc.size:,} bytes, above the limit of "
                f"{self.limits.max_file_bytes:,} (raise limits.max_file_bytes)",
            )
            entry = _File(real, shown, None)
            self.files[real] = entry
            return entry
        except IsADirectoryError:
            self.error(shown, 1, 1, "is a folder, not a blueprint file")
            return _File(real, shown, None)
        except NotRegularFile as exc:
            self.error(
                shown, 1, 1, f"is {exc.kind}, not a regular file; a blueprint is a regular file"
            )
            return _File(real, shown, None)
        except OSError as exc:
            self.error(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}")
            return _File(real, shown, None)
        entry = self.parsed(real, shown, data)
        # The bytes are not needed past the tree: free them before the models are built.
        del data
        if entry.raw is not None:
            self.validate(entry, top=not chain)
            self.follow_includes(entry, (*chain, real))
        return entry

    def parsed(self, real: Path, shown: str, data: bytes) -> _File:
        """The file's entry, with its tree when the file is a YAML mapping."""
        self.sources.append(SourceFile(shown, hashlib.sha256(data).hexdigest()))
        parse = self.source.parse if self.source is not None else load_yaml
        raw, errors = parse(data, shown, self.limits)
        self.errors.extend(errors)
        entry = _File(real, shown, None)
        self.files[real] = entry
        if raw is None:
            if not errors:
                self.error(shown, 1, 1, "the file is empty; a blueprint starts with `cadee: 1`")
            return entry
        if not isinstance(raw, YMap):
            self.error(
                shown,
                1,
                1,
                f"expected a mapping with `cadee: 1` at the top, got {describe_type(raw)}",
            )
            return entry
        entry.raw = raw
        return entry

    def follow_includes(self, entry: _File, chain: tuple[Path, ...]) -> None:
        raw = entry.raw
        assert raw is not None
        includes = raw.get("include")
        if not isinstance(includes, YSeq):
            return  # absent, or a type error already reported by the model
        if len(chain) > self.limits.max_include_depth:
            line, column = raw.key_marks["include"][:2]
            self.error(
                entry.shown,
                line,
                column,
                f"includes nest deeper than {self.limits.max_include_depth} files "
                "(raise limits.max_include_depth)",
                "include",
            )
            return
        for index, target in enumerate(includes):
            line, column = includes.item_marks[index]
            path = f"include[{index}]"
            if not isinstance(target, str):
                continue  # reported by the model
            problem = self.include_problem(entry, target)
            if isinstance(problem, str):
                self.error(entry.shown, line, column, problem, path)
                continue
            real = problem
            if real in chain:
                cycle = " -> ".join(self.shown(p) for p in (*chain[chain.index(real) :], real))
                self.error(entry.shown, line, column, f"include cycle: {cycle}", path)
                continue
            if real in self.files:  # a diamond: read once, merged at its first place
                continue
            if len(self.files) - 1 >= self.limits.max_include_files:  # the top file is no include
                self.error(
                    entry.shown,
                    line,
                    column,
                    f"more than {self.limits.max_include_files} included files "
                    "(raise limits.max_include_files)",
                    path,
                )
                return
            entry.includes.append(self.read(real, self.shown(real), chain))

    def include_problem(self, entry: _File, target: str, what: str = "include") -> Path | str:
        """The confined real path of ``target``, relative to ``entry``'s file, or what is wrong."""
        if not target.strip():
            return f"empty {what} path"
        if "\x00" in target:
            return f"{what} path contains a NUL character"
        if os.path.isabs(target):
            if what == "include":
                return "include paths are relative to the including file, not absolute"
            return f"{what} paths are relative to the file that names them, not absolute"
        # Symbolic links are resolved before the confinement check (cadee.files.confine).
        real = confine(entry.real.parent / target, self.root)
        if real is Problem.OUTSIDE:
            return f"{what} path {_quote(target)} {self.outside()}"
        if real is Problem.MISSING:
            missing = Path(os.path.realpath(entry.real.parent / target))
            suggestion = _did_you_mean(Path(target).name, _siblings(missing.parent))
            noun = "included file" if what == "include" else what
            return f"{noun} {_quote(target)} does not exist{suggestion}"
        if real is Problem.NOT_A_FILE:
            return f"{what} path {_quote(target)} is not a file"
        return real

    def outside(self) -> str:
        return (
            f"resolves outside the project root "
            f"({self.root.as_posix()}: the git work tree, else the top-level file's folder)"
        )

    def shown(self, real: Path) -> str:
        return display_path(real, self.cwd)

    def collect_measurements(self, files: list[_File], blueprint: Blueprint) -> None:
        """Every KPI's measurements, inline and from its CSV file, sorted by date (spec 1.1 A1).

        Two measurements of one KPI with the same date are an error naming both.
        """
        for entry in files:
            for kpi, raw_kpi, index in entry.items.get("kpis", ()):
                assert isinstance(kpi, Kpi)
                where = f"kpis[{index}]"
                points: list[MeasuredValue] = []
                raw_list = raw_kpi.get("measurements")
                for position, measurement in enumerate(kpi.measurements or ()):
                    assert isinstance(raw_list, YSeq)
                    line, column = raw_list.item_marks[position]
                    points.append(
                        MeasuredValue(
                            measurement.date,
                            measurement.value,
                            measurement.note,
                            Location(
                                entry.shown, line, column, f"{where}.measurements[{position}]"
                            ),
                        )
                    )
                if kpi.measurements_file is not None:
                    line, column = raw_kpi.key_marks["measurements_file"][2:]
                    points.extend(
                        self.read_measurements(
                            entry,
                            kpi.measurements_file,
                            Location(entry.shown, line, column, f"{where}.measurements_file"),
                        )
                    )
                points.sort(key=lambda point: point.date)
                for previous, point in pairwise(points):
                    if point.date == previous.date:
                        first = previous.location
                        self.errors.append(
                            LoadError(
                                point.location,
                                (
                                    f"a second measurement of KPI '{kpi.id}' dated {point.date.isoformat()}: "
                                    f"first at {first.file}:{first.line}"
                                ),
                            )
                        )
                blueprint.measurements[kpi.id] = points

    def read_measurements(self, entry: _File, target: str, at: Location) -> list[MeasuredValue]:
        problem = self.include_problem(entry, target, what="measurements file")
        if isinstance(problem, str):
            self.errors.append(LoadError(at, problem))
            return []
        shown = self.shown(problem)
        try:
            # An editor's unsaved buffer when the language server reads (cadee.lsp).
            read = self.source.read if self.source is not None else read_regular
            data = read(problem, self.limits.max_file_bytes)
        except TooLarge as exc:
            self.errors.append(
                LoadError(
                    at,
                    f"measurements file is {exc.size:,} bytes, above the limit of "
                    f"{self.limits.max_file_bytes:,} (raise limits.max_file_bytes)",
                )
            )
            return []
        except NotRegularFile as exc:
            self.errors.append(
                LoadError(
                    at, f"measurements file {_quote(target)} is {exc.kind}, not a regular file"
                )
            )
            return []
        except OSError as exc:
            self.errors.append(
                LoadError(at, f"cannot read the measurements file: {exc.strerror or exc}")
            )
            return []
        self.sources.append(SourceFile(shown, hashlib.sha256(data).hexdigest()))
        rows, problems = parse_measurements_csv(data)
        for csv_problem in problems:
            self.error(shown, csv_problem.line, csv_problem.column, csv_problem.message)
        return [
            MeasuredValue(row.date, row.value, row.note, Location(shown, row.line, row.column))
            for row in rows
        ]

    def error(self, file: str, line: int, column: int, message: str, path: str = "") -> None:
        self.errors.append(LoadError(Location(file, line, column, path), message))

    # -- validation ----------------------------------------------------------------

    def validate(self, entry: _File, top: bool) -> None:
        raw = entry.raw
        assert raw is not None
        if not top and "blueprint" in raw:
            # Spec 9: an included file's `blueprint` block is ignored, not checked.
            raw = raw.without("blueprint")
            entry.raw = raw
        try:
            document = Document.model_validate(raw, context=self.context)
        except ValidationError as exc:
            problems = exc.errors(include_url=False, include_input=False)
            for problem in problems:
                self.errors.append(_format_error(problem, raw, entry.shown))
            self.salvage(entry, problems)
        else:
            entry.document = document
            entry.meta = document.blueprint
            for key in LIST_FIELDS:
                items = getattr(document, key)
                if items:
                    # The document validated whole: one item per raw entry, zipped in C.
                    entry.items[key] = list(zip(items, raw[key], range(len(items)), strict=True))
        if top and "blueprint" not in raw:
            self.error(
                entry.shown,
                raw.line,
                raw.column,
                "missing required key `blueprint` (the top-level file describes the workflow)",
                "blueprint",
            )
        shown = entry.shown
        for key, triples in entry.items.items():
            # Every item's location, iterated by map in C (45,000 items at 10k systems):
            # the only Python code per item is Location's __init__.
            # tee buffers nothing here: map reads both copies in step.
            lines, columns = tee(starts(list(map(_RAW, triples))))
            locations = map(
                Location,
                repeat(shown),
                map(_LINE, lines),
                map(_COLUMN, columns),
                [f"{key}[{index}]" for _, _, index in triples],
            )
            deque(map(set_location, map(_ITEM, triples), locations), maxlen=0)
            if key == "systems":
                for item, _, _ in triples:
                    # plain dict writes: no pydantic __setattr__ per item
                    if "name" not in item.__pydantic_fields_set__:
                        item.__dict__["name"] = item.__dict__["id"]
            elif key == "integrations":
                for item, _, _ in triples:
                    fields = item.__dict__
                    if not fields["id"]:
                        fields["id"] = f"{fields['from_']}->{fields['to']}"

    def salvage(self, entry: _File, problems: list[Any]) -> None:
        """Keep the items that are valid, so reference checks still run on them."""
        raw = entry.raw
        assert raw is not None
        broken = {tuple(p["loc"][:2]) for p in problems}
        broken_top = {p["loc"][0] for p in problems if p["loc"]}
        if isinstance(raw.get("blueprint"), YMap) and "blueprint" not in broken_top:
            entry.meta = BlueprintMeta.model_validate(raw["blueprint"], context=self.context)
        for key, model in LIST_FIELDS.items():
            raw_list = raw.get(key)
            if not isinstance(raw_list, YSeq) or (key,) in broken:
                continue
            kept = []
            for index, raw_item in enumerate(raw_list):
                if not isinstance(raw_item, YMap):
                    continue
                if (key, index) not in broken:
                    kept.append(
                        (model.model_validate(raw_item, context=self.context), raw_item, index)
                    )
                    continue
                repaired = _without_errors(
                    model,
                    raw_item,
                    [p["loc"][2:] for p in problems if tuple(p["loc"][:2]) == (key, index)],
                )
                if repaired is not None:
                    item, placeholder = repaired
                    if placeholder:
                        self.placeholders.add(id(item))
                    kept.append((item, raw_item, index))
            entry.items[key] = kept


def _without_errors(
    model: type[Item], raw_item: YMap, locs: list[tuple[Any, ...]]
) -> tuple[Item, bool] | None:
    """The item validated again without the keys that carry its errors, so its
    remaining references are still checked (every error in one run, spec section 10).

    A required top-level key that carried an error (``kind: agnet``) gets a
    placeholder value, so the item's other keys are still checked; the flag
    says so. The errors themselves are already reported; ``None`` when the
    item cannot be repaired."""
    copy = _plain_copy(raw_item)
    dropped: set[str] = set()
    for loc in locs:
        # Drop the innermost mapping key on the error's path (a list entry
        # cannot be dropped without shifting the indexes reported later).
        keys = [i for i, element in enumerate(loc) if isinstance(element, str)]
        if not keys:
            return None
        node: Any = copy
        last = keys[-1]
        for element in loc[:last]:
            try:
                node = node[element]
            except (KeyError, IndexError, TypeError):
                return None
        if not isinstance(node, dict) or loc[last] not in node:
            return None  # e.g. a missing required key
        del node[loc[last]]
        if last == 0:
            dropped.add(loc[0])
    try:
        return model.model_validate(copy), False
    except ValidationError as exc:
        problems = exc.errors(include_url=False, include_input=False)
    missing = [str(p["loc"][0]) for p in problems if p["type"] == "missing" and len(p["loc"]) == 1]
    if (
        not missing
        or len(missing) != len(problems)
        or not set(missing) <= dropped
        or "id" in missing
    ):
        return None
    for key in missing:
        copy[key] = _placeholder(model, key)
    try:
        return model.model_validate(copy), True
    except ValidationError:
        return None


def _placeholder(model: type[Item], key: str) -> Any:
    """A value the field ``key`` accepts: the first choice of a closed set, else an id-like string."""
    import typing

    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            choices = (
                typing.get_args(info.annotation)
                if typing.get_origin(info.annotation) is typing.Literal
                else ()
            )
            return choices[0] if choices else "placeholder"
    return "placeholder"


def _plain_copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _plain_copy(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain_copy(value) for value in node]
    return node


def _siblings(folder: Path) -> list[str]:
    try:
        return sorted(p.name for p in folder.iterdir())[:500]
    except OSError:
        return []


_quote = quote
_did_you_mean = did_you_mean


def _format_error(problem: Any, raw: YMap, file: str) -> LoadError:
    return format_error(problem, raw, file, Document)


# -- merging and references ---------------------------------------------------------

_OWNER = "owner"
_SYSTEM = "system"


def _walk(entry: _File) -> Iterator[_File]:
    """Files in merge order: a file's own items first, then includes depth-first."""
    yield entry
    for child in entry.includes:
        yield from _walk(child)


#: The lists whose ids other items refer to.
_REFERENCED = ("owners", "boundaries", "systems", "kpis")


#: The lists whose ids are unique across the blueprint (every list whose items have
#: an id: not waivers and approvals), in merge order.
_UNIQUE = tuple(key for key, item in LIST_FIELDS.items() if "id" in item.model_fields)
_ID = attrgetter("id")


class _RawItems:
    """Each validated item's raw mapping, for placing a reference error; the index
    is built on the first lookup, as only an error needs one (a valid estate of 10k
    systems has 45,000 items)."""

    __slots__ = ("_by_id", "_files")

    def __init__(self, files: list[_File]) -> None:
        self._files = files
        self._by_id: dict[int, YMap] | None = None

    def of(self, item: Any) -> YMap | None:
        if self._by_id is None:
            self._by_id = {
                id(validated): raw_item
                for entry in self._files
                for triples in entry.items.values()
                for validated, raw_item, _ in triples
            }
        return self._by_id.get(id(item))


class _References:
    """Checks ids and references on the merged, validated items."""

    def __init__(self, loader: _Loader, files: list[_File]) -> None:
        self.loader = loader
        self.files = files
        self.raw_items = _RawItems(files)
        # Ids declared anywhere, even by items that failed validation, so one
        # broken item does not cascade into "unknown id" errors elsewhere. A file
        # that validated whole adds nothing: its ids are those of its items, which
        # are in the blueprint; only the lists that references point into count.
        self.declared: dict[str, set[str]] = {key: set() for key in _REFERENCED}
        for entry in files:
            raw = entry.raw
            if raw is None or entry.document is not None:
                continue
            for key in _REFERENCED:
                raw_list = raw.get(key)
                if isinstance(raw_list, YSeq):
                    for raw_item in raw_list:
                        if isinstance(raw_item, YMap) and isinstance(raw_item.get("id"), str):
                            self.declared[key].add(raw_item["id"])

    def check(self, blueprint: Blueprint, top: _File) -> None:
        self.unique_ids(blueprint)
        systems = {s.id: s for s in blueprint.systems}
        owners = self.declared["owners"] | {o.id for o in blueprint.owners}
        boundaries = self.declared["boundaries"] | {b.id for b in blueprint.boundaries}
        system_ids = self.declared["systems"] | set(systems)
        kpis = self.declared["kpis"] | {k.id for k in blueprint.kpis}
        raw_items = self.raw_items

        def ref(
            item: Any, key: str, value: str | None, pool: set[str], what: str, sub: Any = None
        ) -> None:
            if value is None or value in pool:
                return
            raw_node = sub if sub is not None else raw_items.of(item)
            self.unknown(item, raw_node, key, value, pool, what)

        meta = blueprint.meta
        if top.raw is not None and isinstance(top.raw.get("blueprint"), YMap):
            raw_meta = top.raw["blueprint"]
            holder = _MetaHolder(Location(top.shown, raw_meta.line, raw_meta.column, "blueprint"))
            ref(holder, "owner", meta.owner, owners, "owner", raw_meta)
            for index, approver in enumerate(meta.approvers or []):
                ref(holder, f"approvers[{index}]", approver, owners, "owner", raw_meta)
        idps = {s.id for s in blueprint.systems if s.kind == "identity-provider"}
        for boundary in blueprint.boundaries:
            provider = boundary.identity_provider
            placeholder = provider in systems and id(systems[provider]) in self.loader.placeholders
            if (
                provider is not None
                and provider in systems
                and provider not in idps
                and not placeholder
            ):
                self.at(
                    boundary,
                    raw_items.of(boundary),
                    "identity_provider",
                    f"identity provider '{provider}' is a system of kind "
                    f"{systems[provider].kind}; it must be of kind identity-provider",
                )
            elif provider is not None and provider not in system_ids:
                ref(boundary, "identity_provider", provider, idps, "identity provider")
        # The references every item has are checked in bulk first (sets, in C); the
        # per-item calls below run only when some value is unknown, to place the errors.
        bad_boundary = _any_unknown(blueprint.systems, "boundary", boundaries)
        bad_owner = _any_unknown(blueprint.systems, "owner", owners)
        for system in blueprint.systems:
            if bad_boundary:
                ref(system, "boundary", system.boundary, boundaries, "boundary")
            if bad_owner:
                ref(system, "owner", system.owner, owners, "owner")
            for index, approver in enumerate(system.approvers or []):
                ref(system, f"approvers[{index}]", approver, owners, "owner")
            for index, step in enumerate(system.fallback or []):
                ref(system, f"fallback[{index}]", step.to, system_ids, "system")
            if system.observability is not None:
                ref(system, "observability.oncall", system.observability.oncall, owners, "owner")
            for index, needed in enumerate(system.needs or []):
                if needed == system.id:
                    self.at(
                        system,
                        raw_items.of(system),
                        f"needs[{index}]",
                        f"system '{system.id}' needs itself; list only the other systems "
                        "it cannot work without",
                    )
                else:
                    ref(system, f"needs[{index}]", needed, system_ids, "system")
        integrations = blueprint.integrations
        if _any_unknown(integrations, "from_", system_ids) or _any_unknown(
            integrations, "to", system_ids
        ):
            for integration in integrations:
                ref(integration, "from", integration.from_, system_ids, "system")
                ref(integration, "to", integration.to, system_ids, "system")
        for evidence in blueprint.evidence:
            ref(evidence, "owner", evidence.owner, owners, "owner")
            ref(evidence, "approved_by", evidence.approved_by, owners, "owner")
        for kpi in blueprint.kpis:
            ref(kpi, "owner", kpi.owner, owners, "owner")
        for gate in blueprint.gates:
            ref(gate, "kpi", gate.kpi, kpis, "kpi")
            ref(gate, "decided_by", gate.decided_by, owners, "owner")
            if gate.trigger is not None and gate.kpi is None:
                self.at(
                    gate,
                    raw_items.of(gate),
                    "trigger",
                    f"gate '{gate.id}' has a trigger but names no `kpi` to evaluate it on",
                )
        for approval in blueprint.approvals:
            ref(approval, "by", approval.by, owners, "owner")
        channels = {s.id for s in blueprint.systems if s.kind == "channel"}
        for service in blueprint.services:
            ref(service, "owner", service.owner, owners, "owner")
            for index, channel in enumerate(service.channels):
                placeholder = (
                    channel in systems and id(systems[channel]) in self.loader.placeholders
                )
                if channel in systems and channel not in channels and not placeholder:
                    self.at(
                        service,
                        raw_items.of(service),
                        f"channels[{index}]",
                        f"'{channel}' is a system of kind {systems[channel].kind}; "
                        "a service's channels must be systems of kind channel",
                    )
                elif channel not in system_ids:
                    ref(service, f"channels[{index}]", channel, channels, "channel")
            for index, required in enumerate(service.requires or []):
                ref(service, f"requires[{index}]", required, system_ids, "system")
        for waiver in blueprint.waivers:
            ref(waiver, "approved_by", waiver.approved_by, owners, "owner")
            if self.loader.known_rules is not None and waiver.rule not in self.loader.known_rules:
                ref(waiver, "rule", waiver.rule, set(self.loader.known_rules), "rule")

    def unique_ids(self, blueprint: Blueprint) -> None:
        lists = [getattr(blueprint, key) for key in _UNIQUE]
        count = sum(map(len, lists))
        if len(set(chain.from_iterable(map(_ID, items) for items in lists))) == count:
            return  # no id twice (one pass in C); the loop below names the duplicates
        seen: dict[str, Item] = {}
        for key, items in zip(_UNIQUE, lists, strict=True):
            for item in items:
                item_id: str = item.id
                first = seen.get(item_id)
                if first is None:
                    seen[item_id] = item
                    continue
                where = f"{first.location.file}:{first.location.line} ({first.location.path})"
                if key == "integrations" and "->" in item_id:
                    message = (
                        f"a second integration {item_id}: first at {where}; "
                        "give integrations between the same systems explicit ids"
                    )
                else:
                    message = f"duplicate id '{item_id}': already defined at {where}"
                loc = item.location
                self.loader.errors.append(
                    LoadError(Location(loc.file, loc.line, loc.column, loc.path + ".id"), message)
                )

    def unknown(
        self, item: Any, raw_node: Any, key: str, value: str, pool: set[str], what: str
    ) -> None:
        hint = _did_you_mean(value, sorted(pool))
        self.at(item, raw_node, key, f"unknown {what} '{value}'{hint}")

    def at(self, item: Any, raw_node: Any, key: str, message: str) -> None:
        loc: Location = item.location
        line, column = loc.line, loc.column
        node = raw_node
        for part in re.findall(r"[^.\[\]]+|\[\d+\]", key):
            if isinstance(node, YMap) and part in node.key_marks:
                line, column = node.key_marks[part][2:]
                node = node[part]
            elif isinstance(node, YSeq) and part.startswith("["):
                index = int(part[1:-1])
                if index < len(node):
                    line, column = node.item_marks[index]
                    node = node[index]
        path = f"{loc.path}.{key}".replace(".[", "[")
        self.loader.errors.append(LoadError(Location(loc.file, line, column, path), message))


def _any_unknown(items: list[Any], attribute: str, pool: set[str]) -> bool:
    """Whether some item's ``attribute`` is set and not in ``pool`` (one pass in C)."""
    values = set(map(attrgetter(attribute), items))
    values.discard(None)
    return not values <= pool


@dataclass(slots=True)
class _MetaHolder:
    location: Location


def load_blueprint(
    path: str | os.PathLike[str],
    *,
    limits: Limits | None = None,
    known_rules: Collection[str] | None = None,
    source: FileSource | None = None,
) -> LoadResult:
    """Load and validate the blueprint at ``path`` with all its includes.

    ``known_rules`` are the rule IDs waivers may name (default: the built-in
    catalog). The result holds the merged blueprint when stage 1 passed, and
    every error found otherwise. ``source`` reads the files instead of the disk
    (the language server's open buffers and parse cache).
    """
    if known_rules is None:
        from cadee.rules import RULES

        known_rules = RULES.keys()
    with gc_paused():
        return _load(Path(path), limits, known_rules, source)


def _load(
    top_path: Path,
    limits: Limits | None,
    known_rules: Collection[str],
    source: FileSource | None = None,
) -> LoadResult:
    loader = _Loader(top_path, limits or Limits(), known_rules, source)
    shown = display_path(top_path, loader.cwd)
    if not top_path.exists():
        loader.error(shown, 1, 1, "no such file")
        return LoadResult(shown, None, loader.errors)
    real = top_path.resolve()
    if not real.is_relative_to(loader.root):  # a symbolic link out of the work tree
        loader.error(shown, 1, 1, f"the blueprint path {loader.outside()}")
        return LoadResult(shown, None, loader.errors)
    top = loader.read(real, shown, ())
    files = list(_walk(top))
    meta = top.meta
    blueprint: Blueprint | None = None
    if meta is not None and top.raw is not None:
        key_line, key_column = top.raw.key_marks["blueprint"][:2]
        blueprint = Blueprint(
            meta=meta,
            path=shown,
            location=Location(shown, key_line, key_column, "blueprint"),
            files=sorted(loader.sources, key=lambda s: s.path),
        )
        for entry in files:
            for key, triples in entry.items.items():
                getattr(blueprint, key).extend(item for item, _, _ in triples)
        loader.collect_measurements(files, blueprint)
        blueprint.files = sorted(
            loader.sources, key=lambda s: s.path
        )  # with the measurements files
        _References(loader, files).check(blueprint, top)
    errors = sorted(set(loader.errors))
    return LoadResult(
        shown,
        blueprint if not errors else None,
        errors,
        sorted(loader.sources, key=lambda s: s.path),
    )
