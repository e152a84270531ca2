"""The loader's C fast path (cadee/_yamlfast.pyx) builds exactly what the Python loader builds.

The fast path handles clean documents and gives up on anything that needs a
diagnostic; the Python loader then reads the file again. These tests compare
the two loaders value by value, type by type and position by position on
every YAML file in the repository and on generated and random text, and check
that each construct the fast path does not handle makes it give up.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import sys
import sysconfig
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadee import yamlload
from cadee.yamlload import Limits, YMap, YSeq, load_yaml

from .conftest import REPO
from .test_hostile import FUZZ, raw_texts, yaml_texts

fast: Any = yamlload._yamlfast


def _buildable() -> bool:
    include = Path(sysconfig.get_paths()["include"], "Python.h")
    return (
        not os.environ.get("CADEE_NO_EXTENSIONS")
        and shutil.which("cc") is not None
        and include.is_file()
        and any(Path(root, "yaml.h").is_file() for root in ("/usr/include", "/usr/local/include"))
    )


needs_fast_path = pytest.mark.skipif(fast is None, reason="the C fast path is not built here")


def test_the_fast_path_is_built_wherever_it_can_be() -> None:
    """scripts/bootstrap.sh installs the prerequisites; a silent fallback would hide a 3x slowdown."""
    if not _buildable():
        pytest.skip("no compiler or libyaml headers here: cadee runs on the Python loader")
    assert fast is not None, (
        "the C fast path could be built here but is missing: re-run scripts/bootstrap.sh"
    )


def differences(a: Any, b: Any, path: str = "$") -> list[str]:
    """Where two loaded trees differ in value, type or recorded position."""
    if type(a) is not type(b):
        return [f"{path}: {type(a).__name__} != {type(b).__name__}"]
    if isinstance(a, YMap):
        out = []
        if (a.line, a.column) != (b.line, b.column):
            out.append(f"{path}: starts at {a.line}:{a.column} != {b.line}:{b.column}")
        # The packed positions themselves, and what the view reads from them.
        if list(a) != list(b) or a._marks != b._marks or a.key_marks != b.key_marks:
            out.append(f"{path}: keys or key positions differ")
            return out
        for key in a:
            out += differences(a[key], b[key], f"{path}.{key}")
        return out
    if isinstance(a, YSeq):
        out = []
        if (a.line, a.column, a._marks, a.item_marks, len(a)) != (
            b.line,
            b.column,
            b._marks,
            b.item_marks,
            len(b),
        ):
            return [f"{path}: sequence position, item positions or length differ"]
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            out += differences(x, y, f"{path}[{index}]")
        return out
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return []
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def assert_same_as_python(data: bytes | str, limits: Limits | None = None) -> None:
    fast_root, fast_errors = load_yaml(data, "t.yaml", limits, accelerated=True)
    slow_root, slow_errors = load_yaml(data, "t.yaml", limits, accelerated=False)
    assert [str(e) for e in fast_errors] == [str(e) for e in slow_errors]
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, 10_000))  # `differences` recurses once per level
    try:
        assert differences(fast_root, slow_root) == []
    finally:
        sys.setrecursionlimit(previous)


def build_fast(text: str, limits: Limits | None = None) -> tuple[bool, Any]:
    limits = limits or Limits()
    builder = yamlload._Builder("t.yaml", limits)
    clean, root = fast.build(
        text.encode(),
        limits.max_depth,
        limits.max_scalar_chars,
        builder.plain_cache,
        builder.plain_cache_limit,
        builder.resolve_plain,
        yamlload._maybe_typed_table(),
        YMap,
        YSeq,
        yamlload._MERGE,
    )
    return bool(clean), root


REPOSITORY_YAML = sorted(
    p
    for pattern in ("*.yaml", "*.yml")
    for p in REPO.rglob(pattern)
    if ".venv" not in p.parts and ".cache" not in p.parts and ".git" not in p.parts
)


@needs_fast_path
def test_every_yaml_file_in_the_repository_loads_the_same() -> None:
    assert len(REPOSITORY_YAML) > 50
    for path in REPOSITORY_YAML:
        fast_root, fast_errors = load_yaml(path.read_bytes(), str(path), accelerated=True)
        slow_root, slow_errors = load_yaml(path.read_bytes(), str(path), accelerated=False)
        assert [str(e) for e in fast_errors] == [str(e) for e in slow_errors], path
        assert differences(fast_root, slow_root) == [], path


@needs_fast_path
def test_a_clean_document_is_built_by_the_fast_path_with_positions_and_yaml_11_types() -> None:
    text = textwrap.dedent("""\
        cadee: 1
        systems:
          - id: core
            enabled: yes
            timeout: 1:30
            since: 2026-01-01
            ratio: .5
            none: ~
            octal: 010
            name: "quoted: text"
            notes: |
              block
          - plain text
        """)
    clean, root = build_fast(text)
    assert clean
    system = root["systems"][0]
    assert system == {
        "id": "core",
        "enabled": True,
        "timeout": 90,
        "since": dt.date(2026, 1, 1),
        "ratio": 0.5,
        "none": None,
        "octal": 8,
        "name": "quoted: text",
        "notes": "block\n",
    }
    assert root.key_marks["systems"] == (2, 1, 3, 3)
    assert root["systems"].item_marks == [(3, 5), (13, 5)]
    assert system.key_marks["enabled"] == (4, 5, 4, 14)
    assert_same_as_python(text)


GIVES_UP = {
    "anchor and alias": "a: &x 1\nb: *x\n",
    "merge key": "base: &b {x: 1}\nc:\n  <<: *b\n",
    "merge key without anchors": "c:\n  <<: {x: 1}\n",
    "explicit tag": "a: !!str 1\n",
    "python tag": "a: !!python/object:os.system x\n",
    "non-specific tag": "a: ! 1\n",
    "tagged mapping": "a: !!map {x: 1}\n",
    "duplicate key": "a: 1\na: 2\n",
    "boolean key": "yes: 1\n",
    "integer key": "1: x\n",
    "mapping as key": "? {a: 1}\n: x\n",
    "second document": "a: 1\n---\nb: 2\n",
    "syntax error": "a: [1, 2\n",
    "tab indentation": "a:\n\t- 1\n",
    "invalid utf-8": b"a: \xff\n".decode("latin-1"),  # re-encoded below as raw bytes
}


@needs_fast_path
@pytest.mark.parametrize("case", sorted(GIVES_UP))
def test_the_fast_path_gives_up_where_the_python_loader_has_something_to_say(case: str) -> None:
    text = GIVES_UP[case]
    if case == "invalid utf-8":
        data = b"a: \xff\n"
        builder = yamlload._Builder("t.yaml", Limits())
        clean, _ = fast.build(
            data,
            64,
            10**6,
            {},
            100,
            builder.resolve_plain,
            yamlload._maybe_typed_table(),
            YMap,
            YSeq,
            yamlload._MERGE,
        )
        assert not clean
        assert_same_as_python(data)
        return
    clean, root = build_fast(text)
    assert not clean and root is None
    assert_same_as_python(text)


@needs_fast_path
def test_the_extension_refuses_bad_arguments_instead_of_crashing() -> None:
    builder = yamlload._Builder("t.yaml", Limits())
    arguments = [
        b"a: 1\n",
        64,
        100,
        {},
        10,
        builder.resolve_plain,
        yamlload._maybe_typed_table(),
        YMap,
        YSeq,
        yamlload._MERGE,
    ]
    for index, bad in ((0, None), (3, None), (6, None), (6, b"short")):
        with pytest.raises((TypeError, ValueError)):
            fast.build(*arguments[:index], bad, *arguments[index + 1 :])
    assert fast.build(*arguments) == (True, {"a": 1})


@needs_fast_path
def test_limits_make_the_fast_path_give_up_so_the_python_loader_reports_them() -> None:
    deep = "a:\n" + "".join("  " * i + "- \n" for i in range(1, 6))
    assert build_fast(deep, Limits(max_depth=3))[0] is False
    assert build_fast(deep, Limits(max_depth=64))[0] is True
    # A huge configured limit allocates nothing huge; beyond 512 levels Python takes over.
    assert build_fast(deep, Limits(max_depth=2**62))[0] is True
    assert build_fast("[" * 512 + "]" * 512, Limits(max_depth=2000))[0] is True
    assert build_fast("[" * 513 + "]" * 513, Limits(max_depth=2000))[0] is False
    very_deep = "[" * 1100 + "]" * 1100
    assert build_fast(very_deep, Limits(max_depth=2000))[0] is False
    assert_same_as_python(very_deep, Limits(max_depth=2000))
    # Found in review: an older system libyaml nests past PyYAML's 1,000 levels; the fast
    # path gives up there so both loaders report the same error.
    for levels in (511, 512, 998, 999, 1000, 1001, 1010):
        nested = "[" * levels + "]" * levels
        assert_same_as_python(nested, Limits(max_depth=2000))
        block = "".join(" " * i + "a:\n" for i in range(levels)) + " " * levels + "b: 1\n"
        assert_same_as_python(block, Limits(max_depth=2000))
    # Limits beyond a C integer mean "no limit", not a crash.
    assert_same_as_python(deep, Limits(max_depth=2**80, max_scalar_chars=2**80))
    long_value = "a: " + "x" * 50 + "\n"
    assert build_fast(long_value, Limits(max_scalar_chars=49))[0] is False
    assert build_fast(long_value, Limits(max_scalar_chars=50))[0] is True
    _, errors = load_yaml(long_value, "t.yaml", Limits(max_scalar_chars=49))
    assert [e.location.line for e in errors] == [1] and "max_scalar_chars" in errors[0].message


@needs_fast_path
def test_multibyte_text_near_the_scalar_limit_is_judged_in_characters() -> None:
    # 40 characters, 80 bytes: over a byte count of 49 but within 49 characters.
    text = "a: " + "é" * 40 + "\n"
    assert_same_as_python(text, Limits(max_scalar_chars=49))
    root, errors = load_yaml(text, "t.yaml", Limits(max_scalar_chars=49))
    assert errors == [] and root["a"] == "é" * 40


@needs_fast_path
def test_columns_count_characters_not_bytes() -> None:
    text = "é: {ü: 1, x: [a, b]}\n"
    clean, root = build_fast(text)
    assert clean
    assert root["é"].key_marks["x"] == (1, 11, 1, 14)
    assert_same_as_python(text)


@needs_fast_path
def test_text_input_and_byte_order_marks_load_the_same() -> None:
    text = "a: 1\nb: [x, y]\n"
    assert_same_as_python(text)
    assert_same_as_python("\ufeff" + text)
    assert_same_as_python(text.encode("utf-16"))
    assert_same_as_python("\ufeff::")  # found by the fuzz test: the mark is skipped in text too
    assert_same_as_python("a: \udc80\n")  # a lone surrogate cannot be UTF-8
    # Blueprints are UTF-8 only (docs/blueprint-format.md): UTF-16 is refused at 1:1 by both loaders.
    root, errors = load_yaml(text.encode("utf-16"), "t.yaml", accelerated=True)
    assert root is None and [(e.location.line, e.location.column) for e in errors] == [(1, 1)]
    assert "UTF-16" in errors[0].message


@needs_fast_path
def test_the_linked_libyaml_is_known() -> None:
    import yaml

    ours = fast.libyaml_version()
    assert ours.count(".") == 2
    # The loaders may be linked against different libyaml releases (the system's and
    # PyYAML's own); the differential tests above are what keeps them in agreement.
    assert yaml.__with_libyaml__ and yaml._yaml.get_version_string()


@needs_fast_path
def test_environment_variable_forces_the_python_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = fast.build

    def spy(*args: Any) -> Any:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(fast, "build", spy)
    load_yaml("a: 1\n", "t.yaml")
    assert calls == [1]
    monkeypatch.setenv("CADEE_NO_ACCELERATOR", "1")
    assert load_yaml("a: 1\n", "t.yaml") == ({"a": 1}, [])
    assert calls == [1]


@needs_fast_path
@FUZZ
@given(text=st.one_of(yaml_texts(), raw_texts, st.binary(max_size=200)))
def test_generated_and_random_text_loads_the_same(text: str | bytes) -> None:
    assert_same_as_python(text)
    assert_same_as_python(text, Limits(max_depth=3, max_scalar_chars=20))


@pytest.mark.parametrize("accelerated", [True, False])
def test_repeated_values_are_resolved_once_even_past_the_minimum_cache(
    accelerated: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fixed cache size made large estates superlinear: values first seen after the
    cache filled went through the resolver's regular expressions on every use."""
    if accelerated and fast is None:
        pytest.skip("the C fast path is not built here")
    monkeypatch.setattr(yamlload, "_PLAIN_CACHE_MIN", 100)
    text = "".join(f"x{i}: v{i}\n" for i in range(150))  # 300 values: past the minimum of 100
    text += "late:\n" + "".join(f"  - owner-late-{i % 3}\n" for i in range(600))
    resolved: list[str] = []
    original = yamlload._Builder.resolve_plain

    def counting(self: Any, value: str) -> Any:
        resolved.append(value)
        return original(self, value)

    monkeypatch.setattr(yamlload._Builder, "resolve_plain", counting)
    root, errors = load_yaml(text, "t.yaml", accelerated=accelerated)
    assert errors == [] and root["late"][:3] == ["owner-late-0", "owner-late-1", "owner-late-2"]
    assert sum(v.startswith("owner-late-") for v in resolved) == 3


def test_a_build_older_than_its_source_is_not_used(tmp_path: Path) -> None:
    """A checkout whose .pyx changed since the build falls back to the Python loader."""
    from cadee.accelerator import is_stale

    built = tmp_path / "_yamlfast.cpython-311-x86_64-linux-gnu.so"
    source = tmp_path / "_yamlfast.pyx"
    built.write_bytes(b"")
    source.write_text("# source", encoding="utf-8")
    os.utime(built, (1_000_000, 1_000_000))
    os.utime(source, (2_000_000, 2_000_000))
    assert is_stale(str(built))
    os.utime(built, (3_000_000, 3_000_000))
    assert not is_stale(str(built))
    source.unlink()  # an installed wheel: no source beside the module
    assert not is_stale(str(built))
    assert not is_stale(None)


def test_version_says_whether_the_fast_path_is_used(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cadee import __version__
    from cadee.cli import main

    assert main(["--version"]) == 0
    expected = "on" if fast is not None else "off (not built; see docs/performance.md)"
    assert capsys.readouterr().out == f"cadee {__version__} (YAML fast path: {expected})\n"
    monkeypatch.setenv("CADEE_NO_ACCELERATOR", "1")
    assert main(["--version"]) == 0
    assert (
        capsys.readouterr().out
        == f"cadee {__version__} (YAML fast path: off (CADEE_NO_ACCELERATOR is set))\n"
    )


# -- packed positions ------------------------------------------------------------


def test_positions_are_packed_and_read_back_as_tuples() -> None:
    """Both loaders pack positions into one bytes object per container; the
    views read back exactly the tuples a dict of tuples held."""
    text = "a: 1\nlist:\n  - x\n  -   y\nnested: {k: v, 'q': [1, 2]}\n"
    for accelerated in (True, False):
        root, errors = load_yaml(text, "t.yaml", accelerated=accelerated)
        assert errors == []
        assert type(root._marks) is bytes and root._marks[:1] == b"I"
        marks = root.key_marks
        assert dict(marks.items()) == {
            "a": (1, 1, 1, 4),
            "list": (2, 1, 3, 3),
            "nested": (5, 1, 5, 9),
        }
        assert list(marks) == list(root) and len(marks) == 3 and "a" in marks
        assert "missing" not in marks and marks.get("missing") is None
        with pytest.raises(KeyError):
            marks["missing"]
        assert root["nested"].key_marks == {"k": (5, 10, 5, 13), "q": (5, 16, 5, 21)}
        items = root["list"].item_marks
        assert items == [(3, 5), (4, 7)] and items == ((3, 5), (4, 7))
        assert len(items) == 2 and items[-1] == (4, 7) and items[0:1] == [(3, 5)]
        with pytest.raises(IndexError):
            items[2]
        assert (root["list"].line, root["list"].column) == (3, 3)
        assert (root.line, root.column) == (1, 1)


def test_positions_beyond_32_bits_are_kept() -> None:
    """Only a file beyond 4 GB has them; the Python loader then packs 64-bit positions."""
    ymap = YMap(1, 1)
    ymap["k"] = "v"
    ymap._marks = yamlload.pack_marks([1, 1, 2**32 + 5, 3, 2**33, 7])
    assert ymap._marks[:1] == b"Q"
    assert ymap.key_marks["k"] == (2**32 + 5, 3, 2**33, 7)
    seq = YSeq(2**40, 2)
    seq.append("x")
    seq._marks = yamlload.pack_marks([2**40, 2, 2**40 + 1, 4])
    assert (seq.line, seq.column, seq.item_marks[0]) == (2**40, 2, (2**40 + 1, 4))


def test_a_new_container_has_its_position_and_no_marks() -> None:
    ymap, yseq = YMap(3, 4), YSeq(5, 6)
    assert (ymap.line, ymap.column, len(ymap.key_marks)) == (3, 4, 0)
    assert (yseq.line, yseq.column, len(yseq.item_marks)) == (5, 6, 0)


def test_without_keeps_the_other_keys_and_positions() -> None:
    root, _ = load_yaml("a: 1\nb:\n  - 2\nc: x\n", "t.yaml")
    copy = root.without("b")
    assert list(copy) == ["a", "c"] and (copy.line, copy.column) == (1, 1)
    assert dict(copy.key_marks.items()) == {"a": (1, 1, 1, 4), "c": (4, 1, 4, 4)}
    assert "b" in root and root.key_marks["b"] == (2, 1, 3, 3)  # the original is unchanged


def test_merged_keys_keep_the_positions_of_their_source() -> None:
    """Merge keys are the Python loader's; a merged key points where it was written."""
    root, errors = load_yaml("base: &b {x: 1, y: 2}\nc:\n  y: 3\n  <<: *b\n", "t.yaml")
    assert errors == []
    assert root["c"] == {"y": 3, "x": 1}
    assert dict(root["c"].key_marks.items()) == {"y": (3, 3, 3, 6), "x": (1, 11, 1, 14)}


# -- PyYAML on first use -------------------------------------------------------------


def test_importing_the_loader_does_not_import_pyyaml() -> None:
    """Commands import it for Limits; PyYAML (~15 ms) loads only when YAML is read."""
    import subprocess

    code = (
        "import sys, cadee.yamlload as y\n"
        "assert 'yaml' not in sys.modules, 'imported with the module'\n"
        "root, errors = y.load_yaml('a: 1\\n', 't.yaml')\n"
        "assert root == {'a': 1} and 'yaml' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _containers(node: Any) -> list[YMap | YSeq]:
    found: list[YMap | YSeq] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, YMap | YSeq):
            found.append(current)
            stack.extend(current.values() if isinstance(current, YMap) else current)
    return found


def test_starts_decodes_each_position_as_line_and_column_do() -> None:
    """``yamlload.starts`` (the loader's bulk decode) against the per-node properties,
    on every YAML file of the repository, with both loaders, and on 64-bit positions."""
    checked = 0
    for path in REPOSITORY_YAML:
        data = path.read_bytes()
        for accelerated in (True, False):
            tree = load_yaml(data, path.name, accelerated=accelerated)[0]
            nodes = _containers(tree)
            assert list(yamlload.starts(nodes)) == [(n.line, n.column) for n in nodes]
            checked += len(nodes)
    assert checked > 1000
    wide = YMap(1, 1)
    wide._marks = yamlload.pack_marks([2**33, 7])
    narrow = YSeq(3, 4)
    assert wide._marks[:1] == b"Q"
    assert list(yamlload.starts([narrow, wide])) == [(3, 4), (2**33, 7)]
    assert list(yamlload.starts([])) == []
