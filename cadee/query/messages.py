"""A pack rule's own ``message:``: plain text with placeholders, substituted, never evaluated.

::

    message: "{from} sends {value} data to {to} without mtls"

The placeholders are :data:`PLACEHOLDERS`; ``{{`` and ``}}`` write a brace.
An unknown placeholder (or a lone brace) is a located error when the pack
loads. Substitution is plain text replacement: no format specifiers, no
attribute access, no expressions (``str.format`` is never called). A
placeholder the finding has no value for (``{field}`` on a path rule)
becomes an empty string. The finished message goes through each output's
escaper like every other finding message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic_core import PydanticCustomError

from cadee.errors import did_you_mean

__all__ = ["MAX_MESSAGE_CHARS", "PLACEHOLDERS", "Message", "parse_message"]

#: What a message may name: the target's id and name, an integration's or a path's ends,
#: the first failed field of ``require`` and its value.
PLACEHOLDERS = ("id", "name", "from", "to", "field", "value")
MAX_MESSAGE_CHARS = 500
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True, slots=True)
class Message:
    """A parsed message: literal text and placeholder names, alternating."""

    text: str
    parts: tuple[tuple[bool, str], ...]  # (is_placeholder, text or name)

    def render(self, values: Mapping[str, str]) -> str:
        return "".join(values.get(part, "") if is_name else part for is_name, part in self.parts)


def parse_message(value: Any) -> Message:
    """A pack's ``message:``; a pydantic error naming the first problem otherwise."""
    if value is None:
        raise PydanticCustomError("null_value", "null value: write a message or remove the key")
    if not isinstance(value, str):
        raise PydanticCustomError("message_type", "expected a message (a string)")
    text = value.strip()
    if not text:
        raise PydanticCustomError("message_empty", "the message is empty")
    if "\n" in text:
        raise PydanticCustomError("message_line", "a message is one line")
    if len(text) > MAX_MESSAGE_CHARS:
        raise PydanticCustomError(
            "message_long", "message longer than {limit} characters", {"limit": MAX_MESSAGE_CHARS}
        )
    parts: list[tuple[bool, str]] = []
    position = 0
    for token in _TOKEN.finditer(text):
        parts.append((False, text[position : token.start()]))
        position = token.end()
        written = token.group(0)
        if written in ("{{", "}}"):
            parts.append((False, written[0]))
        elif written in ("{", "}"):
            raise PydanticCustomError(
                "message_brace",
                "lone {brace} at position {at}: write {twice} for a brace",
                {"brace": repr(written), "at": token.start(), "twice": written * 2},
            )
        else:
            name = token.group(1)
            if name not in PLACEHOLDERS:
                raise PydanticCustomError(
                    "message_placeholder",
                    "unknown placeholder {name}{hint} (placeholders: {known})",
                    {
                        "name": "{" + name[:40] + "}",
                        "hint": did_you_mean(name, PLACEHOLDERS),
                        "known": ", ".join("{" + p + "}" for p in PLACEHOLDERS),
                    },
                )
            parts.append((True, name))
    parts.append((False, text[position:]))
    return Message(text, tuple(part for part in parts if part[0] or part[1]))
