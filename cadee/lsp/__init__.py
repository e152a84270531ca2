"""``cadee lsp``: a Language Server Protocol server for blueprints (docs/editors.md).

Needs the ``lsp`` extra (``pip install 'cadee[lsp]'``, which brings pygls).
The modules are split so most of the work is testable without a client:

- :mod:`cadee.lsp.workspace`: open buffers over the disk, a parse cache by
  content hash, validation of every blueprint and an index of ids;
- :mod:`cadee.lsp.features`: hover, definition, references, completion and
  code actions as plain functions over the workspace;
- :mod:`cadee.lsp.server`: the pygls wiring (the only module importing pygls).
"""
