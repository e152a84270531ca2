"""Hypothesis fuzzing of what a pull request controls beyond blueprints (issue #16):
rule packs, templates (Jinja and Typst) and CALM/Backstage input.

Invariants, whatever the input: no traceback and no "internal error"; either
success or errors located at ``file:line:column`` (templates: the template
file and line); nothing outside the templates folder is ever read.

The budget is small by default (``CADEE_FUZZ_EXAMPLES``, as in
``test_hostile.py``). A long run, with the case counts::

    CADEE_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_untrusted.py --hypothesis-show-statistics
"""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadee.check import CheckOptions, check
from cadee.interop.backstage import import_backstage
from cadee.interop.calm import import_calm
from cadee.load import load_blueprint
from cadee.packs.load import load_pack

from .conftest import CLEAN, REPO
from .test_hostile import LOCATED

FUZZ_EXAMPLES = int(os.environ.get("CADEE_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,
)
SECRET = "fuzz-s3cr3t-7f1c"
ACME = REPO / "examples" / "acme-bank"
ACME_PACK: dict[str, Any] = yaml.safe_load((ACME / "cadee-rules.yml").read_text(encoding="utf-8"))
CALM_PAYMENTS = REPO / "tests" / "fixtures" / "interop" / "calm-payments.json"
BACKSTAGE = REPO / "tests" / "fixtures" / "interop" / "backstage-catalog.yaml"


class Runner:
    """``cadee`` in-process: exit 0, 1 or 2, never a traceback. No time bound per run
    (unlike test_hostile.py): these runs are heavier, and a loaded CI machine made
    that bound flaky; the budgets that matter have their own tests."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        from cadee.cli import main

        self.capsys.readouterr()
        code = main(list(argv))
        out, err = self.capsys.readouterr()
        assert code in (0, 1, 2), f"cadee {' '.join(argv)}: exit {code}\n{err[-2000:]}"
        for stream in (out, err):
            assert "Traceback" not in stream and "internal error" not in stream, stream[-3000:]
            assert "\U0001f4af" not in stream, stream[-3000:]  # ":100:" read as an emoji code
        return code, out, err


def located(errors: Any) -> None:
    for error in errors:
        assert error.location.line >= 1 and error.location.column >= 1, error


# -- rule packs ---------------------------------------------------------------------------------

#: Regular expressions without nested quantifiers (ReDoS in packs is issue #16 item 2, fixed
#: separately): atoms, each optionally quantified, in optional groups and alternations.
ATOMS = st.sampled_from(
    ["a", "pay-", ".", "[a-z]", "[^-]", "\\d", "\\.", "x", "-", "(", ")", "[", "\\", "{2}"]
)
REGEXES = st.lists(
    st.tuples(ATOMS, st.sampled_from(["", "", "*", "+", "?", "{1,3}"])), max_size=6
).map(lambda parts: "".join(a + q for a, q in parts))
PACK_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2.5,
    "",
    "x" * 300,
    [],
    {},
    [None],
    {"x": 1},
    "ACME999",
    "CADEE001",
    "error",
    "warning",
    "nope",
    {"id": "pay-.*"},
    {"not": {}},
    {"kind": "agent"},
    "\x1b]0;title\x07",
    "<img src=https://example.com/p.png>",
    10**30,
    "9" * 5000,
]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


@st.composite
def broken_packs(draw: st.DrawFn) -> str:
    data = copy.deepcopy(ACME_PACK)
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _at(data, path[:-1])
        action = draw(st.sampled_from(["value", "regex", "delete", "rename", "duplicate"]))
        if action == "value":
            # A copy: a shared list or dict could end up inside itself, or change between cases.
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(PACK_VALUES)))
        elif action == "regex":
            parent[path[-1]] = draw(REGEXES)
        elif action == "delete":
            del parent[path[-1]]
        elif action == "rename" and isinstance(parent, dict):
            parent[str(path[-1]) + draw(st.sampled_from(["s", "_", "-x"]))] = parent.pop(path[-1])
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    if draw(st.booleans()):
        lines = text.splitlines(keepends=True)
        index = draw(st.integers(0, max(0, len(lines) - 1)))
        edit = draw(st.sampled_from(["dup", "tab", "cut", "bom16"]))
        if edit == "dup" and lines:
            lines.insert(index, lines[index])
        elif edit == "tab" and lines:
            lines[index] = "\t" + lines[index]
        elif edit == "cut":
            lines = lines[:index]
        text = "".join(lines)
        if edit == "bom16":
            text = "\ufeff" + text
    return text


@FUZZ
@given(text=broken_packs())
def test_broken_rule_packs_are_answered_cleanly(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    run = Runner(capsys)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pack = folder / "rules.yml"
        pack.write_text(text, encoding="utf-8")
        loaded = load_pack(pack)
        located(loaded.errors)
        for line in run("rules", "--pack", str(pack))[2].splitlines():
            if line.startswith(str(pack)):
                assert LOCATED.match(line) or re.match(r"^.+:\d+:\d+: ", line), line
        run("rules", "test", str(pack))
        (folder / "cadee.toml").write_text('rule-packs = ["rules.yml"]\n', encoding="utf-8")
        blueprint = folder / "blueprint.yaml"
        blueprint.write_text(
            (ACME / "blueprint.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        _, out, _ = run("validate", str(blueprint), "-f", "json", "--as-of", "2026-06-01")
        data = json.loads(out) if out.strip().startswith(("{", "[")) else None
        if data is not None:
            for result in data if isinstance(data, list) else [data]:
                for error in result.get("errors", []):
                    assert error["line"] >= 1 and error["column"] >= 1, error


# -- templates ------------------------------------------------------------------------------

JINJA_FRAGMENTS = [
    "x",
    "\n",
    " ",
    "{{ doc.title }}",
    "{{ doc.name|upper }}",
    "{{ 1/0 }}",
    "{{ nothing }}",
    "{{ doc.__class__ }}",
    "{% for b in doc.blocks %}",
    "{% endfor %}",
    "{% if doc %}",
    "{% endif %}",
    "{% else %}",
    "{% include 'env.txt' %}",
    "{% include 'part.j2' %}",
    "{% include '../outside.txt' %}",
    "{% include '/etc/passwd' %}",
    "{% include 'pipe.txt' %}",
    "{% include 'missing.j2' %}",
    "{% include 42 %}",
    "{% include doc %}",
    "{% import 'env.txt' as e %}",
    "{% extends 'document.md.j2' %}",
    "{{ 'A' * 3000000000 }}",
    "{{ [0] * 99999999999 }}",
    "{{ 2 ** 99999999 }}",
    "{{ 7 ** 7 ** 7 }}",
    "{{ '%099999999d' % 1 }}",
    "{{ 'x'|center(999999999) }}",
    "{{ 'x'.ljust(999999999) }}",
    "{{ lipsum(99999) }}",
    "{{ range(10)|list|length }}",
    "{{ range(999999999) }}",
    "{% set y = 3 %}",
    "{{ y }}",
    "{{ '%s' % doc.name }}",
    "{{ [1, 2][5] }}",
    "{{ {}|first }}",
    "{{ []|first }}",
    "{{ none.x }}",
    "{{ 'a'|int(base=99) }}",
    "{%",
    "}}",
    "{{",
    "%}",
    "{#",
    "#}",
    "{% raw %}",
    "{% endraw %}",
    "{% macro m(a) %}{{ a }}{% endmacro %}",
    "{{ m(1) }}",
    "{{ caller() }}",
    "{{ doc|attr('__init__') }}",
    "{{ self._TemplateReference__context }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ doc.blocks|map(attribute='x')|list }}",
    "{{ 'abc'|format(1, 2) }}",
    "{{ '%(a)s' % {} }}",
    "{{ 'x'|indent(99999999999) }}",
    "{{ 10 / 0.0 }}",
    "{{ 'a' ~ 'b' }}",
    "{{ doc|tojson }}",
    "{{ figures|length }}",
    "{{ 'x' is divisibleby 0 }}",
    "{{ 99999999999999999999 * 99999999999999999999 }}",
    "{{ '9' * 5000 | int }}",
    "\udcff",
]


@st.composite
def jinja_templates(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(JINJA_FRAGMENTS), min_size=1, max_size=8))
    if draw(st.booleans()):
        parts.append(draw(st.text(max_size=30)))
    return "".join(parts)


TYPST_FRAGMENTS = [
    "hello",
    "\n",
    '#read("env.txt")',
    '#raw(read("env.txt"))',
    '#raw(read("/etc/passwd"))',
    '#raw(read("../outside.txt"))',
    '#raw(read("note.txt"))',
    '#raw(read("pipe.txt"))',
    '#image("x.svg")',
    '#import "@local/x:0.1.0": *',
    '#include "part.typ"',
    '#include "env.txt"',
    "#let x = 1",
    "#x",
    "#sys.inputs",
    '#panic("no")',
    "#{",
    "}",
    "[",
    "]",
    "#(",
    ")",
    "$x$",
    '#"a" * 3',
    "#range(10).len()",
    "#str(sys.inputs.keys())",
    '#read("document.typ.j2")',
    "{{ doc.title }}",
    "{% include 'env.txt' %}",
]


@st.composite
def typst_templates(draw: st.DrawFn) -> str:
    return "".join(draw(st.lists(st.sampled_from(TYPST_FRAGMENTS), min_size=1, max_size=6)))


@pytest.fixture(scope="module")
def clean_report() -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bp.yaml"
        path.write_text(CLEAN, encoding="utf-8")
        result = load_blueprint(path)
    assert result.blueprint is not None
    import datetime as dt

    return check(result.blueprint, CheckOptions(as_of=dt.date(2026, 6, 1)))


def _template_folder(root: Path) -> Path:
    folder = root / "tpls"
    folder.mkdir()
    (folder / "env.txt").symlink_to("/proc/self/environ")
    (folder / "part.j2").write_text("PART {{ doc.name }}\n", encoding="utf-8")
    (folder / "note.txt").write_text("a note\n", encoding="utf-8")
    (folder / "part.typ").write_text("part\n", encoding="utf-8")
    (root / "outside.txt").write_text(SECRET, encoding="utf-8")
    (folder / "outside.txt").symlink_to(root / "outside.txt")
    os.mkfifo(folder / "pipe.txt")
    return folder


TEMPLATE_PROBLEM = re.compile(r"^(template [^:\s]+(:\d+)?: |typst could not compile [^:\s]+: )")


def _render(
    report: Any, folder: Path, formats: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    import cadee.render as render
    from cadee.render import TemplateProblem, build_pack

    # In-process (fast): the child-process budget has its own tests in test_template_sandbox.py.
    monkeypatch.setattr(render, "_render_documents_bounded", render._render_documents)
    monkeypatch.setenv("CADEE_FUZZ_SECRET", SECRET)
    try:
        pack = build_pack(report.blueprint, report, formats, ("full",), None, folder)
    except TemplateProblem as exc:
        assert TEMPLATE_PROBLEM.match(str(exc)), str(exc)
        assert SECRET not in str(exc) and "root:x:0" not in str(exc)
        return
    for name, data in pack.files.items():
        if name.endswith((".md", ".html")):
            assert SECRET.encode() not in data and b"root:x:0" not in data, name


@FUZZ
@given(template=jinja_templates(), fmt=st.sampled_from(["md", "html"]))
def test_hostile_jinja_templates_are_answered_cleanly(
    clean_report: Any, monkeypatch: pytest.MonkeyPatch, template: str, fmt: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = _template_folder(Path(tmp))
        (folder / f"document.{fmt}.j2").write_text(
            template, encoding="utf-8", errors="surrogatepass"
        )
        _render(clean_report, folder, (fmt,), monkeypatch)


@settings(FUZZ, max_examples=max(5, FUZZ_EXAMPLES // 3))
@given(template=typst_templates())
def test_hostile_typst_templates_are_answered_cleanly(
    clean_report: Any, monkeypatch: pytest.MonkeyPatch, template: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = _template_folder(Path(tmp))
        (folder / "document.typ.j2").write_text(template, encoding="utf-8")
        (folder / "map.typ.j2").write_text("map\n", encoding="utf-8")
        _render(clean_report, folder, ("pdf",), monkeypatch)


# -- CALM and Backstage -----------------------------------------------------------------------

CALM_DATA: dict[str, Any] = json.loads(CALM_PAYMENTS.read_text(encoding="utf-8"))
JSON_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2.5,
    "",
    "x" * 300,
    [],
    {},
    [None],
    {"x": 1},
    "a" * 70,
    "<script>",
    10**30,
    "\u202e",
    "\x00",
    "unique-id",
    "service",
    "\ud800",
]


@st.composite
def calm_texts(draw: st.DrawFn) -> bytes:
    data = copy.deepcopy(CALM_DATA)
    for _ in range(draw(st.integers(0, 4))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _at(data, path[:-1])
        if draw(st.booleans()):
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(JSON_VALUES)))
        else:
            del parent[path[-1]]
    text = json.dumps(data, indent=draw(st.sampled_from([None, 2])))
    edit = draw(
        st.sampled_from(["", "", "dup-key", "huge-int", "cut", "bom", "utf16", "nan", "deep"])
    )
    if edit == "dup-key":
        text = text.replace('"nodes"', '"nodes": [], "nodes"', 1)
    elif edit == "huge-int":
        text = text.replace(
            "{", '{"n": ' + "9" * draw(st.sampled_from([4301, 5000, 100_000])) + ", ", 1
        )
    elif edit == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif edit == "nan":
        text = text.replace("{", '{"n": NaN, "m": -Infinity, "f": 1e999999, ', 1)
    elif edit == "deep":
        text = "[" * 5000 + "]" * 5000
    data_bytes = text.encode("utf-8", "surrogatepass")
    if edit == "bom":
        data_bytes = b"\xef\xbb\xbf" + data_bytes
    elif edit == "utf16":
        data_bytes = text.encode("utf-16", "surrogatepass")
    return data_bytes


@FUZZ
@given(data=st.one_of(calm_texts(), st.binary(max_size=200)))
def test_calm_input_is_answered_cleanly(capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    draft, errors = import_calm(data, "arch.json", ())
    located(errors)
    assert (draft is None) == bool(errors)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "arch.json"
        path.write_bytes(data)
        _, _, err = Runner(capsys)("import", "calm", str(path))
        for line in err.splitlines():
            if line.startswith(str(path)):
                assert re.match(r"^.+:\d+:\d+: (error|warning|info):? ", line), line


BACKSTAGE_TEXT = BACKSTAGE.read_text(encoding="utf-8")
ANNOTATIONS = [
    '{"to": "x", "to": "y"}',
    '[{"to": ' + "9" * 5000 + "}]",
    "{",
    "null",
    "[]",
    '{"runbook": 1}',
    '{"logs": true, "logs": false}',
    "\x00",
    "not json",
    '{"to": "payments-api"}\n{"to": 1}',
]


@st.composite
def backstage_texts(draw: st.DrawFn) -> str:
    documents = [d for d in yaml.safe_load_all(BACKSTAGE_TEXT) if isinstance(d, dict)]
    for document in documents:
        if draw(st.integers(0, 3)) == 0:
            annotations = document.setdefault("metadata", {}).setdefault("annotations", {})
            key = draw(
                st.sampled_from(["fallback", "observability", "integrations", "redundancy", "kind"])
            )
            annotations[f"cadee.dev/{key}"] = draw(st.sampled_from(ANNOTATIONS))
        if draw(st.integers(0, 5)) == 0:
            paths = [p for p in _paths(document) if p]
            if paths:
                path = draw(st.sampled_from(paths))
                _at(document, path[:-1])[path[-1]] = copy.deepcopy(
                    draw(st.sampled_from(JSON_VALUES[:14]))
                )
    return yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True)


@FUZZ
@given(text=st.one_of(backstage_texts(), st.text(max_size=200)))
def test_backstage_input_is_answered_cleanly(capsys: pytest.CaptureFixture[str], text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    _, errors = import_backstage([("catalog.yaml", data)], ())
    located(errors)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.yaml"
        path.write_bytes(data)
        Runner(capsys)("import", "backstage", str(path))
