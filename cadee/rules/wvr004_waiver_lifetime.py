"""A waiver runs for longer than the project allows.

## What it does

Reports every waiver whose `expires` date is more than `max-waiver-days`
days after the as-of date (today, or `--as-of YYYY-MM-DD`): it fires when
`expires > as_of + max-waiver-days`. `max-waiver-days` is a project setting
(`cadee.toml` or `[tool.cadee]`), an integer >= 0, 365 by default. Expired
waivers never fire. The target is `<rule>:<target>` of the waiver. Waiver
findings cannot be waived.

## Why it matters

An accepted risk must come back for a fresh decision within a known time.
A waiver that runs for years is a permanent exception in disguise: the
people who approved it move on, and the gap becomes part of the
architecture unnoticed (DORA Art. 6 asks for a risk-management framework
that is reviewed at least yearly).

## How to fix

Set `expires` no later than `max-waiver-days` after today; renew the waiver
with a fresh approval when it runs out.

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
    expires: 2999-12-31
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

import datetime as dt
from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.rules import references as ref
from cadee.rules.base import Rule, WaiverContext, waiver_rule
from cadee.text import shorten


@waiver_rule(
    id="WVR004",
    name="waiver-lifetime",
    severity="warning",
    layer="compliance",
    references=(ref.DORA_ART_6,),
    doc=__doc__,
)
def RULE(self: Rule, context: WaiverContext) -> Iterator[Finding]:
    as_of, max_days = context.as_of, context.max_waiver_days
    latest = as_of + dt.timedelta(days=max_days)
    for waiver in context.waivers:
        if waiver.expires > latest:
            days = (waiver.expires - as_of).days
            yield self.finding(
                waiver.key,
                f"waiver for {waiver.rule} on '{shorten(waiver.target)}' runs until "
                f"{waiver.expires.isoformat()}, {days} days after {as_of.isoformat()}; "
                f"the project allows at most {max_days} (max-waiver-days)",
                waiver.location,
            )
