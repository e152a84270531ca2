"""KPI charts: drawn by matplotlib, deterministic, one per measured KPI."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from cadee.decision import evaluate
from cadee.load import load_blueprint
from tests.conftest import REPO

pytest.importorskip("matplotlib")

from cadee.render.charts import kpi_charts

AS_OF = dt.date(2026, 6, 1)


def _charts(example: str) -> dict[str, bytes]:
    blueprint = load_blueprint(REPO / "examples" / example / "blueprint.yaml").blueprint
    assert blueprint is not None
    return kpi_charts(blueprint, evaluate(blueprint, AS_OF))


def test_one_chart_per_measured_kpi_with_its_lines() -> None:
    charts = _charts("northwind-pilot")
    assert sorted(charts) == ["pilot-kpi-csat", "pilot-kpi-fcr"]  # handle time has no measurement
    svg = charts["pilot-kpi-csat"].decode()
    root = ET.fromstring(svg)
    texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for expected in (
        "Customer satisfaction (CSAT, 1-5)",
        "rollout",
        "baseline",
        "target",
        "mean before / after",
        "pause gate < 3.80",
        "Mar 26",
    ):
        assert expected in texts, expected


def test_charts_are_deterministic_and_carry_no_date() -> None:
    first, second = _charts("northwind-bank"), _charts("northwind-bank")
    assert first == second and len(first) == 5
    for svg in first.values():
        assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg
