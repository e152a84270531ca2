"""Rule tests: Evidence and KPIs (EVD001-EVD003)."""

from __future__ import annotations

from tests.conftest import RunRules, targets
from tests.rules.helpers import HEAD, OWNERS, bp, messages

# --------------------------------------------------------------------- EVD001


def test_evd001_no_evidence_three_findings(run_rules: RunRules) -> None:
    findings = run_rules(HEAD, select=("EVD001",))
    assert sorted(targets(findings, "EVD001")) == [
        "identity-access-fallback",
        "integration-map",
        "runtime-observability",
    ]
    assert all(f.severity == "warning" for f in findings)


def test_evd001_evidence_without_owner_does_not_count(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            OWNERS
            + """\
evidence:
  - {id: map, kind: integration-map}
  - {id: iam, kind: identity-access-fallback, owner: tech}
  - {id: run-unowned, kind: runtime-observability}
  - {id: run, kind: runtime-observability, owner: ops}
  - {id: misc, kind: other, owner: ops}
"""
        ),
        select=("EVD001",),
    )
    assert targets(findings, "EVD001") == ["integration-map"]
    assert "owner" in messages(findings, "EVD001")[0]


def test_evd001_all_kinds_owned(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            OWNERS
            + """\
evidence:
  - {id: map, kind: integration-map, owner: tech}
  - {id: iam, kind: identity-access-fallback, owner: tech}
  - {id: run, kind: runtime-observability, owner: ops}
"""
        ),
        select=("EVD001",),
    )
    assert targets(findings, "EVD001") == []


# --------------------------------------------------------------------- EVD002


def test_evd002_missing_fields(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            OWNERS
            + """\
kpis:
  - {id: fcr, name: First-contact resolution, baseline: 0, target: 0, owner: ops}
  - {id: aht, name: Average handle time, target: 300, owner: ops}
  - {id: csat, name: CSAT}
"""
        ),
        select=("EVD002",),
    )
    # baseline: 0 and target: 0 are present (spec 13.5).
    assert targets(findings, "EVD002") == ["aht", "csat"]
    aht, csat = messages(findings, "EVD002")
    lacks = aht.split(";")[0]
    assert "baseline" in lacks and "target" not in lacks and "owner" not in lacks
    lacks = csat.split(";")[0]
    assert "baseline" in lacks and "target" in lacks and "owner" in lacks


# --------------------------------------------------------------------- EVD003


def test_evd003_no_kpi_and_no_pause_gate_are_two_findings(run_rules: RunRules) -> None:
    findings = run_rules(HEAD, select=("EVD003",))
    assert targets(findings, "EVD003") == ["bp", "bp"]
    text = " ".join(messages(findings, "EVD003"))
    assert "KPI" in text and "pause" in text


def test_evd003_gate_without_decider_and_no_pause(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            OWNERS
            + """\
kpis:
  - {id: csat, name: CSAT, baseline: 4, target: 4.3, owner: ops}
gates:
  - {id: scale-up, action: scale, when: CSAT above target, kpi: csat, decided_by: ops}
  - {id: rethink, action: redesign, when: FCR flat for a quarter}
"""
        ),
        select=("EVD003",),
    )
    assert sorted(targets(findings, "EVD003")) == ["bp", "rethink"]
    bp_message = next(f.message for f in findings if f.target == "bp")
    assert "pause" in bp_message


def test_evd003_pause_gate_without_decider(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            OWNERS
            + """\
kpis:
  - {id: csat, name: CSAT, baseline: 4, target: 4.3, owner: ops}
gates:
  - {id: stop, action: pause, when: CSAT below baseline}
"""
        ),
        select=("EVD003",),
    )
    assert targets(findings, "EVD003") == ["stop"]


def test_evd003_complete(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            OWNERS
            + """\
kpis:
  - {id: csat, name: CSAT, baseline: 4, target: 4.3, owner: ops}
gates:
  - {id: stop, action: pause, when: CSAT below baseline, decided_by: ops}
"""
        ),
        select=("EVD003",),
    )
    assert targets(findings, "EVD003") == []
