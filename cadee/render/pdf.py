"""Documents as PDF: Typst source from ``document.typ.j2``, compiled by the typst package.

Maps reach Typst as Graphviz's SVG in ``sys.inputs``; their labels stay text
(searchable in the PDF) in the sans-serif font Graphviz measured them with,
found among the system fonts. Documents use Typst's embedded Libertinus Serif,
and ``document(date: none)`` keeps the wall clock out: the same input gives
the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cadee.render.model import Document

__all__ = ["PdfCompiler", "TypstFailed", "compile_all", "render_source"]


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

    def compile(self, source: str, inputs: Mapping[str, str]) -> bytes:
        try:
            result = self._compiler.compile(
                input=source.encode("utf-8"),
                format="pdf",
                sys_inputs=dict(inputs),
                pdf_tags=self._tagged,
            )
        except self._typst.TypstError as exc:
            detail = getattr(exc, "message", "") or str(exc)
            raise TypstFailed(f"typst could not compile the document: {detail.strip()}") from None
        assert isinstance(result, bytes)
        return result


def compile_all(
    jobs: Mapping[str, tuple[str, Mapping[str, str]]],
    root: Path,
    tagged: bool,
    separate: bool,
    packages: Path | None = None,
) -> dict[str, bytes]:
    """Compile ``name -> (source, inputs)``.

    ``separate`` (large packs) compiles each document in a Python process of
    its own: Typst keeps its caches for the life of a process, so a
    1,000-system pack would peak at several GB in one, and separate processes
    also use every core (Typst holds the GIL).
    """
    if not separate or len(jobs) < 2:
        compiler = PdfCompiler(root, tagged, packages)
        return {name: compiler.compile(source, inputs) for name, (source, inputs) in jobs.items()}
    import os
    from concurrent.futures import ThreadPoolExecutor

    workers = max(1, min(os.cpu_count() or 2, len(jobs), 4))
    with ThreadPoolExecutor(workers) as pool:
        futures = {
            name: pool.submit(_compile_in_process, root, tagged, source, inputs, packages)
            for name, (source, inputs) in jobs.items()
        }
        return {name: future.result() for name, future in futures.items()}


def _compile_in_process(
    root: Path, tagged: bool, source: str, inputs: Mapping[str, str], packages: Path | None = None
) -> bytes:
    import json
    import subprocess
    import sys

    payload = json.dumps(
        {
            "root": str(root),
            "tagged": tagged,
            "source": source,
            "inputs": dict(inputs),
            "packages": str(packages) if packages else "",
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
    return done.stdout


def _worker() -> None:
    """Entry point of a compile process: JSON job on stdin, PDF bytes on stdout."""
    import json
    import sys

    job = json.loads(sys.stdin.buffer.read())
    try:
        packages = Path(job["packages"]) if job.get("packages") else None
        data = PdfCompiler(Path(job["root"]), job["tagged"], packages).compile(
            job["source"], job["inputs"]
        )
    except TypstFailed as exc:
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(3) from None
    sys.stdout.buffer.write(data)
