"""``simulate --pairs`` is capped (issue #16, item 7): N-2 grows with the square of tier-1 systems."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cadee.cli import main
from cadee.load import load_blueprint
from cadee.simulate import MAX_PAIRS, Simulator, TooManyScenarios


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
