"""The project a blueprint belongs to (cadee/project.py), the file helpers it rests on
(cadee/files.py), and untrusted paths: rule packs, configuration and blueprints that
point out of the work tree or at devices and FIFOs (issue 16, items 3 and 5)."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadee.cli import main
from cadee.files import (
    NotRegularFile,
    Problem,
    TooLarge,
    confine,
    project_root,
    read_regular,
    walk_up,
)
from cadee.project import Project, Projects
from tests.conftest import CLEAN

PACK = """\
cadee-rules: 1
rules:
  - id: ACME001
    name: service-vendor
    severity: error
    layer: architecture
    summary: Services name their vendor.
    rationale: Procurement.
    fix: Add the vendor.
    references: [Acme AS-1]
    require: {systems: {kind: service}, fields: {vendor: {present: true}}}
    examples:
      failing: |
        cadee: 1
        blueprint: {id: bp, title: T}
        systems: [{id: svc, kind: service}]
      passing: |
        cadee: 1
        blueprint: {id: bp, title: T}
        systems: [{id: svc, kind: service, vendor: V}]
"""
SECRET = '{"aws_secret_access_key": "AKIA-SECRET-VALUE", "db_password": "hunter2"}\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A git work tree ``repo/`` (with a secret file beside it, outside), as the working folder."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "creds.json").write_text(SECRET, encoding="utf-8")
    monkeypatch.chdir(root)
    yield root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- cadee/files.py ------------------------------------------------------------------------


def test_walk_up_starts_at_the_folder_of_a_file(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "f.yaml").write_text("x", encoding="utf-8")
    folders = list(walk_up(tmp_path / "a" / "b" / "f.yaml"))
    assert folders[:3] == [
        (tmp_path / "a" / "b").resolve(),
        (tmp_path / "a").resolve(),
        tmp_path.resolve(),
    ]
    assert folders[-1] == Path("/")
    assert list(walk_up(tmp_path / "a")) == folders[1:]


def test_project_root_is_the_work_tree_else_the_folder(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "sub").mkdir()
    assert project_root(tmp_path / "repo" / "sub" / "bp.yaml") == (tmp_path / "repo").resolve()
    (tmp_path / "plain").mkdir()
    assert project_root(tmp_path / "plain" / "bp.yaml") in (
        (tmp_path / "plain").resolve(),
        *[p for p in (tmp_path / "plain").resolve().parents if (p / ".git").exists()],
    )


def test_confine_resolves_links_first(repo: Path) -> None:
    (repo / "ok.yaml").write_text("x", encoding="utf-8")
    (repo / "link.yaml").symlink_to(repo.parent / "outside" / "creds.json")
    (repo / "folder").mkdir()
    assert confine(repo / "ok.yaml", repo.resolve()) == (repo / "ok.yaml").resolve()
    assert confine(repo / "link.yaml", repo.resolve()) is Problem.OUTSIDE
    assert confine(repo / "../outside/creds.json", repo.resolve()) is Problem.OUTSIDE
    assert confine(repo / "missing.yaml", repo.resolve()) is Problem.MISSING
    assert confine(repo / "folder", repo.resolve()) is Problem.NOT_A_FILE


def test_read_regular_refuses_devices_fifos_and_large_files(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile, match="a FIFO"):
        read_regular(fifo)  # returns at once: never blocks waiting for a writer
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(NotRegularFile, match="a device"):
        read_regular(link, 1000)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 11)
    with pytest.raises(TooLarge):
        read_regular(big, 10)
    assert read_regular(big, 11) == b"x" * 11


# -- Project -----------------------------------------------------------------------------------


def test_project_resolves_configuration_packs_and_limits_once(repo: Path) -> None:
    (repo / "cadee.toml").write_text(
        'fail-on = "warning"\nrule-packs = ["policy/acme.yaml"]\n'
        "[limits]\nmax_file_bytes = 100000\n",
        encoding="utf-8",
    )
    (repo / "policy").mkdir()
    (repo / "policy" / "acme.yaml").write_text(PACK, encoding="utf-8")
    project = Project.resolve(repo / "bp.yaml")
    assert project.errors == ()
    assert project.root == repo.resolve() and project.config_file == repo / "cadee.toml"
    assert project.config.fail_on == "warning" and project.limits.max_file_bytes == 100000
    assert "ACME001" in project.rules and project.rules["ACME001"].source == "policy/acme.yaml"
    assert [p.path for p in project.packs] == ["policy/acme.yaml"]


def test_projects_resolve_each_project_once(repo: Path) -> None:
    (repo / "cadee-rules.yaml").write_text(PACK, encoding="utf-8")
    (repo / "a").mkdir()
    projects = Projects()
    first = projects.of(repo / "a" / "bp.yaml")
    assert projects.of(repo / "b.yaml") is first and len(projects) == 1


def test_config_errors_come_first_then_rule_errors(repo: Path) -> None:
    (repo / "cadee.toml").write_text(
        'select = ["NOPE"]\nrule-packs = ["missing.yaml"]\n', encoding="utf-8"
    )
    project = Project.resolve(repo / "bp.yaml")
    assert [e.message for e in project.errors] == [
        "`select`: 'NOPE' matches no rule",
        "`rule-packs`: 'missing.yaml' is not a file (paths are relative to cadee.toml)",
    ]
    assert project.errors == project.config_errors


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "gitrepo"
    root.mkdir()
    _git(root, "init", "-q")
    (root / "bank").mkdir()
    (root / "bank" / "bp.yaml").write_text(CLEAN, encoding="utf-8")
    (root / "cadee.toml").write_text(
        'fail-on = "info"\nrule-packs = ["policy/acme.yaml"]\n', encoding="utf-8"
    )
    (root / "policy").mkdir()
    (root / "policy" / "acme.yaml").write_text(PACK, encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "one")
    monkeypatch.chdir(root)
    return root


def test_project_at_a_revision_reads_configuration_and_packs_through_git(git_repo: Path) -> None:
    # The work tree moves on; the revision's project is what was committed.
    (git_repo / "cadee.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    (git_repo / "policy" / "acme.yaml").unlink()
    now = Project.resolve(git_repo / "bank" / "bp.yaml")
    assert now.config.fail_on == "warning" and "ACME001" not in now.rules
    then = Project.at_revision("HEAD", "bank/bp.yaml")
    assert then.errors == ()
    assert then.config.fail_on == "info" and then.config.path == "HEAD:cadee.toml"
    assert then.config_file == Path("HEAD:cadee.toml")
    assert then.rules["ACME001"].source == "HEAD:policy/acme.yaml"
    assert [p.path for p in then.packs] == ["HEAD:policy/acme.yaml"]


def test_project_at_a_revision_reports_errors_as_rev_path(git_repo: Path) -> None:
    (git_repo / "cadee.toml").write_text(
        'fail-on = "sometimes"\nrule-packs = ["../../etc/passwd"]\n', encoding="utf-8"
    )
    _git(git_repo, "commit", "-q", "-am", "two")
    project = Project.at_revision("HEAD", "bank/bp.yaml")
    files = {e.location.file for e in project.errors}
    assert files == {"HEAD:cadee.toml"}
    messages = [e.message for e in project.errors]
    assert any("`fail-on` must be one of" in m for m in messages)
    assert any("resolves outside the project root" in m for m in messages)
    assert not any("root:" in m for m in messages)  # nothing of /etc/passwd


def test_project_at_an_unknown_revision_is_a_source_error(git_repo: Path) -> None:
    from cadee.diff.sources import SourceError

    with pytest.raises(SourceError, match="unknown revision"):
        Project.at_revision("no-such-rev", "bank/bp.yaml")


# -- issue 16 item 3: rule-pack paths are confined like includes ------------------------------


@pytest.mark.parametrize(
    "entry", ["/etc/passwd", "../../../../proc/self/environ", "../outside/creds.json"]
)
def test_rule_pack_paths_outside_the_work_tree_are_not_read(
    repo: Path, entry: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "cadee.toml").write_text(f'rule-packs = ["{entry}"]\n', encoding="utf-8")
    (repo / "bp.yaml").write_text(CLEAN, encoding="utf-8")
    code, out, err = run(capsys, "validate", "bp.yaml")
    assert code == 2
    assert "cadee.toml:1:1: error `rule-packs`" in out
    assert (
        ("not absolute" in out)
        if entry.startswith("/")
        else ("resolves outside the project root" in out)
    )
    for leaked in ("root:", "AKIA", "hunter2", "aws_secret", "PATH=", "HOME="):
        assert leaked not in out + err


def test_a_rule_pack_that_links_out_of_the_work_tree_is_not_read(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "cadee-rules.yaml").symlink_to(repo.parent / "outside" / "creds.json")
    (repo / "bp.yaml").write_text(CLEAN, encoding="utf-8")
    code, out, err = run(capsys, "validate", "bp.yaml")
    assert (
        code == 2
        and "cadee-rules.yaml:1:1: error the rule pack resolves outside the project root" in out
    )
    assert "AKIA" not in out + err and "aws_secret" not in out + err


def test_a_file_that_is_not_a_rule_pack_is_never_echoed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "creds.json").write_text(SECRET, encoding="utf-8")
    (repo / "cadee.toml").write_text('rule-packs = ["creds.json"]\n', encoding="utf-8")
    (repo / "bp.yaml").write_text(CLEAN, encoding="utf-8")
    code, out, err = run(capsys, "validate", "bp.yaml")
    assert code == 2
    assert "creds.json:1:1: error not a rule pack" in out and "its content is not shown" in out
    for leaked in ("AKIA", "hunter2", "aws_secret", "db_password"):
        assert leaked not in out + err


def test_a_rule_pack_that_is_a_fifo_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(repo / "cadee-rules.yaml")
    (repo / "bp.yaml").write_text(CLEAN, encoding="utf-8")
    code, out, _ = run(capsys, "validate", "bp.yaml")  # would block forever if opened for reading
    assert (
        code == 2
        and "cadee-rules.yaml:1:1: error is a FIFO, not a regular file; a rule pack is a regular file"
        in out
    )


def test_rule_pack_given_as_a_fifo_to_rules_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(repo / "pack.yaml")
    code, out, _ = run(capsys, "rules", "--pack", "pack.yaml")
    assert code == 2 and "pack.yaml:1:1: error is a FIFO, not a regular file" in out


# -- issue 16 item 5: only regular files, inside the work tree ----------------------------------


def test_a_blueprint_linked_to_dev_zero_is_refused_unread(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "bp.yaml").symlink_to("/dev/zero")
    code, out, _ = run(capsys, "validate", "bp.yaml")
    assert (
        code == 2
        and "bp.yaml:1:1: error the blueprint path resolves outside the project root" in out
    )


def test_a_device_inside_the_work_tree_is_not_read(repo: Path) -> None:
    from cadee.load import load_blueprint

    # As the loader meets it once the path is confined: a device, even of size 0, is never read.
    result = load_blueprint(Path("/dev/zero"))
    assert result.blueprint is None
    assert [e.message for e in result.errors] == [
        "is a device, not a regular file; a blueprint is a regular file"
    ]


def test_a_blueprint_that_is_a_fifo_does_not_hang(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(repo / "bp.yaml")
    outcome: list[int] = []
    worker = threading.Thread(
        target=lambda: outcome.append(main(["validate", "bp.yaml"])), daemon=True
    )
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # unblock the reader, then fail
        with open(repo / "bp.yaml", "wb"):
            pass
        pytest.fail("validate blocked on a FIFO")
    assert outcome == [2]
    assert (
        "bp.yaml:1:1: error is a FIFO, not a regular file; a blueprint is a regular file"
        in capsys.readouterr().out
    )


def test_a_folder_walk_reports_a_link_out_of_the_work_tree(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "arch").mkdir()
    (repo / "arch" / "ok.yaml").write_text(CLEAN, encoding="utf-8")
    (repo / "arch" / "stolen.yaml").symlink_to(repo.parent / "outside" / "creds.json")
    (repo / "arch" / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(repo / "arch" / "pipe.yaml")
    code, out, _ = run(capsys, "validate", "arch")
    assert code == 2
    assert "arch/stolen.yaml:1:1: error resolves outside the project root" in out
    assert "arch/zero.yaml:1:1: error resolves outside the project root" in out
    assert "arch/ok.yaml: no findings" in out and "pipe.yaml" not in out


def test_a_configuration_that_is_a_fifo_is_a_located_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(repo / "cadee.toml")
    (repo / "bp.yaml").write_text(CLEAN, encoding="utf-8")
    code, out, _ = run(capsys, "validate", "bp.yaml")
    assert (
        code == 2
        and "cadee.toml:1:1: error is a FIFO, not a regular file; the configuration is a regular file"
        in out
    )


def test_a_configuration_linked_out_of_the_work_tree_is_not_read(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "cadee.toml").symlink_to(repo.parent / "outside" / "creds.json")
    (repo / "bp.yaml").write_text(CLEAN, encoding="utf-8")
    code, out, err = run(capsys, "validate", "bp.yaml")
    assert (
        code == 2
        and "cadee.toml:1:1: error the configuration file resolves outside the project root" in out
    )
    assert "AKIA" not in out + err


def test_import_refuses_a_fifo_instead_of_blocking(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(repo / "calm.json")
    code, _, err = run(capsys, "import", "calm", "calm.json")
    assert (
        code == 2
        and "calm.json:1:1: error cannot read the file: calm.json is a FIFO, not a regular file"
        in err
    )


def test_project_at_a_revision_follows_a_pack_link_inside_the_repository(git_repo: Path) -> None:
    (git_repo / "shared").mkdir()
    (git_repo / "policy" / "acme.yaml").rename(git_repo / "shared" / "acme.yaml")
    (git_repo / "policy" / "acme.yaml").symlink_to("../shared/acme.yaml")
    (git_repo / "policy" / "evil.yaml").symlink_to("/etc/passwd")
    (git_repo / "cadee.toml").write_text(
        'rule-packs = ["policy/acme.yaml", "policy/evil.yaml"]\n', encoding="utf-8"
    )
    _git(git_repo, "add", "-A")
    _git(git_repo, "commit", "-q", "-m", "links")
    project = Project.at_revision("HEAD", "bank/bp.yaml")
    assert "ACME001" in project.rules
    assert [e.message for e in project.errors] == [
        "`rule-packs`: 'policy/evil.yaml' resolves outside the project root (the repository at HEAD: "
        "the git work tree); it is not read"
    ]
