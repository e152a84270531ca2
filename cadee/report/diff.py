"""Renderers for ``cadee diff``: styled text for terminals, Markdown for a pull-request
comment, and JSON. Pure functions from a :class:`~cadee.diff.BlueprintDiff` to text.

JSON shape (``"format": "cadee-diff/1"``; keys are stable, lists are ordered as
the text and Markdown reports list them)::

    {
      "format": "cadee-diff/1",
      "valid": true,
      "old": {"source": "HEAD~1:bank/blueprint.yaml", "blueprint": "<id>"},
      "new": {"source": "bank/blueprint.yaml", "blueprint": "<id>"},
      "title": "<new blueprint title>",
      "as_of": "YYYY-MM-DD",
      "changed": true,                      # false: no architectural change
      "summary": {"text": "<the one-line summary>",
                  "added": 0, "removed": 0, "changed": 0,
                  "highlights": 0,
                  "new_findings": 0, "resolved_findings": 0, "unchanged_findings": 0,
                  "introduced": {"error": 0, "warning": 0, "info": 0},
                  "approvers": 0},
      "highlights": [{"kind": "fallback-removed", "target": "<id>", "reason": "..."}],
      "changes": [{"collection": "systems", "id": "<id>", "change": "added|removed|changed",
                   "fields": [{"path": "observability.slo", "old": ..., "new": ...}],
                   "item": {...} | null}],          # the item for added/removed, else null
      "findings": {"new": [F], "resolved": [F], "unchanged": [F]},
      "approvers": [{"owner": "<id>", "name": ..., "function": ..., "contact": ...,
                     "systems": ["<id>"], "blueprint": false}],
      "touched": [{"system": "<id>", "reasons": ["..."]}],
      "unapproved": ["<system id>"],
      "blueprint_level": ["kpis"],
      "controls": [{"setting": "rule|severity|condition|fail-on|limits|max-waiver-days",
                    "target": "<rule id or setting>", "old": "...", "new": "...",
                    "weakened": true, "reason": "..."}],
      "hidden": [F],                        # hidden by configuration (see cadee.diff)
      "renames": [{"old": "<id>", "new": "<id>", "shared_edges": 5, "edges": 5}],
      "fixes": [F + {"hidden": false, "waiver_approvers": ["<owner id>"]}]   # what to fix or waive
    }

``F`` is a finding as in ``cadee validate --format json`` (``rule``, ``name``,
``severity``, ``target``, ``message``, ``file``, ``line``, ``column``,
``waived``); unchanged findings add ``was_waived``. ``introduced`` counts the
active findings the change introduced, by severity (what ``--fail-on-new``
looks at). When a side is invalid: ``{"format", "valid": false, "old": {"source",
"valid", "errors"}, "new": {...}}`` with errors as in ``cadee validate``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cadee.diagnostics import SEVERITIES, Finding, LoadError
from cadee.diff import BlueprintDiff, EntityChange, FindingChange, Neighbourhood
from cadee.diff.semantic import COLLECTIONS
from cadee.report.styled import Styled
from cadee.report.text import error_line
from cadee.text import (
    html,
    json_text,
    markdown,
    markdown_code,
    mermaid,
    plural,
    sanitise,
    shorten,
    terminal,
)

__all__ = [
    "FORMAT",
    "MARKER",
    "diff_to_dict",
    "render_invalid_json",
    "render_invalid_markdown",
    "render_invalid_text",
    "render_json",
    "render_markdown",
    "render_text",
    "summary_line",
]

FORMAT = "cadee-diff/1"
#: First line of the Markdown report, so CI can find and update its own comment.
MARKER = "<!-- cadee-diff -->"
#: Markdown caps: GitHub comments hold at most 65,536 characters.
MAX_DETAILS = 60
MAX_UNCHANGED = 30
#: GitHub's limit on a comment body, in characters.
MAX_COMMENT = 65_536
#: Above this the comment is the summary alone (room for the job's own note).
_COMPACT_ABOVE = 60_000
#: Lines a list of the compact summary shows before "and N more".
_COMPACT_ITEMS = 40
#: Fixes listed under "What to do".
_MAX_FIXES = 20
_VALUE_LIMIT = 160
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_CHANGE_MARK = {"added": "+", "removed": "-", "changed": "~"}
_CHANGE_STYLE = {"added": "green", "removed": "red", "changed": "yellow"}

#: A side that failed to load: (role, source, errors), role ``old`` or ``new``.
InvalidSide = tuple[str, str, Sequence[LoadError]]


# -- shared ---------------------------------------------------------------------------


def _short(text: str, limit: int = _VALUE_LIMIT) -> str:
    return shorten(sanitise(text, one_line=True), limit)


def _flow(value: Any) -> str:
    """A value as compact YAML-like flow text: ``[a, b]``, ``{to: x, when: [timeout]}``."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items() if v is not None) + "}"
    return str(value)


def _value(value: Any) -> str:
    return _short(_flow(value))


def _introduced(diff: BlueprintDiff) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for change in (*diff.findings.new, *diff.findings.unchanged):
        if (change.status == "new" or change.unwaived) and not change.finding.waived:
            counts[change.finding.severity] += 1
    return counts


def _controls_part(diff: BlueprintDiff) -> str:
    if not diff.controls:
        return ""
    weakened = len(diff.weakened)
    part = (
        plural(weakened, "control") + " weakened"
        if weakened
        else plural(len(diff.controls), "control change")
    )
    if diff.hidden:
        part += f", {plural(len(diff.hidden), 'finding')} hidden by configuration"
    return part + "; "


def summary_line(diff: BlueprintDiff) -> str:
    """The one-line summary every format starts with."""
    findings = diff.findings
    if not diff.changed:
        return (
            f"{_controls_part(diff)}No architectural change "
            f"({plural(len(findings.unchanged), 'finding')} unchanged)."
        )
    counts = diff.counts()
    active = dict.fromkeys(SEVERITIES, 0)
    waived = 0
    for change in findings.new:
        if change.finding.waived:
            waived += 1
        else:
            active[change.finding.severity] += 1
    parts = [f"{n} {s}" for s, n in active.items() if n] + ([f"{waived} waived"] if waived else [])
    new_part = plural(len(findings.new), "new finding") + (
        f" ({', '.join(parts)})" if parts else ""
    )
    unwaived = sum(1 for c in findings.unchanged if c.unwaived)
    if unwaived:
        new_part += f", {unwaived} no longer waived"
    approvers = len(diff.approvals.groups)
    renamed = f" ({len(diff.renames)} renamed)" if diff.renames else ""
    return (
        f"{_controls_part(diff)}{plural(len(diff.highlights), 'risk highlight')}; "
        f"{counts['added']} added, {counts['changed']} changed{renamed}, {counts['removed']} removed; "
        f"{new_part}, {len(findings.resolved)} resolved; "
        f"{plural(approvers, 'approver')} required."
    )


def _ordered_changes(diff: BlueprintDiff) -> list[EntityChange]:
    order = {c: i for i, c in enumerate(COLLECTIONS)}
    return sorted(diff.changes, key=lambda c: order[c.collection])


def _item_label(change: EntityChange) -> str:
    item = change.item or {}
    kind = item.get("kind")
    return (
        f" ({kind})"
        if isinstance(kind, str) and change.collection in ("systems", "evidence")
        else ""
    )


def _where(finding: Finding) -> str:
    loc = finding.location
    return f"{loc.file}:{loc.line}:{loc.column}"


# -- JSON -------------------------------------------------------------------------------


def _finding_dict(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    return {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity,
        "target": finding.target,
        "message": finding.message,
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "waived": finding.waived,
    }


def _unchanged_dict(change: FindingChange) -> dict[str, Any]:
    data = _finding_dict(change.finding)
    data["was_waived"] = (
        change.previous.waived if change.previous is not None else change.finding.waived
    )
    return data


def diff_to_dict(diff: BlueprintDiff) -> dict[str, Any]:
    """The JSON report as data (shape in the module docstring)."""
    counts = diff.counts()
    findings = diff.findings
    approvals = diff.approvals
    return {
        "format": FORMAT,
        "valid": True,
        "old": {"source": diff.old_source, "blueprint": diff.old_id},
        "new": {"source": diff.new_source, "blueprint": diff.new_id},
        "title": diff.title,
        "as_of": diff.as_of.isoformat(),
        "changed": diff.changed,
        "summary": {
            "text": summary_line(diff),
            **counts,
            "highlights": len(diff.highlights),
            "new_findings": len(findings.new),
            "resolved_findings": len(findings.resolved),
            "unchanged_findings": len(findings.unchanged),
            "introduced": _introduced(diff),
            "approvers": len(approvals.groups),
            "weakened_controls": len(diff.weakened),
            "hidden_findings": len(diff.hidden),
        },
        "highlights": [
            {"kind": h.kind, "target": h.target, "reason": h.reason} for h in diff.highlights
        ],
        "changes": [
            {
                "collection": c.collection,
                "id": c.id,
                "change": c.change,
                "fields": [{"path": f.path, "old": f.old, "new": f.new} for f in c.fields],
                "item": dict(c.item) if c.item is not None and c.change != "changed" else None,
            }
            for c in _ordered_changes(diff)
        ],
        "findings": {
            "new": [_finding_dict(c.finding) for c in findings.new],
            "resolved": [_finding_dict(c.finding) for c in findings.resolved],
            "unchanged": [_unchanged_dict(c) for c in findings.unchanged],
        },
        "approvers": [
            {
                "owner": g.owner,
                "name": g.name,
                "function": g.function,
                "contact": g.contact,
                "systems": list(g.systems),
                "blueprint": g.blueprint,
            }
            for g in approvals.groups
        ],
        "touched": [{"system": t.system, "reasons": list(t.reasons)} for t in approvals.touched],
        "unapproved": list(approvals.unapproved),
        "blueprint_level": list(approvals.blueprint_level),
        "controls": [
            {
                "setting": c.setting,
                "target": c.target,
                "old": c.old,
                "new": c.new,
                "weakened": c.weakened,
                "reason": c.reason,
            }
            for c in diff.controls
        ],
        "hidden": [_finding_dict(f) for f in diff.hidden],
        "renames": [
            {"old": r.old, "new": r.new, "shared_edges": r.shared, "edges": r.total}
            for r in diff.renames
        ],
        "fixes": [
            {
                **_finding_dict(f.finding),
                "hidden": f.hidden,
                "waiver_approvers": list(f.waiver_approvers),
            }
            for f in diff.fixes
        ],
    }


def render_json(diff: BlueprintDiff) -> str:
    return json_text(diff_to_dict(diff))


def _error_dict(error: LoadError) -> dict[str, Any]:
    loc = error.location
    return {
        "message": error.message,
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "path": loc.path,
    }


def render_invalid_json(sides: Sequence[InvalidSide]) -> str:
    """Both sides' sources; an invalid side carries its errors."""
    data: dict[str, Any] = {"format": FORMAT, "valid": False}
    for role, source, errors in sides:
        data[role] = {
            "source": source,
            "valid": not errors,
            "errors": [_error_dict(e) for e in errors],
        }
    return json_text(data)


# -- text (styled) ------------------------------------------------------------------------


def _finding_text(prefix: str, finding: Finding, style: str) -> Styled:
    line = Styled().append("  ")
    line.append(f"{prefix:<9}", style=style)
    line.append(f"{terminal(_where(finding))}: ", style="bold")
    line.append(finding.rule, style="bold")
    line.append(" ")
    line.append(finding.severity, style=_SEVERITY_STYLE[finding.severity])
    line.append(f" {terminal(finding.message)} ({terminal(finding.target)})")
    if finding.waived:
        line.append(" [waived]", style="dim")
    return line


def render_text(diff: BlueprintDiff) -> Styled:
    """The terminal report; styles are data, the CLI decides on colour."""
    out = Styled()
    out.append("cadee diff ", style="bold")
    out.append(f"{terminal(diff.old_source)} -> {terminal(diff.new_source)}", style="bold")
    out.append(f"  (as of {diff.as_of.isoformat()})\n")
    out.append(
        summary_line(diff) + "\n", style="bold" if diff.changed or diff.controls else "green"
    )
    if diff.controls:
        out.append(f"\nConfiguration and rules ({len(diff.controls)})\n", style="bold underline")
        for control in diff.controls:
            out.append(
                "  ! controls weakened  " if control.weakened else "  ~ ",
                style="bold red" if control.weakened else "yellow",
            )
            out.append(f"{terminal(control.reason)}\n")
    if diff.hidden:
        out.append(f"\nHidden by configuration ({len(diff.hidden)})\n", style="bold underline")
        for finding in diff.hidden:
            out.append_text(_finding_text("hidden", finding, "red"))
            out.append("\n")
    if diff.highlights:
        out.append(f"\nRisk highlights ({len(diff.highlights)})\n", style="bold underline")
        for h in diff.highlights:
            out.append("  ! ", style="bold red")
            out.append(h.kind, style="bold")
            out.append(f"  {terminal(h.reason)}\n")
    if diff.changes:
        out.append("\nChanges\n", style="bold underline")
        current = ""
        for change in _ordered_changes(diff):
            if change.collection != current:
                current = change.collection
                out.append(f"  {current}\n", style="bold")
            out.append(f"    {_CHANGE_MARK[change.change]} ", style=_CHANGE_STYLE[change.change])
            out.append(terminal(change.id), style=_CHANGE_STYLE[change.change])
            out.append(f"{terminal(_item_label(change))}\n")
            for f in change.fields:
                out.append(f"        {terminal(f.path)}: ", style="dim")
                out.append(f"{_value(f.old)} -> {_value(f.new)}\n")
    findings = diff.findings
    out.append(
        f"\nFindings: {len(findings.new)} new, {len(findings.resolved)} resolved, "
        f"{len(findings.unchanged)} unchanged\n",
        style="bold underline",
    )
    for c in findings.new:
        out.append_text(_finding_text("new", c.finding, "red"))
        out.append("\n")
    for c in findings.unchanged:
        if c.unwaived:
            out.append_text(_finding_text("unwaived", c.finding, "red"))
            out.append("\n")
    for c in findings.resolved:
        out.append_text(_finding_text("resolved", c.finding, "green"))
        out.append("\n")
    approvals = diff.approvals
    if approvals.groups or approvals.unapproved:
        out.append(f"\nRequired approvers ({len(approvals.groups)})\n", style="bold underline")
        for g in approvals.groups:
            out.append("  ")
            out.append(terminal(g.name or g.owner), style="bold")
            details = [g.owner, *(x for x in (g.function, g.contact) if x)]
            out.append(f" ({terminal(', '.join(details))})")
            scope = [*g.systems, *(["blueprint-level changes"] if g.blueprint else [])]
            out.append(f": {terminal(', '.join(scope))}\n")
        if approvals.unapproved:
            out.append("  no effective approver: ", style="bold red")
            out.append(terminal(", ".join(approvals.unapproved)) + "\n")
    return out


def render_invalid_text(sides: Sequence[InvalidSide]) -> Styled:
    out = Styled()
    for role, source, errors in sides:
        if not errors:
            continue
        out.append(
            f"{role} side {terminal(source)}: invalid blueprint ({plural(len(errors), 'error')})\n",
            style="bold red",
        )
        for error in errors:
            out.append_text(error_line(error))
            out.append("\n")
    return out


# -- Markdown ---------------------------------------------------------------------------


def _finding_md(finding: Finding) -> str:
    waived = " (waived)" if finding.waived else ""
    return (
        f"- **{finding.severity}** {markdown_code(finding.rule)} {markdown_code(finding.target)}: "
        f"{markdown(finding.message)}{waived} · {markdown_code(_where(finding))}"
    )


def _details_md(change: EntityChange) -> list[str]:
    what = (
        f"{len(change.fields)} field{'s' if len(change.fields) != 1 else ''}"
        if change.fields
        else change.change
    )
    summary = (
        f"{html(change.collection)} · <code>{html(change.id)}</code>{html(_item_label(change))}"
        f" · {change.change}{' (' + what + ')' if change.change == 'changed' else ''}"
    )
    lines = ["<details>", f"<summary>{summary}</summary>", ""]
    if change.change == "changed":
        for f in change.fields:
            lines.append(
                f"- {markdown_code(f.path)}: {markdown_code(_value(f.old))} → {markdown_code(_value(f.new))}"
            )
    else:
        for key, value in (change.item or {}).items():
            if value is not None:
                lines.append(f"- {markdown_code(key)}: {markdown_code(_value(value))}")
    lines += ["", "</details>"]
    return lines


# Mermaid: numeric entity codes for anything that is not plainly safe in a quoted label.
_NODE_CLASS = {
    "added": "fill:#dafbe1,stroke:#1a7f37,color:#0f3d1e",
    "removed": "fill:#ffebe9,stroke:#cf222e,stroke-dasharray:5 5,color:#67060c",
    "changed": "fill:#fff8c5,stroke:#9a6700,color:#4d2d00",
    "context": "fill:#f6f8fa,stroke:#8c959f,color:#24292f",
}
_LINK_STYLE = {
    "added": "stroke:#1a7f37,stroke-width:2px",
    "removed": "stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5",
    "changed": "stroke:#9a6700,stroke-width:2px",
}


def render_mermaid(hood: Neighbourhood) -> str:
    """A Mermaid flowchart of the changed neighbourhood: added green, removed red and
    dashed, changed amber, context grey; fallbacks are dotted arrows."""
    if not hood.nodes:
        return ""
    ids = {node.id: f"n{index}" for index, node in enumerate(hood.nodes)}
    lines = ["flowchart LR"]
    for node in hood.nodes:
        detail = node.kind if node.name == node.id else f"{node.id} · {node.kind}"
        lines.append(
            f'  {ids[node.id]}["{mermaid(_short(node.name, 60))}<br/>{mermaid(_short(detail, 60))}"]'
        )
    styled: dict[str, list[str]] = {}
    for index, edge in enumerate(hood.edges):
        arrow = "-.->" if edge.kind == "fallback" else "-->"
        label = mermaid(_short(edge.label.replace(" -> ", " → "), 48))
        lines.append(f'  {ids[edge.source]} {arrow}|"{label}"| {ids[edge.target]}')
        if edge.status in _LINK_STYLE:
            styled.setdefault(edge.status, []).append(str(index))
    for status, style in _NODE_CLASS.items():
        lines.append(f"  classDef {status} {style}")
    for status in _NODE_CLASS:
        members = [ids[n.id] for n in hood.nodes if n.status == status]
        if members:
            lines.append(f"  class {','.join(members)} {status}")
    for status, style in _LINK_STYLE.items():
        if status in styled:
            lines.append(f"  linkStyle {','.join(styled[status])} {style}")
    return "\n".join(lines)


def render_markdown(diff: BlueprintDiff) -> str:
    """A pull-request comment: summary, highlights, findings delta, approvers,
    a Mermaid diagram of the changed neighbourhood and collapsible details."""
    lines = [MARKER, f"### Architecture diff: {markdown(diff.title)}", ""]
    lines.append(f"**{markdown(summary_line(diff))}**")
    lines.append("")
    lines.append(
        f"{markdown_code(diff.old_source)} → {markdown_code(diff.new_source)} · as of {diff.as_of.isoformat()}"
    )
    if diff.controls:
        lines += ["", f"#### Configuration and rules ({len(diff.controls)})", ""]
        for control in diff.controls:
            mark = "**controls weakened** " if control.weakened else ""
            lines.append(f"- {mark}{markdown_code(control.target)}: {markdown(control.reason)}")
    if diff.hidden:
        lines += [
            "",
            f"#### Hidden by configuration ({len(diff.hidden)})",
            "",
            "Findings the old side's configuration raises on the new blueprint and the new one hides:",
            "",
        ]
        lines += [_finding_md(f) for f in diff.hidden]
    if diff.highlights:
        lines += ["", f"#### Risk highlights ({len(diff.highlights)})", ""]
        for h in diff.highlights:
            lines.append(f"- **{h.kind}** {markdown_code(h.target)}: {markdown(h.reason)}")
    findings = diff.findings
    if diff.changed or findings.new or findings.resolved:
        lines += ["", "#### Findings delta", ""]
        unwaived = [c for c in findings.unchanged if c.unwaived]
        lines.append(f"**{len(findings.new)} new{':' if findings.new else ''}**")
        if findings.new:
            lines.append("")
            lines += [_finding_md(c.finding) for c in findings.new]
        if unwaived:
            lines += ["", f"**{len(unwaived)} no longer waived:**", ""]
            lines += [_finding_md(c.finding) for c in unwaived]
        lines += ["", f"**{len(findings.resolved)} resolved{':' if findings.resolved else ''}**"]
        if findings.resolved:
            lines.append("")
            lines += [_finding_md(c.finding) for c in findings.resolved]
        if findings.unchanged:
            lines += [
                "",
                "<details>",
                f"<summary>{len(findings.unchanged)} unchanged</summary>",
                "",
            ]
            lines += [_finding_md(c.finding) for c in findings.unchanged[:MAX_UNCHANGED]]
            if len(findings.unchanged) > MAX_UNCHANGED:
                lines.append(
                    f"- … and {len(findings.unchanged) - MAX_UNCHANGED} more (see `--format json`)"
                )
            lines += ["", "</details>"]
    approvals = diff.approvals
    if approvals.groups or approvals.unapproved:
        lines += ["", f"#### Required approvers ({len(approvals.groups)})", ""]
        for g in approvals.groups:
            about = ", ".join(
                [
                    markdown_code(g.owner),
                    *([markdown(g.function)] if g.function else []),
                    *([markdown_code(g.contact)] if g.contact else []),
                ]
            )
            scope = [markdown_code(s) for s in g.systems] + (
                ["blueprint-level changes"] if g.blueprint else []
            )
            lines.append(f"- **{markdown(g.name or g.owner)}** ({about}): {', '.join(scope)}")
        if approvals.unapproved:
            lines.append(
                f"- **No effective approver:** {', '.join(markdown_code(s) for s in approvals.unapproved)}"
            )
    diagram = render_mermaid(diff.neighbourhood)
    if diagram:
        hood = diff.neighbourhood
        lines += ["", "#### Changed neighbourhood", "", "```mermaid", diagram, "```", ""]
        note = "Green: added · red, dashed: removed · amber: changed · grey: unchanged context; dotted arrows are fallbacks."
        if hood.omitted_nodes or hood.omitted_edges:
            note += (
                f" Not shown: {plural(hood.omitted_nodes, 'system')}, "
                f"{plural(hood.omitted_edges, 'edge')}."
            )
        lines.append(note)
    if diff.changes:
        changes = _ordered_changes(diff)
        lines += ["", f"#### Changes ({len(changes)})", ""]
        for change in changes[:MAX_DETAILS]:
            lines += _details_md(change)
        if len(changes) > MAX_DETAILS:
            lines.append(
                f"… and {len(changes) - MAX_DETAILS} more (see `cadee diff --format json`)."
            )
    lines += _todo_md(diff)
    text = "\n".join(lines) + "\n"
    return text if len(text) <= _COMPACT_ABOVE else _compact_markdown(diff)


def _owner_md(diff: BlueprintDiff, owner: str) -> str:
    group = next((g for g in diff.approvals.groups if g.owner == owner), None)
    name = group.name if group is not None and group.name else None
    return f"**{markdown(name)}** ({markdown_code(owner)})" if name else markdown_code(owner)


def _todo_md(diff: BlueprintDiff) -> list[str]:
    """The closing section of the comment: who must approve, what to fix or waive."""
    steps: list[str] = []
    if diff.approvals.groups:
        steps.append(
            "- Needs approval from "
            + ", ".join(_owner_md(diff, g.owner) for g in diff.approvals.groups)
            + "."
        )
    if diff.weakened:
        steps.append(
            f"- Restore the {plural(len(diff.weakened), 'weakened control')} or have the configuration "
            "change approved by the blueprint's approvers."
        )
    for fix in diff.fixes[:_MAX_FIXES]:
        finding = fix.finding
        what = f"Fix {markdown_code(finding.rule)} on {markdown_code(finding.target)}"
        if fix.hidden:
            what += " (hidden by configuration)"
        if finding.rule.startswith("WVR"):
            steps.append(f"- {what} (waiver findings cannot be waived).")
        elif fix.waiver_approvers:
            people = " or ".join(_owner_md(diff, p) for p in fix.waiver_approvers)
            steps.append(f"- {what} or add a waiver approved by {people}.")
        else:
            steps.append(
                f"- {what} or add a waiver approved by someone who does not own "
                f"{markdown_code(finding.target)}."
            )
    if len(diff.fixes) > _MAX_FIXES:
        steps.append(f"- … and {len(diff.fixes) - _MAX_FIXES} more findings to fix or waive.")
    if not steps:
        return []
    return ["", "#### What to do", "", *steps]


def _compact_markdown(diff: BlueprintDiff) -> str:
    """The comment when the full report would not fit: summary, highlights, new findings,
    approvers and what to do, each list capped; no diagram, no details."""

    def capped(items: list[str], what: str) -> list[str]:
        shown = items[:_COMPACT_ITEMS]
        if len(items) > _COMPACT_ITEMS:
            shown.append(f"- … and {len(items) - _COMPACT_ITEMS} more {what}")
        return shown

    lines = [MARKER, f"### Architecture diff: {markdown(diff.title)}", ""]
    lines.append(f"**{markdown(summary_line(diff))}**")
    lines += [
        "",
        f"{markdown_code(diff.old_source)} → {markdown_code(diff.new_source)} · as of "
        f"{diff.as_of.isoformat()}",
        "",
        "The full report is too large for a comment; this is its summary. Run "
        "`cadee diff --format markdown` (or `--format json`) for all of it.",
    ]
    if diff.controls:
        lines += ["", f"#### Configuration and rules ({len(diff.controls)})", ""]
        lines += capped(
            [
                f"- {'**controls weakened** ' if c.weakened else ''}{markdown_code(c.target)}: "
                f"{markdown(c.reason)}"
                for c in diff.controls
            ],
            "control changes",
        )
    if diff.highlights:
        lines += ["", f"#### Risk highlights ({len(diff.highlights)})", ""]
        lines += capped(
            [
                f"- **{h.kind}** {markdown_code(h.target)}: {markdown(h.reason)}"
                for h in diff.highlights
            ],
            "highlights",
        )
    introduced = [f.finding for f in diff.fixes]
    if introduced:
        lines += ["", f"#### Findings to fix or waive ({len(introduced)})", ""]
        lines += capped([_finding_md(f) for f in introduced], "findings")
    todo = _todo_md(diff)
    lines += todo
    text = "\n".join(lines) + "\n"
    if len(text) > MAX_COMMENT:  # never reached with the caps above; a last guard all the same
        text = text[: MAX_COMMENT - 200].rsplit("\n", 1)[0] + "\n\n… (cut to fit a comment)\n"
    return text


def render_invalid_markdown(sides: Sequence[InvalidSide]) -> str:
    lines = [MARKER, "### Architecture diff: invalid blueprint", ""]
    for role, source, errors in sides:
        if not errors:
            continue
        lines.append(
            f"**The {role} side {markdown_code(source)} is not a valid blueprint "
            f"({plural(len(errors), 'error')}):**"
        )
        lines.append("")
        lines += _errors_md(errors)
        lines.append("")
    return "\n".join(lines)


def _errors_md(errors: Iterable[LoadError]) -> list[str]:
    out = []
    for error in errors:
        loc = error.location
        where = f"{loc.file}:{loc.line}:{loc.column}"
        path = f" ({markdown_code(loc.path)})" if loc.path else ""
        out.append(f"- {markdown_code(where)}: {markdown(error.message)}{path}")
    return out
