"""Nasty strings in every free-text field and id, through every output format.

Each free-text value is ``⟦n⟧ <nasty string n>``; the marker ``⟦n⟧`` lets a
check find where a value landed and compare what follows with what was
written. Every format must stay well-formed (parsed back with a real parser
where one exists) and show the value literally, or safely escaped: no element,
attribute, Markdown emphasis, workflow command or DOT/Mermaid statement may
come from user text.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from cadee.cli import main

NASTY: list[str] = [
    "<script>alert(1)</script>",
    "Tom & Jerry &amp; &lt; &#60;",
    "\"double\" 'single'",
    "`tick` ```fence```",
    "a | b || c",
    "# heading",
    "$HOME $(id) ${x} $$math$$",
    "*bold* **strong**",
    "_under_ __dunder__",
    "@everyone @octocat",
    "{{ 7*7 }} {% if x %}",
    "100% %s %(x)s %0A %25",
    "back\\slash \\n \\\\",
    "line1\r\nline2\rline3\nline4",
    "\u202eRTL\u202c \u200f mark",
    "nul\x00bell\x07esc\x1b[31mred del\x7f",
    "W" * 300,
    "[link](javascript:alert(1)) <img src=x onerror=alert(1)>",
    "]]> <![CDATA[ --> <!--",
    '"]; evil [label="x',
    "::error::injected\n::warning file=x::y",
    "#quot; %% end; }",
    "<b onmouseover=alert(1)>bold</b>",
    "= @SUM(1) +1 -1",
]
#: Ids use every character the id pattern allows that means something somewhere.
IDS = {"owner": "o__a__", "owner2": "o.b-c", "untrusted": "b_1_", "external": "b--2", "channel": "ch__1",
       "model": "m.o-d_el", "desk": "desk_", "integration": "i__2", "blueprint": "bp_x.y-z"}
MARK = re.compile(r"⟦(\d+)⟧ ")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]")


def blueprint_text() -> str:
    counter = iter(range(10_000))

    def text() -> str:
        n = next(counter)
        return f"⟦{n}⟧ {NASTY[n % len(NASTY)]}"

    owner, owner2 = IDS["owner"], IDS["owner2"]
    data: dict[str, Any] = {
        "cadee": 1,
        "blueprint": {"id": IDS["blueprint"], "title": text(), "description": text(), "industry": text(),
                      "use_case": text(), "version": text(), "status": "production", "owner": owner,
                      "approvers": [owner, owner2]},
        "owners": [
            {"id": owner, "name": text(), "function": "operations", "contact": text()},
            {"id": owner2, "name": text(), "function": "compliance", "contact": text()},
        ],
        "boundaries": [
            {"id": IDS["untrusted"], "name": text(), "trust": "untrusted"},
            {"id": IDS["external"], "name": text(), "trust": "external", "clearance": "public"},
        ],
        "systems": [
            {"id": IDS["channel"], "name": text(), "kind": "channel", "description": text(),
             "boundary": IDS["untrusted"], "owner": owner, "vendor": text(), "criticality": "tier-1",
             "observability": {"slo": text(), "runbook": text(), "dashboard": text(), "logs": True}},
            {"id": IDS["model"], "name": text(), "kind": "model", "boundary": IDS["external"], "owner": owner2,
             "description": text(), "vendor": text(), "fallback": [IDS["channel"]]},
            {"id": IDS["desk"], "name": text(), "kind": "human-desk", "description": text()},
        ],
        "integrations": [
            {"from": IDS["channel"], "to": IDS["model"], "description": text(), "protocol": text(),
             "data": "restricted"},
            {"id": IDS["integration"], "from": IDS["model"], "to": IDS["desk"], "description": text(),
             "protocol": text()},
        ],
        "evidence": [{"id": "e_1", "kind": "integration-map", "title": text(), "owner": owner2}],
        "kpis": [{"id": "k_1", "name": text(), "unit": text(), "baseline": 1, "target": 2,
                  "direction": "increase", "owner": owner2}],
        "gates": [{"id": "g_1", "action": "pause", "when": text(), "kpi": "k_1", "threshold": 1.5,
                   "decided_by": owner2}],
        # Waiver targets are free text that reaches every validate format (WVR002's target).
        "waivers": [{"rule": "ARC007", "target": text(), "reason": text(), "approved_by": owner2,
                     "expires": "2099-01-01"} for _ in NASTY],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096)


def value_of(n: int) -> str:
    return NASTY[n % len(NASTY)]


def visible(text: str) -> str:
    """What a reader sees, for comparing: control characters and whitespace dropped
    (a line break may be shown as a space, a ``<br>`` or not at all)."""
    return "".join(CONTROL.sub("", text).split())


def assert_literal(shown: str, where: str, exact: bool = False, min_marks: int = 1) -> None:
    """Every ``⟦n⟧`` in ``shown`` is followed by nasty string n, as written (or
    visibly the same: controls and line breaks may be shown as spaces or dropped)."""
    marks = list(MARK.finditer(shown))
    assert len(marks) >= min_marks, f"{where}: expected at least {min_marks} values, found {len(marks)}"
    for match in marks:
        expected = value_of(int(match.group(1)))
        rest = shown[match.end():]
        if exact:
            # Messages quote values escaped and shortened (``'a\\nb…'``); fields carry them as written.
            quoted = repr(expected)[1:-1]
            head = rest.split("…", 1)[0]
            assert rest.startswith(expected) or rest.startswith(quoted) or (
                "…" in rest and len(head) >= 20 and quoted.startswith(head)
            ), f"{where}: ⟦{match.group(1)}⟧ {rest[:80]!r} != {expected!r}"
            continue
        want, got = visible(expected), visible(rest)
        if got.startswith(visible(repr(expected)[1:-1])):
            continue  # shown with Python escapes (\\u202e, \\x00): safe and visible
        if not got.startswith(want):
            # A long value may be shortened with an ellipsis: then its start must match.
            head = got.split("…", 1)[0]
            assert "…" in got[: len(want) + 1] and want.startswith(head), (
                f"{where}: ⟦{match.group(1)}⟧ shows {got[:90]!r}, expected {want[:90]!r}"
            )


# -- producing every output once -----------------------------------------------------


class Outputs:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.blueprint = folder / "blueprint.yaml"

    def run(self, *argv: str, codes: tuple[int, ...] = (0, 1)) -> str:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
        assert code in codes, f"cadee {' '.join(argv)}: exit {code}\n{err.getvalue()[-2000:]}"
        assert "internal error" not in err.getvalue()
        return out.getvalue()

    def file(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outputs]:
    folder = tmp_path_factory.mktemp("escaping")
    result = Outputs(folder)
    result.blueprint.write_text(blueprint_text(), encoding="utf-8")
    path = str(result.blueprint)
    for fmt in ("text", "json", "sarif", "junit", "gitlab", "github"):
        result.run("validate", path, "-f", fmt, "-o", str(folder / f"report.{fmt}"), "--as-of", "2026-06-01")
    for target in ("calm", "backstage", "structurizr", "mermaid", "dot"):
        result.run("export", path, "-t", target, "-o", str(folder / f"export.{target}"), codes=(0,))
    for fmt in ("text", "json", "markdown"):
        (folder / f"simulate.{fmt}").write_text(result.run("simulate", path, "--all", "-f", fmt), encoding="utf-8")
    plain = folder / "plain.yaml"
    plain.write_text(re.sub(r"status: production", "status: pilot", blueprint_text()).replace(
        f"fallback:\n  - {IDS['channel']}", f"fallback:\n  - {IDS['desk']}"), encoding="utf-8")
    for fmt in ("markdown", "json", "text"):
        result.run("diff", str(plain), path, "-f", fmt, "-o", str(folder / f"diff.{fmt}"), "--as-of", "2026-06-01")
    result.run("render", path, "--out", str(folder / "pack"), "--as-of", "2026-06-01", codes=(0,))
    yield result


# -- extractors ------------------------------------------------------------------------


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self.text.append("\n")  # <br> and block elements separate words
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        self.text.append("\n")
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    handle_comment = handle_data  # a comment would hide text: count it as shown to catch "<!--"


def check_html(source: str, where: str) -> str:
    parser = _Html()
    parser.feed(source)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "iframe", "object", "b"), f"{where}: injected <{tag}>"
        for name, value in attrs:
            assert not name.startswith("on"), f"{where}: injected attribute {name} on <{tag}>"
            assert not (value or "").strip().lower().startswith("javascript:"), f"{where}: javascript: link"
    return "".join(parser.text)


def check_markdown(source: str, where: str) -> str:
    """Render with markdown-it (CommonMark plus tables): no raw HTML from users,
    no emphasis, headings or links made from user text; returns the shown text."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(source)
    for token in tokens:
        for child in [token, *(token.children or [])]:
            if child.type in ("html_inline", "html_block"):
                # cadee's own markup only (line breaks, <details>); user text never becomes HTML.
                html = _Html()
                html.feed(child.content)
                for tag, _ in html.tags:
                    assert tag in ("br", "sub", "code", "details", "summary"), f"{where}: raw <{tag}>"
    # Emphasis, links or code made from user text would drop characters: assert_literal sees that.
    return check_html(md.render(source), where)


def check_svg(source: str, where: str) -> str:
    root = ET.fromstring(source)
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        assert name not in ("script", "foreignObject"), f"{where}: <{name}> in SVG"
        for attribute in element.attrib:
            assert not attribute.rsplit("}", 1)[-1].startswith("on"), f"{where}: {attribute} in SVG"
    return " ".join("".join(element.itertext()) for element in root.iter() if element.tag.endswith("text"))


def json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


# -- tests: validate ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_validate_json_formats_round_trip_every_value(outputs: Outputs, fmt: str) -> None:
    data = json.loads(outputs.file(f"report.{fmt}"))
    strings = list(json_strings(data))
    # Waiver targets reach WVR002 findings unchanged (JSON carries every character).
    assert sum(1 for s in strings if "⟦" in s) >= len(NASTY)
    for string in strings:
        assert_literal(string, f"report.{fmt}", exact=True, min_marks=0)


def test_text_report_has_no_terminal_control_characters(outputs: Outputs) -> None:
    text = outputs.file("report.text")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text), "raw control character in the text report"
    assert "⟦" in text and "<script>alert(1)</script>" in text


def test_junit_is_well_formed_xml_and_shows_values(outputs: Outputs) -> None:
    root = ET.fromstring(outputs.file("report.junit"))
    shown = " ".join([*root.itertext(), *(v for e in root.iter() for v in e.attrib.values())])
    assert_literal(shown, "report.junit", min_marks=len(NASTY))


def test_github_commands_cannot_be_injected(outputs: Outputs) -> None:
    lines = outputs.file("report.github").splitlines()
    commands = [line for line in lines if line.startswith("::")]
    findings = json.loads(outputs.file("report.json"))["findings"]
    # One command per finding: a line break in a value never starts a new command.
    assert len(commands) == len(findings)
    for line in lines:
        assert line.startswith("::") or line.startswith("cadee:"), f"stray line {line[:80]!r}"
    pattern = re.compile(r"^::(error|warning|notice) (file=[^:,]*,line=\d+,col=\d+,title=[^:,]*)::(.*)$")
    decoded = []
    for command in commands:
        match = pattern.match(command)
        assert match, f"malformed workflow command {command[:120]!r}"
        message = match.group(3)
        assert not re.search(r"%(?!25|0D|0A)", message), f"unescaped % in {message[:80]!r}"
        decoded.append(message.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%"))
    assert_literal("\n".join(decoded), "report.github", min_marks=len(NASTY))


# -- tests: exports --------------------------------------------------------------------


def test_calm_export_round_trips_every_value(outputs: Outputs) -> None:
    strings = list(json_strings(json.loads(outputs.file("export.calm"))))
    assert_literal("\n".join(strings), "export.calm", min_marks=10)
    for string in strings:
        assert_literal(string, "export.calm", exact=True, min_marks=0)


def test_backstage_export_is_yaml_with_exact_values(outputs: Outputs) -> None:
    documents = list(yaml.safe_load_all(outputs.file("export.backstage")))
    strings: list[str] = []
    for string in (s for doc in documents for s in json_strings(doc)):
        # Mappings that Backstage cannot hold are kept as JSON in annotations.
        strings += json_strings(json.loads(string)) if string.startswith("{") else [string]
    assert_literal("\n".join(strings), "export.backstage", min_marks=5)
    for string in strings:
        assert_literal(string, "export.backstage", exact=True, min_marks=0)


def _dsl_strings(source: str, where: str) -> list[str]:
    strings: list[str] = []
    for number, line in enumerate(source.splitlines(), start=1):
        # The DSL tokenizer knows one escape, \" (a backslash before anything else is itself).
        literal = r'"((?:[^"\\]|\\"|\\(?!"))*)"'
        found = re.findall(literal, line)
        rest = re.sub(literal, "", line)
        assert '"' not in rest, f"{where}:{number}: unbalanced quote in {line[:100]!r}"
        strings += [s.replace('\\"', '"') for s in found]
    return strings


def test_structurizr_export_quotes_every_value(outputs: Outputs) -> None:
    source = outputs.file("export.structurizr")
    strings = _dsl_strings(source, "export.structurizr")
    assert_literal("\n".join(strings), "export.structurizr", min_marks=5)
    assert source.count("{") == source.count("}") - sum(s.count("}") - s.count("{") for s in strings)


def _dot_available() -> bool:
    return shutil.which("dot") is not None


@pytest.mark.parametrize("name", ["export.dot", "pack/maps/full.dot", "pack/maps/identity.dot",
                                  "pack/maps/fallback.dot", "pack/maps/overview.dot"])
def test_dot_sources_parse_and_show_values(outputs: Outputs, name: str) -> None:
    if not _dot_available():
        pytest.skip("Graphviz's dot is not installed")
    source = outputs.file(name)
    done = subprocess.run(["dot", "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr.decode()[-500:]
    shown = check_svg(done.stdout.decode("utf-8"), name)
    assert_literal(shown, name)


def _mermaid_strings(source: str, where: str) -> list[str]:
    strings: list[str] = []
    for number, line in enumerate(source.splitlines(), start=1):
        if line.lstrip().startswith("%%"):
            continue
        assert line.count('"') % 2 == 0, f"{where}:{number}: unbalanced quote {line[:100]!r}"
        assert "<script" not in line.lower() and "<img" not in line.lower(), f"{where}:{number}: raw markup"
        for label in re.findall(r'"([^"]*)"', line):
            label = label.replace("<br>", "\n")
            strings.append(re.sub(r"#(\w+);", lambda m: chr(int(m.group(1))) if m.group(1).isdigit() else {
                "quot": '"', "lt": "<", "gt": ">", "amp": "&"}.get(m.group(1), m.group()), label))
    return strings


@pytest.mark.parametrize("name", ["export.mermaid", "pack/maps/full.mmd", "pack/maps/overview.mmd",
                                  "pack/maps/identity.mmd", "pack/maps/fallback.mmd"])
def test_mermaid_labels_stay_inside_quotes(outputs: Outputs, name: str) -> None:
    strings = _mermaid_strings(outputs.file(name), name)
    assert_literal("\n".join(strings), name)


# -- tests: the rendered pack ---------------------------------------------------------------

DOCUMENTS = ["brief", "integration-map", "identity-access-fallback", "runtime-observability", "ownership-plan"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_html_documents_escape_every_value(outputs: Outputs, name: str) -> None:
    shown = check_html(outputs.file(f"pack/{name}.html"), f"{name}.html")
    assert_literal(shown, f"{name}.html")


@pytest.mark.parametrize("name", [*DOCUMENTS, "README"])
def test_markdown_documents_render_values_literally(outputs: Outputs, name: str) -> None:
    shown = check_markdown(outputs.file(f"pack/{name}.md"), f"{name}.md")
    assert_literal(shown, f"{name}.md")


@pytest.mark.parametrize("name", ["overview", "full", "identity", "fallback"])
def test_svg_maps_are_well_formed_without_injected_markup(outputs: Outputs, name: str) -> None:
    shown = check_svg(outputs.file(f"pack/maps/{name}.svg"), f"{name}.svg")
    assert_literal(shown, f"{name}.svg")


def test_pdf_shows_values_as_text(outputs: Outputs) -> None:
    from pypdf import PdfReader

    reader = PdfReader(outputs.folder / "pack" / "brief.pdf")
    text = "".join(page.extract_text() or "" for page in reader.pages)
    compact = re.sub(r"\s+", "", text)
    for literal in ("<script>alert(1)</script>", "*bold***strong**", "{{7*7}}{%ifx%}", "$HOME$(id)${x}$$math$$",
                    "_under___dunder__", "back\\slash\\n\\\\"):
        assert literal in compact, f"brief.pdf does not show {literal!r}"


# -- tests: simulate and diff -------------------------------------------------------------


def test_simulate_outputs(outputs: Outputs) -> None:
    strings = list(json_strings(json.loads(outputs.file("simulate.json"))))
    for string in strings:
        assert_literal(string, "simulate.json", exact=True, min_marks=0)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", outputs.file("simulate.text"))
    check_markdown(outputs.file("simulate.markdown"), "simulate.markdown")


def test_diff_outputs(outputs: Outputs) -> None:
    shown = check_markdown(outputs.file("diff.markdown"), "diff.markdown")
    assert_literal(shown, "diff.markdown", min_marks=0)
    strings = list(json_strings(json.loads(outputs.file("diff.json"))))
    for string in strings:
        assert_literal(string, "diff.json", exact=True, min_marks=0)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", outputs.file("diff.text"))


def test_invalid_blueprint_errors_escape_values(tmp_path: Path) -> None:
    """Error messages quote user text (unknown keys, bad values): every format stays well-formed."""
    bad = tmp_path / "bad.yaml"
    nasty_key = NASTY[0] + NASTY[2] + NASTY[20]
    bad.write_text(yaml.safe_dump({"cadee": 1, "blueprint": {"id": "x", "title": "t"}, nasty_key: 1,
                                   "systems": [{"id": "s", "kind": NASTY[13] + NASTY[15]}]},
                                  allow_unicode=True), encoding="utf-8")
    outputs = Outputs(tmp_path)
    for fmt in ("text", "json", "sarif", "junit", "gitlab", "github"):
        outputs.run("validate", str(bad), "-f", fmt, "-o", str(tmp_path / f"r.{fmt}"), codes=(2,))
    errors = json.loads(outputs.file("r.json"))["errors"]
    assert len(errors) == 2
    ET.fromstring(outputs.file("r.junit"))
    json.loads(outputs.file("r.sarif"))
    json.loads(outputs.file("r.gitlab"))
    assert len([line for line in outputs.file("r.github").splitlines() if line.startswith("::")]) == 2
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", outputs.file("r.text"))
