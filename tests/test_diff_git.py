"""`cadee diff` with sides read from git (``REV:PATH``, ``--base REV PATH``) in a temporary repository."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest

from cadee.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

AS_OF = "2026-06-01"

TOP = """\
cadee: 1
blueprint: {id: bank, title: Git fixture, owner: ops, approvers: [ops]}
include: [catalog/people.yaml]
systems:
  - {id: web, kind: channel, boundary: corp, owner: ops}
  - {id: desk, kind: human-desk, boundary: corp, owner: ops}
  - {id: agent, kind: agent, boundary: corp, owner: ops, fallback: [desk]}
integrations:
  - {from: web, to: agent, auth: mtls, timeout_ms: 5000}
"""
PEOPLE = """\
cadee: 1
owners:
  - {id: ops, name: Operations, function: operations, contact: ops@bank.example}
boundaries:
  - {id: corp, trust: internal, identity_provider: idp}
systems:
  - {id: idp, kind: identity-provider, boundary: corp, owner: ops}
"""


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        # An empty global configuration of our own: the user's settings never leak in.
        self.config = root.parent / "gitconfig"
        self.config.write_text("", encoding="utf-8")
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
            "GIT_CONFIG_GLOBAL": str(self.config),
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def commit(self, message: str, **files: str) -> None:
        for name, text in files.items():
            self.write(name.replace("__", "/"), text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    root = tmp_path / "repo"
    root.mkdir()
    repository = Repo(root)
    repository.commit("first", **{"bp.yaml": TOP, "catalog__people.yaml": PEOPLE})
    monkeypatch.chdir(root)
    # Temporary folders go here, so the tests can check they are cleaned up.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return repository


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def diff_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, "diff", *args, "--format", "json", "--as-of", AS_OF)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def changes(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(c["collection"], c["id"], c["change"]) for c in data["changes"]]


def test_revisions_and_the_working_tree(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit(
        "drop the desk fallback", **{"bp.yaml": TOP.replace("fallback: [desk]", "fallback: []")}
    )
    data = diff_json(capsys, "HEAD~1:bp.yaml", "HEAD:bp.yaml")
    assert data["old"] == {"source": "HEAD~1:bp.yaml", "blueprint": "bank"}
    assert data["new"] == {"source": "HEAD:bp.yaml", "blueprint": "bank"}
    assert changes(data) == [("systems", "agent", "changed")]
    assert [h["kind"] for h in data["highlights"]] == ["fallback-removed"]
    new = data["findings"]["new"]
    assert {(f["rule"], f["file"]) for f in new} == {
        ("FBK001", "HEAD:bp.yaml"),
        ("ARC006", "HEAD:bp.yaml"),
        ("ARC005", "HEAD:bp.yaml"),
    }
    # The working tree against a revision, both spellings.
    assert changes(diff_json(capsys, "HEAD~1:bp.yaml", "bp.yaml")) == [
        ("systems", "agent", "changed")
    ]
    data = diff_json(capsys, "--base", "HEAD~1", "bp.yaml")
    assert data["old"] == {"source": "HEAD~1:bp.yaml", "blueprint": "bank"}
    assert data["new"] == {"source": "bp.yaml", "blueprint": "bank"}
    assert changes(data) == [("systems", "agent", "changed")]
    # A branch name and a commit id work like any revision.
    commit = repo.git("rev-parse", "HEAD~1").strip()
    assert changes(diff_json(capsys, f"{commit}:bp.yaml", "main:bp.yaml")) == [
        ("systems", "agent", "changed")
    ]


def test_includes_are_read_at_the_same_revision(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only the included catalog changes; the top file is the same at both revisions.
    repo.commit(
        "new contact",
        **{"catalog__people.yaml": PEOPLE.replace("ops@bank.example", "cs-ops@bank.example")},
    )
    data = diff_json(capsys, "HEAD~1:bp.yaml", "HEAD:bp.yaml")
    assert changes(data) == [("owners", "ops", "changed")]
    assert data["changes"][0]["fields"] == [
        {"path": "contact", "old": "ops@bank.example", "new": "cs-ops@bank.example"}
    ]
    # An uncommitted edit of the include shows against HEAD, and never leaks into the HEAD side.
    repo.write(
        "catalog/people.yaml", PEOPLE.replace("name: Operations", "name: Service operations")
    )
    data = diff_json(capsys, "HEAD:bp.yaml", "bp.yaml")
    assert data["changes"][0]["fields"] == [
        {"path": "name", "old": "Operations", "new": "Service operations"},
        {"path": "contact", "old": "cs-ops@bank.example", "new": "ops@bank.example"},
    ]
    assert changes(diff_json(capsys, "HEAD:bp.yaml", "HEAD:bp.yaml")) == []


def test_a_file_that_exists_only_at_one_revision(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first revision has no catalog/extra.yaml; the second includes it.
    extra = "cadee: 1\nsystems:\n  - {id: kb, kind: service, boundary: corp, owner: ops}\n"
    repo.commit(
        "knowledge base",
        **{
            "bp.yaml": TOP.replace(
                "include: [catalog/people.yaml]",
                "include: [catalog/people.yaml, catalog/extra.yaml]",
            ),
            "catalog__extra.yaml": extra,
        },
    )
    data = diff_json(capsys, "HEAD~1:bp.yaml", "HEAD:bp.yaml")
    assert changes(data) == [("systems", "kb", "added")]
    finding = data["findings"]["new"][0]
    assert (finding["rule"], finding["file"], finding["line"]) == (
        "ARC005",
        "HEAD:catalog/extra.yaml",
        3,
    )


def test_a_renamed_file(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("mv", "bp.yaml", "blueprint.yaml")
    repo.write("blueprint.yaml", TOP.replace("title: Git fixture", "title: Renamed fixture"))
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "rename")
    data = diff_json(capsys, "HEAD~1:bp.yaml", "HEAD:blueprint.yaml")
    assert changes(data) == [("blueprint", "bank", "changed")]
    # --base follows the rename git detects.
    data = diff_json(capsys, "--base", "HEAD~1", "blueprint.yaml")
    assert data["old"] == {"source": "HEAD~1:bp.yaml", "blueprint": "bank"}
    assert changes(data) == [("blueprint", "bank", "changed")]
    code, _, err = run(capsys, "diff", "HEAD~1:blueprint.yaml", "blueprint.yaml")
    assert code == 2
    assert "'blueprint.yaml' does not exist at revision HEAD~1" in err


def test_identical_content_and_moving_an_item_into_an_include(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    moved = TOP.replace(
        "include: [catalog/people.yaml]", "include: [catalog/people.yaml, catalog/agents.yaml]"
    )
    moved = moved.replace(
        "  - {id: agent, kind: agent, boundary: corp, owner: ops, fallback: [desk]}\n", ""
    )
    moved = "# comments, reordering and moving items are no change\n" + moved.replace(
        "  - {id: web, kind: channel, boundary: corp, owner: ops}\n  - {id: desk, kind: human-desk, boundary: corp, owner: ops}\n",
        "  - id: desk\n    kind: human-desk\n    boundary: corp\n    owner: ops\n  - {id: web, kind: channel, boundary: corp, owner: ops}\n",
    )
    agents = "cadee: 1\nsystems:\n  - {id: agent, kind: agent, boundary: corp, owner: ops, fallback: [desk]}\n"
    repo.commit("move the agent", **{"bp.yaml": moved, "catalog__agents.yaml": agents})
    code, out, _ = run(capsys, "diff", "HEAD~1:bp.yaml", "HEAD:bp.yaml", "--as-of", AS_OF)
    assert code == 0
    assert out.splitlines()[1] == "No architectural change (5 findings unchanged)."
    _, md, _ = run(
        capsys, "diff", "--base", "HEAD~1", "bp.yaml", "--format", "markdown", "--as-of", AS_OF
    )
    assert "**No architectural change (5 findings unchanged).**" in md


def test_paths_relative_to_the_current_folder(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit("move into a folder", **{"bank__bp.yaml": TOP.replace("catalog/", "../catalog/")})
    monkeypatch.chdir(repo.root / "bank")
    # git's rule: REV:PATH is from the repository root, REV:./PATH from the current folder.
    for spec in ("HEAD:bank/bp.yaml", "HEAD:./bp.yaml"):
        data = diff_json(capsys, spec, "bp.yaml")
        assert data["old"] == {"source": "HEAD:bank/bp.yaml", "blueprint": "bank"}
        assert changes(data) == []
    data = diff_json(capsys, "--base", "HEAD", "bp.yaml")
    assert data["old"] == {"source": "HEAD:bank/bp.yaml", "blueprint": "bank"}


def test_a_symbolic_link_at_a_revision(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(
        "catalog/shared/people.yaml", PEOPLE.replace("ops@bank.example", "linked@bank.example")
    )
    (repo.root / "catalog" / "people.yaml").unlink()
    os.symlink("shared/people.yaml", repo.root / "catalog" / "people.yaml")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "symlink")
    data = diff_json(capsys, "HEAD~1:bp.yaml", "HEAD:bp.yaml")
    assert data["changes"][0]["fields"] == [
        {"path": "contact", "old": "ops@bank.example", "new": "linked@bank.example"}
    ]


def test_errors_at_a_revision_name_the_revision(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit(
        "break it",
        **{
            "bp.yaml": TOP.replace("owner: ops, fallback", "owner: opz, fallback").replace(
                "include: [catalog/people.yaml]",
                "include: [catalog/people.yaml, ../../outside.yaml, nope.yaml]",
            ),
        },
    )
    # An invalid blueprint is the report of the run: on standard output (cadee.commands.common).
    code, err, stderr = run(capsys, "diff", "HEAD~1:bp.yaml", "HEAD:bp.yaml")
    assert code == 2
    assert stderr == ""
    assert "new side HEAD:bp.yaml: invalid blueprint (3 errors)" in err
    assert (
        "HEAD:bp.yaml:7:53: error unknown owner 'opz'; did you mean 'ops'? [systems[2].owner]"
        in err
    )
    assert (
        "HEAD:bp.yaml:3:32: error include path '../../outside.yaml' resolves outside the project root "
        "(the repository root at HEAD: "
    ) in err
    assert "HEAD:bp.yaml:3:52: error included file 'nope.yaml' does not exist" in err
    assert "cadee-diff-" not in err and tempfile.gettempdir() not in err
    assert not os.listdir(tempfile.gettempdir())  # the materialised revision is gone


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope:bp.yaml", "bp.yaml"], "nope:bp.yaml: unknown revision 'nope'"),
        (
            ["HEAD:missing.yaml", "bp.yaml"],
            "HEAD:missing.yaml: 'missing.yaml' does not exist at revision HEAD",
        ),
        (["HEAD:catalog", "bp.yaml"], "HEAD:catalog: is a folder at HEAD, not a blueprint file"),
        (["HEAD:../x.yaml", "bp.yaml"], "HEAD:../x.yaml: the path is outside the repository"),
        (["--base", "nope", "bp.yaml"], "nope:bp.yaml: unknown revision 'nope'"),
    ],
)
def test_unknown_revisions_and_paths(
    args: list[str], message: str, repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "diff", *args)
    assert code == 2
    assert out == ""
    assert err.startswith(f"cadee: error: {message}")


def test_outside_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "bp.yaml").write_text(TOP, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, _, err = run(capsys, "diff", "HEAD:bp.yaml", "bp.yaml")
    assert code == 2
    assert err.startswith("cadee: error: HEAD:bp.yaml: not inside a git repository")
    code, _, err = run(capsys, "diff", "--base", "HEAD", "bp.yaml")
    assert code == 2
    assert "not inside a git repository" in err


def test_a_file_whose_name_has_a_colon_is_a_file(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("v1:bp.yaml", TOP)
    assert changes(diff_json(capsys, "v1:bp.yaml", "bp.yaml")) == []


def _risky_northwind_change(text: str) -> str:
    """The pull request of docs/pull-requests.md: the payments agent loses its fraud-desk
    fallback, the token exchange into the core zone drops mTLS, a hosted reranker arrives."""
    edits = [
        (
            "    fallback:\n      - to: nw-fraud-desk\n        when: [policy-block]\n"
            "      - to: nw-contact-centre-desk\n        when: [timeout, error, low-confidence, outage]\n",
            "    fallback:\n      - to: nw-contact-centre-desk\n        when: [timeout, error, low-confidence, outage]\n",
        ),
        (
            "    to: nw-sts\n    description: Token exchange for on-behalf-of tool calls.\n    protocol: https\n"
            "    auth: mtls\n",
            "    to: nw-sts\n    description: Token exchange for on-behalf-of tool calls.\n    protocol: https\n",
        ),
        (
            "  - id: nw-llm-onprem\n",
            "  - id: nw-llm-reranker\n    name: Hosted reranker (vendor, EU data zone)\n    kind: model\n"
            "    description: Reorders retrieved knowledge-base passages before the agents answer.\n"
            "    boundary: nw-llm-vendor\n    owner: nw-ai-platform\n    vendor: Hosted LLM vendor (EU data zone)\n"
            "    fallback:\n      - to: nw-llm-onprem\n        when: [timeout, error, outage]\n"
            "  - id: nw-llm-onprem\n",
        ),
        (
            "  - from: nw-ai-gateway\n    to: nw-llm-onprem\n",
            "  - from: nw-ai-gateway\n    to: nw-llm-reranker\n    description: Query and candidate passages (masked).\n"
            "    protocol: https\n    auth: oauth2\n    data: confidential\n    timeout_ms: 1500\n"
            "  - from: nw-ai-gateway\n    to: nw-llm-onprem\n",
        ),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_the_flagship_example_in_the_docs_is_real_output(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    source = Path(__file__).resolve().parent.parent / "examples" / "northwind-bank"
    shutil.copytree(source, repo.root / "bank")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Northwind Bank blueprint")
    platform = repo.root / "bank" / "catalog" / "ai-platform.yaml"
    platform.write_text(
        _risky_northwind_change(platform.read_text(encoding="utf-8")), encoding="utf-8"
    )
    doc = (Path(__file__).resolve().parent.parent / "docs" / "pull-requests.md").read_text(
        encoding="utf-8"
    )

    code, markdown, _ = run(
        capsys,
        "diff",
        "--base",
        "HEAD",
        "bank/blueprint.yaml",
        "--as-of",
        AS_OF,
        "--format",
        "markdown",
    )
    assert code == 0
    assert markdown in doc
    code, text, _ = run(capsys, "diff", "--base", "HEAD", "bank/blueprint.yaml", "--as-of", AS_OF)
    assert code == 0
    assert f"$ cadee diff --base HEAD bank/blueprint.yaml --as-of 2026-06-01\n{text}" in doc
    code, _, err = run(
        capsys,
        "diff",
        "--base",
        "HEAD",
        "bank/blueprint.yaml",
        "--as-of",
        AS_OF,
        "--fail-on-new",
        "error",
    )
    assert code == 1
    assert err in doc


def test_revisions_share_parsing_and_load_as_apart(repo: Repo) -> None:
    """The sides' shared parse cache (differential: the same results as separate loads):
    the top file, whose includes are looked up before loading, is parsed once for both
    revisions; only the include that changed is parsed again."""
    from cadee.diff import diff_blueprints
    from cadee.diff.semantic import dump
    from cadee.diff.sources import SharedParses, load_side, parse_side
    from cadee.model import LIST_FIELDS
    from cadee.report.diff import render_json

    repo.commit(
        "new contact",
        **{"catalog__people.yaml": PEOPLE.replace("ops@bank.example", "cs-ops@bank.example")},
    )
    shared = SharedParses()
    together = [
        load_side(parse_side(f"{rev}:bp.yaml"), shared=shared) for rev in ("HEAD~1", "HEAD")
    ]
    apart = [load_side(parse_side(f"{rev}:bp.yaml")) for rev in ("HEAD~1", "HEAD")]
    assert (shared.parses, shared.hits) == (3, 3)
    for a, b in zip(together, apart, strict=True):
        assert a.blueprint is not None and b.blueprint is not None
        assert (a.path, a.errors, a.files) == (b.path, b.errors, b.files)
        for key in LIST_FIELDS:
            mine, theirs = getattr(a.blueprint, key), getattr(b.blueprint, key)
            assert [dump(i) for i in mine] == [dump(i) for i in theirs]
            assert [i.location for i in mine] == [i.location for i in theirs]
    as_of = dt.date.fromisoformat(AS_OF)
    blueprints = [[r.blueprint for r in results] for results in (together, apart)]
    reports = [render_json(diff_blueprints(old, new, as_of)) for old, new in blueprints]  # type: ignore[arg-type]
    assert reports[0] == reports[1]
    assert '"changed": 1' in reports[0]


def test_a_file_above_the_size_limit_in_history_is_never_read(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file of zeros compresses to almost nothing in git: 1.5 GB in history cost a
    1.7 MB push, and ``diff --base`` read all of it (3.1 GB of memory) before the
    size limit refused it. The limit is now judged from the tree; the blob is never
    asked of ``git cat-file``, and the error is the one the same file gets in the work tree."""
    import cadee.diff.sources as sources

    limit = 20_000
    config = f"[tool.cadee.limits]\nmax_file_bytes = {limit}\n"
    big = PEOPLE + "# " + "a" * (limit * 5) + "\n"
    repo.commit("big", **{"pyproject.toml": config, "catalog__people.yaml": big})
    repo.commit("small", **{"catalog__people.yaml": PEOPLE})
    big_oid = repo.git("rev-parse", "HEAD~1:catalog/people.yaml").strip()
    asked: list[str] = []
    real_git = sources._git

    def git(args: Any, cwd: Any, *, what: str, data: bytes | None = None) -> bytes:
        if data is not None:
            asked.append(data.decode())
        return real_git(args, cwd, what=what, data=data)

    monkeypatch.setattr(sources, "_git", git)
    code, out, _ = run(capsys, "diff", "--base", "HEAD~1", "bp.yaml", "--as-of", AS_OF)
    assert code == 2
    assert (
        f"HEAD~1:catalog/people.yaml:1:1: error file is {len(big.encode()):,} bytes, "
        f"above the limit of {limit:,}"
    ) in out
    assert asked and not any(big_oid in data for data in asked)
    # The work tree's copy of the same file gets the same error.
    repo.write("catalog/people.yaml", big)
    code, out, _ = run(capsys, "validate", "bp.yaml")
    assert code == 2 and f"error file is {len(big.encode()):,} bytes" in out


def test_a_rule_pack_above_the_size_limit_in_history_is_never_read(
    repo: Repo, tmp_path: Path
) -> None:
    from cadee.diff.sources import Side, checkout_files

    pack = "cadee-rules: 1\n# " + "a" * 5_000 + "\n"
    repo.commit("pack", **{"rules.yaml": pack})
    root = tmp_path / "out"
    root.mkdir()
    side = Side(label="HEAD:bp.yaml", path="bp.yaml", revision="HEAD", git_dir=str(repo.root))
    assert checkout_files(side, ["rules.yaml", "bp.yaml"], root, max_bytes=1_000) == [
        "rules.yaml",
        "bp.yaml",
    ]
    # Above the limit: only the size is kept, for the reader to refuse; below: the file.
    assert (root / "rules.yaml").stat().st_size == len(pack)
    assert (root / "rules.yaml").read_bytes().strip(b"\0") == b""
    assert (root / "bp.yaml").read_text(encoding="utf-8") == TOP
