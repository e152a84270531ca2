"""cadee: architecture as code for AI customer service in regulated enterprises.

The library API (no argv, no terminal)::

    from cadee import load_blueprint, check
    result = load_blueprint("bank/blueprint.yaml")
    if result.blueprint is not None:
        report = check(result.blueprint)

Heavy modules (pydantic, networkx) load only when these names are first used,
so ``cadee --version`` stays instant.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: ``cadee --version`` imports no typing

__version__ = "0.1.0"
#: Version of the rule catalog; bumps when rule semantics change.
RULESET_VERSION = "1.0"

__all__ = ["RULESET_VERSION", "__version__", "check", "load_blueprint"]

if TYPE_CHECKING:
    from typing import Any

    from cadee.check import check
    from cadee.load import load_blueprint


def __getattr__(name: str) -> Any:
    if name == "load_blueprint":
        from cadee.load import load_blueprint

        return load_blueprint
    if name == "check":
        from cadee.check import check

        return check
    raise AttributeError(name)
