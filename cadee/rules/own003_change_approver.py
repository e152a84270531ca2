"""A tier-1 system's changes are approved by operations, compliance or customer advisory.

## What it does

For every `tier-1` system, takes its effective change approvers (its own
`approvers` when the key is present, even as an empty list, else
`blueprint.approvers`) and reports the system when none of them is an owner
whose `function` is `operations`, `compliance` or `customer-advisory`.

## Why it matters

Once the workflow is live, a change to a critical component changes what
customers experience and which controls apply. A leadership team must be
able to say who outside the engineering team signs those changes off:
operations for service continuity, compliance for regulatory duties,
customer advisory for conduct and outcomes. DORA expects ICT change
management with clear approval responsibilities, and the NIST AI RMF GOVERN
function expects accountable, cross-functional oversight of AI systems.

## How to fix

Add an owner with function `operations`, `compliance` or
`customer-advisory` to the system's `approvers` (or to
`blueprint.approvers` when the system has no list of its own).

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: platform, name: AI Platform Team, function: technology}
  - {id: security, name: Security Office, function: security}
  - {id: service-ops, name: Customer Service Operations, function: operations}
systems:
  - {id: gateway, kind: gateway, criticality: tier-1, owner: platform, approvers: [platform, security]}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: platform, name: AI Platform Team, function: technology}
  - {id: security, name: Security Office, function: security}
  - {id: service-ops, name: Customer Service Operations, function: operations}
systems:
  - {id: gateway, kind: gateway, criticality: tier-1, owner: platform, approvers: [platform, service-ops]}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule

#: Owner functions that may approve changes to a live tier-1 system.
APPROVING_FUNCTIONS = frozenset({"operations", "compliance", "customer-advisory"})
#: How many approver ids a message names before summarising the rest.
_SHOWN = 5


def _quoted(ids: list[str]) -> str:
    shown = ", ".join(f"'{i}'" for i in ids[:_SHOWN])
    if len(ids) > _SHOWN:
        shown += f" and {len(ids) - _SHOWN} more"
    return shown


@rule(
    id="OWN003",
    name="change-approver",
    severity="error",
    layer="enablement",
    references=(ref.DORA_ART_5, ref.NIST_AI_RMF_GOVERN),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    for system in graph.blueprint.systems:
        if system.criticality != "tier-1":
            continue
        approvers = graph.effective_approvers(system)
        if any(
            (owner := graph.owners.get(a)) is not None and owner.function in APPROVING_FUNCTIONS
            for a in approvers
        ):
            continue
        inherited = system.approvers is None
        if approvers:
            source = "blueprint.approvers" if inherited else "its approvers"
            detail = f"none of {source} ({_quoted(approvers)}) has"
        else:
            source = "blueprint.approvers is absent or empty" if inherited else "approvers is []"
            detail = f"{source}, so no approver has"
        yield self.finding(
            system.id,
            f"tier-1 system '{system.id}' has no change approver from operations, compliance "
            f"or customer-advisory: {detail} one of those functions",
            system.location,
        )
