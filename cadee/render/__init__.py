"""Render a blueprint into its evidence pack: maps, documents, the leadership brief.

The library API behind ``cadee render``. It returns file contents and writes
nothing::

    from cadee.render import render_pack
    files = render_pack(blueprint, report, formats=("md", "html"), as_of=date(2026, 6, 1))
    # {"brief.md": b"...", "maps/full.dot": b"...", ...}

Every document is built once as a :mod:`cadee.render.model` value, then
written through templates (``templates``) as Markdown, HTML and Typst
(compiled to PDF). Maps are Graphviz DOT laid out by Graphviz's ``dot``, and
Mermaid. The same blueprint and as-of date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cadee.check import Report
    from cadee.decision import Evaluation
    from cadee.diff.since import SinceDecision
    from cadee.graph import ArchitectureGraph
    from cadee.model import Blueprint
    from cadee.render import maps
    from cadee.render.maps import AtlasEntry
    from cadee.render.model import Document, Provenance

__all__ = [
    "DOCUMENT_FORMATS",
    "FORMATS",
    "NEEDS_DOT",
    "VIEWS",
    "IncompleteRender",
    "Pack",
    "RenderError",
    "TemplateProblem",
    "build_pack",
    "render_pack",
]

#: Every output format, in the order they are produced.
FORMATS = ("md", "html", "pdf", "svg", "png", "dot", "mmd")
#: Formats that carry the documents (the rest are maps only).
DOCUMENT_FORMATS = ("md", "html", "pdf")
#: Formats that need Graphviz's ``dot`` program.
NEEDS_DOT = frozenset({"html", "pdf", "svg", "png"})
VIEWS = ("full", "identity", "fallback")
#: Marker file: a folder holding it was written by ``cadee render`` and may be replaced.
MARKER = ".cadee-render"

# A4 text area and A3 pages, in points (Typst template margins: 1.7 cm sides, ~4 cm top+bottom).
_TEXT_WIDTH = 498.0
_FULL_HEIGHT = 600.0
_SMALL_HEIGHT = 300.0
_A3 = {"a3": (746.0, 1030.0), "a3-landscape": (1095.0, 690.0)}
#: Maps with more boxes than this get no PNG (:func:`wants_png`).
PNG_MAX_BOXES = 80
#: The smallest map type printed in the PDF documents, in points.
MIN_MAP_PT = 6.0
#: Figure key prefix of a whole map, for its own PDF, when the documents print a smaller one.
PAGE = "page:"
_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)pt"[^>]*?\bheight="([\d.]+)pt"', re.DOTALL)


class RenderError(Exception):
    """Rendering failed; nothing should be written."""


class TemplateProblem(RenderError):
    """A template is invalid or did something the sandbox refuses."""


@dataclass(slots=True)
class Pack:
    """The rendered files by relative path, and what could not be rendered."""

    files: dict[str, bytes]
    problems: list[str] = field(default_factory=list)


class IncompleteRender(RenderError):
    """Some formats could not be rendered (e.g. no Graphviz); ``pack`` holds the rest."""

    def __init__(self, pack: Pack) -> None:
        super().__init__("; ".join(pack.problems))
        self.pack = pack


@dataclass(frozen=True, slots=True)
class FigureAsset:
    """A rendered map as the templates see it."""

    key: str
    title: str
    #: Graphviz's SVG (text) ready to inline in HTML; empty when not rendered.
    svg: Any
    #: Key of the SVG in Typst's ``sys.inputs``.
    input: str
    width_pt: float
    height_pt: float
    mermaid: str
    #: Relative path of the SVG file in the pack, when it is written.
    link: str
    #: PDF layout per figure size ("full", "small"): width in pt and page ("" inline).
    pdf: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class MapRef:
    title: str
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PackInfo:
    """What the templates know about the whole pack (for cross-links and the index)."""

    title: str
    documents: tuple[Document, ...]
    document_formats: tuple[str, ...]
    maps: tuple[MapRef, ...]
    provenance: Provenance
    #: The atlas index: every system and its boundary's detail map, sorted by id.
    atlas: tuple[AtlasEntry, ...] = ()


def render_pack(
    blueprint: Blueprint,
    report: Report,
    formats: Collection[str] = FORMATS,
    views: Collection[str] = VIEWS,
    as_of: dt.date | None = None,
    templates_dir: str | os.PathLike[str] | None = None,
) -> dict[str, bytes]:
    """Every file of the pack, by relative path. Pure: writes nothing.

    Raises :class:`IncompleteRender` (with the other files) when a format
    cannot be rendered, :class:`TemplateProblem` for a bad template.
    """
    pack = build_pack(blueprint, report, formats, views, as_of, templates_dir)
    if pack.problems:
        raise IncompleteRender(pack)
    return pack.files


def _view_of(key: str) -> str:
    if key == "summary":
        return ""  # the brief's small map: inside the documents only
    return "full" if key == "overview" or key.startswith("full/") else key


def wants_png(key: str, diagram: maps.Diagram) -> bool:
    """Whether a map is drawn as PNG too: the maps people paste into a wiki or a
    slide (overview, full, identity, fallback) of up to :data:`PNG_MAX_BOXES`
    boxes. Not the per-boundary detail maps, read as SVG or in the atlas
    ``maps/full.pdf``, nor the maps of a large estate, whose PNG would be
    thousands of pixels wide (16,746 for the overview of 1,000 systems) and
    take most of Graphviz's time to draw: their SVG is the one to zoom."""
    return not key.startswith("full/") and len(diagram.nodes) <= PNG_MAX_BOXES


def _map_pdfs(written: Sequence[str]) -> dict[str, list[str]]:
    """Map PDFs by file stem: one per map, except per-boundary detail maps,
    which share one atlas (``maps/full.pdf``: the whole map when there is one,
    then a page per boundary). Keys are figure keys (``page:identity`` for the
    whole map when the documents print a smaller one)."""
    result: dict[str, list[str]] = {}
    for key in written:
        stem = key.removeprefix(PAGE)
        result.setdefault("full" if stem.startswith("full/") else stem, []).append(key)
    return result


#: File stem of the atlas index in Markdown and HTML (``atlas.md``, ``atlas.html``;
#: templates ``atlas.md.j2``, ``atlas.html.j2``).
ATLAS_INDEX = "atlas"


def _legible(svg: str) -> bool:
    """Whether the documents can print this map with its smallest type at 6 pt or more."""
    from cadee.render.maps import LABEL_FONT

    width, height = _svg_size(svg)
    layout = _pdf_layout(width, height)["full"]
    return bool(LABEL_FONT * layout["width"] / width >= MIN_MAP_PT - 0.01)


def _pdf_layout(width: float, height: float) -> dict[str, dict[str, Any]]:
    """Where and how wide a map is printed in the PDF documents, per figure size.

    A map is never printed smaller than its smallest type (``maps.LABEL_FONT``)
    at :data:`MIN_MAP_PT`: a small figure grows up to the A4 text area, a full one
    that does not fit on A4 at that scale gets an A3 page of its own, portrait
    or landscape, whichever prints it larger. A map that A3 cannot hold at that
    scale is the caller's to split (the per-boundary detail maps).
    """
    from cadee.render.maps import LABEL_FONT

    floor = MIN_MAP_PT / LABEL_FONT
    a4 = min(1.0, _TEXT_WIDTH / width, _FULL_HEIGHT / height)
    small = max(min(1.0, _TEXT_WIDTH / width, _SMALL_HEIGHT / height), min(a4, floor))
    layout: dict[str, dict[str, Any]] = {
        "small": {"width": round(width * small, 1), "page": ""},
        "full": {"width": round(width * a4, 1), "page": ""},
    }
    if a4 < floor:
        best = max(_A3, key=lambda page: min(_A3[page][0] / width, _A3[page][1] / height))
        scale = min(1.0, _A3[best][0] / width, _A3[best][1] / height)
        layout["full"] = {"width": round(width * scale, 1), "page": best}
    return layout


def _charts(blueprint: Blueprint, evaluation: Evaluation) -> dict[str, str]:
    """``chart/<kpi id> -> SVG`` when matplotlib is installed (the ``charts`` extra).

    matplotlib is imported only when some KPI has a measurement to draw: its
    import alone costs about 0.4 s of CPU, which a pack without charts (a
    generated estate) should not pay.
    """
    from cadee.render.charts import charted_kpis, charts_available, kpi_charts

    if not charted_kpis(blueprint, evaluation) or not charts_available():
        return {}
    return {
        f"chart/{kpi}": svg.decode("utf-8")
        for kpi, svg in kpi_charts(blueprint, evaluation).items()
    }


def _svg_size(svg: str) -> tuple[float, float]:
    match = _SVG_SIZE.search(svg)
    if not match:
        return _TEXT_WIDTH, _FULL_HEIGHT
    return float(match.group(1)), float(match.group(2))


@dataclass(slots=True)
class DrawnMaps:
    """Maps laid out by Graphviz: what the pack's files hold and what the documents print."""

    #: Graphviz's SVG of each map, whole (the pack's ``maps/<key>.svg``).
    svgs: dict[str, str]
    #: PNG of the maps drawn as PNG too (:func:`wants_png`), still being drawn.
    pngs: dict[str, Future[dict[str, bytes]]]
    #: key -> (title, SVG) printed in the documents instead of a map too large to print.
    printed: dict[str, tuple[str, str]]
    #: The DOT source of each map drawn (of ``diagrams``, not of the printed ones).
    dots: dict[str, str]


def draw_maps(
    graph: ArchitectureGraph,
    flagged: frozenset[str],
    diagrams: dict[str, maps.Diagram],
    written: list[str],
    formats: Collection[str],
    views: Collection[str],
    documents: bool,
    pool: ThreadPoolExecutor,
) -> DrawnMaps:
    """Lay every map out with Graphviz, each once, in parallel processes.

    With ``documents`` (HTML or PDF: they show the maps), a map the PDF
    documents cannot print with its smallest type at :data:`MIN_MAP_PT` is
    split or aggregated (:func:`maps.smaller`) up to :data:`maps.SMALLER_STEPS`
    times; the detail maps a split makes are
    added to ``diagrams`` (and to ``written`` with the full view).

    The PNGs are left drawing in ``pool`` when this returns: drawing a PNG
    takes Graphviz 10 to 20 times as long as laying the map out (0.45 s
    against 0.03 s for the flagship's full map), and nothing else waits for
    them, while the documents wait for the SVGs. Each PNG comes from a
    ``dot`` call of its own, the same bytes as from the SVG's call.
    """
    from cadee.render import maps as maps_

    def lay_out(sources: Mapping[str, str]) -> dict[str, str]:
        futures = {key: pool.submit(maps_.run_dot, dot, ("svg",)) for key, dot in sources.items()}
        return {key: future.result()["svg"].decode("utf-8") for key, future in futures.items()}

    as_svg = [key for key in diagrams if documents or ("svg" in formats and key in written)]
    as_png = [
        key
        for key, diagram in diagrams.items()
        if "png" in formats and key in written and wants_png(key, diagram)
    ]
    dots = {key: maps_.to_dot(diagrams[key]) for key in dict.fromkeys([*as_svg, *as_png])}
    svgs = lay_out({key: dots[key] for key in as_svg})
    printed: dict[str, tuple[str, str]] = {}
    if documents:
        too_large = {
            key: (diagrams[key], dots[key])
            for key in svgs
            if key != "summary" and not _legible(svgs[key])
        }
        builder = maps_.DiagramBuilder(graph, flagged)
        added, printed = _print_smaller(builder, too_large, diagrams.keys(), lay_out)
        for key, (diagram, svg, dot) in added.items():  # new detail maps: maps of the pack too
            diagrams[key], svgs[key], dots[key] = diagram, svg, dot
            if "full" in views:
                written.append(key)
    # Submitted last: the pool's workers take the SVGs the documents wait for first.
    pngs = {key: pool.submit(maps_.run_dot, dots[key], ("png",)) for key in as_png}
    return DrawnMaps(svgs, pngs, printed, dots)


def _print_smaller(
    builder: maps.DiagramBuilder,
    too_large: dict[str, tuple[maps.Diagram, str]],
    known: Collection[str],
    lay_out: Callable[[Mapping[str, str]], dict[str, str]],
) -> tuple[dict[str, tuple[maps.Diagram, str, str]], dict[str, tuple[str, str]]]:
    """The smaller maps the documents print instead of ``too_large`` ones (key -> the
    map and its DOT), made by :func:`maps.smaller` one step at a time while any is
    still too large to print. Returns the new detail maps a split makes (key ->
    map, SVG, DOT; keys not in ``known``) and, for the others, what to print
    (key -> title, SVG)."""
    from cadee.render import maps as maps_

    known = set(known)
    added: dict[str, tuple[maps_.Diagram, str, str]] = {}
    printed: dict[str, tuple[str, str]] = {}
    for step in range(1, maps_.SMALLER_STEPS + 1):
        made: dict[str, tuple[maps_.Diagram, str]] = {}
        later: dict[str, tuple[maps_.Diagram, str]] = {}
        for key, (diagram, dot) in too_large.items():
            instead = {
                k: (d, maps_.to_dot(d)) for k, d in maps_.smaller(builder, diagram, step).items()
            }
            if key in instead and instead[key][1] == dot:
                instead = {}  # the same map (a large estate's identity map is aggregated already)
            made.update(instead)
            if not instead:
                later[key] = (diagram, dot)
        laid = lay_out({key: dot for key, (_, dot) in made.items()})
        for key, (diagram, dot) in made.items():
            svg = laid[key]
            if key not in known:
                known.add(key)
                added[key] = (diagram, svg, dot)
            else:
                printed[key] = (diagram.title, svg)
            if not _legible(svg):
                later[key] = (diagram, dot)
        too_large = later
    return added, printed


#: The Typst templates that work together: ``document.typ.j2`` defines the names
#: (colours, sizes, helpers) that ``blocks.typ.j2`` uses.
_TYPST_TEMPLATES = ("document.typ.j2", "blocks.typ.j2")


def _mixed_templates(templates_dir: str | os.PathLike[str] | None) -> str:
    """A hint for a Typst failure when ``--templates`` replaces some Typst templates but
    not the others: a ``document.typ.j2`` copied from an older cadee lacks names that
    the built-in ``blocks.typ.j2`` of this version uses (and the other way round)."""
    from cadee.render.templating import BUILTIN_TEMPLATES

    if templates_dir is None:
        return ""
    folder = Path(templates_dir)
    own = [name for name in _TYPST_TEMPLATES if (folder / name).is_file()]
    if not own or len(own) == len(_TYPST_TEMPLATES):
        return ""
    built_in = [name for name in _TYPST_TEMPLATES if name not in own]
    return (
        f"; {folder} replaces {' and '.join(own)} but not {' and '.join(built_in)}: "
        f"templates copied from another version of cadee may lack names the built-in "
        f"ones use; compare them with cadee's own in {BUILTIN_TEMPLATES}"
    )


def build_pack(
    blueprint: Blueprint,
    report: Report,
    formats: Collection[str] = FORMATS,
    views: Collection[str] = VIEWS,
    as_of: dt.date | None = None,
    templates_dir: str | os.PathLike[str] | None = None,
    since: SinceDecision | None = None,
) -> Pack:
    """Render the pack; formats that cannot be rendered are listed in ``problems``.

    ``since`` (``cadee render --since REV``) adds what changed since the last decision to the brief.
    """
    from cadee.decision import evaluate
    from cadee.graph import build_graph
    from cadee.render import documents, maps
    from cadee.render.model import provenance_of

    wanted = [f for f in FORMATS if f in set(formats)]
    wanted_views = [v for v in VIEWS if v in set(views)]
    problems: list[str] = []
    if any(f in NEEDS_DOT for f in wanted) and not maps.dot_available():
        failed = [f for f in wanted if f in NEEDS_DOT]
        problems.append(
            f"not rendered: {', '.join(failed)} (Graphviz's `dot` program was not found; "
            f"{maps.INSTALL_HINT})"
        )
        wanted = [f for f in wanted if f not in NEEDS_DOT]
    doc_formats = [f for f in wanted if f in DOCUMENT_FORMATS]
    provenance = provenance_of(blueprint, (as_of or report.as_of).isoformat())
    evaluation = evaluate(blueprint, report.as_of)
    # The graph the rules ran on, unless the report is of another blueprint object.
    graph = (
        report.graph
        if report.graph is not None and report.graph.blueprint is blueprint
        else build_graph(blueprint)
    )
    flagged = documents.flagged_targets(report)
    diagrams = maps.build_diagrams(graph, flagged, VIEWS if doc_formats else wanted_views)
    written = [key for key in diagrams if _view_of(key) in wanted_views]
    files: dict[str, bytes] = {}

    workers = max(1, min(os.cpu_count() or 2, 8))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # KPI charts (matplotlib) are drawn while dot lays the maps out.
        charts_future = pool.submit(_charts, blueprint, evaluation) if doc_formats else None
        drawn = draw_maps(
            graph,
            flagged,
            diagrams,
            written,
            formats=wanted,
            views=wanted_views,
            documents="html" in wanted or "pdf" in wanted,
            pool=pool,
        )
        svgs, printed = dict(drawn.svgs), drawn.printed
        mermaid = {key: maps.to_mermaid(d) for key, d in diagrams.items()}
        for key in written:
            if "dot" in wanted:
                dot = drawn.dots.get(key) or maps.to_dot(diagrams[key])
                files[f"maps/{key}.dot"] = dot.encode("utf-8")
            if "mmd" in wanted:
                files[f"maps/{key}.mmd"] = mermaid[key].encode("utf-8")
        if "svg" in wanted:
            files.update({f"maps/{key}.svg": svgs[key].encode("utf-8") for key in written})

        from cadee.render.html import inline_svg

        def figure(key: str, title: str, svg: str, input_: str) -> FigureAsset:
            width, height = _svg_size(svg) if svg else (0.0, 0.0)
            text = mermaid[key]
            return FigureAsset(
                key=key,
                title=title,
                svg=inline_svg(svg) if svg else "",
                input=input_,
                width_pt=width,
                height_pt=height,
                mermaid=text if len(text) <= maps.MERMAID_LIMIT else "",
                link=f"maps/{key}.svg" if "svg" in wanted and key in written else "",
                pdf=_pdf_layout(width, height) if width else {},
            )

        figures: dict[str, FigureAsset] = {}
        pages = list(written)  # the maps' own PDFs: each map whole, on a page of its size
        for key, diagram in diagrams.items():
            if key in printed:
                title, svg = printed[key]
                figures[key] = figure(key, title, svg, f"print:{key}")
                figures[f"{PAGE}{key}"] = figure(key, diagram.title, svgs[key], f"map:{key}")
                svgs[f"{PAGE}{key}"] = svgs[key]
                svgs[key] = svg
                pages = [f"{PAGE}{k}" if k == key else k for k in pages]
            else:
                figures[key] = figure(key, diagram.title, svgs.get(key, ""), f"map:{key}")

        charts = charts_future.result() if charts_future is not None else {}
        for key, chart in charts.items():
            width, height = _svg_size(chart)
            figures[key] = FigureAsset(
                key=key,
                title=key,
                svg=inline_svg(chart),
                input=f"chart:{key}",
                width_pt=width,
                height_pt=height,
                mermaid="",
                link=f"charts/{key.split('/', 1)[1]}.svg",
                pdf={"chart": {"width": width, "page": ""}},
            )
            files[f"charts/{key.split('/', 1)[1]}.svg"] = chart.encode("utf-8")
        svgs = {**svgs, **charts}
        ctx = documents.Context.create(
            report, provenance, [*diagrams, *charts], graph, evaluation, since
        )
        docs = documents.build_documents(ctx)
        map_refs = tuple(
            MapRef(
                diagrams[key].title,
                tuple(
                    f"maps/{'full' if ext == 'pdf' and key.startswith('full/') else key}.{ext}"
                    for ext in ("svg", "png", "pdf", "dot", "mmd")
                    if ext in wanted and (ext != "png" or wants_png(key, diagrams[key]))
                ),
            )
            for key in written
        )
        atlas = tuple(maps.atlas_index(blueprint, diagrams, written))
        index_paths = tuple(f"{ATLAS_INDEX}.{ext}" for ext in ("md", "html") if ext in doc_formats)
        if atlas and index_paths:
            map_refs += (MapRef("Index of systems: the detail map of each system", index_paths),)
        info = PackInfo(
            blueprint.meta.title, tuple(docs), tuple(doc_formats), map_refs, provenance, atlas
        )
        root = Path(templates_dir) if templates_dir else None
        large = len(blueprint.systems) > maps.DETAIL_THRESHOLD
        if root is None:
            files.update(
                _render_documents(docs, figures, info, doc_formats, svgs, pages, None, large)
            )
        else:  # templates from outside cadee: rendered with a CPU, memory and time budget
            files.update(
                _render_documents_bounded(
                    docs, figures, info, doc_formats, svgs, pages, root, large
                )
            )
        # The PNGs were drawn while the documents were rendered.
        files.update({f"maps/{key}.png": png.result()["png"] for key, png in drawn.pngs.items()})
    return Pack(dict(sorted(files.items())), problems)


def _render_documents(
    docs: Sequence[Document],
    figures: Mapping[str, FigureAsset],
    info: PackInfo,
    doc_formats: Sequence[str],
    svgs: Mapping[str, str],
    written: Sequence[str],
    templates_dir: Path | None,
    large: bool = False,
    on_template: Callable[[str], None] | None = None,
) -> dict[str, bytes]:
    from jinja2 import TemplateError

    from cadee.render import html, markdown, pdf
    from cadee.render.sandbox import TemplateLimits, template_location, typst_root
    from cadee.render.templating import environment

    limits = TemplateLimits.from_environment()
    files: dict[str, bytes] = {}
    current = "?"

    def at(name: str) -> None:
        nonlocal current
        current = name
        if on_template is not None:
            on_template(name)

    try:
        if "md" in doc_formats:
            at("document.md.j2")
            env = environment("md", templates_dir, limits)
            for doc in docs:
                files[f"{doc.name}.md"] = markdown.render_document(doc, figures, info, env).encode(
                    "utf-8"
                )
            if info.atlas:
                at("atlas.md.j2")
                files[f"{ATLAS_INDEX}.md"] = markdown.render_atlas(info, figures, env).encode(
                    "utf-8"
                )
            at("index.md.j2")
            files["README.md"] = markdown.render_index(info, env).encode("utf-8")
        if "html" in doc_formats:
            at("document.html.j2")
            env = environment("html", templates_dir, limits)
            for doc in docs:
                files[f"{doc.name}.html"] = html.render_document(doc, figures, info, env).encode(
                    "utf-8"
                )
            if info.atlas:
                at("atlas.html.j2")
                files[f"{ATLAS_INDEX}.html"] = html.render_atlas(info, figures, env).encode("utf-8")
        if "pdf" in doc_formats:
            at("document.typ.j2")
            env = environment("typ", templates_dir, limits)

            def inputs(keys: Sequence[str]) -> dict[str, str]:
                # Only the maps a document shows: each input is copied into Typst.
                return {figures[k].input: svgs[k] for k in dict.fromkeys(keys) if k in svgs}

            jobs: dict[str, tuple[str, dict[str, str]]] = {}
            for doc in docs:
                keys = [block.key for block in doc.figure_blocks()]
                jobs[f"{doc.name}.pdf"] = (pdf.render_source(doc, figures, info, env), inputs(keys))
            at("map.typ.j2")
            for name, keys in _map_pdfs(written).items():
                source = env.get_template("map.typ.j2").render(
                    figures=[figures[key] for key in keys],
                    provenance=info.provenance,
                    atlas=info.atlas if name == "full" else (),
                )
                jobs[f"maps/{name}.pdf"] = (source, inputs(keys))
            at("document.typ.j2 (typst)")
            # Typst reads files only from a private copy of the templates folder.
            with typst_root(templates_dir, limits) as (root, packages):
                try:
                    files.update(
                        pdf.compile_all(
                            jobs, root, tagged=not large, separate=large, packages=packages
                        )
                    )
                except pdf.TypstFailed as exc:
                    # Name the templates folder, not the private copy Typst read.
                    shown = str(templates_dir) if templates_dir else "the built-in templates"
                    message = str(exc).replace(str(root), shown)
                    raise pdf.TypstFailed(message + _mixed_templates(templates_dir)) from None
    except TemplateError as exc:
        located = template_location(exc.__traceback__)
        where = (
            getattr(exc, "filename", None)
            or getattr(exc, "name", None)
            or (located[0] if located else current)
        )
        line = getattr(exc, "lineno", None) or (located[1] if located else None)
        location = f"{Path(where).name}:{line}" if line else Path(where).name
        raise TemplateProblem(f"template {location}: {exc.message or type(exc).__name__}") from None
    except pdf.TypstFailed as exc:
        raise TemplateProblem(str(exc)) from None
    except (
        ArithmeticError,
        LookupError,
        TypeError,
        ValueError,
        RecursionError,
        MemoryError,
    ) as exc:
        # Raised by Python code a template called (``1/0``, ``[]|first``): only
        # when a template frame is on the stack, else it is cadee's own bug.
        located = template_location(exc.__traceback__)
        if located is None:
            raise
        what = (
            "out of memory"
            if isinstance(exc, MemoryError)
            else f"{type(exc).__name__}: {str(exc)[:200]}"
        )
        raise TemplateProblem(f"template {Path(located[0]).name}:{located[1]}: {what}") from None
    return files


def _render_documents_bounded(
    docs: Sequence[Document],
    figures: Mapping[str, FigureAsset],
    info: PackInfo,
    doc_formats: Sequence[str],
    svgs: Mapping[str, str],
    written: Sequence[str],
    templates_dir: Path,
    large: bool = False,
) -> dict[str, bytes]:
    """:func:`_render_documents` for templates from outside cadee, in a child
    process with CPU, memory and wall-clock limits (see cadee.render.sandbox)."""
    import pickle

    from cadee.render.sandbox import TemplateLimits, run_bounded

    limits = TemplateLimits.from_environment()
    payload = pickle.dumps(
        (docs, figures, info, doc_formats, svgs, written, templates_dir, large),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    outcome = run_bounded("cadee.render", "_bounded_worker", payload, limits)
    if outcome.problem is not None:
        raise TemplateProblem(outcome.problem)
    return outcome.files


def _bounded_worker() -> None:
    """Entry point of the rendering process (see :func:`cadee.render.sandbox.child_main`)."""
    from cadee.render.sandbox import ChildFailure, child_main

    def job(payload: bytes, on_template: Callable[[str], None]) -> dict[str, bytes]:
        import pickle

        # Written by the parent cadee process, never by a template.
        docs, figures, info, doc_formats, svgs, written, templates_dir, large = pickle.loads(
            payload
        )
        try:
            return _render_documents(
                docs,
                figures,
                info,
                doc_formats,
                svgs,
                written,
                templates_dir,
                large,
                on_template=on_template,
            )
        except TemplateProblem as exc:
            raise ChildFailure(str(exc)) from None

    child_main(job)
