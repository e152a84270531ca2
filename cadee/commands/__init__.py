"""The commands of the ``cadee`` program, one module each.

:mod:`cadee.cli` registers every module of this package that defines a command,
so a new command is one new module:

- ``NAME`` (the command's name), ``HELP`` (its one-paragraph help) and
  ``command(...)``: a function whose annotated parameters typer turns into
  arguments and options, and which **returns the exit code** (0 done, 1 the
  check failed, 2 invalid input). A usage problem is ``raise usage_error(...)``
  (:mod:`cadee.commands.common`): ``cadee: error: ...`` on standard error, exit 2.
- optionally ``POSITION`` (an int), where ``cadee --help`` lists it (default: after
  the others, by name);
- or ``register(app)``, for a command group (``rules``: the catalog, ``rules test``
  and ``explain``).

Name the module after its command (``import_`` for ``import``): a run of one
command imports and registers only that module; a command found under
another name (``explain``) costs a run the import of every command module.

A command imports heavy modules (pydantic, networkx, rich) inside its body,
so ``cadee --help`` stays fast; it resolves its project once
(:class:`cadee.project.Project`) and hands it to the library; it writes
output only through :func:`~cadee.commands.common.emit` and prints an invalid
blueprint only through :func:`~cadee.commands.common.print_invalid`.
:mod:`cadee.commands.common` holds what commands share; it defines no command.
"""
