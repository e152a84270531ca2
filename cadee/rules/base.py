"""The rule contract: identity, documentation and a check over the graph.

A rule lives in its own module. The module's docstring is the rule's
documentation, in Markdown:

    <summary line>

    ## What it does
    ## Why it matters
    ## How to fix
    ## Failing example      (a fenced ```yaml block: a whole minimal blueprint)
    ## Passing example      (the same blueprint, fixed)

The module defines ``RULE`` with a decorator on its check function;
``cadee.rules`` imports each module explicitly into the registry.

A run has two phases, and each rule declares the one it belongs to by its
decorator:

1. ``graph`` (:func:`rule`): ``check(rule, graph)`` sees the architecture
   graph; its findings may be waived. A rule that judges measurements or
   sign-offs against the calendar (:func:`dated_rule`) also gets the as-of
   date: ``check(rule, graph, as_of)``.
2. ``waivers`` (:func:`waiver_rule`): ``check(rule, context)`` sees a
   :class:`WaiverContext`, made once every graph finding has been matched
   against the waivers (which waivers were used, the as-of date, the rules
   that ran). Its findings are judgements of the waivers themselves, so
   they cannot be waived (spec 13.13). WVR001 to WVR004 are such rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cadee.diagnostics import Finding, Location, Severity
from cadee.graph import ArchitectureGraph
from cadee.model import Waiver

__all__ = [
    "DEFAULT_MAX_WAIVER_DAYS",
    "LAYERS",
    "PHASES",
    "Rule",
    "RuleDoc",
    "WaiverContext",
    "dated_rule",
    "parse_doc",
    "rule",
    "waiver_rule",
]

Layer = str
#: The five CADEE layers, in the operating model's order.
LAYERS: tuple[Layer, ...] = ("compliance", "architecture", "data", "enablement", "evaluation")
Phase = Literal["graph", "waivers"]
#: The phases of a run, in order (see the module documentation).
PHASES: tuple[Phase, ...] = ("graph", "waivers")

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


#: ``max-waiver-days`` when the project does not set it (WVR004, spec 1.1 part B).
DEFAULT_MAX_WAIVER_DAYS = 365


@dataclass(frozen=True, slots=True)
class WaiverContext:
    """What a ``waivers``-phase rule sees, once every graph finding has met the waivers."""

    waivers: Sequence[Waiver]
    #: The date waivers are judged against.
    as_of: dt.date
    #: Indexes (into ``waivers``) of the waivers that matched at least one finding.
    used: frozenset[int]
    #: IDs of the rules selected for this run: a waiver for another rule cannot be judged.
    active_rules: frozenset[str]
    #: The graph the rules ran on: who owns what a waiver names (WVR003).
    graph: ArchitectureGraph | None = None
    #: How long after ``as_of`` a waiver may expire: the project's ``max-waiver-days`` (WVR004).
    max_waiver_days: int = DEFAULT_MAX_WAIVER_DAYS


Check = Callable[["Rule", ArchitectureGraph], Iterable[Finding]]
DatedCheck = Callable[["Rule", ArchitectureGraph, dt.date], Iterable[Finding]]
WaiverCheck = Callable[["Rule", WaiverContext], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One architecture rule of the catalog.

    Exactly one of ``check_graph`` or ``check_dated`` (phase ``graph``) and
    ``check_waivers`` (phase ``waivers``) is set.
    """

    id: str
    name: str
    severity: Severity
    layer: Layer
    references: tuple[str, ...]
    doc: RuleDoc
    check_graph: Check | None = field(default=None, repr=False, compare=False)
    #: Where the rule comes from: "cadee" for the built-in catalog.
    source: str = "cadee"
    check_waivers: WaiverCheck | None = field(default=None, repr=False, compare=False)
    check_dated: DatedCheck | None = field(default=None, repr=False, compare=False)
    #: What a pack rule checks, as canonical text (its template), so a diff can tell
    #: a changed condition; empty for built-in and plugin rules (their code is the condition).
    condition: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        checks = (self.check_graph, self.check_dated, self.check_waivers)
        if sum(check is not None for check in checks) != 1:
            raise ValueError(
                f"{self.id}: a rule has exactly one check: check_graph, check_dated or check_waivers"
            )

    @property
    def phase(self) -> Phase:
        """The phase the rule runs in: ``graph`` or ``waivers``."""
        return "waivers" if self.check_waivers is not None else "graph"

    @property
    def function(self) -> Callable[..., Iterable[Finding]]:
        """The module's check function, whichever kind it is."""
        check = self.check_graph or self.check_dated or self.check_waivers
        assert check is not None
        return check

    @property
    def summary(self) -> str:
        return self.doc.summary

    def check(self, graph: ArchitectureGraph, as_of: dt.date | None = None) -> Iterator[Finding]:
        """The findings of a ``graph``-phase rule (call only when ``phase == "graph"``);
        a dated rule judges as of ``as_of`` (default: today)."""
        if self.check_dated is not None:
            yield from self.check_dated(self, graph, as_of or dt.date.today())
            return
        assert self.check_graph is not None, f"{self.id} runs in the waivers phase"
        yield from self.check_graph(self, graph)

    def judge(self, context: WaiverContext) -> Iterator[Finding]:
        """The findings of a ``waivers``-phase rule (call only when ``phase == "waivers"``)."""
        assert self.check_waivers is not None, f"{self.id} runs in the graph phase"
        yield from self.check_waivers(self, context)

    def finding(self, target: str, message: str, location: Location) -> Finding:
        """A finding of this rule at its default severity.

        The arguments are positional (``Finding``'s field order: location, rule,
        target, severity, message, name): a findings-heavy estate makes 46,000
        findings, and keyword arguments cost about twice as much per call."""
        return Finding(location, self.id, target, self.severity, message, self.name)


def _decorator(
    kind: str,
    id: str,
    name: str,
    severity: Severity,
    layer: Layer,
    references: tuple[str, ...],
    doc: str | None,
) -> Callable[[Callable[..., Iterable[Finding]]], Rule]:
    """The one decorator body: ``kind`` names the Rule field the check function goes into."""
    if layer not in LAYERS:
        raise ValueError(f"{id}: unknown layer {layer}")

    def make(check: Callable[..., Iterable[Finding]]) -> Rule:
        return Rule(
            id=id,
            name=name,
            severity=severity,
            layer=layer,
            references=references,
            doc=parse_doc(doc),
            check_graph=check if kind == "check_graph" else None,
            check_dated=check if kind == "check_dated" else None,
            check_waivers=check if kind == "check_waivers" else None,
        )

    return make


def rule(
    *,
    id: str,
    name: str,
    severity: Severity,
    layer: Layer,
    references: tuple[str, ...],
    doc: str | None,
) -> Callable[[Check], Rule]:
    """Decorator that turns a module's graph check function into its ``Rule`` (phase ``graph``)."""
    return _decorator("check_graph", id, name, severity, layer, references, doc)


def dated_rule(
    *,
    id: str,
    name: str,
    severity: Severity,
    layer: Layer,
    references: tuple[str, ...],
    doc: str | None,
) -> Callable[[DatedCheck], Rule]:
    """Decorator that turns a module's check function of the graph and the as-of date into its
    ``Rule`` (phase ``graph``): for rules about measurements, gates and sign-offs."""
    return _decorator("check_dated", id, name, severity, layer, references, doc)


def waiver_rule(
    *,
    id: str,
    name: str,
    severity: Severity,
    layer: Layer,
    references: tuple[str, ...],
    doc: str | None,
) -> Callable[[WaiverCheck], Rule]:
    """Decorator that turns a module's waiver check function into its ``Rule`` (phase ``waivers``)."""
    return _decorator("check_waivers", id, name, severity, layer, references, doc)
