"""Waivers (spec section 8, 13.13): active, expired, unused, at the expiry date."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import RunRules, targets

BASE = """\
cadee: 1
blueprint: {{id: bp, title: T}}
owners: [{{id: risk, name: Risk office, function: compliance}}]
systems:
  - {{id: kb, kind: service}}
waivers:
{waivers}
"""


def waiver(rule: str = "ARC007", target: str = "kb", expires: str = "2026-06-01") -> str:
    return f"  - {{rule: {rule}, target: {target}, reason: accepted, approved_by: risk, expires: {expires}}}"


def run(run_rules: RunRules, *lines: str, as_of: dt.date = dt.date(2026, 6, 1)) -> list:  # type: ignore[type-arg]
    return run_rules(BASE.format(waivers="\n".join(lines)), select=("ARC007", "WVR"), as_of=as_of)


def test_a_waiver_is_active_on_its_expiry_date(run_rules: RunRules) -> None:
    findings = run(run_rules, waiver(expires="2026-06-01"))
    [finding] = findings
    assert (finding.rule, finding.waived) == ("ARC007", True)
    assert finding.waiver is not None and finding.waiver.expires == dt.date(2026, 6, 1)


def test_the_day_after_it_has_expired(run_rules: RunRules) -> None:
    findings = run(run_rules, waiver(expires="2026-05-31"))
    assert [(f.rule, f.target, f.waived) for f in findings] == [
        ("ARC007", "kb", False),
        ("WVR001", "ARC007:kb", False),
    ]


def test_unused_waiver(run_rules: RunRules) -> None:
    findings = run(run_rules, waiver(target="knowledge-base"))
    assert targets(findings, "WVR002") == ["ARC007:knowledge-base"]
    assert [f.waived for f in findings if f.rule == "ARC007"] == [False]


def test_an_expired_unused_waiver_is_expired_not_unused(run_rules: RunRules) -> None:
    findings = run(run_rules, waiver(target="nothing", expires="2020-01-01"))
    assert targets(findings, "WVR001") == ["ARC007:nothing"]
    assert targets(findings, "WVR002") == []


def test_waiver_findings_cannot_be_waived(run_rules: RunRules) -> None:
    findings = run(run_rules, waiver(expires="2020-01-01"), waiver(rule="WVR001", target="ARC007:kb", expires="2030-01-01"))
    wvr001 = [f for f in findings if f.rule == "WVR001"]
    assert [f.waived for f in wvr001] == [False]
    assert targets(findings, "WVR002") == ["WVR001:ARC007:kb"]


def test_two_waivers_for_one_finding_are_both_used(run_rules: RunRules) -> None:
    findings = run(run_rules, waiver(), waiver(expires="2027-01-01"))
    assert targets(findings, "WVR002") == []


def test_waivers_for_rules_not_selected_are_not_judged(run_rules: RunRules) -> None:
    text = BASE.format(waivers=waiver(rule="OWN001", target="nothing"))
    assert targets(run_rules(text, select=("WVR",)), "WVR002") == []
    assert targets(run_rules(text, select=("WVR", "OWN")), "WVR002") == ["OWN001:nothing"]


@pytest.mark.parametrize("as_of", [dt.date(2026, 1, 1), dt.date(2026, 6, 1)])
def test_as_of_decides(run_rules: RunRules, as_of: dt.date) -> None:
    findings = run(run_rules, waiver(expires="2026-06-01"), as_of=as_of)
    assert targets(findings, "WVR001") == []
