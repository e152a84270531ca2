"""Confidential data from a system of record is fetched under the customer's identity.

## What it does

Reports every integration into a system of record (kind `core-banking`, `crm`
or `risk`) that carries `confidential` or `restricted` data while asserting
only a service identity (`identity: service`, the default).

## Why it matters

When an AI assistant reads account balances or customer records with one
all-powerful service account, the system of record can no longer enforce
that a customer only sees their own data, and a prompt-injected or confused
agent can read anybody's. Asserting the end user's identity (or acting
on-behalf-of them) keeps entitlement checks and audit trails in the system
of record, which is the access control DORA's protection and prevention
article and the NIST AI RMF's MANAGE function expect for AI systems touching
customer data.

## How to fix

Set `identity: end-user` or `identity: on-behalf-of` on the integration (for
example with OAuth2 token exchange through the gateway), or reduce the data
the call exchanges to `internal` or `public`.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: gw, kind: gateway}
  - {id: crm, kind: crm}
integrations:
  - {from: gw, to: crm, auth: oauth2, data: confidential}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: gw, kind: gateway}
  - {id: crm, kind: crm}
integrations:
  - {from: gw, to: crm, auth: oauth2, data: confidential, identity: on-behalf-of}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="IAM002",
    name="end-user-identity",
    severity="warning",
    layer="architecture",
    references=(ref.DORA_ART_9, ref.NIST_AI_RMF_MANAGE),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    systems = graph.systems
    records = {sid for sid, system in systems.items() if system.is_system_of_record}
    for integration in graph.blueprint.integrations:
        if integration.identity != "service":
            continue
        if integration.data not in ("confidential", "restricted"):
            continue
        if integration.to not in records:
            continue
        callee = systems[integration.to]
        yield self.finding(
            integration.id,
            f"integration '{integration.id}' exchanges {integration.data} data with system of "
            f"record ({callee.kind}) '{callee.id}' with a service identity; "
            "assert the end user's identity (end-user or on-behalf-of)",
            integration.location,
        )
