"""Atheris harness: the loader's C fast path against the Python loader, for long runs.

    pip install atheris
    PYTHONPATH=. python fuzz/fuzz_yamlfast.py -max_total_time=600 corpus/

Each input is loaded by both loaders (cadee/_yamlfast.pyx and the Python
loader in cadee/yamlload.py), with the default limits and with tight ones;
any difference in values, types, positions or errors is a bug, and so is an
exception. Coverage guides the Python side (the resolver, the give-up cases);
the C side is exercised by the inputs, not instrumented.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import atheris

with atheris.instrument_imports():
    from cadee import yamlload
    from cadee.yamlload import Limits, YMap, YSeq, load_yaml

if yamlload._yamlfast is None:
    sys.exit("the C fast path is not built: run scripts/bootstrap.sh first")

LIMITS = (Limits(), Limits(max_depth=4, max_scalar_chars=16))


def same(a: Any, b: Any) -> bool:
    """Equal values, types and recorded positions, recursively."""
    if type(a) is not type(b):
        return False
    if isinstance(a, YMap):
        return ((a.line, a.column, list(a), a.key_marks) == (b.line, b.column, list(b), b.key_marks)
                and all(same(a[k], b[k]) for k in a))
    if isinstance(a, YSeq):
        return ((a.line, a.column, a.item_marks, len(a)) == (b.line, b.column, b.item_marks, len(b))
                and all(same(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def test_one_input(data: bytes) -> None:
    for limits in LIMITS:
        fast_root, fast_errors = load_yaml(data, "f.yaml", limits, accelerated=True)
        slow_root, slow_errors = load_yaml(data, "f.yaml", limits, accelerated=False)
        assert [str(e) for e in fast_errors] == [str(e) for e in slow_errors], (fast_errors, slow_errors)
        assert same(fast_root, slow_root), (fast_root, slow_root)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
