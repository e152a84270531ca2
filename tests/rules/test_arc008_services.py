"""Rule ARC008 (service impact tolerance) and ARC005's `needs` exemption (spec 1.1 C1, C3)."""

from __future__ import annotations

from tests.conftest import RunRules, targets

BANK = """\
cadee: 1
blueprint: {{id: bp, title: Example}}
owners:
  - {{id: ops, name: Operations}}
systems:
  - {{id: app, kind: channel, recovery_minutes: 30, needs: [idp]}}
  - {{id: idp, kind: identity-provider, recovery_minutes: 45}}
  - {{id: gw, kind: gateway, redundancy: 2}}
  - {{id: agent, kind: agent, recovery_minutes: 20}}
  - {{id: core, kind: core-banking, recovery_minutes: {core}}}
  - {{id: ledger, kind: data-store}}
integrations:
  - {{from: app, to: gw}}
  - {{from: gw, to: agent}}
  - {{from: agent, to: core}}
services:
  - {{id: block, name: Card block, channels: [app], requires: [core], critical: true, tolerance_minutes: 60}}
  - {{id: quiet, name: Not critical, channels: [app], requires: [core], tolerance_minutes: 1}}
  - {{id: never, name: Never delivered, channels: [app], requires: [ledger], critical: true, tolerance_minutes: 1}}
{waivers}"""


def bank(core: int = 240, waivers: str = "") -> str:
    return BANK.format(core=core, waivers=waivers)


def test_arc008_one_finding_per_service_and_breaching_system(run_rules: RunRules) -> None:
    findings = run_rules(bank(), select=("ARC008",))
    messages = sorted(f.message for f in findings if f.rule == "ARC008")
    # app (30), idp (45, takes app down through needs), agent (20): within 60 min.
    # core: 240 > 60. gw has redundancy 2 and does not count. 'quiet' is not
    # critical; 'never' is not delivered with nothing failed (ledger is not reached).
    assert targets(findings, "ARC008") == ["block"]
    assert len(messages) == 1
    assert "'core'" in messages[0] and "240 min" in messages[0] and "60 min" in messages[0]
    assert findings[0].severity == "error"


def test_arc008_unknown_recovery_is_a_breach(run_rules: RunRules) -> None:
    text = bank().replace(
        "{id: agent, kind: agent, recovery_minutes: 20}", "{id: agent, kind: agent}"
    )
    findings = [f for f in run_rules(text, select=("ARC008",)) if f.rule == "ARC008"]
    assert len(findings) == 2
    assert any("'agent' states no recovery_minutes" in f.message for f in findings)


def test_arc008_within_tolerance_passes(run_rules: RunRules) -> None:
    assert targets(run_rules(bank(core=60), select=("ARC008",)), "ARC008") == []


def test_arc008_a_waiver_on_the_service_waives_all_its_findings(run_rules: RunRules) -> None:
    text = bank().replace(
        "{id: agent, kind: agent, recovery_minutes: 20}", "{id: agent, kind: agent}"
    )
    text += "waivers:\n  - {rule: ARC008, target: block, reason: accepted, approved_by: ops, expires: 2027-01-01}\n"
    findings = run_rules(text, select=("ARC008", "WVR"))
    arc008 = [f for f in findings if f.rule == "ARC008"]
    assert len(arc008) == 2 and all(f.waived for f in arc008)
    assert not [f for f in findings if f.rule.startswith("WVR")]


def test_arc005_a_needed_system_is_no_orphan(run_rules: RunRules) -> None:
    findings = run_rules(
        """\
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel, needs: [token]}
  - {id: desk, kind: human-desk, needs: [lonely]}
  - {id: token, kind: service}
  - {id: lonely, kind: service, needs: [token]}
  - {id: orphan, kind: service, needs: [token]}
integrations:
  - {from: chat, to: desk}
""",
        select=("ARC005",),
    )
    # token and lonely are needed; orphan needs something but nothing needs it.
    assert targets(findings, "ARC005") == ["orphan"]
