"""The command line: registers the commands of :mod:`cadee.commands` and owns ``main``.

Every module of ``cadee/commands/`` that defines a command is registered here,
found by listing the package: a new command is one new module (see
:mod:`cadee.commands` for the contract).

Start-up is paid on every run of a pre-commit loop, so a run imports only what
it needs: ``cadee --version`` answers before typer is imported; a run of one
command registers only that command's module (``validate`` lives in
``validate.py``, ``import`` in ``import_.py``), so typer converts one command,
not all; ``cadee --help``, a name no module is named after (``explain``) and an
unknown name register every module, so the listing and typer's "did you mean"
are those of the whole program. Heavy modules (pydantic, networkx, rich) are
imported inside the commands.
"""

# No ``from __future__ import annotations`` here: the root callback's annotations
# name typer objects, which typer reads at run time; typer is imported only when
# a command runs (see ``_app``).

import contextlib
import errno
import os
import sys
from types import ModuleType

from cadee import __version__

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: ``cadee --version`` imports no typing
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn

    import typer

HELP = "Architecture as code for AI customer service in regulated enterprises."
#: Options of the program itself, before a command's name (all flags: no values).
_ROOT_FLAGS = frozenset({"-V", "--version", "-h", "--help"})


def _version(value: bool) -> None:
    if value:
        import typer

        typer.echo(f"cadee {__version__}")
        raise typer.Exit(0)


def _command_modules(name: str | None = None) -> list[ModuleType]:
    """The command modules, in the order of ``POSITION`` (where ``--help`` lists them;
    default: after the others), then name; with ``name``, only the module named after
    that command (``import_`` for ``import``) when there is one."""
    import importlib
    import pkgutil

    import cadee.commands

    available = [info.name for info in pkgutil.iter_modules(cadee.commands.__path__)]
    if name is not None:
        available = [m for m in (name, f"{name}_") if m in available]
    modules = [importlib.import_module(f"cadee.commands.{m}") for m in available]
    return sorted(modules, key=lambda m: (getattr(m, "POSITION", 100), m.__name__))


def _register(target: "typer.Typer", modules: "Sequence[ModuleType] | None" = None) -> None:
    """Register ``modules`` (default: every command module) on ``target``: ``register(app)``
    when a module has one (a group such as ``rules``), else ``command`` under its
    ``NAME`` with its ``HELP``."""
    from cadee.commands.common import as_typer

    for module in _command_modules() if modules is None else modules:
        register = getattr(module, "register", None)
        if callable(register):
            register(target)
        elif callable(getattr(module, "command", None)) and hasattr(module, "NAME"):
            target.command(module.NAME, help=module.HELP)(as_typer(module.command))


def _names(app: "typer.Typer") -> set[str]:
    return {c.name for c in app.registered_commands if c.name} | {
        g.name for g in app.registered_groups if isinstance(g.name, str)
    }


def _app(args: "Sequence[str]") -> "typer.Typer":
    """The program for ``args``: with the invoked command alone when its module is found
    by name (see the module's docstring), else with every command."""
    from typing import Annotated

    import typer

    def root(
        version: Annotated[
            bool | None,
            typer.Option(
                "--version",
                "-V",
                callback=_version,
                is_eager=True,
                help="Print the version and exit.",
            ),
        ] = None,
    ) -> None:
        """cadee checks AI customer-service architectures (blueprints) against the CADEE rules."""

    def program(modules: "Sequence[ModuleType] | None") -> typer.Typer:
        app = typer.Typer(
            name="cadee",
            help=HELP,
            no_args_is_help=True,
            add_completion=False,
            rich_markup_mode=None,
            pretty_exceptions_enable=False,
            context_settings={"help_option_names": ["-h", "--help"]},
        )
        app.callback()(root)
        _register(app, modules)
        return app

    name = next((arg for arg in args if arg not in _ROOT_FLAGS), None)
    before = args[: args.index(name)] if name is not None else args
    # ``cadee --help validate`` is the program's help: it lists every command.
    if name is not None and not name.startswith("-") and not {"-h", "--help"} & set(before):
        app = program(_command_modules(name))
        if name in _names(app):
            return app
    return program(None)


def main(argv: "Sequence[str] | None" = None, *, fast_exit: bool = False) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``); return the exit code.

    ``fast_exit=True`` (the ``cadee`` program itself) ends the process as soon
    as the output is flushed, with :func:`os._exit`, while the command's data
    is still referenced: tearing down the objects of a large estate one by
    one, and a final collection over them, only costs time when the process
    exits anyway (mypy does the same). Commands clean up their temporary files
    before they return, so nothing is left behind.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    code = 0
    try:
        if args in (["--version"], ["-V"]):  # fast path: no command machinery at all
            from cadee.accelerator import fast_path_status

            sys.stdout.write(f"cadee {__version__} (YAML fast path: {fast_path_status()})\n")
            sys.stdout.flush()
            return 0
        from cadee.gcpause import gc_paused

        # Commands build large acyclic trees: the cyclic collector only costs time.
        with gc_paused(restore=not fast_exit):
            # What a command hands over to live as long as this call (the root context's
            # ``obj``, see commands.common.keep_until_exit): with fast_exit, the process ends
            # while it is still referenced, so it is never torn down.
            kept: list[object] = []
            _app(args)(args=args, prog_name="cadee", standalone_mode=True, obj=kept)
    except SystemExit as exc:
        if exc.code is not None:
            code = exc.code if isinstance(exc.code, int) else 2
        if fast_exit:
            _exit_process(code)
    except KeyboardInterrupt:
        sys.stderr.write("cadee: interrupted\n")
        code = 130
    except BrokenPipeError:
        code = 0
    except Exception as exc:  # a bug in cadee: one clear line, never a traceback
        if os.environ.get("CADEE_DEBUG"):
            raise
        if isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS:
            _say_cannot_write(exc)  # a full disk or failing device, not a bug
        else:
            _say(
                f"cadee: internal error ({type(exc).__name__}); please report it with the input. "
                "Set CADEE_DEBUG=1 to see the traceback.\n"
            )
        code = 2
    if fast_exit:
        _exit_process(code)
    return code


def _exit_process(code: int) -> "NoReturn":
    """Flush the standard streams and end the process at once (see ``main``).

    Output that cannot be written is an error (exit 2), except a reader that
    stopped early (``| head``), which is not a failure of cadee.
    """
    if sys.stdout is not None:  # None when the program was started with stdout closed
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError) as exc:
            _say_cannot_write(exc)
            code = 2
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
    os._exit(code)


#: Errors of writing output that are the machine's, not cadee's (full disk, quota, I/O).
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _say(message: str) -> None:
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(message)


def _say_cannot_write(exc: Exception) -> None:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    _say(f"cadee: cannot write the output: {reason}\n")


def run() -> None:
    """Console-script entry point."""
    # Started with a standard stream closed (`cadee ... >&-`): Python leaves it None;
    # what would go there goes nowhere, as with > /dev/null.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives until exit
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.exit(main(fast_exit=True))
