"""Confinement and bounds for templates, which may come from an untrusted pull request.

Three layers, cheapest first:

* **What a template may read.** :class:`ConfinedLoader` gives Jinja only
  regular files inside the template folders, after resolving symbolic links
  (``env.txt -> /proc/self/environ`` is refused, located). Typst reads files
  relative to its ``root``: :func:`typst_root` makes that a private temporary
  folder holding vetted copies of the allowed files and nothing else, with
  empty package folders, so ``read("env.txt")`` or ``@local`` packages find
  nothing outside it.
* **Cheap caps inside the sandbox.** :class:`BoundedEnvironment` refuses
  ``*``, ``**`` and ``%`` whose result would exceed :attr:`TemplateLimits.max_items`
  before computing it (``'A' * 3000000000`` is refused at once, with the
  template line), and :class:`BoundedTemplate` stops output above
  :attr:`TemplateLimits.max_output_chars`. Jinja's sandbox already caps
  ``range()`` at 100,000 items.
* **A budget for everything else.** Nested loops, or growth through filters
  and methods the caps do not see, are bounded by running custom templates in
  a child process (:func:`run_bounded`) with ``RLIMIT_CPU`` and ``RLIMIT_AS``
  and a wall-clock timeout. The soft CPU limit raises an exception at the
  running template line (the error names file and line); the hard limit and
  the timeout kill the process (the error names the template being rendered).

Why a process rather than a checked counter: Jinja compiles templates to
Python, so loops and filters run as ordinary bytecode and C calls that no
counter sees, and a thread cannot be stopped. A process is the only bound
that also covers memory and Typst (Rust). It costs one interpreter start
and imports (about 0.6 s of CPU per render) and is used only with
``--templates``: the built-in templates ship with cadee and need no budget.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import BaseLoader, Template, TemplateNotFound
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

__all__ = [
    "BoundedEnvironment",
    "BoundedTemplate",
    "ChildFailure",
    "ConfinedLoader",
    "Outcome",
    "TemplateLimits",
    "TemplateRefused",
    "bounded_filters",
    "child_main",
    "confined_file",
    "run_bounded",
    "template_location",
    "typst_root",
]


@dataclass(frozen=True, slots=True)
class TemplateLimits:
    """Bounds on rendering custom templates. The defaults leave a 5,000-system
    pack room; ``CADEE_TEMPLATE_CPU_SECONDS`` and ``CADEE_TEMPLATE_MEMORY_MB``
    (set by whoever runs cadee, not by the repository) raise them."""

    #: Longest string or sequence that ``*``/``%`` may build, in characters or items.
    max_items: int = 10_000_000
    #: Largest output of one template, in characters.
    max_output_chars: int = 200_000_000
    #: Largest template file, and all files copied for Typst together, in bytes.
    max_template_bytes: int = 16_000_000
    max_typst_files_bytes: int = 64_000_000
    #: CPU seconds and address space of the rendering process.
    cpu_seconds: int = 300
    memory_bytes: int = 4 << 30
    #: Wall-clock seconds before the rendering process is killed.
    wall_seconds: int = 600

    @classmethod
    def from_environment(cls) -> TemplateLimits:
        defaults = cls()
        cpu = _positive_int(os.environ.get("CADEE_TEMPLATE_CPU_SECONDS"), defaults.cpu_seconds)
        memory = (
            _positive_int(os.environ.get("CADEE_TEMPLATE_MEMORY_MB"), defaults.memory_bytes >> 20)
            << 20
        )
        return cls(
            cpu_seconds=cpu, memory_bytes=memory, wall_seconds=max(defaults.wall_seconds, 2 * cpu)
        )


def _positive_int(text: str | None, default: int) -> int:
    try:
        value = int(text or "")
    except ValueError:
        return default
    return value if value > 0 else default


class TemplateRefused(SecurityError):
    """A template tried to read something it may not, or to exceed a bound."""


# -- reading templates -----------------------------------------------------------------


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def confined_file(folder: Path, relative: str, max_bytes: int) -> Path:
    """``folder/relative`` resolved, if it is a regular file inside ``folder``.

    Raises :class:`TemplateNotFound` when there is no such file and
    :class:`TemplateRefused` when it resolves outside or is not a regular file.
    """
    pieces = [p for p in relative.replace("\\", "/").split("/") if p and p != "."]
    if not pieces or ".." in pieces or any(":" in p or "\x00" in p for p in pieces):
        raise TemplateNotFound(relative)
    base = folder.resolve()
    candidate = base.joinpath(*pieces)
    if not os.path.lexists(candidate):
        raise TemplateNotFound(relative)
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise TemplateRefused(
            f"template {relative!r} is a broken or looping symbolic link"
        ) from None
    if not _inside(resolved, base):
        raise TemplateRefused(
            f"template {relative!r} resolves outside the templates folder; refused"
        )
    mode = resolved.stat().st_mode
    if not stat.S_ISREG(mode):
        raise TemplateRefused(f"template {relative!r} is not a regular file; refused")
    if resolved.stat().st_size > max_bytes:
        raise TemplateRefused(f"template {relative!r} is larger than {max_bytes:,} bytes; refused")
    return resolved


class ConfinedLoader(BaseLoader):
    """Templates from ``folders`` (the first holding a name wins): regular files
    inside a folder after resolving symbolic links, UTF-8, size-capped."""

    def __init__(self, folders: Sequence[Path], max_bytes: int) -> None:
        self.folders = [Path(f) for f in folders]
        self.max_bytes = max_bytes

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.folders:
            try:
                path = confined_file(folder, template, self.max_bytes)
            except TemplateNotFound:
                continue
            # Read what was vetted: a file swapped for a link after the check still
            # resolves to the vetted inode through the already-resolved path.
            data = path.read_bytes()[: self.max_bytes + 1]
            try:
                source = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise TemplateRefused(f"template {template!r} is not UTF-8 text") from None
            return source, str(path), _uptodate(path)
        raise TemplateNotFound(template)


def _uptodate(path: Path) -> Callable[[], bool]:
    mtime = path.stat().st_mtime
    return lambda: path.is_file() and path.stat().st_mtime == mtime


# -- bounded evaluation --------------------------------------------------------------


_WIDTH = re.compile(r"%[-+ #0]*(\d+|\*)?(?:\.(\d+|\*))?")


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


class BoundedTemplate(Template):
    """A template whose output is counted as it is produced and cut at the limit."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        limit = getattr(self.environment, "limits", TemplateLimits()).max_output_chars
        context = self.new_context(dict(*args, **kwargs))
        chunks: list[str] = []
        size = 0
        try:
            generator = self.root_render_func(context)
            for chunk in generator:
                size += len(chunk)
                if size > limit:
                    line = _suspended_line(generator)
                    where = f"{self.name}:{line}" if line else str(self.name)
                    raise TemplateRefused(
                        f"{where}: output is larger than {limit:,} characters; refused"
                    )
                chunks.append(chunk)
        except TemplateRefused:
            raise
        except Exception:
            self.environment.handle_exception()
        return "".join(chunks)


def _suspended_line(generator: Any) -> int | None:
    """The template line a suspended render generator stopped at."""
    frame = getattr(generator, "gi_frame", None)
    while getattr(generator, "gi_yieldfrom", None) is not None and getattr(
        generator.gi_yieldfrom, "gi_frame", None
    ):
        generator = generator.gi_yieldfrom
        frame = generator.gi_frame
    if frame is None:
        return None
    template = frame.f_globals.get("__jinja_template__")
    if template is None:
        return None
    return int(template.get_corresponding_lineno(frame.f_lineno))


class BoundedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox plus size checks on ``*``, ``**`` and ``%`` before they run."""

    intercepted_binops = frozenset({"*", "**", "%"})
    template_class = BoundedTemplate

    def __init__(self, limits: TemplateLimits | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits or TemplateLimits()

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        cap = self.limits.max_items
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                size = _length(seq)
                if size is not None and isinstance(times, int) and size * max(times, 0) > cap:
                    raise TemplateRefused(
                        f"`*` would build {size * times:,} items, above the limit of {cap:,}"
                    )
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() + right.bit_length() > 64 * cap
            ):
                raise TemplateRefused("`*` of integers this large is refused")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
                if right * left.bit_length() > 8 * cap:
                    raise TemplateRefused(
                        f"`**` would build an integer of about {right * left.bit_length():,} bits; refused"
                    )
            elif isinstance(left, (int, float)) and isinstance(right, float) and abs(right) > 1e6:
                raise TemplateRefused("`**` with an exponent this large is refused")
        elif operator == "%" and isinstance(left, str):
            _check_format(left, right, cap)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        # Padding methods (``'x'.ljust(10**9)``, ``center``, ``zfill``...) take a width.
        name = getattr(__obj, "__name__", "")
        if name in _WIDTH_METHODS and isinstance(getattr(__obj, "__self__", None), str):
            for value in (*args, *kwargs.values()):
                if isinstance(value, int) and value > __self.limits.max_items:
                    raise TemplateRefused(
                        f"`{name}` to {value:,} characters is above the limit of {__self.limits.max_items:,}"
                    )
        return super().call(__context, __obj, *args, **kwargs)


_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})


def _check_format(text: str, arguments: Any, cap: int) -> None:
    values = arguments if isinstance(arguments, tuple) else (arguments,)
    for match in _WIDTH.finditer(text):
        for group in match.groups():
            if group == "*":
                if any(isinstance(v, int) and v > cap for v in values):
                    raise TemplateRefused(f"`%` with a width above {cap:,} is refused")
            elif group and int(group[:12]) > cap:
                raise TemplateRefused(f"`%` with a width above {cap:,} is refused")


def bounded_filters(environment: Any) -> None:
    """Wrap the built-in filters and globals that take a width or count
    (``center``, ``indent``, ``lipsum``)."""
    cap = environment.limits.max_items

    def checked(name: str, position: int) -> None:
        original = environment.filters[name]

        def wrapper(value: Any, *args: Any, **kwargs: Any) -> Any:
            for argument in (*args[position : position + 1], *kwargs.values()):
                if isinstance(argument, int) and argument > cap:
                    raise TemplateRefused(
                        f"`{name}` to {argument:,} characters is above the limit of {cap:,}"
                    )
            return original(value, *args, **kwargs)

        environment.filters[name] = wrapper

    lipsum = environment.globals.get("lipsum")
    if lipsum is not None:

        def bounded_lipsum(n: int = 5, *args: Any, **kwargs: Any) -> Any:
            numbers = [value for value in (n, *args, *kwargs.values()) if isinstance(value, int)]
            if any(value > 1000 for value in numbers):
                raise TemplateRefused(
                    "`lipsum` takes at most 1,000 paragraphs of at most 1,000 words"
                )
            return lipsum(n, *args, **kwargs)

        environment.globals["lipsum"] = bounded_lipsum
    checked("center", 0)
    checked("indent", 0)
    checked("truncate", 0)
    checked("wordwrap", 0)
    checked("format", 0)


# -- locating a runtime error ---------------------------------------------------------------


def template_location(traceback: TracebackType | None) -> tuple[str, int] | None:
    """The innermost template file and line in a traceback, if any.

    Jinja rewrites a traceback so that template frames run code "at" the
    template file and line (with ``__jinja_exception__`` in their globals);
    frames of a template still running carry ``__jinja_template__``.
    """
    found: tuple[str, int] | None = None
    while traceback is not None:
        frame = traceback.tb_frame
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            line = template.get_corresponding_lineno(traceback.tb_lineno)
            found = (str(template.name or template.filename or "?"), int(line))
        elif "__jinja_exception__" in frame.f_globals:
            found = (Path(frame.f_code.co_filename).name, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


# -- Typst's root ---------------------------------------------------------------------------


@contextmanager
def typst_root(templates_dir: Path | None, limits: TemplateLimits) -> Iterator[tuple[Path, Path]]:
    """A private temporary folder for Typst: ``(root, packages)``.

    ``root`` holds copies of the regular files inside ``templates_dir`` (symbolic
    links resolved and kept only when they stay inside; special files skipped),
    so Typst can read a logo or a module a template ships and nothing else.
    ``packages`` is an empty folder for Typst's package paths.
    """
    with tempfile.TemporaryDirectory(prefix="cadee-typst-") as temporary:
        root = Path(temporary) / "root"
        packages = Path(temporary) / "packages"
        root.mkdir(mode=0o700)
        packages.mkdir(mode=0o700)
        if templates_dir is not None:
            _copy_vetted(Path(templates_dir), root, limits)
        yield root, packages


def _copy_vetted(source: Path, target: Path, limits: TemplateLimits) -> None:
    base = source.resolve()
    budget = limits.max_typst_files_bytes
    for folder, dirs, names in os.walk(base, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            relative = Path(folder, name).relative_to(base).as_posix()
            try:
                path = confined_file(base, relative, limits.max_typst_files_bytes)
            except (TemplateNotFound, TemplateRefused, OSError):
                continue  # outside, special or unreadable: Typst does not see it
            data = path.read_bytes()
            budget -= len(data)
            if budget < 0:
                raise TemplateRefused(
                    f"the templates folder holds more than {limits.max_typst_files_bytes:,} bytes of files; refused"
                )
            copy = target / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(data)


# -- the rendering process -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the rendering process produced: files, or the problem that stopped it."""

    files: dict[str, bytes]
    problem: str | None = None


class ChildFailure(Exception):
    """A located problem the rendering process reports to its parent."""


def run_bounded(module: str, function: str, payload: bytes, limits: TemplateLimits) -> Outcome:
    """Run ``module.function()`` in a child process with ``payload`` on stdin,
    killed (with its own children) after ``limits.wall_seconds``."""
    import signal
    import subprocess
    import sys

    if not re.fullmatch(r"[\w.]+", module) or not function.isidentifier():
        raise ValueError(f"not a module and function: {module}.{function}")
    process = subprocess.Popen(
        [sys.executable, "-c", f"from {module} import {function}; {function}()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=os.name == "posix",
    )
    try:
        out, err = process.communicate(payload, timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        out, err = process.communicate()
        current = _last_template(err)
        return Outcome(
            {}, f"template {current}: rendering took longer than {limits.wall_seconds} s; stopped"
        )
    current = _last_template(err)
    if process.returncode == 0:
        files = _unframe(out)
        if files is not None:
            return Outcome(files)
    for line in reversed(err.decode("utf-8", "replace").splitlines()):
        if line.startswith("!"):
            return Outcome({}, line[1:])
    if os.name == "posix" and process.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return Outcome(
            {},
            f"template {current}: rendering used more than {limits.cpu_seconds} s of CPU time; stopped",
        )
    text = err.decode("utf-8", "replace")
    if "memory allocation of " in text:  # Rust's allocator (Typst) at the address-space limit
        return Outcome(
            {},
            f"template {current}: rendering needed more than {limits.memory_bytes >> 20:,} MB "
            "of memory; stopped",
        )
    tail = text.strip().splitlines()[-1:] or [f"exit status {process.returncode}"]
    return Outcome({}, f"template {current}: the rendering process failed ({tail[0][:200]})")


def _last_template(err: bytes) -> str:
    names = [
        line[1:] for line in err.decode("utf-8", "replace").splitlines() if line.startswith("@")
    ]
    return names[-1] if names else "?"


def _frame(files: dict[str, bytes]) -> bytes:
    out = bytearray()
    for name, data in files.items():
        encoded = name.encode("utf-8")
        out += len(encoded).to_bytes(4, "big") + encoded + len(data).to_bytes(8, "big") + data
    return bytes(out)


def _unframe(data: bytes) -> dict[str, bytes] | None:
    files: dict[str, bytes] = {}
    position = 0
    try:
        while position < len(data):
            size = int.from_bytes(data[position : position + 4], "big")
            name = data[position + 4 : position + 4 + size].decode("utf-8")
            position += 4 + size
            length = int.from_bytes(data[position : position + 8], "big")
            files[name] = data[position + 8 : position + 8 + length]
            position += 8 + length
            if position > len(data):
                return None
    except UnicodeDecodeError:
        return None
    return files


def _set_limit(kind: int, soft: int, hard: int) -> None:
    import resource

    _, current_hard = resource.getrlimit(kind)
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    resource.setrlimit(kind, (soft, hard))


def child_main(job: Callable[[bytes, Callable[[str], None]], dict[str, bytes]]) -> None:
    """Body of the rendering process: limits first, then the job.

    The soft CPU limit (SIGXCPU) raises :class:`TemplateRefused` wherever
    Python is running, so a looping template stops with its file and line;
    the hard limit, 2 s later, kills the process whatever it is doing.
    """
    import sys

    limits = TemplateLimits.from_environment()
    if os.name == "posix":
        import resource
        import signal

        _set_limit(resource.RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + 2)
        _set_limit(resource.RLIMIT_AS, limits.memory_bytes, limits.memory_bytes)

        def out_of_time(signum: int, frame: Any) -> None:
            raise TemplateRefused(
                f"rendering used more than {limits.cpu_seconds} s of CPU time; stopped"
            )

        signal.signal(signal.SIGXCPU, out_of_time)

    def on_template(name: str) -> None:
        sys.stderr.write(f"@{name}\n")
        sys.stderr.flush()

    payload = sys.stdin.buffer.read()
    try:
        files = job(payload, on_template)
    except ChildFailure as exc:
        sys.stderr.write(f"!{exc}\n")
        raise SystemExit(3) from None
    except MemoryError:
        sys.stderr.write(
            f"!rendering needed more than {limits.memory_bytes >> 20:,} MB of memory; stopped\n"
        )
        raise SystemExit(3) from None
    sys.stdout.buffer.write(_frame(files))
    sys.stdout.flush()
