"""Every customer channel has a way to a human desk.

## What it does

Reports a system of kind `channel` from which no system of kind `human-desk`
can be reached by following integration edges and fallback edges together
(in their direction, over at least one edge).

## Why it matters

A customer who starts in web chat, the mobile app or the voice line must be
able to reach a person when the automated conversation fails, is out of its
depth or the customer asks for one. The EU AI Act requires AI systems to be
designed so that people can effectively oversee them and step in; consumer
protection and complaint-handling expectations for banks assume the same. A
channel wired only to bots, with no route to a human desk, leaves vulnerable
customers and complaints stuck in automation.

## How to fix

Add an integration from the channel (or from a system it reaches, such as
the AI gateway or agent) to a `human-desk` system, or give one of the
systems on its path a `fallback` that ends at a human desk.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel}
  - {id: faq, kind: service}
  - {id: desk, kind: human-desk}
integrations:
  - {from: chat, to: faq, auth: mtls}
  - {from: desk, to: faq, auth: mtls}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel}
  - {id: faq, kind: service}
  - {id: desk, kind: human-desk}
integrations:
  - {from: chat, to: faq, auth: mtls}
  - {from: faq, to: desk, auth: mtls}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.query.templates import MustReach
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule

#: The rule as a must-reach template over integration and fallback edges together.
TEMPLATE = MustReach.model_validate(
    {
        "from": {"kind": "channel"},
        "to": {"kind": "human-desk"},
        "over": ["integrations", "fallbacks"],
    }
)


@rule(
    id="ARC006",
    name="channel-human-escalation",
    severity="error",
    layer="architecture",
    references=(ref.EU_AI_ACT_ART_14,),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    for miss in TEMPLATE.search(graph):
        why = (
            "over integrations or fallbacks"
            if miss.targets
            else "(the blueprint declares no human-desk system)"
        )
        yield self.finding(
            miss.system.id,
            f"channel '{miss.system.id}' cannot reach a human-desk {why}; customers have no "
            f"way to a person",
            miss.system.location,
        )
