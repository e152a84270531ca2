"""Rule tests: Data protection (DAT001)."""

from __future__ import annotations

from tests.conftest import RunRules, targets
from tests.rules.helpers import bp, messages

# --------------------------------------------------------------------- DAT001

DAT_SYSTEMS = """\
boundaries:
  - {id: vendor, trust: external}
  - {id: vendor-conf, trust: external, clearance: confidential}
  - {id: corp, trust: internal, clearance: public}
systems:
  - {id: gw, kind: gateway, boundary: corp}
  - {id: llm, kind: model, boundary: vendor}
  - {id: llm-conf, kind: model, boundary: vendor-conf}
  - {id: local, kind: model}
  - {id: core, kind: core-banking, boundary: corp}
"""


def test_dat001_above_default_clearance_fires(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            DAT_SYSTEMS
            + """\
integrations:
  - {from: gw, to: llm, data: confidential}
  - {id: to-llm-default, from: gw, to: llm}
  - {id: to-llm-public, from: gw, to: llm, data: public}
"""
        ),
        select=("DAT001",),
    )
    # The vendor boundary's clearance defaults to internal; internal data is fine.
    assert targets(findings, "DAT001") == ["gw->llm"]
    (message,) = messages(findings, "DAT001")
    assert "confidential" in message and "'vendor'" in message and "internal" in message
    assert findings[0].severity == "error"


def test_dat001_equal_is_fine_above_fires(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            DAT_SYSTEMS
            + """\
integrations:
  - {id: equal, from: gw, to: llm-conf, data: confidential}
  - {id: above, from: gw, to: llm-conf, data: restricted}
"""
        ),
        select=("DAT001",),
    )
    assert targets(findings, "DAT001") == ["above"]


def test_dat001_any_mode(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            DAT_SYSTEMS
            + """\
integrations:
  - {id: batch-feed, from: gw, to: llm, data: restricted, mode: batch}
  - {id: async-feed, from: gw, to: llm, data: confidential, mode: async}
"""
        ),
        select=("DAT001",),
    )
    assert targets(findings, "DAT001") == ["batch-feed", "async-feed"]


def test_dat001_only_external_callee_boundaries(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            DAT_SYSTEMS
            + """\
integrations:
  - {id: no-boundary, from: gw, to: local, data: restricted}
  - {id: internal-low-clearance, from: gw, to: core, data: restricted}
  - {id: from-vendor, from: llm, to: gw, data: restricted}
"""
        ),
        select=("DAT001",),
    )
    # Callee without boundary never fires; clearance is checked for external
    # boundaries only; the caller's boundary does not matter.
    assert targets(findings, "DAT001") == []
