"""The documents of the evidence pack, built once as :mod:`cadee.render.model` values.

- ``brief``: the leadership brief (readiness, the three decision questions,
  gates, waivers, control coverage, a small map);
- ``integration-map``: target architecture and integration map (evidence);
- ``identity-access-fallback``: identity, access and fallback design (evidence);
- ``runtime-observability``: runtime ownership and observability plan (evidence);
- ``ownership-plan``: who owns, approves and is on call for what.

Every fact comes from the blueprint and its report; nothing here formats.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cadee.check import Report
from cadee.decision import (
    APPROVING,
    Evaluation,
    GateStatus,
    KpiComparison,
    describe_trigger,
    evaluate,
    format_change,
    format_value,
    recommend,
)
from cadee.diagnostics import Finding
from cadee.diff.since import SinceDecision
from cadee.graph import ArchitectureGraph, build_graph, reach
from cadee.model import SYSTEMS_OF_RECORD, Blueprint, Evidence, Integration, Owner, System
from cadee.render.maps import DETAIL_THRESHOLD, IDENTITY_SHORT, NO_BOUNDARY
from cadee.render.model import (
    Block,
    Bullets,
    Callout,
    Cell,
    Charts,
    Column,
    Columns,
    Document,
    Figure,
    Heading,
    Paragraph,
    Provenance,
    Span,
    Stat,
    Stats,
    Table,
    Tone,
    cell,
    relative_path,
    span,
)
from cadee.rules.base import LAYERS
from cadee.text import plural

__all__ = ["DOCUMENTS", "Context", "build_documents"]

#: Document names in pack order.
DOCUMENTS = (
    "brief",
    "integration-map",
    "identity-access-fallback",
    "runtime-observability",
    "ownership-plan",
)
FAMILY_NAMES = {
    "FBK": "Fallbacks to humans",
    "IAM": "Identity and access",
    "ARC": "Architecture",
    "DAT": "Data protection",
    "OWN": "Ownership and approval",
    "OBS": "Observability",
    "EVD": "Evidence and KPIs",
    "WVR": "Waivers",
}
EVIDENCE_TITLES = {
    "integration-map": "Target architecture and integration map",
    "identity-access-fallback": "Identity, access and fallback design",
    "runtime-observability": "Runtime ownership and observability plan",
}
STATUS_TONE: dict[str, Tone] = {
    "pass": "ok",
    "waived": "info",
    "warn": "warn",
    "fail": "fail",
    "not run": "muted",
}
SEVERITY_TONE: dict[str, Tone] = {"error": "fail", "warning": "warn", "info": "info"}
EVIDENCE_TONE: dict[str, Tone] = {"approved": "ok", "in-review": "warn", "draft": "muted"}
_SLUG = re.compile(r"[^a-z0-9]+")

#: Above this many systems the documents summarise per boundary: tables of one row
#: per system or integration become one row per boundary (or pair of boundaries)
#: with the complete lists in the appendix, the integration map refers to the
#: atlas (``maps/full.pdf``) for the per-boundary detail maps instead of
#: embedding them, and the runtime plan refers to the ownership plan instead of
#: repeating it. A 10,000-system pack would otherwise be thousands of pages
#: that Typst lays out in more than 8 GB (docs/render.md, large estates).
SUMMARY_THRESHOLD = 1000


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-") or "section"


def number(value: float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(slots=True)
class Context:
    """Everything the document builders share, computed once."""

    report: Report
    graph: ArchitectureGraph
    provenance: Provenance
    #: Keys of the figures available (maps from :func:`cadee.render.maps.build_diagrams`,
    #: KPI charts as ``chart/<kpi id>``).
    figures: Sequence[str]
    #: KPIs before and after, gate statuses and sign-off as of the report's date.
    evaluation: Evaluation
    #: What changed since the last decision (``cadee render --since REV``).
    since: SinceDecision | None = None
    by_target: dict[str, list[Finding]] = field(default_factory=dict)
    unwaived_errors: frozenset[str] = frozenset()
    _duties: dict[str, Duties] | None = None
    _n_minus_1: Any = None

    def n_minus_1(self) -> Any:
        """The ``cadee simulate --all`` analysis, computed once for every document."""
        if self._n_minus_1 is None:
            from cadee.simulate import n_minus_1

            self._n_minus_1 = n_minus_1(self.graph)
        return self._n_minus_1

    @classmethod
    def create(
        cls,
        report: Report,
        provenance: Provenance,
        figures: Sequence[str],
        graph: ArchitectureGraph | None = None,
        evaluation: Evaluation | None = None,
        since: SinceDecision | None = None,
    ) -> Context:
        graph = graph or build_graph(report.blueprint)
        by_target: dict[str, list[Finding]] = {}
        for finding in report.findings:
            by_target.setdefault(finding.target, []).append(finding)
        evaluation = evaluation or evaluate(report.blueprint, report.as_of)
        return cls(
            report,
            graph,
            provenance,
            figures,
            evaluation,
            since,
            by_target,
            flagged_targets(report),
        )

    @property
    def blueprint(self) -> Blueprint:
        return self.graph.blueprint

    @property
    def large(self) -> bool:
        return len(self.blueprint.systems) > DETAIL_THRESHOLD

    @property
    def huge(self) -> bool:
        """Summarise per boundary (:data:`SUMMARY_THRESHOLD`)."""
        return len(self.blueprint.systems) > SUMMARY_THRESHOLD

    def by_boundary(self) -> dict[str | None, list[System]]:
        """Systems per boundary, boundaries in declaration order, then those without one."""
        groups: dict[str | None, list[System]] = {b.id: [] for b in self.blueprint.boundaries}
        for system in self.blueprint.systems:
            groups.setdefault(system.boundary or None, []).append(system)
        if None in groups:
            groups[None] = groups.pop(None)
        return {key: members for key, members in groups.items() if members}

    def group_name(self, boundary_id: str | None) -> str:
        return self.boundary(boundary_id) if boundary_id else "Systems without a boundary"

    # -- names

    def owner(self, owner_id: str | None) -> Span:
        if not owner_id:
            return span("none", tone="fail")
        owner = self.graph.owners.get(owner_id)
        return span(owner.name if owner else owner_id)

    def owners(self, ids: Iterable[str]) -> Cell:
        spans = [self.owner(i) for i in dict.fromkeys(ids)]
        return cell(*spans, sep=", ") if spans else cell(span("none", tone="fail"))

    def system(self, system_id: str) -> str:
        system = self.graph.systems.get(system_id)
        return (system.name or system.id) if system else system_id

    def systems(self, ids: Iterable[str]) -> Cell:
        names = [self.system(i) for i in ids]
        if not names:
            return cell(span("none", tone="muted"))
        return cell(*names, sep=", ")

    def listed(self, ids: Sequence[str], limit: int, appendix: Appendix, title: str) -> Cell:
        """The systems, complete; a list longer than ``limit`` (``0``: none) shows its
        first ``limit`` names and is complete in the document's appendix."""
        if not ids:
            return self.systems(ids)
        return self.names_listed([self.system(i) for i in ids], limit, appendix, title)

    def names_listed(
        self, names: Sequence[str], limit: int, appendix: Appendix, title: str
    ) -> Cell:
        """:meth:`listed` for any names."""
        if not limit or len(names) <= limit:
            return cell(*names, sep=", ")
        ref = appendix.add(title, names)
        return cell(
            *cell(*names[:limit], sep=", ").spans,
            span(f" … {len(names)} in all, listed in appendix {ref}", tone="muted"),
        )

    def relative(self, path: str) -> str:
        """A file path relative to the blueprint's folder, as in the provenance list."""
        return relative_path(path, self.blueprint.path)

    def boundary(self, boundary_id: str | None) -> str:
        if not boundary_id:
            return "none"
        boundary = self.graph.boundaries.get(boundary_id)
        return (boundary.name or boundary.id) if boundary else boundary_id

    # -- findings

    def rule_status(self, rule_id: str) -> str:
        if rule_id not in self.report.rules:
            return "not run"
        found = [f for f in self.report.findings if f.rule == rule_id]
        if any(not f.waived and f.severity == "error" for f in found):
            return "fail"
        if any(not f.waived for f in found):
            return "warn"
        return "waived" if found else "pass"

    def findings_for(self, prefixes: Sequence[str]) -> list[Finding]:
        return [f for f in self.report.findings if f.rule.startswith(tuple(prefixes))]

    def target_status(self, target: str, rules: Sequence[str] = ()) -> tuple[str, Tone]:
        found = [f for f in self.by_target.get(target, []) if not rules or f.rule in rules]
        if not found:
            return "ok", "ok"
        unwaived = [f for f in found if not f.waived]
        if not unwaived:
            return "waived " + ", ".join(f.rule for f in found), "info"
        worst = "error" if any(f.severity == "error" for f in unwaived) else unwaived[0].severity
        return ", ".join(f.rule for f in unwaived), SEVERITY_TONE[worst]


@dataclass(slots=True)
class Appendix:
    """Complete lists that a document's tables show shortened, numbered A1, A2...
    One per document being built: the builder adds its blocks at the end."""

    entries: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def add(self, title: str, names: Sequence[str]) -> str:
        self.entries.append((title, tuple(names)))
        return f"A{len(self.entries)}"

    def blocks(self) -> list[Block]:
        if not self.entries:
            return []
        blocks: list[Block] = [
            heading(2, "Appendix: complete lists"),
            para("Lists shortened in the tables above, in full.", size="small"),
        ]
        for number, (title, names) in enumerate(self.entries, start=1):
            blocks.append(
                para(span(f"A{number}. {title} ({len(names)}):", "strong"), " " + ", ".join(names))
            )
        return blocks


def flagged_targets(report: Report) -> frozenset[str]:
    """Targets of unwaived error findings: outlined in red on the maps."""
    return frozenset(f.target for f in report.findings if f.severity == "error" and not f.waived)


# -- shared blocks ----------------------------------------------------------------


def badge(text: str, tone: Tone) -> Span:
    return span(text, tone=tone, badge=True)


def heading(level: int, text: str, prefix: str = "") -> Heading:
    return Heading(level, text, slug(prefix + text))


def para(*parts: Span | str, size: str = "", keep_with_next: bool = False) -> Paragraph:
    return Paragraph(
        tuple(p if isinstance(p, Span) else span(p) for p in parts), size, keep_with_next
    )


def findings_table(ctx: Context, findings: Sequence[Finding], empty: str) -> Table:
    rows = []
    for finding in findings:
        status = (
            badge("waived", "info")
            if finding.waived
            else badge(finding.severity, SEVERITY_TONE[finding.severity])
        )
        waiver = ""
        if finding.waived and finding.waiver is not None:
            w = finding.waiver
            waiver = f" Waived by {ctx.owner(w.approved_by).text} until {w.expires.isoformat()}: {w.reason}"
        rows.append(
            (
                cell(span(finding.rule, "strong")),
                cell(status),
                cell(span(finding.target, "code")),
                cell(finding.message + waiver),
                cell(
                    span(
                        f"{ctx.relative(finding.location.file)}:{finding.location.line}",
                        tone="muted",
                    )
                ),
            )
        )
    return Table(
        (
            Column("Rule"),
            Column("Status"),
            Column("Target", "1fr"),
            Column("Finding", "3fr"),
            Column("Where", "1fr"),
        ),
        tuple(rows),
        empty=empty,
    )


def rules_table(ctx: Context, prefixes: Sequence[str]) -> Table:
    rows = []
    for rule in ctx.report.rules.values():
        if not rule.id.startswith(tuple(prefixes)):
            continue
        status = ctx.rule_status(rule.id)
        rows.append(
            (
                cell(span(rule.id, "strong")),
                cell(rule.summary),
                cell(badge(status, STATUS_TONE[status])),
            )
        )
    return Table(
        (Column("Rule"), Column("Checks that", "1fr"), Column("Status")),
        tuple(rows),
        empty="No rule of this document was selected.",
    )


def evidence_meta(ctx: Context, kind: str) -> tuple[tuple[tuple[str, Cell], ...], list[Block]]:
    """Title-block rows for an evidence document, and a warning when the entry is missing."""
    entries = [e for e in ctx.blueprint.evidence if e.kind == kind]
    if not entries:
        return (
            (("Evidence", cell(badge("not declared", "fail"))),),
            [
                Callout(
                    "fail",
                    "No evidence entry",
                    (
                        span(
                            f"The blueprint declares no evidence of kind {kind}; rule EVD001 reports it. "
                            "This document shows what the blueprint says, but nobody owns or approves it yet."
                        ),
                    ),
                )
            ],
        )
    if ctx.huge and len(entries) > 1:
        # One entry per business unit: a table, not pages of title block.
        statuses: Counter[str] = Counter(str(e.status) for e in entries)
        return (
            (
                (
                    "Evidence",
                    cell(
                        f"{len(entries)} entries ({_counted(statuses)}), "
                        "listed in Evidence entries below"
                    ),
                ),
            ),
            [
                heading(2, "Evidence entries"),
                Table(
                    (
                        Column("ID", "2fr"),
                        Column("Evidence", "3fr"),
                        Column("Owner", "2fr"),
                        Column("Status"),
                        Column("Approved by", "2fr"),
                    ),
                    tuple(
                        (cell(span(e.id, "code")), *(c for _, c in _evidence_rows(ctx, e, False)))
                        for e in entries
                    ),
                    empty="",
                ),
            ],
        )
    rows: list[tuple[str, Cell]] = []
    for entry in entries:
        rows.extend(_evidence_rows(ctx, entry, several=len(entries) > 1))
    return tuple(rows), []


def _evidence_rows(ctx: Context, entry: Evidence, several: bool) -> list[tuple[str, Cell]]:
    prefix = f"{entry.id}: " if several else ""
    return [
        (prefix + "Evidence", cell(entry.title or entry.id)),
        (prefix + "Owner", cell(ctx.owner(entry.owner))),
        (prefix + "Status", cell(badge(entry.status, EVIDENCE_TONE[entry.status]))),
        (
            prefix + "Approved by",
            cell(
                ctx.owner(entry.approved_by)
                if entry.approved_by
                else span("not yet approved", tone="warn")
            ),
        ),
    ]


def blueprint_meta(ctx: Context) -> list[tuple[str, Cell]]:
    meta = ctx.blueprint.meta
    version = f" v{meta.version}" if meta.version else ""
    return [
        (
            "Blueprint",
            cell(span(meta.title), span(f" ({meta.id}{version}, {meta.status})", tone="muted")),
        ),
        ("As of", cell(ctx.provenance.as_of)),
    ]


def map_blocks(ctx: Context, view: str, caption: str, level: int = 2) -> list[Block]:
    """The figure(s) of a view: one map, or the overview plus per-boundary maps."""
    if view == "full" and any(key.startswith("full/") for key in ctx.figures):
        why = (
            f"{len(ctx.blueprint.systems)} systems, more than one readable picture can hold "
            f"({DETAIL_THRESHOLD})"
            if ctx.large
            else "more systems and integrations than a printed page holds with legible type"
        )
        blocks: list[Block] = [
            para(
                f"The blueprint has {why}; the map is split into an overview of "
                "boundaries and one detail map per boundary, where systems of other boundaries "
                "that take part are shown in grey."
            ),
            Figure("overview", "Overview: boundaries, with integrations between them aggregated."),
        ]
        details = sum(1 for key in ctx.figures if key.startswith("full/"))
        if ctx.huge:
            # Embedding every detail map would make this document thousands of pages.
            blocks.append(
                para(
                    f"The {plural(details, 'detail map')}, one per boundary, are in the atlas "
                    "of the pack, maps/full.pdf (a page per boundary), and each is "
                    "maps/full/<boundary>.svg."
                )
            )
            return blocks
        for key in ctx.figures:
            if key.startswith("full/"):
                group = key.split("/", 1)[1]
                name = "Systems without a boundary" if group == NO_BOUNDARY else ctx.boundary(group)
                blocks.append(heading(level + 1, name, "map-"))
                blocks.append(Figure(key, f"Detail map: {name}."))
        return blocks
    if view not in ctx.figures:
        return [para(span(f"The {view} map was not rendered.", tone="muted"))]
    return [Figure(view, caption)]


# -- the leadership brief ----------------------------------------------------------


def _verdict(ctx: Context) -> Callout:
    summary = ctx.report.summary()
    errors, warnings, waived = summary["error"], summary["warning"], summary["waived"]
    extra = []
    if warnings:
        extra.append(plural(warnings, "warning"))
    if waived:
        extra.append(f"{plural(waived, 'finding')} waived with an approved, time-boxed waiver")
    tail = f" ({'; '.join(extra)})" if extra else ""
    if errors:
        return Callout(
            "fail",
            "Not ready for production",
            (
                span(
                    f"{plural(errors, 'unwaived error')} block production{tail}. "
                    "Each one names the system or integration to fix (below)."
                ),
            ),
        )
    if warnings:
        return Callout(
            "warn",
            "Ready, with warnings",
            (
                span(
                    f"No rule error; {plural(warnings, 'warning')} to address{'; ' + plural(waived, 'finding') + ' waived' if waived else ''}."
                ),
            ),
        )
    return Callout(
        "ok",
        "Architecture ready for production",
        (span(f"Every rule of the CADEE catalog passes{tail}."),),
    )


def _readiness_tables(ctx: Context) -> Columns:
    by_layer: dict[str, Counter[str]] = {layer: Counter() for layer in LAYERS}
    rules_by_layer: Counter[str] = Counter()
    failing_by_layer: Counter[str] = Counter()
    for rule in ctx.report.rules.values():
        rules_by_layer[rule.layer] += 1
        if ctx.rule_status(rule.id) in ("fail", "warn"):
            failing_by_layer[rule.layer] += 1
    for finding in ctx.report.findings:
        owner_rule = ctx.report.rules.get(finding.rule)
        layer = owner_rule.layer if owner_rule else "compliance"
        by_layer[layer]["waived" if finding.waived else finding.severity] += 1
    layer_rows = []
    for layer in LAYERS:
        counts = by_layer[layer]
        passing = rules_by_layer[layer] - failing_by_layer[layer]
        layer_rows.append(
            (
                cell(layer.capitalize()),
                cell(str(counts["error"]), tone="fail" if counts["error"] else ""),
                cell(str(counts["warning"]), tone="warn" if counts["warning"] else ""),
                cell(str(counts["waived"])),
                cell(f"{passing}/{rules_by_layer[layer]}"),
            )
        )
    layer_table = Table(
        (
            Column("CADEE layer", "1fr"),
            Column("Errors", align="right"),
            Column("Warnings", align="right"),
            Column("Waived", align="right"),
            Column("Rules passing", align="right"),
        ),
        tuple(layer_rows),
        caption="Findings by layer",
    )
    families: dict[str, list[str]] = {}
    for rule_id in ctx.report.rules:
        families.setdefault(rule_id[:3], []).append(rule_id)
    family_rows = []
    for family, rule_ids in families.items():
        statuses = [ctx.rule_status(r) for r in rule_ids]
        worst = next((s for s in ("fail", "warn", "waived") if s in statuses), "pass")
        family_rows.append(
            (
                cell(span(family, "strong"), span(" " + FAMILY_NAMES.get(family, ""))),
                cell(
                    str(len(rule_ids)),
                ),
                cell(badge(worst, STATUS_TONE[worst])),
            )
        )
    family_table = Table(
        (Column("Rule family", "1fr"), Column("Rules", align="right"), Column("Result")),
        tuple(family_rows),
        caption="Rule families",
    )
    return Columns(((layer_table,), (family_table,)))


def _approvers_summary(ctx: Context) -> Paragraph:
    """Who approves changes by default, and whether tier-1 systems have independent approvers."""
    blueprint = ctx.blueprint
    tier1 = [s for s in blueprint.systems if s.criticality == "tier-1"]
    defaults = blueprint.meta.approvers or []
    own_status = [ctx.rule_status(r) for r in ("OWN003", "OWN004")]
    ok = all(s in ("pass", "waived") for s in own_status)
    text = [
        span("Changes are approved by "),
        *(
            _joined([ctx.owner(a) for a in defaults])
            if defaults
            else [span("no default approvers", tone="fail")]
        ),
        span(" by default"),
    ]
    custom = sum(1 for s in blueprint.systems if s.approvers is not None)
    if custom:
        text.append(
            span(
                f"; {plural(custom, 'system')} name{'s' if custom == 1 else ''} {'its' if custom == 1 else 'their'} own approvers"
            )
        )
    text.append(span(". "))
    if tier1:
        text.append(
            span(
                f"All {len(tier1)} tier-1 systems have an approver from operations, compliance or customer "
                "advisory, and need someone other than their owner to approve (OWN003, OWN004)."
                if ok
                else "Not every tier-1 system has an independent approver from operations, compliance or "
                "customer advisory (see OWN003, OWN004).",
                tone="" if ok else "fail",
            )
        )
    return Paragraph(tuple(text))


def _approvers_table(ctx: Context) -> list[Block]:
    """The approvers of most systems, tier-1 first."""
    blueprint = ctx.blueprint
    counts: Counter[str] = Counter()
    tier1_counts: Counter[str] = Counter()
    for system in blueprint.systems:
        for approver in dict.fromkeys(ctx.graph.effective_approvers(system)):
            counts[approver] += 1
            if system.criticality == "tier-1":
                tier1_counts[approver] += 1
    rows = []
    for owner_id, count in sorted(counts.items(), key=lambda p: (-tier1_counts[p[0]], -p[1], p[0])):
        owner = ctx.graph.owners.get(owner_id)
        rows.append(
            (
                cell(ctx.owner(owner_id)),
                cell(owner.function if owner and owner.function else "—"),
                cell(str(tier1_counts[owner_id])),
                cell(str(count)),
            )
        )
    table = Table(
        (
            Column("Approver", "1fr"),
            Column("Function"),
            Column("Tier-1 systems", align="right"),
            Column("All systems", align="right"),
        ),
        tuple(rows[:_TOP_APPROVERS]),
        empty="Nobody approves changes.",
    )
    blocks: list[Block] = [table]
    if len(rows) > _TOP_APPROVERS:
        more = len(rows) - _TOP_APPROVERS
        blocks.append(
            para(
                f"… and {plural(more, 'more approver')}, each for a few systems (see the ownership plan).",
                size="small",
            )
        )
    return blocks


_TOP_APPROVERS = 5


def _joined(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for index, item in enumerate(spans):
        if index:
            out.append(span(" and " if index == len(spans) - 1 else ", "))
        out.append(item)
    return out


def _evidence_table(ctx: Context) -> Table:
    rows = []
    for kind, title in EVIDENCE_TITLES.items():
        entries = [e for e in ctx.blueprint.evidence if e.kind == kind]
        if not entries:
            rows.append(
                (
                    cell(title),
                    cell(span("none", tone="fail")),
                    cell(badge("missing", "fail")),
                    cell("—"),
                )
            )
        for entry in entries:
            rows.append(
                (
                    cell(title),
                    cell(ctx.owner(entry.owner)),
                    cell(badge(entry.status, EVIDENCE_TONE[entry.status])),
                    cell(
                        ctx.owner(entry.approved_by)
                        if entry.approved_by
                        else span("—", tone="muted")
                    ),
                )
            )
    for entry in ctx.blueprint.evidence:
        if entry.kind == "other":
            rows.append(
                (
                    cell(entry.title or entry.id),
                    cell(ctx.owner(entry.owner)),
                    cell(badge(entry.status, EVIDENCE_TONE[entry.status])),
                    cell(
                        ctx.owner(entry.approved_by)
                        if entry.approved_by
                        else span("—", tone="muted")
                    ),
                )
            )
    return Table(
        (
            Column("Evidence", "2fr"),
            Column("Owner", "1fr"),
            Column("Status"),
            Column("Approved by", "1fr"),
        ),
        tuple(rows),
    )


#: KPI rows the brief shows; a larger estate's brief shows the measured KPIs first,
#: counts the rest and lists every KPI with its result in the appendix.
BRIEF_KPIS = 15


def _kpi_result(comparison: KpiComparison) -> str:
    if comparison.improvement is True:
        return "better"
    if comparison.improvement is False:
        return "worse" if comparison.change else "no change"
    if not comparison.before.count and not comparison.after.count:
        return "not measured"
    return "measured"


def kpi_blocks(ctx: Context, appendix: Appendix) -> list[Block]:
    """The brief's KPI table; above :data:`BRIEF_KPIS` KPIs, the ones that changed or
    were measured come first, the rest are counted and complete in the appendix."""
    comparisons = list(ctx.evaluation.kpis)
    if len(comparisons) <= BRIEF_KPIS:
        return [kpi_table(ctx, comparisons)]
    order = {"worse": 0, "better": 1, "no change": 2, "measured": 3, "not measured": 4}
    ranked = sorted(comparisons, key=lambda c: order[_kpi_result(c)])  # stable: declared order
    results = Counter(_kpi_result(c) for c in comparisons)
    counts = ", ".join(f"{results[result]:,} {result}" for result in order if results[result])
    ref = appendix.add(
        "KPIs and their results",
        [f"{c.kpi.name} ({c.kpi.id}): {_kpi_result(c)}" for c in comparisons],
    )
    return [
        kpi_table(ctx, ranked[:BRIEF_KPIS]),
        para(
            span(
                f"{BRIEF_KPIS} of {len(comparisons):,} KPIs shown, those that changed or were "
                f"measured first; all {len(comparisons):,}: {counts}; every KPI with its result "
                f"is listed in appendix {ref}.",
                tone="muted",
            ),
            size="small",
        ),
    ]


def kpi_table(ctx: Context, comparisons: Sequence[KpiComparison]) -> Table:
    """Each KPI measured before and after rollout: means with their number of measurements.

    A name that several KPIs share (one per business unit, say) is followed by each
    one's id, so no two rows read the same."""
    names = Counter(c.kpi.name for c in comparisons)
    rows = []
    for comparison in comparisons:
        kpi = comparison.kpi
        before, after = comparison.before, comparison.after
        verdict: Span
        if comparison.improvement is True:
            verdict = badge("better", "ok")
        elif comparison.improvement is False:
            verdict = badge(
                "worse" if comparison.change else "no change",
                "fail" if comparison.change else "warn",
            )
        elif not before.count and not after.count:
            verdict = badge("not measured", "warn")
        else:
            verdict = span("—", tone="muted")
        missing = kpi.baseline is None or kpi.target is None or kpi.owner is None
        rows.append(
            (
                cell(
                    span(kpi.name),
                    *([span(f" ({kpi.id})", tone="muted")] if names[kpi.name] > 1 else []),
                    *([span(" (EVD002)", tone="warn")] if missing else []),
                ),
                cell(
                    f"{format_value(before.mean, kpi)} ({before.count})" if before.count else "—",
                    tone="" if before.count else "muted",
                ),
                cell(
                    f"{format_value(after.mean, kpi)} ({after.count})" if after.count else "—",
                    tone="" if after.count else "muted",
                ),
                cell(format_change(comparison)),
                cell(format_value(kpi.target, kpi) if kpi.target is not None else "—"),
                cell(verdict),
            )
        )
    return Table(
        (
            Column("KPI", "2.4fr"),
            Column("Before", "1.4fr", align="right", nowrap=True),
            Column("After", "1.4fr", align="right", nowrap=True),
            Column("Change", "1.6fr", align="right", nowrap=True),
            Column("Target", "1.1fr", align="right", nowrap=True),
            Column("Result", "0.9fr"),
        ),
        tuple(rows),
        empty="The blueprint defines no KPI (EVD003).",
    )


def kpi_charts(ctx: Context) -> Charts:
    from cadee.render.charts import INSTALL_HINT, plottable

    charts = tuple(
        Figure(f"chart/{c.kpi.id}", c.kpi.name, size="chart")
        for c in ctx.evaluation.kpis
        if f"chart/{c.kpi.id}" in ctx.figures
    )
    blueprint = ctx.report.blueprint
    unmeasured = [
        c.kpi.name for c in ctx.evaluation.kpis if not c.before.count and not c.after.count
    ]
    measured = [c for c in ctx.evaluation.kpis if c.before.count or c.after.count]
    too_large = [c.kpi.name for c in measured if not plottable(blueprint, c.kpi)]
    note = ""
    if len(unmeasured) > BRIEF_KPIS:
        note = f"{len(unmeasured):,} KPIs not measured, so not charted."
    elif unmeasured:
        note = f"Not measured, so not charted: {', '.join(unmeasured)}."
    if too_large:
        note = f"{note} Not charted, values beyond ±10^15: {', '.join(too_large)}.".strip()
    if not charts and len(measured) > len(too_large):
        note = f"{INSTALL_HINT}. {note}".strip()
    return Charts(charts, note)


ACTION_TONE: dict[str, Tone] = {"pause": "fail", "redesign": "warn", "scale": "info"}


def _gate_status_badge(status: GateStatus) -> Span:
    """A fired pause or redesign gate is a failure; a fired scale gate is a decision to take."""
    if status.status == "triggered":
        return badge("fired", "fail" if status.gate.action in ("pause", "redesign") else "info")
    if status.status == "clear":
        return badge("clear", "ok" if status.gate.action in ("pause", "redesign") else "muted")
    return badge(
        "no data" if status.status == "no-data" else "manual",
        "warn" if status.status == "no-data" else "muted",
    )


def _window_cell(status: GateStatus) -> Cell:
    if status.status == "manual":
        return cell(span("decided by its owner", tone="muted"))
    if not status.window:
        return cell(span("no measurement in the window", tone="warn"))
    return cell(
        ", ".join(f"{p.date.strftime('%d %b')}: {p.value}" for p in status.window[-4:])
        + (f" (and {len(status.window) - 4} earlier)" if len(status.window) > 4 else "")
    )


def gates_table(ctx: Context) -> Table:
    kpis = {k.id: k for k in ctx.blueprint.kpis}
    rows = []
    for status in ctx.evaluation.gates:
        gate = status.gate
        kpi = kpis.get(gate.kpi or "")
        rows.append(
            (
                cell(badge(gate.action, ACTION_TONE[gate.action])),
                cell(gate.when),
                cell(kpi.name if kpi else "—"),
                cell(describe_trigger(gate) or "—"),
                cell(_gate_status_badge(status)),
                _window_cell(status),
                cell(
                    ctx.owner(gate.decided_by)
                    if gate.decided_by
                    else span("nobody (EVD003)", tone="fail")
                ),
            )
        )
    return Table(
        (
            Column("Action"),
            Column("When", "4fr"),
            Column("KPI", "2fr"),
            Column("Trigger", "2fr"),
            Column("Status"),
            Column("Measurements", "2fr"),
            Column("Decided by", "2fr"),
        ),
        tuple(rows),
        empty="No decision gates are defined (EVD003).",
    )


def waivers_table(ctx: Context) -> Table:
    as_of = ctx.report.as_of
    rows = []
    unused = {f.target for f in ctx.report.findings if f.rule == "WVR002"}
    for waiver in ctx.blueprint.waivers:
        expired = waiver.expires < as_of
        days = (waiver.expires - as_of).days
        if expired:
            status = badge("expired", "fail")
        elif waiver.key in unused:
            status = badge("unused: waives nothing", "warn")
        else:
            status = badge(f"active, {days} days left", "info" if days > 60 else "warn")
        rows.append(
            (
                cell(span(waiver.rule, "strong")),
                cell(span(waiver.target, "code")),
                cell(waiver.reason),
                cell(ctx.owner(waiver.approved_by)),
                cell(waiver.expires.isoformat(), tone="fail" if expired else ""),
                cell(status),
            )
        )
    return Table(
        (
            Column("Rule"),
            Column("Target", "1fr"),
            Column("Reason", "3fr"),
            Column("Approved by", "1fr"),
            Column("Expires", nowrap=True),
            Column("Status"),
        ),
        tuple(rows),
        empty="No waivers: every rule applies in full.",
    )


#: The evidence document a rule family's controls are evidenced by (EVIDENCE_TITLES).
EVIDENCE_FOR_FAMILY = {
    "ARC": "integration-map",
    "DAT": "integration-map",
    "FBK": "identity-access-fallback",
    "IAM": "identity-access-fallback",
    "OBS": "runtime-observability",
}


def coverage_table(ctx: Context) -> Table:
    """A control passes when the rules mapped to it pass **and** the evidence it needs is approved."""
    by_reference: dict[str, list[str]] = {}
    for rule in ctx.report.rules.values():
        for reference in rule.references:
            by_reference.setdefault(reference, []).append(rule.id)
    approved = {e.kind for e in ctx.blueprint.evidence if e.status == "approved"}
    rows = []
    for reference in sorted(by_reference, key=_reference_key):
        rule_ids = by_reference[reference]
        statuses = [ctx.rule_status(r) for r in rule_ids]
        worst = next((s for s in ("fail", "warn", "waived") if s in statuses), "pass")
        needed = sorted(
            {EVIDENCE_FOR_FAMILY[r[:3]] for r in rule_ids if r[:3] in EVIDENCE_FOR_FAMILY}
        )
        missing = [kind for kind in needed if kind not in approved]
        result = badge(worst, STATUS_TONE[worst])
        if worst in ("pass", "waived") and missing:
            result = badge("not evidenced", "warn")
        evidence = (
            cell(
                *[span(EVIDENCE_TITLES[k], tone="warn" if k in missing else "") for k in needed],
                sep="; ",
            )
            if needed
            else cell(span("—", tone="muted"))
        )
        rows.append(
            (cell(reference), cell(*[span(r) for r in rule_ids], sep=", "), evidence, cell(result))
        )
    return Table(
        (
            Column("Control reference", "3fr"),
            Column("Rules", "2fr"),
            Column("Evidence", "3fr"),
            Column("Result"),
        ),
        tuple(rows),
        empty="No rule with control references was run.",
    )


def _reference_key(reference: str) -> tuple[str, int, str]:
    family = reference.split(" ", 1)[0]
    article = re.search(r"Art\. (\d+)", reference)
    return family, int(article.group(1)) if article else 0, reference


_TOP_BLOCKING = 12


def _blocking_blocks(ctx: Context, blocking: Sequence[Finding]) -> list[Block]:
    rows = tuple(
        (cell(span(f.rule, "strong")), cell(span(f.target, "code")), cell(f.message))
        for f in blocking[:_TOP_BLOCKING]
    )
    blocks: list[Block] = [
        heading(3, "What blocks production"),
        Table((Column("Rule"), Column("Target", "2fr"), Column("Finding", "5fr")), rows),
    ]
    if len(blocking) > _TOP_BLOCKING:
        blocks.append(
            para(
                f"… and {len(blocking) - _TOP_BLOCKING} more errors, listed in the evidence documents.",
                size="small",
            )
        )
    return blocks


DECISION_TONE: dict[str, Tone] = {
    "pause": "fail",
    "redesign": "warn",
    "scale": "ok",
    "continue": "info",
}


def _blockers(ctx: Context) -> list[str]:
    """What holds a fired scale gate back: unwaived errors, a missing sign-off of a production blueprint."""
    blockers = []
    errors = ctx.report.summary()["error"]
    if errors:
        blockers.append(f"{plural(errors, 'unwaived error')} block production")
    record = ctx.evaluation.sign_off
    if ctx.blueprint.meta.status == "production" and not record.complete:
        blockers.append("the sign-off of this version is incomplete")
    return blockers


def _fired_sentence(ctx: Context, status: GateStatus) -> str:
    kpi = next((k for k in ctx.blueprint.kpis if k.id == status.gate.kpi), None)
    values = ", ".join(format_value(p.value, kpi) if kpi else str(p.value) for p in status.window)
    measured = f"{kpi.name if kpi else status.gate.kpi} measured {values}" if values else ""
    decider = (
        f"; decided by {ctx.owner(status.gate.decided_by).text}" if status.gate.decided_by else ""
    )
    return f"'{status.gate.when}' ({measured}{decider})"


def _decision(ctx: Context) -> Callout:
    """The recommended decision, derived from the gates, with its reasons."""
    decision = recommend(ctx.evaluation, _blockers(ctx))
    statuses: Counter[str] = Counter(g.status for g in ctx.evaluation.gates)
    if decision.action in ("pause", "redesign"):
        fired = "; ".join(_fired_sentence(ctx, g) for g in decision.gates)
        text = (
            f"{'This gate has' if len(decision.gates) == 1 else 'These gates have'} fired: {fired}. "
            f"{'Pause the rollout' if decision.action == 'pause' else 'Redesign'} until the measures "
            "recover, then decide again."
        )
    elif decision.action == "scale":
        text = (
            f"The scale gate fired: {'; '.join(_fired_sentence(ctx, g) for g in decision.gates)}; "
            "no pause or redesign gate has fired and nothing blocks production."
        )
    else:
        parts = [
            f"{statuses[s]} {label}"
            for s, label in (
                ("clear", "clear"),
                ("no-data", "without data"),
                ("manual", "decided by their owners"),
            )
            if statuses[s]
        ]
        text = f"No pause, redesign or scale gate has fired ({', '.join(parts) or 'no gates'})."
        if decision.gates:
            text += (
                f" A scale gate fired, but {' and '.join(decision.blocked_by)}: "
                "fix that before scaling."
            )
        else:
            text += " Keep the rollout as it is and keep measuring."
    return Callout(
        DECISION_TONE[decision.action], f"Recommended decision: {decision.action}", (span(text),)
    )


def _sign_off_blocks(ctx: Context) -> list[Block]:
    record = ctx.evaluation.sign_off
    if record.version is None:
        return [
            para(
                span(
                    "This blueprint has no version, so it cannot be signed off "
                    "(set blueprint.version).",
                    tone="fail" if ctx.blueprint.meta.status == "production" else "warn",
                )
            )
        ]
    if not record.approvers:
        return [
            para(
                span(
                    "No blueprint approvers are named, so nobody can sign off this version.",
                    tone="fail",
                )
            )
        ]
    done = len(record.approvers) - len(record.missing)
    conditions = [a for a in record.counting.values() if a.decision == "approved-with-conditions"]
    summary = (
        f"Version {record.version} is signed off by {done} of {len(record.approvers)} approvers"
        + (
            f", {plural(len(conditions), 'with conditions', 'with conditions')}"
            if conditions
            else ""
        )
        + (
            "."
            if not record.missing
            else f"; still missing: {', '.join(ctx.owner(o).text for o in record.missing)}."
        )
    )
    rows = []
    for owner in record.approvers:
        entry = record.counting.get(owner)
        if entry is None or entry.decision not in APPROVING:
            rows.append(
                (
                    cell(ctx.owner(owner)),
                    cell(
                        span(
                            entry.decision if entry else "to sign", tone="fail" if entry else "warn"
                        )
                    ),
                    cell(entry.date.isoformat() if entry else "____________"),
                    cell(entry.note or "" if entry else "signature: ______________________"),
                )
            )
            continue
        rows.append(
            (
                cell(ctx.owner(owner)),
                cell(
                    badge(
                        entry.decision.replace("-", " "),
                        "ok" if entry.decision == "approved" else "warn",
                    )
                ),
                cell(entry.date.isoformat()),
                cell(entry.note or "—"),
            )
        )
    return [
        para(span(summary, tone="ok" if not record.missing else "fail")),
        Table(
            (
                Column("Approver", "2fr"),
                Column("Decision"),
                Column("Date", nowrap=True),
                Column("Conditions", "3fr"),
            ),
            tuple(rows),
            caption="Sign-off",
        ),
    ]


def _architecture_answer(ctx: Context) -> Bullets:
    """Question 2 in three lines: rules, evidence, N-1."""
    rules = ctx.report.rules
    passing = sum(1 for r in rules if ctx.rule_status(r) in ("pass", "waived"))
    arch = [r for r in rules.values() if r.layer == "architecture"]
    arch_passing = sum(1 for r in arch if ctx.rule_status(r.id) in ("pass", "waived"))
    waived = ctx.report.summary()["waived"]
    approved = [
        t
        for k, t in EVIDENCE_TITLES.items()
        if any(e.kind == k and e.status == "approved" for e in ctx.blueprint.evidence)
    ]
    missing = [t for t in EVIDENCE_TITLES.values() if t not in approved]
    resilience = _resilience_para(ctx)
    assert isinstance(resilience, Paragraph)
    services = (tuple(_services_answer(ctx)),) if ctx.blueprint.services else ()
    return Bullets(
        (
            (
                span("Rules:", "strong"),
                span(
                    f" {passing} of {len(rules)} pass, {arch_passing} of {len(arch)} architecture rules"
                    + (f" ({plural(waived, 'finding')} waived)" if waived else "")
                    + ".",
                    tone="ok" if passing == len(rules) else "fail",
                ),
            ),
            (
                span("Evidence:", "strong"),
                span(
                    f" {len(approved)} of {len(EVIDENCE_TITLES)} evidence documents approved"
                    + (f"; not approved: {', '.join(missing)}." if missing else "."),
                    tone="ok" if not missing else "warn",
                ),
            ),
            resilience.spans,
            *services,
        )
    )


_GATE_WORDS = {
    "triggered": "fired",
    "clear": "clear",
    "no-data": "no data",
    "manual": "manual",
    None: "new",
}


def _since_blocks(ctx: Context, since: SinceDecision) -> list[Block]:
    """``cadee render --since REV``: what changed since the last decision."""
    blocks: list[Block] = [heading(2, f"Since the last decision ({since.revision})")]
    if since.empty:
        return [
            *blocks,
            para(
                "Nothing that this brief reports has changed: the same findings, systems, "
                "integrations, gate statuses and approvals."
            ),
        ]
    items: list[tuple[Span, ...]] = []

    def line(label: str, values: Sequence[str], tone: Tone = "") -> None:
        if values:
            items.append((span(f"{label}:", "strong"), span(" " + ", ".join(values), tone=tone)))

    line(
        f"New findings ({len(since.findings_new)})",
        [f"{f.rule} on {f.target}" for f in since.findings_new],
        "fail",
    )
    line(
        f"Resolved findings ({len(since.findings_resolved)})",
        [f"{f.rule} on {f.target}" for f in since.findings_resolved],
        "ok",
    )
    line("Systems added", [ctx.system(s) for s in since.systems_added])
    line("Systems removed", list(since.systems_removed))
    line("Integrations added", list(since.integrations_added))
    line("Integrations removed", list(since.integrations_removed))
    line(
        "Gates", [f"{g.gate}: {_GATE_WORDS[g.before]} → {_GATE_WORDS[g.now]}" for g in since.gates]
    )
    line(
        "Approvals recorded",
        [
            f"{ctx.owner(a.by).text} ({a.decision.replace('-', ' ')} of {a.version}, "
            f"{a.date.isoformat()})"
            for a in since.approvals_added
        ],
    )
    return [*blocks, Bullets(tuple(items))]


def build_brief(ctx: Context) -> Document:
    blueprint = ctx.blueprint
    summary = ctx.report.summary()
    approved = sum(
        1
        for kind in EVIDENCE_TITLES
        if any(e.kind == kind and e.status == "approved" for e in blueprint.evidence)
    )
    stats = Stats(
        (
            Stat("Systems", str(len(blueprint.systems))),
            Stat("Integrations", str(len(blueprint.integrations))),
            Stat("Errors", str(summary["error"]), "fail" if summary["error"] else "ok"),
            Stat("Warnings", str(summary["warning"]), "warn" if summary["warning"] else "ok"),
            Stat("Waived", str(summary["waived"]), "info" if summary["waived"] else ""),
            Stat("Evidence approved", f"{approved}/3", "ok" if approved == 3 else "warn"),
        )
    )
    live = blueprint.meta.live_since
    before_after = (
        f"Before and after the rollout on {live.isoformat()}, as of {ctx.report.as_of.isoformat()}: "
        if live
        else "Not live yet (no rollout date): every measurement so far is a baseline. "
    )
    blocking = [f for f in ctx.report.findings if f.severity == "error" and not f.waived]
    appendix = Appendix()
    blocks: list[Block] = [
        _decision(ctx),
        _verdict(ctx),
        stats,
        heading(2, "Decision questions"),
        heading(3, "1. Who approves changes once live?"),
        _approvers_summary(ctx),
        *_sign_off_blocks(ctx),
        heading(3, "2. Is architecture still the limiting factor?"),
        _architecture_answer(ctx),
        heading(3, "3. How do resolution, handle time and service quality compare?"),
        para(
            before_after,
            span(
                "means of the measurements, their number in brackets; percentages change "
                "in percentage points (pp).",
                tone="muted",
            ),
        ),
        *kpi_blocks(ctx, appendix),
        kpi_charts(ctx),
        *(_since_blocks(ctx, ctx.since) if ctx.since is not None else []),
        *(_blocking_blocks(ctx, blocking) if blocking else []),
        heading(2, "Pause, scale and redesign gates"),
        gates_table(ctx),
        heading(2, "Readiness"),
        _readiness_tables(ctx),
        heading(2, "Evidence"),
        _evidence_table(ctx),
        heading(2, "Change approvers"),
        *_approvers_table(ctx),
        heading(2, "Open waivers"),
        waivers_table(ctx),
        heading(2, "Control coverage"),
        coverage_table(ctx),
        heading(2, "Architecture at a glance"),
        Figure(
            "summary",
            "Identity and trust boundaries, with the number of integrations between "
            "them; the full map is in the target architecture document.",
            size="small",
        ),
        *appendix.blocks(),
    ]
    meta = [
        *blueprint_meta(ctx),
        ("Accountable owner", cell(ctx.owner(blueprint.meta.owner))),
    ]
    return Document(
        name="brief",
        title="Leadership brief",
        subtitle=blueprint.meta.title,
        short_title="Leadership brief",
        meta=tuple(meta),
        blocks=tuple(blocks),
        provenance=ctx.provenance,
        summary="The recommended decision, the three decision questions, gates, waivers and control coverage.",
        toc=False,
    )


# -- target architecture and integration map -------------------------------------


def labels_cell(labels: dict[str, str] | None) -> Cell:
    """An item's labels (spec 1.1 D) as ``key: value`` code spans, in written order."""
    if not labels:
        return cell(span("—", tone="muted"))
    return cell(*(span(f"{key}: {value}", "code") for key, value in labels.items()), sep=", ")


def systems_table(ctx: Context) -> Table:
    blueprint = ctx.blueprint
    show_env = any(s.environment != "production" for s in blueprint.systems)
    show_labels = any(s.labels for s in blueprint.systems)
    columns = [
        Column("System", "2fr"),
        Column("ID", "2fr"),
        Column("Kind"),
        Column("Boundary", "2fr"),
        Column("Owner", "2fr"),
        Column("Tier"),
        Column("Replicas", align="right"),
    ]
    if show_env:
        columns.insert(6, Column("Environment"))
    rows = []
    for system in blueprint.systems:
        flagged = system.id in ctx.unwaived_errors
        row = [
            cell(span(system.name or system.id, "strong"), tone="fail" if flagged else ""),
            cell(span(system.id, "code")),
            cell(system.kind),
            cell(ctx.boundary(system.boundary), tone="" if system.boundary else "warn"),
            cell(ctx.owner(system.owner)),
            cell(system.criticality),
            cell(str(system.redundancy)),
        ]
        if show_env:
            row.insert(
                6,
                cell(system.environment, tone="" if system.environment == "production" else "warn"),
            )
        if show_labels:
            row.append(labels_cell(system.labels))
        rows.append(tuple(row))
    if show_labels:
        columns.append(Column("Labels", "2fr"))
    return Table(tuple(columns), tuple(rows), empty="The blueprint declares no systems.")


def integrations_table(ctx: Context, integrations: Sequence[Integration] | None = None) -> Table:
    rows = []
    for integration in ctx.blueprint.integrations if integrations is None else integrations:
        flagged = integration.id in ctx.unwaived_errors
        rows.append(
            (
                cell(ctx.system(integration.from_), tone="fail" if flagged else ""),
                cell(ctx.system(integration.to), tone="fail" if flagged else ""),
                cell(integration.protocol or "—"),
                cell(integration.mode),
                cell(
                    integration.auth or "none",
                    tone="fail" if integration.auth in (None, "none") else "",
                ),
                cell(
                    IDENTITY_SHORT[integration.identity]
                    if integration.identity == "on-behalf-of"
                    else integration.identity
                ),
                cell(
                    span(integration.data, "strong")
                    if integration.data == "restricted"
                    else integration.data
                ),
                cell(f"{integration.timeout_ms:,} ms" if integration.timeout_ms else "—"),
            )
        )
    return Table(
        (
            Column("From", "2fr"),
            Column("To", "2fr"),
            Column("Protocol"),
            Column("Mode"),
            Column("Auth"),
            Column("Identity"),
            Column("Data"),
            Column("Timeout", align="right"),
        ),
        tuple(rows),
        empty="The blueprint declares no integrations.",
    )


#: Names a summary cell shows before referring to the complete list in the appendix.
SUMMARY_NAMES = 6


def _counted(counter: Counter[str]) -> str:
    return ", ".join(f"{count} {key}" for key, count in counter.most_common()) or "—"


def _count_cell(count: int, tone: Tone = "") -> Cell:
    return cell(f"{count:,}", tone=tone if count else "")


def systems_summary(ctx: Context, appendix: Appendix) -> Table:
    """:func:`systems_table` of a large estate: one row per boundary; each boundary's
    systems complete in the appendix."""
    rows = []
    for boundary, members in ctx.by_boundary().items():
        name = ctx.group_name(boundary)
        flagged = [s.id for s in members if s.id in ctx.unwaived_errors]
        rows.append(
            (
                cell(span(name, "strong"), tone="" if boundary else "warn"),
                cell(f"{len(members):,}"),
                cell(_counted(Counter(s.kind for s in members))),
                _count_cell(sum(1 for s in members if s.criticality == "tier-1")),
                _count_cell(sum(1 for s in members if s.environment != "production"), "warn"),
                ctx.listed(flagged, SUMMARY_NAMES, appendix, f"{name}: systems with an error")
                if flagged
                else cell(span("—", tone="muted")),
                ctx.listed([s.id for s in members], SUMMARY_NAMES, appendix, f"{name}: systems"),
            )
        )
    return Table(
        (
            Column("Boundary", "2fr"),
            Column("Systems", align="right"),
            Column("Kinds", "2fr"),
            Column("Tier 1", align="right"),
            Column("Not production", align="right"),
            Column("With an error", "2fr"),
            Column("Systems", "3fr"),
        ),
        tuple(rows),
        empty="The blueprint declares no systems.",
    )


def integrations_summary(ctx: Context, appendix: Appendix) -> Table:
    """:func:`integrations_table` of a large estate: one row per boundary, of the
    integrations its systems call; each boundary's integrations complete in the appendix."""
    groups: dict[str | None, list[Integration]] = {b: [] for b in ctx.by_boundary()}
    systems = ctx.graph.systems
    for integration in ctx.blueprint.integrations:
        source = systems.get(integration.from_)
        groups.setdefault(source.boundary if source else None, []).append(integration)
    rows = []
    for boundary, members in groups.items():
        if not members:
            continue
        name = ctx.group_name(boundary)
        listed = [f"{ctx.system(i.from_)} → {ctx.system(i.to)}" for i in members]
        targets = {(systems[i.to].boundary or None) if i.to in systems else None for i in members}
        rows.append(
            (
                cell(span(name, "strong"), tone="" if boundary else "warn"),
                cell(f"{len(members):,}"),
                cell(f"{len(targets - {boundary}):,}"),
                cell(_counted(Counter(i.protocol or "—" for i in members))),
                _count_cell(sum(1 for i in members if i.auth in (None, "none")), "fail"),
                _count_cell(sum(1 for i in members if i.data == "restricted")),
                _count_cell(sum(1 for i in members if i.id in ctx.unwaived_errors), "fail"),
                ctx.names_listed(listed, SUMMARY_NAMES, appendix, f"{name}: integrations"),
            )
        )
    return Table(
        (
            Column("From boundary", "2fr"),
            Column("Calls", align="right"),
            Column("To other boundaries", align="right"),
            Column("Protocols", "2fr"),
            Column("No auth", align="right"),
            Column("Restricted data", align="right"),
            Column("With an error", align="right"),
            Column("Integrations", "4fr"),
        ),
        tuple(rows),
        empty="The blueprint declares no integrations.",
    )


def records_table(ctx: Context, appendix: Appendix) -> Table:
    graph = ctx.graph.integrations
    rows = []
    limit = 12 if ctx.large else 0
    order = ctx.graph.order
    callers_of: dict[str, set[str]] = {}
    for integration in ctx.blueprint.integrations:
        callers_of.setdefault(integration.to, set()).add(integration.from_)

    def reached(ids: Iterable[str], name: str, what: str) -> Cell:
        ranked = sorted(ids, key=order.__getitem__)
        if not ctx.huge:
            return ctx.listed(ranked, limit, appendix, f"{name}: {what}")
        # A large estate: thousands of systems each; their boundaries, with counts.
        counts = Counter(ctx.group_name(ctx.graph.systems[i].boundary) for i in ranked)
        return cell(
            span(f"{len(ranked):,} systems in {plural(len(counts), 'boundary', 'boundaries')}: "),
            *ctx.names_listed(
                [f"{group} ({count})" for group, count in counts.items()],
                SUMMARY_NAMES,
                appendix,
                f"{name}: {what}, by boundary",
            ).spans,
        )

    for system in ctx.blueprint.systems:
        if system.kind not in SYSTEMS_OF_RECORD:
            continue
        upstream = reach(graph.predecessors, [system.id])
        downstream = reach(graph.successors, [system.id])
        callers = sorted(callers_of.get(system.id, ()), key=order.__getitem__)
        name = system.name or system.id
        rows.append(
            (
                cell(span(name, "strong"), span(f" ({system.kind})", tone="muted")),
                ctx.listed(callers, limit, appendix, f"{name}: called directly by"),
                reached((s for s in upstream if s != system.id), name, "everything upstream"),
                reached((s for s in downstream if s != system.id), name, "everything downstream"),
            )
        )
    return Table(
        (
            Column("System of record", "1fr"),
            Column("Called directly by", "2fr"),
            Column("Everything upstream", "3fr"),
            Column("Everything downstream", "2fr"),
        ),
        tuple(rows),
        empty="The blueprint declares no system of record (core banking, CRM, risk).",
    )


_SUMMARISED = (
    "The blueprint has {n}, too many for a table of one row each: one row per boundary, "
    "every system listed in the appendix."
)


def build_integration_map(ctx: Context) -> Document:
    blueprint = ctx.blueprint
    meta, warnings = evidence_meta(ctx, "integration-map")
    modes = Counter(i.mode for i in blueprint.integrations)
    kinds: Counter[str] = Counter(s.kind for s in blueprint.systems)
    records = sum(kinds[k] for k in SYSTEMS_OF_RECORD)
    ai = kinds["model"] + kinds["agent"]
    summary = (
        f"{plural(len(blueprint.systems), 'system')} in {plural(len(blueprint.boundaries), 'boundary', 'boundaries')}, "
        f"{plural(len(blueprint.integrations), 'integration')} "
        f"({modes['sync']} synchronous, {modes['async']} asynchronous, {modes['batch']} batch). "
        f"{plural(records, 'system')} of record, {plural(ai, 'AI component')}, "
        f"{plural(kinds['gateway'], 'gateway')}, {plural(kinds['human-desk'], 'human desk')}."
    )
    appendix = Appendix()
    item_tables: list[Block] = (
        [
            heading(2, "Systems"),
            para(_SUMMARISED.format(n=f"{len(blueprint.systems):,} systems"), size="small"),
            systems_summary(ctx, appendix),
            heading(2, "Integrations"),
            para(
                f"The blueprint has {len(blueprint.integrations):,} integrations: one row per "
                "boundary, of the integrations its systems call (how many, to how many other "
                "boundaries, protocols, how many are unauthenticated, carry restricted data "
                "or have an unwaived error, each in Findings below), every integration "
                "listed in the appendix. The boundary-crossing matrix of the identity, "
                "access and fallback design gives authentication per pair of boundaries.",
                size="small",
            ),
            integrations_summary(ctx, appendix),
        ]
        if ctx.huge
        else [
            heading(2, "Systems"),
            systems_table(ctx),
            heading(2, "Integrations"),
            integrations_table(ctx),
        ]
    )
    blocks: list[Block] = [
        *warnings,
        para(summary),
        heading(2, "Integration map"),
        para(
            "Clusters are identity and trust boundaries; shapes and colours show the kind of system; "
            "edge colour shows the data classification, labels read protocol · authentication · identity. "
            "Dashed green edges are fallbacks, numbered in order. Systems and integrations with an "
            "unwaived error finding are outlined in red.",
            size="small",
        ),
        *map_blocks(ctx, "full", "Integration map: every system, integration and fallback."),
        *item_tables,
        heading(2, "Systems of record: upstream and downstream"),
        para(
            "For each system of record: who calls it directly, every system from which it can be "
            "reached through integrations, and every system it reaches in turn."
        ),
        records_table(ctx, appendix),
        heading(2, "Rules this evidence supports"),
        rules_table(ctx, ("ARC", "DAT", "FBK004")),
        heading(2, "Findings"),
        findings_table(
            ctx, ctx.findings_for(("ARC", "DAT", "FBK004")), "No architecture or data finding."
        ),
        *appendix.blocks(),
    ]
    return Document(
        name="integration-map",
        title=EVIDENCE_TITLES["integration-map"],
        subtitle=blueprint.meta.title,
        short_title="Integration map",
        meta=(*meta, *blueprint_meta(ctx)),
        blocks=tuple(blocks),
        provenance=ctx.provenance,
        summary="The map, every system and integration, and what feeds each system of record.",
    )


# -- identity, access and fallback design -------------------------------------------


def boundaries_table(ctx: Context) -> Table:
    counts = Counter(s.boundary for s in ctx.blueprint.systems)
    show_labels = any(b.labels for b in ctx.blueprint.boundaries)
    rows: list[tuple[Cell, ...]] = []
    for boundary in ctx.blueprint.boundaries:
        idp = boundary.identity_provider
        needs_idp = boundary.trust in ("internal", "restricted")
        row = (
            cell(span(boundary.name or boundary.id, "strong")),
            cell(boundary.trust),
            cell(ctx.system(idp) if idp else span("none", tone="warn" if needs_idp else "muted")),
            cell(
                boundary.clearance
                if boundary.trust == "external"
                else span(boundary.clearance, tone="muted")
            ),
            cell(str(counts[boundary.id])),
        )
        rows.append((*row, labels_cell(boundary.labels)) if show_labels else row)
    if counts[None]:
        row = (
            cell(span("No boundary", tone="warn")),
            cell("—"),
            cell("—"),
            cell("—"),
            cell(str(counts[None])),
        )
        rows.append((*row, cell("—")) if show_labels else row)
    columns = [
        Column("Boundary", "3fr"),
        Column("Trust"),
        Column("Identity provider", "2fr"),
        Column("Cleared for"),
        Column("Systems", align="right"),
    ]
    if show_labels:
        columns.append(Column("Labels", "2fr"))
    return Table(
        tuple(columns), tuple(rows), empty="The blueprint declares no boundaries (ARC007)."
    )


#: Beyond this many boundaries the crossing matrix becomes a list of pairs.
MATRIX_MAX_BOUNDARIES = 12


def crossing_matrix(ctx: Context) -> Table:
    systems = ctx.graph.systems
    keys = [b.id for b in ctx.blueprint.boundaries]
    if any(s.boundary is None for s in ctx.blueprint.systems):
        keys.append(NO_BOUNDARY)
    cells: dict[tuple[str, str], Counter[str]] = {}
    for integration in ctx.blueprint.integrations:
        src, dst = systems[integration.from_], systems[integration.to]
        if src.id == dst.id or (src.boundary == dst.boundary and src.boundary is not None):
            continue
        pair = (src.boundary or NO_BOUNDARY, dst.boundary or NO_BOUNDARY)
        cells.setdefault(pair, Counter())[integration.auth or "NO AUTH"] += 1
    froms, tos = {p[0] for p in cells}, {p[1] for p in cells}  # not a scan per boundary
    used_from = [k for k in keys if k in froms]
    used_to = [k for k in keys if k in tos]

    def name(key: str) -> str:
        return "No boundary" if key == NO_BOUNDARY else ctx.boundary(key)

    if len(used_to) > MATRIX_MAX_BOUNDARIES:
        # Too many columns for any page: one row per pair of boundaries instead.
        pairs = []
        for (from_key, to_key), counts in cells.items():
            unauth = counts.get("none", 0) + counts.get("NO AUTH", 0)
            text = ", ".join(
                f"{n}\u00d7 {a}" for a, n in sorted(counts.items(), key=lambda p: (-p[1], p[0]))
            )
            pairs.append(
                (
                    cell(name(from_key)),
                    cell(name(to_key)),
                    cell(str(sum(counts.values()))),
                    cell(text, tone="fail" if unauth else ""),
                )
            )
        return Table(
            (
                Column("From boundary", "2fr"),
                Column("To boundary", "2fr"),
                Column("Integrations", align="right"),
                Column("Authentication", "2fr"),
            ),
            tuple(pairs),
            empty="No integration crosses a boundary.",
        )
    rows = []
    for from_key in used_from:
        row = [cell(span(name(from_key), "strong"))]
        for to_key in used_to:
            auths = cells.get((from_key, to_key))
            if not auths:
                row.append(cell(span("·", tone="muted")))
                continue
            unauth = auths.get("none", 0) + auths.get("NO AUTH", 0)
            text = ", ".join(
                f"{n}\u00d7 {a}" for a, n in sorted(auths.items(), key=lambda p: (-p[1], p[0]))
            )
            row.append(cell(text, tone="fail" if unauth else ""))
        rows.append(tuple(row))
    columns = (Column("From \\ to", "2fr"), *(Column(name(k), "1fr") for k in used_to))
    return Table(columns, tuple(rows), empty="No integration crosses a boundary.")


def propagation_table(ctx: Context) -> Table:
    rows = []
    for integration in ctx.blueprint.integrations:
        target = ctx.graph.systems[integration.to]
        if target.kind not in SYSTEMS_OF_RECORD:
            continue
        status, tone = ctx.target_status(integration.id, ("IAM001", "IAM002", "ARC002"))
        rows.append(
            (
                cell(ctx.system(integration.from_)),
                cell(span(target.name or target.id, "strong")),
                cell(
                    integration.auth or "none",
                    tone="fail" if integration.auth in (None, "none") else "",
                ),
                cell(integration.identity, tone="ok" if integration.identity != "service" else ""),
                cell(integration.data),
                cell(badge(status, tone)),
            )
        )
    return Table(
        (
            Column("Caller", "2fr"),
            Column("System of record", "2fr"),
            Column("Auth"),
            Column("Identity"),
            Column("Data"),
            Column("Check"),
        ),
        tuple(rows),
        empty="No integration reaches a system of record.",
    )


def fallback_table(ctx: Context) -> Table:
    systems = ctx.graph.systems
    rows: list[tuple[Cell, ...]] = []
    for component in ctx.blueprint.systems:
        if not component.is_ai:
            continue
        first = True
        status, tone = ctx.target_status(component.id, ("FBK001", "FBK002", "FBK003"))
        lead = cell(
            span(component.name or component.id, "strong"),
            span(f" ({component.kind})", tone="muted"),
        )
        steps = list(_chain_rows(component, systems))
        if not steps:
            rows.append(
                (
                    lead,
                    cell("—"),
                    cell(span("no fallback", tone="fail")),
                    cell("—"),
                    cell(badge(status, tone)),
                )
            )
            continue
        for number_, target, triggers, depth in steps:
            kind = systems[target].kind
            rows.append(
                (
                    lead if first else cell(""),
                    cell(number_),
                    cell(
                        span("  " * depth + ("↳ " if depth else "")),
                        span(ctx.system(target), "strong" if kind == "human-desk" else ""),
                        span(
                            " (human desk)" if kind == "human-desk" else f" ({kind})",
                            tone="ok" if kind == "human-desk" else "muted",
                        ),
                    ),
                    cell(", ".join(triggers) if triggers else "any failure"),
                    cell(badge(status, tone)) if first else cell(""),
                )
            )
            first = False
    return Table(
        (
            Column("AI component", "2fr"),
            Column("Step"),
            Column("Falls back to", "3fr"),
            Column("When", "2fr"),
            Column("Check"),
        ),
        tuple(rows),
        empty="The blueprint declares no AI component.",
    )


def _chain_rows(
    start: System,
    systems: dict[str, System],
    prefix: str = "",
    depth: int = 0,
    seen: frozenset[str] = frozenset(),
) -> Iterable[tuple[str, str, tuple[str, ...], int]]:
    """Fallback steps depth first: ``1``, ``1.1``, ``2``...; a loop stops the walk."""
    seen = seen | {start.id}
    for position, step in enumerate(start.fallback or (), start=1):
        number_ = f"{prefix}{position}"
        yield number_, step.to, tuple(step.when or ()), depth
        target = systems[step.to]
        if target.id in seen or depth >= 6:
            continue
        if target.kind != "human-desk":
            yield from _chain_rows(target, systems, number_ + ".", depth + 1, seen)


def _resilience_para(ctx: Context) -> Block:
    """One line of `cadee simulate --all` for the brief; the table is in the
    identity, access and fallback design."""
    analysis = ctx.n_minus_1()
    score = analysis.score
    worst = []
    # Rows that only disrupt business services are in the service view, not here.
    channel_impacts = [i for i in analysis.impacts if i.lost or i.degraded]
    for impact in channel_impacts[:3]:
        effect = (
            f"loses {plural(len(impact.lost), 'channel')}"
            if impact.lost
            else f"degrades {plural(len(impact.degraded), 'channel')}"
        )
        worst.append(f"{' + '.join(ctx.system(s) for s in impact.failed)} ({effect})")
    tail = (
        f" Worst single failures: {'; '.join(worst)}."
        if worst
        else " No single failure degrades or loses a channel."
    )
    return para(
        span("Failure scenarios (N-1): ", tone="warn" if channel_impacts else "ok"),
        span(
            f"{score.resilience_percent:.1f}% of scenario and channel pairs keep the channel open, "
            f"{score.served_percent:.1f}% stay served by AI.{tail}"
        ),
    )


def simulation_blocks(ctx: Context) -> list[Block]:
    """Hook: the ``cadee simulate`` N-1 table, when :mod:`cadee.simulate` offers it."""
    import importlib.util

    if importlib.util.find_spec("cadee.simulate") is None:
        return [
            para(
                span(
                    "Failure scenarios (N-1) are not available in this version of cadee.",
                    tone="muted",
                )
            )
        ]
    return _n_minus_1_blocks(ctx)


def _n_minus_1_blocks(ctx: Context) -> list[Block]:
    analysis = ctx.n_minus_1()
    rows = []
    for impact in analysis.impacts:
        if not (impact.lost or impact.degraded):
            continue  # disrupts business services only: the service view shows it
        rows.append(
            (
                ctx.systems(impact.failed),
                ctx.systems(impact.degraded)
                if impact.degraded
                else cell(span("none", tone="muted")),
                ctx.systems(impact.lost) if impact.lost else cell(span("none", tone="muted")),
                cell(
                    badge("channel lost", "fail")
                    if impact.lost
                    else badge("degraded to humans", "warn")
                ),
            )
        )
    skipped = len(analysis.skipped_redundant)
    intro = (
        f"Each of {plural(len(analysis.candidates), 'system')} fails alone"
        + (
            f" ({plural(skipped, 'system')} with redundancy of 2 or more are not failed)"
            if skipped
            else ""
        )
        + f", and each of {plural(len(analysis.channels), 'customer channel')} is traced to an AI "
        "component (served), a human desk (degraded) or nowhere (lost). "
        f"Resilience: {analysis.score.resilience_percent:.1f}% of scenario and channel pairs keep "
        f"the channel open; {analysis.score.served_percent:.1f}% stay served by AI. "
        "The table lists every failure that leaves a channel worse off than with nothing failed "
        "(cadee simulate shows the paths)."
    )
    return [
        para(intro),
        Table(
            (
                Column("Failed system", "2fr"),
                Column("Channels degraded to humans", "3fr"),
                Column("Channels lost", "2fr"),
                Column("Impact"),
            ),
            tuple(rows),
            empty="No single failure degrades or loses a channel.",
        ),
    ]


def _minutes(minutes: int | None) -> str:
    return "not stated" if minutes is None else f"{minutes} min"


def service_blocks(ctx: Context) -> list[Block]:
    """Business services x the single failures that disrupt them, recovery time
    against tolerance (spec 1.1 C2; rule ARC008 judges the critical ones)."""
    blueprint = ctx.blueprint
    if not blueprint.services:
        return []
    analysis = ctx.n_minus_1()
    services = {s.id: s for s in blueprint.services}
    systems = {s.id: s for s in blueprint.systems}
    rows = []
    for summary in analysis.services:
        service = services[summary.service]
        name = cell(
            span(service.name, "strong"),
            span(" (critical)" if service.critical else "", tone="muted"),
        )
        tolerance = cell(
            _minutes(service.tolerance_minutes) if service.tolerance_minutes else "none stated"
        )
        if not summary.baseline_delivered:
            rows.append(
                (
                    name,
                    tolerance,
                    cell(span("nothing", tone="muted")),
                    cell("—"),
                    cell(badge("disrupted with nothing failed", "fail")),
                )
            )
            continue
        if not summary.disrupted_by:
            rows.append(
                (
                    name,
                    tolerance,
                    cell(span("no single failure", tone="muted")),
                    cell("—"),
                    cell(badge("delivered", "ok")),
                )
            )
            continue
        breached = set(summary.breached_by)
        for failed in summary.disrupted_by:
            (system_id,) = failed
            breach = failed in breached
            verdict = (
                badge("breach", "fail" if service.critical else "warn")
                if breach
                else badge("within tolerance", "ok")
            )
            rows.append(
                (
                    name,
                    tolerance,
                    cell(ctx.system(system_id)),
                    cell(_minutes(systems[system_id].recovery_minutes)),
                    cell(verdict),
                )
            )
    breaches = sum(1 for s in analysis.services if s.breached_by)
    intro = (
        f"{plural(len(blueprint.services), 'business service')} "
        f"({sum(1 for s in blueprint.services if s.critical)} critical). Each system without redundancy "
        "fails alone, with every system that needs it; a service is disrupted when no channel that is "
        "not lost reaches every system it requires. The expected disruption is the failed system's "
        "recovery time; above the service's tolerance (or unknown) it is a breach, an error for a "
        f"critical service (ARC008). {plural(breaches, 'service')} with a breach."
    )
    return [
        para(intro),
        Table(
            (
                Column("Service", "2fr"),
                Column("Tolerance"),
                Column("Failed system", "2fr"),
                Column("Recovery time"),
                Column("Verdict"),
            ),
            tuple(rows),
            empty="The blueprint declares no business service.",
        ),
    ]


def _services_answer(ctx: Context) -> list[Span]:
    """Question 2's line on business services: the ones a single failure would breach."""
    analysis = ctx.n_minus_1()
    breached = [s for s in analysis.services if s.breached_by]
    if not breached:
        return [
            span("Business services:", "strong"),
            span(
                f" no single failure breaches the tolerance of any of "
                f"{plural(len(analysis.services), 'service')}.",
                tone="ok",
            ),
        ]
    names = {s.id: s.name for s in ctx.blueprint.services}
    parts = [
        f"{names[s.service]} (by {', '.join(ctx.system(f[0]) for f in s.breached_by)})"
        for s in breached
    ]
    its = "its" if len(breached) == 1 else "their"
    return [
        span("Business services:", "strong"),
        span(
            f" {plural(len(breached), 'service')} would breach {its} tolerance after a single "
            f"failure: {'; '.join(parts)}.",
            tone="fail",
        ),
    ]


def build_identity(ctx: Context) -> Document:
    blueprint = ctx.blueprint
    meta, warnings = evidence_meta(ctx, "identity-access-fallback")
    ai = [s for s in blueprint.systems if s.is_ai]
    crossings = sum(
        1
        for i in blueprint.integrations
        if i.from_ != i.to
        and (
            ctx.graph.systems[i.from_].boundary != ctx.graph.systems[i.to].boundary
            or ctx.graph.systems[i.from_].boundary is None
        )
    )
    without = [s.id for s in ai if any(f.rule == "FBK001" for f in ctx.by_target.get(s.id, ()))]
    chained = len(ai) - len(without)
    gap = (
        f" {plural(len(without), 'AI component')} without one (FBK001): "
        f"{', '.join(ctx.system(s) for s in without)}."
        if without
        else ""
    )
    rules: tuple[str, ...] = ("IAM", "FBK001", "FBK002", "FBK003", "ARC006")
    if blueprint.services:
        rules += ("ARC008",)
    blocks: list[Block] = [
        *warnings,
        para(
            f"{plural(len(blueprint.boundaries), 'boundary', 'boundaries')}, "
            f"{plural(crossings, 'integration')} crossing a boundary, "
            f"{plural(chained, 'AI component')} of {len(ai)} with a fallback chain to a human desk.{gap}"
        ),
        heading(2, "Boundaries"),
        boundaries_table(ctx),
        heading(2, "Identity map"),
        *map_blocks(
            ctx,
            "identity",
            "Boundaries and the integrations that cross them, labelled "
            "authentication · identity; unauthenticated crossings in red.",
        ),
        heading(2, "Boundary-crossing matrix"),
        para(
            "Integrations from the boundary of the row into the boundary of the column, by "
            "authentication method. Any unauthenticated crossing is an IAM001 error.",
            size="small",
        ),
        crossing_matrix(ctx),
        heading(2, "Identity propagation into systems of record"),
        para(
            "Calls into core banking, CRM and risk systems, and whose identity they assert. "
            "Confidential data should be fetched under the customer's identity (end-user or "
            "on-behalf-of, IAM002)."
        ),
        propagation_table(ctx),
        heading(2, "Fallback chains"),
        para(
            "Every AI component's fallback chain, in order of preference, down to a human desk, "
            "with the triggers of each step."
        ),
        fallback_table(ctx),
        *map_blocks(
            ctx,
            "fallback",
            "AI components and their fallback chains (dashed, numbered "
            "in order, with triggers) to human desks.",
        ),
        heading(2, "Failure scenarios (N-1)"),
        *simulation_blocks(ctx),
        *(
            [heading(2, "Business services and impact tolerances"), *service_blocks(ctx)]
            if blueprint.services
            else []
        ),
        heading(2, "Rules this evidence supports"),
        rules_table(ctx, rules),
        heading(2, "Findings"),
        findings_table(ctx, ctx.findings_for(rules), "No identity or fallback finding."),
    ]
    return Document(
        name="identity-access-fallback",
        title=EVIDENCE_TITLES["identity-access-fallback"],
        subtitle=blueprint.meta.title,
        short_title="Identity and fallback",
        meta=(*meta, *blueprint_meta(ctx)),
        blocks=tuple(blocks),
        provenance=ctx.provenance,
        summary="Boundaries, crossings and their authentication, identity into systems of record, fallback chains.",
    )


# -- ownership ------------------------------------------------------------------------


@dataclass(slots=True)
class Duties:
    owns: list[str] = field(default_factory=list)
    approves: list[str] = field(default_factory=list)
    oncall: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


def duties(ctx: Context) -> dict[str, Duties]:
    if ctx._duties is None:
        ctx._duties = _duties(ctx)
    return ctx._duties


def _duties(ctx: Context) -> dict[str, Duties]:
    result: dict[str, Duties] = {o.id: Duties() for o in ctx.blueprint.owners}
    blueprint = ctx.blueprint
    for system in blueprint.systems:
        if system.owner in result:
            result[system.owner].owns.append(system.id)
        for approver in dict.fromkeys(ctx.graph.effective_approvers(system)):
            if approver in result:
                result[approver].approves.append(system.id)
        oncall = system.observability.oncall if system.observability else None
        if oncall in result:
            result[oncall].oncall.append(system.id)
    if blueprint.meta.owner in result:
        result[blueprint.meta.owner].other.append("accountable for the whole workflow")
    for entry in blueprint.evidence:
        if entry.owner in result:
            result[entry.owner].other.append(f"owns evidence “{entry.title or entry.id}”")
        if entry.approved_by in result:
            result[entry.approved_by].other.append(f"approved evidence “{entry.title or entry.id}”")
    for kpi in blueprint.kpis:
        if kpi.owner in result:
            result[kpi.owner].other.append(f"owns KPI “{kpi.name}”")
    for gate in blueprint.gates:
        if gate.decided_by in result:
            result[gate.decided_by].other.append(f"decides the {gate.action} gate “{gate.id}”")
    for waiver in blueprint.waivers:
        if waiver.approved_by in result:
            result[waiver.approved_by].other.append(
                f"approved the waiver {waiver.rule} on “{waiver.target}”"
            )
    return result


def owners_table(ctx: Context, appendix: Appendix) -> Table:
    table = duties(ctx)
    rows = []
    limit = 10 if ctx.large else 0
    for owner in ctx.blueprint.owners:
        d = table[owner.id]
        rows.append(
            (
                cell(
                    span(owner.name, "strong"),
                    span(
                        f" ({owner.kind}{', ' + owner.function if owner.function else ''})",
                        tone="muted",
                    ),
                ),
                cell(_contact(owner)),
                ctx.listed(d.owns, limit, appendix, f"{owner.name}: owns")
                if d.owns
                else cell(span("—", tone="muted")),
                _approves_cell(ctx, owner, d, limit, appendix),
                ctx.listed(d.oncall, limit, appendix, f"{owner.name}: on call for")
                if d.oncall
                else cell(span("—", tone="muted")),
                cell(*d.other, sep="; ") if d.other else cell(span("—", tone="muted")),
            )
        )
    return Table(
        (
            Column("Owner", "2fr"),
            Column("Contact", "2fr"),
            Column("Owns", "2fr"),
            Column("Approves changes to", "2fr"),
            Column("On call for", "2fr"),
            Column("Also", "2fr"),
        ),
        tuple(rows),
        empty="The blueprint declares no owners.",
    )


def _contact(owner: Owner) -> Span:
    contact = owner.contact
    if not contact:
        return span("—", tone="muted")
    if contact.startswith(("https://", "http://")):
        return span(contact, href=contact)
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", contact):
        return span(contact, href="mailto:" + contact)
    return span(contact)


def _approves_cell(ctx: Context, owner: Owner, d: Duties, limit: int, appendix: Appendix) -> Cell:
    if not d.approves:
        return cell(span("—", tone="muted"))
    defaults = ctx.blueprint.meta.approvers or []
    if owner.id in defaults:
        inherited = [s.id for s in ctx.blueprint.systems if s.approvers is None]
        default_ids = set(inherited)  # once, not once per approved system
        own = [s for s in d.approves if s not in default_ids]
        parts: list[Span | str] = [
            span(f"every system without its own approvers ({len(inherited)})")
        ]
        if own:
            parts.append(span("; also "))
            title = f"{owner.name}: also approves changes to"
            parts.extend(ctx.listed(own, limit, appendix, title).spans)
        return cell(*parts)
    return ctx.listed(d.approves, limit, appendix, f"{owner.name}: approves changes to")


def _link_or_dash(value: str | None, label: str) -> Span:
    if not value:
        return span("missing", tone="fail")
    if value.startswith(("https://", "http://")):
        return span(label, href=value)
    return span(value)


def system_ownership_table(ctx: Context) -> Table:
    rows = []
    for system in ctx.blueprint.systems:
        obs = system.observability
        tier1 = system.criticality == "tier-1"
        oncall = obs.oncall if obs else None
        rows.append(
            (
                cell(span(system.name or system.id, "strong")),
                cell(system.criticality, tone="info" if tier1 else ""),
                cell(ctx.owner(system.owner)),
                ctx.owners(ctx.graph.effective_approvers(system)),
                cell(
                    ctx.owner(oncall)
                    if oncall
                    else span("—" if not tier1 else "none", tone="fail" if tier1 else "muted")
                ),
                cell(
                    _link_or_dash(obs.runbook if obs else None, "runbook")
                    if tier1 or (obs and obs.runbook)
                    else span("—", tone="muted")
                ),
                cell(
                    (obs.slo if obs and obs.slo else span("missing", tone="fail"))
                    if tier1
                    else (obs.slo if obs and obs.slo else span("—", tone="muted"))
                ),
            )
        )
    return Table(
        (
            Column("System", "2fr"),
            Column("Tier"),
            Column("Owner", "2fr"),
            Column("Approvers", "3fr"),
            Column("On call", "2fr"),
            Column("Runbook"),
            Column("SLO", "3fr"),
        ),
        tuple(rows),
        empty="The blueprint declares no systems.",
    )


def system_ownership_summary(ctx: Context, appendix: Appendix) -> Table:
    """:func:`system_ownership_table` of a large estate: one row per boundary; each
    system with its owner, approvers and on-call complete in the appendix."""
    rows = []
    for boundary, members in ctx.by_boundary().items():
        name = ctx.group_name(boundary)
        tier1 = [s for s in members if s.criticality == "tier-1"]
        entries = []
        for system in members:
            obs = system.observability
            approvers = ", ".join(ctx.owner(o).text for o in ctx.graph.effective_approvers(system))
            oncall = f"; on call {ctx.owner(obs.oncall).text}" if obs and obs.oncall else ""
            entries.append(
                f"{system.name or system.id} (owner {ctx.owner(system.owner).text}; "
                f"approvers {approvers or 'none'}{oncall})"
            )
        ref = appendix.add(f"{name}: systems, owner, approvers, on call", entries)
        owners = list(dict.fromkeys(s.owner for s in members if s.owner))
        shown = [ctx.owner(o) for o in owners[:SUMMARY_NAMES]]
        more = f" … {len(owners)} in all" if len(owners) > SUMMARY_NAMES else ""
        rows.append(
            (
                cell(span(name, "strong"), tone="" if boundary else "warn"),
                cell(f"{len(members):,}"),
                _count_cell(len(tier1)),
                cell(*shown, sep=", ") if shown else cell(span("none", tone="fail")),
                _count_cell(sum(1 for s in members if not s.owner), "fail"),
                _count_cell(
                    sum(1 for s in tier1 if not (s.observability and s.observability.oncall)),
                    "fail",
                ),
                _count_cell(
                    sum(1 for s in tier1 if not (s.observability and s.observability.runbook)),
                    "fail",
                ),
                _count_cell(
                    sum(1 for s in tier1 if not (s.observability and s.observability.slo)),
                    "fail",
                ),
                cell(span(f"appendix {ref}", tone="muted"), more and span(more, tone="muted")),
            )
        )
    return Table(
        (
            Column("Boundary", "2fr"),
            Column("Systems", align="right"),
            Column("Tier 1", align="right"),
            Column("Owners", "3fr"),
            Column("No owner", align="right"),
            Column("Tier 1 without on call", align="right"),
            Column("without runbook", align="right"),
            Column("without SLO", align="right"),
            Column("Every system", "2fr"),
        ),
        tuple(rows),
        empty="The blueprint declares no systems.",
    )


#: Beyond this many owner columns or system rows, the matrix is unreadable on any page.
MATRIX_MAX_OWNERS = 40
MATRIX_MAX_SYSTEMS = 200


def matrix_table(ctx: Context) -> tuple[Table | None, str]:
    blueprint = ctx.blueprint
    d = duties(ctx)
    systems = blueprint.systems
    note = ""
    if ctx.large:
        systems = [s for s in systems if s.criticality == "tier-1"]
        note = f"The blueprint has {len(blueprint.systems)} systems; the matrix shows the {len(systems)} tier-1 systems."
    shown = {s.id for s in systems}
    owners = [
        o
        for o in blueprint.owners
        if any(x in shown for x in (*d[o.id].owns, *d[o.id].approves, *d[o.id].oncall))
    ]
    if len(owners) > MATRIX_MAX_OWNERS or len(systems) > MATRIX_MAX_SYSTEMS:
        return None, (
            f"The matrix would have {len(systems)} rows and {len(owners)} owner columns, too large to read; "
            "the owners and systems tables above hold the same facts."
        )
    rows = []
    for system in systems:
        row = [cell(span(system.name or system.id, "strong"))]
        approvers = set(ctx.graph.effective_approvers(system))
        oncall = system.observability.oncall if system.observability else None
        for owner in owners:
            letters = ""
            if system.owner == owner.id:
                letters += "O"
            if owner.id in approvers:
                letters += "A"
            if oncall == owner.id:
                letters += "C"
            row.append(cell(letters, tone="info" if letters else ""))
        rows.append(tuple(row))
    columns = (Column("System", "3fr"), *(Column(o.name, "1fr", "center") for o in owners))
    return Table(
        columns, tuple(rows), variant="matrix", empty="No system has an owner, approver or on-call."
    ), note


def gaps_blocks(ctx: Context, prefixes: Sequence[str]) -> list[Block]:
    found = ctx.findings_for(prefixes)
    # "No gaps" only when there are none: no unwaived finding and no tier-1
    # system without a dashboard (which "What is missing" would list).
    if not any(not f.waived for f in found) and not _without_dashboard(ctx):
        return [
            Callout(
                "ok",
                "No gaps",
                (
                    span(
                        "Every system has an owner and approvers; every tier-1 system "
                        "has observability and an on-call owner."
                    ),
                ),
            ),
            *([findings_table(ctx, found, "")] if found else []),
        ]
    return [findings_table(ctx, found, "No ownership or observability finding.")]


def ownership_blocks(ctx: Context, level: int, appendix: Appendix) -> list[Block]:
    matrix, note = matrix_table(ctx)
    blocks: list[Block] = [
        heading(level, "Owners and their duties"),
        owners_table(ctx, appendix),
        heading(level, "Systems: owner, approvers, on call"),
        para(
            "Effective approvers are a system's own approvers, else the blueprint's default approvers."
        ),
        *(
            [
                para(_SUMMARISED.format(n=f"{len(ctx.blueprint.systems):,} systems"), size="small"),
                system_ownership_summary(ctx, appendix),
            ]
            if ctx.huge
            else [system_ownership_table(ctx)]
        ),
        heading(level, "Responsibility matrix"),
        para(
            "O: owns the system. A: approves its changes. C: on call for it.",
            keep_with_next=matrix is not None,
        ),
    ]
    if note:
        blocks.append(para(note, size="small", keep_with_next=matrix is not None))
    if matrix is not None:
        blocks.append(matrix)
    blocks += [heading(level, "Gaps"), *gaps_blocks(ctx, ("OWN", "OBS"))]
    return blocks


def build_ownership(ctx: Context) -> Document:
    blueprint = ctx.blueprint
    appendix = Appendix()
    return Document(
        name="ownership-plan",
        title="Ownership plan",
        subtitle=blueprint.meta.title,
        short_title="Ownership plan",
        meta=(
            ("Accountable owner", cell(ctx.owner(blueprint.meta.owner))),
            ("Default approvers", ctx.owners(blueprint.meta.approvers or [])),
            *blueprint_meta(ctx),
        ),
        blocks=(*ownership_blocks(ctx, 2, appendix), *appendix.blocks()),
        provenance=ctx.provenance,
        summary="Who owns, approves and is on call for every system; the matrix and the gaps.",
    )


# -- runtime ownership and observability ------------------------------------------------


def tier1_table(ctx: Context) -> Table:
    def flag(value: bool | None) -> Span:
        return span("yes", tone="ok") if value else span("no", tone="fail")

    rows = []
    for system in ctx.blueprint.systems:
        if system.criticality != "tier-1":
            continue
        obs = system.observability
        rows.append(
            (
                cell(span(system.name or system.id, "strong")),
                cell(obs.slo if obs and obs.slo else span("missing", tone="fail")),
                cell(
                    flag(obs.logs if obs else None),
                    span(" / "),
                    flag(obs.metrics if obs else None),
                    span(" / "),
                    flag(obs.traces if obs else None),
                ),
                cell(
                    _link_or_dash(obs.dashboard if obs else None, "dashboard")
                    if obs and obs.dashboard
                    else span("none", tone="muted")
                ),
                cell(_link_or_dash(obs.runbook if obs else None, "runbook")),
                cell(ctx.owner(obs.oncall) if obs and obs.oncall else span("none", tone="fail")),
            )
        )
    return Table(
        (
            Column("Tier-1 system", "2fr"),
            Column("SLO", "4fr"),
            Column("Logs / metrics / traces", "2fr"),
            Column("Dashboard"),
            Column("Runbook"),
            Column("On call", "2fr"),
        ),
        tuple(rows),
        empty="No system is tier-1.",
    )


def links_table(ctx: Context) -> Table:
    rows = []
    for system in ctx.blueprint.systems:
        obs = system.observability
        if not obs or not (obs.runbook or obs.dashboard):
            continue
        rows.append(
            (
                cell(system.name or system.id),
                cell(
                    span(obs.runbook, "code", href=obs.runbook)
                    if obs.runbook
                    else span("—", tone="muted")
                ),
                cell(
                    span(obs.dashboard, "code", href=obs.dashboard)
                    if obs.dashboard
                    else span("—", tone="muted")
                ),
            )
        )
    return Table(
        (Column("System", "1fr"), Column("Runbook", "2fr"), Column("Dashboard", "2fr")),
        tuple(rows),
        empty="No runbook or dashboard is declared.",
    )


def _without_dashboard(ctx: Context) -> list[str]:
    return [
        s.id
        for s in ctx.blueprint.systems
        if s.criticality == "tier-1" and not (s.observability and s.observability.dashboard)
    ]


def missing_blocks(ctx: Context, appendix: Appendix) -> list[Block]:
    items: list[tuple[Span, ...]] = []
    no_dashboard = _without_dashboard(ctx)
    if no_dashboard:
        title = "Tier-1 systems without a dashboard"
        items.append(
            (
                span(f"{plural(len(no_dashboard), 'tier-1 system')} without a dashboard: "),
                *ctx.listed(no_dashboard, 30, appendix, title).spans,
            )
        )
    if not any(e.kind == "runtime-observability" and e.owner for e in ctx.blueprint.evidence):
        items.append((span("No owned runtime-observability evidence (EVD001).", tone="fail"),))
    unwaived = [f for f in ctx.findings_for(("OBS", "OWN")) if not f.waived]
    if unwaived:
        items.append(
            (
                span(
                    f"{plural(len(unwaived), 'finding')} on ownership and observability; see the table below.",
                    tone="fail",
                ),
            )
        )
    blocks: list[Block] = []
    if items:
        blocks.append(Bullets(tuple(items)))
    else:
        blocks.append(
            Callout(
                "ok",
                "Nothing missing",
                (
                    span(
                        "Every tier-1 system has an SLO, logs, metrics, "
                        "traces, a runbook, a dashboard and on-call."
                    ),
                ),
            )
        )
    blocks.append(
        findings_table(
            ctx, ctx.findings_for(("OBS", "OWN")), "No ownership or observability finding."
        )
    )
    return blocks


def build_runtime(ctx: Context) -> Document:
    blueprint = ctx.blueprint
    meta, warnings = evidence_meta(ctx, "runtime-observability")
    tier1 = sum(1 for s in blueprint.systems if s.criticality == "tier-1")
    appendix = Appendix()
    blocks: list[Block] = [
        *warnings,
        para(
            f"{plural(tier1, 'tier-1 system')} of {len(blueprint.systems)}; "
            f"{plural(len(blueprint.owners), 'owner')} (teams, people and on-call roles)."
        ),
        heading(2, "Tier-1 service levels and on call"),
        tier1_table(ctx),
        heading(2, "Runbooks and dashboards"),
        links_table(ctx),
        heading(2, "Ownership plan"),
        *(
            [
                para(
                    f"With {len(blueprint.systems):,} systems the ownership plan is a document of "
                    "its own, not repeated here: the Ownership plan of this pack (ownership-plan) "
                    "holds who owns, approves and is on call for every system, per boundary, "
                    "with the complete lists; the gaps are below."
                )
            ]
            if ctx.huge
            else ownership_blocks(ctx, 3, appendix)
        ),
        heading(2, "What is missing"),
        *missing_blocks(ctx, appendix),
        heading(2, "Rules this evidence supports"),
        rules_table(ctx, ("OWN", "OBS")),
        *appendix.blocks(),
    ]
    return Document(
        name="runtime-observability",
        title=EVIDENCE_TITLES["runtime-observability"],
        subtitle=blueprint.meta.title,
        short_title="Runtime and observability",
        meta=(*meta, *blueprint_meta(ctx)),
        blocks=tuple(blocks),
        provenance=ctx.provenance,
        summary="Tier-1 SLOs, runbooks, dashboards and on-call, the ownership plan, and what is missing.",
    )


BUILDERS: dict[str, Callable[[Context], Document]] = {
    "brief": build_brief,
    "integration-map": build_integration_map,
    "identity-access-fallback": build_identity,
    "runtime-observability": build_runtime,
    "ownership-plan": build_ownership,
}


def build_documents(ctx: Context) -> list[Document]:
    return [_unique_anchors(BUILDERS[name](ctx)) for name in DOCUMENTS]


def _unique_anchors(doc: Document) -> Document:
    """Headings that repeat (two "Findings") get ``-2``, ``-3``... anchors."""
    seen: Counter[str] = Counter({"provenance": 1})

    def fix(blocks: Sequence[Block]) -> tuple[Block, ...]:
        out: list[Block] = []
        for block in blocks:
            if isinstance(block, Heading):
                seen[block.anchor] += 1
                if seen[block.anchor] > 1:
                    block = dataclasses.replace(
                        block, anchor=f"{block.anchor}-{seen[block.anchor]}"
                    )
            elif isinstance(block, Columns):
                block = Columns(tuple(fix(column) for column in block.columns))
            out.append(block)
        return tuple(out)

    return dataclasses.replace(doc, blocks=fix(doc.blocks))
