"""Atheris harness: the loader and the checker on arbitrary bytes, for long runs.

    pip install atheris
    python fuzz/fuzz_load.py -max_total_time=600 corpus/

Each input is written as ``blueprint.yaml`` in a scratch project and loaded;
a valid blueprint is also checked and reported in every validate format.
Anything that raises is a bug (cadee collects every problem as a located
error and never raises on input). Keep crashing inputs in tests/corpus/.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from cadee.check import CheckOptions, check
    from cadee.load import load_blueprint
    from cadee.report.json import render_json
    from cadee.report.junit import render_junit
    from cadee.report.text import render_text
    from cadee.validate import BlueprintResult

SCRATCH = Path(tempfile.mkdtemp(prefix="cadee-fuzz-"))
(SCRATCH / ".git").mkdir()  # the project root: includes cannot leave it
BLUEPRINT = SCRATCH / "blueprint.yaml"
# Include targets for inputs that name them.
(SCRATCH / "part.yaml").write_text("cadee: 1\nsystems: [{id: shared, kind: service}]\n", encoding="utf-8")
AS_OF = dt.date(2026, 6, 1)


def test_one_input(data: bytes) -> None:
    BLUEPRINT.write_bytes(data)
    loaded = load_blueprint(BLUEPRINT)
    for error in loaded.errors:
        location = error.location
        assert location.line >= 1 and location.column >= 1, error
    if loaded.blueprint is None:
        assert loaded.errors, "no blueprint and no error"
        result = BlueprintResult(loaded.path, loaded.errors, None)
    else:
        report = check(loaded.blueprint, CheckOptions(as_of=AS_OF))
        result = BlueprintResult(loaded.path, [], report)
    render_text([result])
    render_json([result])
    render_junit([result])


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
