"""Files from the outside world: finding them, confining them, reading and writing them safely.

Everything cadee reads that a pull request controls (blueprints, includes,
configuration, rule packs) goes through :func:`confine` and
:func:`read_regular`: symbolic links are resolved first, the real file must
lie inside the project root (the git work tree), and only regular files are
read, never a device (``/dev/zero``), a FIFO (which would block) or a socket.
Every upward directory search goes through :func:`walk_up`.
"""

from __future__ import annotations

import enum
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "NotRegularFile",
    "Problem",
    "TooLarge",
    "confine",
    "project_root",
    "read_regular",
    "walk_up",
    "write_atomic",
]


def walk_up(start: Path, *, resolve: bool = True) -> Iterator[Path]:
    """``start`` (or its folder, when it is not a folder) and every folder above it.

    ``resolve`` resolves symbolic links first; without it the path is only
    made absolute (what the user typed, as reports show it).
    """
    folder = start.resolve() if resolve else Path(os.path.abspath(start))
    if not folder.is_dir():
        folder = folder.parent
    yield folder
    yield from folder.parents


def project_root(path: Path) -> Path:
    """The git work tree holding ``path`` (a file or a folder), else its folder (spec section 9).

    The folder of ``path`` is resolved, its last component is not: a top-level
    blueprint that is a symbolic link is confined to the tree the link is in.
    """
    absolute = Path(os.path.abspath(path))
    folder = absolute if absolute.is_dir() else absolute.parent.resolve()
    for candidate in walk_up(folder):
        if (candidate / ".git").exists():
            return candidate
    return folder.resolve()


class Problem(enum.Enum):
    """Why :func:`confine` refused a path (the caller words the message)."""

    OUTSIDE = "resolves outside the project root"
    MISSING = "does not exist"
    NOT_A_FILE = "is not a file"


def confine(path: Path, root: Path) -> Path | Problem:
    """The real path of ``path`` (symbolic links resolved) when it is a file inside
    ``root``; else why not. The confinement of includes, rule packs and blueprints."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a symbolic-link loop
        return Problem.MISSING
    if not real.is_relative_to(root):
        return Problem.OUTSIDE
    if not real.exists():
        return Problem.MISSING
    if not real.is_file():
        return Problem.NOT_A_FILE
    return real


class NotRegularFile(OSError):
    """The path is a device, a FIFO, a socket or a folder: never read."""

    def __init__(self, path: Path, mode: int) -> None:
        kind = (
            "a folder"
            if stat.S_ISDIR(mode)
            else "a FIFO"
            if stat.S_ISFIFO(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "a device"
        )
        super().__init__(f"{path} is {kind}, not a regular file")
        self.kind = kind


class TooLarge(OSError):
    """The file is larger than the limit; nothing was read."""

    def __init__(self, path: Path, size: int) -> None:
        super().__init__(f"{path} is {size:,} bytes")
        self.size = size


def read_regular(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of ``path`` when it is a regular file (links followed) of at most ``max_bytes``.

    Opened without blocking and checked on the open descriptor, so a FIFO
    cannot hang the run and a link cannot be swapped between check and read.
    Raises :class:`NotRegularFile`, :class:`TooLarge` or another ``OSError``.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(21, "Is a directory", str(path))
            raise NotRegularFile(path, info.st_mode)
        if max_bytes is not None and info.st_size > max_bytes:
            raise TooLarge(path, info.st_size)
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=True) as stream:
            descriptor = -1
            data = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    finally:
        if descriptor >= 0:
            os.close(descriptor)
    if max_bytes is not None and len(data) > max_bytes:  # grew while read
        raise TooLarge(path, len(data))
    return data


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so a reader never sees half a file.

    A regular file is written to a temporary file beside it and renamed into
    place. An existing non-regular target (``/dev/null``, ``/dev/stdout``, a
    FIFO) is written directly: renaming over it would replace the device.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(f"{path} is a folder")
        with open(path, "wb") as stream:
            stream.write(payload)
        return
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)  # mkstemp creates 0600; reports are for sharing
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
