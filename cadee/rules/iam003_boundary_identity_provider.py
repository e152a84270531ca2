"""Internal and restricted boundaries name the identity provider that guards them.

## What it does

Reports every boundary whose trust is `internal` or `restricted` and that
declares no `identity_provider`.

## Why it matters

A boundary without an identity provider is a zone nobody can say who is
authenticated in: service accounts, agent identities and employees are
managed ad hoc, and access cannot be reviewed or revoked in one place. For
the corporate network and the core zone that hold customer data, DORA's
protection and prevention article expects strong authentication and
documented identity and access management; an AI agent acting in such a zone
needs an identity issued and revocable by a known authority.

## How to fix

Declare the IdP, STS or directory as a system of kind `identity-provider`
and name it in the boundary's `identity_provider`.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
boundaries:
  - {id: core, trust: internal}
systems:
  - {id: gw, kind: gateway, boundary: core}
  - {id: idp, kind: identity-provider, boundary: core}
integrations:
  - {from: gw, to: idp, auth: mtls}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
boundaries:
  - {id: core, trust: internal, identity_provider: idp}
systems:
  - {id: gw, kind: gateway, boundary: core}
  - {id: idp, kind: identity-provider, boundary: core}
integrations:
  - {from: gw, to: idp, auth: mtls}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="IAM003",
    name="boundary-identity-provider",
    severity="warning",
    layer="architecture",
    references=(ref.DORA_ART_9, ref.NIST_AI_RMF_MANAGE),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    for boundary in graph.blueprint.boundaries:
        if boundary.trust in ("internal", "restricted") and boundary.identity_provider is None:
            yield self.finding(
                boundary.id,
                f"{boundary.trust} boundary '{boundary.id}' names no identity_provider",
                boundary.location,
            )
