"""``cadee lsp`` end to end: a real LSP client (pytest-lsp) drives the server over stdio.

One server for the module (starting one costs about a second); every test
works on its own files of a temporary workspace, so their order does not matter.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PILOT = ROOT / "examples" / "northwind-pilot" / "blueprint.yaml"

pytestmark = pytest.mark.asyncio(loop_scope="module")

CATALOG = """\
cadee: 1
owners:
  - id: ops
    name: Operations
    function: operations
  - id: risk-office
    name: Risk office
    function: risk
systems:
  - id: desk
    name: Human desk
    kind: human-desk
    owner: ops
"""

TOP = """\
cadee: 1
blueprint:
  id: included-demo
  title: A blueprint with an include
  owner: ops
include:
  - catalog.yaml
systems:
  - id: bot
    kind: agent
    owner: ops
    fallback:
      - desk
"""


def _workspace(root: Path) -> Path:
    pilot = root / "pilot"
    pilot.mkdir(parents=True)
    shutil.copy(PILOT, pilot / "blueprint.yaml")
    for name in ("inc", "edit", "save"):
        folder = root / name
        folder.mkdir()
        (folder / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
        (folder / "blueprint.yaml").write_text(TOP, encoding="utf-8")
    emoji = root / "emoji"
    emoji.mkdir()
    (emoji / "blueprint.yaml").write_text(EMOJI, encoding="utf-8")
    return root


EMOJI = """\
cadee: 1
blueprint: {id: emoji, title: Emoji}
owners:
  - {id: ops, name: Ops}
systems:
  - {id: bot, name: "\U0001f916 bot", kind: agent, owner: opps}
"""


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "cadee", "lsp"]),
    scope="module",
)
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = _workspace(tmp_path_factory.mktemp("lsp"))
    lsp_client.root = root  # type: ignore[attr-defined]

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:
        lsp_client.registrations = params.registrations  # type: ignore[attr-defined]

    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        root_uri=root.as_uri(),
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def _until(
    client: LanguageClient,
    uri: str,
    test: Callable[[Sequence[lsp.Diagnostic]], bool],
    timeout: float = 15.0,
) -> Sequence[lsp.Diagnostic]:
    """The diagnostics of ``uri`` once ``test`` holds for them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        diagnostics = client.diagnostics.get(uri)
        if diagnostics is not None and test(diagnostics):
            return diagnostics
        if loop.time() > deadline:
            raise AssertionError(f"diagnostics of {uri} never matched: {diagnostics}")
        await asyncio.sleep(0.02)


def _codes(diagnostics: Sequence[lsp.Diagnostic]) -> set[str]:
    return {str(d.code) for d in diagnostics}


def _open(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri,
                language_id="yaml",
                version=1,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return uri


def _replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _position(text: str, needle: str, offset: int = 0) -> lsp.Position:
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    return lsp.Position(line, index - (text.rfind("\n", 0, index) + 1))


async def test_pilot_findings_on_their_ranges(client: LanguageClient) -> None:
    path = client.root / "pilot" / "blueprint.yaml"  # type: ignore[attr-defined]
    text = path.read_text(encoding="utf-8")
    uri = _open(client, path)
    diagnostics = await _until(client, uri, lambda ds: "OWN002" in _codes(ds))
    by_code = {str(d.code): d for d in diagnostics}
    # Every finding of the pilot reaches the editor, one diagnostic each.
    assert {"OWN002", "IAM003", "FBK001", "WVR001", "WVR002"} <= set(by_code)
    own002 = by_code["OWN002"]
    start = _position(text, "id: northwind-ai-cs-pilot")
    assert own002.range.start == start
    assert own002.range.end == lsp.Position(
        start.line, start.character + len("id: northwind-ai-cs-pilot")
    )
    assert own002.severity == lsp.DiagnosticSeverity.Error
    assert own002.source == "cadee"
    assert own002.code_description is not None
    assert own002.code_description.href.endswith("docs/rules.md#own002-blueprint-owner")
    iam003 = by_code["IAM003"]
    assert iam003.range.start == _position(text, "id: pilot-lab")


async def test_fixing_a_finding_removes_it(client: LanguageClient) -> None:
    path = client.root / "pilot" / "blueprint.yaml"  # type: ignore[attr-defined]
    uri = path.as_uri()
    await _until(client, uri, lambda ds: "OWN002" in _codes(ds))
    text = path.read_text(encoding="utf-8")
    fixed = text.replace("  status: pilot\n", "  status: pilot\n  owner: pilot-cs-operations\n", 1)
    _replace_all(client, uri, fixed, 2)  # an unsaved buffer: validated from its text
    await _until(client, uri, lambda ds: "OWN002" not in _codes(ds) and "IAM003" in _codes(ds))
    _replace_all(client, uri, text, 3)
    await _until(client, uri, lambda ds: "OWN002" in _codes(ds))


async def test_active_waiver_is_a_hint_with_its_reason(client: LanguageClient) -> None:
    path = client.root / "pilot" / "blueprint.yaml"  # type: ignore[attr-defined]
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    _replace_all(client, uri, text.replace("expires: 2025-01-31", "expires: 2099-01-31"), 4)

    def waived(ds: Sequence[lsp.Diagnostic]) -> bool:
        return any(
            d.severity == lsp.DiagnosticSeverity.Hint and str(d.code) == "FBK001" for d in ds
        )

    diagnostics = await _until(client, uri, waived)
    hint = next(d for d in diagnostics if d.severity == lsp.DiagnosticSeverity.Hint)
    assert "Vendor trial" in hint.message and "2099-01-31" in hint.message
    _replace_all(client, uri, text, 5)
    await _until(client, uri, lambda ds: not waived(ds))


async def test_broken_include_is_located_in_the_included_file(client: LanguageClient) -> None:
    folder = client.root / "inc"  # type: ignore[attr-defined]
    top_uri = _open(client, folder / "blueprint.yaml")
    await _until(client, top_uri, lambda ds: True)
    catalog = folder / "catalog.yaml"
    broken = CATALOG.replace("    kind: human-desk\n", "    kind: human-dsk\n")
    catalog_uri = _open(client, catalog, broken)  # unsaved: the buffer wins over the disk
    diagnostics = await _until(client, catalog_uri, lambda ds: "CADEE000" in _codes(ds))
    error = next(d for d in diagnostics if d.code == "CADEE000")
    assert error.code == "CADEE000"
    assert "human-dsk" in error.message and "did you mean 'human-desk'" in error.message
    start = _position(broken, "human-dsk")
    assert error.range.start == start
    assert error.range.end == lsp.Position(start.line, start.character + len("human-dsk"))
    # The quick fix replaces the value.
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=catalog_uri),
            range=error.range,
            context=lsp.CodeActionContext(diagnostics=[error]),
        )
    )
    assert actions
    fix = actions[0]
    assert isinstance(fix, lsp.CodeAction) and fix.edit is not None and fix.edit.changes is not None
    assert fix.edit.changes[catalog_uri][0].new_text == "human-desk"
    # Repaired (and closed: the disk's version is the good one), the error goes.
    client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=catalog_uri))
    )
    await _until(client, catalog_uri, lambda ds: "CADEE000" not in _codes(ds))


async def test_saving_an_include_revalidates_its_blueprint(client: LanguageClient) -> None:
    folder = client.root / "save"  # type: ignore[attr-defined]
    top_uri = _open(client, folder / "blueprint.yaml")
    await _until(client, top_uri, lambda ds: "FBK001" not in _codes(ds))
    catalog = folder / "catalog.yaml"
    catalog_uri = _open(client, catalog)
    # The desk goes: the agent's fallback now names an unknown system, in the top file.
    changed = CATALOG.replace(
        "  - id: desk\n    name: Human desk\n    kind: human-desk\n    owner: ops\n", ""
    )
    catalog.write_text(changed, encoding="utf-8")
    _replace_all(client, catalog_uri, changed, 2)
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri=catalog_uri))
    )
    diagnostics = await _until(
        client, top_uri, lambda ds: any("unknown system 'desk'" in d.message for d in ds)
    )
    error = next(d for d in diagnostics if "unknown system" in d.message)
    assert error.range.start == _position(TOP, "- desk", 2)


async def test_hover_definition_references(client: LanguageClient) -> None:
    folder = client.root / "edit"  # type: ignore[attr-defined]
    uri = _open(client, folder / "blueprint.yaml")
    await _until(client, uri, lambda ds: True)
    # Hover on a reference: the referenced system's summary (defined in the include).
    hover = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=_position(TOP, "- desk", 3),
        )
    )
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "`desk`: Human desk" in hover.contents.value and "human-desk" in hover.contents.value
    # Definition across the include.
    found = await client.text_document_definition_async(
        lsp.DefinitionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=_position(TOP, "owner: ops", 8),
        )
    )
    assert isinstance(found, list) and len(found) == 1
    target = found[0]
    assert isinstance(target, lsp.Location)
    assert target.uri == (folder / "catalog.yaml").as_uri()
    assert target.range.start == _position(CATALOG, "id: ops", 4)
    # References of `ops`: its definition and every use, in both files.
    refs = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=_position(TOP, "owner: ops", 8),
            context=lsp.ReferenceContext(include_declaration=True),
        )
    )
    assert refs is not None
    assert sorted((r.uri.rsplit("/", 1)[-1], r.range.start.line) for r in refs) == [
        ("blueprint.yaml", 4),
        ("blueprint.yaml", 10),
        ("catalog.yaml", 2),
        ("catalog.yaml", 12),
    ]


async def test_hover_on_a_finding_shows_the_rule(client: LanguageClient) -> None:
    path = client.root / "pilot" / "blueprint.yaml"  # type: ignore[attr-defined]
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    await _until(client, uri, lambda ds: "IAM003" in _codes(ds))
    hover = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=_position(text, "id: pilot-lab", 1),
        )
    )
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "# IAM003" in hover.contents.value and "## How to fix" in hover.contents.value
    # A rule ID a waiver names.
    hover = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=_position(text, "rule: ARC005", 7),
        )
    )
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "# ARC005" in hover.contents.value


async def test_completion(client: LanguageClient) -> None:
    folder = client.root / "edit"  # type: ignore[attr-defined]
    uri = (folder / "blueprint.yaml").as_uri()
    edited = TOP + "  - id: new-one\n    kind: \n    owner: \n    \n"
    _replace_all(client, uri, edited, 2)
    lines = edited.splitlines()

    async def labels(line: int, character: int) -> set[str]:
        result = await client.text_document_completion_async(
            lsp.CompletionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                position=lsp.Position(line, character),
            )
        )
        assert isinstance(result, lsp.CompletionList)
        return {item.label for item in result.items}

    kind_line = lines.index("    kind: ")
    assert {"agent", "human-desk", "gateway"} <= await labels(kind_line, len("    kind: "))
    # Owners come from the include too.
    assert await labels(kind_line + 1, len("    owner: ")) == {"ops", "risk-office"}
    keys = await labels(kind_line + 2, 4)
    assert {"boundary", "criticality", "fallback", "observability"} <= keys
    result = await client.text_document_completion_async(
        lsp.CompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(kind_line + 2, 4),
        )
    )
    assert isinstance(result, lsp.CompletionList)
    described = {i.label: i for i in result.items}["owner"]
    assert isinstance(described.documentation, lsp.MarkupContent)
    assert "Takes the id of owner" in described.documentation.value
    _replace_all(client, uri, TOP, 3)


async def test_add_a_waiver_action(client: LanguageClient) -> None:
    path = client.root / "pilot" / "blueprint.yaml"  # type: ignore[attr-defined]
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    diagnostics = await _until(client, uri, lambda ds: "IAM003" in _codes(ds))
    finding = next(d for d in diagnostics if d.code == "IAM003")
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=finding.range,
            context=lsp.CodeActionContext(diagnostics=[finding]),
        )
    )
    assert actions is not None
    waiver = next(
        a for a in actions if isinstance(a, lsp.CodeAction) and a.title.startswith("Add a waiver")
    )
    assert waiver.edit is not None and waiver.edit.changes is not None
    edit = waiver.edit.changes[uri][0]
    # Inserted as the first entry of the existing waivers list.
    assert edit.range.start == lsp.Position(_position(text, "  - rule: FBK001").line, 0)
    assert edit.new_text.startswith('  - rule: IAM003\n    target: pilot-lab\n    reason: "TODO')
    assert "approved_by: pilot-compliance" in edit.new_text
    # Applied, the blueprint stays valid and the finding is waived.
    lines = text.splitlines(keepends=True)
    applied = (
        "".join(lines[: edit.range.start.line])
        + edit.new_text
        + "".join(lines[edit.range.start.line :])
    )
    _replace_all(client, uri, applied, 10)
    await _until(
        client,
        uri,
        lambda ds: any(
            d.code == "IAM003" and d.severity == lsp.DiagnosticSeverity.Hint for d in ds
        ),
    )
    _replace_all(client, uri, text, 11)
    await _until(
        client,
        uri,
        lambda ds: any(
            d.code == "IAM003" and d.severity == lsp.DiagnosticSeverity.Warning for d in ds
        ),
    )


async def test_ranges_count_the_clients_units(client: LanguageClient) -> None:
    """VS Code counts UTF-16 units: the robot face before the error is two of them."""
    path = client.root / "emoji" / "blueprint.yaml"  # type: ignore[attr-defined]
    uri = _open(client, path)
    diagnostics = await _until(client, uri, lambda ds: "CADEE000" in _codes(ds))
    error = next(d for d in diagnostics if d.code == "CADEE000")
    assert "unknown owner 'opps'" in error.message
    line = EMOJI.splitlines()[5]
    utf16 = len(line[: line.index("opps")].encode("utf-16-le")) // 2
    assert utf16 == line.index("opps") + 1
    assert error.range == lsp.Range(lsp.Position(5, utf16), lsp.Position(5, utf16 + len("opps")))
    # Back from the client's units: the fix is found at that range and edits it.
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=error.range,
            context=lsp.CodeActionContext(diagnostics=[error]),
        )
    )
    assert actions is not None
    fix = next(
        a for a in actions if isinstance(a, lsp.CodeAction) and a.title == "Replace with 'ops'"
    )
    assert fix.edit is not None and fix.edit.changes is not None
    assert fix.edit.changes[uri][0].range == error.range
