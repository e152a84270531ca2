"""What the rule tests share: a blueprint header, a standard set of owners, small helpers."""

from __future__ import annotations

from collections.abc import Sequence

from cadee.diagnostics import Finding

HEAD = """\
cadee: 1
blueprint: {id: bp, title: Example}
"""

OWNERS = """\
owners:
  - {id: ops, name: Operations, function: operations}
  - {id: comp, name: Compliance, function: compliance}
  - {id: advice, name: Customer Advisory, function: customer-advisory}
  - {id: tech, name: Platform, function: technology}
  - {id: risk, name: Risk, function: risk}
  - {id: nofn, name: No Function}
"""


def bp(body: str, head: str = HEAD) -> str:
    """A whole blueprint: the header plus ``body`` (already unindented)."""
    return head + body


def messages(findings: Sequence[Finding], rule: str) -> list[str]:
    return [f.message for f in findings if f.rule == rule]
