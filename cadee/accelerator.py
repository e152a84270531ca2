"""Whether the YAML loader's optional C fast path (``cadee._yamlfast``) is in use.

Kept free of heavy imports: ``cadee --version`` reports it, the way
``mypy --version`` and ``black --version`` say whether they are compiled.
"""

from __future__ import annotations

import importlib.util
import os

__all__ = ["fast_path_status", "is_stale"]


def is_stale(module_file: str | None) -> bool:
    """In a checkout (an editable install), a build older than its source is
    not used: it may not do what the source says. scripts/bootstrap.sh rebuilds it."""
    if not module_file:
        return False
    source = os.path.join(os.path.dirname(module_file), "_yamlfast.pyx")
    try:
        return os.stat(source).st_mtime > os.stat(module_file).st_mtime
    except OSError:  # an installed wheel ships no source
        return False


def fast_path_status() -> str:
    """``on``, or ``off`` with the reason, without importing the extension."""
    if os.environ.get("CADEE_NO_ACCELERATOR"):
        return "off (CADEE_NO_ACCELERATOR is set)"
    spec = importlib.util.find_spec("cadee._yamlfast")
    if spec is None or spec.origin is None:
        return "off (not built; see docs/performance.md)"
    if is_stale(spec.origin):
        return "off (older than its source; run scripts/bootstrap.sh)"
    return "on"
