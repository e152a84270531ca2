"""Customer-facing traffic reaches systems of record only through a gateway.

## What it does

Searches the integration graph from every `channel` (in any boundary, or
none) and every non-gateway system in an `untrusted` boundary, along paths of
one or more integrations that pass through no system of kind `gateway`. Every
system of record (kind `core-banking`, `crm` or `risk`) such a path reaches is
reported once, with one source and the path. Paths may run through other
systems of record; a source that is itself a system of record is reported
only when a gateway-free cycle leads back to it.

## Why it matters

The AI gateway is where a bank authenticates requests, applies policy,
filters prompts and responses, rate-limits and logs. A route from a channel
to the core banking platform or the CRM that skips it is an unmonitored
side door: prompt injection, data exfiltration and abuse go straight to the
systems holding customer money and data. DORA's protection and prevention
article expects controlled, documented access paths to critical ICT assets,
and the NIST AI RMF's MANAGE function expects AI risks to be controlled
where requests flow.

## How to fix

Route the path through the gateway: replace the integration that bypasses
it (for example `chat -> crm`) with calls via the gateway (`chat -> gw`,
`gw -> crm`), or move the intermediate service behind the gateway.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel}
  - {id: gw, kind: gateway}
  - {id: crm, kind: crm}
integrations:
  - {from: chat, to: gw, auth: oidc}
  - {from: gw, to: crm, auth: mtls}
  - {from: chat, to: crm, auth: oidc}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel}
  - {id: gw, kind: gateway}
  - {id: crm, kind: crm}
integrations:
  - {from: chat, to: gw, auth: oidc}
  - {from: gw, to: crm, auth: mtls}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph, path_to, reach
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="ARC001",
    name="gateway-mediation",
    severity="error",
    layer="architecture",
    references=(ref.DORA_ART_9, ref.NIST_AI_RMF_MANAGE),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    sources: list[str] = []
    for system in graph.blueprint.systems:
        if system.kind == "channel":
            sources.append(system.id)
        elif system.kind != "gateway":
            boundary = graph.boundary_of(system)
            if boundary is not None and boundary.trust == "untrusted":
                sources.append(system.id)
    if not sources:
        return
    systems = graph.systems

    def is_gateway(system_id: str) -> bool:
        return systems[system_id].kind == "gateway"

    # One multi-source BFS with gateways blocked: linear in systems + integrations.
    parents = reach(graph.integrations.successors, sources, blocked=is_gateway)
    source_set = set(sources)
    for system in graph.blueprint.systems:
        if not system.is_system_of_record or system.id not in parents:
            continue
        path = path_to(parents, system.id, source_set)
        start = systems[path[0]]
        if start.kind == "channel":
            origin = f"channel '{start.id}'"
        else:
            origin = f"'{start.id}' in untrusted boundary '{start.boundary}'"
        yield self.finding(
            system.id,
            f"system of record ({system.kind}) '{system.id}' is reachable from {origin} "
            f"without passing through a gateway ({' -> '.join(path)})",
            system.location,
        )
