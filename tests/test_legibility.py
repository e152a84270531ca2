"""Rendered PDFs are readable at print size (issue #18).

Every text-showing operator of every page is measured at its printed size
(font size times the text matrix and every transformation; tests/pdf_text.py)
and classified by its font, which the templates choose for that purpose:

- Libertinus Serif: the documents' prose, at least 9 pt;
- DejaVu Sans (condensed where installed) and DejaVu Sans Mono: tables,
  labels, running heads and provenance, at least 8 pt;
- Liberation Sans: labels of maps and charts (Graphviz's and matplotlib's
  SVG), at least 6 pt.

Any other font fails: a fallback font would hide what these rules check.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.generate import generate_estate, write_estate
from cadee.check import CheckOptions, check
from cadee.load import load_blueprint
from cadee.render import render_pack
from cadee.render.pdf import PdfCompiler
from tests.conftest import AS_OF, REPO
from tests.pdf_text import Run, text_runs
from tests.test_render import DOCUMENTS, needs_dot

PROSE_MIN = 9.0
TABLE_MIN = 8.0
FIGURE_MIN = 6.0
FLAGSHIP = "examples/northwind-bank/blueprint.yaml"

PROSE = ("LibertinusSerif",)
#: DejaVu Sans Condensed (fonts-dejavu-extra), else DejaVu Sans; DejaVu Sans Mono.
TABLES = ("DejaVuSans",)
FIGURES = ("LiberationSans",)


def _kind(font: str) -> str:
    for kind, prefixes in (("prose", PROSE), ("table", TABLES), ("figure", FIGURES)):
        if font.startswith(prefixes):
            return kind
    return "unexpected"


@functools.cache
def _pdfs(path: str) -> dict[str, bytes]:
    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        result = load_blueprint(path)
        assert result.blueprint is not None, result.errors
        report = check(result.blueprint, CheckOptions(as_of=AS_OF))
        return render_pack(result.blueprint, report, formats=("pdf",), as_of=AS_OF)
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def estate_300(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A generated 300-system estate (over the 150 where documents switch to large)."""
    return str(write_estate(generate_estate(300), tmp_path_factory.mktemp("estate-300")))


def _too_small(runs: list[Run], kinds: dict[str, float]) -> list[str]:
    """``page N: FONT SIZE pt (G glyphs)`` for each run below its kind's minimum."""
    small: Counter[str] = Counter()
    for run in runs:
        kind = _kind(run.font)
        if kind == "unexpected":
            small[f"page {run.page}: unexpected font {run.font}"] += run.glyphs
        elif kind in kinds and run.size < kinds[kind] - 0.01:
            small[f"page {run.page}: {run.font} {run.size} pt ({kind})"] += run.glyphs
    return [f"{what} ({glyphs} glyphs)" for what, glyphs in sorted(small.items())]


def test_printed_size_accounts_for_scaling() -> None:
    """The extractor reports what is printed: a 10 pt text scaled to 50% is 5 pt."""
    compiler = PdfCompiler(REPO / "templates", tagged=False)
    data = compiler.compile(
        '#set text(font: "Libertinus Serif")\n'
        "#text(7pt)[seven] #scale(50%, reflow: true)[#text(10pt)[five]] "
        "#rotate(90deg, reflow: true)[#text(12pt)[twelve]]",
        {},
    )
    sizes = sorted({run.size for run in text_runs(data)})
    assert sizes == [5.0, 7.0, 12.0]
    assert _too_small(text_runs(data), {"prose": PROSE_MIN}) != []


def _check_documents(pdfs: dict[str, bytes]) -> None:
    problems = []
    for name in DOCUMENTS:
        runs = text_runs(pdfs[f"{name}.pdf"])
        assert runs, name
        problems += [
            f"{name}.pdf {p}" for p in _too_small(runs, {"prose": PROSE_MIN, "table": TABLE_MIN})
        ]
    assert not problems, "\n".join(problems)


def _check_figures(pdfs: dict[str, bytes]) -> None:
    problems = []
    for name, data in sorted(pdfs.items()):
        if name.endswith(".pdf"):
            problems += [f"{name} {p}" for p in _too_small(text_runs(data), {"figure": FIGURE_MIN})]
    assert not problems, "\n".join(problems)


@needs_dot
def test_flagship_documents_readable_at_print_size() -> None:
    _check_documents(_pdfs(FLAGSHIP))


@needs_dot
@pytest.mark.slow
def test_300_system_documents_readable_at_print_size(estate_300: str) -> None:
    _check_documents(_pdfs(estate_300))


@needs_dot
def test_flagship_map_labels_readable_at_print_size() -> None:
    _check_figures(_pdfs(FLAGSHIP))


@needs_dot
@pytest.mark.slow
def test_300_system_map_labels_readable_at_print_size(estate_300: str) -> None:
    _check_figures(_pdfs(estate_300))


# -- no wasted or contradictory pages, nothing cut short ------------------------------


def _page_bodies(data: bytes) -> list[list[str]]:
    """Each page's lines without the running head (first line) and footer (last lines)."""
    import io

    from pypdf import PdfReader

    bodies = []
    for page in PdfReader(io.BytesIO(data)).pages:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        footer = next((i for i, line in enumerate(lines) if line.startswith("cadee ")), len(lines))
        bodies.append(lines[1:footer])
    return bodies


@needs_dot
@pytest.mark.parametrize("example", [FLAGSHIP, "examples/northwind-pilot/blueprint.yaml"])
def test_no_page_holds_only_the_provenance(example: str) -> None:
    pdfs = _pdfs(example)
    for name in DOCUMENTS:
        for number, body in enumerate(_page_bodies(pdfs[f"{name}.pdf"]), start=1):
            assert body[:1] != ["Provenance"], (
                f"{name}.pdf page {number} starts with the provenance"
            )
        # The last page carries the whole provenance (in its footer when the block
        # did not fit), the other pages the short form.
        assert "Provenance: generated by cadee" in _last_page_text(pdfs[f"{name}.pdf"]), name


@needs_dot
@pytest.mark.parametrize("example", [FLAGSHIP, "examples/northwind-pilot/blueprint.yaml"])
def test_a_table_legend_never_ends_a_page_without_its_table(example: str) -> None:
    """The responsibility matrix's heading and legend move to the next page with the
    matrix (`keep_with_next`): the flagship's ownership plan ended page 6 with them."""
    pdfs = _pdfs(example)
    legend = "O: owns the system. A: approves its changes. C: on call for it."
    seen = 0
    for name in ("ownership-plan", "runtime-observability"):
        for number, body in enumerate(_page_bodies(pdfs[f"{name}.pdf"]), start=1):
            if legend in body:
                seen += 1
                after = body[body.index(legend) + 1 :]
                assert "System" in after, f"{name}.pdf page {number} ends with the matrix's legend"
    assert seen == 2


def _last_page_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(PdfReader(io.BytesIO(data)).pages[-1].extract_text().split())


def _markdown(path: str) -> dict[str, str]:
    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        result = load_blueprint(path)
        assert result.blueprint is not None, result.errors
        report = check(result.blueprint, CheckOptions(as_of=AS_OF))
        files = render_pack(result.blueprint, report, formats=("md",), as_of=AS_OF)
    finally:
        os.chdir(cwd)
    return {name: data.decode() for name, data in files.items()}


def test_no_gaps_box_only_when_nothing_is_missing() -> None:
    """Northwind has tier-1 systems without a dashboard: no green "No gaps" above them."""
    runtime = _markdown(FLAGSHIP)["runtime-observability.md"]
    assert "tier-1 systems without a dashboard" in runtime
    assert "**No gaps**" not in runtime
    assert " more" not in runtime.split("## What is missing", 1)[1].split("\n## ", 1)[0]


@pytest.mark.slow
def test_large_evidence_documents_list_everything_in_an_appendix(estate_300: str) -> None:
    """300 systems: shortened table cells point to an appendix entry that lists them all."""
    import re

    files = _markdown(estate_300)
    referenced = 0
    for name in DOCUMENTS[1:]:  # the evidence documents (the brief points to them)
        text = files[f"{name}.md"]
        assert not re.search(r"… and \d+ more", text), name
        for count, ref in re.findall(r"… (\d+) in all, listed in appendix (A\d+)", text):
            referenced += 1
            entry = re.search(rf"^\*\*{ref}\. .*? \((\d+)\):\*\* (.*)$", text, re.MULTILINE)
            assert entry, (name, ref)
            assert entry.group(1) == count
            assert len(entry.group(2).split(", ")) >= int(count), (name, ref)
    assert referenced > 0


@pytest.mark.slow
def test_brief_kpi_rows_never_read_the_same(estate_300: str) -> None:
    """300 systems: each business unit has a "First-contact resolution"; the brief's
    rows add the KPI's id where names repeat (the flagship's names are unique and stay bare)."""
    brief = _markdown(estate_300)["brief.md"]
    table = brief.split("| KPI |", 1)[1].split("\n\n", 1)[0]
    labels = [line.split("|")[1].strip() for line in table.splitlines()[2:] if line.startswith("|")]
    assert len(labels) > 5 and len(set(labels)) == len(labels), labels
    assert any(label.startswith("First-contact resolution (") for label in labels)
    flagship = _markdown(FLAGSHIP)["brief.md"].split("| KPI |", 1)[1].split("\n\n", 1)[0]
    assert "First-contact resolution |" in flagship


def test_pdf_bundles_keep_documents_that_share_a_map_together() -> None:
    from cadee.render.pdf import bundle_jobs, share_groups

    # Costs: source, plus SVG inputs at 1/12 (pdf.SVG_CHARS_PER_SOURCE_CHAR).
    jobs = {
        "a.pdf": ("x" * 100, {"map:one": "s" * 12000}),
        "b.pdf": ("x" * 900, {}),
        "c.pdf": ("x" * 100, {"map:two": "s" * 6000, "map:one": "s" * 12000}),
        "d.pdf": ("x" * 800, {}),
        "e.pdf": ("x" * 100, {"map:two": "s" * 6000}),
    }
    bundles = bundle_jobs(jobs, 2)
    assert sorted(name for bundle in bundles for name in bundle) == sorted(jobs)
    together = next(b for b in bundles if "a.pdf" in b)
    assert {"a.pdf", "c.pdf", "e.pdf"} <= set(together)
    assert len(bundles) == 2 and set(bundles[1]) == {"b.pdf", "d.pdf"}
    assert share_groups(jobs) == [["a.pdf", "c.pdf", "e.pdf"], ["b.pdf"], ["d.pdf"]]
    assert bundle_jobs(jobs, 1) == [list(jobs)]
    assert len(bundle_jobs(jobs, 8)) == 3


# -- the atlas says where to find each system ---------------------------------------


def _atlas_pages(data: bytes) -> list[str]:
    """Each page's text of an atlas, whitespace removed (names wrap in table cells)."""
    import io

    from pypdf import PdfReader

    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def _check_atlas(path: str) -> None:
    """The index at the end of ``maps/full.pdf`` lists every system once, sorted by
    id, with a page number; that page is headed by the system's boundary."""
    import re

    pages = _atlas_pages(_pdfs(path)["maps/full.pdf"])
    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        loaded = load_blueprint(path).blueprint
    finally:
        os.chdir(cwd)
    assert loaded is not None
    boundaries = {b.id: b.name or b.id for b in loaded.boundaries}
    start = next(i for i, text in enumerate(pages) if text.startswith("Indexofsystems"))
    index = "".join(pages[start:])
    systems = sorted(loaded.systems, key=lambda s: (s.id.casefold(), s.id))
    cursor = 0
    for system in systems:
        row = "".join(f"{system.id}{system.name or ''}".split())
        assert index.count(row) == 1, f"{system.id} is not listed exactly once"
        found = index.find(row, cursor)
        assert found >= 0, f"{system.id} is out of order"
        cursor = found + len(row)
        number = re.match(r"\d+", index[cursor:])
        assert number, f"{system.id}: no page number"
        page = int(number.group())
        assert page <= start, f"{system.id}: page {page} is not a map page"
        boundary = boundaries.get(system.boundary or "", "Systems without a boundary")
        heading = "".join(f"Detail:{boundary}".split())
        assert pages[page - 1].startswith(heading), (
            f"{system.id}: page {page} is not the map of {boundary}"
        )
    # Every detail map is a page of the atlas, headed by its boundary.
    for name in {boundaries.get(s.boundary or "", "Systems without a boundary") for s in systems}:
        assert any(text.startswith("".join(f"Detail:{name}".split())) for text in pages[:start])


@needs_dot
def test_flagship_atlas_index_finds_every_system() -> None:
    _check_atlas(FLAGSHIP)


@needs_dot
@pytest.mark.slow
def test_300_system_atlas_index_finds_every_system(estate_300: str) -> None:
    _check_atlas(estate_300)


def _check_atlas_type(pdfs: dict[str, bytes]) -> None:
    """Every page of the atlas, its index included, at the documents' minimums."""
    runs = text_runs(pdfs["maps/full.pdf"])
    kinds = {"prose": PROSE_MIN, "table": TABLE_MIN, "figure": FIGURE_MIN}
    assert not (problems := _too_small(runs, kinds)), "\n".join(problems)
    last = max(run.page for run in runs)
    index_fonts = {_kind(run.font) for run in runs if run.page == last}
    assert "table" in index_fonts, "the index is not set in the tables' font"


@needs_dot
def test_flagship_atlas_readable_at_print_size() -> None:
    _check_atlas_type(_pdfs(FLAGSHIP))


@needs_dot
@pytest.mark.slow
def test_300_system_atlas_readable_at_print_size(estate_300: str) -> None:
    _check_atlas_type(_pdfs(estate_300))


@needs_dot
def test_flagship_atlas_index_in_markdown_and_html_links_each_system_to_its_map() -> None:
    import re

    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        blueprint = load_blueprint(FLAGSHIP).blueprint
        assert blueprint is not None
        report = check(blueprint, CheckOptions(as_of=AS_OF))
        files = render_pack(blueprint, report, formats=("md", "html", "svg"), as_of=AS_OF)
    finally:
        os.chdir(cwd)
    markdown, html = files["atlas.md"].decode(), files["atlas.html"].decode()
    assert "[md](atlas.md) · [html](atlas.html)" in files["README.md"].decode()
    ids = re.findall(r"^\| `([^`]+)` \|", markdown, re.MULTILINE)
    assert ids == sorted((s.id for s in blueprint.systems), key=lambda i: (i.casefold(), i))
    for system in blueprint.systems:
        link = f"maps/full/{system.boundary}.svg"
        assert link in files
        row = re.compile(rf"^\| `{re.escape(system.id)}` \| .* \| \[Detail: .*\]\({link}\) \|$")
        assert len([line for line in markdown.splitlines() if row.match(line)]) == 1, system.id
        assert f"<tr><td><code>{system.id}</code></td>" in html
        assert (
            html.split(f"<code>{system.id}</code>", 1)[1]
            .split("</tr>", 1)[0]
            .count(f'<a href="{link}">')
            == 1
        ), system.id
