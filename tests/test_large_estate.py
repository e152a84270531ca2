"""A large estate's documents stay complete and printable (issues #18 and #21).

Above :data:`cadee.render.documents.SUMMARY_THRESHOLD` systems the documents
summarise per boundary and refer to the atlas for the per-boundary detail
maps; this checks the structure of a generated estate's PDFs (never timing).
The threshold is lowered for the test so that a 400-system estate takes the
large-estate path: the same code as at 10,000 systems, in seconds rather than
minutes (`python -m benchmarks` renders the 10k estate itself).
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pytest

from benchmarks.generate import generate_estate, write_estate
from cadee.check import CheckOptions, check
from cadee.load import load_blueprint
from cadee.render import documents, render_pack
from tests.conftest import AS_OF
from tests.test_render import needs_dot

SYSTEMS = 400
#: Lowered from :data:`cadee.render.documents.SUMMARY_THRESHOLD` for the test.
THRESHOLD = 300


@functools.cache
def _pack(folder: str) -> dict[str, bytes]:
    path = write_estate(generate_estate(SYSTEMS), Path(folder))
    result = load_blueprint(str(path))
    assert result.blueprint is not None, result.errors
    report = check(result.blueprint, CheckOptions(as_of=AS_OF))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents, "SUMMARY_THRESHOLD", THRESHOLD)
        return render_pack(result.blueprint, report, formats=("md", "pdf"), as_of=AS_OF)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _pack(str(tmp_path_factory.mktemp("estate-400")))


def _pdf_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages)


@pytest.mark.slow
@needs_dot
def test_large_estate_documents_summarise_and_refer_to_the_atlas(
    pack: dict[str, bytes],
) -> None:
    assert documents.SUMMARY_THRESHOLD > SYSTEMS > THRESHOLD
    atlas_pages, _ = _pdf_text(pack["maps/full.pdf"])

    _, text = _pdf_text(pack["integration-map.pdf"])
    flat = " ".join(text.split())
    # The overview is printed, the detail maps are not: the text names the atlas instead.
    assert "maps/full.pdf" in flat
    assert "Detail map:" not in flat
    # The Markdown is the same document: no detail map sections, one row per boundary.
    md = pack["integration-map.md"].decode()
    assert "Detail map:" not in md and "maps/full.pdf" in md
    systems = md.split("\n## Systems\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in systems.splitlines() if line.startswith("| **")]
    assert 10 < len(rows) < SYSTEMS / 5
    assert atlas_pages >= len(rows)  # the atlas: a page per boundary
    assert sum(int(row.split(" | ")[1].replace(",", "")) for row in rows) == SYSTEMS
    # Each shortened list is complete in the appendix.
    references = re.findall(r"… (\d+) in all, listed in appendix (A\d+)", md)
    assert len(references) > 10
    for count, ref in references:
        entry = re.search(rf"^\*\*{ref}\. .*? \((\d+)\):\*\* (.*)$", md, re.MULTILINE)
        assert entry and entry.group(1) == count, ref

    # The runtime plan refers to the ownership plan instead of repeating it.
    _, runtime = _pdf_text(pack["runtime-observability.pdf"])
    runtime = " ".join(runtime.split())
    assert "Systems: owner, approvers, on call" not in runtime
    assert "ownership plan is a document of its own" in runtime
    _, ownership = _pdf_text(pack["ownership-plan.pdf"])
    ownership = " ".join(ownership.split())
    assert "Systems: owner, approvers, on call" in ownership
    assert "Appendix: complete lists" in ownership


@pytest.mark.slow
@needs_dot
def test_the_brief_shows_the_measured_kpis_first_and_lists_every_kpi_in_its_appendix(
    pack: dict[str, bytes],
) -> None:
    """A brief of hundreds of KPIs would be pages of "not measured" rows before the gates."""
    md = pack["brief.md"].decode()
    section = md.split("How do resolution, handle time and service quality compare?", 1)[1]
    table = section.split("\n\n| KPI", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines()[2:] if line.startswith("| ")]
    assert len(rows) == documents.BRIEF_KPIS
    shown = re.search(
        r"(\d+) of (\d+) KPIs shown, .*?; every KPI with its result is listed in appendix (A\d+)",
        section,
    )
    assert shown and int(shown.group(1)) == documents.BRIEF_KPIS
    total, ref = int(shown.group(2)), shown.group(3)
    assert total > documents.BRIEF_KPIS
    entry = re.search(rf"^\*\*{ref}\. KPIs and their results \((\d+)\):\*\* (.*)$", md, re.M)
    assert entry and int(entry.group(1)) == total
    assert entry.group(2).count("): ") == total  # "name (id): result" for each KPI
    assert "KPIs not measured, so not charted." in section
