"""Rule tests: Observability (OBS001-OBS002)."""

from __future__ import annotations

from tests.conftest import RunRules, targets
from tests.rules.helpers import OWNERS, bp, messages

# --------------------------------------------------------------------- OBS001


def test_obs001_one_finding_naming_everything_missing(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: bare, kind: service, criticality: tier-1}
  - id: partial
    kind: service
    criticality: tier-1
    observability: {logs: true, metrics: false, slo: "", runbook: rb}
  - id: full
    kind: service
    criticality: tier-1
    observability: {logs: true, metrics: true, traces: true, slo: 99.9%, runbook: rb}
  - {id: tier2, kind: service}
"""
        ),
        select=("OBS001",),
    )
    assert targets(findings, "OBS001") == ["bare", "partial"]
    bare, partial = messages(findings, "OBS001")
    for name in ("logs", "metrics", "traces", "slo", "runbook"):
        assert name in bare
    missing = partial.split(":", 1)[1].split("(")[0]
    assert "metrics" in missing and "traces" in missing and "slo" in missing
    assert "logs" not in missing and "runbook" not in missing
    assert findings[0].severity == "error"


def test_obs001_empty_runbook_only(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - id: s
    kind: service
    criticality: tier-1
    observability: {logs: true, metrics: true, traces: true, slo: x, runbook: ""}
"""
        ),
        select=("OBS001",),
    )
    assert targets(findings, "OBS001") == ["s"]
    missing = messages(findings, "OBS001")[0].split(":", 1)[1].split("(")[0]
    assert missing.strip() == "runbook"


# --------------------------------------------------------------------- OBS002


def test_obs002_oncall(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            OWNERS
            + """\
systems:
  - {id: bare, kind: service, criticality: tier-1}
  - {id: no-oncall, kind: service, criticality: tier-1, observability: {logs: true}}
  - {id: oncall, kind: service, criticality: tier-1, observability: {oncall: ops}}
  - {id: tier2, kind: service}
"""
        ),
        select=("OBS002",),
    )
    assert targets(findings, "OBS002") == ["bare", "no-oncall"]
    assert findings[0].severity == "warning"
