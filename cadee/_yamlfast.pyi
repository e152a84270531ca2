# Types of the optional C fast path (cadee/_yamlfast.pyx).
from collections.abc import Callable
from typing import Any

def build(
    data: bytes,
    max_depth: int,
    max_scalar_chars: int,
    cache: dict[str, Any],
    cache_limit: int,
    resolve_plain: Callable[[str], Any],
    maybe_typed: bytes,
    ymap: type,
    yseq: type,
    unsupported: object,
) -> tuple[bool, Any]: ...
def libyaml_version() -> str: ...
