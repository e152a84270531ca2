"""An active waiver matches no finding.

## What it does

Reports every waiver that has not expired but matched no finding: the rule
and target (compared as exact strings) name nothing that fired. Waivers for
rules that are not selected in this run are not judged. A waiver naming a
WVR rule always lands here, because waiver findings cannot be waived. The
target is `<rule>:<target>` of the waiver.

## Why it matters

An unused waiver is either stale (the gap was fixed: good, now delete the
exception) or mistyped (the target does not match, so the finding it was
meant for still fails). Either way the register of accepted risks no longer
tells the truth, and an unused waiver would silently cover a future
regression with the same target.

## How to fix

Delete the waiver if the finding is gone; otherwise correct `rule` or
`target` to match the finding exactly (integration targets are their id,
by default `from->to`).

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
    target: knowledge-base
    reason: Boundary assignment pending the network redesign.
    approved_by: risk-office
    expires: 2027-05-31
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
    id="WVR002",
    name="waiver-unused",
    severity="warning",
    layer="compliance",
    references=(ref.DORA_ART_6,),
    doc=__doc__,
)
def RULE(self: Rule, context: WaiverContext) -> Iterator[Finding]:
    for index, waiver in enumerate(context.waivers):
        if waiver.expires < context.as_of or index in context.used:
            continue
        if waiver.rule not in context.active_rules and not waiver.rule.startswith("WVR"):
            continue  # the rule did not run, so the waiver cannot be judged
        if waiver.rule.startswith("WVR"):
            why = "waiver findings cannot be waived"
        else:
            why = f"no {waiver.rule} finding has target '{shorten(waiver.target)}'"
        yield self.finding(
            waiver.key, f"waiver matches nothing: {why}; delete or correct it", waiver.location
        )
