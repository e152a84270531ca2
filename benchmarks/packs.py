"""Rule-pack cost: ``validate`` of an estate with a 10-rule pack against the same run without packs.

Issue #22 keeps pack evaluation at one pass per template: selectors are compiled
once per run, evaluated once per item, and each graph template is one or two
breadth-first searches. This benchmark checks it end to end: the same labelled
estate (``region`` and ``pci`` labels on every system) in two project folders,
one whose ``cadee.toml`` lists :data:`PACK` (ten rules using every template
and construct: labels, references, differs/same, when-present, count,
avoiding, own messages), one with ``rule-packs = []``. Each run is a fresh
``python -m cadee validate`` subprocess; the median of the runs is reported
with the ratio (target: under 1.3).

    python -m benchmarks.packs              # 10,000 systems, 5 runs each
    python -m benchmarks.packs 1000 --runs 3
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.generate import generate, write_estate

__all__ = ["PACK", "TARGET", "label_estate", "main", "measure"]

#: The ratio the pack run must stay under (issue #22).
TARGET = 1.3

_SYSTEM_KINDS = (
    "channel|gateway|model|agent|core-banking|crm|risk|data-store|service|human-desk|"
    "identity-provider|external"
)
_KIND = re.compile(rf"^(    kind: (?:{_SYSTEM_KINDS}))$", re.MULTILINE)


def label_estate(files: dict[str, str]) -> dict[str, str]:
    """Every system gets ``region`` (one in three ``us``) and ``pci`` (one in seven ``"true"``)."""
    counter = [0]

    def add(match: re.Match[str]) -> str:
        counter[0] += 1
        n = counter[0]
        region = "us" if n % 3 == 0 else "eu"
        pci = '"true"' if n % 7 == 0 else '"false"'
        return f"{match.group(1)}\n    labels: {{region: {region}, pci: {pci}, cost-centre: cc-{n % 40}}}"

    return {name: _KIND.sub(add, text) for name, text in files.items()}


_META = """\
    severity: error
    layer: architecture
    summary: Benchmark rule.
    rationale: Benchmark.
    fix: Benchmark.
    references: [benchmarks/packs.py]
    examples: {failing: "cadee: 1\\n", passing: "cadee: 1\\n"}
"""

_RULES = [
    (
        "region-mtls",
        'message: "{from} -> {to} leaves the region"\n'
        "    forbid-integration: {from: {labels: {region: eu}}, differs: [labels.region], "
        "not: {auth: mtls}}",
    ),
    (
        "pci-zone",
        "forbid-integration: {to: {labels: {pci: 'true'}}, from: {not: {boundary: {trust: restricted}}}, "
        "not: {auth: [mtls, oauth2]}}",
    ),
    (
        "vendor-dpa",
        "require: {systems: {vendor: '.+'}, fields: {labels.dpa: {regex: 'DPA-[0-9]{4}-[0-9]{3}'}}}",
    ),
    (
        "waiver-governance",
        "forbid: {waivers: {not: {approved_by: {function: [compliance, risk, operations]}}}}",
    ),
    (
        "timeout-if-present",
        "require: {integrations: {mode: sync}, fields: {timeout_ms: {at-most: 5000, "
        "when-present: true}}}",
    ),
    (
        "desk-avoiding-ai",
        "must-reach: {from: {kind: channel}, to: {kind: human-desk}, avoiding: {kind: [model, agent]}}",
    ),
    (
        "payments-avoiding-ai",
        "mediated-path: {from: {kind: channel}, to: {kind: core-banking}, "
        "through: {kind: gateway}, avoiding: {kind: agent, labels: {pci: 'true'}}}",
    ),
    ("two-desks", "count: {systems: {kind: human-desk, labels: {region: [eu, us]}}, at-least: 2}"),
    (
        "same-environment",
        "forbid-integration: {from: {environment: production}, not: {same: [environment]}}",
    ),
    (
        "evidence-approved",
        "require: {evidence: {owner: {function: [technology, operations]}}, "
        "fields: {status: {equals: approved}}}",
    ),
]

#: The ten-rule pack: every template and every construct of issue #22.
PACK = "cadee-rules: 1\nrules:\n" + "".join(
    f"  - id: BENCH{index:03d}\n    name: {name}\n{_META}    {template}\n"
    for index, (name, template) in enumerate(_RULES, 1)
)


def _time(folder: Path, runs: int) -> tuple[float, int]:
    times = []
    code = 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "cadee", "validate", "blueprint.yaml", "--format", "json"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        times.append(time.perf_counter() - start)
        code = done.returncode
        if code not in (0, 1):
            raise SystemExit(
                f"validate failed in {folder} (exit {code}): {done.stderr.decode()[:2000]}"
            )
    return statistics.median(times), code


def measure(n_systems: int, runs: int) -> tuple[float, float]:
    """(median seconds without packs, median seconds with the ten-rule pack)."""
    files = label_estate(generate(n_systems).files)
    with tempfile.TemporaryDirectory(prefix="cadee-bench-packs-") as tmp:
        plain, packed = Path(tmp) / "plain", Path(tmp) / "packed"
        for folder, config in (
            (plain, "rule-packs = []\n"),
            (packed, 'rule-packs = ["cadee-rules.yaml"]\n'),
        ):
            write_estate(files, folder)
            (folder / "cadee.toml").write_text(config, encoding="utf-8")
        (packed / "cadee-rules.yaml").write_text(PACK, encoding="utf-8")
        _time(plain, 1)  # warm the file cache and the bytecode
        base, _ = _time(plain, runs)
        with_pack, _ = _time(packed, runs)
    return base, with_pack


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.packs", description=__doc__.split("\n")[0]
    )
    parser.add_argument("n_systems", type=int, nargs="?", default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    base, with_pack = measure(args.n_systems, args.runs)
    ratio = with_pack / base
    verdict = "PASS" if ratio < TARGET else "MISS"
    print(
        f"| systems | validate, no packs | validate, 10-rule pack | ratio | target | |\n|---|---|---|---|---|---|\n"
        f"| {args.n_systems:,} | {base:.2f} s | {with_pack:.2f} s | {ratio:.2f}x | < {TARGET}x | {verdict} |"
    )
    return 0 if ratio < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
