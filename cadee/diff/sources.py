"""The two sides of a diff: a file on disk, or ``REV:PATH`` read through git.

A revision side is loaded by the ordinary loader (:mod:`cadee.load`, which
reads the filesystem): the top file and every file it includes, transitively,
are read from the *same* revision with ``git cat-file --batch`` and written to
a temporary folder that mirrors the repository layout (with an empty ``.git``
folder at its root, so the loader's project root is the repository root, as
it is for a checkout). Relative includes, include confinement, symbolic links
and error messages therefore behave exactly as for a checkout of that
revision. File names in locations and messages are mapped back to
``REV:path`` before anything is shown.

The two sides of one diff share their YAML parsing (:class:`SharedParses`): a
file whose bytes are the same on both sides (most files of a change to a
split estate) is parsed once per run, and a revision's files that name
includes are parsed once, not once to find the includes and again to load.

``REV:PATH`` follows git's own rule (``git show REV:PATH``): PATH is relative
to the repository root, unless it starts with ``./`` or ``../``, which makes
it relative to the current folder.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cadee.diagnostics import LoadError, Location
from cadee.files import read_regular
from cadee.load import FileSource, LoadResult, display_path, load_blueprint
from cadee.model import LIST_FIELDS, SourceFile, set_location
from cadee.yamlload import Limits, YMap, YSeq, load_yaml

__all__ = [
    "SharedParses",
    "Side",
    "SourceError",
    "base_side",
    "checkout_files",
    "find_rename",
    "load_side",
    "parse_side",
    "repository_path",
]

_SYMLINK = "120000"
_TREE = "040000"
_GITLINK = "160000"
#: An ``include`` key in block or flow style (a large file is parsed only when it has one).
_INCLUDE_KEY = re.compile(rb"""(?m)(^|[{,])[ \t\r\n]*["']?include["']?[ \t]*:""")


@dataclass(slots=True)
class SharedParses:
    """YAML trees by file content, shared by the sides of one run (one instance per run).

    The loader never changes a parsed tree (:class:`cadee.load.FileSource`), and
    a tree holds no file name, so a file with the same bytes (and limits) on
    both sides is parsed once. Only clean parses are kept: errors name the file
    as shown, which differs between the sides. A side's top file is parsed first
    (:meth:`source` starts a side); when it differs from the earlier sides' top
    files, their trees are dropped before it is parsed, so a single-file
    blueprint that changed never has both trees alive at once. :meth:`clear`
    drops the trees once the sides are loaded.
    """

    trees: dict[tuple[Limits, bytes], Any] = field(default_factory=dict)
    #: Parses run and parses answered from :attr:`trees` (the differential tests read them).
    parses: int = 0
    hits: int = 0
    _tops: list[tuple[Limits, bytes]] = field(default_factory=list)
    _side_started: bool = False

    def parse(self, data: bytes, shown: str, limits: Limits) -> tuple[Any, list[LoadError]]:
        """:func:`cadee.yamlload.load_yaml`, answered from the trees when the bytes were seen."""
        key = (limits, data)
        tree = self.trees.get(key)
        if self._side_started:  # the top file of a side
            self._side_started = False
            if tree is None:
                for top in self._tops:
                    self.trees.pop(top, None)
                self._tops.clear()
            self._tops.append(key)
        if tree is not None:
            self.hits += 1
            return tree, []
        self.parses += 1
        tree, errors = load_yaml(data, shown, limits)
        if tree is not None and not errors:
            self.trees[key] = tree
        return tree, errors

    def source(self, limits: Limits) -> FileSource:
        """The loader's file source for one side: the disk, parsed through these trees."""
        self._side_started = True
        return FileSource(read=read_regular, parse=self.parse)

    def clear(self) -> None:
        self.trees.clear()
        self._tops.clear()


class SourceError(Exception):
    """A side cannot be read: no git repository, unknown revision, missing file.

    A usage error (exit 2); the message is one clear line for the user.
    """


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a diff as the user named it."""

    #: What the user wrote (``HEAD~1:bank/blueprint.yaml``, ``bank/blueprint.yaml``).
    label: str
    #: A filesystem path, or for a revision side the path inside the repository (posix).
    path: str
    #: The git revision, or ``None`` for a file on disk.
    revision: str | None = None
    #: Where git runs (the folder whose repository holds the revision).
    git_dir: str = "."
    #: For ``--base`` on a renamed file: the path the file had at the revision.
    renamed_from: str | None = None


def parse_side(text: str) -> Side:
    """``REV:PATH`` or a filesystem path; an existing file always wins (``a:b.yaml``)."""
    if not text:
        raise SourceError("empty blueprint argument; give a file or REV:PATH")
    if os.path.exists(text) or ":" not in text:
        return Side(label=text, path=text)
    revision, _, path = text.partition(":")
    if not revision:
        raise SourceError(f"{text[:80]!r}: name a revision before the colon (e.g. HEAD:{path})")
    if not path:
        raise SourceError(
            f"{text[:80]!r}: name a file after the colon (e.g. {revision}:blueprint.yaml)"
        )
    return Side(label=text, path=path, revision=revision)


def base_side(revision: str, path: str) -> Side:
    """The old side of ``cadee diff --base REV PATH``: PATH as it was at REV."""
    if not revision:
        raise SourceError("--base needs a revision (e.g. --base origin/main)")
    local = Path(path)
    if not local.exists():
        raise SourceError(f"{path}: no such file")
    folder = local.resolve().parent
    top = Path(_git(["rev-parse", "--show-toplevel"], folder, what=path).decode().strip())
    absolute = Path(os.path.abspath(local))
    try:
        inside = absolute.relative_to(top)
    except ValueError:
        try:
            inside = (absolute.parent.resolve() / absolute.name).relative_to(top.resolve())
        except ValueError:
            raise SourceError(f"{path} is outside the git repository at {top}") from None
    return Side(
        label=f"{revision}:{inside.as_posix()}",
        path=inside.as_posix(),
        revision=revision,
        git_dir=str(top),
    )


# -- git --------------------------------------------------------------------------------


def _git(args: Sequence[str], cwd: Path | str, *, what: str, data: bytes | None = None) -> bytes:
    """Run git; every failure becomes a :class:`SourceError` naming ``what``."""
    try:
        done = subprocess.run(
            ["git", "--literal-pathspecs", *args],
            cwd=cwd,
            input=data,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise SourceError(f"{what}: reading a revision needs git, which is not installed") from None
    except OSError as exc:
        raise SourceError(f"{what}: cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        first = message[0] if message else f"git exited with {done.returncode}"
        if "not a git repository" in first:
            raise SourceError(
                f"{what}: not inside a git repository (a REV:PATH side is read "
                "from git history; run cadee in a git work tree or give a file path)"
            )
        raise SourceError(f"{what}: git failed: {first.removeprefix('fatal: ')}")
    return done.stdout


@dataclass(slots=True)
class _Revision:
    """A resolved revision of one repository."""

    label: str
    commit: str
    top: Path
    prefix: str  # the current folder inside the work tree ("" at the root)


def _resolve(side: Side) -> _Revision:
    assert side.revision is not None
    where = side.git_dir
    what = side.label
    inside = _git(["rev-parse", "--is-inside-work-tree"], where, what=what).decode().strip()
    if inside != "true":
        raise SourceError(f"{what}: not inside a git work tree")
    top = Path(_git(["rev-parse", "--show-toplevel"], where, what=what).decode().strip())
    prefix = _git(["rev-parse", "--show-prefix"], where, what=what).decode().strip()
    try:
        out = _git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{side.revision}^{{commit}}"],
            where,
            what=what,
        )
    except SourceError:
        out = b""
    commit = out.decode().strip()
    if not commit:
        raise SourceError(
            f"{what}: unknown revision {side.revision!r} "
            "(fetch it first, e.g. `git fetch origin` or actions/checkout with fetch-depth: 0)"
        )
    return _Revision(side.revision, commit, top, prefix)


def _repo_path(side: Side, revision: _Revision) -> str:
    """The side's path relative to the repository root (git's REV:PATH rule)."""
    path = side.path.replace(os.sep, "/")
    if path.startswith(("./", "../")) or path in (".", ".."):
        path = posixpath.join(revision.prefix, path)
    normal = posixpath.normpath(path)
    if normal.startswith("../") or normal in ("..", ".") or posixpath.isabs(normal):
        raise SourceError(f"{side.label}: the path is outside the repository")
    return normal


def _entries(
    revision: _Revision, paths: Sequence[str], what: str
) -> dict[str, tuple[str, str, str, int]]:
    """path -> (mode, type, object id, size in bytes; 0 for a tree) for the paths that
    exist at the revision. The size comes from ``ls-tree --long``, so a blob above a
    limit is never read (:func:`_blobs`, :func:`_write`)."""
    if not paths:
        return {}
    out = _git(
        ["ls-tree", "-z", "--long", "--full-tree", revision.commit, "--", *paths],
        revision.top,
        what=what,
    )
    found: dict[str, tuple[str, str, str, int]] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, oid, size = meta.decode().split()
        found[os.fsdecode(name)] = (mode, kind, oid, int(size) if size.isdigit() else 0)
    return found


def _blobs(
    revision: _Revision,
    entries: Mapping[str, tuple[str, str, str, int]],
    max_bytes: int,
    what: str,
) -> dict[str, bytes]:
    """The contents of the blobs among ``entries`` (by object id), all in one
    ``git cat-file --batch``, except blobs above ``max_bytes``: a file in history
    that compresses to a few megabytes can be gigabytes once read, so its size is
    judged from the tree (:func:`_entries`) and it is never read (see :func:`_write`)."""
    oids = sorted(
        {oid for _, kind, oid, size in entries.values() if kind == "blob" and size <= max_bytes}
    )
    if not oids:
        return {}
    out = _git(
        ["cat-file", "--batch"],
        revision.top,
        what=what,
        data="".join(f"{o}\n" for o in oids).encode(),
    )
    blobs: dict[str, bytes] = {}
    position = 0
    for oid in oids:
        end = out.index(b"\n", position)
        header = out[position:end].decode().split(" ")
        position = end + 1
        if len(header) != 3:
            continue  # "missing": cannot happen for ids ls-tree just listed
        size = int(header[2])
        blobs[oid] = out[position : position + size]
        position += size + 1
    return blobs


def _write(target: Path, entry: tuple[str, str, str, int], contents: Mapping[str, bytes]) -> bool:
    """Write a regular file's blob to ``target``; False when it was above the limit and
    not read: ``target`` is then a sparse file of its size (no data, no disk space),
    which the reader refuses with its usual located "file is N bytes, above the
    limit" error, as for the same file in the work tree."""
    data = contents.get(entry[2])
    if data is None:
        with target.open("wb") as handle:
            handle.truncate(entry[3])
        return False
    target.write_bytes(data)
    return True


def _includes(
    data: bytes, shown: str, limits: Limits, shared: SharedParses
) -> tuple[list[str], list[str]]:
    """The include list of a file and the measurements files its KPIs name, or nothing
    (the loader reports broken files)."""
    if not _INCLUDE_KEY.search(data) and b"measurements_file" not in data:  # most files name none
        return [], []
    raw, _ = shared.parse(data, shown, limits)
    if not isinstance(raw, YMap):
        return [], []
    includes = raw.get("include")
    kpis = raw.get("kpis")
    files = (
        [kpi.get("measurements_file") for kpi in kpis if isinstance(kpi, YMap)]
        if isinstance(kpis, YSeq)
        else []
    )
    return (
        [target for target in includes if isinstance(target, str)]
        if isinstance(includes, YSeq)
        else [],
        [target for target in files if isinstance(target, str)],
    )


def _materialise(
    revision: _Revision,
    top_path: str,
    root: Path,
    limits: Limits,
    what: str,
    shared: SharedParses,
) -> None:
    """Write the top file and everything it includes, at the revision, under ``root``."""
    pending = [top_path]
    seen: set[str] = set()
    data_files: set[str] = set()  # measurements files: written, never parsed
    while pending and len(seen) <= limits.max_include_files + 1:
        batch = [p for p in dict.fromkeys(pending) if p not in seen]
        pending = []
        seen.update(batch)
        entries = _entries(revision, batch, what)
        contents = _blobs(revision, entries, limits.max_file_bytes, what)
        for path in batch:
            entry = entries.get(path)
            if entry is None:
                continue  # missing: the loader says "does not exist" with file:line:column
            mode, kind, oid, _ = entry
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if kind == "tree" or mode == _TREE:
                target.mkdir(exist_ok=True)  # the loader reports "is not a file"
                continue
            if mode == _GITLINK or kind != "blob":
                continue
            if mode == _SYMLINK:
                if oid not in contents:
                    continue  # a link target above the size limit: no file, "does not exist"
                link = os.fsdecode(contents[oid])
                os.symlink(link, target)
                followed = posixpath.normpath(posixpath.join(posixpath.dirname(path), link))
                if (
                    not posixpath.isabs(link)
                    and not followed.startswith("../")
                    and followed != ".."
                ):
                    pending.append(followed)
                continue
            if not _write(target, entry, contents) or path in data_files:
                continue
            folder = posixpath.dirname(path)
            includes, measurements = _includes(contents[oid], path, limits, shared)
            for include in (*includes, *measurements):
                if "\x00" in include or posixpath.isabs(include) or not include.strip():
                    continue
                followed = posixpath.normpath(posixpath.join(folder, include))
                if not followed.startswith("../") and followed != "..":
                    pending.append(followed)
                    if include in measurements and include not in includes:
                        data_files.add(followed)


def repository_path(side: Side) -> str:
    """The side's path relative to the repository root (git's ``REV:PATH`` rule)."""
    return _repo_path(side, _resolve(side))


def checkout_files(
    side: Side, paths: Sequence[str], root: Path, max_bytes: int | None = None
) -> list[str]:
    """Write the repository files ``paths``, as they are at the side's revision, under ``root``.

    Regular files are written, symbolic links are made as links (so the
    reader's confinement sees where they point), anything else is skipped; a
    file above ``max_bytes`` (default: the default ``limits.max_file_bytes``) is
    not read, only its size is kept (:func:`_write`). Returns the paths
    written. Used for a project's configuration and rule packs at a revision
    (:meth:`cadee.project.Project.at_revision`).
    """
    limit = Limits().max_file_bytes if max_bytes is None else max_bytes
    revision = _resolve(side)
    pending = list(paths)
    written: list[str] = []
    for _ in range(8):  # links to links, a few deep
        wanted = [
            p
            for p in dict.fromkeys(pending)
            if p
            and p != ".."
            and not p.startswith("../")
            and not posixpath.isabs(p)
            and p not in written
        ]
        if not wanted:
            break
        pending = []
        entries = _entries(revision, wanted, side.label)
        contents = _blobs(revision, entries, limit, side.label)
        for path in wanted:
            entry = entries.get(path)
            if (
                entry is None
                or entry[1] != "blob"
                or entry[0] == _GITLINK
                or os.path.lexists(root / path)
            ):
                continue
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if entry[0] == _SYMLINK:
                if entry[2] not in contents:
                    continue  # a link target above the size limit: left out
                link = os.fsdecode(contents[entry[2]])
                os.symlink(link, target)  # the reader's confinement judges where it points
                if not posixpath.isabs(link):
                    pending.append(
                        posixpath.normpath(posixpath.join(posixpath.dirname(path), link))
                    )
            else:
                _write(target, entry, contents)
            written.append(path)
    return written


def load_side(
    side: Side,
    *,
    limits: Limits | None = None,
    known_rules: Collection[str] | None = None,
    shared: SharedParses | None = None,
) -> LoadResult:
    """Load one side; file names in the result are what the user wrote (``REV:path``).

    ``shared``: the run's parse cache, when the run loads more than one side."""
    limits = limits or Limits()
    shared = shared if shared is not None else SharedParses()
    source = shared.source(limits)
    if side.revision is None:
        if not os.path.exists(side.path):
            raise SourceError(f"{side.label}: no such file")
        return load_blueprint(side.path, limits=limits, known_rules=known_rules, source=source)
    revision = _resolve(side)
    path = _repo_path(side, revision)
    existing = _entries(revision, [path], side.label)
    if path not in existing:
        raise SourceError(_missing_message(side, revision, path))
    if existing[path][1] != "blob":
        raise SourceError(f"{side.label}: is a folder at {side.revision}, not a blueprint file")
    folder = tempfile.mkdtemp(prefix="cadee-diff-")
    try:
        root = Path(os.path.realpath(folder))
        (root / ".git").mkdir()  # the loader's project root: the repository root
        _materialise(revision, path, root, limits, side.label, shared)
        result = load_blueprint(root / path, limits=limits, known_rules=known_rules, source=source)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _relabel(result, display_path(root), side.revision)


def _missing_message(side: Side, revision: _Revision, path: str) -> str:
    return (
        f"{side.label}: {path!r} does not exist at revision {side.revision} "
        f"(renamed since? name the path it had then: {side.revision}:OLD-PATH)"
    )


def find_rename(side: Side) -> Side:
    """For ``--base``: when PATH did not exist at REV but git sees a rename, use the old name."""
    assert side.revision is not None
    revision = _resolve(side)
    path = _repo_path(side, revision)
    if path in _entries(revision, [path], side.label):
        return side
    out = _git(
        ["diff", "--find-renames", "--name-status", "-z", revision.commit],
        revision.top,
        what=side.label,
    )
    fields = out.split(b"\0")
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index].decode()
        if status.startswith(("R", "C")):
            old, new = os.fsdecode(fields[index + 1]), os.fsdecode(fields[index + 2])
            if new == path and status.startswith("R"):
                return dataclasses.replace(
                    side, path=old, label=f"{side.revision}:{old}", renamed_from=old
                )
            index += 3
        else:
            index += 2
    return side


# -- showing REV:path instead of the temporary folder ------------------------------------


def _relabel(result: LoadResult, shown_root: str, revision: str) -> LoadResult:
    """File names under the temporary folder become ``REV:path``, in locations and messages."""
    prefix = shown_root.rstrip("/") + "/"
    replacement = f"{revision}:"
    root_name = revision

    def name(text: str) -> str:
        return replacement + text[len(prefix) :] if text.startswith(prefix) else text

    def message(text: str) -> str:
        return text.replace(prefix, replacement).replace(
            shown_root, f"the repository root at {root_name}"
        )

    def location(loc: Location) -> Location:
        return Location(name(loc.file), loc.line, loc.column, loc.path)

    cache: dict[str, str] = {}
    result.path = name(result.path)
    result.errors = [LoadError(location(e.location), message(e.message)) for e in result.errors]
    result.files = [SourceFile(name(f.path), f.sha256) for f in result.files]
    blueprint = result.blueprint
    if blueprint is not None:
        blueprint.path = name(blueprint.path)
        blueprint.location = location(blueprint.location)
        blueprint.files = [SourceFile(name(f.path), f.sha256) for f in blueprint.files]
        for key in LIST_FIELDS:
            for item in getattr(blueprint, key):
                loc = item.location
                shown = cache.get(loc.file)
                if shown is None:
                    shown = cache[loc.file] = name(loc.file)
                set_location(item, Location(shown, loc.line, loc.column, loc.path))
    return result
