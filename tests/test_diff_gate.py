"""`cadee diff` as a merge gate (issue #19): each side checked under its own project,
controls weakened, findings hidden by configuration, renames, accountable waivers."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from cadee.cli import main
from tests.test_diff_git import Repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

AS_OF = "2026-06-01"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "northwind-bank"
WEB_CHAT_TO_CRM = """\
integrations:
  - from: nw-web-chat
    to: nw-crm
    protocol: https
    auth: mtls
    data: confidential
"""


@pytest.fixture
def northwind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A repository with the Northwind example under ``bank/`` on ``main``, checked out on ``pr``."""
    root = tmp_path / "repo"
    root.mkdir()
    repository = Repo(root)
    shutil.copytree(EXAMPLE, root / "bank", ignore=shutil.ignore_patterns("rendered"))
    repository.git("add", "-A")
    repository.git("commit", "-q", "-m", "Northwind Bank blueprint")
    repository.git("checkout", "-q", "-b", "pr")
    monkeypatch.chdir(root)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return repository


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def edit(repo: Repo, name: str, old: str, new: str) -> None:
    path = repo.root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def diff_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, "diff", *args, "--format", "json", "--as-of", AS_OF)
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    return code, data


# -- hole 1: a pull request that switches controls off ------------------------------------


def test_a_branch_that_ignores_rules_and_adds_a_risky_integration_fails_the_gate(
    northwind: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    northwind.write("cadee.toml", 'ignore = ["ARC001", "ARC006"]\n')
    edit(northwind, "bank/catalog/channels.yaml", "integrations:\n", WEB_CHAT_TO_CRM)
    northwind.commit("web chat reads the CRM")

    code, _, err = run(
        capsys,
        "diff",
        "main:bank/blueprint.yaml",
        "pr:bank/blueprint.yaml",
        "--as-of",
        AS_OF,
        "--fail-on-new",
        "error",
    )
    assert code == 1
    assert "hides 1 finding by configuration" in err
    # The same from the work tree (--base), as CI runs it.
    code, data = diff_json(
        capsys, "--base", "main", "bank/blueprint.yaml", "--fail-on-new", "error"
    )
    assert code == 1
    weakened = [(c["setting"], c["target"]) for c in data["controls"] if c["weakened"]]
    assert weakened == [("rule", "ARC001"), ("rule", "ARC006")]
    assert [(f["rule"], f["target"], f["severity"]) for f in data["hidden"]] == [
        ("ARC001", "nw-crm", "error")
    ]
    assert data["summary"]["weakened_controls"] == 2
    code, markdown, _ = run(
        capsys,
        "diff",
        "--base",
        "main",
        "bank/blueprint.yaml",
        "--as-of",
        AS_OF,
        "--format",
        "markdown",
    )
    assert "**controls weakened**" in markdown
    assert "#### Hidden by configuration (1)" in markdown


def test_configuration_is_read_at_each_revision_not_from_the_work_tree(
    northwind: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    northwind.write("cadee.toml", 'severity = { IAM002 = "error" }\nfail-on = "warning"\n')
    northwind.commit("strict configuration")
    northwind.git("checkout", "-q", "main")
    northwind.git("checkout", "-q", "-b", "relaxed")
    northwind.write(
        "cadee.toml",
        'severity = { IAM002 = "info" }\nfail-on = "error"\n'
        "max-waiver-days = 3650\n[limits]\nmax_file_bytes = 999999999\n",
    )
    northwind.commit("relaxed configuration")
    # The work tree has the relaxed file; the old side is read at `pr`.
    _, data = diff_json(capsys, "pr:bank/blueprint.yaml", "relaxed:bank/blueprint.yaml")
    controls = {
        (c["setting"], c["target"]): (c["old"], c["new"], c["weakened"]) for c in data["controls"]
    }
    assert controls[("severity", "IAM002")] == ("error", "info", True)
    assert controls[("fail-on", "fail-on")] == ("warning", "error", True)
    assert controls[("max-waiver-days", "max-waiver-days")] == ("365", "3650", True)
    assert controls[("limits", "max_file_bytes")][2] is True
    assert data["changed"] is False
    # The other way round nothing is weakened.
    _, data = diff_json(capsys, "relaxed:bank/blueprint.yaml", "pr:bank/blueprint.yaml")
    assert data["controls"] and not any(c["weakened"] for c in data["controls"])


def test_a_changed_pack_rule_condition_is_a_weakened_control(
    northwind: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = """\
cadee-rules: 1
rules:
  - id: ACME001
    name: restricted-data-mtls
    severity: error
    layer: data
    summary: Restricted data travels over mutual TLS.
    rationale: The bank's transport policy.
    fix: Use mTLS.
    references: ["ACME transport policy"]
    forbid-integration: {data: [restricted], auth: [none, api-key]}
    examples:
      failing: |
        cadee: 1
        blueprint: {id: bp, title: Example}
        systems:
          - {id: a, kind: service}
          - {id: b, kind: service}
        integrations:
          - {from: a, to: b, data: restricted, auth: api-key}
      passing: |
        cadee: 1
        blueprint: {id: bp, title: Example}
        systems:
          - {id: a, kind: service}
          - {id: b, kind: service}
        integrations:
          - {from: a, to: b, data: restricted, auth: mtls}
"""
    northwind.write("cadee-rules.yaml", pack)
    northwind.commit("acme pack")
    code, out, err = run(capsys, "rules", "--pack", "cadee-rules.yaml")
    assert code == 0, out + err
    northwind.git("checkout", "-q", "-b", "narrower")
    northwind.write("cadee-rules.yaml", pack.replace("auth: [none, api-key]", "auth: [none]"))
    northwind.commit("narrower pack")
    _, data = diff_json(capsys, "pr:bank/blueprint.yaml", "narrower:bank/blueprint.yaml")
    assert [(c["setting"], c["target"], c["weakened"]) for c in data["controls"]] == [
        ("condition", "ACME001", True)
    ]
    northwind.git("rm", "-q", "cadee-rules.yaml")
    northwind.commit("no pack")
    _, data = diff_json(capsys, "pr:bank/blueprint.yaml", "narrower:bank/blueprint.yaml")
    assert [(c["setting"], c["target"], c["weakened"]) for c in data["controls"]] == [
        ("rule", "ACME001", True)
    ]
    assert "no longer provides it" in data["controls"][0]["reason"]


# -- hole 2: renames ----------------------------------------------------------------------------


def test_renaming_the_fraud_desk_is_one_rename_without_false_highlights(
    northwind: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in (northwind.root / "bank").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if "nw-fraud-desk" in text:
            path.write_text(text.replace("nw-fraud-desk", "nw-fraud-ops-desk"), encoding="utf-8")
    _, data = diff_json(capsys, "--base", "main", "bank/blueprint.yaml")
    [rename] = data["renames"]
    assert (rename["old"], rename["new"]) == ("nw-fraud-desk", "nw-fraud-ops-desk")
    assert rename["shared_edges"] == rename["edges"] >= 5  # every edge carried across
    assert [(c["collection"], c["id"], c["change"]) for c in data["changes"]] == [
        ("systems", "nw-fraud-ops-desk", "changed")
    ]
    assert data["changes"][0]["fields"] == [
        {"path": "id", "old": "nw-fraud-desk", "new": "nw-fraud-ops-desk"}
    ]
    assert data["highlights"] == []
    assert data["findings"]["new"] == [] and data["findings"]["resolved"] == []
    assert "(1 renamed)" in data["summary"]["text"]
    code, markdown, _ = run(
        capsys,
        "diff",
        "--base",
        "main",
        "bank/blueprint.yaml",
        "--as-of",
        AS_OF,
        "--format",
        "markdown",
    )
    assert code == 0 and len(markdown) < 4000


def test_moving_a_system_between_included_files_is_no_change(
    northwind: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    operations = northwind.root / "bank" / "catalog" / "operations.yaml"
    channels = northwind.root / "bank" / "catalog" / "channels.yaml"
    text = operations.read_text(encoding="utf-8")
    start = text.index("  - id: nw-fraud-desk")
    end = text.index("  - id:", start + 1)
    block = text[start:end]
    operations.write_text(text[:start] + text[end:], encoding="utf-8")
    edit(northwind, "bank/catalog/channels.yaml", "systems:\n", "systems:\n" + block)
    assert "nw-fraud-desk" in channels.read_text(encoding="utf-8")
    _, data = diff_json(capsys, "--base", "main", "bank/blueprint.yaml")
    assert data["changed"] is False and data["renames"] == []
    assert data["summary"]["text"].startswith("No architectural change")


SMALL = """\
cadee: 1
blueprint: {id: bp, title: Renames, owner: ops, approvers: [ops]}
owners:
  - {id: ops, name: Operations}
  - {id: risk, name: Risk office}
boundaries:
  - {id: corp, trust: internal}
systems:
  - {id: web, kind: channel, boundary: corp, owner: ops}
  - {id: gw, kind: gateway, boundary: corp, owner: ops}
  - {id: OLD, kind: service, boundary: corp, owner: ops, name: Ledger adapter}
  - {id: other, kind: service, boundary: corp, owner: ops}
integrations:
  - {from: web, to: gw, auth: mtls}
  - {from: gw, to: OLD, auth: mtls}
  - {from: OLD, to: other, auth: mtls}
waivers:
  - {rule: ARC004, target: WAIVED, reason: Accepted., approved_by: risk, expires: 2026-12-31}
"""


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("new_id", "edges_kept", "renamed"),
    [("ledger-adapter", True, True), ("ledger-adapter", False, False)],
)
def test_what_counts_as_a_rename(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new_id: str, edges_kept: bool, renamed: bool
) -> None:
    old = _write(tmp_path, "old.yaml", SMALL.replace("WAIVED", "OLD"))
    text = SMALL.replace("WAIVED", "OLD").replace("OLD", new_id)
    if not edges_kept:  # other edges: not the same system
        text = text.replace(f"  - {{from: gw, to: {new_id}, auth: mtls}}\n", "").replace(
            f"  - {{from: {new_id}, to: other, auth: mtls}}\n",
            f"  - {{from: other, to: {new_id}, auth: mtls}}\n",
        )
    new = _write(tmp_path, "new.yaml", text)
    _, data = diff_json(capsys, old, new)
    assert bool(data["renames"]) is renamed


def test_a_waiver_that_still_names_the_old_id_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _write(tmp_path, "old.yaml", SMALL.replace("WAIVED", "OLD"))
    new = _write(
        tmp_path, "new.yaml", SMALL.replace("OLD", "ledger-adapter").replace("WAIVED", "OLD")
    )
    _, data = diff_json(capsys, old, new)
    assert data["renames"][0]["new"] == "ledger-adapter"
    assert [(h["kind"], h["target"]) for h in data["highlights"]] == [
        ("waiver-stale", "ARC004:OLD")
    ]
    # Renamed together with its waiver: nothing to flag.
    new = _write(
        tmp_path,
        "new.yaml",
        SMALL.replace("OLD", "ledger-adapter").replace("WAIVED", "ledger-adapter"),
    )
    _, data = diff_json(capsys, old, new)
    assert data["highlights"] == []


# -- hole 3 (part): required approvers --------------------------------------------------------

OWNED = """\
cadee: 1
blueprint: {id: bp, title: Owners, owner: arch, approvers: [arch]}
owners:
  - {id: arch, name: Architecture}
  - {id: web-team, name: Web}
  - {id: crm-team, name: CRM}
  - {id: ops, name: Operations}
systems:
  - {id: web, kind: channel, owner: web-team}
  - {id: crm, kind: crm, owner: crm-team}
integrations: []
"""


def _approvers(data: dict[str, Any]) -> dict[str, list[str]]:
    return {g["owner"]: g["systems"] for g in data["approvers"]}


def test_a_changed_integration_needs_the_owners_of_both_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _write(tmp_path, "old.yaml", OWNED)
    new = _write(
        tmp_path,
        "new.yaml",
        OWNED.replace("integrations: []", "integrations:\n  - {from: web, to: crm}"),
    )
    _, data = diff_json(capsys, old, new)
    assert _approvers(data) == {"arch": ["web", "crm"], "web-team": ["web"], "crm-team": ["crm"]}


def test_an_ownership_change_needs_the_outgoing_and_the_incoming_owner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _write(tmp_path, "old.yaml", OWNED)
    new = _write(
        tmp_path,
        "new.yaml",
        OWNED.replace("{id: crm, kind: crm, owner: crm-team}", "{id: crm, kind: crm, owner: ops}"),
    )
    _, data = diff_json(capsys, old, new)
    assert _approvers(data) == {"arch": ["crm"], "crm-team": ["crm"], "ops": ["crm"]}


# -- the pull-request comment ----------------------------------------------------------------


def test_the_comment_ends_with_what_to_do(
    northwind: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    northwind.write("cadee.toml", 'ignore = ["ARC001", "ARC006"]\n')
    edit(northwind, "bank/catalog/channels.yaml", "integrations:\n", WEB_CHAT_TO_CRM)
    code, comment, _ = run(
        capsys,
        "diff",
        "--base",
        "main",
        "bank/blueprint.yaml",
        "--as-of",
        AS_OF,
        "--format",
        "markdown",
    )
    assert code == 0
    assert comment.startswith("<!-- cadee-diff -->\n")
    todo = comment.split("#### What to do\n", 1)[1]
    assert "#### " not in todo  # the last section
    lines = todo.strip().splitlines()
    assert lines[0].startswith("- Needs approval from ") and "(`nw-crm-team`)" in lines[0]
    assert "Restore the 2 weakened controls" in lines[1]
    assert any(
        line.startswith(
            "- Fix `ARC001` on `nw-crm` (hidden by configuration) or add a waiver approved by "
        )
        and "(`nw-crm-team`)" not in line
        for line in lines
    )  # the owner cannot approve its waiver


def test_a_large_comment_is_a_summary_under_githubs_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _write(tmp_path, "old.yaml", OWNED)
    many = "".join(
        f"  - {{id: s{i:04d}, kind: service, owner: web-team, description: '{'x' * 150} @octocat'}}\n"
        for i in range(1500)
    )
    new = _write(tmp_path, "new.yaml", OWNED.replace("systems:\n", "systems:\n" + many))
    code, comment, err = run(capsys, "diff", old, new, "--as-of", AS_OF, "--format", "markdown")
    assert code == 0, err
    assert len(comment) < 65_536
    assert comment.startswith("<!-- cadee-diff -->\n")
    assert "The full report is too large for a comment" in comment
    assert "#### What to do" in comment
    assert "](" not in comment and "http" not in comment  # link-free
    assert "@octocat" not in _outside_code(comment)


def test_mentions_in_user_text_never_ping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _write(tmp_path, "old.yaml", OWNED)
    new = _write(
        tmp_path,
        "new.yaml",
        OWNED.replace(
            "{id: crm, kind: crm, owner: crm-team}",
            "{id: crm, kind: crm, owner: crm-team, description: 'ping @octocat and @org/team'}",
        ),
    )
    _, comment, _ = run(capsys, "diff", old, new, "--as-of", AS_OF, "--format", "markdown")
    assert "ping" in comment
    text = _outside_code(comment)
    assert "@octocat" not in text and "@org/team" not in text


def _outside_code(markdown: str) -> str:
    """The comment without its code spans, where GitHub never links a mention."""
    import re

    return re.sub(r"(`+)(?:(?!\1).)*?\1", "", markdown)
