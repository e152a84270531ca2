"""The fast indented JSON encoder equals ``json.dumps(..., indent=n, ensure_ascii=False)``.

Differential tests: the reports of the examples and of the findings-heavy
estate, every JSON output format on them, and Hypothesis-generated values
with hostile strings (controls, quotes, backslashes, line separators, lone
surrogates, non-BMP characters, text that looks like the encoder's own
separators), floats with nan and infinities, huge integers, enums and
non-string keys.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate_findings_heavy, write_estate
from cadee.report.json import render_json, result_to_dict
from cadee.report.jsonenc import _Unexpected, _Writer, dumps_indented
from cadee.report.sarif import render_sarif
from cadee.text import json_text
from cadee.validate import validate_file

from .conftest import REPO

EXAMPLES = {
    "flagship": REPO / "examples" / "northwind-bank" / "blueprint.yaml",
    "pilot": REPO / "examples" / "northwind-pilot" / "blueprint.yaml",
    "acme": REPO / "examples" / "acme-bank" / "blueprint.yaml",
}
PROPERTY = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def reference(value: Any, indent: int = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False)


def fast(value: Any, indent: int = 2) -> str:
    """The fast path itself, without the fallback to json.dumps."""
    return _Writer(indent).write(value)


def reference_json_text(value: Any) -> str:
    """cadee.text.json_text as it was: json.dumps, then the terminal-safe escapes."""
    text = reference(value)
    unsafe = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
    return unsafe.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


@pytest.fixture(scope="module")
def findings_heavy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_estate(
        generate_findings_heavy(300, seed=11), tmp_path_factory.mktemp("findings-heavy")
    )


@pytest.mark.parametrize("which", [*EXAMPLES, "findings-heavy"])
def test_reports_equal_json_dumps(which: str, findings_heavy: Path) -> None:
    path = findings_heavy if which == "findings-heavy" else EXAMPLES[which]
    result = validate_file(path)
    data = result_to_dict(result)
    if which == "findings-heavy":
        assert len(data["findings"]) > 300  # the records path is exercised
    assert fast(data) == reference(data)
    assert fast([data, data]) == reference([data, data])
    assert render_json([result]) == reference_json_text(data)
    # SARIF (and through it every JSON format) still parses back to what it encodes.
    sarif = render_sarif([result])
    assert sarif == reference_json_text(json.loads(sarif))


SEPARATOR_LOOKALIKES = [
    "},\n      {",
    '},\n    {\n      "',
    "}, {",
    "{",
    "}",
    "[",
    "]",
    ",",
    '": "',
    "\n",
    "\r\n",
]
HOSTILE = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=())),  # surrogates included
    st.text(st.sampled_from('"\\/\x00\x07\x1b\x7f\x9b\u2028\u2029\u202e\ud800\udfff😀é{}[],:\n')),
    st.sampled_from(SEPARATOR_LOOKALIKES),
)


class Level(enum.IntEnum):
    LOW = 1


class Colour(enum.StrEnum):
    RED = "red"


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    HOSTILE,
    st.sampled_from([Level.LOW, Colour.RED, -0.0, 1e300, 5e-324]),
)
KEYS = st.one_of(HOSTILE, st.sampled_from(["rule", "file", "line"]))
ODD_KEYS = st.one_of(KEYS, st.integers(), st.floats(), st.booleans(), st.none())
FLAT = st.dictionaries(ODD_KEYS, SCALARS, min_size=1, max_size=6)


def containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=5),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(KEYS, children, max_size=5),
        st.lists(FLAT, max_size=6),  # records: findings, measurements
    )


VALUES = st.recursive(st.one_of(SCALARS, FLAT), containers, max_leaves=30)


@PROPERTY
@given(VALUES, st.sampled_from([2, 0, 1, 4]))
def test_generated_values_equal_json_dumps(value: Any, indent: int) -> None:
    expected = reference(value, indent)
    assert dumps_indented(value, indent) == expected
    assert fast(value, indent) == expected


@PROPERTY
@given(st.lists(FLAT, min_size=1, max_size=20), st.integers(0, 3))
def test_records_at_any_depth_equal_json_dumps(records: list[Any], depth: int) -> None:
    value: Any = records
    for _ in range(depth):
        value = {"findings": value, "summary": {"error": 1}}
    assert fast(value) == reference(value)


@PROPERTY
@given(VALUES)
def test_json_text_is_unchanged(value: Any) -> None:
    assert json_text(value) == reference_json_text(value)


@pytest.mark.parametrize(
    "value",
    [
        {"when": dt.date(2026, 1, 1)},
        [{"a": 1}, {"b": {1, 2}}],
        {"nested": {(1, 2): [2]}},  # a key json.dumps refuses
    ],
)
def test_unexpected_values_get_json_dumps_answer(value: Any) -> None:
    with pytest.raises(_Unexpected):
        fast(value)
    try:
        expected: str | type[BaseException] = reference(value)
    except Exception as error:  # the same exception, whatever it is
        expected = type(error)
    if isinstance(expected, str):
        assert dumps_indented(value, 2) == expected
    else:
        with pytest.raises(expected):
            dumps_indented(value, 2)


def test_circular_value_raises_json_dumps_error() -> None:
    value: list[Any] = [{"a": 1}]
    value.append(value)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps_indented(value, 2)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"a": "\x7f"}, '{\n  "a": "\\u007f"\n}\n'),
        ({"a": "plain"}, '{\n  "a": "plain"\n}\n'),
        (["\x9b\u202e\u2028é"], '[\n  "\\u009b\\u202e\\u2028é"\n]\n'),
    ],
)
def test_json_text_escapes_del_and_non_ascii_controls(value: Any, text: str) -> None:
    assert json_text(value) == text
