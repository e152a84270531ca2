"""WVR003 (waiver-self-approval) and WVR004 (waiver-lifetime): spec 1.1 part B and
clarifications 9-11, and the ``max-waiver-days`` setting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cadee.check import CheckOptions, check
from cadee.config import ConfigSource, check_config
from cadee.load import load_blueprint

AS_OF = dt.date(2026, 6, 1)

BLUEPRINT = """\
cadee: 1
blueprint: {{id: bp, title: Example, owner: arch}}
owners:
  - {{id: arch, name: Architecture}}
  - {{id: web-team, name: Web}}
  - {{id: crm-team, name: CRM}}
  - {{id: risk, name: Risk office}}
systems:
  - {{id: web, kind: channel, owner: web-team}}
  - {{id: crm, kind: crm, owner: crm-team}}
  - {{id: orphan, kind: service}}
integrations:
  - {{from: web, to: crm}}
kpis:
  - {{id: fcr, name: First-contact resolution, owner: web-team}}
gates:
  - {{id: pause, action: pause, when: FCR drops, decided_by: risk}}
waivers:
  - {{rule: {rule}, target: {target}, reason: Accepted., approved_by: {approver}, expires: {expires}}}
"""


def findings(
    tmp_path: Path,
    rule_id: str,
    *,
    rule: str = "ARC007",
    target: str = "web",
    approver: str = "risk",
    expires: str = "2026-12-31",
    max_days: int = 365,
) -> list[str]:
    path = tmp_path / "bp.yaml"
    path.write_text(
        BLUEPRINT.format(rule=rule, target=target, approver=approver, expires=expires),
        encoding="utf-8",
    )
    loaded = load_blueprint(path)
    assert loaded.blueprint is not None, loaded.errors
    report = check(loaded.blueprint, CheckOptions(as_of=AS_OF, max_waiver_days=max_days))
    return [f.target for f in report.findings if f.rule == rule_id and not f.waived]


@pytest.mark.parametrize(
    ("target", "approver", "fires"),
    [
        ("web", "web-team", True),  # a system's owner
        ("web", "risk", False),
        ("web->crm", "crm-team", True),  # an integration: the owners of both ends
        ("web->crm", "web-team", True),
        ("web->crm", "arch", False),
        ("fcr", "web-team", True),  # a KPI's owner
        ("pause", "risk", True),  # a gate's decided_by
        ("bp", "arch", True),  # the blueprint id: blueprint.owner
        ("orphan", "risk", False),  # no owner: nobody
        ("risk", "risk", False),  # an owner id has no owners
        ("ARC001:web", "web-team", False),  # free text
    ],
)
def test_self_approval_owners_of_the_target(
    tmp_path: Path, target: str, approver: str, fires: bool
) -> None:
    assert bool(findings(tmp_path, "WVR003", target=target, approver=approver)) is fires


def test_self_approval_whatever_the_rule_and_expired_or_not(tmp_path: Path) -> None:
    assert findings(tmp_path, "WVR003", rule="OWN003", approver="web-team") == ["OWN003:web"]
    assert findings(tmp_path, "WVR003", approver="web-team", expires="2020-01-01") == ["ARC007:web"]
    # A waiver of a WVR rule never suppresses a WVR finding, its own included.
    assert (
        findings(tmp_path, "WVR003", rule="WVR003", target="WVR003:web", approver="web-team") == []
    )
    assert findings(tmp_path, "WVR003", rule="WVR003", target="web", approver="web-team") == [
        "WVR003:web"
    ]


@pytest.mark.parametrize(
    ("expires", "max_days", "fires"),
    [
        ("2027-06-01", 365, False),  # exactly as_of + 365
        ("2027-06-02", 365, True),
        ("2026-06-01", 0, False),
        ("2026-06-02", 0, True),
        ("2020-01-01", 0, False),  # expired: WVR001's business
        ("2036-01-01", 3650, False),
    ],
)
def test_lifetime(tmp_path: Path, expires: str, max_days: int, fires: bool) -> None:
    assert bool(findings(tmp_path, "WVR004", expires=expires, max_days=max_days)) is fires


def test_lifetime_message_and_default(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(
        BLUEPRINT.format(rule="ARC007", target="web", approver="risk", expires="2029-01-01"),
        encoding="utf-8",
    )
    loaded = load_blueprint(path)
    assert loaded.blueprint is not None
    report = check(loaded.blueprint, CheckOptions(as_of=AS_OF))
    [finding] = [f for f in report.findings if f.rule == "WVR004"]
    assert finding.severity == "warning" and finding.target == "ARC007:web"
    assert "945 days after 2026-06-01" in finding.message and "at most 365" in finding.message


@pytest.mark.parametrize(
    ("text", "days", "error"),
    [
        ("", 365, None),
        ("max-waiver-days = 90", 90, None),
        ("max-waiver-days = 0", 0, None),
        ("max-waiver-days = -1", 365, "an integer from 0 to 36,500"),
        ("max-waiver-days = true", 365, "an integer from 0 to 36,500"),
        ('max-waiver-days = "90"', 365, "an integer from 0 to 36,500"),
        ("max-waiver-days = 9.5", 365, "an integer from 0 to 36,500"),
    ],
)
def test_max_waiver_days_setting(text: str, days: int, error: str | None) -> None:
    import tomllib

    source = ConfigSource(Path("cadee.toml"), "cadee.toml", text, tomllib.loads(text))
    config, errors = check_config(source, None)
    assert config.max_waiver_days == days
    assert [e.message for e in errors if error and error in e.message] == (
        [errors[0].message] if error else []
    )
    if error:
        assert errors[0].location.line == 1 and errors[0].location.path == "max-waiver-days"
