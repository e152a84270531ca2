"""Calls that cross an identity boundary authenticate the caller.

## What it does

Reports every integration whose two endpoints are in different boundaries and
whose `auth` is absent or `none`. A system without a `boundary` counts as its
own boundary, so two distinct systems without one are in different
boundaries; an integration from a system to itself never crosses anything.

## Why it matters

A boundary is where trust changes: from the public internet into the bank,
from the corporate network into the core zone, from the bank to a model
vendor. A call that crosses it without authentication lets anything that can
reach the network path act as the caller, which is exactly the kind of
unprotected access path DORA's protection and prevention article asks banks
to close. For an AI workflow it also means nobody can prove which component
asked a system of record for a customer's data.

## How to fix

Set `auth` on the integration to the mechanism the callee enforces, for
example `mtls` between services, `oidc` or `oauth2` for calls on behalf of
users, `service-account` or `kerberos` inside the corporate network.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
boundaries:
  - {id: internet, trust: untrusted}
  - {id: bank, trust: internal}
systems:
  - {id: chat, kind: channel, boundary: internet}
  - {id: gw, kind: gateway, boundary: bank}
integrations:
  - {from: chat, to: gw}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
boundaries:
  - {id: internet, trust: untrusted}
  - {id: bank, trust: internal}
systems:
  - {id: chat, kind: channel, boundary: internet}
  - {id: gw, kind: gateway, boundary: bank}
integrations:
  - {from: chat, to: gw, auth: oidc}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


def _where(boundary: str | None) -> str:
    return f"boundary '{boundary}'" if boundary else "no boundary"


@rule(
    id="IAM001",
    name="boundary-crossing-auth",
    severity="error",
    layer="architecture",
    references=(ref.DORA_ART_9, ref.NIST_AI_RMF_MANAGE),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    # Each system's boundary and its wording, once per system rather than per call.
    boundaries = {sid: system.boundary for sid, system in graph.systems.items()}
    where = {sid: _where(boundary) for sid, boundary in boundaries.items()}
    for integration in graph.blueprint.integrations:
        if integration.auth not in (None, "none"):
            continue
        if integration.from_ == integration.to:
            continue  # spec 13.7: a system is never in a different boundary from itself
        caller = boundaries[integration.from_]
        callee = boundaries[integration.to]
        # A system without a boundary is its own boundary (spec 11, 13.7).
        if caller is not None and caller == callee:
            continue
        auth = "auth: none" if integration.auth == "none" else "no auth"
        yield self.finding(
            integration.id,
            f"integration '{integration.id}' crosses from {where[integration.from_]} "
            f"('{integration.from_}') to {where[integration.to]} ('{integration.to}') "
            f"with {auth}; the caller must authenticate",
            integration.location,
        )
