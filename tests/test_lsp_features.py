"""The language server's workspace and features as plain functions (no client).

End-to-end tests over stdio are in tests/test_lsp.py.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types as lsp

from cadee.lsp import features
from cadee.lsp.workspace import Span, Workspace, split_lines, token_span
from tests.conftest import REPO

FLAGSHIP = REPO / "examples" / "northwind-bank"
PACK = REPO / "examples" / "acme-bank" / "cadee-rules.yml"

TOP = """\
cadee: 1
blueprint:
  id: demo
  title: Demo
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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "blueprint.yaml").write_text(TOP, encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    return tmp_path


def _at(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    index = text.index(needle) + offset
    return text.count("\n", 0, index), index - (text.rfind("\n", 0, index) + 1)


def test_token_spans() -> None:
    lines = [
        "  owner: pilot-ops  # comment",
        "  name: 'It''s here'",
        "  when: [timeout, error]",
        "key:",
    ]
    assert token_span(lines, 0, 9) == Span(0, 9, 0, 18)
    assert token_span(lines, 0, 2) == Span(0, 2, 0, 7)  # a key stops at its colon
    assert token_span(lines, 1, 8) == Span(1, 8, 1, 20)  # a quoted scalar, quotes included
    assert token_span(lines, 2, 9) == Span(2, 9, 2, 16)  # flow sequences stop at commas
    assert token_span(lines, 9, 0) == Span(9, 0, 9, 0)  # out of range: empty, never raises
    # Lines as the editor counts them: a form feed is no line break.
    assert split_lines("a\r\nb\x0cc\rd\n") == ["a", "b\x0cc", "d"]


def test_context_path() -> None:
    text = "systems:\n  - id: a\n    observability:\n      oncall: x\n    fallback:\n      - to: b\n        when: []\n"
    lines = text.splitlines()
    assert features.context_path(lines, 3, 6) == ["systems", "observability"]
    assert features.context_path(lines, 6, 8) == ["systems", "fallback"]
    assert features.context_path(lines, 1, 4) == ["systems"]


def test_only_changed_files_are_parsed_again() -> None:
    ws = Workspace([FLAGSHIP])
    top = (FLAGSHIP / "blueprint.yaml").resolve()
    first = ws.validate(top)
    assert len(first.files) == 15  # 10 YAML files and 5 measurements files
    parsed = ws.parses
    assert parsed == 10
    ws.validate(top)
    assert ws.parses == parsed  # nothing changed: every file from the cache
    include = (FLAGSHIP / "catalog" / "owners.yaml").resolve()
    ws.open(include, include.read_text(encoding="utf-8") + "# edited\n")
    ws.validate(top)
    assert ws.parses == parsed + 1  # only the edited include


def test_unsaved_include_is_validated_from_its_buffer(project: Path) -> None:
    ws = Workspace([project])
    top, catalog = (project / "blueprint.yaml").resolve(), (project / "catalog.yaml").resolve()
    assert not [p for p in ws.validate(top).problems if p.code == "CADEE000"]
    broken = CATALOG.replace("  - id: ops\n", "  - id: ops\n    nmae: typo\n")
    ws.open(catalog, broken)
    assert ws.affected(catalog) == [top]
    problems = [p for p in ws.validate(top).problems if p.file == catalog]
    assert [p.code for p in problems] == ["CADEE000"]
    line, char = _at(broken, "nmae")
    assert problems[0].span == Span(line, char, line, char + 4)
    assert problems[0].suggestion == "name"
    # The quick fix replaces the key.
    actions = features.code_actions(ws, catalog, features.to_range(problems[0].span))
    assert actions[0].edit is not None and actions[0].edit.changes is not None
    assert actions[0].edit.changes[catalog.as_uri()][0].new_text == "name"
    ws.close(catalog)  # the disk's version is valid
    assert not [p for p in ws.validate(top).problems if p.code == "CADEE000"]


def test_unknown_reference_suggests_the_known_id(project: Path) -> None:
    ws = Workspace([project])
    top = (project / "blueprint.yaml").resolve()
    ws.open(top, TOP.replace("      - desk\n", "      - dsk\n"))
    problem = next(p for p in ws.validate(top).problems if "unknown system" in p.message)
    assert problem.suggestion == "desk"
    action = features.code_actions(ws, top, features.to_range(problem.span))[0]
    assert action.title == "Replace with 'desk'"


def test_internal_errors_become_a_located_diagnostic(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cadee.check

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cadee.check, "check", broken)
    ws = Workspace([project])
    top = (project / "blueprint.yaml").resolve()
    problems = ws.validate(top).problems
    assert len(problems) == 1
    assert problems[0].file == top and problems[0].span == Span(0, 0, 0, 0)
    assert "internal error (RuntimeError)" in problems[0].message


def test_waiver_action_without_a_waivers_list_appends_one(project: Path) -> None:
    ws = Workspace([project])
    top = (project / "blueprint.yaml").resolve()
    problems = ws.validate(top).problems
    finding = next(p for p in problems if p.finding is not None and p.finding.target == "bot")
    today = dt.date.today()
    actions = features.code_actions(ws, finding.file, features.to_range(finding.span), today=today)
    waiver = next(a for a in actions if a.title.startswith("Add a waiver"))
    assert waiver.edit is not None and waiver.edit.changes is not None
    edit = waiver.edit.changes[top.as_uri()][0]
    assert edit.range.start == lsp.Position(len(TOP.splitlines()), 0)
    rule = finding.code
    assert edit.new_text == (
        f"waivers:\n  - rule: {rule}\n    target: bot\n"
        '    reason: "TODO: why this risk is accepted, and the plan that ends it"\n'
        f"    approved_by: risk-office\n    expires: {(today + dt.timedelta(days=90)).isoformat()}\n"
    )
    # Applied, the blueprint loads and the finding is waived.
    ws.open(top, TOP + edit.new_text)
    after = ws.validate(top).problems
    assert any(
        p.code == rule and p.level == "hint"
        for p in after
        if p.finding and p.finding.target == "bot"
    )


def test_no_waiver_action_for_findings_about_waivers(project: Path) -> None:
    """Findings of waiver rules (WVR001-WVR004) cannot be waived: no "Add a waiver"
    for them. Only WVR001 and WVR002 were left out; WVR004's got the action."""
    ws = Workspace([project])
    top = (project / "blueprint.yaml").resolve()
    first = next(p for p in ws.validate(top).problems if p.finding and p.finding.target == "bot")
    waiver = (
        f"waivers:\n  - rule: {first.code}\n    target: bot\n    reason: accepted for now\n"
        "    approved_by: risk-office\n    expires: 2099-01-01\n"
    )
    ws.open(top, TOP + waiver)
    problems = ws.validate(top).problems
    lifetime = next(p for p in problems if p.code == "WVR004")
    actions = features.code_actions(ws, lifetime.file, features.to_range(lifetime.span))
    assert not [a for a in actions if a.title.startswith("Add a waiver")]


def test_devices_fifos_and_huge_files_in_the_workspace_are_never_read(
    project: Path,
) -> None:
    """A checkout is a pull request's: a link to /dev/zero, a FIFO or a file of gigabytes
    (a few MB in git) filled the server's memory or blocked it when it was indexed or
    asked whether it is a blueprint. It reads as the CLI does (files.read_regular).
    Checked in a child with a memory cap and a timeout, so a regression fails, not hangs."""
    import resource
    import subprocess
    import sys

    (project / "evil.yaml").symlink_to("/dev/zero")
    os.mkfifo(project / "pipe.yaml")
    with (project / "big.yaml").open("wb") as handle:
        handle.write(b"cadee: 1\n")
        handle.truncate(3 * 2**30)  # sparse: no disk space
    script = (
        "import sys\nfrom pathlib import Path\nfrom cadee.lsp.workspace import Workspace\n"
        "root = Path(sys.argv[1])\nws = Workspace([root])\n"
        "for name in ('evil.yaml', 'pipe.yaml', 'big.yaml'):\n"
        "    path = root / name\n"
        "    assert not ws.is_blueprint(path) and ws.index(path) is None, name\n"
        "    assert ws.text(path) is None, name\n"
        "assert ws.affected(root / 'evil.yaml') == []\n"
        "assert ws.validate((root / 'blueprint.yaml').resolve()).problems\n"
        "print('ok')\n"
    )

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    done = subprocess.run(
        [sys.executable, "-c", script, str(project)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=capped,
        check=False,
    )
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr[-2000:]


def test_definition_and_references_across_includes(project: Path) -> None:
    ws = Workspace([project])
    top, catalog = (project / "blueprint.yaml").resolve(), (project / "catalog.yaml").resolve()
    ws.validate(top)
    line, char = _at(TOP, "owner: ops", 8)
    [found] = features.definition(ws, top, line, char)
    assert found.uri == catalog.as_uri() and found.range.start.line == 2
    refs = features.references(ws, top, line, char, include_declaration=False)
    assert sorted((r.uri == top.as_uri(), r.range.start.line) for r in refs) == [
        (False, 12),
        (True, 4),
        (True, 10),
    ]
    # On an include path: the included file.
    line, char = _at(TOP, "catalog.yaml", 2)
    [found] = features.definition(ws, top, line, char)
    assert found.uri == catalog.as_uri()
    # Never outside the project root (the loader's confinement of includes).
    outside = TOP.replace("  - catalog.yaml\n", "  - ../outside.yaml\n")
    (project.parent / "outside.yaml").write_text("cadee: 1\n", encoding="utf-8")
    ws.open(top, outside)
    line, char = _at(outside, "../outside.yaml", 2)
    assert features.definition(ws, top, line, char) == []


def test_completion_of_waiver_rules_and_fallback_targets(project: Path) -> None:
    ws = Workspace([project])
    top = (project / "blueprint.yaml").resolve()
    ws.validate(top)
    text = TOP + "      - \nwaivers:\n  - rule: \n"
    ws.open(top, text)
    lines = text.splitlines()
    fallback = lines.index("      - ")
    labels = {i.label for i in features.completion(ws, top, fallback, 8).items}
    assert {"bot", "desk"} <= labels and "ops" not in labels
    rule_line = lines.index("  - rule: ")
    labels = {i.label for i in features.completion(ws, top, rule_line, len("  - rule: ")).items}
    assert {"FBK001", "OWN002", "WVR001"} <= labels


def test_hover_on_a_rule_id_in_a_comment(project: Path) -> None:
    ws = Workspace([project])
    top = (project / "blueprint.yaml").resolve()
    ws.open(top, "# see FBK001\n" + TOP)
    ws.validate(top)
    hover = features.hover(ws, top, 0, 8)
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert hover.contents.value.startswith("# FBK001")


def test_cadee_lsp_without_the_extra_says_how_to_install_it() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    code = "import sys; sys.modules['pygls'] = None; from cadee.cli import main; sys.exit(main(['lsp']))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "cadee: error: cadee lsp needs the lsp extra: pip install 'cadee[lsp]'"
    ]


def test_pack_rules_are_picked_up(project: Path) -> None:
    ws = Workspace([project])
    top = (project / "blueprint.yaml").resolve()
    assert "ACME001" not in ws.validate(top).rules
    pack = project / "cadee-rules.yml"
    shutil.copy(PACK, pack)
    assert ws.affected(pack.resolve()) == [top]  # a new pack: every blueprint again
    state = ws.validate(top)
    assert "ACME001" in state.rules and pack.resolve() in state.inputs


def test_configuration_changes_are_picked_up(project: Path) -> None:
    ws = Workspace([project])
    top = (project / "blueprint.yaml").resolve()
    assert any(p.code == "ARC007" for p in ws.validate(top).problems)
    config = project / "cadee.toml"
    config.write_text('ignore = ["ARC007"]\nseverity = { EVD001 = "info" }\n', encoding="utf-8")
    assert ws.affected(config.resolve()) == [top]
    problems = ws.validate(top).problems
    assert not any(p.code == "ARC007" for p in problems)
    assert {p.level for p in problems if p.code == "EVD001"} == {"info"}
    # A broken configuration is located in the configuration file.
    config.write_text("ignore = [\n", encoding="utf-8")
    [problem] = ws.validate(top).problems
    assert problem.file == config.resolve() and problem.code == "CADEE000"
    assert "invalid TOML" in problem.message


def test_broken_buffers_never_break_the_features() -> None:
    """Edits as typed (half-written keys, stray quotes, tabs, anchors): every feature
    answers and no validation ends in an internal error."""
    import random

    ws = Workspace([FLAGSHIP])
    top = (FLAGSHIP / "blueprint.yaml").resolve()
    files = list(ws.validate(top).files)
    rnd = random.Random(23)
    pieces = [
        ":",
        "- ",
        "\t",
        "'",
        "{",
        "é",
        "\U0001f916",
        "\n  x: 1\n",
        "*a",
        "&a ",
        "include:\n  - ../../x\n",
    ]
    for _ in range(40):
        path = rnd.choice(files)
        text = path.read_text(encoding="utf-8")
        at = rnd.randrange(len(text))
        text = text[:at] + rnd.choice(pieces) + text[at + rnd.randrange(0, 8) :]
        ws.open(path, text)
        problems = ws.validate(top).problems
        assert not any("internal error" in p.message for p in problems)
        index = ws.index(path)
        assert index is not None
        for _ in range(10):
            line, char = rnd.randrange(len(index.lines) + 1), rnd.randrange(80)
            features.hover(ws, path, line, char)
            features.definition(ws, path, line, char)
            features.references(ws, path, line, char)
            features.completion(ws, path, line, char)
            features.code_actions(
                ws, path, lsp.Range(lsp.Position(line, char), lsp.Position(line, char + 5))
            )
        ws.close(path)
