"""Indented JSON, byte-identical to ``json.dumps(value, indent=n, ensure_ascii=False)``, fast.

On Python 3.11 and 3.12, :func:`json.dumps` uses its C encoder only without
``indent``; with it, every value goes through the pure-Python encoder's
generators (about a fifth of a findings-heavy ``validate --format json``).
Here the containers are walked in Python, but every *flat* container (a list
or dict whose values are all plain ``str``, ``int``, ``float``, ``bool`` or
``None``: a finding, a summary) and every list of flat dicts (the findings)
is written by one call of the C encoder, given the item separator of its
depth (``",\\n"`` and the indentation) in place of the indentation it does
not support. Scalars elsewhere go through the same C string encoder and the
same ``int``/``float`` representations json.dumps uses.

Anything the walk does not expect (a type json.dumps would hand to
``default``, a key it refuses, a circular reference, an error of any
kind) makes :func:`dumps_indented` return json.dumps's own
result, or raise its own exception: the fast path never decides anything
json.dumps would decide differently. ``tests/test_jsonenc.py`` compares the
two on every report of the examples, on the findings-heavy estate and on
Hypothesis-generated values with hostile strings and floats.
"""

from __future__ import annotations

import json
from _json import make_encoder as _c_make_encoder  # CPython's; json.dumps uses it too
from itertools import chain
from json.encoder import encode_basestring
from typing import Any

__all__ = ["dumps_indented"]

_SCALARS = frozenset({str, int, float, bool, type(None)})
_DICT_ONLY = frozenset({dict})
_INFINITY = float("inf")


class _Unexpected(Exception):
    """Something json.dumps decides (default, keys, circularity): let it."""


def _default(o: object) -> Any:
    raise _Unexpected


def _float(o: float) -> str:
    # json.encoder's floatstr with allow_nan=True
    if o != o:
        return "NaN"
    if o == _INFINITY:
        return "Infinity"
    if o == -_INFINITY:
        return "-Infinity"
    return float.__repr__(o)


def _key(key: object) -> str:
    # json.encoder's conversion of a key that is not a string (skipkeys=False)
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise _Unexpected


def _is_records(o: list[Any] | tuple[Any, ...]) -> bool:
    """Whether ``o`` holds only non-empty plain dicts of plain scalars."""
    return (
        _DICT_ONLY.issuperset(map(type, o))
        and all(o)
        and _SCALARS.issuperset(map(type, chain.from_iterable(map(dict.values, o))))
    )


def dumps_indented(value: Any, indent: int) -> str:
    """``json.dumps(value, indent=indent, ensure_ascii=False)``, byte for byte."""
    try:
        return _Writer(indent).write(value)
    except Exception:  # json.dumps gives the answer, or raises its own error
        return json.dumps(value, indent=indent, ensure_ascii=False)


class _Writer:
    """One encoding: the C encoders of each depth, made on first use."""

    def __init__(self, indent: int) -> None:
        self.step = " " * indent
        self.flat: dict[int, Any] = {}
        self.chunks: list[str] = []

    def write(self, value: Any) -> str:
        self._value(value, 0)
        return "".join(self.chunks)

    def _flat_encoder(self, level: int) -> Any:
        encoder = self.flat.get(level)
        if encoder is None:
            separator = ",\n" + self.step * (level + 1)
            encoder = _c_make_encoder(
                None, _default, encode_basestring, None, ": ", separator, False, False, True
            )
            self.flat[level] = encoder
        return encoder

    def _value(self, o: Any, level: int) -> None:
        # The pure-Python encoder's order of checks (json.encoder._iterencode).
        append = self.chunks.append
        if isinstance(o, str):
            append(encode_basestring(o))
        elif o is None:
            append("null")
        elif o is True:
            append("true")
        elif o is False:
            append("false")
        elif isinstance(o, int):
            append(int.__repr__(o))
        elif isinstance(o, float):
            append(_float(o))
        elif isinstance(o, (list, tuple)):
            self._list(o, level)
        elif isinstance(o, dict):
            self._dict(o, level)
        else:
            raise _Unexpected

    def _flat(self, o: Any, level: int, opening: str, closing: str) -> None:
        text = "".join(self._flat_encoder(level)(o, 0))
        inner = "\n" + self.step * (level + 1)
        self.chunks.append(opening + inner + text[1:-1] + "\n" + self.step * level + closing)

    def _records(self, o: list[Any] | tuple[Any, ...], level: int) -> None:
        """A list of non-empty flat dicts (findings) in one call of the C encoder.

        Encoded with the item separator of the dicts' items, the list's own
        separators come out as ``},<separator>{``. A line break is only ever
        written by a separator (strings escape theirs), a separator inside a
        flat dict is followed by a key's ``"``, and no scalar ends in ``}``: so
        the pattern marks exactly the boundaries between the list's items.
        """
        outer = "\n" + self.step * level
        item = "\n" + self.step * (level + 1)
        field = "\n" + self.step * (level + 2)
        text = "".join(self._flat_encoder(level + 1)(o, 0))
        body = text[2:-2].replace("}," + field + "{", item + "}," + item + "{" + field)
        self.chunks.append("[" + item + "{" + field + body + item + "}" + outer + "]")

    def _list(self, o: list[Any] | tuple[Any, ...], level: int) -> None:
        if not o:
            self.chunks.append("[]")
            return
        if type(o) in (list, tuple):
            if _SCALARS.issuperset(map(type, o)):
                self._flat(o, level, "[", "]")
                return
            if _is_records(o):
                self._records(o, level)
                return
        inner = "\n" + self.step * (level + 1)
        append = self.chunks.append
        append("[" + inner)
        first = True
        for item in o:
            if not first:
                append("," + inner)
            first = False
            self._value(item, level + 1)
        append("\n" + self.step * level + "]")

    def _dict(self, o: dict[Any, Any], level: int) -> None:
        if not o:
            self.chunks.append("{}")
            return
        if type(o) is dict and _SCALARS.issuperset(map(type, o.values())):
            self._flat(o, level, "{", "}")
            return
        inner = "\n" + self.step * (level + 1)
        append = self.chunks.append
        append("{" + inner)
        first = True
        for key, item in o.items():
            if not first:
                append("," + inner)
            first = False
            append(encode_basestring(key if isinstance(key, str) else _key(key)) + ": ")
            self._value(item, level + 1)
        append("\n" + self.step * level + "}")
