"""No integration sends a third party data above what its boundary is cleared for.

## What it does

For every integration whose callee sits in a boundary with `trust: external`
(a third-party vendor, such as a hosted model provider), compares the
integration's `data` classification with that boundary's `clearance`
(default `internal`) in the order public < internal < confidential <
restricted, and reports the integration when the data is above the
clearance. Data equal to the clearance is allowed; every `mode` is checked;
a callee without a boundary is not checked.

## Why it matters

Sending customer account data or transaction details to a model vendor makes
that vendor a processor of personal data and an ICT third-party provider of
the bank. GDPR Art. 28 and DORA Art. 28 require the bank to decide, contract
and monitor what such a provider may receive. The boundary's clearance is
that decision written down; an integration above it is a data transfer that
the contract, the data-protection impact assessment or the outsourcing
register does not cover.

## How to fix

Reduce what is sent (mask, tokenise or pseudonymise before the call) and
lower the integration's `data`, route the call to an internal model, or, if
the vendor contract and assessments really allow it, raise the boundary's
`clearance`.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
boundaries:
  - {id: vendor, trust: external, clearance: internal}
systems:
  - {id: gateway, kind: gateway}
  - {id: llm, kind: model, boundary: vendor}
integrations:
  - {from: gateway, to: llm, auth: api-key, timeout_ms: 3000, data: confidential}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
boundaries:
  - {id: vendor, trust: external, clearance: internal}
systems:
  - {id: gateway, kind: gateway}
  - {id: llm, kind: model, boundary: vendor}
integrations:
  - {from: gateway, to: llm, auth: api-key, timeout_ms: 3000, data: internal}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.model import DATA_RANK, Boundary
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="DAT001",
    name="external-data-clearance",
    severity="error",
    layer="data",
    references=(ref.DORA_ART_28, ref.GDPR_ART_28),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    systems = graph.systems
    # The boundary of each system in an external boundary, so the pass over every
    # integration is one dictionary lookup for the others.
    external: dict[str, Boundary] = {}
    for sid, system in systems.items():
        boundary = graph.boundary_of(system)
        if boundary is not None and boundary.trust == "external":
            external[sid] = boundary
    if not external:
        return
    for integration in graph.blueprint.integrations:
        boundary = external.get(integration.to)
        if boundary is None:
            continue
        if DATA_RANK[integration.data] > DATA_RANK[boundary.clearance]:
            callee = systems[integration.to]
            yield self.finding(
                integration.id,
                f"integration '{integration.id}' sends {integration.data} data to "
                f"'{callee.id}' in external boundary '{boundary.id}', which is cleared only "
                f"up to {boundary.clearance}",
                integration.location,
            )
