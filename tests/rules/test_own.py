"""Rule tests: Ownership and approval (OWN001-OWN004)."""

from __future__ import annotations

from tests.conftest import RunRules, targets
from tests.rules.helpers import OWNERS, bp, messages

# --------------------------------------------------------------------- OWN001 / OWN002


def test_own001_system_without_owner(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            OWNERS
            + """\
systems:
  - {id: owned, kind: service, owner: tech}
  - {id: unowned, kind: service}
"""
        ),
        select=("OWN001",),
    )
    assert targets(findings, "OWN001") == ["unowned"]
    assert findings[0].severity == "error"


def test_own002_blueprint_without_owner(run_rules: RunRules) -> None:
    findings = run_rules(bp(OWNERS), select=("OWN002",))
    assert targets(findings, "OWN002") == ["bp"]
    assert "'bp'" in messages(findings, "OWN002")[0]


def test_own002_blueprint_with_owner(run_rules: RunRules) -> None:
    head = "cadee: 1\nblueprint: {id: bp, title: Example, owner: ops}\n"
    assert targets(run_rules(bp(OWNERS, head), select=("OWN002",)), "OWN002") == []


# --------------------------------------------------------------------- OWN003


def test_own003_approver_functions(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            OWNERS
            + """\
systems:
  - {id: by-ops, kind: service, criticality: tier-1, approvers: [tech, ops]}
  - {id: by-comp, kind: service, criticality: tier-1, approvers: [comp]}
  - {id: by-advice, kind: service, criticality: tier-1, approvers: [advice]}
  - {id: by-tech-risk, kind: service, criticality: tier-1, approvers: [tech, risk, nofn]}
  - {id: by-none, kind: service, criticality: tier-1}
  - {id: tier2, kind: service, approvers: []}
  - {id: tier3, kind: service, criticality: tier-3}
"""
        ),
        select=("OWN003",),
    )
    assert targets(findings, "OWN003") == ["by-tech-risk", "by-none"]
    assert "'tech', 'risk', 'nofn'" in messages(findings, "OWN003")[0]


def test_own003_inherits_blueprint_approvers_only_when_key_absent(run_rules: RunRules) -> None:
    head = "cadee: 1\nblueprint: {id: bp, title: Example, approvers: [comp]}\n"
    findings = run_rules(
        bp(
            OWNERS
            + """\
systems:
  - {id: inherits, kind: service, criticality: tier-1}
  - {id: explicit-empty, kind: service, criticality: tier-1, approvers: []}
  - {id: own-list, kind: service, criticality: tier-1, approvers: [tech]}
""",
            head,
        ),
        select=("OWN003",),
    )
    # approvers: [] means no approvers, not "inherit" (spec 13.3).
    assert targets(findings, "OWN003") == ["explicit-empty", "own-list"]


def test_own003_inherited_wrong_function(run_rules: RunRules) -> None:
    head = "cadee: 1\nblueprint: {id: bp, title: Example, approvers: [tech]}\n"
    findings = run_rules(
        bp(OWNERS + "systems:\n  - {id: s, kind: service, criticality: tier-1}\n", head),
        select=("OWN003",),
    )
    assert targets(findings, "OWN003") == ["s"]
    assert "blueprint.approvers" in messages(findings, "OWN003")[0]


# --------------------------------------------------------------------- OWN004


def test_own004_four_eyes_cases(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            OWNERS
            + """\
systems:
  - {id: self-only, kind: service, criticality: tier-1, owner: ops, approvers: [ops]}
  - {id: self-twice, kind: service, criticality: tier-1, owner: ops, approvers: [ops, ops]}
  - {id: two-eyes, kind: service, criticality: tier-1, owner: ops, approvers: [ops, comp]}
  - {id: other-only, kind: service, criticality: tier-1, owner: ops, approvers: [comp]}
  - {id: empty, kind: service, criticality: tier-1, owner: ops, approvers: []}
  - {id: none-at-all, kind: service, criticality: tier-1, owner: ops}
  - {id: no-owner, kind: service, criticality: tier-1, approvers: [ops]}
  - {id: no-owner-empty, kind: service, criticality: tier-1, approvers: []}
  - {id: tier2, kind: service, owner: ops, approvers: [ops]}
"""
        ),
        select=("OWN004",),
    )
    assert targets(findings, "OWN004") == [
        "self-only",
        "self-twice",
        "empty",
        "none-at-all",
        "no-owner-empty",
    ]
    assert "'ops'" in messages(findings, "OWN004")[0]
    assert findings[0].severity == "warning"


def test_own004_inherited_approvers(run_rules: RunRules) -> None:
    head = "cadee: 1\nblueprint: {id: bp, title: Example, approvers: [ops]}\n"
    findings = run_rules(
        bp(
            OWNERS
            + """\
systems:
  - {id: owned-by-ops, kind: service, criticality: tier-1, owner: ops}
  - {id: owned-by-tech, kind: service, criticality: tier-1, owner: tech}
  - {id: explicit-empty, kind: service, criticality: tier-1, owner: tech, approvers: []}
""",
            head,
        ),
        select=("OWN004",),
    )
    assert targets(findings, "OWN004") == ["owned-by-ops", "explicit-empty"]
