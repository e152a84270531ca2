"""Property-based: random valid blueprints never crash and report stably and precisely."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadee.check import CheckOptions, check
from cadee.diagnostics import Location
from cadee.load import load_blueprint
from cadee.model import SYSTEM_KINDS, Blueprint
from cadee.report.json import result_to_dict
from cadee.validate import BlueprintResult

AS_OF = dt.date(2026, 6, 1)
FUNCTIONS = ["operations", "compliance", "customer-advisory", "technology", "risk"]
TRUST = ["untrusted", "external", "internal", "restricted"]
DATA = ["public", "internal", "confidential", "restricted"]
AUTH = ["none", "mtls", "oauth2", "jwt"]
RULE_IDS = ["FBK001", "ARC007", "OWN001", "IAM001", "OBS001", "WVR002"]


@st.composite
def blueprints(draw: st.DrawFn) -> dict[str, Any]:
    n_owners = draw(st.integers(0, 4))
    owners = [
        {
            "id": f"o{i}",
            "name": f"Owner {i}",
            **({"function": draw(st.sampled_from(FUNCTIONS))} if draw(st.booleans()) else {}),
        }
        for i in range(n_owners)
    ]
    owner_ids = [o["id"] for o in owners]
    n_systems = draw(st.integers(1, 12))
    kinds = [draw(st.sampled_from(SYSTEM_KINDS)) for _ in range(n_systems)]
    system_ids = [f"s{i}" for i in range(n_systems)]
    idps = [sid for sid, kind in zip(system_ids, kinds, strict=True) if kind == "identity-provider"]
    boundaries = []
    for i in range(draw(st.integers(0, 3))):
        boundary: dict[str, Any] = {"id": f"b{i}", "trust": draw(st.sampled_from(TRUST))}
        if idps and draw(st.booleans()):
            boundary["identity_provider"] = draw(st.sampled_from(idps))
        if draw(st.booleans()):
            boundary["clearance"] = draw(st.sampled_from(DATA))
        boundaries.append(boundary)
    boundary_ids = [b["id"] for b in boundaries]
    systems = []
    for sid, kind in zip(system_ids, kinds, strict=True):
        system: dict[str, Any] = {"id": sid, "kind": kind}
        if boundary_ids and draw(st.booleans()):
            system["boundary"] = draw(st.sampled_from(boundary_ids))
        if owner_ids and draw(st.booleans()):
            system["owner"] = draw(st.sampled_from(owner_ids))
        if draw(st.booleans()):
            system["criticality"] = draw(st.sampled_from(["tier-1", "tier-2", "tier-3"]))
        if draw(st.booleans()):
            system["redundancy"] = draw(st.integers(1, 3))
        if draw(st.booleans()):
            system["environment"] = draw(st.sampled_from(["production", "sandbox"]))
        if draw(st.booleans()):
            system["fallback"] = draw(st.lists(st.sampled_from(system_ids), max_size=3))
        if owner_ids and draw(st.booleans()):
            system["approvers"] = draw(st.lists(st.sampled_from(owner_ids), max_size=2))
        if draw(st.booleans()):
            system["observability"] = {
                "logs": draw(st.booleans()),
                "metrics": True,
                "traces": draw(st.booleans()),
                "slo": "99.9%",
                "runbook": draw(st.sampled_from(["", "https://runbook"])),
            }
        systems.append(system)
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(system_ids), st.sampled_from(system_ids)),
            max_size=20,
            unique=True,
        )
    )
    integrations = []
    for index, (source, target) in enumerate(pairs):
        integration: dict[str, Any] = {"from": source, "to": target}
        if draw(st.booleans()):
            integration["id"] = f"i{index}"
        for key, values in (
            ("auth", AUTH),
            ("data", DATA),
            ("mode", ["sync", "async", "batch"]),
            ("identity", ["service", "end-user"]),
        ):
            if draw(st.booleans()):
                integration[key] = draw(st.sampled_from(values))
        if draw(st.booleans()):
            integration["timeout_ms"] = draw(st.integers(1, 10_000))
        integrations.append(integration)
    document: dict[str, Any] = {
        "cadee": 1,
        "blueprint": {"id": "bp", "title": "Random"},
        "owners": owners,
        "boundaries": boundaries,
        "systems": systems,
        "integrations": integrations,
    }
    if owner_ids:
        if draw(st.booleans()):
            document["blueprint"]["owner"] = draw(st.sampled_from(owner_ids))
        if draw(st.booleans()):
            document["blueprint"]["approvers"] = draw(
                st.lists(st.sampled_from(owner_ids), max_size=2)
            )
        document["kpis"] = [
            {"id": "k1", "name": "FCR", **({"baseline": 0} if draw(st.booleans()) else {})}
        ]
        document["gates"] = [
            {
                "id": "g1",
                "action": draw(st.sampled_from(["pause", "scale"])),
                "when": "x",
                **({"decided_by": owner_ids[0]} if draw(st.booleans()) else {}),
            }
        ]
        document["waivers"] = [
            {
                "rule": draw(st.sampled_from(RULE_IDS)),
                "target": draw(st.sampled_from([*system_ids, "bp", "x"])),
                "reason": "accepted",
                "approved_by": owner_ids[0],
                "expires": draw(
                    st.sampled_from(
                        [dt.date(2026, 5, 31), dt.date(2026, 6, 1), dt.date(2027, 1, 1)]
                    )
                ),
            }
            for _ in range(draw(st.integers(0, 2)))
        ]
    return document


def _definitions(blueprint: Blueprint) -> dict[str, list[Location]]:
    where: dict[str, list[Location]] = {}
    for key in ("systems", "integrations", "boundaries", "kpis", "gates", "owners"):
        for item in getattr(blueprint, key):
            where.setdefault(item.id, []).append(item.location)
    for waiver in blueprint.waivers:
        where.setdefault(waiver.key, []).append(waiver.location)
    for target in (
        blueprint.id,
        "integration-map",
        "identity-access-fallback",
        "runtime-observability",
    ):
        where.setdefault(target, []).append(blueprint.location)
    return where


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=blueprints(), flow=st.booleans())
def test_random_valid_blueprints(document: dict[str, Any], flow: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bp.yaml"
        path.write_text(
            yaml.safe_dump(document, sort_keys=False, default_flow_style=flow), encoding="utf-8"
        )
        loaded = load_blueprint(path)
        assert loaded.blueprint is not None, [str(e) for e in loaded.errors]
        first = check(loaded.blueprint, CheckOptions(as_of=AS_OF))
        second = check(load_blueprint(path).blueprint, CheckOptions(as_of=AS_OF))  # type: ignore[arg-type]

        assert first.findings == sorted(first.findings)
        assert first.findings == second.findings

        data = json.loads(json.dumps(result_to_dict(BlueprintResult(loaded.path, [], first))))
        assert list(data) == [
            "blueprint",
            "valid",
            "errors",
            "findings",
            "summary",
            "kpis",
            "gates",
        ]
        assert data["valid"] is True and data["errors"] == []
        for finding in data["findings"]:
            assert list(finding) == [
                "rule",
                "name",
                "severity",
                "target",
                "message",
                "file",
                "line",
                "column",
                "waived",
            ]
            assert finding["severity"] in ("error", "warning", "info")
            assert finding["line"] >= 1 and finding["column"] >= 1
        summary = data["summary"]
        assert sum(summary.values()) == len(data["findings"])

        definitions = _definitions(loaded.blueprint)
        for finding in first.findings:
            assert finding.target in definitions, finding
            here = (finding.location.file, finding.location.line, finding.location.column)
            assert here in {(d.file, d.line, d.column) for d in definitions[finding.target]}, (
                finding
            )
