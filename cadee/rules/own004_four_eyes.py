"""A tier-1 system's changes need someone other than its owner to approve them.

## What it does

For every `tier-1` system, takes its effective change approvers (its own
`approvers` when the key is present, even as an empty list, else
`blueprint.approvers`) and reports the system when the list is empty, or
when, as a set, it holds only the system's own `owner`. A system without an
owner is reported only when the list is empty.

## Why it matters

The four-eyes principle is a basic internal control in banking: the people
who build and run a critical component should not be the only ones who
approve changes to it. DORA places ICT change management under the
governance and control framework of the management body, and the NIST AI
RMF GOVERN function expects oversight that is independent of the team
developing the AI system. An owner approving their own changes is
self-review, not control.

## How to fix

List at least one approver other than the system's owner in `approvers` (or
in `blueprint.approvers` when the system has no list of its own).

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
  - {id: compliance, name: Compliance Office, function: compliance}
systems:
  - {id: gateway, kind: gateway, criticality: tier-1, owner: service-ops, approvers: [service-ops]}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: service-ops, name: Customer Service Operations, function: operations}
  - {id: compliance, name: Compliance Office, function: compliance}
systems:
  - {id: gateway, kind: gateway, criticality: tier-1, owner: service-ops, approvers: [service-ops, compliance]}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="OWN004",
    name="four-eyes",
    severity="warning",
    layer="enablement",
    references=(ref.DORA_ART_5, ref.NIST_AI_RMF_GOVERN),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    for system in graph.blueprint.systems:
        if system.criticality != "tier-1":
            continue
        approvers = graph.effective_approvers(system)
        inherited = system.approvers is None
        if not approvers:
            source = "blueprint.approvers is absent or empty" if inherited else "approvers is []"
            problem = f"has no change approver ({source})"
        elif system.owner is not None and set(approvers) == {system.owner}:
            source = " (inherited from blueprint.approvers)" if inherited else ""
            problem = f"is approved only by its own owner '{system.owner}'{source}"
        else:
            continue
        yield self.finding(
            system.id,
            f"tier-1 system '{system.id}' {problem}; changes need a second approver "
            f"besides the owner",
            system.location,
        )
