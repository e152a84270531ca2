"""Located error messages shared by every YAML-backed loader (blueprints, rule packs).

A pydantic error names a path (``loc``) inside the validated data; the raw
tree from :mod:`cadee.yamlload` remembers where each key and item was written.
:func:`format_error` joins the two into a :class:`LoadError` with
file:line:column, the path inside the document and a message that never
echoes more of the input than a short, quoted excerpt.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterable
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from cadee.diagnostics import LoadError, Location, format_path
from cadee.text import shorten
from cadee.yamlload import YMap, YSeq, describe_type

__all__ = ["did_you_mean", "format_error", "quote"]


def quote(text: str, limit: int = 80) -> str:
    """User text quoted in an error message: shortened, then as a Python literal."""
    return repr(shorten(text, limit))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    if not isinstance(word, str) or len(word) > 200:
        return ""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {quote(match[0])}?" if match else ""


# -- pydantic errors -> located messages --------------------------------------------

_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "a boolean (true or false)",
    "float_type": "a number",
    "number_type": "a number",
    "list_type": "a list",
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
}


def format_error(problem: Any, raw: YMap, file: str, root: type[BaseModel]) -> LoadError:
    """A pydantic error on ``raw`` (validated as ``root``) as a located message."""
    loc: tuple[Any, ...] = tuple(problem["loc"])
    kind: str = problem["type"]
    node: Any = raw
    parent: Any = None
    walked: list[Any] = []
    for element in loc:
        if (isinstance(node, YMap) and element in node) or (
            isinstance(node, YSeq) and isinstance(element, int) and 0 <= element < len(node)
        ):
            parent, node = node, node[element]
            walked.append(element)
        # anything else is a union tag or the missing/extra key itself
    last = walked[-1] if walked else None
    line, column = raw.line, raw.column
    if isinstance(parent, YMap) and last in parent.key_marks:
        kline, kcolumn, vline, vcolumn = parent.key_marks[last]
        at_key = kind == "extra_forbidden" or (
            bool(loc) and loc[-1] == "[key]"
        )  # a mapping key itself
        line, column = (kline, kcolumn) if at_key else (vline, vcolumn)
    elif isinstance(parent, YSeq) and isinstance(last, int):
        line, column = parent.item_marks[last]
    elif isinstance(node, (YMap, YSeq)):
        line, column = node.line, node.column
    shown_path = list(walked)
    if kind == "missing" and loc:
        shown_path.append(loc[-1])
    message = _message(problem, kind, loc, node, root)
    return LoadError(Location(file, line, column, _path(shown_path)), message)


def _message(
    problem: Any, kind: str, loc: tuple[Any, ...], value: Any, root: type[BaseModel]
) -> str:
    key: Any = loc[-1] if loc else ""
    if key == "[key]":  # the error is in a mapping key (a label key): the message names it
        return str(problem["msg"])
    if isinstance(key, int):  # a list entry: name it `when[1]`
        named = [i for i, element in enumerate(loc) if isinstance(element, str)]
        key = _path(loc[named[-1] :]) if named else f"[{key}]"
    if kind == "missing":
        if loc == ("cadee",):
            return "missing required key `cadee` (write `cadee: 1` at the top)"
        return f"missing required key `{key}`"
    if kind == "extra_forbidden":
        known = _known_keys(loc[:-1], root)
        hint = did_you_mean(str(key), known) if known else ""
        if not hint and known:
            hint = f" (allowed: {', '.join(known)})"
        return f"unknown key {quote(str(key), 40)}{hint}"
    if value is None and kind != "null_value" and kind in _EXPECTED:
        return f"null value for `{key}`: write a value or remove the key"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", problem.get("ctx", {}).get("expected", ""))
        got = (
            f", got {quote(value, 40)}"
            if isinstance(value, str)
            else f", got {describe_type(value)}"
        )
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        return f"`{key}` must be one of: {', '.join(choices)}{got}{hint}"
    if kind == "string_pattern_mismatch":
        shown = quote(value, 40) if isinstance(value, str) else "value"
        return (
            f"invalid id {shown}: an id starts with a letter or digit and has at most 64 "
            "letters, digits, '_', '.' or '-'"
        )
    if kind in _EXPECTED:
        hint = ""
        if (
            kind == "string_type"
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            hint = " (quote it to make it a string)"
        elif kind == "string_type" and isinstance(value, bool):
            hint = " (YAML reads yes/no/on/off/true/false as booleans; quote it)"
        elif kind == "int_type" and isinstance(value, float):
            hint = " (write it without a decimal point)"
        elif kind in ("int_type", "float_type", "number_type") and _too_many_digits(value):
            return (
                f"`{key}` must be {_EXPECTED[kind]}: this number has {len(value.strip().lstrip('+-')):,} digits, "
                f"too large (at most {sys.get_int_max_str_digits():,})"
            )
        elif kind == "date_type" and problem["msg"] != "expected a date (YYYY-MM-DD)":
            return f"`{key}`: {problem['msg']}"
        return f"`{key}` must be {_EXPECTED[kind]}, got {describe_type(value)}{hint}"
    if kind in ("greater_than", "greater_than_equal"):
        bound = problem.get("ctx", {})
        op, limit = (">", bound.get("gt")) if kind == "greater_than" else (">=", bound.get("ge"))
        return f"`{key}` must be {op} {limit}"
    if kind == "too_short":
        return f"`{key}` must hold at least {problem.get('ctx', {}).get('min_length', 1)} item"
    # Custom errors (null value, version, dates, numbers) carry safe messages.
    return f"`{key}`: {problem['msg']}" if isinstance(key, str) and key else str(problem["msg"])


_path = format_path


_DIGITS = re.compile(r"[-+]?[0-9_]+")


def _too_many_digits(value: Any) -> bool:
    """An integer YAML could not convert: more digits than Python converts (it stays text)."""
    limit = sys.get_int_max_str_digits()
    return (
        isinstance(value, str)
        and bool(limit)
        and len(value) > limit
        and _DIGITS.fullmatch(value.strip()) is not None
    )


def _known_keys(loc: tuple[Any, ...], root: type[BaseModel]) -> list[str]:
    """The keys allowed at ``loc`` in a document, from the models themselves."""
    model: type[BaseModel] | None = root
    for element in loc:
        if model is None:
            return []
        if isinstance(element, int):
            continue
        info = model.model_fields.get(element) or next(
            (f for f in model.model_fields.values() if f.alias == element), None
        )
        if info is None:
            # A union tag (e.g. FallbackStep) names the model itself.
            continue
        model = _model_in(info.annotation)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    if get_origin(annotation) is not None:
        return _model_in(get_origin(annotation))
    return None
