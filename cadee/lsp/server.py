"""The pygls wiring of ``cadee lsp``: requests in, :mod:`cadee.lsp.features` out.

The server instance owns all state (its :class:`~cadee.lsp.workspace.Workspace`
and the pending debounced validations). Every handler catches what it does
not expect, logs it and answers with nothing, so no traceback reaches the
client; a blueprint that cannot be checked gets a located diagnostic instead
(:meth:`Workspace.validate`).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import attrs
from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from cadee import __version__
from cadee.lsp import features
from cadee.lsp.workspace import Workspace

__all__ = ["CadeeServer", "build_server", "serve"]

log = logging.getLogger("cadee.lsp")

#: Seconds to wait after the last keystroke before validating (saves do not wait).
DEBOUNCE_SECONDS = 0.3
_WATCHED = ("**/*.yaml", "**/*.yml", "**/cadee.toml", "**/pyproject.toml")

T = TypeVar("T")


class CadeeServer(LanguageServer):
    """A language server for blueprints; see docs/editors.md."""

    def __init__(self, debounce: float = DEBOUNCE_SECONDS) -> None:
        super().__init__(
            "cadee", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental
        )
        self.debounce = debounce
        self.cadee = Workspace()
        self._pending: dict[Path, asyncio.TimerHandle] = {}
        #: Files that have diagnostics on the client, to clear them when they go.
        self._published: set[Path] = set()

    # -- state --------------------------------------------------------------------------

    def path_of(self, uri: str) -> Path | None:
        fs = to_fs_path(uri)
        return Path(os.path.abspath(fs)).resolve() if fs else None

    def start(self, roots: Iterable[Path]) -> None:
        """Index the workspace folders and validate every blueprint in them."""
        self.cadee = Workspace(roots)
        found = [path.resolve() for path in self.cadee.discover()]
        for path in found:
            self.cadee.validate(path)
        self.publish(found)

    def sync(self, path: Path, uri: str) -> None:
        """Copy the editor's text of ``uri`` into the overlay (open documents only)."""
        if uri in self.workspace.text_documents or unquote(uri) in self.workspace.text_documents:
            self.cadee.open(path, self.workspace.get_text_document(uri).source)

    def revalidate(self, path: Path) -> None:
        """Validate every blueprint ``path`` belongs to (or configures), then publish."""
        pending = self._pending.pop(path, None)
        if pending is not None:
            pending.cancel()
        validated = []
        for blueprint in self.cadee.affected(path):
            if blueprint.exists() or blueprint in self.cadee.overlay:
                self.cadee.validate(blueprint)
                validated.append(blueprint)
            else:
                self.cadee.forget(blueprint)
        self.publish(validated)

    def schedule(self, path: Path) -> None:
        """Validate ``path``'s blueprints after a pause in typing."""
        pending = self._pending.pop(path, None)
        if pending is not None:
            pending.cancel()
        loop = asyncio.get_running_loop()
        self._pending[path] = loop.call_later(self.debounce, _guarded(self.revalidate), path)

    # -- positions: cadee counts characters; the client counts its encoding's units --------

    def lines(self, path: Path) -> list[str]:
        index = self.cadee.index(path)
        return index.lines if index is not None else []

    def position_in(self, path: Path, position: lsp.Position) -> tuple[int, int]:
        """A client position as (line, character) in the document's text."""
        lines = self.lines(path)
        if not lines:
            return position.line, position.character
        server = self.workspace.position_codec.position_from_client_units(
            lines, lsp.Position(position.line, position.character)
        )
        return server.line, server.character

    def range_in(self, path: Path, rng: lsp.Range) -> lsp.Range:
        start = self.position_in(path, rng.start)
        end = self.position_in(path, rng.end)
        return lsp.Range(lsp.Position(*start), lsp.Position(*end))

    def range_out(self, path: Path, rng: lsp.Range) -> lsp.Range:
        lines = self.lines(path)
        return self.workspace.position_codec.range_to_client_units(lines, rng) if lines else rng

    def uri_range_out(self, uri: str, rng: lsp.Range) -> lsp.Range:
        path = self.path_of(uri)
        return self.range_out(path, rng) if path is not None else rng

    def diagnostic_out(self, path: Path, diagnostic: lsp.Diagnostic) -> lsp.Diagnostic:
        return attrs.evolve(diagnostic, range=self.range_out(path, diagnostic.range))

    def action_out(self, path: Path, action: lsp.CodeAction) -> lsp.CodeAction:
        changes = action.edit.changes if action.edit is not None and action.edit.changes else {}
        edit = lsp.WorkspaceEdit(
            changes={
                uri: [attrs.evolve(e, range=self.uri_range_out(uri, e.range)) for e in edits]
                for uri, edits in changes.items()
            }
        )
        diagnostics = [self.diagnostic_out(path, d) for d in action.diagnostics or ()]
        return attrs.evolve(action, edit=edit, diagnostics=diagnostics or None)

    def publish(self, validated: Iterable[Path] = ()) -> None:
        """Send the diagnostics of every file with problems, of the files of the
        blueprints just ``validated`` (also when they have none) and clear those
        of files that have none left."""
        problems = self.cadee.problems_by_file()
        files = set(problems) | self._published
        for blueprint in validated:
            state = self.cadee.blueprints.get(blueprint)
            files.update(state.files if state is not None else (blueprint,))
        for path in sorted(files):
            diagnostics = [
                self.diagnostic_out(path, features.diagnostic(p))
                for p in sorted(problems.get(path, []), key=_order)
            ]
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=path.as_uri(), diagnostics=diagnostics)
            )
        self._published = set(problems)


def _order(problem: Any) -> tuple[Any, ...]:
    return (problem.span, problem.code, problem.message)


def _guarded(function: Callable[..., T]) -> Callable[..., T | None]:
    """``function``, logging instead of raising (no traceback reaches the client)."""

    @functools.wraps(function)
    def run(*args: Any) -> T | None:
        try:
            return function(*args)
        except Exception:
            log.exception("cadee lsp: %s failed", function.__name__)
            return None

    return run


def build_server(debounce: float = DEBOUNCE_SECONDS) -> CadeeServer:
    """A server with every feature registered (no I/O until it is started)."""
    server = CadeeServer(debounce)

    @server.feature(lsp.INITIALIZED)
    @_guarded
    def initialized(params: lsp.InitializedParams) -> None:
        roots = [
            p for p in (server.path_of(uri) for uri in server.workspace.folders) if p is not None
        ]
        if not roots and server.workspace.root_path:
            roots = [Path(server.workspace.root_path)]
        server.start(roots)
        watch = server.client_capabilities.workspace
        if (
            watch is not None
            and watch.did_change_watched_files is not None
            and (watch.did_change_watched_files.dynamic_registration)
        ):
            options = lsp.DidChangeWatchedFilesRegistrationOptions(
                watchers=[lsp.FileSystemWatcher(glob_pattern=glob) for glob in _WATCHED]
            )
            server.client_register_capability(
                lsp.RegistrationParams(
                    registrations=[
                        lsp.Registration(
                            id="cadee-files",
                            method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=options,
                        ),
                    ]
                )
            )

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @_guarded
    def did_open(params: lsp.DidOpenTextDocumentParams) -> None:
        path = server.path_of(params.text_document.uri)
        if path is not None:
            server.cadee.open(path, params.text_document.text)
            server.revalidate(path)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @_guarded
    def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
        path = server.path_of(params.text_document.uri)
        if path is not None:
            server.sync(path, params.text_document.uri)
            server.schedule(path)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    @_guarded
    def did_save(params: lsp.DidSaveTextDocumentParams) -> None:
        path = server.path_of(params.text_document.uri)
        if path is not None:
            if params.text is not None:
                server.cadee.open(path, params.text)
            started = time.perf_counter()
            server.revalidate(path)
            log.debug(
                "validated after saving %s in %.1f ms", path, (time.perf_counter() - started) * 1000
            )

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @_guarded
    def did_close(params: lsp.DidCloseTextDocumentParams) -> None:
        path = server.path_of(params.text_document.uri)
        if path is not None:
            server.cadee.close(path)
            server.revalidate(path)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @_guarded
    def watched(params: lsp.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            path = server.path_of(change.uri)
            if path is not None and path not in server.cadee.overlay:
                server.revalidate(path)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @_guarded
    def hover(params: lsp.HoverParams) -> lsp.Hover | None:
        path = server.path_of(params.text_document.uri)
        if path is None:
            return None
        found = features.hover(server.cadee, path, *server.position_in(path, params.position))
        if found is not None and found.range is not None:
            found = attrs.evolve(found, range=server.range_out(path, found.range))
        return found

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @_guarded
    def definition(params: lsp.DefinitionParams) -> list[lsp.Location] | None:
        path = server.path_of(params.text_document.uri)
        if path is None:
            return None
        found = features.definition(server.cadee, path, *server.position_in(path, params.position))
        return [attrs.evolve(loc, range=server.uri_range_out(loc.uri, loc.range)) for loc in found]

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @_guarded
    def references(params: lsp.ReferenceParams) -> list[lsp.Location] | None:
        path = server.path_of(params.text_document.uri)
        if path is None:
            return None
        line, character = server.position_in(path, params.position)
        found = features.references(
            server.cadee, path, line, character, params.context.include_declaration
        )
        return [attrs.evolve(loc, range=server.uri_range_out(loc.uri, loc.range)) for loc in found]

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[":", " ", "-"])
    )
    @_guarded
    def completion(params: lsp.CompletionParams) -> lsp.CompletionList | None:
        path = server.path_of(params.text_document.uri)
        if path is None:
            return None
        server.sync(path, params.text_document.uri)
        return features.completion(server.cadee, path, *server.position_in(path, params.position))

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
    )
    @_guarded
    def code_action(params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        path = server.path_of(params.text_document.uri)
        if path is None:
            return None
        actions = features.code_actions(server.cadee, path, server.range_in(path, params.range))
        return [server.action_out(path, action) for action in actions]

    return server


def serve() -> None:
    """Run the language server on standard input and output until the client exits."""
    # The CLI pauses the cyclic collector for short runs; a long-lived server needs it.
    gc.enable()
    logging.basicConfig(
        level=os.environ.get("CADEE_LSP_LOG", "WARNING").upper(), format="cadee lsp: %(message)s"
    )
    try:
        build_server().start_io()
    finally:
        # The client's `exit` closes standard output; the CLI flushes it on the way out.
        if sys.stdout is None or sys.stdout.closed:
            sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives until exit
