"""Findings are sorted with :data:`cadee.diagnostics.finding_order`, in their dataclass order.

Differential tests: the flat sort key orders findings exactly as comparing
the :class:`~cadee.diagnostics.Finding` objects does (ties included: both
sorts are stable), on generated findings and on the findings-heavy estate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from operator import attrgetter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate_findings_heavy, write_estate
from cadee.diagnostics import AppliedWaiver, Finding, Location, finding_order
from cadee.validate import validate_file

SMALL_TEXT = st.text(alphabet="ab.-Z\u00e9", max_size=3)
LOCATIONS = st.builds(
    Location, SMALL_TEXT, st.integers(0, 3), st.integers(0, 3), st.sampled_from(["", "x", "y"])
)
FINDINGS = st.builds(
    Finding,
    location=LOCATIONS,
    rule=st.sampled_from(["ARC001", "IAM001", "WVR003"]),
    target=SMALL_TEXT,
    severity=st.sampled_from(["error", "warning", "info"]),
    message=SMALL_TEXT,
    name=st.sampled_from(["", "n"]),
    waived=st.booleans(),
    waiver=st.none() | st.just(AppliedWaiver("r", "x", dt.date(2026, 1, 1))),
)


def _compared_fields() -> list[str]:
    """The attributes the dataclass comparison of a finding reads, in order."""
    names = []
    for field in dataclasses.fields(Finding):
        if not field.compare:
            continue
        if field.name == "location":
            names += [f"location.{f.name}" for f in dataclasses.fields(Location) if f.compare]
        else:
            names.append(field.name)
    return names


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(FINDINGS, max_size=40))
def test_sort_key_orders_as_the_dataclass(findings: list[Finding]) -> None:
    by_key = sorted(findings, key=finding_order)
    by_comparison = sorted(findings)
    assert all(a is b for a, b in zip(by_key, by_comparison, strict=True))
    every_field = attrgetter(*_compared_fields())
    assert all(finding_order(f) == every_field(f) for f in findings)


def test_findings_heavy_report_is_in_dataclass_order(tmp_path: Path) -> None:
    result = validate_file(write_estate(generate_findings_heavy(300, seed=2), tmp_path))
    assert result.report is not None
    findings = result.report.findings
    assert len(findings) > 300
    assert findings == sorted(findings)
    reversed_sorted = sorted(reversed(findings), key=finding_order)
    assert reversed_sorted == sorted(reversed(findings))
