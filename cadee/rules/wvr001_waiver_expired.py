"""A waiver has passed its expiry date.

## What it does

Reports every waiver whose `expires` date is before the as-of date (today, or
`--as-of YYYY-MM-DD`). A waiver expiring on the as-of date is still active.
The target is `<rule>:<target>` of the waiver. An expired waiver suppresses
nothing, so the finding it used to cover is reported again as well.

## Why it matters

A waiver is an accepted risk with an owner and a deadline. Once the deadline
passes, the acceptance has lapsed: either the gap was fixed (delete the
waiver) or it needs a fresh, approved decision. Silent, eternal exceptions
are exactly what supervisors find in ICT risk-management reviews.

## How to fix

Fix the underlying finding and delete the waiver, or have the approver renew
it with a new `expires` date and an updated `reason`.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: risk-office, name: Risk office, function: compliance}
systems:
  - {id: kb, kind: service}
waivers:
  - rule: ARC007
    target: kb
    reason: Boundary assignment pending the network redesign.
    approved_by: risk-office
    expires: 2020-01-31
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: risk-office, name: Risk office, function: compliance}
systems:
  - {id: kb, kind: service}
waivers:
  - rule: ARC007
    target: kb
    reason: Boundary assignment pending the network redesign.
    approved_by: risk-office
    expires: 2027-05-31
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.rules import references as ref
from cadee.rules.base import Rule, WaiverContext, waiver_rule
from cadee.text import shorten


@waiver_rule(
    id="WVR001",
    name="waiver-expired",
    severity="error",
    layer="compliance",
    references=(ref.DORA_ART_6,),
    doc=__doc__,
)
def RULE(self: Rule, context: WaiverContext) -> Iterator[Finding]:
    for waiver in context.waivers:
        if waiver.expires < context.as_of:
            yield self.finding(
                waiver.key,
                f"waiver for {waiver.rule} on '{shorten(waiver.target)}' expired on "
                f"{waiver.expires.isoformat()} (approved by '{waiver.approved_by}'); "
                "it no longer suppresses anything",
                waiver.location,
            )
