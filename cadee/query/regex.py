"""Regular expressions in rule packs, matched in linear time.

A rule pack comes from a pull request, possibly from a fork, and its
patterns run against every id, vendor and description of the blueprint.
Python's :mod:`re` backtracks: ``(a|aa)*c`` against 63 ``a`` and a ``b``
takes longer than the universe's age. Pack patterns therefore run on RE2
(``google-re2``), an automaton engine whose matching time is linear in the
text's length for every pattern, with its memory bounded per pattern (RE2's
8 MiB default). Safety holds by construction, not by a timeout: the same
pack gives the same findings on a fast laptop and a loaded CI runner.

RE2 has no backreferences (``\\1``), lookaround (``(?=``, ``(?!``, ``(?<=``,
``(?<!``), atomic groups or possessive quantifiers: a pattern using them is
a load error located at its key in the pack. ``\\d``, ``\\w``, ``\\s`` and
``\\b`` are ASCII classes in RE2 (``\\pL``, ``\\p{Nd}`` name Unicode ones).
Patterns are matched against the whole value, ``.`` also matching a line
break (as ``re.fullmatch`` with ``re.DOTALL`` did).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic_core import PydanticCustomError

from cadee.text import shorten

__all__ = ["MAX_PATTERN_CHARS", "Regex", "compile_pattern"]

#: Longest regular expression a pack may hold; longer ones are a mistake, not a policy.
MAX_PATTERN_CHARS = 500


def _options(re2: Any) -> Any:
    options = re2.Options()
    options.dot_nl = True  # `.` matches a line break, as re.DOTALL
    options.never_capture = True  # only "does it match": RE2 may use its DFA throughout
    options.log_errors = False  # errors come back as load errors, never on stderr
    return options


class Regex:
    """A compiled pack pattern; :meth:`matches` tests a whole value in linear time."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        """Compile ``pattern`` with RE2 (raises ``re2.error`` when RE2 cannot)."""
        # RE2 loads with the first pack pattern: a run without packs never pays for it.
        import re2

        self.pattern = pattern
        self._compiled = re2.compile(pattern, _options(re2))

    def matches(self, text: str) -> bool:
        """True when the whole of ``text`` matches."""
        return self._compiled.fullmatch(text) is not None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Regex) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r})"


def _reason(exc: Exception) -> str:
    """RE2's message (its Python binding passes it as bytes)."""
    reason = exc.args[0] if exc.args else exc
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def compile_pattern(value: Any) -> Regex:
    """A pack's regular expression, compiled; a located pydantic error when it is not one."""
    if value is None:
        raise PydanticCustomError("null_value", "null value: write a value or remove the key")
    if not isinstance(value, str):
        raise PydanticCustomError("pattern_type", "expected a regular expression (a string)")
    if not value:
        raise PydanticCustomError(
            "pattern_empty", "an empty regular expression matches only empty text"
        )
    if len(value) > MAX_PATTERN_CHARS:
        raise PydanticCustomError(
            "pattern_long",
            "regular expression longer than {limit} characters",
            {"limit": MAX_PATTERN_CHARS},
        )
    try:  # syntax errors in the words and positions of Python's parser (compiling never matches)
        re.compile(value, re.DOTALL)
    except re.error as exc:
        raise PydanticCustomError(
            "pattern_invalid",
            "invalid regular expression {pattern}: {reason} at position {position}",
            {"pattern": repr(shorten(value, 40)), "reason": exc.msg, "position": exc.pos or 0},
        ) from None
    import re2

    try:
        return Regex(value)
    except re2.error as exc:
        raise PydanticCustomError(
            "pattern_unsupported",
            "regular expression {pattern} cannot run in linear time ({reason}): rule packs use RE2 "
            "syntax, without backreferences, lookahead, lookbehind, atomic groups or possessive "
            "quantifiers",
            {"pattern": repr(shorten(value, 40)), "reason": _reason(exc)},
        ) from None
