"""Rule tests: Identity and access (IAM001-IAM003)."""

from __future__ import annotations

from tests.conftest import RunRules, targets
from tests.rules.helpers import bp, messages

# --------------------------------------------------------------------- IAM001


def test_iam001_crossing_without_auth(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: internet, trust: untrusted}
  - {id: bank, trust: internal}
systems:
  - {id: chat, kind: channel, boundary: internet}
  - {id: gw, kind: gateway, boundary: bank}
  - {id: crm, kind: crm, boundary: bank}
integrations:
  - {from: chat, to: gw}
  - {id: chat-gw-2, from: chat, to: gw, auth: none}
  - {id: chat-gw-3, from: chat, to: gw, auth: oidc}
  - {from: gw, to: crm}
"""
        ),
        select=("IAM001",),
    )
    assert targets(findings, "IAM001") == ["chat->gw", "chat-gw-2"]
    found = messages(findings, "IAM001")
    assert "'internet'" in found[0] and "'bank'" in found[0]


def test_iam001_systems_without_boundary(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: bank, trust: internal}
systems:
  - {id: a, kind: service}
  - {id: b, kind: service}
  - {id: c, kind: service, boundary: bank}
integrations:
  - {from: a, to: b}
  - {from: b, to: c}
  - {from: c, to: a, auth: mtls}
"""
        ),
        select=("IAM001",),
    )
    assert targets(findings, "IAM001") == ["a->b", "b->c"]
    assert "no boundary" in messages(findings, "IAM001")[0]


def test_iam001_self_loops_never_cross(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: bank, trust: internal}
systems:
  - {id: a, kind: service}
  - {id: b, kind: service, boundary: bank}
integrations:
  - {from: a, to: a}
  - {from: b, to: b, auth: none}
"""
        ),
        select=("IAM001",),
    )
    assert targets(findings, "IAM001") == []


# --------------------------------------------------------------------- IAM002


def test_iam002_sensitive_data_into_system_of_record(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: gw, kind: gateway}
  - {id: crm, kind: crm}
  - {id: core, kind: core-banking}
  - {id: fraud, kind: risk}
  - {id: store, kind: data-store}
integrations:
  - {from: gw, to: crm, data: confidential}
  - {from: gw, to: core, data: restricted, identity: service}
  - {from: gw, to: fraud, data: restricted}
  - {from: gw, to: store, data: restricted}
  - {from: crm, to: gw, data: restricted}
"""
        ),
        select=("IAM002",),
    )
    assert targets(findings, "IAM002") == ["gw->crm", "gw->core", "gw->fraud"]
    assert "confidential" in messages(findings, "IAM002")[0]


def test_iam002_user_identity_or_low_classification_passes(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: gw, kind: gateway}
  - {id: crm, kind: crm}
integrations:
  - {id: a, from: gw, to: crm, data: confidential, identity: end-user}
  - {id: b, from: gw, to: crm, data: restricted, identity: on-behalf-of}
  - {id: c, from: gw, to: crm}
  - {id: d, from: gw, to: crm, data: public}
"""
        ),
        select=("IAM002",),
    )
    assert targets(findings, "IAM002") == []


# --------------------------------------------------------------------- IAM003


def test_iam003_internal_and_restricted_boundaries_need_idp(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: internet, trust: untrusted}
  - {id: vendor, trust: external}
  - {id: corp, trust: internal}
  - {id: core, trust: restricted}
  - {id: dmz, trust: internal, identity_provider: idp}
systems:
  - {id: idp, kind: identity-provider, boundary: dmz}
"""
        ),
        select=("IAM003",),
    )
    assert targets(findings, "IAM003") == ["corp", "core"]
    assert "'core'" in messages(findings, "IAM003")[1]
