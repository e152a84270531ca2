"""``cadee lsp``: the language server for editors (docs/editors.md).

pygls comes with the optional ``lsp`` extra; without it the command says how
to install it. Nothing here imports pygls until the command runs.
"""

from __future__ import annotations

import importlib.util

from cadee.commands.common import usage_error

NAME = "lsp"
HELP = "Run the language server (LSP over stdio) for editors: findings, hover, completion, fixes. Needs pip install 'cadee[lsp]'."


def command() -> int:
    """Run the language server on standard input and output (see docs/editors.md)."""
    if importlib.util.find_spec("pygls") is None or importlib.util.find_spec("lsprotocol") is None:
        raise usage_error("cadee lsp needs the lsp extra: pip install 'cadee[lsp]'")
    from cadee.lsp.server import serve

    serve()
    return 0
