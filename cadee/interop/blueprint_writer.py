"""Write an imported :class:`~cadee.interop.draft.Draft` as blueprint YAML.

PyYAML's emitter does the quoting: its YAML 1.1 resolver quotes every string
a reader would take for something else (``yes``, ``on``, ``1.0``,
``2026-01-01``, ``~``...). This module only adds what PyYAML cannot: block
style with indented lists, literal blocks for multi-line text, and the
warnings as comments next to the item they concern. Same draft, same bytes.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from cadee.interop.draft import SECTIONS, Draft
from cadee.text import terminal

__all__ = ["dump_yaml", "render_blueprint"]

#: Characters PyYAML treats as line breaks: only double quotes keep them intact.
_SPECIAL_BREAKS = frozenset("\x85\u2028\u2029\r")
#: Bidirectional controls ("Trojan Source": text that reads differently from what it
#: is). YAML counts them printable, so PyYAML writes them as themselves even in double
#: quotes; strings holding one are double-quoted and the controls written as \uXXXX.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class _Dumper(yaml.SafeDumper):
    """Block style, list items indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if _SPECIAL_BREAKS & set(text) or _BIDI.search(text):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    if "\n" in text:
        # A literal block reads best; ``|+`` (several trailing newlines) would
        # need a document end marker, so those take double quotes.
        lines = text.rstrip("\n").split("\n")
        literal = (
            not text.endswith("\n\n")
            and text.strip()
            and not text[0].isspace()
            and all(line == line.rstrip() and line.isprintable() for line in lines)
        )
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if literal else '"')
    return dumper.represent_str(text)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(value: Any) -> str:
    """``value`` as block-style YAML (the style of every YAML file cadee writes); a
    bidirectional control only as an escape inside double quotes (:data:`_BIDI`)."""
    text = yaml.dump(
        value,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1 << 30,
    )
    return _BIDI.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _comment(text: str, indent: str) -> str:
    return f"{indent}# {terminal(text)}\n"


def _item_fields(section: str, fields: dict[str, Any]) -> dict[str, Any]:
    if section == "systems" and "fallback" in fields:
        # `- to: x` with nothing else reads better as `- x` (spec 5 allows both).
        fields = dict(fields)
        fields["fallback"] = [
            step["to"] if set(step) == {"to"} else step for step in fields["fallback"]
        ]
    return fields


def render_blueprint(draft: Draft, command: str) -> str:
    """The blueprint file text: header, metadata, then each non-empty list."""
    out = [
        _comment(f"Imported by `{command}` from {draft.source}.", ""),
        "# Review it, then check it with `cadee validate`.\n",
    ]
    if draft.notes:
        count = len(draft.notes)
        out.append(
            _comment(
                f"{count} warning{'s' if count != 1 else ''}: what the source says that "
                "this blueprint does not keep is listed next to the item concerned "
                "(lines starting `# cadee import:`).",
                "",
            )
        )
    out.append("\ncadee: 1\n\n")
    out.append("blueprint:\n")
    for text in draft.comments:
        out.append(_comment(f"cadee import: {text}", "  "))
    meta = dump_yaml({"blueprint": draft.meta})
    out.append(meta.split("\n", 1)[1])
    for section in SECTIONS:
        items = draft.sections[section]
        if not items:
            continue
        out.append(f"\n{section}:\n")
        for item in items:
            for text in item.comments:
                out.append(_comment(f"cadee import: {text}", "  "))
            block = dump_yaml([_item_fields(section, item.fields)])
            out.extend(f"  {line}\n" if line else "\n" for line in block.rstrip("\n").split("\n"))
    return "".join(out)
