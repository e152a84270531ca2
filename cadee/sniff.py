"""What a YAML file is, from its top-level keys, without building it (or echoing any value)."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["has_top_keys", "top_level_keys"]

_TOP_KEY = re.compile(rb"^([A-Za-z][A-Za-z0-9_-]*)\s*:", re.MULTILINE)


def has_top_keys(data: bytes, keys: set[str]) -> bool:
    """True when every key of ``keys`` is a top-level key of the YAML document ``data``."""
    found = {m.group(1).decode("ascii") for m in _TOP_KEY.finditer(data)}
    if keys <= found:
        return True
    # Flow style or quoted keys: read the top-level keys from the event stream.
    return keys <= top_level_keys(data)


def top_level_keys(data: bytes) -> set[str]:
    """The top-level keys of a YAML mapping (empty for anything else or broken YAML)."""
    from yaml import YAMLError
    from yaml import _yaml as libyaml

    keys: set[str] = set()
    parser: Any = libyaml.CParser(data)
    depth = 0
    expect_key = True
    try:
        while (event := parser.get_event()) is not None:
            kind = type(event).__name__
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
                if depth == 0:
                    break
                if depth == 1:  # a top-level value that was a collection ended
                    expect_key = True
            elif kind in ("ScalarEvent", "AliasEvent") and depth == 1:
                if expect_key and kind == "ScalarEvent":
                    keys.add(event.value)
                expect_key = not expect_key
    except YAMLError:
        return set()
    finally:
        parser.dispose()
    return keys
