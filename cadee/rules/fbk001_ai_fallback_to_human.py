"""Every AI component falls back, directly or through its chain, to a human desk.

## What it does

Follows each AI component's (kind `model` or `agent`) `fallback` list
transitively and reports the component when no chain ends at a system of kind
`human-desk`, including when it declares no fallback at all.

## Why it matters

A model that times out, is blocked by policy or is simply wrong must hand the
customer to a person. Regulators expect effective human oversight of AI used
with customers, and operational-resilience rules expect a tested way to keep
serving when a component fails. A chain that ends at another model only moves
the failure.

## How to fix

Give the component a `fallback` list whose chain reaches a `human-desk`
system, for example `fallback: [onprem-llm, agent-desk]`.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel}
  - {id: llm, kind: model}
  - {id: desk, kind: human-desk}
integrations:
  - {from: chat, to: llm, timeout_ms: 3000}
  - {from: chat, to: desk}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel}
  - {id: llm, kind: model, fallback: [desk]}
  - {id: desk, kind: human-desk}
integrations:
  - {from: chat, to: llm, timeout_ms: 3000}
  - {from: chat, to: desk}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.query.templates import MustReach
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule

#: The rule as a must-reach template over fallback edges only.
TEMPLATE = MustReach.model_validate(
    {"from": {"kind": ["model", "agent"]}, "to": {"kind": "human-desk"}, "over": "fallbacks"}
)


@rule(
    id="FBK001",
    name="ai-fallback-to-human",
    severity="error",
    layer="architecture",
    references=(ref.EU_AI_ACT_ART_14, ref.DORA_ART_11),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    for miss in TEMPLATE.search(graph):
        system = miss.system
        if not system.fallback:
            why = "declares no fallback"
        else:
            chain = ", ".join(step.to for step in system.fallback)
            why = f"has a fallback chain ({chain}) that never reaches a human-desk"
        yield self.finding(
            system.id,
            f"{system.kind} '{system.id}' {why}; AI components must fall back to a human",
            system.location,
        )
