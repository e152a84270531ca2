"""`cadee diff` on files: semantic changes, risk highlights, findings delta, approvers, formats.

Fixture pairs live in tests/fixtures/diff/<case>/{old,new}.yaml (one pair per
highlight kind, a combined one and a no-change one); their JSON reports are
goldens under tests/goldens/diff/ (``pytest --update-goldens`` rewrites them).
Git sides (``REV:PATH``) are tested in tests/test_diff_git.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from cadee.cli import main
from cadee.diagnostics import Finding, Location
from cadee.diff import HIGHLIGHT_KINDS, diff_blueprints
from cadee.diff.delta import findings_delta
from cadee.diff.highlights import AUTH_RANK
from cadee.diff.semantic import FieldChange, diff_items
from cadee.load import load_blueprint
from cadee.model import Blueprint
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "diff"
GOLDENS = REPO / "tests" / "goldens" / "diff"
AS_OF = "2026-06-01"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())

#: The highlights each fixture pair must produce, exactly: (kind, target).
EXPECTED_HIGHLIGHTS: dict[str, list[tuple[str, str]]] = {
    "fallback-removed": [("fallback-removed", "agent")],
    "fallback-reordered": [("fallback-reordered", "agent")],
    "auth-weakened": [("auth-weakened", "gateway->core-banking")],
    "new-crossing": [("new-crossing", "gateway->agent")],
    "data-raised": [("data-raised", "gateway->vendor-llm")],
    "owner-changed": [("owner-changed", "gateway")],
    "approvers-changed": [("approvers-changed", "gateway")],
    "approvers-default": [("approvers-changed", "bank")],
    "criticality-lowered": [("criticality-lowered", "gateway")],
    "new-ai-component": [("new-ai-component", "intent-model")],
    "new-channel-path": [
        ("new-crossing", "web->core-banking"),
        ("new-channel-path", "core-banking"),
    ],
    "waiver-added": [("waiver-added", "IAM002:nightly-sync")],
    "waiver-extended": [("waiver-extended", "IAM002:nightly-sync")],
    "waiver-stale": [("waiver-stale", "FBK004:gateway->agent")],
    "combined": [
        ("fallback-removed", "agent"),
        ("auth-weakened", "gateway->core-banking"),
        ("new-crossing", "gateway->vendor-llm"),
        ("data-raised", "gateway->vendor-llm"),
        ("owner-changed", "gateway"),
        ("new-ai-component", "vendor-llm"),
        ("waiver-added", "FBK004:gateway->vendor-llm"),
    ],
    "no-change": [],
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def pair(case: str) -> tuple[str, str]:
    return (f"tests/fixtures/diff/{case}/old.yaml", f"tests/fixtures/diff/{case}/new.yaml")


def check_golden(name: str, text: str, update: bool) -> None:
    golden = GOLDENS / name
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def load(path: Path | str) -> Blueprint:
    result = load_blueprint(path)
    assert result.blueprint is not None, "\n".join(str(e) for e in result.errors)
    return result.blueprint


def copy_pair(
    tmp_path: Path, case: str, edit: Callable[[str], str] = lambda text: text
) -> tuple[str, str]:
    """A fixture pair copied under ``tmp_path`` (with the shared catalog), the new side edited."""
    (tmp_path / ".git").mkdir(exist_ok=True)  # the project root, so ../base.yaml may be included
    (tmp_path / "base.yaml").write_text(
        (FIXTURES / "base.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    folder = tmp_path / case
    folder.mkdir()
    old = (FIXTURES / case / "old.yaml").read_text(encoding="utf-8")
    new = (FIXTURES / case / "new.yaml").read_text(encoding="utf-8")
    (folder / "old.yaml").write_text(old, encoding="utf-8")
    (folder / "new.yaml").write_text(edit(new), encoding="utf-8")
    return str(folder / "old.yaml"), str(folder / "new.yaml")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# -- the fixture pairs ---------------------------------------------------------------


def test_every_highlight_kind_has_a_fixture_pair() -> None:
    covered = {kind for expected in EXPECTED_HIGHLIGHTS.values() for kind, _ in expected}
    assert covered == set(HIGHLIGHT_KINDS)
    assert set(CASES) == set(EXPECTED_HIGHLIGHTS)


@pytest.mark.parametrize("case", CASES)
def test_json_golden(
    case: str, in_repo: None, capsys: pytest.CaptureFixture[str], update_goldens: bool
) -> None:
    code, out, err = run(capsys, "diff", *pair(case), "--format", "json", "--as-of", AS_OF)
    assert code == 0, err
    data = json.loads(out)
    assert [(h["kind"], h["target"]) for h in data["highlights"]] == EXPECTED_HIGHLIGHTS[case]
    assert all(h["reason"] and "\n" not in h["reason"] for h in data["highlights"])
    check_golden(f"{case}.json", out, update_goldens)


def test_combined_pair_in_full(in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
    """The combined pair, spelled out: what reviewers of the risky change see."""
    _, out, _ = run(capsys, "diff", *pair("combined"), "--format", "json", "--as-of", AS_OF)
    data = json.loads(out)
    assert data["changed"] is True
    assert data["summary"]["text"] == (
        "7 risk highlights; 4 added, 3 changed, 0 removed; "
        "7 new findings (5 error, 1 warning, 1 waived), 0 resolved; 3 approvers required."
    )
    changes = {(c["collection"], c["id"]): c for c in data["changes"]}
    assert list(changes) == [
        ("systems", "gateway"),
        ("systems", "agent"),
        ("systems", "vendor-llm"),
        ("integrations", "gateway->core-banking"),
        ("integrations", "gateway->vendor-llm"),
        ("kpis", "csat"),
        ("waivers", "FBK004:gateway->vendor-llm"),
    ]
    assert changes[("systems", "agent")]["fields"] == [
        {
            "path": "fallback",
            "old": [{"to": "desk", "when": None}],
            "new": [{"to": "vendor-llm", "when": None}],
        }
    ]
    assert changes[("systems", "gateway")]["fields"] == [
        {"path": "owner", "old": "platform", "new": "ops"}
    ]
    assert changes[("integrations", "gateway->core-banking")]["fields"] == [
        {"path": "auth", "old": "mtls", "new": "none"}
    ]
    assert changes[("systems", "vendor-llm")]["change"] == "added"
    assert changes[("systems", "vendor-llm")]["item"]["vendor"] == "Hosted LLM Inc."
    highlights = {h["kind"]: h["reason"] for h in data["highlights"]}
    assert highlights["fallback-removed"] == (
        "agent 'agent' no longer falls back to 'desk' (a human desk); "
        "it no longer reaches any human desk; chain now: vendor-llm"
    )
    assert highlights["auth-weakened"] == (
        "authentication removed on 'gateway->core-banking' crossing 'edge' (internal) -> "
        "'core' (restricted): mtls -> none"
    )
    assert highlights["data-raised"] == (
        "'gateway->vendor-llm' now sends confidential data into external boundary 'vendor', "
        "cleared for internal; above its clearance"
    )
    new = [(f["rule"], f["target"], f["waived"]) for f in data["findings"]["new"]]
    assert new == [
        ("ARC005", "desk", False),  # the desk is nobody's fallback any more
        ("ARC006", "web", False),
        ("FBK001", "agent", False),
        ("FBK001", "vendor-llm", False),
        ("IAM001", "gateway->core-banking", False),
        ("DAT001", "gateway->vendor-llm", False),
        ("FBK004", "gateway->vendor-llm", True),
    ]
    assert data["findings"]["resolved"] == []
    assert data["summary"]["introduced"] == {"error": 5, "warning": 1, "info": 0}
    touched = ["gateway", "agent", "vendor-llm", "desk", "core-banking"]  # declaration order
    assert data["approvers"] == [
        {
            "owner": "ops",
            "name": "Service Operations",
            "function": "operations",
            "contact": "ops@bank.example",
            "systems": touched,
            "blueprint": True,
        },
        {
            "owner": "compliance",
            "name": "Compliance",
            "function": "compliance",
            "contact": "compliance@bank.example",
            "systems": touched,
            "blueprint": True,
        },
        # The outgoing owner of the gateway, and the owner of both ends of gateway->vendor-llm.
        {
            "owner": "platform",
            "name": "AI Platform",
            "function": "technology",
            "contact": "#ai-platform",
            "systems": ["gateway", "vendor-llm"],
            "blueprint": False,
        },
    ]
    assert data["blueprint_level"] == ["kpis"]
    assert data["unapproved"] == []
    reasons = {t["system"]: t["reasons"] for t in data["touched"]}
    assert reasons["desk"] == ["fallback of 'agent' changed"]
    assert reasons["core-banking"] == ["integration 'gateway->core-banking' changed"]


def test_summary_counts_in_json(in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "diff", *pair("new-ai-component"), "--format", "json", "--as-of", AS_OF)
    summary = json.loads(out)["summary"]
    assert {
        k: summary[k]
        for k in (
            "added",
            "removed",
            "changed",
            "highlights",
            "new_findings",
            "resolved_findings",
            "unchanged_findings",
            "approvers",
        )
    } == {
        "added": 2,
        "removed": 0,
        "changed": 0,
        "highlights": 1,
        "new_findings": 0,
        "resolved_findings": 0,
        "unchanged_findings": 0,
        "approvers": 3,
    }


def test_markdown_and_text_goldens(
    in_repo: None, capsys: pytest.CaptureFixture[str], update_goldens: bool
) -> None:
    code, markdown, _ = run(
        capsys, "diff", *pair("combined"), "--format", "markdown", "--as-of", AS_OF
    )
    assert code == 0
    check_golden("combined.md", markdown, update_goldens)
    code, text, _ = run(capsys, "diff", *pair("combined"), "--as-of", AS_OF)
    assert code == 0
    check_golden("combined.txt", text, update_goldens)


def test_markdown_layout(in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
    _, md, _ = run(capsys, "diff", *pair("combined"), "--format", "markdown", "--as-of", AS_OF)
    lines = md.splitlines()
    assert lines[0] == "<!-- cadee-diff -->"
    headings = [line for line in lines if line.startswith("#### ")]
    assert headings == [
        "#### Risk highlights (7)",
        "#### Findings delta",
        "#### Required approvers (3)",
        "#### Changed neighbourhood",
        "#### Changes (7)",
        "#### What to do",
    ]
    assert (
        md.count("<details>") == md.count("</details>") == 7
    )  # one per change; no unchanged findings
    diagram = md[md.index("```mermaid\n") + 11 : md.index("\n```", md.index("```mermaid"))]
    assert diagram.startswith("flowchart LR\n")
    assert "classDef added fill:#dafbe1" in diagram
    assert "classDef removed" in diagram and "stroke-dasharray:5 5" in diagram
    assert "classDef changed fill:#fff8c5" in diagram
    # node ids are generated (n0, n1...), never user ids
    assert re.findall(r"^  (\S+)\[", diagram, re.MULTILINE) == [f"n{i}" for i in range(5)]
    assert '  n0["gateway<br/>gateway"]' in diagram
    assert '  n3["Contact centre desk<br/>desk #183; human-desk"]' in diagram
    assert re.search(r"^  class n\d+(,n\d+)* added$", diagram, re.MULTILINE)
    assert re.search(
        r"^  linkStyle [\d,]+ stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5$",
        diagram,
        re.MULTILINE,
    )


def test_no_architectural_change(in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", *pair("no-change"), "--as-of", AS_OF)
    assert code == 0
    assert "No architectural change (0 findings unchanged)." in out
    _, md, _ = run(capsys, "diff", *pair("no-change"), "--format", "markdown", "--as-of", AS_OF)
    assert "**No architectural change \\(0 findings unchanged\\).**" not in md
    assert "**No architectural change (0 findings unchanged).**" in md
    assert "mermaid" not in md and "<details>" not in md


def test_identical_files_and_the_flagship_against_itself(
    in_repo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    flagship = "examples/northwind-bank/blueprint.yaml"
    code, out, _ = run(capsys, "diff", flagship, flagship, "--format", "json", "--as-of", AS_OF)
    assert code == 0
    data = json.loads(out)
    assert data["changed"] is False and data["changes"] == [] and data["highlights"] == []
    assert data["approvers"] == [] and data["findings"]["new"] == []
    assert [(f["rule"], f["waived"]) for f in data["findings"]["unchanged"]] == [("IAM002", True)]


def test_output_is_deterministic_across_hash_seeds() -> None:
    outputs = set()
    for seed in ("0", "7"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "cadee",
                "diff",
                *pair("combined"),
                "--format",
                "markdown",
                "--as-of",
                AS_OF,
            ],
            capture_output=True,
            cwd=REPO,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


# -- exit codes and errors -------------------------------------------------------------


class TestExitCodes:
    def test_fail_on_new_error(self, in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(
            capsys, "diff", *pair("combined"), "--fail-on-new", "error", "--as-of", AS_OF
        )
        assert code == 1
        assert "introduces 5 unwaived findings at --fail-on-new error or above" in err

    def test_without_fail_on_new_findings_never_fail(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(capsys, "diff", *pair("combined"), "--as-of", AS_OF)[0] == 0

    def test_warning_level(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        # The new intent classifier without a timeout: FBK004, a warning only.
        old, new = copy_pair(
            tmp_path, "new-ai-component", lambda text: text.replace(", timeout_ms: 400}", "}")
        )
        assert run(capsys, "diff", old, new, "--fail-on-new", "error", "--as-of", AS_OF)[0] == 0
        code, _, err = run(capsys, "diff", old, new, "--fail-on-new", "warning", "--as-of", AS_OF)
        assert code == 1
        assert "introduces 1 unwaived finding at --fail-on-new warning or above" in err

    def test_legacy_findings_do_not_fail(
        self, in_repo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # The pilot has 17 errors; a harmless change to it introduces none.
        pilot = REPO / "examples" / "northwind-pilot" / "blueprint.yaml"
        text = pilot.read_text(encoding="utf-8")
        changed = write(tmp_path, "pilot.yaml", text.replace("title: ", "title: Renamed ", 1))
        original = write(tmp_path, "pilot-old.yaml", text)
        assert run(capsys, "validate", str(changed), "--as-of", AS_OF)[0] == 1
        code, out, _ = run(
            capsys,
            "diff",
            str(original),
            str(changed),
            "--fail-on-new",
            "warning",
            "--format",
            "json",
            "--as-of",
            AS_OF,
        )
        assert code == 0
        data = json.loads(out)
        assert data["changes"] == [
            {
                "collection": "blueprint",
                "id": data["new"]["blueprint"],
                "change": "changed",
                "fields": [
                    {
                        "path": "title",
                        "old": data["title"].removeprefix("Renamed "),
                        "new": data["title"],
                    }
                ],
                "item": None,
            }
        ]
        assert data["findings"]["new"] == [] and len(data["findings"]["unchanged"]) >= 30

    def test_removing_a_waiver_counts_as_new(
        self, in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        old, new = pair("waiver-added")
        code, out, err = run(
            capsys,
            "diff",
            new,
            old,
            "--fail-on-new",
            "warning",
            "--format",
            "json",
            "--as-of",
            AS_OF,
        )
        assert code == 1, err
        data = json.loads(out)
        assert data["findings"]["new"] == []
        [unchanged] = data["findings"]["unchanged"]
        assert (unchanged["rule"], unchanged["waived"], unchanged["was_waived"]) == (
            "IAM002",
            False,
            True,
        )
        assert data["summary"]["introduced"] == {"error": 0, "warning": 1, "info": 0}
        assert run(capsys, "diff", new, old, "--fail-on-new", "error", "--as-of", AS_OF)[0] == 0

    def test_invalid_side_names_the_side(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        good = write(tmp_path, "good.yaml", "cadee: 1\nblueprint: {id: bp, title: T}\n")
        bad = write(
            tmp_path,
            "bad.yaml",
            "cadee: 1\nblueprint: {id: bp, title: T}\nsystems:\n  - {id: x, kind: servise}\n",
        )
        # An invalid blueprint is the report of the run: on standard output (cadee.commands.common).
        code, err, stderr = run(capsys, "diff", str(good), str(bad))
        assert code == 2
        assert stderr == ""
        assert "new side " in err and "invalid blueprint (1 error)" in err
        assert re.search(
            r"bad\.yaml:4:\d+: error `kind` must be one of: .*did you mean 'service'\?", err
        )
        assert "Traceback" not in err
        code, out, _ = run(capsys, "diff", str(bad), str(good), "--format", "json")
        assert code == 2
        data = json.loads(out)
        assert (
            data["valid"] is False
            and data["old"]["valid"] is False
            and data["new"]["valid"] is True
        )
        assert data["old"]["errors"][0]["line"] == 4
        code, out, _ = run(capsys, "diff", str(good), str(bad), "--format", "markdown")
        assert code == 2
        assert out.startswith("<!-- cadee-diff -->\n### Architecture diff: invalid blueprint")
        assert "**The new side " in out

    @pytest.mark.parametrize(
        "args",
        [
            ["diff", "tests/fixtures/diff/combined/old.yaml"],
            ["diff", "a.yaml", "b.yaml", "c.yaml"],
            ["diff", "--base", "HEAD", "a.yaml", "b.yaml"],
            ["diff", "tests/fixtures/diff/combined/old.yaml", "nope.yaml"],
            ["diff", *pair("combined"), "--as-of", "yesterday"],
            ["diff", *pair("combined"), "--format", "html"],
            ["diff", *pair("combined"), "--fail-on-new", "info"],
            ["diff", ":x.yaml", "a.yaml"],
        ],
    )
    def test_usage_errors_exit_2(
        self, args: list[str], in_repo: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _, err = run(capsys, *args)
        assert code == 2
        assert "Traceback" not in err

    def test_missing_file_message(self, in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(capsys, "diff", "tests/fixtures/diff/combined/old.yaml", "nope.yaml")
        assert code == 2
        assert err.strip() == "cadee: error: nope.yaml: no such file"

    def test_output_file(
        self, in_repo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        target = tmp_path / "out" / "diff.txt"
        code, out, _ = run(
            capsys, "diff", *pair("owner-changed"), "--output", str(target), "--as-of", AS_OF
        )
        assert code == 0 and out == ""
        text = target.read_text(encoding="utf-8")
        assert "\x1b[" not in text
        assert "owner-changed  tier-1 gateway 'gateway': owner platform -> ops" in text


# -- escaping -------------------------------------------------------------------------------

HOSTILE = """\
cadee: 1
blueprint: {id: bp, title: "<img src=x onerror=alert(1)> *bold* [link](http://evil)", owner: ops, approvers: [ops]}
owners:
  - {id: ops, name: "Ops | `team` <b>", function: operations, contact: "@everyone"}
systems:
  - id: a
    name: "A \\"quoted\\" <script>alert(1)</script> [bold]x[/bold] #1; end"
    kind: service
    owner: ops
    description: "line one\\nline two ```"
"""


def test_markup_is_escaped_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path, "old.yaml", HOSTILE)
    new = write(
        tmp_path,
        "new.yaml",
        HOSTILE.replace("kind: service", 'kind: service\n    vendor: "<b>v</b>"').replace(
            "line two ```", "line two ``` changed"
        )
        + '  - {id: b, name: "B`<i>", kind: service, owner: ops}\n'
        + 'integrations:\n  - {from: a, to: b, description: "]]> | <x>"}\n',
    )
    code, md, _ = run(capsys, "diff", str(old), str(new), "--format", "markdown")
    assert code == 0
    # Outside code spans, the Mermaid block and cadee's own tags, no HTML and no link survives.
    prose = re.sub(r"```mermaid\n.*?\n```\n", "", md, flags=re.DOTALL)
    prose = re.sub(r"(`+).*?\1", "", prose)
    prose = re.sub(r"</?(details|summary|code)>|<!-- cadee-diff -->", "", prose)
    assert not re.search(r"(?<!\\)<", prose), prose
    assert not re.search(r"(?<!\\)\]\(", prose)
    assert "\\<img src=x" in md and "\\*bold\\*" in md and "\\[link\\](http:/&#8203;/evil)" in md
    summaries = re.findall(r"<summary>(.*)</summary>", md)
    assert summaries and all("<" not in re.sub(r"</?code>", "", text) for text in summaries)
    diagram = md[md.index("```mermaid") : md.index("\n```\n", md.index("```mermaid"))]
    labels = re.findall(r'\["(.*)"\]', diagram)
    assert labels and all('"' not in label and "<script" not in label for label in labels)
    assert all(re.fullmatch(r"(?:[^<>]|<br/>)*", label) for label in labels)
    # Backticks in user text never open or close a fenced block.
    assert [line for line in md.splitlines() if line.lstrip().startswith("```")] == [
        "```mermaid",
        "```",
    ]
    code, text, _ = run(capsys, "diff", str(old), str(new))
    assert code == 0 and "+ b" in text
    code, js, _ = run(capsys, "diff", str(old), str(new), "--format", "json")
    data = json.loads(js)
    assert data["title"].startswith("<img")  # JSON keeps the data as it is


def test_rich_markup_in_values_is_printed_verbatim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(tmp_path, "old.yaml", HOSTILE)
    new = write(tmp_path, "new.yaml", HOSTILE.replace('#1; end"', '#1; end [red]changed[/red]"'))
    code, text, _ = run(capsys, "diff", str(old), str(new))
    assert code == 0
    assert "[red]changed[/red]" in text
    assert "line one line two" not in text  # unchanged fields are not shown


# -- the library, with explicit expectations ----------------------------------------------

BASE = """\
cadee: 1
blueprint: {id: bp, title: T, owner: ops, approvers: [ops]}
owners:
  - {id: ops, name: Ops, function: operations}
  - {id: sec, name: Security, function: security}
boundaries:
  - {id: corp, trust: internal}
systems:
  - id: svc
    kind: service
    boundary: corp
    owner: ops
    observability: {logs: true}
  - {id: old-svc, kind: service, boundary: corp, owner: ops}
integrations:
  - {from: svc, to: old-svc, auth: mtls}
waivers:
  - {rule: ARC005, target: svc, reason: r, approved_by: ops, expires: 2030-01-01}
  - {rule: ARC005, target: svc, reason: second, approved_by: ops, expires: 2030-01-01}
"""


def test_semantic_changes_with_dotted_paths(tmp_path: Path) -> None:
    old = load(write(tmp_path, "old.yaml", BASE))
    new_text = (
        BASE.replace("observability: {logs: true}", "observability: {logs: false, slo: 99%}")
        .replace(
            "  - {id: old-svc, kind: service, boundary: corp, owner: ops}\n",
            "  - {id: new-svc, kind: service, boundary: corp, owner: sec, approvers: [sec, ops]}\n",
        )
        .replace("{from: svc, to: old-svc, auth: mtls}", "{from: svc, to: new-svc, auth: mtls}")
        .replace("reason: second", "reason: changed")
    )
    new = load(write(tmp_path, "new.yaml", new_text))
    changes = diff_items(old, new)
    summary = [(c.collection, c.id, c.change) for c in changes]
    assert summary == [
        ("systems", "svc", "changed"),
        ("systems", "new-svc", "added"),
        ("systems", "old-svc", "removed"),
        ("integrations", "svc->new-svc", "added"),
        ("integrations", "svc->old-svc", "removed"),
        ("waivers", "ARC005:svc#2", "changed"),
    ]
    assert changes[0].fields == (
        FieldChange("observability.logs", True, False),
        FieldChange("observability.slo", None, "99%"),
    )
    assert changes[5].fields == (FieldChange("reason", "second", "changed"),)
    assert changes[1].item is not None and changes[1].item["approvers"] == ["sec", "ops"]
    assert changes[2].item is not None and changes[2].item["id"] == "old-svc"


def test_nested_mapping_added_is_listed_field_by_field(tmp_path: Path) -> None:
    old = load(write(tmp_path, "old.yaml", BASE.replace("    observability: {logs: true}\n", "")))
    new = load(
        write(
            tmp_path,
            "new.yaml",
            BASE.replace("observability: {logs: true}", "observability: {logs: true, oncall: ops}"),
        )
    )
    [change] = diff_items(old, new)
    assert change.fields == (
        FieldChange("observability.logs", None, True),
        FieldChange("observability.oncall", None, "ops"),
    )


def test_set_like_lists_ignore_order_but_fallbacks_do_not(tmp_path: Path) -> None:
    text = BASE.replace(
        "owner: ops\n    observability",
        "owner: ops\n    approvers: [ops, sec]\n"
        "    fallback: [{to: old-svc, when: [timeout, error]}]\n    observability",
    )
    old = load(write(tmp_path, "old.yaml", text))
    same = load(
        write(
            tmp_path,
            "same.yaml",
            text.replace("[ops, sec]", "[sec, ops]").replace(
                "[timeout, error]", "[error, timeout]"
            ),
        )
    )
    assert diff_items(old, same) == []
    new = load(
        write(
            tmp_path,
            "new.yaml",
            text.replace(
                "[{to: old-svc, when: [timeout, error]}]", "[{to: old-svc, when: [timeout]}]"
            ),
        )
    )
    [change] = diff_items(old, new)
    assert [f.path for f in change.fields] == ["fallback"]


def test_auth_strength_order_is_documented() -> None:
    order = sorted(AUTH_RANK.items(), key=lambda kv: (kv[1], str(kv[0])))
    assert [name for name, _ in order] == [
        None,
        "none",
        "api-key",
        "service-account",
        "jwt",
        "kerberos",
        "oauth2",
        "oidc",
        "saml",
        "mtls",
    ]
    import cadee.diff.highlights as module

    assert "none (or absent) < api-key < service-account" in (module.__doc__ or "")


def _finding(
    rule: str,
    target: str,
    message: str = "m",
    line: int = 1,
    waived: bool = False,
    severity: str = "error",
) -> Finding:
    return Finding(Location("f", line, 1), rule, target, severity, message, waived=waived)  # type: ignore[arg-type]


def test_findings_delta_matches_by_rule_and_target() -> None:
    old = [
        _finding("FBK003", "p", "via a"),
        _finding("FBK003", "p", "via b"),
        _finding("OBS001", "s", "no slo"),
        _finding("ARC005", "gone"),
    ]
    new = [
        _finding("FBK003", "p", "via b", line=9),
        _finding("OBS001", "s", "no slo, runbook"),
        _finding("IAM001", "x", severity="warning"),
        _finding("ARC005", "gone", waived=True),
    ]
    delta = findings_delta(old, new)
    assert [(c.finding.rule, c.finding.target, c.finding.message) for c in delta.new] == [
        ("IAM001", "x", "m")
    ]
    assert [(c.finding.rule, c.finding.message) for c in delta.resolved] == [("FBK003", "via a")]
    assert [
        (c.finding.rule, c.previous.message if c.previous else "") for c in delta.unchanged
    ] == [("FBK003", "via b"), ("OBS001", "no slo"), ("ARC005", "m")]
    assert [f.rule for f in delta.introduced("error")] == []
    assert [f.rule for f in delta.introduced("warning")] == ["IAM001"]


def test_diff_blueprints_uses_one_date_for_both_sides(tmp_path: Path) -> None:
    text = BASE.replace(
        "reason: second, approved_by: ops, expires: 2030-01-01",
        "reason: second, approved_by: ops, expires: 2026-01-01",
    )
    old = load(write(tmp_path, "old.yaml", text))
    new = load(write(tmp_path, "new.yaml", text))
    before = diff_blueprints(old, new, dt.date(2025, 6, 1))
    after = diff_blueprints(old, new, dt.date(2026, 6, 1))
    assert not before.changed and not after.changed
    assert before.as_of == dt.date(2025, 6, 1)
    assert not [c for c in before.findings.unchanged if c.finding.rule == "WVR001"]
    assert [c.finding.target for c in after.findings.unchanged if c.finding.rule == "WVR001"] == [
        "ARC005:svc"
    ]
    assert after.findings.new == [] and after.findings.resolved == []


def test_project_configuration_applies_to_both_sides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = copy_pair(tmp_path, "fallback-removed")
    _, out, _ = run(capsys, "diff", old, new, "--format", "json", "--as-of", AS_OF)
    assert {f["rule"] for f in json.loads(out)["findings"]["new"]} == {"FBK001", "ARC006", "ARC005"}
    (tmp_path / "cadee.toml").write_text('ignore = ["ARC006", "FBK001"]\n', encoding="utf-8")
    _, out, _ = run(capsys, "diff", old, new, "--format", "json", "--as-of", AS_OF)
    assert {f["rule"] for f in json.loads(out)["findings"]["new"]} == {"ARC005"}


# -- performance guard ------------------------------------------------------------------------


def test_diff_dumps_only_the_changed_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A structural guard, not a benchmark (``python -m benchmarks`` measures speed): on
    two 1k-system revisions, items are matched by id and only the changed ones are dumped
    to JSON (each side once), so the semantic diff does no per-item work beyond one
    field-dict comparison for the unchanged ones."""
    from benchmarks.generate import generate, revise_estate, write_estate
    from cadee.diff import semantic

    files = generate(1_000).files
    old_top = write_estate(files, tmp_path / "old")
    new_top = write_estate(revise_estate(files, every=20), tmp_path / "new")
    dumped: list[str] = []
    real_dump = semantic.dump

    def counting_dump(item: object) -> dict[str, object]:
        dumped.append(type(item).__name__)
        return real_dump(item)

    monkeypatch.setattr(semantic, "dump", counting_dump)
    diff = diff_blueprints(load(old_top), load(new_top), dt.date(2026, 6, 1))
    assert diff.changed and diff.findings.new == []
    assert [c.change for c in diff.changes] == ["changed"] * 50  # 1,000 systems, every 20th
    assert {c.collection for c in diff.changes} == {"systems"}
    assert all({f.path for f in c.fields} == {"name", "recovery_minutes"} for c in diff.changes)
    assert dumped == ["System"] * 100  # old and new side of each changed system, no other


CHANNELS = """\
cadee: 1
blueprint: {id: bp, title: T, owner: ops, approvers: [ops]}
owners: [{id: ops, name: Ops, function: operations}]
boundaries: [{id: zone, trust: internal}]
systems:
  - {id: web, kind: channel, boundary: zone, owner: ops}
  - {id: app, kind: channel, boundary: zone, owner: ops}
  - {id: gw, kind: gateway, boundary: zone, owner: ops}
  - {id: svc, kind: service, boundary: zone, owner: ops}
  - {id: core, kind: core-banking, boundary: zone, owner: ops}
integrations:
  - {from: web, to: gw}
  - {from: app, to: gw}
  - {from: gw, to: svc}
"""


def highlights_between(tmp_path: Path, old: str, new: str) -> list[tuple[str, str, str]]:
    diff = diff_blueprints(
        load(write(tmp_path, "old.yaml", old)),
        load(write(tmp_path, "new.yaml", new)),
        dt.date(2026, 6, 1),
    )
    return [(h.kind, h.target, h.reason) for h in diff.highlights]


def test_new_channel_path_through_a_gateway(tmp_path: Path) -> None:
    new = CHANNELS + "  - {from: svc, to: core}\n"
    assert highlights_between(tmp_path, CHANNELS, new) == [
        (
            "new-channel-path",
            "core",
            "core-banking 'core' is newly reachable from channel 'web', 'app': web -> gw -> svc -> core "
            "(through gateway 'gw')",
        )
    ]


def test_new_channel_path_past_the_gateway(tmp_path: Path) -> None:
    old = CHANNELS + "  - {from: svc, to: core}\n"
    new = old + "  - {from: app, to: svc}\n"
    assert highlights_between(tmp_path, old, new) == [
        (
            "new-channel-path",
            "core",
            "core-banking 'core' is now reachable from channel 'app' through no gateway: app -> svc -> core",
        )
    ]


def test_new_channel_path_when_a_system_becomes_a_record(tmp_path: Path) -> None:
    new = CHANNELS.replace("{id: svc, kind: service,", "{id: svc, kind: crm,")
    assert [(k, t) for k, t, _ in highlights_between(tmp_path, CHANNELS, new)] == [
        ("new-channel-path", "svc")
    ]
    # A gateway that stops being one opens gateway-free paths.
    old = CHANNELS + "  - {from: svc, to: core}\n"
    new = old.replace("{id: gw, kind: gateway,", "{id: gw, kind: service,")
    assert [(k, t) for k, t, _ in highlights_between(tmp_path, old, new)] == [
        ("new-channel-path", "core")
    ]
    # Removing edges never adds a path.
    assert highlights_between(tmp_path, old, CHANNELS) == []
