"""Reports for ``cadee simulate``: styled terminal text, JSON and Markdown.

Pure functions from a :class:`~cadee.simulate.Scenario` (``--fail``) or an
:class:`~cadee.simulate.Analysis` (``--all``, ``--pairs``) to text.
:func:`impact_table_markdown` is the N-1 / N-2 table on its own, for documents
that embed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cadee.report.styled import Styled
from cadee.simulate import (
    Analysis,
    ChannelOutcome,
    Impact,
    Scenario,
    Score,
    ServiceOutcome,
    ServiceScore,
    ServiceSummary,
)
from cadee.text import json_text, markdown, markdown_code, plural, terminal

__all__ = [
    "analysis_to_dict",
    "impact_table_markdown",
    "render_json",
    "render_markdown",
    "render_text",
    "scenario_to_dict",
    "score_to_dict",
    "service_table_markdown",
]

_STATUS_STYLE = {"served": "green", "degraded": "yellow", "lost": "bold red"}
_KIND_TITLE = {
    "n-1": "N-1: every single-system failure",
    "n-2": "N-2: every pair of tier-1 systems",
}
_UNREACHABLE = "no AI component or human desk reachable"


def _percent(value: float) -> str:
    return f"{value:.1f}%"


def _lost_reason(outcome: ChannelOutcome) -> str:
    return "the channel itself failed" if outcome.channel_failed else _UNREACHABLE


def _failed_label(failed: Sequence[str]) -> str:
    return " + ".join(failed) if failed else "nothing"


# -- JSON ------------------------------------------------------------------------------


def score_to_dict(score: Score) -> dict[str, Any]:
    return {
        "pairs": score.pairs,
        "not_lost": score.not_lost,
        "served": score.served,
        "resilience": score.resilience,
        "resilience_percent": score.resilience_percent,
        "served_share": score.served_share,
        "served_percent": score.served_percent,
    }


def _outcome_to_dict(outcome: ChannelOutcome) -> dict[str, Any]:
    return {
        "channel": outcome.channel,
        "status": outcome.status,
        "serving": outcome.serving,
        "path": outcome.path_text or None,
        "hops": [{"system": step.system, "via": step.via or None} for step in outcome.path],
        "fallbacks_engaged": [
            {"failed": e.failed, "chain": list(e.chain), "to": e.replacement, "text": e.text()}
            for e in outcome.fallbacks_engaged
        ],
        "no_fallback_up": list(outcome.unrecovered),
        "channel_failed": outcome.channel_failed,
    }


def service_score_to_dict(score: ServiceScore) -> dict[str, Any]:
    return {
        "pairs": score.pairs,
        "delivered": score.delivered,
        "share": score.share,
        "percent": score.percent,
    }


def _service_outcome_to_dict(outcome: ServiceOutcome) -> dict[str, Any]:
    return {
        "service": outcome.service,
        "status": "delivered" if outcome.delivered else "disrupted",
        "channel": outcome.channel,
        "channels_lost": outcome.channels_lost,
        "unreached": list(outcome.unreached),
        "critical": outcome.critical,
        "expected_minutes": outcome.expected_minutes,
        "tolerance_minutes": outcome.tolerance_minutes,
        "breach": outcome.breach,
    }


def _service_summary_to_dict(summary: ServiceSummary) -> dict[str, Any]:
    return {
        "service": summary.service,
        "critical": summary.critical,
        "tolerance_minutes": summary.tolerance_minutes,
        "baseline_delivered": summary.baseline_delivered,
        "disrupted_by": [list(f) for f in summary.disrupted_by],
        "breached_by": [list(f) for f in summary.breached_by],
    }


def _summary(scenario: Scenario) -> dict[str, int]:
    return {
        "channels": len(scenario.channels),
        "served": len(scenario.served),
        "degraded": len(scenario.degraded),
        "lost": len(scenario.lost),
    }


def scenario_to_dict(path: str, scenario: Scenario) -> dict[str, Any]:
    """One ``--fail`` scenario: every channel with its path and engaged fallbacks."""
    return {
        "blueprint": path,
        "valid": True,
        "mode": "scenario",
        "failed": list(scenario.failed),
        "redundant_failed": list(scenario.redundant),
        "down": list(scenario.down),
        "channels": [_outcome_to_dict(o) for o in scenario.channels],
        "summary": _summary(scenario),
        "score": score_to_dict(scenario.score),
        "services": [_service_outcome_to_dict(o) for o in scenario.services],
        "service_score": service_score_to_dict(scenario.service_score),
    }


def _impact_to_dict(impact: Impact) -> dict[str, Any]:
    return {
        "failed": list(impact.failed),
        "lost": list(impact.lost),
        "degraded": list(impact.degraded),
        "summary": {
            "served": impact.served_count,
            "degraded": impact.degraded_count,
            "lost": impact.lost_count,
        },
        "services": list(impact.services),
        "breached": list(impact.breached),
        "expected_minutes": impact.expected_minutes,
    }


def analysis_to_dict(path: str, analysis: Analysis) -> dict[str, Any]:
    """An N-1 or N-2 analysis: the baseline, the impact table and the score."""
    baseline = analysis.baseline
    return {
        "blueprint": path,
        "valid": True,
        "mode": analysis.kind,
        "include_redundant": analysis.include_redundant,
        "candidates": list(analysis.candidates),
        "skipped_redundant": list(analysis.skipped_redundant),
        "scenarios": analysis.scenarios,
        "channels": list(analysis.channels),
        "baseline": {
            "served": list(baseline.served),
            "degraded": list(baseline.degraded),
            "lost": list(baseline.lost),
        },
        "impacts": [_impact_to_dict(i) for i in analysis.impacts],
        "score": score_to_dict(analysis.score),
        "services": [_service_summary_to_dict(s) for s in analysis.services],
        "service_score": service_score_to_dict(analysis.service_score),
    }


def render_json(path: str, result: Scenario | Analysis) -> str:
    data = (
        scenario_to_dict(path, result)
        if isinstance(result, Scenario)
        else analysis_to_dict(path, result)
    )
    return json_text(data)


# -- text ------------------------------------------------------------------------------


def _score_line(score: Score, unit: str) -> Styled:
    line = Styled()
    line.append("resilience score: ", style="bold")
    line.append(
        f"{_percent(score.resilience_percent)} not lost ({score.resilience:.3f}, "
        f"{score.not_lost} of {plural(score.pairs, unit)})",
        style="bold",
    )
    line.append(
        f"; {_percent(score.served_percent)} served ({score.served_share:.3f}, "
        f"{score.served} of {score.pairs})\n"
    )
    return line


def _breaches(count: int) -> str:
    return f"{count} tolerance {'breach' if count == 1 else 'breaches'}"


def _minutes(minutes: int | None) -> str:
    return "unknown" if minutes is None else f"{minutes} min"


def _service_reason(outcome: ServiceOutcome) -> str:
    if outcome.delivered:
        return f"via {outcome.channel}"
    if outcome.channels_lost:
        reason = "every channel lost"
    elif outcome.unreached:
        reason = "no channel reaches " + ", ".join(outcome.unreached)
    else:
        reason = "no one channel reaches every required system"
    tolerance = _minutes(outcome.tolerance_minutes) if outcome.tolerance_minutes else "none"
    verdict = "breach" if outcome.breach else "within tolerance"
    return (
        f"{reason}; expected disruption {_minutes(outcome.expected_minutes)}, "
        f"tolerance {tolerance}: {verdict}"
    )


def _service_score_line(score: ServiceScore, unit: str) -> Styled:
    line = Styled()
    line.append("service score: ", style="bold")
    line.append(
        f"{_percent(score.percent)} delivered ({score.share:.3f}, "
        f"{score.delivered} of {plural(score.pairs, unit)})\n",
        style="bold",
    )
    return line


def _counts(served: int, degraded: int, lost: int, channels: int) -> str:
    return f"{served} served, {degraded} degraded, {lost} lost of {plural(channels, 'channel')}"


def _scenario_text(path: str, scenario: Scenario) -> Styled:
    out = Styled()
    out.append(terminal(path), style="bold underline")
    out.append(f": {_failed_label(scenario.failed)} failed\n")
    for system in scenario.redundant:
        out.append(
            f"  {system} has redundancy >= 2: simulated as every instance down\n", style="dim"
        )
    out.append("\n")
    if not scenario.channels:
        out.append("  the blueprint declares no channel\n\n")
    width = max((len(o.channel) for o in scenario.channels), default=0)
    indent = " " * (2 + 8 + 2 + width + 2)
    for outcome in scenario.channels:
        out.append("  ")
        out.append(f"{outcome.status:<8}", style=_STATUS_STYLE[outcome.status])
        out.append(f"  {outcome.channel:<{width}}  ", style="bold")
        if outcome.path:
            out.append(f"{outcome.path_text}\n")
        else:
            out.append(f"{_lost_reason(outcome)}\n", style="dim")
        engaged = outcome.fallbacks_engaged
        if engaged:
            out.append(f"{indent}fallbacks engaged: {', '.join(e.text() for e in engaged)}\n")
        if outcome.unrecovered:
            out.append(f"{indent}no fallback up: {', '.join(outcome.unrecovered)}\n", style="dim")
    out.append("\n")
    out.append(
        _counts(
            len(scenario.served), len(scenario.degraded), len(scenario.lost), len(scenario.channels)
        )
        + "\n"
    )
    out.append_text(_score_line(scenario.score, "channel"))
    if scenario.down:
        out.append(f"down through needs: {', '.join(scenario.down)}\n", style="dim")
    if scenario.services:
        out.append("\n")
        width = max(len(o.service) for o in scenario.services)
        for service in scenario.services:
            status = "delivered" if service.delivered else "disrupted"
            out.append("  ")
            out.append(
                f"{status:<9}",
                style="green"
                if service.delivered
                else ("bold red" if service.breach else "yellow"),
            )
            out.append(f"  {service.service:<{width}}  ", style="bold")
            out.append(_service_reason(service) + "\n")
        out.append("\n")
        delivered = len(scenario.services) - len(scenario.disrupted)
        out.append(
            f"{delivered} delivered, {len(scenario.disrupted)} disrupted of "
            f"{plural(len(scenario.services), 'service')}; "
            f"{_breaches(len(scenario.breached))}\n"
        )
        out.append_text(_service_score_line(scenario.service_score, "service"))
    return out


def _impact_channels(impact: Impact) -> str:
    parts = []
    if impact.lost:
        parts.append("lost: " + ", ".join(impact.lost))
    if impact.degraded:
        parts.append("degraded: " + ", ".join(impact.degraded))
    if impact.services:
        parts.append(
            "services disrupted: "
            + ", ".join(f"{s} (breach)" if s in impact.breached else s for s in impact.services)
        )
    return "; ".join(parts)


def _analysis_text(path: str, analysis: Analysis) -> Styled:
    out = Styled()
    out.append(terminal(path), style="bold underline")
    noun = "single-system failure" if analysis.kind == "n-1" else "pair failure"
    label = "N-1" if analysis.kind == "n-1" else "N-2 over tier-1 systems"
    out.append(f": {label}, {plural(analysis.scenarios, noun)}\n")
    if analysis.kind == "n-1" and analysis.skipped_redundant:
        out.append(
            f"  {plural(len(analysis.skipped_redundant), 'system')} with redundancy >= 2 "
            "skipped (--include-redundant adds them)\n",
            style="dim",
        )
    if analysis.kind == "n-2":
        out.append(
            f"  {plural(len(analysis.candidates), 'tier-1 system')}, whatever their redundancy\n",
            style="dim",
        )
    base = analysis.baseline
    out.append(
        "  with nothing failed: "
        + _counts(len(base.served), len(base.degraded), len(base.lost), len(base.channels))
        + "\n\n"
    )
    impacts = analysis.impacts
    if impacts:
        labels = [_failed_label(i.failed) for i in impacts]
        width = max(len("failed"), *(len(label) for label in labels))
        out.append(f"  {'failed':<{width}}  lost  degraded  channels worse off\n", style="bold")
        for label, impact in zip(labels, impacts, strict=True):
            out.append(f"  {label:<{width}}  ")
            out.append(f"{len(impact.lost):>4}", style="bold red" if impact.lost else "")
            out.append(f"  {len(impact.degraded):>8}  ")
            out.append(_impact_channels(impact) + "\n")
        out.append("\n")
    unaffected = analysis.scenarios - len(impacts)
    things = "every channel and service" if analysis.services else "every channel"
    if not analysis.scenarios:
        out.append(f"no {noun} to simulate\n")
    elif analysis.kind == "n-2":
        out.append(
            f"{len(impacts)} of {plural(analysis.scenarios, noun)} "
            f"{'is' if len(impacts) == 1 else 'are'} worse than either failure alone\n"
        )
    else:
        out.append(
            f"{unaffected} of {plural(analysis.scenarios, noun)} "
            f"{'leaves' if unaffected == 1 else 'leave'} {things} as it is with nothing failed\n"
        )
    out.append_text(_score_line(analysis.score, "scenario-channel pair"))
    if analysis.services:
        out.append_text(_service_summary_text(analysis))
    return out


def _service_summary_text(analysis: Analysis) -> Styled:
    out = Styled().append("\n")
    width = max(len("service"), *(len(s.service) for s in analysis.services))
    out.append(
        f"  {'service':<{width}}  critical  tolerance  disrupted by  breaches tolerance\n",
        style="bold",
    )
    for summary in analysis.services:
        tolerance = _minutes(summary.tolerance_minutes) if summary.tolerance_minutes else "none"
        if not summary.baseline_delivered:
            detail = "disrupted with nothing failed"
            count = "-"
        else:
            detail = ", ".join(" + ".join(f) for f in summary.breached_by) or "-"
            count = str(len(summary.disrupted_by))
        out.append(
            f"  {summary.service:<{width}}  {'yes' if summary.critical else 'no':<8}  "
            f"{tolerance:>9}  {count:>12}  "
        )
        out.append(detail + "\n", style="bold red" if summary.breached_by else "")
    out.append("\n")
    out.append_text(_service_score_line(analysis.service_score, "scenario-service pair"))
    return out


def render_text(path: str, result: Scenario | Analysis) -> Styled:
    """The terminal report; styles are data, the CLI decides about colour."""
    if isinstance(result, Scenario):
        return _scenario_text(path, result)
    return _analysis_text(path, result)


# -- Markdown --------------------------------------------------------------------------


def _codes(items: Sequence[str], in_table: bool = False) -> str:
    return ", ".join(markdown_code(item, in_table) for item in items) or "—"


def _score_markdown(score: Score, unit: str) -> str:
    return (
        f"**Resilience score: {_percent(score.resilience_percent)} not lost** "
        f"({score.resilience:.3f}, {score.not_lost} of {plural(score.pairs, unit)}); "
        f"{_percent(score.served_percent)} served ({score.served_share:.3f}, "
        f"{score.served} of {score.pairs}).\n"
    )


def _scenario_markdown(scenario: Scenario) -> str:
    lines = [
        f"Failed: {_codes(scenario.failed) if scenario.failed else 'nothing'}.",
    ]
    if scenario.redundant:
        lines.append(
            f"Redundancy 2 or more, simulated as every instance down: {_codes(scenario.redundant)}."
        )
    lines.append("")
    if scenario.channels:
        lines += [
            "| channel | status | path | fallbacks engaged | no fallback up |",
            "|---|---|---|---|---|",
        ]
        for o in scenario.channels:
            status = f"**{o.status}**" if o.status == "lost" else o.status
            path = (
                markdown_code(o.path_text, in_table=True) if o.path else markdown(_lost_reason(o))
            )
            engaged = (
                ", ".join(markdown_code(e.text(), in_table=True) for e in o.fallbacks_engaged)
                or "—"
            )
            lines.append(
                f"| {markdown_code(o.channel, in_table=True)} | {status} | {path} | {engaged} | "
                f"{_codes(o.unrecovered, in_table=True)} |"
            )
    else:
        lines.append("The blueprint declares no channel.")
    lines += [
        "",
        _counts(
            len(scenario.served), len(scenario.degraded), len(scenario.lost), len(scenario.channels)
        )
        + ".",
        "",
        _score_markdown(scenario.score, "channel"),
    ]
    if scenario.down:
        lines += [f"Down through `needs`: {_codes(scenario.down)}.", ""]
    if scenario.services:
        lines += [
            "| service | status | channel | why | expected disruption | tolerance | breach |",
            "|---|---|---|---|---|---|---|",
        ]
        for svc in scenario.services:
            status = "delivered" if svc.delivered else "**disrupted**"
            why = "—" if svc.delivered else markdown(_service_reason(svc).split(";", 1)[0])
            expected = "—" if svc.delivered else _minutes(svc.expected_minutes)
            tolerance = _minutes(svc.tolerance_minutes) if svc.tolerance_minutes else "none"
            breach = "**yes**" if svc.breach else "no"
            channel = markdown_code(svc.channel, in_table=True) if svc.channel else "—"
            lines.append(
                f"| {markdown_code(svc.service, in_table=True)} | {status} | {channel} | {why} | {expected} | {tolerance} | {breach} |"
            )
        lines += [
            "",
            f"{len(scenario.services) - len(scenario.disrupted)} delivered, {len(scenario.disrupted)} "
            f"disrupted of {plural(len(scenario.services), 'service')}; {_breaches(len(scenario.breached))}.",
            "",
            _service_score_markdown(scenario.service_score, "service"),
        ]
    return "\n".join(lines)


def _service_score_markdown(score: ServiceScore, unit: str) -> str:
    return (
        f"**Service score: {_percent(score.percent)} delivered** "
        f"({score.share:.3f}, {score.delivered} of {plural(score.pairs, unit)}).\n"
    )


def service_table_markdown(analysis: Analysis) -> str:
    """Per service: how many failures disrupt it and which breach its tolerance."""
    if not analysis.services:
        return "The blueprint declares no business service.\n"
    lines = [
        "| service | critical | tolerance | disrupted by | breaches tolerance |",
        "|---|---|---:|---:|---|",
    ]
    for summary in analysis.services:
        tolerance = _minutes(summary.tolerance_minutes) if summary.tolerance_minutes else "none"
        if summary.baseline_delivered:
            count = str(len(summary.disrupted_by))
            breaches = (
                ", ".join(
                    " + ".join(markdown_code(x, in_table=True) for x in f)
                    for f in summary.breached_by
                )
                or "—"
            )
        else:
            count, breaches = "—", "disrupted with nothing failed"
        lines.append(
            f"| {markdown_code(summary.service, in_table=True)} | {'yes' if summary.critical else 'no'} | {tolerance} | "
            f"{count} | {breaches} |"
        )
    return "\n".join(lines) + "\n"


def impact_table_markdown(analysis: Analysis) -> str:
    """The table of failures that leave a channel worse off, worst first."""
    if not analysis.impacts:
        if analysis.kind == "n-2":
            return "No pair of tier-1 systems failing is worse than either failing alone.\n"
        return "No single-system failure leaves a channel worse off than with nothing failed.\n"
    services = bool(analysis.services)
    lines = [
        "| failed | lost | degraded | channels lost | channels degraded |"
        + (" services disrupted |" if services else ""),
        "|---|---:|---:|---|---|" + ("---|" if services else ""),
    ]
    for impact in analysis.impacts:
        failed = " + ".join(markdown_code(s, in_table=True) for s in impact.failed)
        row = (
            f"| {failed} | {len(impact.lost)} | {len(impact.degraded)} | "
            f"{_codes(impact.lost, in_table=True)} | {_codes(impact.degraded, in_table=True)} |"
        )
        if services:
            row += (
                " "
                + (
                    ", ".join(
                        markdown_code(s, in_table=True)
                        + (" (breach)" if s in impact.breached else "")
                        for s in impact.services
                    )
                    or "—"
                )
                + " |"
            )
        lines.append(row)
    return "\n".join(lines) + "\n"


def _analysis_markdown(analysis: Analysis) -> str:
    noun = "single-system failures" if analysis.kind == "n-1" else "pairs of tier-1 systems"
    base = analysis.baseline
    lines = [f"{analysis.scenarios} {noun} simulated."]
    if analysis.kind == "n-1" and analysis.skipped_redundant:
        lines[0] += (
            f" {plural(len(analysis.skipped_redundant), 'system')} with redundancy 2 or more "
            "skipped (`--include-redundant` adds them)."
        )
    lines += [
        "With nothing failed: "
        + _counts(len(base.served), len(base.degraded), len(base.lost), len(base.channels))
        + ".",
        "",
        impact_table_markdown(analysis),
        _score_markdown(analysis.score, "scenario-channel pair"),
    ]
    if analysis.kind == "n-2":
        lines[-2:-2] = ["Only pairs worse than either failure alone are listed.", ""]
    if analysis.services:
        lines += [
            service_table_markdown(analysis),
            _service_score_markdown(analysis.service_score, "scenario-service pair"),
        ]
    return "\n".join(lines)


def render_markdown(path: str, result: Scenario | Analysis, title: str | None = None) -> str:
    """A Markdown section for pull requests and evidence documents."""
    if isinstance(result, Scenario):
        failed = " + ".join(markdown_code(s) for s in result.failed) if result.failed else "nothing"
        heading = f"Failure scenario: {failed} failed"
        body = _scenario_markdown(result)
    else:
        heading = _KIND_TITLE[result.kind]
        body = _analysis_markdown(result)
    about = f"Blueprint {markdown_code(path)}" + (f" ({markdown(title)})" if title else "") + "."
    return f"# {heading}\n\n{about}\n\n{body}"
