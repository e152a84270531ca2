"""The benchmark runner: ``python -m benchmarks`` (or ``make bench``).

For the flagship example and each estate size (default 1k, 10k and 100k
systems, about three integrations per system; plus a findings-heavy estate,
random, on which every rule family fires, for each size below 100k) it prints
one Markdown table with, per command: the file size; the **floor** (a fresh
interpreter that scans the same files' YAML events with libyaml and does
nothing else); the command's wall time and its ratio to the floor; the peak
RSS; the target and PASS/MISS. It also times ``python -c pass``, ``cadee
--version`` and ``cadee --help`` and checks that the last two import none of
the heavy modules.

Every target is a **ratio measured in the same run** (absolute times do not
carry between machines): to the floor, to ``validate`` of the same input, or
to ``python -c pass`` (:data:`VALIDATE_TARGETS` and the other tables below,
issue #21); the only absolute limit is peak RSS.

Every measurement is a fresh subprocess (``python -m cadee ...``), spawned
from a minimal parent process: wall time with ``time.perf_counter`` around
spawn and exit, peak RSS from ``os.wait4`` (the child's ``ru_maxrss``). The
reported time is the median of the runs, the reported RSS the highest of the
runs.

Commands that ``cadee --help`` does not list are shown as skipped; the
argument lists they are run with are in :data:`COMMANDS`, the one place to
adjust.

    python -m benchmarks                        # 1k, 10k, 100k; 5 runs (3 for 100k)
    python -m benchmarks --quick                # 1k and 10k, 3 runs (1 for render 10k)
    python -m benchmarks --markdown docs/performance.md   # also record the table
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib
import importlib.util
import itertools
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from benchmarks.generate import generate, generate_findings_heavy, revise_estate, write_estate

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
FLAGSHIP = REPO / "examples" / "northwind-bank" / "blueprint.yaml"

#: Modules that `cadee --version` and `cadee --help` must not import.
HEAVY_MODULES = (
    "networkx",
    "jinja2",
    "pydantic",
    "pydantic_core",
    "graphviz",
    "typst",
    "weasyprint",
    "reportlab",
    "fpdf",
    "cadee.model",
    "cadee.load",
    "cadee.graph",
    "cadee.rules",
    "pygls",
    "lsprotocol",
    "cadee.lsp",
)
#: Markers in a Markdown file between which ``--markdown`` replaces the results.
BEGIN, END = "<!-- benchmarks:begin -->", "<!-- benchmarks:end -->"

# The floor: scan every YAML event of the files with libyaml, build nothing.
_FLOOR = """
import sys
from yaml import _yaml
for path in sys.argv[1:]:
    with open(path, "rb") as handle:
        parser = _yaml.CParser(handle.read())
    end = _yaml.StreamEndEvent
    while type(parser.get_event()) is not end:
        pass
    parser.dispose()
"""

# Runs `cadee ARG` and reports which heavy modules it imported. It calls cadee.cli.main
# as the program does, but returns instead of ending the process with os._exit.
_IMPORTS = """
import os, sys
heavy = {heavy!r}
try:
    from cadee.cli import main
    main(sys.argv[1:])
finally:
    found = sorted(m for m in sys.modules if m in heavy or m.split(".")[0] in heavy)
    os.write(2, ("\\nHEAVY-MODULES:" + ",".join(found) + "\\n").encode())
"""


# -- targets (the acceptance criteria) ---------------------------------------------------


#: What a ratio target is measured against, all in the same run: the libyaml
#: event scan of the same files, ``validate`` of the same input, or ``python -c pass``.
Reference = Literal["floor", "validate", "python"]
_REFERENCE_NAMES = {"floor": "floor", "validate": "validate", "python": "`python -c pass`"}


@dataclass(frozen=True, slots=True)
class Target:
    """Limits for one row; ``None`` means no limit of that kind. Times are judged
    only as ratios to a reference measured in the same run: absolute times do not
    carry between machines."""

    max_ratio: float | None = None
    against: Reference = "floor"
    max_rss_mb: float | None = None

    def describe(self) -> str:
        parts = []
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g}x {_REFERENCE_NAMES[self.against]}")
        if self.max_rss_mb is not None:
            parts.append(f"RSS ≤ {_megabytes(self.max_rss_mb)}")
        return ", ".join(parts) or "—"

    def judge(self, ratio: float | None, rss_mb: float) -> str:
        """``PASS`` or ``MISS: ...``, with the ratio the target is about."""
        misses = []
        shown = ""
        if self.max_ratio is not None:
            if ratio is None:
                return f"SKIP: no {_REFERENCE_NAMES[self.against]} measured"
            shown = f"{ratio:.2f}x {_REFERENCE_NAMES[self.against]}"
            if ratio > self.max_ratio:
                misses.append(shown)
        if self.max_rss_mb is not None and rss_mb > self.max_rss_mb:
            misses.append(f"RSS {_megabytes(rss_mb)}")
        if misses:
            return "MISS: " + ", ".join(misses)
        return f"PASS ({shown})" if shown else "PASS"


#: The targets of issue #21, by command and input label ("flagship", "1k", "10k",
#: "10k findings-heavy", ...); inputs not listed are reported without a target.
VALIDATE_TARGETS = {
    "flagship": Target(10, "python"),
    "10k": Target(1.5, "floor"),
    "10k findings-heavy": Target(2.5, "floor"),
    "100k": Target(max_rss_mb=1024),
}
#: Every format of the whole pack, against validate of the same input.
RENDER_TARGETS = {
    "flagship": Target(2.5, "validate"),
    "1k": Target(8, "validate"),
    "10k": Target(40, "validate"),
}
#: diff of an estate and its revision (1% of the systems changed), against validate.
DIFF_TARGETS = {"10k": Target(1.6, "validate")}
#: The former 10 s for 1k systems, as a ratio to the former 0.5 s of validate 1k.
SIMULATE_TARGETS = {"1k": Target(20, "validate")}
#: Fitted growth exponent of validate time from the smallest to the largest size.
MAX_GROWTH_EXPONENT = 1.15
VERSION_TARGET = Target(3, "python")
#: The libraries every validate imports (the graph the rules run on, the models): a
#: floor for the flagship's start-up, printed next to ``python -c pass`` (with the cyclic
#: collector off, as cadee runs).
LIBRARY_IMPORTS = "import gc; gc.disable(); import networkx, pydantic"
HELP_TARGET = Target()


# -- the commands measured on estates -------------------------------------------------------------


@dataclass(slots=True)
class Subject:
    """An input a command runs on: an estate of some size, or the flagship example."""

    label: str
    top: Path
    files: list[Path]
    systems: int
    integrations: int
    revision: Path | None = None  # a later revision of the same estate (for diff)
    workdir: Path = Path()
    #: ``estate`` (realistic), ``heavy`` (findings-heavy) or ``flagship``.
    kind: str = "estate"

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.files)

    @property
    def described(self) -> str:
        spread = f", {len(self.files)} files" if len(self.files) > 1 else ""
        return f"{self.label} ({_count(self.systems)} systems / {_count(self.integrations)} integrations{spread})"


@dataclass(frozen=True, slots=True)
class Command:
    """A cadee command to benchmark. ``subcommand`` must appear in ``cadee --help``."""

    label: str
    subcommand: str
    args: Callable[[Subject], list[str]]
    #: The kinds of input it runs on (:attr:`Subject.kind`), every size of each.
    subjects: tuple[str, ...] = ("estate",)
    targets: dict[str, Target] = field(default_factory=dict)
    ok_codes: tuple[int, ...] = (0, 1)
    #: From this many systems on, ``--big-runs`` runs instead of ``--runs``.
    big_from: int = 100_000


#: The one place to add or adjust benchmarked commands. A command that `cadee --help`
#: does not list is skipped (not failed). Commands run in this order, so validate
#: is measured before the rows that are judged against it.
COMMANDS: tuple[Command, ...] = (
    Command(
        "validate",
        "validate",
        lambda s: ["validate", str(s.top), "--format", "json"],
        subjects=("flagship", "estate", "heavy"),
        targets=VALIDATE_TARGETS,
    ),
    Command(
        "render",
        "render",
        lambda s: ["render", str(s.top), "--out", str(s.workdir / "render")],
        subjects=("flagship", "estate"),
        targets=RENDER_TARGETS,
        big_from=10_000,
    ),
    Command(
        "diff",
        "diff",
        lambda s: ["diff", str(s.top), str(s.revision), "--format", "json"],
        targets=DIFF_TARGETS,
    ),
    Command(
        "simulate --all",
        "simulate",
        lambda s: ["simulate", str(s.top), "--all", "--format", "json"],
        targets=SIMULATE_TARGETS,
    ),
)


# -- measuring --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Sample:
    seconds: float
    rss_kb: int
    code: int
    stderr: str


@dataclass(slots=True)
class Measured:
    samples: list[Sample]

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def spread(self) -> str:
        """The runs and the range of their wall times, to judge the noise."""
        times = [s.seconds for s in self.samples]
        if len(times) == 1:
            return "1"
        return f"{len(times)} ({_seconds(min(times))} to {_seconds(max(times))})"

    @property
    def rss_mb(self) -> float:
        return max(s.rss_kb for s in self.samples) / 1024

    @property
    def codes(self) -> set[int]:
        return {s.code for s in self.samples}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env["NO_COLOR"] = "1"
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


# A minimal parent for every measured process. The kernel carries the parent's
# peak RSS into a child's ru_maxrss across fork/vfork + exec, so children are
# spawned from this small process, not from the runner (which holds estates in
# memory): their peak RSS is then their own. It times the child itself.
_TRAMPOLINE = """
import os, sys, time
err = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
null = os.open(os.devnull, os.O_RDWR)
argv = sys.argv[2:]
actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
start = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
sys.stdout.write(f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_once(argv: Sequence[str], timeout: float | None = None) -> Sample:
    """Run ``argv`` in a fresh process: wall time and its peak RSS (``os.wait4``).

    Output goes to ``/dev/null`` through an inherited descriptor (never through a
    command's ``--output`` option, which writes files atomically and would replace
    ``/dev/null`` when run as root); stderr is kept for error messages.
    """
    with tempfile.NamedTemporaryFile(prefix="cadee-bench-", suffix=".err") as err:
        process = subprocess.Popen(
            [sys.executable, "-c", _TRAMPOLINE, err.name, *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            cwd=REPO,
            env=_env(),
            start_new_session=True,
        )
        try:
            out, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return Sample(float(timeout or 0), 0, -signal.SIGKILL, f"killed after {timeout} s")
        stderr = Path(err.name).read_text(encoding="utf-8", errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"benchmark trampoline failed for {argv}: {stderr[-500:]}")
    seconds, rss_kb, code = out.decode().split()
    return Sample(float(seconds), int(rss_kb), int(code), stderr)


def measure(
    argv: Sequence[str], runs: int, warmup: bool = False, timeout: float | None = None
) -> Measured:
    if warmup:
        run_once(argv, timeout)
    return Measured([run_once(argv, timeout) for _ in range(runs)])


def cadee(*args: str) -> list[str]:
    return [sys.executable, "-m", "cadee", *args]


def available_commands() -> set[str]:
    """Sub-commands listed by ``cadee --help``."""
    result = subprocess.run(
        cadee("--help"), capture_output=True, text=True, cwd=REPO, env=_env(), check=False
    )
    commands: set[str] = set()
    listing = False
    for line in result.stdout.splitlines():
        if re.match(r"^\s*Commands:\s*$", line):
            listing = True
            continue
        if listing:
            match = re.match(r"^\s{1,8}([a-z][\w-]*)(\s|$)", line)
            if match:
                commands.add(match.group(1))
            elif line.strip() and not line.startswith(" "):
                listing = False
    return commands


def heavy_imports(arg: str) -> list[str]:
    """Heavy modules imported by ``python -m cadee ARG`` (e.g. ``--help``)."""
    code = _IMPORTS.format(heavy=set(HEAVY_MODULES))
    result = subprocess.run(
        [sys.executable, "-c", code, arg],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=_env(),
        check=False,
    )
    match = re.search(r"HEAVY-MODULES:(.*)", result.stderr)
    if match is None:
        raise RuntimeError(f"could not inspect the imports of cadee {arg}: {result.stderr[-500:]}")
    return [m for m in match.group(1).strip().split(",") if m]


# -- estates ----------------------------------------------------------------------------------------


def _generator_digest() -> str:
    source = (Path(__file__).resolve().parent / "generate.py").read_bytes()
    return hashlib.sha256(source).hexdigest()[:10]


def prepare_estate(n: int, seed: int, split: int, fresh: bool) -> Subject:
    """Generate (or reuse from ``benchmarks/.cache``) the estate and its revision."""
    folder = CACHE / f"estate-{n}-seed{seed}-split{split}-{_generator_digest()}"
    meta_path = folder / "estate.json"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if not meta_path.exists():
        if CACHE.exists():  # estates from older generator versions
            for old in CACHE.glob(f"estate-{n}-seed{seed}-split{split}-*"):
                shutil.rmtree(old)
        estate = generate(n, seed, split)
        write_estate(estate, folder / "current")
        write_estate(revise_estate(estate.files), folder / "revised")
        meta_path.write_text(
            json.dumps(
                {
                    "systems": estate.systems,
                    "integrations": estate.integrations,
                    "files": sorted(estate.files),
                }
            )
        )
    meta = json.loads(meta_path.read_text())
    workdir = folder / "work"
    workdir.mkdir(exist_ok=True)
    return Subject(
        label=_count(n),
        top=folder / "current" / "blueprint.yaml",
        files=[folder / "current" / name for name in meta["files"]],
        systems=meta["systems"],
        integrations=meta["integrations"],
        revision=folder / "revised" / "blueprint.yaml",
        workdir=workdir,
    )


def prepare_heavy(n: int, seed: int, fresh: bool) -> Subject:
    """The findings-heavy estate of ``n`` systems (cached like :func:`prepare_estate`)."""
    folder = CACHE / f"heavy-{n}-seed{seed}-{_generator_digest()}"
    meta_path = folder / "estate.json"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if not meta_path.exists():
        if CACHE.exists():
            for old in CACHE.glob(f"heavy-{n}-seed{seed}-*"):
                shutil.rmtree(old)
        estate = generate_findings_heavy(n, seed)
        write_estate(estate, folder / "current")
        meta_path.write_text(
            json.dumps({"systems": estate.systems, "integrations": estate.integrations})
        )
    meta = json.loads(meta_path.read_text())
    workdir = folder / "work"
    workdir.mkdir(exist_ok=True)
    return Subject(
        label=f"{_count(n)} findings-heavy",
        top=folder / "current" / "blueprint.yaml",
        files=[folder / "current" / "blueprint.yaml"],
        systems=meta["systems"],
        integrations=meta["integrations"],
        workdir=workdir,
        kind="heavy",
    )


def flagship_subject() -> Subject:
    files = sorted(FLAGSHIP.parent.rglob("*.yaml"))
    workdir = CACHE / "flagship-work"
    workdir.mkdir(parents=True, exist_ok=True)
    return Subject(
        "flagship",
        FLAGSHIP,
        files,
        _count_items(files, "systems"),
        _count_items(files, "integrations"),
        revision=FLAGSHIP,
        workdir=workdir,
        kind="flagship",
    )


def _count_items(files: Sequence[Path], key: str) -> int:
    import yaml

    total = 0
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        total += len(data.get(key) or [])
    return total


# -- the report -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    benchmark: str
    input: str
    file_size: str = ""
    wall: str = ""
    floor: str = ""
    ratio: str = ""
    rss: str = ""
    runs: str = ""
    target: str = "—"
    result: str = "—"

    def cells(self) -> list[str]:
        return [
            self.benchmark,
            self.input,
            self.file_size,
            self.wall,
            self.floor,
            self.ratio,
            self.rss,
            self.runs,
            self.target,
            self.result,
        ]


HEADER = [
    "benchmark",
    "input",
    "file size",
    "wall (median)",
    "floor",
    "ratio",
    "peak RSS",
    "runs (range)",
    "target",
    "result",
]


def table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def _count(n: int) -> str:
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    if n >= 1000:
        return f"{n / 1000:.1f}k"
    return str(n)


def _seconds(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s" if s < 10 else f"{s:.1f} s"


def _megabytes(mb: float) -> str:
    return f"{mb:.0f} MB" if mb < 1024 else f"{mb / 1024:.1f} GB"


def _bytes(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def growth_exponent(points: Sequence[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) against log(size)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def _project(timings: Sequence[tuple[int, float]], n: int) -> float | None:
    """Expected seconds of one run at size ``n`` from the smaller sizes measured
    (the growth of the last two, at least linear); ``None`` without data."""
    if not timings or n <= 0:
        return None
    last_n, last_t = timings[-1]
    exponent = max(1.0, growth_exponent(timings[-2:])) if len(timings) >= 2 else 1.0
    return float(last_t * (n / last_n) ** exponent)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return _seconds(seconds)
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"
    except OSError:
        return "unknown"


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    from importlib import metadata

    import yaml

    info: dict[str, str] = {}
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info["CPU"] = f"{cpu}, {usable} usable cores (nproc; {os.cpu_count()} online)"
    try:
        found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        info["RAM"] = f"{int(found.group(1)) / 1024 / 1024:.1f} GB" if found else "unknown"
    except OSError:
        info["RAM"] = "unknown"
    info["OS"] = f"{platform.system()} {platform.release()} ({platform.machine()})"
    info["Load average"] = _load()
    info["Python"] = (
        f"{platform.python_version()} ({platform.python_implementation()}, {sys.executable})"
    )
    try:
        libyaml = str(importlib.import_module("yaml._yaml").get_version_string())
    except ImportError:
        libyaml = "not available"
    info["PyYAML"] = f"{yaml.__version__}, libyaml {libyaml}"
    info["YAML loader"] = _loader()
    versions = []
    for dist in ("pydantic", "pydantic-core", "networkx", "typer", "click", "rich"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{dist} {metadata.version(dist)}")
    info["Libraries"] = ", ".join(versions)
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=True,
        ).stdout.strip()
        info["cadee"] = f"commit {commit}{' with uncommitted changes' if dirty else ''}"
    except (OSError, subprocess.CalledProcessError):
        info["cadee"] = "not a git checkout"
    return info


# -- the run ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Options:
    sizes: list[int]
    runs: int
    big_runs: int
    startup_runs: int
    seed: int
    split: int
    fresh: bool
    timeout: float
    max_run_seconds: float
    command_line: str
    #: Subcommands to measure (empty: all); validate is always measured, the others are judged against it.
    only: frozenset[str] = frozenset()


def _progress(message: str) -> None:
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def _runs_for(n: int, command: Command, options: Options) -> int:
    return options.big_runs if n >= command.big_from else options.runs


def run(options: Options) -> tuple[list[Row], list[str]]:
    """Measure everything; return the table rows and notes (errors, skips)."""
    rows: list[Row] = []
    notes: list[str] = []
    available = available_commands()
    _progress(f"cadee commands: {', '.join(sorted(available)) or 'none found'}")

    subjects: list[Subject] = [flagship_subject()]
    for n in options.sizes:
        _progress(f"estate {_count(n)}: generating (or reusing) in {CACHE}")
        subjects.append(prepare_estate(n, options.seed, options.split, options.fresh))
    for n in options.sizes:
        if n < 100_000:
            _progress(f"findings-heavy estate {_count(n)}: generating (or reusing)")
            subjects.append(prepare_heavy(n, options.seed, options.fresh))

    # The reference of `validate` of the flagship, the first command measured.
    startup_runs = options.startup_runs
    _progress(f"start-up: python -c pass x{startup_runs}")
    bare = measure([sys.executable, "-c", "pass"], startup_runs, warmup=True)
    floors: dict[str, Measured] = {}

    def floor(subject: Subject, runs: int) -> Measured:
        if subject.label not in floors:
            _progress(f"floor {subject.label}: libyaml event scan x{runs}")
            argv = [sys.executable, "-c", _FLOOR, *map(str, subject.files)]
            floors[subject.label] = measure(argv, runs, warmup=True, timeout=options.timeout)
        return floors[subject.label]

    growth: list[tuple[int, float]] = []
    validate_times: dict[str, float] = {}  # by input label
    for command in COMMANDS:
        if options.only and command.subcommand not in options.only | {"validate"}:
            continue
        chosen = [s for s in subjects if s.kind in command.subjects]
        if command.subcommand not in available:
            rows.append(
                Row(
                    command.label,
                    ", ".join(s.label for s in chosen) or "—",
                    result=f"SKIP: no `{command.subcommand}` command yet",
                )
            )
            continue
        # (systems, median seconds) of this command, by kind of input, for projections
        timings: dict[str, list[tuple[int, float]]] = {}
        for subject in chosen:
            n = subject.systems if subject.kind != "flagship" else 0
            runs = _runs_for(n, command, options)
            done = timings.setdefault(subject.kind, [])
            projected = _project(done, n)
            if projected is not None and projected > options.max_run_seconds:
                rows.append(
                    Row(
                        command.label,
                        subject.described,
                        _bytes(subject.size),
                        wall=f"≈ {_duration(projected)} projected",
                        result=f"SKIP: projected run above --max-run-seconds {options.max_run_seconds:g}",
                    )
                )
                notes.append(
                    f"{command.label} {subject.label} not run: from the smaller sizes one run would "
                    f"take about {_duration(projected)} (growth exponent "
                    f"{max(1.0, growth_exponent(done[-2:])) if len(done) >= 2 else 1.0:.2f})."
                )
                continue
            base = floor(subject, runs)
            argv = cadee(*command.args(subject))
            _progress(f"{command.label} {subject.label}: x{runs}")
            # Below 10k a warm-up run settles the page cache and .pyc files; larger
            # inputs come after the floor and the smaller sizes have done that.
            result = measure(argv, runs, warmup=n < 10_000, timeout=options.timeout)
            bad = result.codes - set(command.ok_codes)
            row = Row(
                command.label,
                subject.described,
                _bytes(subject.size),
                _seconds(result.seconds),
                _seconds(base.seconds),
                f"{result.seconds / base.seconds:.1f}x floor",
                _megabytes(result.rss_mb),
                result.spread,
            )
            target = command.targets.get(subject.label)
            if bad:
                stderr = next(s.stderr for s in result.samples if s.code in bad).strip()
                row.result = f"ERROR: exit {sorted(bad)}"
                notes.append(
                    f"{command.label} {subject.label} exited {sorted(bad)}: {stderr[-400:]}"
                )
            elif target is not None:
                reference = {
                    "floor": base.seconds,
                    "validate": validate_times.get(subject.label),
                    "python": bare.seconds,
                }[target.against]
                ratio = result.seconds / reference if reference else None
                row.target = target.describe()
                row.result = target.judge(ratio, result.rss_mb)
            rows.append(row)
            if not bad:
                if subject.kind != "flagship":
                    done.append((n, result.seconds))
                if command.label == "validate":
                    validate_times[subject.label] = result.seconds
                    if subject.kind == "estate":
                        growth.append((n, result.seconds))

    if len(growth) >= 2:
        exponent = growth_exponent(growth)
        sizes = sorted(n for n, _ in growth)
        span = f"{_count(sizes[0])} → {_count(sizes[-1])} ({len(growth)} sizes)"
        ordered = sorted(growth)
        steps = ", ".join(
            f"{_count(a)} → {_count(b)}: {growth_exponent([(a, ta), (b, tb)]):.2f}"
            for (a, ta), (b, tb) in itertools.pairwise(ordered)
        )
        detail = f" ({steps})" if len(growth) >= 3 else ""
        row = Row("validate growth", span, wall=f"exponent {exponent:.2f}{detail}")
        if len(growth) >= 3 and sizes[0] <= 1_000 and sizes[-1] >= 100_000:
            row.target = f"≤ {MAX_GROWTH_EXPONENT}"
            row.result = "PASS" if exponent <= MAX_GROWTH_EXPONENT else f"MISS: {exponent:.2f}"
        else:
            row.target = f"≤ {MAX_GROWTH_EXPONENT} (judged on 1k → 100k)"
        rows.append(row)

    if "lsp" in available:
        rows.append(_lsp_row(options, notes))

    # The reference again, next to the rows judged against it (a shared machine's
    # load drifts during a long run).
    _progress(f"start-up: python -c pass, cadee --version, cadee --help x{startup_runs}")
    bare = measure([sys.executable, "-c", "pass"], startup_runs, warmup=True)
    rows.append(
        Row(
            "python start-up",
            "`python -c pass` (reference)",
            wall=_seconds(bare.seconds),
            rss=_megabytes(bare.rss_mb),
            runs=bare.spread,
        )
    )
    # What any validate pays before cadee's own code: importing the graph library the
    # rules run on and the model library, nothing else (the reference for the flagship).
    libraries = measure([sys.executable, "-c", LIBRARY_IMPORTS], startup_runs, warmup=True)
    rows.append(
        Row(
            "library imports",
            f"`python -c '{LIBRARY_IMPORTS}'` (reference)",
            wall=_seconds(libraries.seconds),
            ratio=f"{libraries.seconds / bare.seconds:.1f}x `python -c pass`",
            rss=_megabytes(libraries.rss_mb),
            runs=libraries.spread,
        )
    )
    for arg, target in (("--version", VERSION_TARGET), ("--help", HELP_TARGET)):
        result = measure(cadee(arg), startup_runs, warmup=True)
        ratio = result.seconds / bare.seconds
        rows.append(
            Row(
                f"cadee {arg}",
                f"`python -m cadee {arg}`",
                wall=_seconds(result.seconds),
                ratio=f"{ratio:.1f}x `python -c pass`",
                rss=_megabytes(result.rss_mb),
                runs=result.spread,
                target=target.describe(),
                result=target.judge(ratio, result.rss_mb) if target != Target() else "—",
            )
        )
    imported = {arg: heavy_imports(arg) for arg in ("--version", "--help")}
    loaded = sorted({m for mods in imported.values() for m in mods})
    rows.append(
        Row(
            "start-up imports",
            "`cadee --version`, `cadee --help`",
            wall="none" if not loaded else ", ".join(loaded),
            target="no networkx, jinja2, pydantic, PDF engine, graphviz, cadee.model",
            result="PASS" if not loaded else "MISS",
        )
    )
    return rows, notes


def _lsp_row(options: Options, notes: list[str]) -> Row:
    """``cadee lsp``: re-validation of the flagship on save against a cold validate (benchmarks/lsp.py)."""
    label, subject = "lsp save", "flagship: didSave → publishDiagnostics"
    if importlib.util.find_spec("pygls") is None:
        return Row(label, subject, result="SKIP: no lsp extra (pip install 'cadee[lsp]')")
    from benchmarks.lsp import MAX_SAVE_TO_COLD, measure_lsp

    _progress(f"lsp save flagship: x{options.runs}")
    try:
        result = measure_lsp(options.runs)
    except Exception as exc:  # the table still shows everything else
        notes.append(f"lsp save not measured: {type(exc).__name__}: {exc}")
        return Row(label, subject, result=f"ERROR: {type(exc).__name__}")
    save = max(result.save_top, result.save_include)
    ratio = f"{result.ratio:.1%} of cold validate ({_seconds(result.cold)})"
    return Row(
        label,
        subject,
        wall=_seconds(save),
        ratio=ratio,
        runs=str(result.runs),
        target=f"≤ {MAX_SAVE_TO_COLD:.0%} of cold validate",
        result="PASS" if result.ratio <= MAX_SAVE_TO_COLD else f"MISS: {result.ratio:.1%}",
    )


def render_report(
    rows: Sequence[Row], notes: Sequence[str], options: Options, info: dict[str, str]
) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Measured {when} with `{options.command_line}`.", ""]
    lines += [f"- **{key}**: {value}" for key, value in info.items()]
    lines += ["", table(rows)]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def write_markdown(path: Path, report: str) -> None:
    """Replace the block between the markers in ``path``, or write the report as the whole file."""
    block = f"{BEGIN}\n{report}{END}"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            path.write_text(head + block + tail, encoding="utf-8")
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# cadee benchmark results\n\n" + block + "\n", encoding="utf-8")


def _loader() -> str:
    """Which loader the measured processes use (the C fast path is optional)."""
    if os.environ.get("CADEE_NO_ACCELERATOR"):
        return "pure Python (CADEE_NO_ACCELERATOR is set)"
    sys.path.insert(0, str(REPO))
    try:
        fast = importlib.import_module("cadee._yamlfast")
    except ImportError:
        return "pure Python (the C fast path is not built)"
    finally:
        sys.path.remove(str(REPO))
    return f"C fast path (cadee._yamlfast, linked to libyaml {fast.libyaml_version()})"


def _sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        scale = 1000 if part.endswith("k") else 1
        sizes.append(int(float(part.rstrip("k")) * scale))
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark cadee on synthetic estates.",
        epilog="Targets and how to read the table: docs/performance.md",
    )
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="estate sizes in systems (1k = 1000)"
    )
    parser.add_argument(
        "--runs", type=int, help="runs per measurement, median reported (default 5; 3 with --quick)"
    )
    parser.add_argument(
        "--big-runs", type=int, help="runs for sizes of 100k systems and more (default 3)"
    )
    parser.add_argument(
        "--startup-runs", type=int, default=11, help="runs for --version and --help"
    )
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, 3 runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--split", type=int, default=0, metavar="K", help="spread each estate over K included files"
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached estates")
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds before one run is killed"
    )
    parser.add_argument(
        "--max-run-seconds",
        type=float,
        default=600,
        help="skip a size when the smaller sizes project one run above this (default 600)",
    )
    parser.add_argument(
        "--pure-python",
        action="store_true",
        help="measure the pure-Python YAML loader (sets CADEE_NO_ACCELERATOR=1 for every run)",
    )
    parser.add_argument(
        "--only",
        default="",
        metavar="CMDS",
        help="measure only these subcommands, comma-separated (validate is always measured)",
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        metavar="FILE",
        help=f"also write the results to FILE (between {BEGIN} and {END} if present)",
    )
    args = parser.parse_args(argv)
    if args.pure_python:
        os.environ["CADEE_NO_ACCELERATOR"] = "1"  # inherited by every measured process
    sizes = _sizes(args.sizes)
    runs = args.runs if args.runs is not None else 3 if args.quick else 5
    # --quick: one run of the big inputs (render 10k), which take minutes each.
    big_runs = args.big_runs if args.big_runs is not None else 1 if args.quick else min(runs, 3)
    if args.quick:
        sizes = [n for n in sizes if n < 100_000] or [1_000, 10_000]
    if not sizes or min(sizes) < 49 or runs < 1 or big_runs < 1:
        parser.error("sizes must be at least 49 systems and runs at least 1")
    command_line = "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:])
    options = Options(
        sizes,
        runs,
        big_runs,
        max(1, args.startup_runs),
        args.seed,
        args.split,
        args.fresh,
        args.timeout,
        args.max_run_seconds,
        command_line.strip(),
        frozenset(filter(None, args.only.split(","))),
    )
    info = machine()
    info["Load average"] = f"at start {info['Load average']}"
    rows, notes = run(options)
    info["Load average"] += f"; at end {_load()}"
    report = render_report(rows, notes, options, info)
    sys.stdout.write(report)
    if args.markdown is not None:
        write_markdown(args.markdown, report)
        _progress(f"wrote {args.markdown}")
    return 0
