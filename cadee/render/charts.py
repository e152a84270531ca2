"""One small chart per KPI: its measurements over time, the rollout, baseline, target and gates.

Drawn by matplotlib (the ``charts`` extra: ``pip install cadee[charts]``) with
the Agg backend, as SVG made deterministic: a fixed ``svg.hashsalt`` for the
element ids, no date or creator in the metadata, text kept as text (searchable
in the PDF) in the maps' font. The same measurements give the same bytes.
Without matplotlib, :func:`charts_available` is false and documents say how to
get the charts instead of drawing them.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence
from typing import Any

from cadee.decision import Evaluation, KpiComparison, format_number, is_percentage
from cadee.model import Blueprint, Gate, Kpi, MeasuredValue

__all__ = [
    "INSTALL_HINT",
    "PLOT_LIMIT",
    "charted_kpis",
    "charts_available",
    "kpi_charts",
    "plottable",
]

INSTALL_HINT = "KPI charts need matplotlib: pip install 'cadee[charts]'"

INK = "#1F2933"
MUTED = "#6B7785"
MEASURED = "#2C5F8A"
TARGET = "#2F7D4F"
GATE = "#C81E1E"
SCALE_GATE = "#59449A"
ROLLOUT = "#A8561C"
#: The maps' font first (metric-compatible with Arial and Helvetica); matplotlib bundles DejaVu Sans.
FONTS = ["Liberation Sans", "Arial", "Helvetica", "DejaVu Sans"]


def charts_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _style() -> dict[str, Any]:
    # Sizes are printed sizes: a chart is drawn at the width of a half A4 column (3.4 in),
    # so no text is below 7 pt on paper.
    return {
        "svg.hashsalt": "cadee",
        "svg.fonttype": "none",
        # KPI names and units are user text: never mathtext (`$...$`), never a parse error.
        "text.parse_math": False,
        "font.family": "sans-serif",
        "font.sans-serif": FONTS,
        "font.size": 8,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "axes.linewidth": 0.6,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "path.simplify": False,
        "legend.fontsize": 7,
        "legend.frameon": False,
    }


def _gate_lines(gates: Sequence[Gate]) -> list[tuple[float, str, str]]:
    """``(value, label, colour)`` per gate with a trigger: red stops, purple scales."""
    lines = []
    for gate in gates:
        if gate.trigger is None:
            continue
        bound = gate.trigger.below if gate.trigger.below is not None else gate.trigger.above
        assert bound is not None
        label = f"{gate.action} gate {'<' if gate.trigger.below is not None else '>'} {format_number(bound)}"
        lines.append((float(bound), label, SCALE_GATE if gate.action == "scale" else GATE))
    return lines


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month(value: float, _position: int | None = None) -> str:
    import matplotlib.dates as mdates

    date = mdates.num2date(value)  # type: ignore[no-untyped-call]
    return f"{_MONTHS[date.month - 1]} {date.year % 100:02d}"


def _chart(
    comparison: KpiComparison,
    points: Sequence[MeasuredValue],
    live_since: dt.date | None,
    gates: Sequence[Gate],
    as_of: dt.date,
) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    kpi = comparison.kpi
    shown = [p for p in points if p.date <= as_of]

    def day(date: dt.date) -> float:
        return float(mdates.date2num(date))  # type: ignore[no-untyped-call]

    with matplotlib.rc_context(_style()):  # type: ignore[arg-type]
        figure = Figure(figsize=(3.4, 2.2), dpi=100)
        axes = figure.add_subplot()
        dates = [day(p.date) for p in shown]
        values = [float(p.value) for p in shown]
        axes.plot(
            dates,
            values,
            color=MEASURED,
            linewidth=1.1,
            marker="o",
            markersize=2.2,
            label="measured",
            zorder=3,
        )
        if live_since is not None:
            axes.axvline(
                day(live_since),
                color=ROLLOUT,
                linewidth=0.9,
                linestyle="-",
                zorder=2,
                label="rollout",
            )
        for value, label, style, colour in (
            (kpi.baseline, "baseline", (0, (1, 1.5)), MUTED),
            (kpi.target, "target", (0, (4, 2)), TARGET),
        ):
            if value is not None:
                axes.axhline(
                    float(value),
                    color=colour,
                    linewidth=0.8,
                    linestyle=style,
                    label=label,
                    zorder=1,
                )
        for value, label, colour in _gate_lines(gates):
            axes.axhline(value, color=colour, linewidth=0.8, linestyle=(0, (2, 1)), zorder=1)
            axes.annotate(
                label,
                (1.0, value),
                xycoords=("axes fraction", "data"),
                xytext=(-2, 2),
                textcoords="offset points",
                fontsize=7,
                color=colour,
                ha="right",
            )
        labelled = False
        for side, start, end in (
            (
                comparison.before,
                dates[0] if dates else None,
                day(live_since) if live_since else None,
            ),
            (
                comparison.after,
                day(live_since) if live_since else None,
                dates[-1] if dates else None,
            ),
        ):
            if side.mean is not None and start is not None and end is not None:
                axes.hlines(
                    side.mean,
                    start,
                    end,
                    color=INK,
                    linewidth=1.6,
                    alpha=0.55,
                    zorder=2,
                    label="_" if labelled else "mean before / after",
                )
                labelled = True
        title = textwrap.shorten(kpi.name, 60, placeholder="…")
        axes.set_title(title, fontsize=8, color=INK, loc="left", pad=3)
        unit = "%" if is_percentage(kpi) else (kpi.unit or "")
        if unit:
            axes.set_ylabel(unit, fontsize=7)
        axes.xaxis.set_major_locator(mdates.MonthLocator())  # type: ignore[no-untyped-call]
        # Month names in English whatever the locale (strftime's %b follows LC_TIME).
        axes.xaxis.set_major_formatter(FuncFormatter(_month))
        handles, labels = axes.get_legend_handles_labels()
        figure.legend(
            handles,
            labels,
            loc="lower center",
            ncols=len(labels),
            handlelength=1.4,
            columnspacing=0.7,
            handletextpad=0.4,
            borderaxespad=0.2,
        )
        figure.tight_layout(pad=0.3, rect=(0, 0.08, 1, 1))
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue().encode("utf-8")


#: The largest magnitude a chart draws (values, baseline, target, gate thresholds).
#: Numbers up to about 1.8e308 are valid, but matplotlib's transforms overflow long
#: before that, and no KPI's scale needs more than this.
PLOT_LIMIT = 1e15


def plottable(blueprint: Blueprint, kpi: Kpi) -> bool:
    """Whether everything the KPI's chart draws is within :data:`PLOT_LIMIT`."""
    values: list[int | float] = [p.value for p in blueprint.measurements.get(kpi.id, [])]
    values += [v for v in (kpi.baseline, kpi.target) if v is not None]
    for gate in blueprint.gates:
        if gate.kpi == kpi.id and gate.trigger is not None:
            values += [v for v in (gate.trigger.below, gate.trigger.above) if v is not None]
    return all(abs(value) <= PLOT_LIMIT for value in values)


def charted_kpis(blueprint: Blueprint, evaluation: Evaluation) -> list[KpiComparison]:
    """The KPIs that get a chart: those with measurements up to the as-of date, all
    within :data:`PLOT_LIMIT`. Needs no matplotlib, so a pack without any can skip
    importing it."""
    return [
        comparison
        for comparison in evaluation.kpis
        if any(
            p.date <= evaluation.as_of for p in blueprint.measurements.get(comparison.kpi.id, [])
        )
        and plottable(blueprint, comparison.kpi)
    ]


def kpi_charts(blueprint: Blueprint, evaluation: Evaluation) -> dict[str, bytes]:
    """``kpi id -> SVG`` for every KPI with measurements up to the as-of date."""
    charts: dict[str, bytes] = {}
    for comparison in charted_kpis(blueprint, evaluation):
        points = blueprint.measurements.get(comparison.kpi.id, [])
        gates = [g for g in blueprint.gates if g.kpi == comparison.kpi.id]
        charts[comparison.kpi.id] = _chart(
            comparison, points, blueprint.meta.live_since, gates, evaluation.as_of
        )
    return charts
