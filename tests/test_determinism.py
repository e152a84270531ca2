"""Byte-identical outputs whatever the hash seed, the locale and the working directory.

Each variant copies the pilot example into its own folder, runs cadee there in
a fresh process (so ``PYTHONHASHSEED`` and the locale really differ) and the
outputs are compared byte for byte. ``--as-of`` pins the only input that is
not in the files: the date.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

PILOT = REPO / "examples" / "northwind-pilot" / "blueprint.yaml"
AS_OF = "2026-06-01"
#: (PYTHONHASHSEED, LC_ALL, folder name): every pair of variants differs in all three.
VARIANTS = [
    ("0", "C.UTF-8", "first"),
    ("4242", "C", "second/nested deeper"),
    ("random", "C.UTF-8", "third"),
]
RENDER_FORMATS = "md,html,dot,mmd"


def _run(cwd: Path, seed: str, locale: str, *argv: str) -> bytes:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONHASHSEED"))
    }
    env.update(PYTHONHASHSEED=seed, LC_ALL=locale, LANG=locale, PYTHONPATH=str(REPO), NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, "-m", "cadee", *argv], cwd=cwd, env=env, capture_output=True, timeout=120
    )
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")[-2000:]
    return done.stdout


def _outputs(base: Path, seed: str, locale: str, name: str) -> dict[str, bytes]:
    folder = base / name
    folder.mkdir(parents=True)
    shutil.copy(PILOT, folder / "blueprint.yaml")
    (folder / ".git").mkdir()  # each copy is its own project root, as a checkout would be
    results = {
        f"validate.{fmt}": _run(
            folder, seed, locale, "validate", "blueprint.yaml", "-f", fmt, "--as-of", AS_OF
        )
        for fmt in ("json", "sarif", "text")
    }
    _run(
        folder,
        seed,
        locale,
        "render",
        "blueprint.yaml",
        "--out",
        "pack",
        "-f",
        RENDER_FORMATS,
        "--as-of",
        AS_OF,
    )
    for path in sorted((folder / "pack").rglob("*")):
        if path.is_file():
            results[path.relative_to(folder).as_posix()] = path.read_bytes()
    return results


@pytest.mark.slow
def test_outputs_are_byte_identical_across_seeds_locales_and_folders(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is needed for the HTML documents")
    runs = [_outputs(tmp_path, seed, locale, name) for seed, locale, name in VARIANTS]
    first = runs[0]
    assert {
        "validate.json",
        "validate.sarif",
        "pack/brief.md",
        "pack/brief.html",
        "pack/maps/full.dot",
        "pack/maps/full.mmd",
    } <= set(first)
    for (seed, locale, name), other in zip(VARIANTS[1:], runs[1:], strict=True):
        assert sorted(other) == sorted(first), f"{name}: different files"
        for key, data in first.items():
            assert other[key] == data, (
                f"{key} differs with PYTHONHASHSEED={seed} LC_ALL={locale} in {name}"
            )
