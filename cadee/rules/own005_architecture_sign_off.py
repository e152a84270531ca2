"""A production architecture is signed off, version by version, by every blueprint approver.

## What it does

When `blueprint.status` is `production`, reports the blueprint once if it
has no `version`, if `blueprint.approvers` is absent or empty, or if an
approver has no counting approval of that version with decision `approved`
or `approved-with-conditions`. For each owner only the latest entry of the
version counts (the latest `date`; on the same date, the later one); entries
of other versions, by owners who are not blueprint approvers, or dated after
the as-of date are ignored. The finding names every missing approver.

## Why it matters

Once live, the architecture is a controlled artefact: DORA Art. 5 puts the
management body in charge of the ICT risk framework, which needs a record of
who accepted which design, when, and on which conditions. Without it nobody
can tell whether the architecture in production is the one that was
approved, or whether a later change slipped in unreviewed.

## How to fix

Give the blueprint a `version`, name its `approvers`, and record each
approver's decision on that version in `approvals`; record the sign-off again
when the version changes.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example, status: production, version: "2.0", owner: service-ops, approvers: [service-ops, compliance]}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
  - {id: compliance, name: Compliance, function: compliance}
approvals:
  - {by: service-ops, version: "2.0", date: 2026-05-04, decision: approved}
  - {by: compliance, version: "1.0", date: 2026-01-12, decision: approved}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example, status: production, version: "2.0", owner: service-ops, approvers: [service-ops, compliance]}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
  - {id: compliance, name: Compliance, function: compliance}
approvals:
  - {by: service-ops, version: "2.0", date: 2026-05-04, decision: approved}
  - {by: compliance, version: "2.0", date: 2026-05-06, decision: approved-with-conditions, note: Review after 90 days}
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cadee.decision import sign_off
from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, dated_rule


@dated_rule(
    id="OWN005",
    name="architecture-sign-off",
    severity="error",
    layer="compliance",
    references=(ref.DORA_ART_5,),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph, as_of: dt.date) -> Iterator[Finding]:
    blueprint = graph.blueprint
    if blueprint.meta.status != "production":
        return
    record = sign_off(blueprint, as_of)
    if record.version is None:
        problem = "has no version to sign off; set blueprint.version"
    elif not record.approvers:
        problem = "names no blueprint approvers to sign it off; set blueprint.approvers"
    elif record.missing:
        names = ", ".join(f"'{owner}'" for owner in record.missing)
        problem = (
            f"version {record.version} is not signed off by {names} "
            "(an approval with decision approved or approved-with-conditions)"
        )
    else:
        return
    yield self.finding(
        blueprint.id, f"production blueprint '{blueprint.id}' {problem}", blueprint.location
    )
