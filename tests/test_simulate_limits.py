"""``simulate --pairs`` is capped (issue #16, item 7): N-2 grows with the square of tier-1 systems."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cadee.cli import main
from cadee.load import load_blueprint
from cadee.simulate import MAX_PAIRS, Simulator, TooManyScenarios, TooManySteps


def estate(tier1: int) -> str:
    """A channel behind a chain of ``tier1`` tier-1 services, with a desk fallback."""
    lines = [
        "cadee: 1",
        "blueprint: {id: t, title: T}",
        "systems:",
        "  - {id: web, kind: channel}",
        "  - {id: desk, kind: human-desk}",
        "  - {id: bot, kind: agent}",
    ]
    lines += [
        f"  - {{id: s{i}, kind: service, criticality: tier-1, fallback: [desk]}}"
        for i in range(tier1)
    ]
    lines += ["integrations:", "  - {from: web, to: s0}"]
    lines += [f"  - {{from: s{i}, to: s{i + 1}}}" for i in range(tier1 - 1)]
    lines += [f"  - {{from: s{tier1 - 1}, to: bot}}"]
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, tier1: int) -> Path:
    path = tmp_path / "estate.yaml"
    path.write_text(estate(tier1), encoding="utf-8")
    return path


def test_the_issue_reproduction_is_refused_at_once(tmp_path: Path) -> None:
    """2,000 tier-1 systems (2 million pairs) took 312 s and 1.7 GB; now refused in seconds."""
    path = write(tmp_path, 2000)
    done = subprocess.run(
        [sys.executable, "-m", "cadee", "simulate", str(path), "--pairs"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "1,999,000 pairs of 2,000 tier-1 systems" in done.stderr
    assert "above the limit of 100,000" in done.stderr and "--max-pairs 1999000" in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr


def test_max_pairs_raises_and_lowers_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, 30)  # 435 pairs
    assert main(["simulate", str(path), "--pairs", "--max-pairs", "434"]) == 2
    assert "435 pairs of 30 tier-1 systems, above the limit of 434" in capsys.readouterr().err
    assert main(["simulate", str(path), "--pairs", "--max-pairs", "435", "-f", "json"]) == 0
    assert '"scenarios": 435' in capsys.readouterr().out


def test_max_pairs_needs_pairs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(write(tmp_path, 3)), "--all", "--max-pairs", "5"]) == 2
    assert "--max-pairs only applies to --pairs" in capsys.readouterr().err


def test_library_limit_and_progress(tmp_path: Path) -> None:
    result = load_blueprint(write(tmp_path, 40))
    assert result.blueprint is not None
    simulator = Simulator(result.blueprint)
    assert simulator.pair_count() == 780
    with pytest.raises(TooManyScenarios):
        simulator.n_minus_2_tier1(max_pairs=779)
    seen: list[tuple[int, int]] = []
    analysis = simulator.n_minus_2_tier1(progress=lambda done, total: seen.append((done, total)))
    assert analysis.scenarios == 780
    assert seen[0] == (512, 780) and seen[-1] == (780, 780)
    assert simulator.n_minus_2_tier1(max_pairs=None).scenarios == 780
    assert MAX_PAIRS == 100_000


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    path = write(tmp_path, 205)  # 20,910 pairs: above the progress threshold
    leader, follower = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cadee", "simulate", str(path), "--pairs", "-f", "json"],
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=300,
            check=False,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    assert done.returncode == 0
    assert b"simulating pairs" in b"".join(chunks)
    assert b"simulating" not in done.stdout
    piped = subprocess.run(
        [sys.executable, "-m", "cadee", "simulate", str(path), "--pairs", "-f", "json"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert piped.returncode == 0 and piped.stderr == b""


# -- search steps: N-1 and N-2 are quadratic where channels reach everything ----------------------


def reaching_estate(systems: int) -> str:
    """A channel and a critical service whose traversal reaches every system: each
    single failure is a search of the whole estate (no AI component ends it early;
    the desk at the end keeps the channel degraded, not lost)."""
    lines = ["cadee: 1", "blueprint: {id: dense, title: Dense}", "systems:"]
    lines.append("  - {id: web, kind: channel, recovery_minutes: 5}")
    lines += [
        f"  - {{id: s{i}, kind: service, criticality: tier-1, recovery_minutes: 30}}"
        for i in range(systems)
    ]
    lines.append("  - {id: desk, kind: human-desk, recovery_minutes: 5}")
    lines += ["integrations:", "  - {from: web, to: s0}", f"  - {{from: s{systems - 1}, to: desk}}"]
    lines += [f"  - {{from: s{i}, to: s{(i + 1) % systems}}}" for i in range(systems)]
    lines += [f"  - {{id: x{i}, from: s{i}, to: s{(i * 7 + 3) % systems}}}" for i in range(systems)]
    lines += [
        "services:",
        f"  - {{id: pay, name: Pay, channels: [web], requires: [s{systems - 1}], critical: true, "
        "tolerance_minutes: 10}",
    ]
    return "\n".join(lines) + "\n"


def test_n_minus_1_stops_at_the_step_limit_and_counts_steps(tmp_path: Path) -> None:
    path = tmp_path / "dense.yaml"
    path.write_text(reaching_estate(200), encoding="utf-8")
    loaded = load_blueprint(path)
    assert loaded.blueprint is not None
    whole = Simulator(loaded.blueprint)
    analysis = whole.n_minus_1(max_steps=None)
    assert analysis.scenarios == 202
    assert whole.steps > 200 * 200  # every failure searched (nearly) the whole estate
    with pytest.raises(TooManySteps) as raised:
        Simulator(loaded.blueprint).n_minus_1(max_steps=whole.steps // 2)
    assert raised.value.kind == "N-1" and 0 < raised.value.done < 202 and raised.value.total == 202
    # With room to spare the bounded run gives the same analysis.
    assert Simulator(loaded.blueprint).n_minus_1(max_steps=whole.steps) == analysis


def test_steps_count_the_integrations_a_search_examines(tmp_path: Path) -> None:
    """On a dense estate time follows edges, not systems: 300 systems that all call each
    other ran ``--pairs`` for 100 s under a meter of systems visited. Each search of a
    complete graph of n systems examines about n*n integrations."""
    n = 40
    lines = ["cadee: 1", "blueprint: {id: mesh, title: Mesh}", "systems:"]
    lines.append("  - {id: web, kind: channel}")
    lines += [f"  - {{id: s{i}, kind: service, criticality: tier-1}}" for i in range(n)]
    lines.append("  - {id: desk, kind: human-desk}")
    lines += ["integrations:", "  - {from: web, to: s0}", f"  - {{from: s{n - 1}, to: desk}}"]
    lines += [f"  - {{from: s{i}, to: s{j}}}" for i in range(n) for j in range(n) if i != j]
    path = tmp_path / "mesh.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_blueprint(path)
    assert loaded.blueprint is not None
    simulator = Simulator(loaded.blueprint)
    simulator.n_minus_1(max_steps=None)
    scenarios = n + 2
    assert simulator.steps > scenarios * n * (n - 1) // 2  # integrations, not only systems
    with pytest.raises(TooManySteps):
        # Systems alone (at most n + 2 per search) would stay under this bound.
        Simulator(loaded.blueprint).n_minus_1(max_steps=4 * scenarios * (n + 2))


def test_simulate_all_refuses_past_max_steps_with_the_flag_to_raise_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dense.yaml"
    path.write_text(reaching_estate(200), encoding="utf-8")
    assert main(["simulate", str(path), "--all", "--max-steps", "5000", "-f", "json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "N-1 stopped after" in err and "raise the limit with --max-steps (now 5,000)" in err
    assert main(["simulate", str(path), "--all", "-f", "json"]) in (0, 1)
    assert main(["simulate", str(path), "--fail", "s0", "--max-steps", "5"]) == 2
    assert "--max-steps only applies to --all and --pairs" in capsys.readouterr().err


def test_arc008_says_which_critical_services_it_could_not_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Past the bound, validate ends in seconds with a finding per critical service
    (fail closed: an unchecked impact tolerance is not a pass)."""
    import cadee.simulate

    path = tmp_path / "dense.yaml"
    path.write_text(reaching_estate(200), encoding="utf-8")
    assert main(["validate", str(path), "--select", "ARC008", "-f", "json"]) == 1
    assert "is disrupted when 's0' fails alone" in capsys.readouterr().out
    monkeypatch.setattr(cadee.simulate, "MAX_STEPS", 5000)
    assert main(["validate", str(path), "--select", "ARC008", "-f", "json"]) == 1
    out = capsys.readouterr().out
    assert "critical service 'pay' could not be checked against single failures: N-1 stopped" in out
    assert out.count('"rule": "ARC008"') == 1


# -- ARC008's services-only N-1 -----------------------------------------------------------------


def _breaches_by_n_minus_1(simulator: Simulator) -> dict[str, list[str]]:
    return {
        summary.service: [failed for (failed,) in summary.breached_by]
        for summary in simulator.n_minus_1(max_steps=None).services
        if summary.baseline_delivered
    }


@pytest.mark.parametrize(
    "source",
    [
        "examples/northwind-bank/blueprint.yaml",
        "examples/northwind-pilot/blueprint.yaml",
        "generated",
        "findings-heavy",
        "dense",
    ],
)
def test_service_breaches_equal_the_full_n_minus_1(tmp_path: Path, source: str) -> None:
    """``service_breaches`` (what ARC008 runs) skips the channels' statuses; what it
    reports is exactly ``n_minus_1``'s ``breached_by`` of the services delivered
    with nothing failed."""
    from benchmarks.generate import generate, generate_findings_heavy, write_estate

    from .conftest import REPO

    if source == "generated":
        path = write_estate(generate(300, seed=3), tmp_path)
    elif source == "findings-heavy":
        path = write_estate(generate_findings_heavy(400, seed=5), tmp_path)
    elif source == "dense":
        path = tmp_path / "dense.yaml"
        path.write_text(reaching_estate(120), encoding="utf-8")
    else:
        path = REPO / source
    loaded = load_blueprint(path)
    assert loaded.blueprint is not None
    expected = _breaches_by_n_minus_1(Simulator(loaded.blueprint))
    assert Simulator(loaded.blueprint).service_breaches(max_steps=None) == expected
    if source == "dense":
        assert any(expected.values())  # the comparison covers breaches, not only empty lists
