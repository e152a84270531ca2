"""Documents as PDF: Typst source from ``document.typ.j2``, compiled by the typst package.

Maps reach Typst as Graphviz's SVG in ``sys.inputs``; their labels stay text
(searchable in the PDF) in the sans-serif font Graphviz measured them with,
found among the system fonts. Documents use Typst's embedded Libertinus Serif,
and ``document(date: none)`` keeps the wall clock out: the same input gives
the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cadee.render.model import Document

__all__ = [
    "PdfCompiler",
    "TypstFailed",
    "bundle_jobs",
    "compile_all",
    "heaviest_first",
    "render_source",
    "share_groups",
]


class TypstFailed(RuntimeError):
    """Typst rejected the generated source (a template problem)."""


def render_source(doc: Document, figures: Mapping[str, Any], pack: Any, env: Any) -> str:
    return str(env.get_template("document.typ.j2").render(doc=doc, figures=figures, pack=pack))


class PdfCompiler:
    """One Typst compiler for a whole pack: fonts are loaded once, layouts cached."""

    def __init__(self, root: Path, tagged: bool = True, packages: Path | None = None) -> None:
        import typst

        self._typst = typst
        # ``root`` is the only folder Typst reads files from (a private copy, see
        # cadee.render.sandbox.typst_root); ``packages`` keeps ``@local`` and
        # cached packages of the machine out of reach.
        folder = str(packages) if packages else None
        self._compiler = typst.Compiler(
            root=str(root), package_path=folder, package_cache_path=folder
        )
        #: Tagged (accessible) PDF; large packs skip it: tags double size and time.
        self._tagged = tagged

    def compile(self, source: str, inputs: Mapping[str, str], name: str = "") -> bytes:
        """The PDF of ``source``; :class:`TypstFailed` names ``name`` (the pack's file) and
        quotes the generated line Typst stopped at."""
        try:
            result = self._compiler.compile(
                input=source.encode("utf-8"),
                format="pdf",
                sys_inputs=dict(inputs),
                pdf_tags=self._tagged,
            )
        except self._typst.TypstError as exc:
            raise TypstFailed(_failure(exc, source, name)) from None
        assert isinstance(result, bytes)
        return result


#: Where Typst's diagnostic places an error in the generated source (``…typ:LINE:COLUMN``).
_AT = re.compile(r"__typst_py_bytes__\.typ:(\d+):\d+")


def _failure(exc: Exception, source: str, name: str) -> str:
    """One line: the document, Typst's message and the generated line it stopped at.

    The line is what the templates wrote (their text and the blueprint's), shortened
    and made safe for a terminal: a template or blueprint from a pull request
    cannot put escape sequences on the reader's screen.
    """
    from cadee.text import shorten, terminal

    detail = (getattr(exc, "message", "") or str(exc)).strip()
    message = f"typst could not compile {name or 'the document'}: {terminal(shorten(detail, 200))}"
    found = _AT.search(getattr(exc, "diagnostic", "") or "")
    lines = source.splitlines()
    if found and 0 < int(found.group(1)) <= len(lines):
        text = lines[int(found.group(1)) - 1].strip()
        message += f" (generated line {found.group(1)}: {terminal(shorten(text, 100))})"
    return message


def compile_all(
    jobs: Mapping[str, tuple[str, Mapping[str, str]]],
    root: Path,
    tagged: bool,
    separate: bool,
    packages: Path | None = None,
) -> dict[str, bytes]:
    """Compile ``name -> (source, inputs)`` in parallel, one compiler per group of
    documents that show the same map (:func:`share_groups`), so that map's SVG is
    parsed once, at most one compile per core (:data:`MAX_WORKERS`) at a time.

    Small packs compile in threads of this process (Typst releases the GIL
    while it compiles), the groups balanced into one bundle per core
    (:func:`bundle_jobs`). ``separate`` (large packs) compiles each group in a
    Python process of its own instead, heaviest first (:func:`heaviest_first`:
    the last to start should not be the longest): Typst's caches live as long as the
    process, and a process holding every document of a 1,000-system pack
    would peak at several GB (one per group keeps the peak at the largest
    document's). Where a document is compiled does not change its bytes.
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    workers = max(1, min(os.cpu_count() or 2, MAX_WORKERS))

    def in_thread(bundle: list[str]) -> dict[str, bytes]:
        compiler = PdfCompiler(root, tagged, packages)
        return {name: compiler.compile(*jobs[name], name=name) for name in bundle}

    def in_process(bundle: list[str]) -> dict[str, bytes]:
        return _compile_in_process(root, tagged, {name: jobs[name] for name in bundle}, packages)

    if separate and len(jobs) > 1:
        # Heaviest first: the last group to start should be a short one, not the
        # atlas of a 10,000-system estate compiling alone on one core for 10 s.
        compile_bundle, bundles = in_process, [group for _, group in heaviest_first(jobs)]
    else:
        compile_bundle, bundles = in_thread, bundle_jobs(jobs, workers)
    if len(bundles) == 1:
        done = compile_bundle(bundles[0])
    else:
        done = {}
        with ThreadPoolExecutor(min(workers, len(bundles))) as pool:
            for result in pool.map(compile_bundle, bundles):
                done.update(result)
    return {name: done[name] for name in jobs}


#: Most compiles at a time (a large pack's compile processes each hold Typst's caches).
MAX_WORKERS = 4


def share_groups(jobs: Mapping[str, tuple[str, Mapping[str, str]]]) -> list[list[str]]:
    """Job names grouped so that jobs sharing an input are together, in job order."""
    group_of: dict[str, int] = {}
    groups: list[list[str]] = []
    for name, (_, inputs) in jobs.items():
        joined = sorted({group_of[key] for key in inputs if key in group_of})
        if joined:
            target = joined[0]
            for other in joined[1:]:  # this job links groups: merge them
                groups[target].extend(groups[other])
                groups[other] = []
        else:
            target = len(groups)
            groups.append([])
        groups[target].append(name)
        for member in groups[target]:
            for key in jobs[member][1]:
                group_of[key] = target
    order = {name: index for index, name in enumerate(jobs)}
    return [sorted(group, key=order.__getitem__) for group in groups if group]


def bundle_jobs(jobs: Mapping[str, tuple[str, Mapping[str, str]]], workers: int) -> list[list[str]]:
    """The :func:`share_groups` in at most ``workers`` bundles of similar cost
    (source and inputs in characters), heaviest first. Deterministic."""

    bins: list[tuple[int, list[str]]] = []
    for weight, group in heaviest_first(jobs):
        if len(bins) < workers:
            bins.append((weight, list(group)))
            continue
        lightest = min(range(len(bins)), key=lambda b: (bins[b][0], b))
        bins[lightest] = (bins[lightest][0] + weight, bins[lightest][1] + group)
    order = {name: index for index, name in enumerate(jobs)}
    return [sorted(names, key=order.__getitem__) for _, names in bins]


#: Typst compiles about this many characters of SVG input (a map) in the time it
#: takes for one of document source (measured on the flagship and 1k packs: a
#: text-only document about 3 to 5 s of CPU per MB of source, maps about 0.2 to
#: 0.3 s per MB of SVG), so a bundle of maps is not taken for the heaviest.
SVG_CHARS_PER_SOURCE_CHAR = 12


def heaviest_first(
    jobs: Mapping[str, tuple[str, Mapping[str, str]]],
) -> list[tuple[int, list[str]]]:
    """The :func:`share_groups` with their cost (characters of source, and of
    inputs, each input once, at :data:`SVG_CHARS_PER_SOURCE_CHAR`), heaviest
    first, ties in job order. Deterministic."""

    def cost(names: list[str]) -> int:
        seen: dict[str, int] = {}
        total = 0
        for name in names:
            source, inputs = jobs[name]
            total += len(source)
            seen.update({key: len(value) for key, value in inputs.items()})
        return total + sum(seen.values()) // SVG_CHARS_PER_SOURCE_CHAR

    costed = [(cost(group), index, group) for index, group in enumerate(share_groups(jobs))]
    return [(weight, group) for weight, _, group in sorted(costed, key=lambda t: (-t[0], t[1]))]


def _compile_in_process(
    root: Path,
    tagged: bool,
    jobs: Mapping[str, tuple[str, Mapping[str, str]]],
    packages: Path | None = None,
) -> dict[str, bytes]:
    import json
    import subprocess
    import sys

    # Each input once, however many documents of the bundle show it.
    inputs: dict[str, str] = {}
    for _, job_inputs in jobs.values():
        inputs.update(job_inputs)
    payload = json.dumps(
        {
            "root": str(root),
            "tagged": tagged,
            "packages": str(packages) if packages else "",
            "inputs": inputs,
            "jobs": [
                [name, source, sorted(job_inputs)] for name, (source, job_inputs) in jobs.items()
            ],
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", "from cadee.render.pdf import _worker; _worker()"],
        input=payload.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TypstFailed(detail[-1] if detail else f"typst worker failed ({done.returncode})")
    # The PDFs in job order, each preceded by its length (8 bytes, big-endian).
    out, at = done.stdout, 0
    result: dict[str, bytes] = {}
    for name in jobs:
        size = int.from_bytes(out[at : at + 8], "big")
        result[name] = out[at + 8 : at + 8 + size]
        at += 8 + size
    return result


def _worker() -> None:
    """Entry point of a compile process: a JSON bundle on stdin, PDFs on stdout."""
    import json
    import sys

    job = json.loads(sys.stdin.buffer.read())
    inputs = job["inputs"]
    try:
        packages = Path(job["packages"]) if job.get("packages") else None
        compiler = PdfCompiler(Path(job["root"]), job["tagged"], packages)
        for name, source, keys in job["jobs"]:
            data = compiler.compile(source, {key: inputs[key] for key in keys}, name=name)
            sys.stdout.buffer.write(len(data).to_bytes(8, "big"))
            sys.stdout.buffer.write(data)
    except TypstFailed as exc:
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(3) from None
