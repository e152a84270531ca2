"""The rule contract: identity, documentation and a check over the graph.

A rule lives in its own module. The module's docstring is the rule's
documentation, in Markdown:

    <summary line>

    ## What it does
    ## Why it matters
    ## How to fix
    ## Failing example      (a fenced ```yaml block: a whole minimal blueprint)
    ## Passing example      (the same blueprint, fixed)

The module defines ``RULE = Rule(id=..., ..., doc=__doc__, check=check)``;
``cadee.rules`` imports each module explicitly into the registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from cadee.diagnostics import Finding, Location, Severity
from cadee.graph import ArchitectureGraph

__all__ = ["LAYERS", "Rule", "RuleDoc", "parse_doc"]

Layer = str
#: The five CADEE layers, in the operating model's order.
LAYERS: tuple[Layer, ...] = ("compliance", "architecture", "data", "enablement", "evaluation")

_SECTION = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)
_YAML_BLOCK = re.compile(r"```ya?ml\n(.*?)```", re.DOTALL)


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """A rule's documentation, parsed from its module docstring."""

    summary: str
    what: str
    why: str
    fix: str
    failing_example: str
    passing_example: str
    markdown: str


def parse_doc(docstring: str | None) -> RuleDoc:
    """Split a rule module's docstring into its sections (raises on a malformed one)."""
    if not docstring:
        raise ValueError("a rule module needs a docstring")
    text = _dedent(docstring).strip()
    summary, _, rest = text.partition("\n")
    sections: dict[str, str] = {}
    matches = list(_SECTION.finditer(rest))
    for position, match in enumerate(matches):
        end = matches[position + 1].start() if position + 1 < len(matches) else len(rest)
        sections[match.group(1).strip().lower()] = rest[match.end() : end].strip()

    def example(name: str) -> str:
        block = _YAML_BLOCK.search(sections.get(name, ""))
        if block is None:
            raise ValueError(f"section '## {name.capitalize()}' needs a ```yaml block")
        return block.group(1)

    for required in ("what it does", "why it matters", "how to fix"):
        if required not in sections:
            raise ValueError(f"missing section '## {required.capitalize()}'")
    return RuleDoc(
        summary=summary.strip(),
        what=sections["what it does"],
        why=sections["why it matters"],
        fix=sections["how to fix"],
        failing_example=example("failing example"),
        passing_example=example("passing example"),
        markdown=rest.strip(),
    )


def _dedent(text: str) -> str:
    import textwrap

    first, _, rest = text.partition("\n")
    return first + "\n" + textwrap.dedent(rest)


Check = Callable[["Rule", ArchitectureGraph], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One architecture rule of the catalog."""

    id: str
    name: str
    severity: Severity
    layer: Layer
    references: tuple[str, ...]
    doc: RuleDoc
    check_graph: Check = field(repr=False, compare=False)
    #: Where the rule comes from: "cadee" for the built-in catalog.
    source: str = "cadee"
    #: What a pack rule checks, as canonical text (its template), so a diff can tell
    #: a changed condition; empty for built-in and plugin rules (their code is the condition).
    condition: str = field(default="", compare=False)

    @property
    def summary(self) -> str:
        return self.doc.summary

    def check(self, graph: ArchitectureGraph) -> Iterator[Finding]:
        yield from self.check_graph(self, graph)

    def finding(self, target: str, message: str, location: Location) -> Finding:
        """A finding of this rule at its default severity."""
        return Finding(
            location=location,
            rule=self.id,
            target=target,
            severity=self.severity,
            message=message,
            name=self.name,
        )


def rule(
    *,
    id: str,
    name: str,
    severity: Severity,
    layer: Layer,
    references: tuple[str, ...],
    doc: str | None,
) -> Callable[[Check], Rule]:
    """Decorator that turns a module's check function into its ``Rule``."""

    if layer not in LAYERS:
        raise ValueError(f"{id}: unknown layer {layer}")

    def make(check: Check) -> Rule:
        return Rule(
            id=id,
            name=name,
            severity=severity,
            layer=layer,
            references=references,
            doc=parse_doc(doc),
            check_graph=check,
        )

    return make
