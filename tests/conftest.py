from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from cadee.check import CheckOptions, check
from cadee.diagnostics import Finding
from cadee.load import load_blueprint

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
#: A fixed "today" so waiver tests never depend on the calendar.
AS_OF = dt.date(2026, 6, 1)
#: A small blueprint that passes every built-in rule.
CLEAN = """\
cadee: 1
blueprint: {id: bp, title: T, owner: ops}
owners: [{id: ops, name: Ops, function: operations}]
systems:
  - {id: svc, kind: service, owner: ops, boundary: corp}
  - {id: idp, kind: identity-provider, owner: ops, boundary: corp}
boundaries: [{id: corp, trust: internal, identity_provider: idp}]
integrations: [{from: svc, to: idp, auth: mtls}]
evidence:
  - {id: e1, kind: integration-map, owner: ops}
  - {id: e2, kind: identity-access-fallback, owner: ops}
  - {id: e3, kind: runtime-observability, owner: ops}
kpis: [{id: fcr, name: FCR, baseline: 0.6, target: 0.7, owner: ops}]
gates: [{id: g, action: pause, when: FCR drops, decided_by: ops}]
"""


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the test from the repository root (paths like examples/... resolve)."""
    monkeypatch.chdir(REPO)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden files under tests/goldens from the current output",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


RunRules = Callable[..., list[Finding]]


@pytest.fixture
def run_rules(tmp_path: Path) -> RunRules:
    """Load a YAML blueprint text (dedented) and return its sorted findings.

    ``select`` limits the rules run (IDs or prefixes); the blueprint must be
    valid, else the test fails with the load errors.
    """

    def run(
        text: str,
        select: Sequence[str] = (),
        as_of: dt.date = AS_OF,
        name: str = "blueprint.yaml",
    ) -> list[Finding]:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        result = load_blueprint(path)
        assert not result.errors, "\n".join(str(e) for e in result.errors)
        assert result.blueprint is not None
        report = check(result.blueprint, CheckOptions(select=tuple(select), as_of=as_of))
        return report.findings

    return run


def targets(findings: Sequence[Finding], rule: str) -> list[str]:
    """Targets of ``rule``'s findings, in report order."""
    return [f.target for f in findings if f.rule == rule]
