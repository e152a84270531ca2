"""Reusable blueprint patterns shipped with cadee (the repository's ``blueprints/``)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "find_pattern", "patterns"]


def data_dir(name: str) -> Path:
    """A data folder: inside the installed wheel, else beside the source tree."""
    packaged = Path(__file__).resolve().parent / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def patterns() -> dict[str, Path]:
    """Pattern name (``financial-services``) -> file, sorted by name."""
    root = data_dir("blueprints")
    found: dict[str, Path] = {}
    for path in sorted(root.glob("*/*.yaml")):
        found[f"{path.parent.name}/{path.stem}"] = path
    return found


def find_pattern(name: str) -> Path | None:
    """A pattern by full name (``healthcare/ai-customer-service``) or by industry."""
    available = patterns()
    if name in available:
        return available[name]
    matches = [path for key, path in available.items() if key.split("/")[0] == name]
    return matches[0] if len(matches) == 1 else None
