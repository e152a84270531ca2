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
import functools
import os
import struct
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter, itemgetter
from types import ModuleType
from typing import TYPE_CHECKING, Any, overload

from cadee.accelerator import is_stale
from cadee.diagnostics import LoadError, Location, byte_position, format_path
from cadee.text import shorten

if TYPE_CHECKING:
    import yaml

_yamlfast: ModuleType | None
try:  # the optional C fast path (built from _yamlfast.pyx by hatch_build.py)
    from cadee import _yamlfast
except ImportError:  # pragma: no cover - depends on the installation
    _yamlfast = None


if _yamlfast is not None and is_stale(_yamlfast.__file__):
    _yamlfast = None

#: Plain scalars remembered per file with their typed value: at least this many,
#: more for larger files (one per 32 bytes). A fixed cap made estates with more
#: distinct values than it superlinear: every later `name`, `owner`, `tier`... went
#: through the resolver's regular expressions again (1.5 million calls at 100k
#: systems instead of 15,000). The entries share the tree's strings, so the
#: cache costs a dictionary slot each, bounded by the file size limit.
_PLAIN_CACHE_MIN = 65536


def plain_cache_limit(size: int) -> int:
    """How many plain scalars to remember for a file of ``size`` bytes."""
    return max(_PLAIN_CACHE_MIN, size // 32)


__all__ = [
    "ItemMarks",
    "KeyMarks",
    "Limits",
    "YMap",
    "YSeq",
    "describe_type",
    "foreign_encoding",
    "load_yaml",
    "starts",
]

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


# Positions are packed, not kept as tuples: on an estate of 100k systems the
# per-key tuples (and their line numbers, one int object each) were 70% of the
# tree, about 600 MB. A container's ``_marks`` is bytes: a width code (b"I" for
# 32-bit, b"Q" for 64-bit positions, only in files beyond 4 GB) and then its own
# line and column followed, for a mapping, by key line, key column, value line
# and value column of each key in the mapping's key order, or, for a sequence,
# by line and column of each item. Both loaders write it when the container
# closes; the views below decode a position only when one is asked for.
_PACKERS = {ord("I"): struct.Struct("=I"), ord("Q"): struct.Struct("=Q")}
_UNPACK2 = {code: struct.Struct(f"=2{chr(code)}").unpack_from for code in _PACKERS}
_UNPACK4 = {code: struct.Struct(f"=4{chr(code)}").unpack_from for code in _PACKERS}


def pack_marks(values: list[int]) -> bytes:
    """Positions (the container's line and column first) as a container's ``_marks``."""
    try:
        return b"I" + struct.pack(f"={len(values)}I", *values)
    except struct.error:  # a position beyond 2**32: a file of more than 4 GB
        return b"Q" + struct.pack(f"={len(values)}Q", *values)


def _start(marks: bytes) -> tuple[int, int]:
    line, column = _UNPACK2[marks[0]](marks, 1)
    return line, column


_MARKS = attrgetter("_marks")
_CODE = itemgetter(0)
_UNPACK2_I = _UNPACK2[ord("I")]


def starts(nodes: Sequence[YMap | YSeq]) -> Iterator[tuple[int, int]]:
    """``(line, column)`` of each container, as its ``line`` and ``column`` give them.

    For a caller that places every item of a list (the loader: 45,000 items on
    an estate of 10k systems): with 32-bit positions, which every file below
    4 GB has, the positions are decoded by ``map`` in C, no Python call per item.
    Lazily, so no list of 300,000 tuples exists at 100k systems.
    """
    marks = list(map(_MARKS, nodes))
    if set(map(_CODE, marks)) <= {ord("I")}:
        return map(_UNPACK2_I, marks, repeat(1))
    return map(_start, marks)


class _Placed:
    """Where a container starts, read from its ``_marks`` (YMap's and YSeq's slot)."""

    __slots__ = ()
    _marks: bytes

    @property
    def line(self) -> int:
        return _start(self._marks)[0]

    @property
    def column(self) -> int:
        return _start(self._marks)[1]


class YMap(_Placed, dict[Any, Any]):
    """A mapping that remembers where it and each of its keys and values start."""

    __slots__ = ("_marks",)

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self._marks = pack_marks([line, column])

    @property
    def key_marks(self) -> KeyMarks:
        """key -> (key line, key column, value line, value column), 1-based."""
        return KeyMarks(self)

    def without(self, key: Any) -> YMap:
        """A copy without ``key`` (its other keys, values and positions unchanged)."""
        marks = self.key_marks
        copy = YMap(self.line, self.column)
        flat = [self.line, self.column]
        for other, value in self.items():
            if other != key:
                copy[other] = value
                flat.extend(marks[other])
        copy._marks = pack_marks(flat)
        return copy


class KeyMarks(Mapping[Any, tuple[int, int, int, int]]):
    """The key positions of a :class:`YMap`, decoded when asked for (a read-only view)."""

    __slots__ = ("_map",)

    def __init__(self, ymap: YMap) -> None:
        self._map = ymap

    def __getitem__(self, key: Any) -> tuple[int, int, int, int]:
        ymap = self._map
        if dict.__contains__(ymap, key):
            for index, other in enumerate(dict.__iter__(ymap)):
                if other is key or other == key:
                    marks = ymap._marks
                    code = marks[0]
                    size = _PACKERS[code].size
                    found: tuple[int, int, int, int] = _UNPACK4[code](
                        marks, 1 + size * (2 + 4 * index)
                    )
                    return found
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self._map, key)

    def __iter__(self) -> Iterator[Any]:
        return dict.__iter__(self._map)

    def __len__(self) -> int:
        return dict.__len__(self._map)

    def __repr__(self) -> str:
        return f"KeyMarks({dict(self.items())!r})"


class YSeq(_Placed, list[Any]):
    """A sequence that remembers where it and each of its items start."""

    __slots__ = ("_marks",)

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self._marks = pack_marks([line, column])

    @property
    def item_marks(self) -> ItemMarks:
        """(line, column) of each item, 1-based."""
        return ItemMarks(self._marks)


class ItemMarks(Sequence[tuple[int, int]]):
    """The item positions of a :class:`YSeq`, decoded when asked for (a read-only view)."""

    __slots__ = ("_marks",)

    def __init__(self, marks: bytes) -> None:
        self._marks = marks

    def __len__(self) -> int:
        marks = self._marks
        return (len(marks) - 1) // (2 * _PACKERS[marks[0]].size) - 1

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, int]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        position = range(len(self))[index]  # IndexError as a list's
        marks = self._marks
        code = marks[0]
        found: tuple[int, int] = _UNPACK2[code](marks, 1 + _PACKERS[code].size * (2 + 2 * position))
        return found

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ItemMarks | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ItemMarks({list(self)!r})"


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


@functools.cache
def _yaml11() -> tuple[Any, Any]:
    """PyYAML's YAML 1.1 resolver and safe constructor, imported on first use.

    Many commands import this module (for ``Limits``) without reading YAML, and
    PyYAML's import is about 15 ms of their start-up. The fast path needs them
    as soon as a plain scalar may be typed (``cadee: 1``), the Python loader
    always.
    """
    import yaml
    from yaml.constructor import SafeConstructor

    return yaml.SafeLoader(""), SafeConstructor()


class _Abort(Exception):
    """Stops the event loop after a fatal error has been recorded."""


class _Frame:
    """A mapping or sequence being built: the builder's stack holds one per open container."""

    __slots__ = ("anchor", "container", "is_seq", "key", "key_mark", "marks", "merges", "size")

    def __init__(
        self, container: Any, anchor: str | None, is_seq: bool, line: int, column: int
    ) -> None:
        self.container = container
        self.anchor = anchor
        #: The key waiting for its value (mappings): ``_NOKEY``, ``_BADKEY``, ``_MERGE`` or a string.
        self.key: Any = _NOKEY
        #: (line, column) of ``key``.
        self.key_mark: tuple[int, int] = (0, 0)
        #: The mappings of merge keys (``<<``), applied when the mapping closes.
        self.merges: list[Any] | None = None
        #: Nodes inside, this one included (what an alias to it expands to).
        self.size = 1
        self.is_seq = is_seq
        #: The container's positions, packed into its ``_marks`` when it closes.
        self.marks = [line, column]


class _Builder:
    """Turns one event stream into plain values; one instance per file."""

    def __init__(self, file: str, limits: Limits) -> None:
        self.file = file
        self.limits = limits
        self.errors: list[LoadError] = []
        # anchor name -> (value, node count); open anchors are being built.
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.alias_nodes = 0
        self.plain_cache: dict[str, Any] = {}
        self.plain_cache_limit = _PLAIN_CACHE_MIN
        #: Set when the document could not be read to its end.
        self.failed = False
        #: The open containers while building (see build); used for error paths.
        self.stack: list[_Frame] = []

    def error(
        self, line: int, column: int, message: str, fatal: bool = False, key: Any = None
    ) -> None:
        path = self._path(key)
        self.errors.append(LoadError(Location(self.file, line, column, path), message))
        if fatal:
            self.failed = True
            raise _Abort

    def _path(self, key: Any) -> str:
        """Where the node being built sits in the document (only computed for errors)."""
        parts: list[Any] = []
        for frame in self.stack:
            if frame.is_seq:
                parts.append(len(frame.container))
            elif isinstance(frame.key, str):
                parts.append(frame.key)
        if isinstance(key, str):
            parts.append(key)
        return format_path(parts)

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
                return self.resolve_plain(value)
            return value
        if tag not in _SCALAR_TAGS:
            self.error(line, column, _tag_message(tag))
            return value  # the text, so the refused tag is the only error reported
        return self._construct(tag, value, line, column)

    def resolve_plain(self, value: str) -> Any:
        """The value of an untagged plain scalar, typed by YAML 1.1 (cached)."""
        cached = self.plain_cache.get(value, _MISSING)
        if cached is not _MISSING:
            return cached
        from yaml.nodes import ScalarNode

        tag = _yaml11()[0].resolve(ScalarNode, value, (True, False))
        # An implicit match that does not construct (2026-13-01) stays text,
        # so the model reports it against the field it was meant for.
        result = self._construct(tag, value, 0, 0, implicit=True)
        if len(self.plain_cache) < self.plain_cache_limit:
            self.plain_cache[value] = result
        return result

    def _construct(
        self, tag: str, value: str, line: int, column: int, implicit: bool = False
    ) -> Any:
        if tag == _TAG + "str":
            return value
        if tag == _MERGE_TAG:
            return _MERGE
        from yaml.constructor import ConstructorError
        from yaml.nodes import ScalarNode

        safe = _yaml11()[1]
        constructor = safe.yaml_constructors.get(tag)
        if constructor is None:  # e.g. the YAML 1.1 "=" value tag: keep the text
            return value
        try:
            return constructor(safe, ScalarNode(tag, value))
        except (
            ConstructorError,
            ValueError,
            OverflowError,
            KeyError,
            AttributeError,
            IndexError,
            TypeError,
        ):
            # PyYAML's constructors raise all of these for text that does not fit
            # an explicit tag (`!!bool maybe`, `!!timestamp hello`, `!!int ''`).
            if implicit:
                return value
            self.error(line, column, f"cannot read this value as {tag.rsplit(':', 1)[-1]}")
            return value  # the text, so this is the only error reported for it

    # -- the event loop ------------------------------------------------------------

    def build(self, data: bytes) -> Any:
        """Walk the event stream once. The hot path (plain and quoted scalars
        added to a mapping or sequence) is inlined: it runs for every node of
        estates with hundreds of thousands of systems."""
        import yaml
        from yaml import _yaml

        libyaml: Any = _yaml  # libyaml's C parser and event classes (untyped in the stubs)
        parser: Any = libyaml.CParser(data)
        get_event = parser.get_event
        stack: list[_Frame] = []
        self.stack = stack
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
        max_chars = self.limits.max_scalar_chars
        cache = self.plain_cache
        missing = _MISSING
        nokey = _NOKEY
        frame: _Frame | None = None
        try:
            while True:
                try:
                    event: Any = get_event()
                except yaml.MarkedYAMLError as exc:
                    self._syntax_error(exc)
                    break
                except yaml.YAMLError as exc:
                    self._reader_error(exc, data)
                    break
                kind = type(event)
                if kind is scalar_event:
                    mark = event.start_mark
                    line = mark.line + 1
                    column = mark.column + 1
                    anchor = event.anchor
                    value = missing
                    if event.tag is None and anchor is None:
                        text = event.value
                        if event.implicit[0]:
                            value = cache.get(text, missing)
                        elif len(text) <= max_chars:
                            value = text
                    if value is missing:
                        value = self.scalar(event, line, column)
                        if anchor is not None:
                            self.anchors[anchor] = (value, 1)
                    if frame is None:
                        root = value
                        continue
                    frame.size += 1
                    container = frame.container
                    if frame.is_seq:
                        container.append(value)
                        frame.marks += (line, column)
                        continue
                    key = frame.key
                    if key is nokey:
                        if type(value) is str:
                            frame.key = value
                            frame.key_mark = (line, column)
                            continue
                    elif type(key) is str and key not in container:
                        frame.key = nokey
                        container[key] = value
                        frame.marks += (*frame.key_mark, line, column)
                        continue
                    self._add(frame, value, line, column)
                    continue
                if kind is map_start or kind is seq_start:
                    mark = event.start_mark
                    line = mark.line + 1
                    column = mark.column + 1
                    if len(stack) >= max_depth:
                        self.error(
                            line,
                            column,
                            f"nesting deeper than {max_depth} levels (raise limits.max_depth)",
                            fatal=True,
                        )
                    tag = event.tag
                    is_seq = kind is seq_start
                    if tag is not None and tag != "!" and tag != (_SEQ_TAG if is_seq else _MAP_TAG):
                        self.error(line, column, _tag_message(tag))
                    container = YSeq(line, column) if is_seq else YMap(line, column)
                    if event.anchor is not None:
                        self.open_anchors.add(event.anchor)
                    frame = _Frame(container, event.anchor, is_seq, line, column)
                    stack.append(frame)
                    continue
                if kind is map_end or kind is seq_end:
                    done = stack.pop()
                    value = done.container
                    size = done.size
                    if done.merges:
                        _apply_merges(value, done.marks, done.merges)
                    value._marks = pack_marks(done.marks)
                    if done.anchor is not None:
                        self.open_anchors.discard(done.anchor)
                        self.anchors[done.anchor] = (value, size)
                    line, column = done.marks[0], done.marks[1]
                elif kind is alias_event:
                    mark = event.start_mark
                    line = mark.line + 1
                    column = mark.column + 1
                    value, size = self._alias(event.anchor, line, column)
                elif kind is doc_start:
                    documents += 1
                    if documents > 1:
                        mark = event.start_mark
                        self.error(
                            mark.line + 1,
                            mark.column + 1,
                            "a second YAML document in one file; a blueprint file holds exactly one",
                        )
                        break
                    continue
                elif kind is stream_end:
                    break
                else:
                    continue
                frame = stack[-1] if stack else None
                if frame is None:
                    root = value
                    continue
                frame.size += size
                self._add(frame, value, line, column)
        except _Abort:
            pass
        finally:
            parser.dispose()
        return None if root is _MISSING else root

    def _alias(self, name: str, line: int, column: int) -> tuple[Any, int]:
        if name in self.open_anchors:
            self.error(
                line,
                column,
                f"alias *{shorten(name, 60)} refers to itself (recursive structures are not allowed)",
            )
            return None, 1
        if name not in self.anchors:
            self.error(
                line,
                column,
                f"alias *{shorten(name, 60)} has no anchor &{shorten(name, 60)} before it",
            )
            return None, 1
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
        return value, size

    def _add(self, frame: _Frame, value: Any, line: int, column: int) -> None:
        container = frame.container
        if frame.is_seq:
            container.append(value)
            frame.marks += (line, column)
            return
        key = frame.key
        if key is _NOKEY:
            if value is _MERGE or isinstance(value, str):
                frame.key = value
                frame.key_mark = (line, column)
            else:
                frame.key = _BADKEY
                self.error(line, column, _bad_key_message(value))
            return
        frame.key = _NOKEY
        if key is _BADKEY:
            return
        kline, kcolumn = frame.key_mark
        if key is _MERGE:
            self._merge_source(frame, value, kline, kcolumn)
            return
        if key in container:  # merged keys come later: these are the explicit ones, in order
            first = frame.marks[2 + 4 * list(container).index(key)]
            self.error(
                kline,
                kcolumn,
                f"duplicate key {key!r:.60}: first defined at line {first}, again at line {kline}",
                key=key,
            )
            return
        container[key] = value
        frame.marks += (kline, kcolumn, line, column)

    def _merge_source(self, frame: _Frame, value: Any, line: int, column: int) -> None:
        sources = value if isinstance(value, YSeq) else [value]
        for source in sources:
            if not isinstance(source, YMap):
                self.error(line, column, "a merge key (<<) takes a mapping or a list of mappings")
                return
        if frame.merges is None:
            frame.merges = []
        frame.merges.extend(sources)

    def _syntax_error(self, exc: yaml.MarkedYAMLError) -> None:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        self.failed = True
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        self.error(line, column, f"YAML syntax error: {problem}{context}")

    def _reader_error(self, exc: yaml.YAMLError, data: bytes) -> None:
        self.failed = True
        position = getattr(exc, "position", 0) or 0
        line, column = byte_position(data, position)
        reason = getattr(exc, "reason", None) or "unreadable input"
        self.error(line, column, f"cannot read the file: {reason} (blueprints are UTF-8 text)")


def _apply_merges(target: YMap, marks: list[int], sources: list[YMap]) -> None:
    # Explicit keys win; among merged mappings the earlier one wins (as PyYAML).
    for source in sources:
        source_marks = source.key_marks
        for key, value in source.items():
            if key not in target:
                target[key] = value
                marks += source_marks[key]


def _tag_message(tag: str) -> str:
    shown = tag.replace(_TAG, "!!") if tag.startswith(_TAG) else tag
    return (
        f"tag {shorten(shown, 60)} is not allowed: blueprints use only standard YAML tags "
        "(!!str, !!int, !!float, !!bool, !!null, !!timestamp, !!map, !!seq)"
    )


def _bad_key_message(value: Any) -> str:
    if isinstance(value, bool):
        return "key is read as a boolean (YAML 1.1 reads yes/no/on/off so): quote it"
    return f"keys must be strings, not {describe_type(value)}: quote it"


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


def load_yaml(
    data: bytes | str, file: str, limits: Limits | None = None, *, accelerated: bool | None = None
) -> tuple[Any, list[LoadError]]:
    """Parse one YAML document into ``YMap``/``YSeq``/scalars plus the errors found.

    ``file`` is the name used in locations. The result is ``None`` for an empty
    document or after a fatal error (syntax error, nesting or alias limits).

    Clean documents are built by the C fast path (:mod:`cadee._yamlfast`) when
    it is installed, everything else by the Python loader below; both give
    the same tree. ``accelerated=False`` (or ``CADEE_NO_ACCELERATOR=1`` in the
    environment) forces the Python loader.
    """
    limits = limits or Limits()
    builder = _Builder(file, limits)
    if isinstance(data, str):
        # libyaml reads bytes (PyYAML encodes text the same way). A lone surrogate
        # becomes bytes that libyaml refuses with a located error, not an exception.
        data = data.encode("utf-8", "surrogatepass")
    foreign = foreign_encoding(data)
    if foreign:
        builder.error(
            1,
            1,
            f"cannot read the file: it is {foreign} text; blueprints are UTF-8 "
            "(a UTF-8 byte-order mark is allowed): save it as UTF-8",
        )
        return None, builder.errors
    if len(data) > limits.max_file_bytes:
        builder.error(
            1,
            1,
            f"file is {len(data):,} bytes, above the limit of {limits.max_file_bytes:,} "
            "(raise limits.max_file_bytes)",
        )
        return None, builder.errors
    builder.plain_cache_limit = plain_cache_limit(len(data))
    if accelerated is None:
        accelerated = not os.environ.get("CADEE_NO_ACCELERATOR")
    if accelerated and _yamlfast is not None:
        clean, root = _yamlfast.build(
            data,
            # Limits are unbounded integers; beyond a C size they are "no limit" anyway.
            min(limits.max_depth, sys.maxsize),
            min(limits.max_scalar_chars, sys.maxsize),
            builder.plain_cache,
            builder.plain_cache_limit,
            builder.resolve_plain,
            _maybe_typed_table(),
            YMap,
            YSeq,
            _MERGE,
        )
        if clean:
            return root, []
    root = builder.build(data)
    return (None if builder.failed else root), builder.errors


_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def foreign_encoding(data: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``data`` is text in one of them, else None.

    libyaml would read UTF-16 with a byte-order mark; cadee reads UTF-8 only
    (the documented format), so both are refused with one clear message. Text
    without a byte-order mark is recognised by a NUL among its first two bytes
    (YAML text never holds NUL, and UTF-16 of ASCII is half NUL bytes).
    """
    for mark, name in _BOMS:
        if data.startswith(mark):
            return name
    if len(data) >= 4 and b"\x00" in data[:2]:
        return "UTF-32" if data[:4].count(0) == 3 else "UTF-16"
    return None


def _maybe_typed_table() -> bytes:
    """256 flags: may a plain scalar starting with this byte be other than a string?

    PyYAML picks implicit resolvers by the first character, so a plain scalar
    whose first character has none is a string without asking the resolver.
    Built per file (microseconds), so resolvers added at run time count too.
    """
    resolvers = _yaml11()[0].yaml_implicit_resolvers
    if None in resolvers:  # a wildcard resolver (none in YAML 1.1): ask for everything
        return b"\x01" * 256
    table = bytearray(256)
    for first in resolvers:
        if first and ord(first) < 128:
            table[ord(first)] = 1
        elif first:  # a non-ASCII first character: ask for every non-ASCII byte
            table[128:] = b"\x01" * 128
    return bytes(table)
