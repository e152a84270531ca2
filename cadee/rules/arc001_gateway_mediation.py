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
from cadee.graph import ArchitectureGraph
from cadee.model import SYSTEMS_OF_RECORD
from cadee.query.templates import MediatedPath
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule

#: The rule as a mediated-path template (spec 13.6): sources are channels and
#: non-gateway systems in untrusted boundaries; any gateway blocks a path.
TEMPLATE = MediatedPath.model_validate(
    {
        "from": [{"kind": "channel"}, {"trust": "untrusted", "not": {"kind": "gateway"}}],
        "to": {"kind": sorted(SYSTEMS_OF_RECORD)},
        "through": {"kind": "gateway"},
        "over": "integrations",
    }
)


@rule(
    id="ARC001",
    name="gateway-mediation",
    severity="error",
    layer="architecture",
    references=(ref.DORA_ART_9, ref.NIST_AI_RMF_MANAGE),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    systems = graph.systems
    for hit in TEMPLATE.search(graph):
        system, start = hit.target, systems[hit.path[0]]
        if start.kind == "channel":
            origin = f"channel '{start.id}'"
        else:
            origin = f"'{start.id}' in untrusted boundary '{start.boundary}'"
        yield self.finding(
            system.id,
            f"system of record ({system.kind}) '{system.id}' is reachable from {origin} "
            f"without passing through a gateway ({' -> '.join(hit.path)})",
            system.location,
        )
