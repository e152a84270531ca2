"""The blueprint produces owned evidence for its integrations, identity and fallbacks, and runtime.

## What it does

For each of the evidence kinds `integration-map`, `identity-access-fallback`
and `runtime-observability`, reports the kind when no `evidence` entry of
that kind has an `owner`. One finding per missing kind; the target is the
kind itself.

## Why it matters

Leadership and risk functions must be able to see that architecture is no
longer what limits the move from pilot to production. That needs three
artifacts someone is accountable for: a map of integrations, the identity,
access and fallback design, and evidence that the workflow is observed in
production. The NIST AI RMF MEASURE function and the EU AI Act's risk
management system both rely on documented, owned evidence rather than on a
successful demo.

## How to fix

Add an `evidence` entry of each required kind with an `owner` who keeps it
current (and, once reviewed, `status: approved` and `approved_by`).

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: architecture, name: Enterprise Architecture, function: technology}
evidence:
  - {id: ev-map, kind: integration-map, owner: architecture}
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
owners:
  - {id: architecture, name: Enterprise Architecture, function: technology}
evidence:
  - {id: ev-map, kind: integration-map, owner: architecture}
  - {id: ev-iam, kind: identity-access-fallback, owner: architecture}
  - {id: ev-run, kind: runtime-observability, owner: architecture}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from cadee.diagnostics import Finding
from cadee.graph import ArchitectureGraph
from cadee.model import REQUIRED_EVIDENCE_KINDS
from cadee.rules import references as ref
from cadee.rules.base import Rule, rule


@rule(
    id="EVD001",
    name="required-evidence",
    severity="warning",
    layer="evaluation",
    references=(ref.NIST_AI_RMF_MEASURE, ref.EU_AI_ACT_ART_9),
    doc=__doc__,
)
def RULE(self: Rule, graph: ArchitectureGraph) -> Iterator[Finding]:
    declared: set[str] = set()
    owned: set[str] = set()
    for evidence in graph.blueprint.evidence:
        declared.add(evidence.kind)
        if evidence.owner is not None:
            owned.add(evidence.kind)
    for kind in REQUIRED_EVIDENCE_KINDS:
        if kind in owned:
            continue
        if kind in declared:
            message = f"no evidence of kind '{kind}' has an owner; set 'owner' on one"
        else:
            message = f"blueprint '{graph.blueprint.id}' declares no evidence of kind '{kind}'"
        yield self.finding(kind, message, graph.blueprint.location)
