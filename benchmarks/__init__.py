"""Benchmarks for cadee: a generator of synthetic bank estates and a timing runner.

``python -m benchmarks`` runs the suite and prints the table recorded in
``docs/performance.md``; ``python -m benchmarks.generate N OUT_DIR`` writes
one estate. Nothing here is imported by ``cadee`` itself.
"""

from __future__ import annotations

from typing import Any

__all__ = ["generate_estate"]


def __getattr__(name: str) -> Any:
    # Lazy, so `python -m benchmarks.generate` does not import the module twice.
    if name == "generate_estate":
        from benchmarks.generate import generate_estate

        return generate_estate
    raise AttributeError(name)
