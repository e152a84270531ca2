"""AI components never call a system of record directly.

## What it does

Reports every integration that goes from an AI component (kind `model` or
`agent`) straight to a system of record (kind `core-banking`, `crm` or
`risk`).

## Why it matters

An agent with a direct connection to the core banking platform or the CRM
can read and change customer records with nothing in between to check the
tool call against policy, the customer's entitlements or transaction limits.
Model output is untrusted input: prompt injection or a hallucinated tool call
then becomes a real transfer or a data leak. DORA's protection and
prevention article and the NIST AI RMF's MANAGE function expect such access
to be mediated and controlled, typically by the AI gateway or a tool service
that enforces policy and logs every call.

## How to fix

Route the call through the gateway or a policy-enforcing tool service
(`agent -> gw -> core`) and remove the direct integration.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: agent, kind: agent, fallback: [desk]}
  - {id: desk, kind: human-desk}
  - {id: gw, kind: gateway}
  - {id: core, kind: core-banking}
integrations:
  - {from: agent, to: gw, auth: mtls}
  - {from: gw, to: core, auth: mtls}
  - {from: agent, to: core, auth: mtls}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: agent, kind: agent, fallback: [desk]}
  - {id: desk, kind: human-desk}
  - {id: gw, kind: gateway}
  - {id: core, kind: core-banking}
integrations:
  - {from: agent, to: gw, auth: mtls}
  - {from: gw, to: core, auth: mtls}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="ARC002",
    name="ai-direct-record-access",
    severity="error",
    layer="architecture",
    references=(ref.DORA_ART_9, ref.NIST_AI_RMF_MANAGE),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    systems = graph.systems
    # The ends as id sets, so the pass over every integration is two set lookups.
    ai = {sid for sid, system in systems.items() if system.is_ai}
    records = {sid for sid, system in systems.items() if system.is_system_of_record}
    if not ai or not records:
        return
    for integration in graph.blueprint.integrations:
        if integration.from_ in ai and integration.to in records:
            caller = systems[integration.from_]
            callee = systems[integration.to]
            yield self.finding(
                integration.id,
                f"{caller.kind} '{caller.id}' calls system of record ({callee.kind}) "
                f"'{callee.id}' directly ('{integration.id}'); route it through a gateway",
                integration.location,
            )
