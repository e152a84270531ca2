"""cadee.graph: the integration graph written straight into networkx's dicts is the
graph the public API builds (same nodes, edges, keys, data and iteration order)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from benchmarks.generate import generate, generate_findings_heavy, write_estate
from cadee.graph import build_graph
from cadee.load import load_blueprint
from cadee.model import Blueprint
from tests.conftest import REPO


def _reference(blueprint: Blueprint) -> Any:
    graph = nx.MultiDiGraph()
    graph.add_nodes_from((s.id, {"system": s}) for s in blueprint.systems)
    graph.add_edges_from((i.from_, i.to, i.id, {"integration": i}) for i in blueprint.integrations)
    return graph


def _estate(tmp_path: Path, which: str) -> Blueprint:
    if which == "flagship":
        top = REPO / "examples" / "northwind-bank" / "blueprint.yaml"
    elif which == "realistic":
        top = write_estate(generate(300, seed=5), tmp_path)
    else:
        top = write_estate(generate_findings_heavy(300, seed=5), tmp_path)
    result = load_blueprint(top)
    assert result.blueprint is not None, result.errors[:5]
    return result.blueprint


@pytest.mark.parametrize("which", ["flagship", "realistic", "findings-heavy"])
def test_integration_graph_equals_the_public_api_build(tmp_path: Path, which: str) -> None:
    blueprint = _estate(tmp_path, which)
    built = build_graph(blueprint).integrations
    reference = _reference(blueprint)
    assert list(built.nodes(data=True)) == list(reference.nodes(data=True))
    assert list(built.edges(keys=True, data=True)) == list(reference.edges(keys=True, data=True))
    for node in reference:
        assert list(built.pred[node].items()) == list(reference.pred[node].items())
        assert list(built.succ[node].items()) == list(reference.succ[node].items())
    # One key dict per pair, shared by both directions, as networkx keeps it.
    assert all(built._succ[u][v] is built._pred[v][u] for u, v in built.edges())
    assert nx.utils.graphs_equal(built, reference)
    # The graph still takes edits through the public API.
    built.add_edge("x", "y", "x->y")
    assert built.has_edge("x", "y") and "x" in built.pred["y"]


def _reference_fallbacks(blueprint: Blueprint) -> Any:
    graph = nx.DiGraph()
    graph.add_nodes_from(s.id for s in blueprint.systems)
    for system in blueprint.systems:
        for position, step in enumerate(system.fallback or []):
            if not graph.has_edge(system.id, step.to):
                graph.add_edge(system.id, step.to, order=position, when=step.when)
    return graph


@pytest.mark.parametrize("which", ["flagship", "realistic", "findings-heavy"])
def test_fallback_graph_equals_the_public_api_build(tmp_path: Path, which: str) -> None:
    blueprint = _estate(tmp_path, which)
    assert any(s.fallback for s in blueprint.systems)
    built = build_graph(blueprint).fallbacks
    reference = _reference_fallbacks(blueprint)
    assert list(built.nodes(data=True)) == list(reference.nodes(data=True))
    assert list(built.edges(data=True)) == list(reference.edges(data=True))
    for node in reference:
        assert list(built.pred[node].items()) == list(reference.pred[node].items())
        assert list(built.succ[node].items()) == list(reference.succ[node].items())
    assert all(built._succ[u][v] is built._pred[v][u] for u, v in built.edges())
    assert nx.utils.graphs_equal(built, reference)
    built.add_edge("x", "y")
    assert built.has_edge("x", "y") and "x" in built.pred["y"]
