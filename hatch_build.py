"""Build hook: compiles cadee's optional C fast path, ``cadee/_yamlfast.pyx``.

The extension reads libyaml's events directly (about 3x faster than the
pure-Python loader on a 10,000-system estate; docs/performance.md). It needs
a C compiler, Python's headers and libyaml's headers (Debian:
``gcc python3-dev libyaml-dev``; ``scripts/bootstrap.sh`` installs them as
root). When any of these is missing the build prints why and goes on: cadee
then runs on the pure-Python loader, with the same results, only slower.

``CADEE_NO_EXTENSIONS=1`` skips the build; ``CADEE_REQUIRE_EXTENSIONS=1``
turns a failed build into an error (for CI that must measure the fast path).
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MODULE = "cadee._yamlfast"
SOURCE = Path("cadee") / "_yamlfast.pyx"


def _say(message: str) -> None:
    print(f"cadee build: {message}", file=sys.stderr, flush=True)


def _missing_prerequisites() -> list[str]:
    missing = []
    compiler = sysconfig.get_config_var("CC") or "cc"
    if shutil.which(compiler.split()[0]) is None:
        missing.append("a C compiler (Debian: gcc)")
    include = sysconfig.get_paths()["include"]
    if not Path(include, "Python.h").is_file():
        missing.append(f"Python's headers in {include} (Debian: python3-dev)")
    if _libyaml_include() is None:
        missing.append("libyaml's headers (Debian: libyaml-dev)")
    return missing


def _libyaml_include() -> Path | None:
    """The folder holding libyaml's ``yaml.h``, if any."""
    roots = [Path(p) for p in os.environ.get("C_INCLUDE_PATH", "").split(os.pathsep) if p]
    roots += [Path(p) for p in ("/usr/include", "/usr/local/include", "/opt/homebrew/include")]
    return next((root for root in roots if (root / "yaml.h").is_file()), None)


def compile_extension(root: Path, target: Path | None = None) -> Path:
    """Cythonize and compile the extension into ``target`` (a folder), or next to
    its source when ``target`` is None (editable installs); return the built file."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension  # type: ignore[import-untyped]

    include = _libyaml_include()
    extra: dict[str, list[str]] = {}
    if include is not None and str(include) not in ("/usr/include", "/usr/local/include"):
        extra = {"include_dirs": [str(include)], "library_dirs": [str(include.parent / "lib")]}
    with tempfile.TemporaryDirectory(prefix="cadee-build-") as scratch:
        extension = Extension(MODULE, [str(SOURCE)], libraries=["yaml"], **extra)
        modules: list[Any] = cythonize(  # type: ignore[no-untyped-call]
            [extension],
            build_dir=str(Path(scratch, "c")),
            compiler_directives={"language_level": 3},
            quiet=True,
        )
        distribution = Distribution({"name": "cadee-yamlfast", "ext_modules": modules})
        command: Any = distribution.get_command_obj("build_ext")
        command.inplace = target is None
        if target is not None:
            command.build_lib = str(target)
        command.build_temp = str(Path(scratch, "obj"))
        previous = Path.cwd()
        os.chdir(root)
        try:
            command.ensure_finalized()
            command.run()
            return (target or root) / str(command.get_ext_filename(MODULE))
        finally:
            os.chdir(previous)


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Adds the compiled fast path to wheels (and builds it in place for editable installs)."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        required = bool(os.environ.get("CADEE_REQUIRE_EXTENSIONS"))
        if os.environ.get("CADEE_NO_EXTENSIONS"):
            _say("CADEE_NO_EXTENSIONS is set: building without the C fast path")
            return
        root = Path(self.root)
        missing = _missing_prerequisites()
        if missing:
            message = "the C fast path of the YAML loader needs " + "; ".join(missing)
            if required:
                raise RuntimeError(message)
            _say(
                message
                + ". Building without it: cadee works the same, validates large estates about 1.3x slower."
            )
            return
        # An editable install imports the extension from the source tree; a wheel
        # takes it from a scratch folder, leaving the source tree as it was.
        editable = version == "editable"
        target = None if editable else Path(tempfile.mkdtemp(prefix="cadee-wheel-ext-"))
        self._scratch = target
        try:
            built = compile_extension(root, target)
        except Exception as exc:  # the fast path is optional; say why and go on
            if required:
                raise
            _say(
                f"compiling the C fast path failed ({type(exc).__name__}: {exc}); building without it"
            )
            return
        _say(f"built the C fast path: {built.name}")
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if not editable:
            build_data["force_include"][str(built)] = f"cadee/{built.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
