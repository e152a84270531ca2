"""Differential tests of the check phase's bulk paths (issue #21, round 2).

``Rule.finding`` builds findings with positional arguments, ``Report.summary``
counts in C and waivers are matched over (rule, target) pairs made in C; each
must give what the plain, per-finding code gives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from cadee.check import Report, _apply_waivers
from cadee.diagnostics import SEVERITIES, AppliedWaiver, Finding, Location
from cadee.rules import RULES
from tests.test_check_order import FINDINGS


def test_rule_finding_sets_every_field_as_the_keywords_do() -> None:
    location = Location("f.yaml", 3, 5, "systems[0]")
    for rule in RULES.values():
        made = rule.finding("t", "m", location)
        expected = Finding(
            location=location,
            rule=rule.id,
            target="t",
            severity=rule.severity,
            message="m",
            name=rule.name,
        )
        assert made == expected
        assert dataclasses.astuple(made) == dataclasses.astuple(expected)


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(FINDINGS, max_size=40))
def test_summary_counts_as_a_plain_loop(findings: list[Finding]) -> None:
    report = Report(blueprint=None, findings=findings, as_of=dt.date(2026, 1, 1), rules={})  # type: ignore[arg-type]
    expected = dict.fromkeys((*SEVERITIES, "waived"), 0)
    for finding in findings:
        expected["waived" if finding.waived else finding.severity] += 1
    assert report.summary() == expected
    assert list(report.summary()) == list(expected)


@dataclasses.dataclass
class _Waiver:
    rule: str
    target: str
    reason: str
    approved_by: str
    expires: dt.date


WAIVERS = st.lists(
    st.builds(
        _Waiver,
        rule=st.sampled_from(["ARC001", "IAM001", "WVR003"]),
        target=st.text(alphabet="ab.-Z\u00e9", max_size=3),
        reason=st.just("r"),
        approved_by=st.sampled_from(["x", "y"]),
        expires=st.sampled_from([dt.date(2025, 1, 1), dt.date(2027, 1, 1)]),
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(FINDINGS, max_size=40), WAIVERS)
def test_waivers_match_as_a_plain_loop(findings: list[Finding], waivers: list[_Waiver]) -> None:
    as_of = dt.date(2026, 1, 1)
    result, used = _apply_waivers(findings, waivers, as_of)  # type: ignore[arg-type]
    expected: list[Finding] = []
    expected_used: set[int] = set()
    for finding in findings:
        matched = [
            i
            for i, w in enumerate(waivers)
            if w.expires >= as_of and (w.rule, w.target) == (finding.rule, finding.target)
        ]
        if matched:
            expected_used.update(matched)
            first = waivers[matched[0]]
            finding = dataclasses.replace(
                finding,
                waived=True,
                waiver=AppliedWaiver(first.reason, first.approved_by, first.expires),
            )
        expected.append(finding)
    assert used == expected_used
    assert [dataclasses.astuple(f) for f in result] == [dataclasses.astuple(f) for f in expected]
