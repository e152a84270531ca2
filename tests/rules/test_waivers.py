"""Waivers (spec section 8, 13.13): active, expired, unused, at the expiry date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadee.diagnostics import Finding
from tests.conftest import RunRules, targets

_DOC = """Lists the waivers that matched a finding.

## What it does

Reports every waiver that suppressed at least one finding in this run.

## Why it matters

A register of accepted risks in use.

## How to fix

Nothing to fix: it is a listing.

## Failing example

```yaml
cadee: 1
```

## Passing example

```yaml
cadee: 1
```
"""

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
    findings = run(
        run_rules,
        waiver(expires="2020-01-01"),
        waiver(rule="WVR001", target="ARC007:kb", expires="2030-01-01"),
    )
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


# -- the waivers phase of the rule contract ------------------------------------------------


def test_waiver_rules_declare_the_waivers_phase() -> None:
    from cadee.rules import RULES

    assert {rule.id for rule in RULES.values() if rule.phase == "waivers"} == {
        "WVR001",
        "WVR002",
        "WVR003",
        "WVR004",
    }
    assert all(rule.check_graph is None for rule in RULES.values() if rule.phase == "waivers")
    assert all(rule.check_waivers is None for rule in RULES.values() if rule.phase == "graph")


def test_a_rule_has_exactly_one_check() -> None:
    from cadee.rules import RULES
    from cadee.rules.base import Rule

    doc = RULES["WVR001"].doc
    with pytest.raises(ValueError, match="exactly one check"):
        Rule("ACME001", "no-check", "error", "compliance", ("P",), doc)
    with pytest.raises(ValueError, match="exactly one check"):
        Rule(
            "ACME001",
            "two-checks",
            "error",
            "compliance",
            ("P",),
            doc,
            check_graph=lambda rule, graph: (),
            check_waivers=lambda rule, context: (),
        )


def test_any_rule_can_run_in_the_waivers_phase(tmp_path: Path) -> None:
    """check.py runs the phase, not WVR001 and WVR002 by name: a waivers-phase rule sees
    the used waivers after every graph finding was matched."""
    from cadee.check import CheckOptions, check
    from cadee.load import load_blueprint
    from cadee.rules import RULES
    from cadee.rules.base import Rule, WaiverContext, waiver_rule

    @waiver_rule(
        id="ACME001",
        name="used-waivers",
        severity="info",
        layer="compliance",
        references=("P",),
        doc=_DOC,
    )
    def used(self: Rule, context: WaiverContext) -> Iterator[Finding]:
        for index in sorted(context.used):
            waiver = context.waivers[index]
            yield self.finding(waiver.key, f"used on {context.as_of}", waiver.location)

    path = tmp_path / "bp.yaml"
    path.write_text(
        BASE.format(waivers="\n".join([waiver(), waiver(target="other")])), encoding="utf-8"
    )
    loaded = load_blueprint(path, known_rules=[*RULES, "ACME001"])
    assert loaded.blueprint is not None
    report = check(
        loaded.blueprint,
        CheckOptions(as_of=dt.date(2026, 6, 1)),
        {"ARC007": RULES["ARC007"], "ACME001": used},
    )
    assert [(f.rule, f.target, f.waived) for f in report.findings] == [
        ("ARC007", "kb", True),
        ("ACME001", "ARC007:kb", False),
    ]
