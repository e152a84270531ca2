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
IDS = {
    "owner": "o__a__",
    "owner2": "o.b-c",
    "untrusted": "b_1_",
    "external": "b--2",
    "channel": "ch__1",
    "model": "m.o-d_el",
    "desk": "desk_",
    "integration": "i__2",
    "blueprint": "bp_x.y-z",
}
MARK = re.compile(r"⟦(\d+)⟧ ")
#: Controls, bidi controls and line separators: neutralised (U+FFFD) or shown escaped.
CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def blueprint_text() -> str:
    counter = iter(range(10_000))

    def text() -> str:
        n = next(counter)
        return f"⟦{n}⟧ {NASTY[n % len(NASTY)]}"

    owner, owner2 = IDS["owner"], IDS["owner2"]
    data: dict[str, Any] = {
        "cadee": 1,
        "blueprint": {
            "id": IDS["blueprint"],
            "title": text(),
            "description": text(),
            "industry": text(),
            "use_case": text(),
            "version": text(),
            "status": "production",
            "owner": owner,
            "approvers": [owner, owner2],
        },
        "owners": [
            {"id": owner, "name": text(), "function": "operations", "contact": text()},
            {"id": owner2, "name": text(), "function": "compliance", "contact": text()},
        ],
        "boundaries": [
            {"id": IDS["untrusted"], "name": text(), "trust": "untrusted"},
            {"id": IDS["external"], "name": text(), "trust": "external", "clearance": "public"},
        ],
        "systems": [
            {
                "id": IDS["channel"],
                "name": text(),
                "kind": "channel",
                "description": text(),
                "boundary": IDS["untrusted"],
                "owner": owner,
                "vendor": text(),
                "criticality": "tier-1",
                "observability": {
                    "slo": text(),
                    "runbook": text(),
                    "dashboard": text(),
                    "logs": True,
                },
            },
            {
                "id": IDS["model"],
                "name": text(),
                "kind": "model",
                "boundary": IDS["external"],
                "owner": owner2,
                "description": text(),
                "vendor": text(),
                "fallback": [IDS["channel"]],
            },
            {"id": IDS["desk"], "name": text(), "kind": "human-desk", "description": text()},
        ],
        "integrations": [
            {
                "from": IDS["channel"],
                "to": IDS["model"],
                "description": text(),
                "protocol": text(),
                "data": "restricted",
            },
            {
                "id": IDS["integration"],
                "from": IDS["model"],
                "to": IDS["desk"],
                "description": text(),
                "protocol": text(),
            },
        ],
        "evidence": [{"id": "e_1", "kind": "integration-map", "title": text(), "owner": owner2}],
        "kpis": [
            {
                "id": "k_1",
                "name": text(),
                "unit": text(),
                "baseline": 1,
                "target": 2,
                "direction": "increase",
                "owner": owner2,
            }
        ],
        "gates": [
            {
                "id": "g_1",
                "action": "pause",
                "when": text(),
                "kpi": "k_1",
                "threshold": 1.5,
                "decided_by": owner2,
            }
        ],
        # Waiver targets are free text that reaches every validate format (WVR002's target).
        "waivers": [
            {
                "rule": "ARC007",
                "target": text(),
                "reason": text(),
                "approved_by": owner2,
                "expires": "2099-01-01",
            }
            for _ in NASTY
        ],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096)


def value_of(n: int) -> str:
    return NASTY[n % len(NASTY)]


def visible(text: str) -> str:
    """What a reader sees, for comparing: control characters and whitespace dropped
    (a line break may be shown as a space, a ``<br>`` or not at all; zero-width
    spaces break GitHub's mentions and autolinks)."""
    return "".join(CONTROL.sub("", text).replace("\u200b", "").split())


def assert_literal(shown: str, where: str, exact: bool = False, min_marks: int = 1) -> None:
    """Every ``⟦n⟧`` in ``shown`` is followed by nasty string n, as written (or
    visibly the same: controls and line breaks may be shown as spaces or dropped)."""
    marks = list(MARK.finditer(shown))
    assert len(marks) >= min_marks, (
        f"{where}: expected at least {min_marks} values, found {len(marks)}"
    )
    for match in marks:
        expected = value_of(int(match.group(1)))
        rest = shown[match.end() :]
        if exact:
            # Messages quote values escaped and shortened (``'a\\nb…'``); fields carry them as written.
            quoted = repr(expected)[1:-1]
            head = rest.split("…", 1)[0]
            assert (
                rest.startswith(expected)
                or rest.startswith(quoted)
                or ("…" in rest and len(head) >= 20 and quoted.startswith(head))
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
        result.run(
            "validate",
            path,
            "-f",
            fmt,
            "-o",
            str(folder / f"report.{fmt}"),
            "--as-of",
            "2026-06-01",
        )
    for target in ("calm", "backstage", "structurizr", "mermaid", "dot"):
        result.run("export", path, "-t", target, "-o", str(folder / f"export.{target}"), codes=(0,))
    for fmt in ("text", "json", "markdown"):
        (folder / f"simulate.{fmt}").write_text(
            result.run("simulate", path, "--all", "-f", fmt), encoding="utf-8"
        )
    plain = folder / "plain.yaml"
    plain.write_text(
        re.sub(r"status: production", "status: pilot", blueprint_text()).replace(
            f"fallback:\n  - {IDS['channel']}", f"fallback:\n  - {IDS['desk']}"
        ),
        encoding="utf-8",
    )
    for fmt in ("markdown", "json", "text"):
        result.run(
            "diff",
            str(plain),
            path,
            "-f",
            fmt,
            "-o",
            str(folder / f"diff.{fmt}"),
            "--as-of",
            "2026-06-01",
        )
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
            assert not (value or "").strip().lower().startswith("javascript:"), (
                f"{where}: javascript: link"
            )
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
                    assert tag in ("br", "sub", "code", "details", "summary"), (
                        f"{where}: raw <{tag}>"
                    )
    # Emphasis, links or code made from user text would drop characters: assert_literal sees that.
    return check_html(md.render(source), where)


def check_svg(source: str, where: str) -> str:
    root = ET.fromstring(source)
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        assert name not in ("script", "foreignObject"), f"{where}: <{name}> in SVG"
        for attribute in element.attrib:
            assert not attribute.rsplit("}", 1)[-1].startswith("on"), f"{where}: {attribute} in SVG"
    return " ".join(
        "".join(element.itertext()) for element in root.iter() if element.tag.endswith("text")
    )


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
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text), (
        "raw control character in the text report"
    )
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
    pattern = re.compile(
        r"^::(error|warning|notice) (file=[^:,]*,line=\d+,col=\d+,title=[^:,]*)::(.*)$"
    )
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
    assert source.count("{") == source.count("}") - sum(
        s.count("}") - s.count("{") for s in strings
    )


def _dot_available() -> bool:
    return shutil.which("dot") is not None


@pytest.mark.parametrize(
    "name",
    [
        "export.dot",
        "pack/maps/full.dot",
        "pack/maps/identity.dot",
        "pack/maps/fallback.dot",
        "pack/maps/overview.dot",
    ],
)
def test_dot_sources_parse_and_show_values(outputs: Outputs, name: str) -> None:
    if not _dot_available():
        pytest.skip("Graphviz's dot is not installed")
    source = outputs.file(name)
    done = subprocess.run(
        ["dot", "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=30
    )
    assert done.returncode == 0, done.stderr.decode()[-500:]
    shown = check_svg(done.stdout.decode("utf-8"), name)
    assert_literal(shown, name)


def _mermaid_strings(source: str, where: str) -> list[str]:
    strings: list[str] = []
    for number, line in enumerate(source.splitlines(), start=1):
        if line.lstrip().startswith("%%"):
            continue
        assert line.count('"') % 2 == 0, f"{where}:{number}: unbalanced quote {line[:100]!r}"
        assert "<script" not in line.lower() and "<img" not in line.lower(), (
            f"{where}:{number}: raw markup"
        )
        for label in re.findall(r'"([^"]*)"', line):
            label = label.replace("<br>", "\n")
            strings.append(
                re.sub(
                    r"#(\w+);",
                    lambda m: (
                        chr(int(m.group(1)))
                        if m.group(1).isdigit()
                        else {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}.get(
                            m.group(1), m.group()
                        )
                    ),
                    label,
                )
            )
    return strings


@pytest.mark.parametrize(
    "name",
    [
        "export.mermaid",
        "pack/maps/full.mmd",
        "pack/maps/overview.mmd",
        "pack/maps/identity.mmd",
        "pack/maps/fallback.mmd",
    ],
)
def test_mermaid_labels_stay_inside_quotes(outputs: Outputs, name: str) -> None:
    strings = _mermaid_strings(outputs.file(name), name)
    assert_literal("\n".join(strings), name)


# -- tests: the rendered pack ---------------------------------------------------------------

DOCUMENTS = [
    "brief",
    "integration-map",
    "identity-access-fallback",
    "runtime-observability",
    "ownership-plan",
]


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
    for literal in (
        "<script>alert(1)</script>",
        "*bold***strong**",
        "{{7*7}}{%ifx%}",
        "$HOME$(id)${x}$$math$$",
        "_under___dunder__",
        "back\\slash\\n\\\\",
    ):
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
    bad.write_text(
        yaml.safe_dump(
            {
                "cadee": 1,
                "blueprint": {"id": "x", "title": "t"},
                nasty_key: 1,
                "systems": [{"id": "s", "kind": NASTY[13] + NASTY[15]}],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    outputs = Outputs(tmp_path)
    for fmt in ("text", "json", "sarif", "junit", "gitlab", "github"):
        outputs.run("validate", str(bad), "-f", fmt, "-o", str(tmp_path / f"r.{fmt}"), codes=(2,))
    errors = json.loads(outputs.file("r.json"))["errors"]
    assert len(errors) == 2
    ET.fromstring(outputs.file("r.junit"))
    json.loads(outputs.file("r.sarif"))
    json.loads(outputs.file("r.gitlab"))
    assert (
        len([line for line in outputs.file("r.github").splitlines() if line.startswith("::")]) == 2
    )
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", outputs.file("r.text"))


def test_a_line_break_in_a_file_name_starts_no_line_of_a_ci_report(tmp_path: Path) -> None:
    """git allows a line break in a file name: printed in a CI log, the report must not
    start a line with text the name chose (``::warning::``, ``::add-mask::``). JUnit
    joined its lines with real line breaks and kept the name's own."""
    name = "t\n::warning::INJECTED @octocat\x1b]0;T\x07.yaml"
    invalid = tmp_path / ("bad" + name)
    invalid.write_text("cadee: 1\nblueprint: {id: x}\nsystems: [{id: s, kind: robot}]\n")
    findings = tmp_path / name
    findings.write_text(
        "cadee: 1\nblueprint: {id: x, title: T}\n"
        "systems: [{id: s, kind: channel, boundary: b}]\nboundaries: [{id: b, trust: internal}]\n",
        encoding="utf-8",
    )
    outputs = Outputs(tmp_path)
    for path, codes in ((invalid, (2,)), (findings, (1,))):
        for fmt in ("text", "json", "sarif", "junit", "gitlab", "github"):
            report = tmp_path / f"{path.name[:3]}.{fmt}"
            outputs.run("validate", str(path), "-f", fmt, "-o", str(report), codes=codes)
            text = report.read_text(encoding="utf-8")
            own = fmt == "github"  # its own workflow commands, with the name %-encoded
            assert not [
                line
                for line in text.splitlines()
                if "INJECTED" in line and line.lstrip().startswith("::") and not own
            ], (fmt, text)
            assert "\x1b" not in text and "\x07" not in text, fmt
            if fmt == "junit":
                ET.fromstring(text)
                assert "\\n::warning::INJECTED" in text, text
            if fmt == "github":  # the name is in the command's own line, %-encoded
                assert all(
                    line.startswith(("::error file=", "::warning file=", "::notice file="))
                    for line in text.splitlines()
                    if "INJECTED" in line
                ), text
                assert "%0A%3A%3Awarning" in text


def test_every_json_output_escapes_bidi_controls(tmp_path: Path) -> None:
    """``status -f json``, ``simulate -f json`` of an invalid blueprint and ``schema`` wrote
    JSON with ``json.dumps``, which keeps a bidi control (U+202E) as itself; they go
    through ``text.json_text`` like every JSON output."""
    path = tmp_path / "bp.yaml"
    path.write_text(
        "cadee: 1\nblueprint: {id: x, title: T}\n"
        'kpis: [{id: k, name: "K", unit: "per\u202ecent", '
        "measurements: [{date: 2026-01-05, value: 1}]}]\n",
        encoding="utf-8",
    )
    outputs = Outputs(tmp_path)
    status = outputs.run("status", str(path), "-f", "json", "--as-of", "2026-06-01")
    assert "\u202e" not in status and "\\u202e" in status
    assert json.loads(status)["kpis"][0]["unit"] == "per\u202ecent"
    bad = tmp_path / "bad\u202e.yaml"
    bad.write_text("cadee: 1\nblueprint: {id: x}\n", encoding="utf-8")
    for command in (["simulate", str(bad), "-f", "json"], ["status", str(bad), "-f", "json"]):
        out = outputs.run(*command, codes=(2,))
        assert "\u202e" not in out, command


def test_usage_errors_show_user_text_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``cadee: error: ...`` quotes user text (a template's include, a file name, a
    revision): an ESC in it was printed as itself, clearing the reader's screen."""
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "index.md.j2").write_text(
        '{% include "\x1b[2Jmissing\u202e.j2" %}\n', encoding="utf-8"
    )
    path = tmp_path / "bp.yaml"
    path.write_text("cadee: 1\nblueprint: {id: x, title: T}\n", encoding="utf-8")
    out = str(tmp_path / "out")
    code = main(["render", str(path), "-f", "md", "--templates", str(tmp_path / "t"), "-o", out])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("cadee: error: template "), err
    assert "\\x1b[2Jmissing\\u202e.j2" in err
    assert "\x1b" not in err and "\u202e" not in err


def test_written_yaml_shows_bidi_controls_as_escapes_and_reads_back(tmp_path: Path) -> None:
    """``cadee import`` (and every YAML file cadee writes) wrote a bidi control from the
    imported model as itself: YAML counts it printable. It is a ``\\u`` escape in
    double quotes, and the file reads back to the same text."""
    from cadee.interop.blueprint_writer import dump_yaml

    value = {
        "name": "abc\u202e def",
        "k\u2066": ["x\u200fy", "plain é"],
        "multi": "line1\n\u202eline2\n",
    }
    text = dump_yaml(value)
    assert yaml.safe_load(text) == value
    assert not re.search("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", text)
    assert '"abc\\u202e def"' in text and "plain é" in text
    model = tmp_path / "calm.json"
    model.write_text(
        json.dumps(
            {
                "nodes": [
                    {
                        "unique-id": "web",
                        "node-type": "webclient",
                        "name": "Web",
                        "description": "\u202e line1",
                    }
                ],
                "relationships": [],
            }
        ),
        encoding="utf-8",
    )
    out = Outputs(tmp_path).run("import", "calm", str(model), codes=(0, 1, 2))
    assert "\u202e" not in out


# -- every escaper of cadee.text against one hostile corpus ----------------------------------------
#
# Each escaper of cadee/text.py runs against the same strings; each output is
# parsed back with a real parser where one exists (html.parser, ElementTree,
# json, a GitHub-flavoured Markdown renderer, Graphviz) and must show the
# input, as the escaper's docstring promises.

CORPUS: list[str] = [
    *NASTY,
    "@octocat @github/security-team #1 $\\sqrt{2}$",
    "${\\Huge\\color{red}APPROVED}$",
    "$`\\sqrt{2}`$ and $$\nx^2\n$$ and \\$ 5 $",
    "owner/repo#12 GH-7 gh-8 #x",
    "https://evil.example/x www.evil.example //evil.example mailto:a@b.example a.b+c@b.example",
    "<https://evil.example> <a@b.example> <mailto:x@y.example>",
    "![pixel](https://evil.example/p.png) ![ref][1]\n[1]: https://evil.example/q.png",
    "[^1] footnote\n[^1]: the note",
    "- [ ] task\n- [x] done\n* star\n+ plus\n1. one\n2) two",
    "> quote\n>> nested\n# h1\n###### h6\nsetext\n===\nunder\n---\n***\n___",
    "    indented code\n\ttabbed code\n```\nfence\n```\n~~~\ntilde\n~~~",
    ":smile: :+1: :100: ~~strike~~ ~single~ 10:30:00",
    "| a | b |\n|---|---|\n| c | d |",
    "<!-- hidden --> <details><summary>x</summary></details> <br> </p>",
    "&#64;octocat &commat; &lt;b&gt; &#x23;1 &amp;",
    "\\@octocat \\#1 \\$x\\$ \\<b\\> \\",
    "title \x1b]0;pwned\x07 clear \x1b[2J link \x1b]8;;https://evil.example\x1b\\here\x1b]8;;\x1b\\ csi \x9b31m",
    "\u202eevil\u202c \u202aa\u202b\u202d \u2066iso\u2067\u2068\u2069 \u200emark\u200f \u061carabic",
    "line\u2028sep\u2029para \x85nel \x0bvt \x0cff",
    "lone \ud800 surrogate",
    "emoji 👩‍💻 nbsp\u00a0x zwsp\u200bx soft\u00adhyphen",
    "  leading and trailing  ",
    "",
]
CORPUS_IDS = [f"c{index}" for index in range(len(CORPUS))]

#: What GitHub links after rendering, in the text it shows (cadee.text breaks each).
GITHUB_LINKED = re.compile(
    r"@[A-Za-z0-9]"  # @octocat, @org/team
    r"|#[0-9]"  # #1, owner/repo#1
    r"|\bGH-[0-9]"  # GH-1
    r"|:[A-Za-z0-9_+-]+:"  # :emoji:
    r"|[A-Za-z][A-Za-z0-9+.-]*://|//|\bwww\."  # autolinks (GFM's extension links these while parsing)
    r"|[\w.+-]@[\w-]",  # e-mail autolinks
    re.IGNORECASE,
)
_ZWSP = "\u200b"


def gfm() -> Any:
    """markdown-it as GitHub renders comments: tables, strikethrough, autolinks,
    raw HTML, footnotes, math and task lists. linkify's fuzzy matching is off:
    GitHub links ``www.``, ``scheme://`` and e-mail only (checked on the text below)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    md = (
        MarkdownIt("gfm-like")
        .use(footnote_plugin)
        .use(dollarmath_plugin, double_inline=True)
        .use(tasklists_plugin)
    )
    md.linkify.set({"fuzzy_link": False})
    return md


#: Token types that only markup can make: none may come from user text.
MARKUP_TOKENS = {
    "link_open",
    "image",
    "html_inline",
    "html_block",
    "math_inline",
    "math_block",
    "math_inline_double",
    "math_block_label",
    "heading_open",
    "footnote_ref",
    "footnote_block_open",
    "blockquote_open",
    "bullet_list_open",
    "ordered_list_open",
    "code_block",
    "fence",
    "hr",
    "em_open",
    "strong_open",
    "s_open",
    "code_inline",
    "table_open",
    "lheading_open",
}


def gfm_text(source: str, allowed: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """Render ``source``; returns the text it shows (``<br>`` as a line break, the
    zero-width spaces cadee adds removed) and the markup token types found."""
    found: list[str] = []
    shown: list[str] = []
    for token in gfm().parse(source):
        if token.type in MARKUP_TOKENS and token.type not in allowed:
            found.append(token.type)
        for child in token.children or []:
            if child.type == "html_inline" and child.content == "<br>":
                shown.append("\n")
            elif child.type == "text":
                assert not GITHUB_LINKED.search(child.content), (
                    f"GitHub would link {child.content!r}"
                )
                shown.append(child.content)
            elif child.type == "code_inline" and "code_inline" in allowed:
                shown.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                shown.append("\n")
            elif child.type in MARKUP_TOKENS and child.type not in allowed:
                found.append(child.type)
    return "".join(shown), found


def lines(text: str) -> list[str]:
    """Lines without the white space Markdown drops at their ends (indentation is
    kept as ``&#32;``, but need not be compared), and without zero-width spaces."""
    return [line.strip() for line in text.replace(_ZWSP, "").split("\n")]


@pytest.mark.parametrize("value", CORPUS, ids=CORPUS_IDS)
def test_markdown_escaper_renders_literally_as_github_does(value: str) -> None:
    from cadee.text import markdown, sanitise

    expected = lines(sanitise(value))
    for source, prefix in ((markdown(value), ""), ("x " + markdown(value, line_start=False), "x ")):
        shown, markup = gfm_text(source)
        assert markup == [], f"{source!r} makes {markup}"
        assert lines(shown) == lines(prefix + sanitise(value)), source
    # In a table cell: one row, one cell, the value.
    table = "| h |\n|---|\n| " + markdown(value, line_start=False) + " |\n"
    tokens = gfm().parse(table)
    assert [t.type for t in tokens].count("td_open") == 1, table
    cell, markup = gfm_text(table, allowed=frozenset({"table_open"}))
    assert markup == []
    assert lines(cell) == lines("h" + "\n".join(expected))


@pytest.mark.parametrize("value", CORPUS, ids=CORPUS_IDS)
def test_markdown_code_span_holds_any_text(value: str) -> None:
    from cadee.text import markdown_code, sanitise

    expected = sanitise(value, one_line=True)
    if not expected.strip():
        return  # an empty or blank code span shows nothing to compare
    shown, markup = gfm_text("x " + markdown_code(value), allowed=frozenset({"code_inline"}))
    assert markup == []
    assert shown == "x " + expected
    shown, _ = gfm_text(
        "| h |\n|---|\n| " + markdown_code(value, in_table=True) + " |\n",
        allowed=frozenset({"code_inline", "table_open"}),
    )
    assert shown == "h" + expected


@pytest.mark.parametrize("value", CORPUS, ids=CORPUS_IDS)
def test_untrusted_markdown_has_no_html_or_image(value: str) -> None:
    from cadee.text import markdown_untrusted

    for token in gfm().parse(markdown_untrusted(value)):
        for child in [token, *(token.children or [])]:
            if child.content.startswith('<input class="task-list-item-checkbox"'):
                continue  # the renderer's own checkbox for "- [ ] task"
            assert child.type not in ("html_inline", "html_block", "image"), markdown_untrusted(
                value
            )
    assert "<img" not in markdown_untrusted(value).lower()


@pytest.mark.parametrize("value", CORPUS, ids=CORPUS_IDS)
def test_terminal_escaper_prints_no_control(value: str) -> None:
    from cadee.text import terminal

    for keep in ("", "\n"):
        shown = terminal(value, keep=keep)
        assert all(ch.isprintable() or ch == " " or ch in keep for ch in shown), repr(shown)
        # Every printable character is still there, in order.
        rest = iter(shown)
        assert all(ch in rest for ch in value if ch.isprintable()), repr(shown)


@pytest.mark.parametrize("value", CORPUS, ids=CORPUS_IDS)
def test_html_escaper_round_trips_through_html_parser(value: str) -> None:
    from cadee.text import html, sanitise

    source = f'<p title="{html(value)}">{html(value)}</p><p>{html(value, br=True)}</p>'
    parser = _Html()
    parser.feed(source)
    parser.close()
    assert [tag for tag, _ in parser.tags] == ["p", "p", *["br"] * sanitise(value).count("\n")]
    assert parser.tags[0][1] == [("title", sanitise(value).replace("\n", " "))]
    assert "".join(parser.text).split("\n")[1] == sanitise(value).replace("\n", " ")


@pytest.mark.parametrize("value", CORPUS, ids=CORPUS_IDS)
def test_document_escapers_neutralise_controls_and_bidi(value: str) -> None:
    from cadee.text import (
        BIDI_CONTROLS,
        dot_html,
        dot_string,
        html,
        markdown,
        markdown_code,
        mermaid,
        sanitise,
        structurizr_string,
        typst_string,
    )

    for escape in (
        sanitise,
        markdown,
        markdown_code,
        html,
        typst_string,
        dot_string,
        dot_html,
        mermaid,
        structurizr_string,
    ):
        out = escape(value)
        assert not CONTROL.search(out.replace("\ufffd", "")), (escape.__name__, out)
        assert not set(out) & BIDI_CONTROLS, (escape.__name__, out)
        assert not re.search("[\u2028\u2029\ud800-\udfff]", out), (escape.__name__, out)
    # One character in, one character out (CRLF is one line break).
    assert len(sanitise(value)) == len(value.replace("\r\n", "\n"))


def _string_literal(source: str, escapes: dict[str, str]) -> str:
    """The value of a double-quoted literal with backslash ``escapes``; the literal
    must span all of ``source``."""
    assert source.startswith('"') and source.endswith('"') and len(source) >= 2, source
    out, index, body = [], 0, source[1:-1]
    while index < len(body):
        ch = body[index]
        assert ch != '"', f"unescaped quote in {source!r}"
        if ch == "\\":
            out.append(escapes[body[index + 1]])
            index += 2
        else:
            out.append(ch)
            index += 1
    return "".join(out)


@pytest.mark.parametrize("value", CORPUS, ids=CORPUS_IDS)
def test_string_literals_parse_back(value: str) -> None:
    from cadee.text import dot_string, sanitise, structurizr_string, typst_string, typst_text

    plain = sanitise(value)
    assert _string_literal(typst_string(value), {"\\": "\\", '"': '"', "n": "\n"}) == plain
    assert typst_text(value) == f"#{typst_string(value)};"
    # Graphviz then reads entities: "&amp;" is "&".
    assert (
        _string_literal(dot_string(value), {"\\": "\\", '"': '"', "n": "\n"}).replace("&amp;", "&")
        == plain
    )
    dsl = _dsl_strings(structurizr_string(value), "structurizr")
    assert len(dsl) == 1 and dsl[0].rstrip(" ") == sanitise(value, one_line=True).strip().rstrip(
        " "
    )


@pytest.mark.parametrize("value", CORPUS, ids=CORPUS_IDS)
def test_mermaid_labels_decode_to_the_value(value: str) -> None:
    from cadee.text import mermaid, sanitise

    label = mermaid(value)
    assert re.fullmatch(r"(?:[A-Za-z0-9 .,:/()+=?!%'_-]|#\d+;|<br>)*", label), label
    assert _mermaid_strings(f'a["{label}"]', "mermaid") == [sanitise(value)]


def test_dot_labels_render_with_graphviz() -> None:
    from cadee.text import dot_html, dot_string, sanitise

    if not _dot_available():
        pytest.skip("Graphviz's dot is not installed")
    lines = ["digraph g {"]
    for index, value in enumerate(CORPUS):
        lines.append(f"  h{index} [label=<{dot_html(f'⟦{index}⟧ ' + value)}>];")
        lines.append(f"  q{index} [label={dot_string(f'⟦{index}⟧ ' + value)}];")
    lines.append("}")
    done = subprocess.run(
        ["dot", "-Tsvg"], input="\n".join(lines).encode("utf-8"), capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()[-500:]
    root = ET.fromstring(done.stdout.decode("utf-8"))
    texts = ["".join(e.itertext()) for e in root.iter() if e.tag.endswith("text")]
    for index, value in enumerate(CORPUS):
        want = "".join(sanitise(value).split())
        shown = ["".join(t.split()) for t in texts if t.startswith(f"⟦{index}⟧")]
        # Graphviz shows a quoted label's "\n" as a line break and drops "\l"-style escapes of its own.
        assert shown and all(
            want.startswith(s[len(f"⟦{index}⟧") :][:20]) or not want for s in shown
        ), (value, shown)


@pytest.mark.parametrize("value", CORPUS, ids=CORPUS_IDS)
def test_junit_text_is_well_formed_xml(value: str) -> None:
    from cadee.text import xml_text

    element = ET.Element("failure", {"message": xml_text(value)})
    element.text = xml_text(value)
    parsed = ET.fromstring(ET.tostring(element, encoding="unicode"))
    # XML parsers normalise line ends; nothing else changes.
    assert (parsed.text or "") == xml_text(value).replace("\r\n", "\n").replace("\r", "\n")
    assert parsed.get("message") == xml_text(value)
    assert not re.search(
        "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", xml_text(value)
    )


@pytest.mark.parametrize("value", CORPUS, ids=CORPUS_IDS)
def test_github_commands_and_json_carry_the_value(value: str) -> None:
    from cadee.text import github_data, github_property, json_text, terminal

    data, prop = github_data(value), github_property(value)
    assert "\n" not in data and "\r" not in data and not re.search(r"%(?!25|0D|0A)", data)
    assert ":" not in prop and "," not in prop
    decoded = data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
    assert decoded == terminal(value, keep="\r\n")
    # JSON outputs (SARIF, GitLab, cadee's): every value round-trips, and nothing reaches a terminal raw.
    text = json_text({"value": value, "list": [value]})
    assert json.loads(text) == {"value": value, "list": [value]}
    assert not TERMINAL_SEQUENCE.search(text.replace("\n", "")), repr(text)


def test_shortener_and_pluraliser() -> None:
    from cadee.text import plural, shorten

    assert shorten("abcdef", 4) == "abc…" and shorten("abcd", 4) == "abcd"
    assert all(len(shorten(value, 20)) <= 20 for value in CORPUS)
    assert plural(1, "system") == "1 system" and plural(2, "system") == "2 systems"
    assert plural(0, "boundary", "boundaries") == "0 boundaries"


# -- regressions: PR comments, pack text on terminals and in code scanning, bidi controls ----------

PR_TITLE = "@octocat @github/security-team #1 $\\sqrt{2}$"
PR_MATH = "${\\Huge\\color{red}APPROVED}$"
DIFF_BASE = """\
cadee: 1
blueprint: {id: bp, title: TITLE, owner: ops, approvers: [ops]}
owners:
  - {id: ops, name: Ops, function: operations, contact: ops@bank.example}
systems:
  - {id: a, name: NAME, kind: service, owner: ops}
"""


def test_diff_markdown_mentions_nobody_and_renders_no_math(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(DIFF_BASE.replace("TITLE", "Old").replace("NAME", "A"), encoding="utf-8")
    new.write_text(
        DIFF_BASE.replace("TITLE", json.dumps(PR_TITLE)).replace("NAME", json.dumps(PR_MATH))
        + "  - {id: b, name: "
        + json.dumps(PR_TITLE + " " + PR_MATH)
        + ", kind: service, owner: ops}\n",
        encoding="utf-8",
    )
    md = Outputs(tmp_path).run("diff", str(old), str(new), "-f", "markdown")
    prose = re.sub(r"```mermaid\n.*?\n```\n", "", md, flags=re.DOTALL)
    shown, markup = gfm_text(
        prose,
        allowed=frozenset(
            {
                "heading_open",
                "strong_open",
                "code_inline",
                "bullet_list_open",
                "html_block",
                "html_inline",
            }
        ),
    )
    assert markup == [], (
        markup
    )  # no link, image, math or footnote; gfm_text checks mentions and references
    assert "@octocat @github/security-team #1 $\\sqrt{2}$" in shown.replace(_ZWSP, "")
    assert "\\Huge" in shown
    for token in gfm().parse(prose):
        for child in [token, *(token.children or [])]:
            assert not child.type.startswith("math"), child


def _hostile_pack(folder: Path) -> Path:
    osc_title, clear, osc8 = (
        "\x1b]0;pwned\x07",
        "\x1b[2J",
        "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    )
    rule = {
        "id": "ACME001",
        "name": "vendor-named",
        "severity": "error",
        "layer": "architecture",
        "summary": f"Name the vendor {osc_title}{clear} {osc8} \x9b31m \u202eevil\u202c",
        "rationale": f"Why {osc_title} <img src=https://evil.example/x.png> ![pixel](https://evil.example/p.png)",
        "fix": f"Fix {clear}{osc8} <script>alert(1)</script>",
        "references": [f"Standard {osc_title}", "<img src=https://evil.example/r.png>"],
        "require": {"systems": {"kind": "service"}, "fields": {"vendor": {"present": True}}},
        "examples": {
            "failing": "cadee: 1\nblueprint: {id: bp, title: T}\n",
            "passing": "cadee: 1\nblueprint: {id: bp, title: T}\n",
        },
    }
    path = folder / "cadee-rules.yaml"
    path.write_text(
        yaml.safe_dump({"cadee-rules": 1, "rules": [rule]}, sort_keys=False), encoding="utf-8"
    )
    return path


TERMINAL_SEQUENCE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def test_explain_and_rules_print_no_terminal_sequence_from_a_pack(tmp_path: Path) -> None:
    pack = str(_hostile_pack(tmp_path))
    outputs = Outputs(tmp_path)
    explained = outputs.run("explain", "ACME001", "--pack", pack, codes=(0,))
    assert "Name the vendor" in explained and "Standard" in explained
    assert not TERMINAL_SEQUENCE.search(explained), repr(explained)
    # Shown escaped, not dropped: a reviewer sees what the pack holds.
    assert "\\x1b]0;pwned\\x07" in explained and "\\x9b" in explained and "\\u202e" in explained
    table = outputs.run("rules", "--pack", pack, codes=(0,))
    assert "ACME001" in table and not TERMINAL_SEQUENCE.search(table), repr(table)
    catalog = outputs.run("rules", "--pack", pack, "--format", "markdown", codes=(0,))
    assert not TERMINAL_SEQUENCE.search(catalog), repr(catalog)
    catalog = outputs.run("rules", "--pack", pack, "--format", "json", codes=(0,))
    assert not TERMINAL_SEQUENCE.search(catalog.replace("\n", "")), repr(catalog)
    summary = next(r for r in json.loads(catalog) if r["id"] == "ACME001")["summary"]
    assert "\x1b]0;pwned\x07" in summary and "\x9b" in summary  # the data is unchanged


def test_sarif_help_of_a_pack_rule_loads_no_remote_image(tmp_path: Path) -> None:
    _hostile_pack(tmp_path)
    blueprint = tmp_path / "blueprint.yaml"
    blueprint.write_text("cadee: 1\nblueprint: {id: bp, title: T}\n", encoding="utf-8")
    outputs = Outputs(tmp_path)
    outputs.run("validate", str(blueprint), "-f", "sarif", "-o", str(tmp_path / "r.sarif"))
    rules = json.loads(outputs.file("r.sarif"))["runs"][0]["tool"]["driver"]["rules"]
    rule = next(r for r in rules if r["id"] == "ACME001")
    help_markdown = rule["help"]["markdown"]
    assert "Why" in help_markdown and "pixel" in help_markdown
    assert "<img" not in help_markdown.lower() and "<script" not in help_markdown.lower()
    for token in gfm().parse(help_markdown):
        for child in [token, *(token.children or [])]:
            assert child.type not in ("image", "html_inline", "html_block"), child


def test_bidi_controls_reach_no_document(outputs: Outputs) -> None:
    """U+202E and its kin are neutralised (U+FFFD) in Markdown, HTML, SVG, DOT and
    Mermaid output, and in the typst source of the PDF."""
    from cadee.render.templating import environment

    folder = outputs.folder
    files = [
        *(folder / "pack").rglob("*.md"),
        *(folder / "pack").rglob("*.html"),
        *(folder / "pack").rglob("*.svg"),
        *(folder / "pack").rglob("*.dot"),
        *(folder / "pack").rglob("*.mmd"),
        folder / "diff.markdown",
        folder / "simulate.markdown",
    ]
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        found = re.search("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", text)
        assert found is None, f"{path.name}: {found and repr(found.group())}"
    value = "\u202eevil\u202c \u2066x\u2069 \u200f"
    typst = environment("typ").from_string("{{ x }} #text({{ x|str }})").render(x=value)
    assert "evil" in typst and not re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f]", typst)
    html_page = environment("html").from_string("<p>{{ x }}</p>").render(x=value)
    assert "evil" in html_page and not re.search(
        "[\u202a-\u202e\u2066-\u2069\u200e\u200f]", html_page
    )
