"""Pausing Python's cyclic garbage collector while building large trees.

Loading a 10,000-system estate allocates millions of small containers and
none of them forms a reference cycle; the collector's repeated full scans of
that growing heap cost about a third of the run (measured: 3.6-4.4 s with the
collector, 2.0-2.7 s without, docs/performance.md). Reference counting still
frees everything as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused(*, restore: bool = True) -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore it afterwards.

    ``restore=False`` leaves it off: for a process about to exit, because the
    first collection after a long pause scans every object allocated during
    it (about 80 ms after loading 10,000 systems) only to find no garbage.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and restore:
            gc.enable()
