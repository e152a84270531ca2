"""`cadee render`: maps, documents and the brief in every format, escaping, atomic output.

Text artifacts (DOT, Mermaid, Markdown, HTML) and the structure of every SVG
map are compared with goldens under tests/goldens/render/ (``pytest
--update-goldens`` rewrites them). What Graphviz computes (positions, sizes, the
viewBox, bezier points) depends on the installed fonts and Graphviz build, so
it is taken out first (tests/layout.py): HTML goldens hold each inline map's
structure (clusters, nodes, edges, texts, links, colours) and SVG maps are
compared as that structure (``maps/NAME.svg.txt``). PDFs are checked through
their text.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import textwrap
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cadee.check import CheckOptions, check
from cadee.cli import main
from cadee.load import load_blueprint
from cadee.model import Blueprint
from cadee.render import FORMATS, IncompleteRender, build_pack, render_pack
from cadee.render.maps import DETAIL_THRESHOLD, to_mermaid
from cadee.text import markdown, typst_string
from tests.conftest import AS_OF, REPO
from tests.layout import normalise_html, svg_structure

GOLDENS = REPO / "tests" / "goldens" / "render"
EXAMPLES = {
    "northwind-bank": "examples/northwind-bank/blueprint.yaml",
    "northwind-pilot": "examples/northwind-pilot/blueprint.yaml",
}
COMMITTED = REPO / "examples" / "northwind-bank" / "rendered"
DOCUMENTS = (
    "brief",
    "integration-map",
    "identity-access-fallback",
    "runtime-observability",
    "ownership-plan",
)
HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot is not installed")

NASTY = r"""
cadee: 1
blueprint:
  id: nasty
  title: "Nasty <b>&amp; \"title\" | # $x$ *y* _z_ @team \\ back"
  owner: ops
  approvers: [ops, comp]
owners:
  - {id: ops, name: "Ops <script>alert(1)</script> & co", function: operations, contact: "ops@example.com"}
  - {id: comp, name: "Comp | pipe #hash $dollar$ *star* _under_ @at \\slash", function: compliance, contact: "javascript:alert(1)"}
boundaries:
  - {id: edge, name: "Edge \"quoted\" 'single' <zone>", trust: internal, identity_provider: idp}
  - {id: vendor, name: "Vendor `tick` [br] {curly} ~tilde~", trust: external, clearance: confidential}
systems:
  - {id: chat, name: "Chat <img src=x onerror=alert(1)> & \"q\"", kind: channel, boundary: edge, owner: ops}
  - id: gw
    name: "Gate|way #1 $5 *bold* _it_ @gw \\n"
    kind: gateway
    boundary: edge
    owner: ops
    criticality: tier-1
    observability: {logs: true, metrics: true, traces: true, slo: "99.9% <p95> & \"x\"", runbook: "https://runbooks.example/a?b=1&c=<2>", oncall: ops}
  - {id: llm, name: "LLM\nsecond line", kind: model, boundary: vendor, owner: comp, fallback: [{to: desk, when: [timeout]}]}
  - {id: desk, name: "Desk -- ... 'smart' \"quotes\" // not /* a comment */", kind: human-desk, boundary: edge, owner: ops}
  - {id: idp, name: "- list? 1. numbered? > quote? = heading?", kind: identity-provider, boundary: edge, owner: ops}
integrations:
  - {from: chat, to: gw, protocol: "https<&>", auth: oidc, identity: end-user, data: confidential}
  - {from: gw, to: llm, protocol: "grpc\"|#", auth: mtls, data: confidential, timeout_ms: 100}
  - {from: gw, to: desk, auth: none}
  - {from: gw, to: idp, auth: mtls}
evidence:
  - {id: e1, kind: integration-map, title: "Map <with> & | stuff", owner: ops, status: approved, approved_by: comp}
kpis:
  - {id: k1, name: "FCR <%> & | #1", unit: "% <u>", baseline: 1.5, target: 2, direction: increase, owner: ops}
gates:
  - {id: g1, action: pause, when: "x < 3 & y > 4 | z # $ * _ @ \\", kpi: k1, threshold: 3, decided_by: comp}
waivers:
  - {rule: IAM001, target: "gw->desk", reason: "Reason <b>bold</b> & | # $ * _ @ \\ done", approved_by: comp, expires: 2030-01-01}
"""
#: Names from NASTY and the documents that show each of them (whitespace-normalised).
NASTY_TEXTS = {
    'Chat <img src=x onerror=alert(1)> & "q"': DOCUMENTS[1:],
    "Gate|way #1 $5 *bold* _it_ @gw \\n": DOCUMENTS[1:],
    "LLM second line": DOCUMENTS[1:],
    "Desk -- ... 'smart' \"quotes\" // not /* a comment */": DOCUMENTS[1:],
    "- list? 1. numbered? > quote? = heading?": DOCUMENTS[1:],
    "Ops <script>alert(1)</script> & co": (
        "brief",
        "integration-map",
        "runtime-observability",
        "ownership-plan",
    ),
    "Comp | pipe #hash $dollar$ *star* _under_ @at \\slash": (
        "brief",
        "integration-map",
        "runtime-observability",
        "ownership-plan",
    ),
    "Edge \"quoted\" 'single' <zone>": ("integration-map", "identity-access-fallback"),
    'Nasty <b>&amp; "title" | # $x$ *y* _z_ @team \\ back': DOCUMENTS,
    "x < 3 & y > 4 | z # $ * _ @ \\": ("brief",),
    "Reason <b>bold</b> & | # $ * _ @ \\ done": ("brief",),
    "FCR <%> & | #1": ("brief", "runtime-observability", "ownership-plan"),
    '99.9% <p95> & "x"': ("runtime-observability", "ownership-plan"),
}


# -- helpers ------------------------------------------------------------------------


def _load(path: str | Path) -> tuple[Blueprint, object]:
    result = load_blueprint(path)
    assert result.blueprint is not None, result.errors
    return result.blueprint, check(result.blueprint, CheckOptions(as_of=AS_OF))


@functools.cache
def _pack(path: str, formats: tuple[str, ...] = FORMATS) -> dict[str, bytes]:
    cwd = Path.cwd()
    os.chdir(REPO)  # display paths (and so provenance) as in the committed pack
    try:
        blueprint, report = _load(path)
        return render_pack(blueprint, report, formats=formats, as_of=AS_OF)  # type: ignore[arg-type]
    finally:
        os.chdir(cwd)


@functools.cache
def _nasty_pack(root: str) -> dict[str, bytes]:
    path = Path(root) / "nasty.yaml"
    path.write_text(textwrap.dedent(NASTY), encoding="utf-8")
    blueprint, report = _load(path)
    return render_pack(blueprint, report, as_of=AS_OF)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def nasty(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    if not HAVE_DOT:
        pytest.skip("Graphviz's dot is not installed")
    return _nasty_pack(str(tmp_path_factory.mktemp("nasty")))


class _Text(HTMLParser):
    """Visible text of an HTML page (no style, script or inline SVG)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("style", "script", "svg"):
            self.skip += 1
        if tag == "br":
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "svg"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _html_text(source: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(source)
    return _norm("".join(parser.parts)), parser.tags


def _markdown_text(source: str) -> tuple[str, list[str]]:
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(source)
    # The zero-width spaces after '@', '#' and in '//' (cadee.text.markdown) are invisible.
    return _html_text(rendered.replace("\u200b", ""))


@functools.cache
def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return _norm(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def _pdf_page_text(data: bytes, index: int) -> str:
    import io

    from pypdf import PdfReader

    return _norm(PdfReader(io.BytesIO(data)).pages[index].extract_text())


def _pdf_pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _golden(path: Path, actual: str, update: bool) -> None:
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
    assert path.exists(), f"missing golden {path}; run pytest --update-goldens"
    assert actual == path.read_text(encoding="utf-8"), f"{path.relative_to(REPO)} differs"


def _golden_texts(files: dict[str, bytes]) -> dict[str, str]:
    """The pack as golden files: text formats, HTML normalised, SVG maps as their structure."""
    texts: dict[str, str] = {}
    for name, data in files.items():
        if name.endswith((".md", ".dot", ".mmd")):
            texts[name] = data.decode("utf-8")
        elif name.endswith(".html"):
            texts[name] = normalise_html(data.decode("utf-8"))
        elif name.endswith(".svg"):
            texts[f"{name}.txt"] = svg_structure(data.decode("utf-8"))
    return texts


# -- goldens ---------------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_goldens(example: str, update_goldens: bool) -> None:
    files = _golden_texts(_pack(EXAMPLES[example]))
    assert any(name.endswith(".dot") for name in files)
    assert any(name.endswith(".svg.txt") for name in files)
    for name, text in files.items():
        _golden(GOLDENS / example / name, text, update_goldens)
    stale = {
        p.relative_to(GOLDENS / example).as_posix()
        for p in (GOLDENS / example).rglob("*")
        if p.is_file()
    }
    assert stale <= set(files), f"goldens without output: {sorted(stale - set(files))}"


_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?")


def _move_everything(svg: bytes) -> bytes:
    """The SVG as another Graphviz build or font might lay it out: every number shifted."""
    head, sep, body = svg.partition(b"<svg")

    def shift(match: re.Match[bytes]) -> bytes:
        return str(float(match.group(0)) + 3.25).encode()

    def geometry(match: re.Match[bytes]) -> bytes:
        return match.group(1) + _NUMBER.sub(shift, match.group(2)) + b'"'

    return (
        head
        + sep
        + re.sub(
            rb'(\b(?:x|y|cx|cy|rx|ry|width|height|viewBox|points|d|transform)=")([^"]*)"',
            geometry,
            body,
        )
    )


@needs_dot
def test_goldens_ignore_layout_but_fail_on_any_label_change() -> None:
    """The golden comparison is blind to coordinates, not to content, escaping or colour."""
    files = _pack(EXAMPLES["northwind-pilot"], ("html", "svg"))
    svg = files["maps/full.svg"]
    html = files["integration-map.html"]
    golden_svg = (GOLDENS / "northwind-pilot" / "maps" / "full.svg.txt").read_text(encoding="utf-8")
    golden_html = (GOLDENS / "northwind-pilot" / "integration-map.html").read_text(encoding="utf-8")
    assert svg_structure(svg.decode()) == golden_svg

    # Another layout (fonts, Graphviz build): every coordinate moved, the golden still holds.
    moved = _move_everything(svg)
    assert moved != svg
    assert svg_structure(moved.decode()) == golden_svg
    wider = re.sub(rb"max-width: [\d.]+pt", b"max-width: 1234.5pt", _move_everything(html))
    assert wider != html
    assert normalise_html(wider.decode()) == golden_html

    # One label, one escape, one colour changed: the golden fails.
    label = b">Web chat (pilot widget)<"
    assert label in svg and label in html
    for mutated, golden, normalise in (
        (svg.replace(label, b">Web chat (pilot widgets)<", 1), golden_svg, svg_structure),
        (html.replace(label, b">Web chat (pilot widgets)<", 1), golden_html, normalise_html),
        (
            svg.replace(label, b">Web chat &amp;lt;pilot widget&amp;gt;<", 1),
            golden_svg,
            svg_structure,
        ),
        (svg.replace(b'stroke="#c81e1e"', b'stroke="#1f2933"', 1), golden_svg, svg_structure),
    ):
        assert mutated != (svg if normalise is svg_structure else html)
        assert normalise(mutated.decode()) != golden


# -- maps ------------------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_svg_maps_parse_and_name_every_system(example: str) -> None:
    files = _pack(EXAMPLES[example])
    blueprint, _ = _load(REPO / EXAMPLES[example])
    for name in ("maps/full.svg", "maps/identity.svg", "maps/fallback.svg", "maps/overview.svg"):
        root = ET.fromstring(files[name])
        assert root.tag.endswith("svg")
    text = _norm(" ".join(ET.fromstring(files["maps/full.svg"]).itertext()))
    for system in blueprint.systems:
        assert _norm(system.name) in text, system.name
    ai = [s for s in blueprint.systems if s.is_ai]
    fallback_text = _norm(" ".join(ET.fromstring(files["maps/fallback.svg"]).itertext()))
    for system in ai:
        assert _norm(system.name) in fallback_text
    assert files["maps/full.png"].startswith(b"\x89PNG")
    assert files["maps/full.pdf"].startswith(b"%PDF")


def test_dot_is_safe_for_debian_graphviz() -> None:
    # Graphviz 2.42/2.43 ("trouble in init_rank") fails on clusters with edge labels:
    # an edge's label is a node on its way (src -> label -> dst), never an edge attribute.
    dot = _pack(EXAMPLES["northwind-bank"], ("dot",))["maps/full.dot"].decode()
    assert "subgraph cluster_" in dot
    edges = "\n".join(line for line in dot.splitlines() if "->" in line)
    assert "label=" not in edges
    assert '-label", shape=box' in dot


def test_maps_mark_findings_fallbacks_and_data() -> None:
    files = _pack(EXAMPLES["northwind-pilot"], ("dot", "mmd"))
    dot = files["maps/full.dot"].decode()
    assert 'color="#C81E1E", penwidth=2.6' in dot  # a system with an unwaived error
    assert 'style="dashed"' in dot and "fallback 1" in dot
    assert "confidential data" in dot  # legend
    mermaid = files["maps/full.mmd"].decode()
    assert mermaid.startswith("%% Integration map (cadee)\nflowchart LR\n")
    assert "classDef finding" in mermaid and "-.->" in mermaid
    assert re.search(r"^\s+n\d+ -->", mermaid, re.MULTILINE)


def test_large_blueprints_get_an_overview_and_detail_maps(tmp_path: Path) -> None:
    count = DETAIL_THRESHOLD + 10
    systems = "\n".join(
        f"  - {{id: s{i}, kind: service, owner: ops, boundary: b{i % 3}}}" for i in range(count)
    )
    integrations = "\n".join(
        f"  - {{from: s{i}, to: s{i + 1}, auth: mtls}}" for i in range(count - 1)
    )
    path = tmp_path / "big.yaml"
    path.write_text(
        "cadee: 1\nblueprint: {id: big, title: Big, owner: ops}\n"
        "owners: [{id: ops, name: Ops}]\n"
        "boundaries: [{id: b0, trust: internal}, {id: b1, trust: internal}, {id: b2, trust: restricted}]\n"
        f"systems:\n{systems}\nintegrations:\n{integrations}\n",
        encoding="utf-8",
    )
    blueprint, report = _load(path)
    files = render_pack(blueprint, report, formats=("md", "dot", "mmd"), as_of=AS_OF)  # type: ignore[arg-type]
    assert "maps/full.dot" not in files
    assert {"maps/overview.dot", "maps/full/b0.dot", "maps/full/b1.dot", "maps/full/b2.dot"} <= set(
        files
    )
    overview = files["maps/overview.dot"].decode()
    assert "54 systems" in overview and "integrations" in overview
    assert "one detail map per boundary" in files["integration-map.md"].decode()
    assert "× mtls" in files["maps/identity.dot"].decode()  # noqa: RUF001


# -- documents -------------------------------------------------------------------------


@needs_dot
def test_pdfs_hold_every_heading_and_system_and_page_one_of_the_brief_answers() -> None:
    files = _pack(EXAMPLES["northwind-bank"])
    blueprint, _ = _load(REPO / EXAMPLES["northwind-bank"])
    for name in DOCUMENTS:
        text = _pdf_text(files[f"{name}.pdf"])
        markdown = files[f"{name}.md"].decode()
        for heading in re.findall(r"^#{2,3} (.+)$", markdown, re.MULTILINE):
            assert _norm(heading.replace("\\", "")) in text, (name, heading)
        assert "Provenance" in text and "2026-06-01" in text
    for doc in ("integration-map", "ownership-plan", "runtime-observability"):
        text = _pdf_text(files[f"{doc}.pdf"])
        for system in blueprint.systems:
            assert system.name in text, (doc, system.name)
    assert _pdf_pages(files["brief.pdf"]) <= 4
    first = _pdf_page_text(files["brief.pdf"], 0)
    for expected in (
        "Recommended decision: continue",
        "Architecture ready for production",
        "1. Who approves changes once live?",
        "Version 2.3 is signed off by 3 of 3 approvers",
        "2. Is architecture still the limiting factor?",
        "3 of 3 evidence documents approved",
        "3. How do resolution, handle time and service quality compare?",
        "67.5% (13)",
        "73.1% (13)",
    ):
        assert _norm(expected) in first, expected
    assert _pdf_pages(files["integration-map.pdf"]) >= 3


def test_documents_answer_the_leadership_questions() -> None:
    brief = _pack(EXAMPLES["northwind-bank"], ("md",))["brief.md"].decode()
    for expected in (
        "Who approves changes once live?",
        "Is architecture still the limiting factor?",
        "First-contact resolution",
        "67.5% (13)",
        "73.1% (13)",
        "+5.60 pp",
        "78.0%",
        "Recommended decision: continue",
        "Version 2.3 is signed off by 3 of 3 approvers",
        "Pause, scale and redesign gates",
        "Open waivers",
        "IAM002",
        "Control coverage",
        "DORA (Regulation (EU) 2022/2554) Art. 11, response and recovery",
        "Architecture ready for production",
    ):
        assert expected in brief.replace("\\", ""), expected
    pilot = _pack(EXAMPLES["northwind-pilot"], ("md",))
    assert "Not ready for production" in pilot["brief.md"].decode()
    assert "expired" in pilot["brief.md"].decode()
    assert "What blocks production" in pilot["brief.md"].decode()
    identity = pilot["identity-access-fallback.md"].decode()
    assert "no fallback" in identity and "Failure scenarios (N-1)" in identity


def test_every_document_carries_provenance() -> None:
    files = _pack(EXAMPLES["northwind-bank"], ("md",))
    blueprint, _ = _load(REPO / EXAMPLES["northwind-bank"])
    from cadee.render.model import provenance_of

    provenance = provenance_of(blueprint, "2026-06-01")
    assert len(provenance.files) == 15  # 10 YAML files and 5 measurements files
    assert (
        "catalog/identity.yaml",
        next(f.sha256 for f in blueprint.files if f.path.endswith("identity.yaml")),
    ) in provenance.files
    for name in DOCUMENTS:
        text = files[f"{name}.md"].decode()
        assert provenance.blueprint_sha256 in text
        assert "rule set 1\\.0" in text or "rule set 1.0" in text
        assert "as of 2026-06-01" in text


def test_provenance_does_not_depend_on_the_working_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    from cadee.render.model import provenance_of

    monkeypatch.chdir(REPO)
    here = provenance_of(load_blueprint(EXAMPLES["northwind-bank"]).blueprint, "x")  # type: ignore[arg-type]
    monkeypatch.chdir(REPO / "examples")
    there = provenance_of(load_blueprint("northwind-bank/blueprint.yaml").blueprint, "x")  # type: ignore[arg-type]
    assert here.blueprint_sha256 == there.blueprint_sha256
    assert here.files == there.files


@needs_dot
def test_output_is_deterministic() -> None:
    os.chdir(REPO)
    blueprint, report = _load(EXAMPLES["northwind-pilot"])
    first = render_pack(blueprint, report, as_of=AS_OF)  # type: ignore[arg-type]
    second = render_pack(blueprint, report, as_of=AS_OF)  # type: ignore[arg-type]
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name


# -- escaping --------------------------------------------------------------------------


def test_escapers() -> None:
    assert markdown("a|b *c* _d_ <e> & #f $g$ @h \\i `j` [k] ~l~") == (
        "a\\|b \\*c\\* \\_d\\_ \\<e\\> \\& \\#&#8203;f \\$g\\$ \\@&#8203;h \\\\i \\`j\\` \\[k\\] \\~l\\~"
    )
    assert markdown("- item") == "\\- item"
    assert markdown("1. item") == "1\\. item"
    assert markdown("a\nb") == "a<br>b"
    assert typst_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert typst_string("tab\there\x07") == '"tab here\ufffd"'


@needs_dot
@pytest.mark.parametrize("fmt", ["html", "md", "pdf"])
def test_nasty_names_render_literally(nasty: dict[str, bytes], fmt: str) -> None:
    for document in DOCUMENTS:
        data = nasty[f"{document}.{fmt}"]
        if fmt == "pdf":
            text = _pdf_text(data)
        else:
            text, tags = (_html_text if fmt == "html" else _markdown_text)(data.decode("utf-8"))
            assert "script" not in tags and "img" not in tags and "b" not in tags, (
                document,
                set(tags),
            )
        for name, documents in NASTY_TEXTS.items():
            if document in documents:
                assert _norm(name) in text, (fmt, document, name)
    if fmt == "html":
        page = nasty["ownership-plan.html"].decode()
        assert 'href="javascript:' not in page
        assert 'href="mailto:ops@example.com"' in page


@needs_dot
def test_nasty_names_in_maps(nasty: dict[str, bytes]) -> None:
    svg = nasty["maps/full.svg"]
    text = _norm(" ".join(ET.fromstring(svg).itertext()))
    for name in (
        'Chat <img src=x onerror=alert(1)> & "q"',
        "Gate|way #1 $5 *bold* _it_ @gw \\n",
        "Edge \"quoted\" 'single' <zone>",
        "https<&> · oidc · end-user",
    ):
        assert _norm(name) in text, name
    mermaid = nasty["maps/full.mmd"].decode()
    decoded = re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), mermaid).replace("<br>", " ")
    assert 'Chat <img src=x onerror=alert(1)> & "q"' in decoded
    assert "<img" not in mermaid and '"q"' not in mermaid
    assert all(
        re.fullmatch(r"[a-z]\d+", ident)
        for ident in re.findall(r"^\s+(\w+)[\[({]", mermaid, re.MULTILINE)
    )


def test_mermaid_labels_are_entity_encoded() -> None:
    from cadee.render.maps import Diagram, Edge, Node

    diagram = Diagram(
        "t",
        'Title "x"',
        nodes=[Node("n0", 'a"b|c', "kind", "service"), Node("n1", "end", "", "human-desk")],
        edges=[Edge("n0", "n1", "x|y")],
    )
    text = to_mermaid(diagram)
    assert 'n0["a#34;b#124;c<br>kind"]' in text
    assert 'n0 -->|"x#124;y"| n1' in text


# -- the command line ----------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["render", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_cli_writes_the_pack_and_exits_0_with_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack"
    code, stdout, err = _run(
        capsys,
        str(REPO / EXAMPLES["northwind-pilot"]),
        "--out",
        str(out),
        "--format",
        "md,dot",
        "--as-of",
        "2026-06-01",
    )
    assert code == 0, err
    assert "23 errors" in stdout and "brief.md" in stdout
    assert {"brief.md", "README.md", "maps/full.dot", ".cadee-render"} <= set(_snapshot(out))
    assert "maps/full.svg" not in _snapshot(out)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pack.")]  # no leftovers


def test_cli_views_select_maps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pack"
    code, _, err = _run(
        capsys,
        str(REPO / EXAMPLES["northwind-bank"]),
        "-o",
        str(out),
        "-f",
        "dot,mmd",
        "--view",
        "identity",
    )
    assert code == 0, err
    assert sorted(_snapshot(out)) == [".cadee-render", "maps/identity.dot", "maps/identity.mmd"]


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blueprint = str(REPO / EXAMPLES["northwind-bank"])
    code, _, err = _run(capsys, blueprint, "--format", "docx")
    assert code == 2 and "unknown value 'docx'" in err
    code, _, err = _run(capsys, blueprint, "--view", "all")
    assert code == 2 and "--view" in err
    code, _, err = _run(capsys, blueprint, "--as-of", "June")
    assert code == 2 and "--as-of" in err
    foreign = tmp_path / "project"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", encoding="utf-8")
    code, _, err = _run(capsys, blueprint, "--out", str(foreign))
    assert code == 2 and "not written by cadee render" in err
    assert (foreign / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_cli_invalid_blueprint_exits_2_with_locations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "cadee: 1\nblueprint: {id: b, title: T}\nsystems:\n  - {id: a, kind: robot}\n",
        encoding="utf-8",
    )
    code, out, err = _run(capsys, str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and err == ""  # the report of an invalid blueprint is on standard output
    assert re.search(r"bad\.yaml:4:\d+: error", out)
    assert not (tmp_path / "out").exists()


def test_cli_failed_render_leaves_earlier_output_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack"
    blueprint = str(REPO / EXAMPLES["northwind-pilot"])
    assert _run(capsys, blueprint, "-o", str(out), "-f", "md,dot")[0] == 0
    before = _snapshot(out)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "document.md.j2").write_text("{% for x in %}broken", encoding="utf-8")
    code, _, err = _run(
        capsys, blueprint, "-o", str(out), "-f", "md,dot", "--templates", str(templates)
    )
    assert code == 2 and "template document.md.j2:1" in err
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack", "templates"]


def test_cli_out_that_cannot_be_written_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An --out where nothing can be made (/proc; a read-only mount, a full disk) said
    "internal error (FileNotFoundError)"."""
    blueprint = str(REPO / EXAMPLES["northwind-pilot"])
    code, _, err = _run(capsys, blueprint, "-o", "/proc/cadee-render-test", "-f", "md")
    assert code == 2
    assert err.startswith("cadee: error: cannot write /proc/cadee-render-test: "), err
    assert "internal error" not in err


def test_cli_templates_override_and_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blueprint = str(REPO / EXAMPLES["northwind-bank"])
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "style.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    (templates / "index.md.j2").write_text(
        "# Pack of {{ pack.title }} <{{ pack.documents|length }}> {{ '|*' }}\n", encoding="utf-8"
    )
    out = tmp_path / "pack"
    code, _, err = _run(
        capsys, blueprint, "-o", str(out), "-f", "md", "--templates", str(templates)
    )
    assert code == 0, err
    assert (out / "README.md").read_text(
        encoding="utf-8"
    ) == "# Pack of Northwind Bank AI customer service <5> \\|\\*\n"
    assert "Leadership brief" in (out / "brief.md").read_text(
        encoding="utf-8"
    )  # built-in template still used

    (templates / "index.md.j2").write_text("{{ ''.__class__.__mro__ }}\n", encoding="utf-8")
    code, _, err = _run(
        capsys, blueprint, "-o", str(out), "-f", "md", "--templates", str(templates)
    )
    assert code == 2
    assert "template" in err and "unsafe" in err
    assert (out / "README.md").read_text(encoding="utf-8").startswith("# Pack of")  # untouched


@needs_dot
def test_cli_html_override_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "style.css").write_text("body { color: rebeccapurple; }\n", encoding="utf-8")
    out = tmp_path / "pack"
    code, _, err = _run(
        capsys,
        str(REPO / EXAMPLES["northwind-pilot"]),
        "-o",
        str(out),
        "-f",
        "html",
        "--view",
        "fallback",
        "--templates",
        str(templates),
    )
    assert code == 0, err
    assert "rebeccapurple" in (out / "brief.html").read_text(encoding="utf-8")


def test_cli_typst_template_from_another_version_is_named_with_its_line_and_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``document.typ.j2`` copied from an older cadee lacks names that this version's
    built-in ``blocks.typ.j2`` uses: the error names the document, quotes the generated
    line (made safe for a terminal) and says which templates are mixed."""
    templates = tmp_path / "templates"
    templates.mkdir()
    # Defines none of the colours, sizes and helpers the built-in blocks use.
    (templates / "document.typ.j2").write_text(
        "#let title = {{ doc.title|str }}\n"
        '{% with blocks = doc.blocks %}{% include "blocks.typ.j2" %}{% endwith %}\n',
        encoding="utf-8",
    )
    out = tmp_path / "pack"
    blueprint = str(REPO / EXAMPLES["northwind-pilot"])
    code, _, err = _run(
        capsys, blueprint, "-o", str(out), "-f", "pdf", "--templates", str(templates)
    )
    assert code == 2
    assert re.search(
        r"^cadee: error: typst could not compile [\w-]+\.pdf: unknown variable: [\w-]+ "
        r"\(generated line \d+: .+\); ",
        err,
    ), err
    assert f"{templates} replaces document.typ.j2 but not blocks.typ.j2" in err
    assert "Traceback" not in err
    assert not out.exists()

    # The whole set replaced: no hint about mixed versions; the quoted line (templates
    # come from pull requests) shows an escape character as the text \x1b.
    (templates / "blocks.typ.j2").write_text('#undefined-name("\x1b[2J")\n', encoding="utf-8")
    code, _, err = _run(
        capsys, blueprint, "-o", str(out), "-f", "pdf", "--templates", str(templates)
    )
    assert code == 2
    assert "unknown variable: undefined-name (generated line" in err, err
    assert "replaces" not in err
    assert "\\x1b[2J" in err and "\x1b" not in err


def test_cli_without_dot_renders_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "pack"
    code, _, err = _run(capsys, str(REPO / EXAMPLES["northwind-pilot"]), "-o", str(out))
    assert code == 1
    assert "apt-get install graphviz" in err and "html, pdf, svg, png" in err
    written = _snapshot(out)
    assert "brief.md" in written and "maps/full.dot" in written and "maps/full.mmd" in written
    # KPI charts are matplotlib's, not Graphviz's: they are written without dot.
    assert not [
        name
        for name in written
        if name.endswith((".html", ".pdf", ".svg", ".png")) and not name.startswith("charts/")
    ]


def test_library_reports_missing_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    blueprint, report = _load(REPO / EXAMPLES["northwind-pilot"])
    with pytest.raises(IncompleteRender) as info:
        render_pack(blueprint, report, formats=("svg", "dot"), as_of=AS_OF)  # type: ignore[arg-type]
    assert "apt-get install graphviz" in str(info.value)
    assert "maps/full.dot" in info.value.pack.files
    pack = build_pack(blueprint, report, formats=("md",), as_of=AS_OF)  # type: ignore[arg-type]
    assert not pack.problems


# -- the committed example pack ------------------------------------------------------------


@needs_dot
def test_committed_example_pack_is_current() -> None:
    """examples/northwind-bank/rendered/ is what `cadee render` makes today.

    Compared as the goldens are, so that it holds on any machine: Markdown, DOT
    and Mermaid byte for byte, HTML and SVG without what Graphviz computes
    (tests/layout.py), PDFs through the headings of their Markdown twins; PNGs are PNGs (their pixels
    depend on Graphviz and fonts).
    Refresh: cadee render examples/northwind-bank/blueprint.yaml --out
    examples/northwind-bank/rendered --as-of 2026-06-01
    """
    fresh = _pack(EXAMPLES["northwind-bank"])
    committed = _snapshot(COMMITTED)
    hint = "stale: re-render with the command in this test's docstring"
    assert set(fresh) | {".cadee-render"} == set(committed), hint
    assert _golden_texts(fresh) == _golden_texts(committed), hint
    for name, data in committed.items():
        if name.endswith(".png"):
            assert data.startswith(b"\x89PNG\r\n\x1a\n"), name
        elif name.endswith(".pdf") and not name.startswith("maps/"):
            # Page breaks, page numbers and where a large map goes (an A3 page at the end)
            # follow the fonts' metrics, so the PDF's text is compared through its Markdown twin.
            text = "".join(_pdf_text(data).split())
            markdown = committed[name.replace(".pdf", ".md")].decode()
            for heading in re.findall(r"^#{1,3} (.+)$", markdown, re.MULTILINE):
                assert "".join(heading.replace("\\", "").split()) in text, (
                    f"{name}: {heading!r} {hint}"
                )


def test_render_reuses_the_graph_the_rules_ran_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cadee.check
    import cadee.graph

    built: list[int] = []
    original = cadee.graph.build_graph

    def counting(blueprint: Blueprint) -> cadee.graph.ArchitectureGraph:
        built.append(1)
        return original(blueprint)

    monkeypatch.setattr(cadee.graph, "build_graph", counting)
    monkeypatch.setattr(cadee.check, "build_graph", counting)
    flagship = REPO / "examples" / "northwind-bank" / "blueprint.yaml"
    code = main(
        [
            "render",
            str(flagship),
            "--out",
            str(tmp_path / "pack"),
            "-f",
            "md,mmd",
            "--as-of",
            AS_OF.isoformat(),
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "pack" / "brief.md").is_file()
    assert built == [1]
    # validate keeps no graph on its results unless asked (many blueprints, one run).
    from cadee.validate import validate_file

    report = validate_file(flagship).report
    assert report is not None and report.graph is None
    kept = validate_file(flagship, keep_graph=True).report
    assert kept is not None and kept.graph is not None and kept.graph.blueprint is kept.blueprint


@needs_dot
def test_page_one_of_the_pilot_brief_says_pause_and_why() -> None:
    first = _pdf_page_text(_pack(EXAMPLES["northwind-pilot"], ("pdf",))["brief.pdf"], 0)
    for expected in (
        "Recommended decision: pause",
        "CSAT below 3.8",
        "3.74, 3.70",
        "Version 0.3 is signed off by 0 of 2 approvers",
        "signature:",
        "worse",
    ):
        assert _norm(expected) in first, expected
