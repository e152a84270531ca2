"""FBK003's condensation-and-bitset algorithm agrees with a brute-force definition."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import networkx as nx

from cadee.check import CheckOptions, check
from cadee.load import load_blueprint


def brute_force(
    systems: list[str], fallbacks: dict[str, list[str]], sync: list[tuple[str, str]]
) -> set[str]:
    graph = nx.DiGraph()
    graph.add_nodes_from(systems)
    graph.add_edges_from(sync)
    found = set()
    for p, targets in fallbacks.items():
        for f in targets:
            # P reachable from F over >= 1 sync edge.
            if any(p == s or nx.has_path(graph, s, p) for s in graph.successors(f)):
                found.add(p)
    return found


def test_random_estates_match_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(60):
        n = rng.randint(2, 14)
        systems = [f"s{i}" for i in range(n)]
        fallbacks = {
            s: rng.sample(systems, rng.randint(1, 2)) for s in systems if rng.random() < 0.5
        }
        edges = {(rng.choice(systems), rng.choice(systems)) for _ in range(rng.randint(0, 3 * n))}
        modes = {edge: rng.choice(["sync", "sync", "async"]) for edge in edges}
        lines = ["cadee: 1", "blueprint: {id: bp, title: T}", "systems:"]
        for s in systems:
            chain = fallbacks.get(s)
            lines.append(
                f"  - {{id: {s}, kind: service{', fallback: [' + ', '.join(chain) + ']' if chain else ''}}}"
            )
        if edges:
            lines.append("integrations:")
            for a, b in sorted(edges):
                lines.append(f"  - {{from: {a}, to: {b}, mode: {modes[(a, b)]}}}")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bp.yaml"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            result = load_blueprint(path)
            assert result.blueprint is not None, result.errors
            report = check(result.blueprint, CheckOptions(select=("FBK003",)))
        sync = [edge for edge in edges if modes[edge] == "sync"]
        assert {f.target for f in report.findings} == brute_force(systems, fallbacks, sync)
