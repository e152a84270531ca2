"""Synchronous calls to AI components and third parties declare a timeout.

## What it does

Reports every `sync` integration without `timeout_ms` whose callee is an AI
component (kind `model` or `agent`), a system of kind `external`, or a system
in a boundary whose trust is `external`.

## Why it matters

Model endpoints and vendor APIs have long and unpredictable tail latencies,
and a hosted provider's slowdown is outside the bank's control. A synchronous
call with no declared timeout lets one slow dependency hold a customer's
conversation, and the caller's threads, hostage; the fallback chain never
triggers because nothing ever "fails". A declared timeout is what turns a
degradation into a controlled hand-over to the fallback, which is what
DORA's response and recovery requirements rely on.

## How to fix

Add `timeout_ms` to the integration with the budget the caller can afford
(for example `timeout_ms: 3000`), and make sure the callee's `fallback` lists
what takes over when it is exceeded.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems:
  - {id: chat, kind: channel}
  - {id: llm, kind: model, fallback: [desk]}
  - {id: desk, kind: human-desk}
integrations:
  - {from: chat, to: llm}
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
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="FBK004",
    name="ai-call-timeout",
    severity="warning",
    layer="architecture",
    references=(ref.DORA_ART_11,),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    # What each callee that needs a timeout is, once per system rather than per call.
    callees: dict[str, str] = {}
    for sid, callee in graph.systems.items():
        boundary = graph.boundary_of(callee)
        if callee.is_ai:
            callees[sid] = f"AI component ({callee.kind}) '{callee.id}'"
        elif callee.kind == "external":
            callees[sid] = f"external system '{callee.id}'"
        elif boundary is not None and boundary.trust == "external":
            callees[sid] = f"'{callee.id}' in external boundary '{boundary.id}'"
    if not callees:
        return
    for integration in graph.blueprint.integrations:
        if integration.mode != "sync" or integration.timeout_ms is not None:
            continue
        what = callees.get(integration.to)
        if what is None:
            continue
        yield self.finding(
            integration.id,
            f"sync integration '{integration.id}' calls {what} without timeout_ms",
            integration.location,
        )
