"""A YAML 1.1 loader that keeps line and column for every node, built on libyaml events.

Why not ``yaml.load``: it drops positions, silently keeps the last of duplicate
keys, constructs arbitrary tags when misused, expands aliases without bound,
and is several times slower than walking libyaml's event stream once. This
loader builds plain dicts and lists (``YMap``/``YSeq``, which remember where
each key and item was written) directly from the events, resolving scalars
with PyYAML's own YAML 1.1 resolver and safe constructors, so ``yes`` is a
boolean, ``1:30`` is 90 and ``2026-01-01`` is a date exactly as with
``yaml.safe_load``.

Everything that goes wrong is collected as :class:`~cadee.diagnostics.LoadError`
with a 1-based position; nothing raises.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml
from yaml import _yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode

from cadee.diagnostics import LoadError, Location

#: libyaml's C parser and event classes (untyped in the stubs).
libyaml: Any = _yaml

__all__ = ["Limits", "YMap", "YSeq", "describe_type", "load_yaml"]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MAP_TAG = _TAG + "map"
_SEQ_TAG = _TAG + "seq"
_MERGE_TAG = _TAG + "merge"


@dataclass(frozen=True, slots=True)
class Limits:
    """Input limits; each can be raised in ``[tool.cadee.limits]``."""

    max_file_bytes: int = 128 * 1024 * 1024
    max_depth: int = 64
    max_scalar_chars: int = 1_000_000
    #: Nodes added through aliases, summed over a file (alias-bomb guard).
    max_alias_nodes: int = 1_000_000
    max_include_files: int = 1_000
    max_include_depth: int = 32


class YMap(dict[Any, Any]):
    """A mapping that remembers where it and each of its keys and values start."""

    __slots__ = ("column", "key_marks", "line")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        #: key -> (key line, key column, value line, value column), 1-based.
        self.key_marks: dict[Any, tuple[int, int, int, int]] = {}


class YSeq(list[Any]):
    """A sequence that remembers where it and each of its items start."""

    __slots__ = ("column", "item_marks", "line")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.item_marks: list[tuple[int, int]] = []


def describe_type(value: Any) -> str:
    """A user-facing YAML type name for ``value`` (never the value itself)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dt.datetime):
        return "a timestamp"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


class _Abort(Exception):
    """Stops the event loop after a fatal error has been recorded."""


class _Builder:
    """Turns one event stream into plain values; one instance per file."""

    _resolver = yaml.SafeLoader("")
    _constructor = SafeConstructor()

    def __init__(self, file: str, limits: Limits) -> None:
        self.file = file
        self.limits = limits
        self.errors: list[LoadError] = []
        # anchor name -> (value, node count); open anchors are being built.
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.alias_nodes = 0
        self.plain_cache: dict[str, Any] = {}
        #: Set when the document could not be read to its end.
        self.failed = False

    def error(self, line: int, column: int, message: str, fatal: bool = False) -> None:
        self.errors.append(LoadError(Location(self.file, line, column), message))
        if fatal:
            self.failed = True
            raise _Abort

    # -- scalars -----------------------------------------------------------------

    def scalar(self, event: Any, line: int, column: int) -> Any:
        value: str = event.value
        if len(value) > self.limits.max_scalar_chars:
            self.error(
                line,
                column,
                f"value is {len(value):,} characters long, above the limit of "
                f"{self.limits.max_scalar_chars:,} (raise limits.max_scalar_chars)",
            )
            return ""
        tag = event.tag
        if tag is None or tag == "!":
            if tag is None and event.implicit[0]:
                cached = self.plain_cache.get(value, _MISSING)
                if cached is not _MISSING:
                    return cached
                tag = self._resolver.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
                # An implicit match that does not construct (2026-13-01) stays text,
                # so the model reports it against the field it was meant for.
                result = self._construct(tag, value, line, column, implicit=True)
                if len(self.plain_cache) < 65536:
                    self.plain_cache[value] = result
                return result
            return value
        if tag not in _SCALAR_TAGS:
            self.error(line, column, _tag_message(tag))
            return value  # the text, so the refused tag is the only error reported
        return self._construct(tag, value, line, column)

    def _construct(self, tag: str, value: str, line: int, column: int, implicit: bool = False) -> Any:
        if tag == _TAG + "str":
            return value
        if tag == _MERGE_TAG:
            return _MERGE
        constructor = self._constructor.yaml_constructors.get(tag)
        if constructor is None:  # e.g. the YAML 1.1 "=" value tag: keep the text
            return value
        try:
            return constructor(self._constructor, ScalarNode(tag, value))
        except (ConstructorError, ValueError, OverflowError):
            if implicit:
                return value
            self.error(line, column, f"cannot read this value as {tag.rsplit(':', 1)[-1]}")
            return None

    # -- the event loop ------------------------------------------------------------

    def build(self, data: bytes | str) -> Any:
        parser: Any = libyaml.CParser(data)
        # A frame is [container, anchor, pending key or _NOKEY, key marks, merges, size].
        stack: list[list[Any]] = []
        root: Any = _MISSING
        documents = 0
        map_start = libyaml.MappingStartEvent
        map_end = libyaml.MappingEndEvent
        seq_start = libyaml.SequenceStartEvent
        seq_end = libyaml.SequenceEndEvent
        scalar_event = libyaml.ScalarEvent
        alias_event = libyaml.AliasEvent
        doc_start = libyaml.DocumentStartEvent
        stream_end = libyaml.StreamEndEvent
        max_depth = self.limits.max_depth
        try:
            while True:
                try:
                    event: Any = parser.get_event()
                except yaml.MarkedYAMLError as exc:
                    self._syntax_error(exc)
                    break
                except yaml.YAMLError as exc:
                    self._reader_error(exc, data)
                    break
                kind = type(event)
                if kind is stream_end:
                    break
                mark = event.start_mark
                line = mark.line + 1
                column = mark.column + 1
                if kind is scalar_event:
                    value = self.scalar(event, line, column)
                    size = 1
                    if event.anchor is not None:
                        self.anchors[event.anchor] = (value, 1)
                elif kind is map_start or kind is seq_start:
                    if len(stack) >= max_depth:
                        self.error(
                            line,
                            column,
                            f"nesting deeper than {max_depth} levels (raise limits.max_depth)",
                            fatal=True,
                        )
                    tag = event.tag
                    expected = _MAP_TAG if kind is map_start else _SEQ_TAG
                    if tag is not None and tag != "!" and tag != expected:
                        self.error(line, column, _tag_message(tag))
                    container: Any = YMap(line, column) if kind is map_start else YSeq(line, column)
                    if event.anchor is not None:
                        self.open_anchors.add(event.anchor)
                    stack.append([container, event.anchor, _NOKEY, None, None, 1])
                    continue
                elif kind is map_end or kind is seq_end:
                    frame = stack.pop()
                    value = frame[0]
                    size = frame[5]
                    if frame[4]:
                        _apply_merges(value, frame[4])
                    if frame[1] is not None:
                        self.open_anchors.discard(frame[1])
                        self.anchors[frame[1]] = (value, size)
                    mark = None  # position already recorded at start
                elif kind is alias_event:
                    name = event.anchor
                    if name in self.open_anchors:
                        self.error(line, column, f"alias *{_short(name)} refers to itself (recursive structures are not allowed)")
                        value, size = None, 1
                    elif name not in self.anchors:
                        self.error(line, column, f"alias *{_short(name)} has no anchor &{_short(name)} before it")
                        value, size = None, 1
                    else:
                        value, size = self.anchors[name]
                        self.alias_nodes += size
                        if self.alias_nodes > self.limits.max_alias_nodes:
                            self.error(
                                line,
                                column,
                                f"aliases expand to more than {self.limits.max_alias_nodes:,} nodes "
                                "(an alias bomb?); raise limits.max_alias_nodes if this is intended",
                                fatal=True,
                            )
                elif kind is doc_start:
                    documents += 1
                    if documents > 1:
                        self.error(
                            line,
                            column,
                            "a second YAML document in one file; a blueprint file holds exactly one",
                        )
                        break
                    continue
                else:
                    continue
                if not stack:
                    root = value
                    continue
                frame = stack[-1]
                frame[5] += size
                if mark is None:
                    line, column = value.line, value.column
                self._add(frame, value, line, column)
        except _Abort:
            pass
        finally:
            parser.dispose()
        return None if root is _MISSING else root

    def _add(self, frame: list[Any], value: Any, line: int, column: int) -> None:
        container = frame[0]
        if type(container) is YSeq:
            container.append(value)
            container.item_marks.append((line, column))
            return
        key = frame[2]
        if key is _NOKEY:
            if value is _MERGE or isinstance(value, str):
                frame[2] = value
                frame[3] = (line, column)
            else:
                frame[2] = _BADKEY
                self.error(line, column, _bad_key_message(value))
            return
        frame[2] = _NOKEY
        if key is _BADKEY:
            return
        kline, kcolumn = frame[3]
        if key is _MERGE:
            self._merge_source(frame, value, kline, kcolumn)
            return
        previous = container.key_marks.get(key)
        if previous is not None:
            self.error(
                kline,
                kcolumn,
                f"duplicate key {key!r:.60}: first defined at line {previous[0]}, again at line {kline}",
            )
            return
        container[key] = value
        container.key_marks[key] = (kline, kcolumn, line, column)

    def _merge_source(self, frame: list[Any], value: Any, line: int, column: int) -> None:
        sources = value if isinstance(value, YSeq) else [value]
        for source in sources:
            if not isinstance(source, YMap):
                self.error(line, column, "a merge key (<<) takes a mapping or a list of mappings")
                return
        if frame[4] is None:
            frame[4] = []
        frame[4].extend(sources)

    def _syntax_error(self, exc: yaml.MarkedYAMLError) -> None:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        self.failed = True
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        self.error(line, column, f"YAML syntax error: {problem}{context}")

    def _reader_error(self, exc: yaml.YAMLError, data: bytes | str) -> None:
        self.failed = True
        position = getattr(exc, "position", 0) or 0
        prefix = data[:position]
        newline: Any = b"\n" if isinstance(prefix, bytes) else "\n"
        line = prefix.count(newline) + 1
        column = position - (prefix.rfind(newline) + 1) + 1
        reason = getattr(exc, "reason", None) or "unreadable input"
        self.error(line, column, f"cannot read the file: {reason} (blueprints are UTF-8 text)")


def _apply_merges(target: YMap, sources: list[YMap]) -> None:
    # Explicit keys win; among merged mappings the earlier one wins (as PyYAML).
    for source in sources:
        for key, value in source.items():
            if key not in target.key_marks:
                target[key] = value
                target.key_marks[key] = source.key_marks[key]


def _tag_message(tag: str) -> str:
    shown = tag.replace(_TAG, "!!") if tag.startswith(_TAG) else tag
    return (
        f"tag {_short(shown)} is not allowed: blueprints use only standard YAML tags "
        "(!!str, !!int, !!float, !!bool, !!null, !!timestamp, !!map, !!seq)"
    )


def _bad_key_message(value: Any) -> str:
    if isinstance(value, bool):
        return "key is read as a boolean (YAML 1.1 reads yes/no/on/off so): quote it"
    return f"keys must be strings, not {describe_type(value)}: quote it"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Sentinel:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_MISSING: Any = _Sentinel("MISSING")
_NOKEY: Any = _Sentinel("NOKEY")
_BADKEY: Any = _Sentinel("BADKEY")
_MERGE: Any = _Sentinel("<<")


def load_yaml(data: bytes | str, file: str, limits: Limits | None = None) -> tuple[Any, list[LoadError]]:
    """Parse one YAML document into ``YMap``/``YSeq``/scalars plus the errors found.

    ``file`` is the name used in locations. The result is ``None`` for an empty
    document or after a fatal error (syntax error, nesting or alias limits).
    """
    limits = limits or Limits()
    builder = _Builder(file, limits)
    if len(data) > limits.max_file_bytes:
        builder.error(
            1,
            1,
            f"file is {len(data):,} bytes, above the limit of {limits.max_file_bytes:,} "
            "(raise limits.max_file_bytes)",
        )
        return None, builder.errors
    root = builder.build(data)
    return (None if builder.failed else root), builder.errors
