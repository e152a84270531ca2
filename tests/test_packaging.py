"""The wheel users install: built by hatchling with cadee's build hook (hatch_build.py).

Built offline from a copy of the checkout (the hook compiles next to the
sources, and overwriting the extension this very process has loaded would
crash it), then unpacked and run on the flagship example.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO
from .test_yamlfast import _buildable

pytestmark = pytest.mark.slow


def _copy_checkout(target: Path) -> Path:
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _build_wheel(source: Path, out: Path, **env: str) -> Path:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-build-isolation",
            "--no-deps",
            "--no-index",
            "-q",
            "--disable-pip-version-check",
            str(source),
            "-w",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out.glob("cadee-*.whl")
    return wheel


def _run_from(wheel: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(folder)
    # Only the unpacked wheel, not the checkout, provides cadee (dependencies come from the venv).
    env = {**os.environ, "PYTHONPATH": str(folder), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=folder, check=False
    )


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy_checkout(tmp_path_factory.mktemp("checkout"))


def test_the_wheel_carries_data_and_runs_without_the_checkout(
    checkout: Path, tmp_path: Path
) -> None:
    wheel = _build_wheel(checkout, tmp_path / "dist")
    assert not list((checkout / "cadee").glob("_yamlfast*.so")), (
        "a wheel build must leave the sources as they were"
    )
    names = zipfile.ZipFile(wheel).namelist()
    assert "cadee/_data/templates/document.html.j2" in names
    assert "cadee/_data/blueprints/financial-services/ai-customer-service.yaml" in names
    assert not [n for n in names if n.endswith((".pyx", ".c"))]
    extension = [
        n for n in names if n.startswith("cadee/_yamlfast") and n.endswith((".so", ".pyd"))
    ]
    if _buildable():
        assert extension, names
        assert "-none-any" not in wheel.name  # a platform wheel, since it holds compiled code
    flagship = REPO / "examples" / "northwind-bank" / "blueprint.yaml"
    done = _run_from(
        wheel,
        tmp_path / "site",
        "-c",
        "import sys; from cadee import yamlload; from cadee.cli import main; "
        "print('fast path:', yamlload._yamlfast is not None); "
        f"sys.exit(main(['validate', {str(flagship)!r}]))",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"fast path: {bool(extension)}" in done.stdout
    assert "passed" in done.stdout


def test_without_the_extension_the_wheel_is_pure_python_and_works(
    checkout: Path, tmp_path: Path
) -> None:
    wheel = _build_wheel(checkout, tmp_path / "dist", CADEE_NO_EXTENSIONS="1")
    assert wheel.name.endswith("-py3-none-any.whl")
    assert not [
        n
        for n in zipfile.ZipFile(wheel).namelist()
        if n.startswith("cadee/_yamlfast.") and not n.endswith(".pyi")
    ]
    done = _run_from(
        wheel,
        tmp_path / "site",
        "-m",
        "cadee",
        "validate",
        str(REPO / "examples" / "northwind-pilot" / "blueprint.yaml"),
        "-f",
        "json",
    )
    assert done.returncode == 1, done.stderr
    assert '"rule": "ARC001"' in done.stdout
