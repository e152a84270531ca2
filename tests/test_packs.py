"""Organisation rule packs and plugins: templates, selectors, loading errors, the
commands, every report format, the worked example and an installed plugin."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import venv
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cadee.check import CheckOptions, check
from cadee.cli import main
from cadee.diagnostics import Finding
from cadee.graph import build_graph
from cadee.load import load_blueprint
from cadee.packs.load import ExampleMark, combine, load_pack
from cadee.packs.model import LAYER_NAMES
from cadee.packs.plugins import contract_problems, load_plugins
from cadee.query.templates import MediatedPath, MustReach
from cadee.rules import LAYERS, RULES
from cadee.rules.base import Rule, rule
from tests.conftest import AS_OF, CLEAN, REPO

GOLDENS = REPO / "tests" / "goldens" / "packs"
ACME = REPO / "examples" / "acme-bank"
MIN_BP = "cadee: 1\nblueprint: {id: bp, title: Example}\n"


# -- helpers ---------------------------------------------------------------------------


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)


def make_rule(rule_id: str = "ACME001", **template: Any) -> dict[str, Any]:
    """A pack rule as data; ``template`` holds the template key (with dashes, via **{...})."""
    return {
        "id": rule_id,
        "name": f"rule-{rule_id.lower()}",
        "severity": "error",
        "layer": "architecture",
        "summary": "A one-line summary of the policy.",
        "rationale": "Why the bank cares about it.",
        "fix": "What to change.",
        "references": ["Acme Architecture Standard AS-1"],
        **template,
        "examples": {"failing": MIN_BP, "passing": MIN_BP},
    }


def write_pack(folder: Path, *rules: dict[str, Any], name: str = "pack.yaml") -> Path:
    path = folder / name
    path.write_text(
        yaml.safe_dump({"cadee-rules": 1, "rules": list(rules)}, sort_keys=False), encoding="utf-8"
    )
    return path


def pack_rules(path: Path) -> dict[str, Rule]:
    pack = load_pack(path)
    assert pack.valid, "\n".join(str(e) for e in pack.errors)
    return {info.rule.id: info.rule for info in pack.rules}


def run_rule(folder: Path, template: dict[str, Any], *parts: str) -> list[Finding]:
    """Findings of one pack rule (ACME001) with ``template`` on the blueprint made of
    ``parts`` (each dedented; ``cadee`` and ``blueprint`` are added unless written)."""
    rules = pack_rules(write_pack(folder, make_rule(**template)))
    path = folder / "blueprint.yaml"
    text = "".join(textwrap.dedent(part) for part in parts)
    path.write_text(text if text.startswith("cadee:") else MIN_BP + text, encoding="utf-8")
    loaded = load_blueprint(path, known_rules=[*RULES, *rules])
    assert loaded.blueprint is not None, "\n".join(str(e) for e in loaded.errors)
    return check(loaded.blueprint, CheckOptions(as_of=AS_OF), rules).findings


def targets(findings: list[Finding]) -> list[str]:
    return [f.target for f in findings]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def golden(name: str, text: str, update: bool) -> None:
    path = GOLDENS / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# -- mediated-path ---------------------------------------------------------------------------

PAYMENTS = {
    "mediated-path": {
        "from": {"not": {"id": "pay-.*"}},
        "to": {"id": "pay-.*"},
        "through": {"id": "pay-gw"},
    }
}
PAY_SYSTEMS = """\
systems:
  - {id: app, kind: channel}
  - {id: svc, kind: service}
  - {id: batch, kind: service}
  - {id: pay-gw, kind: gateway}
  - {id: pay-hub, kind: core-banking}
  - {id: pay-ledger, kind: data-store}
"""


class TestMediatedPath:
    def test_fires_on_a_bypass_with_the_path(self, tmp_path: Path) -> None:
        findings = run_rule(
            tmp_path,
            PAYMENTS,
            PAY_SYSTEMS,
            """\
            integrations:
              - {from: app, to: pay-gw}
              - {from: pay-gw, to: pay-hub}
              - {from: svc, to: pay-hub}
            """,
        )
        assert targets(findings) == ["pay-hub"]
        assert findings[0].message == (
            "core-banking 'pay-hub' is reachable from service 'svc' on a path through no system "
            "matching {id: pay-gw} (svc -> pay-hub)"
        )

    def test_does_not_fire_when_every_path_passes_the_mediator(self, tmp_path: Path) -> None:
        findings = run_rule(
            tmp_path,
            PAYMENTS,
            PAY_SYSTEMS,
            """\
            integrations:
              - {from: app, to: svc}
              - {from: svc, to: pay-gw}
              - {from: pay-gw, to: pay-hub}
              - {from: pay-hub, to: pay-ledger}
              - {from: pay-hub, to: svc}
            """,
        )
        assert findings == []

    def test_several_hops_and_targets_behind_targets(self, tmp_path: Path) -> None:
        from_channels = {
            "mediated-path": {**PAYMENTS["mediated-path"], "from": {"kind": "channel"}}
        }
        findings = run_rule(
            tmp_path,
            from_channels,
            PAY_SYSTEMS,
            """\
            integrations:
              - {from: app, to: svc}
              - {from: svc, to: batch}
              - {from: batch, to: pay-hub}
              - {from: pay-hub, to: pay-ledger}
            """,
        )
        assert targets(findings) == ["pay-hub", "pay-ledger"]
        assert "(app -> svc -> batch -> pay-hub)" in findings[0].message
        assert "(app -> svc -> batch -> pay-hub -> pay-ledger)" in findings[1].message

    def test_cycles_terminate_and_a_source_target_needs_a_cycle(self, tmp_path: Path) -> None:
        template = {
            "mediated-path": {
                "from": {"kind": "crm"},
                "to": {"kind": "crm"},
                "through": {"kind": "gateway"},
            }
        }
        base = """\
            systems:
              - {id: crm, kind: crm}
              - {id: svc, kind: service}
              - {id: gw, kind: gateway}
            """
        through_gateway = (
            "integrations: [{from: crm, to: svc}, {from: svc, to: gw}, {from: gw, to: crm}]\n"
        )
        assert run_rule(tmp_path, template, base, through_gateway) == []
        findings = run_rule(
            tmp_path, template, base, "integrations: [{from: crm, to: svc}, {from: svc, to: crm}]\n"
        )
        assert targets(findings) == ["crm"]
        assert "(crm -> svc -> crm)" in findings[0].message

    def test_a_source_that_is_a_mediator_starts_no_path(self, tmp_path: Path) -> None:
        template = {
            "mediated-path": {"from": {}, "to": {"kind": "crm"}, "through": {"kind": "gateway"}}
        }
        findings = run_rule(
            tmp_path,
            template,
            """\
            systems:
              - {id: gw, kind: gateway}
              - {id: crm, kind: crm}
            integrations:
              - {from: gw, to: crm}
            """,
        )
        assert findings == []

    def test_over_fallback_edges(self, tmp_path: Path) -> None:
        template = {
            "mediated-path": {
                "from": {"kind": "model"},
                "to": {"kind": "human-desk"},
                "through": {"id": "triage"},
                "over": "fallbacks",
            }
        }
        systems = """\
            systems:
              - {id: llm, kind: model, fallback: [%s]}
              - {id: triage, kind: service, fallback: [desk]}
              - {id: desk, kind: human-desk}
            integrations:
              - {from: llm, to: desk}
            """
        assert (
            run_rule(tmp_path, template, systems % "triage") == []
        )  # the integration does not count
        assert targets(run_rule(tmp_path, template, systems % "desk")) == ["desk"]

    def test_ARC001_is_this_template_on_the_shared_engine(self, tmp_path: Path) -> None:
        from cadee.rules import arc001_gateway_mediation as arc001

        assert isinstance(arc001.TEMPLATE, MediatedPath)
        pilot = load_blueprint(REPO / "examples" / "northwind-pilot" / "blueprint.yaml").blueprint
        assert pilot is not None
        graph = build_graph(pilot)
        generic = Rule(
            "ACME001",
            "generic",
            "error",
            "architecture",
            ("x",),
            RULES["ARC001"].doc,
            arc001.TEMPLATE.findings,
        )
        built_in = [(f.target, f.location) for f in RULES["ARC001"].check(graph)]
        assert built_in == [(f.target, f.location) for f in generic.check(graph)]
        assert built_in


# -- must-reach -------------------------------------------------------------------------------

COMPLAINTS = {"must-reach": {"from": {"kind": "channel"}, "to": {"id": "complaints"}}}


class TestMustReach:
    def test_fires_when_no_path_leads_to_a_target(self, tmp_path: Path) -> None:
        findings = run_rule(
            tmp_path,
            COMPLAINTS,
            """\
            systems:
              - {id: web, kind: channel}
              - {id: dm, kind: channel}
              - {id: social-desk, kind: human-desk}
              - {id: complaints, kind: human-desk}
            integrations:
              - {from: web, to: complaints}
              - {from: dm, to: social-desk}
              - {from: complaints, to: dm}
            """,
        )
        assert targets(findings) == ["dm"]
        assert findings[0].message == (
            "channel 'dm' cannot reach a system matching {id: complaints} over integrations or fallbacks"
        )

    def test_paths_of_several_hops_through_cycles(self, tmp_path: Path) -> None:
        findings = run_rule(
            tmp_path,
            COMPLAINTS,
            """\
            systems:
              - {id: web, kind: channel}
              - {id: a, kind: service}
              - {id: b, kind: service}
              - {id: desk, kind: human-desk, fallback: [complaints]}
              - {id: complaints, kind: human-desk}
            integrations:
              - {from: web, to: a}
              - {from: a, to: b}
              - {from: b, to: a}
              - {from: b, to: desk}
            """,
        )
        assert findings == []

    def test_edge_kinds_are_honoured(self, tmp_path: Path) -> None:
        systems = """\
            systems:
              - {id: web, kind: channel, fallback: [complaints]}
              - {id: complaints, kind: human-desk}
            """
        both = COMPLAINTS
        only_integrations = {"must-reach": {**COMPLAINTS["must-reach"], "over": "integrations"}}
        assert run_rule(tmp_path, both, systems) == []
        assert targets(run_rule(tmp_path, only_integrations, systems)) == ["web"]

    def test_direction_counts_and_no_target_is_said(self, tmp_path: Path) -> None:
        findings = run_rule(
            tmp_path,
            COMPLAINTS,
            """\
            systems:
              - {id: web, kind: channel}
              - {id: desk, kind: human-desk}
            integrations:
              - {from: desk, to: web}
            """,
        )
        assert targets(findings) == ["web"]
        assert findings[0].message.endswith("over integrations or fallbacks (no system matches it)")

    def test_a_system_reaches_itself_only_through_a_cycle(self, tmp_path: Path) -> None:
        template = {"must-reach": {"from": {"kind": "service"}, "to": {"kind": "service"}}}
        findings = run_rule(
            tmp_path,
            template,
            """\
            systems:
              - {id: a, kind: service}
              - {id: b, kind: service}
              - {id: c, kind: service}
            integrations:
              - {from: a, to: b}
              - {from: c, to: c}
            """,
        )
        assert targets(findings) == ["b"]

    def test_FBK001_and_ARC006_are_this_template(self) -> None:
        from cadee.rules import arc006_channel_human_escalation as arc006
        from cadee.rules import fbk001_ai_fallback_to_human as fbk001

        assert isinstance(fbk001.TEMPLATE, MustReach) and fbk001.TEMPLATE.over == ("fallbacks",)
        assert isinstance(arc006.TEMPLATE, MustReach) and arc006.TEMPLATE.over == (
            "integrations",
            "fallbacks",
        )

    def test_the_searches_are_linear(self, tmp_path: Path) -> None:
        # A chain of 2,000 systems, each a source: one search expands each system once.
        count = 2_000
        lines = [MIN_BP, "systems:\n"]
        lines += [f"  - {{id: s{i}, kind: service}}\n" for i in range(count)]
        lines += ["  - {id: desk, kind: human-desk}\n", "integrations:\n"]
        lines += [f"  - {{from: s{i}, to: s{i + 1}}}\n" for i in range(count - 1)]
        path = tmp_path / "chain.yaml"
        path.write_text("".join(lines), encoding="utf-8")
        blueprint = load_blueprint(path).blueprint
        assert blueprint is not None
        graph = build_graph(blueprint)
        calls = {"successors": 0, "predecessors": 0}
        for name in calls:
            original = getattr(graph.integrations, name)

            def counted(node: str, original: Any = original, name: str = name) -> Any:
                calls[name] += 1
                return original(node)

            setattr(graph.integrations, name, counted)
        reach = MustReach.model_validate(
            {"from": {"kind": "service"}, "to": {"id": f"s{count - 1}"}, "over": "integrations"}
        )
        assert [u.system.id for u in reach.search(graph)] == [f"s{count - 1}"]
        mediated = MediatedPath.model_validate(
            {
                "from": {"kind": "service"},
                "to": {"id": f"s{count - 1}"},
                "through": {"kind": "gateway"},
            }
        )
        assert len(list(mediated.search(graph))) == 1
        assert calls["predecessors"] <= count + 1
        assert calls["successors"] <= 2 * count


# -- forbid-integration -----------------------------------------------------------------------

NO_BATCH = {"forbid-integration": {"to": {"id": "fraud-engine"}, "mode": "batch"}}
FRAUD = """\
systems:
  - {id: lake, kind: data-store}
  - {id: app, kind: service}
  - {id: fraud-engine, kind: risk}
integrations:
"""


class TestForbidIntegration:
    def test_fires_on_a_matching_integration_only(self, tmp_path: Path) -> None:
        findings = run_rule(
            tmp_path,
            NO_BATCH,
            FRAUD,
            """\
              - {from: lake, to: fraud-engine, mode: batch}
              - {id: live, from: app, to: fraud-engine, mode: async}
              - {from: lake, to: app, mode: batch}
            """,
        )
        assert targets(findings) == ["lake->fraud-engine"]
        assert findings[0].message == (
            "integration 'lake->fraud-engine' (batch, internal data) from data-store 'lake' to risk "
            "'fraud-engine' is forbidden: A one-line summary of the policy"
        )

    def test_from_selectors_and_negation_reach_absent_values(self, tmp_path: Path) -> None:
        template = {
            "forbid-integration": {
                "from": {"kind": "data-store"},
                "not": {"auth": ["mtls", "oauth2"]},
            }
        }
        findings = run_rule(
            tmp_path,
            template,
            FRAUD,
            """\
              - {id: no-auth, from: lake, to: fraud-engine}
              - {id: weak, from: lake, to: app, auth: api-key}
              - {id: strong, from: lake, to: app, auth: mtls}
              - {id: other, from: app, to: fraud-engine}
            """,
        )
        assert targets(findings) == ["no-auth", "weak"]

    def test_id_patterns_protocols_and_data(self, tmp_path: Path) -> None:
        template = {
            "forbid-integration": {
                "id": "legacy-.*",
                "protocol": ["sftp", "ftp"],
                "data": ["confidential", "restricted"],
            }
        }
        findings = run_rule(
            tmp_path,
            template,
            FRAUD,
            """\
              - {id: legacy-1, from: lake, to: app, protocol: sftp, data: confidential}
              - {id: legacy-2, from: lake, to: app, protocol: https, data: confidential}
              - {id: legacy-3, from: lake, to: app, protocol: sftp, data: internal}
              - {id: modern-1, from: app, to: lake, protocol: sftp, data: restricted}
            """,
        )
        assert targets(findings) == ["legacy-1"]


# -- require ----------------------------------------------------------------------------------


class TestRequire:
    def test_vendor_models_name_their_agreement(self, tmp_path: Path) -> None:
        template = {
            "require": {
                "systems": {"kind": ["model", "agent"], "trust": "external"},
                "fields": {
                    "vendor": {"present": True},
                    "description": {"regex": r".*\bDPA-[0-9]{4}-[0-9]{3}\b.*"},
                },
            }
        }
        findings = run_rule(
            tmp_path,
            template,
            """\
            boundaries:
              - {id: vendor, trust: external}
              - {id: corp, trust: internal}
            systems:
              - {id: ok, kind: model, boundary: vendor, vendor: V, description: "Hosted.\\nDPA-2025-001 on file."}
              - {id: no-dpa, kind: model, boundary: vendor, vendor: V, description: Hosted model.}
              - {id: nothing, kind: agent, boundary: vendor}
              - {id: internal, kind: model, boundary: corp}
              - {id: unbounded, kind: model}
            """,
        )
        assert targets(findings) == ["no-dpa", "nothing"]
        assert findings[0].message == (
            r"model 'no-dpa': `description` 'Hosted model.' does not match '.*\bDPA-[0-9]{4}-[0-9]{3}\b.*'"
        )
        assert findings[1].message == "agent 'nothing': `vendor` is absent; `description` is absent"

    def test_values_use_defaults_and_presence_does_not(self, tmp_path: Path) -> None:
        equals = {"require": {"systems": {}, "fields": {"environment": {"equals": "production"}}}}
        present = {"require": {"systems": {}, "fields": {"environment": {"present": True}}}}
        absent = {
            "require": {"systems": {"kind": "service"}, "fields": {"vendor": {"present": False}}}
        }
        systems = """\
            systems:
              - {id: a, kind: service}
              - {id: b, kind: service, environment: staging, vendor: X}
            """
        assert targets(run_rule(tmp_path, equals, systems)) == ["b"]
        assert targets(run_rule(tmp_path, present, systems)) == ["a"]
        findings = run_rule(tmp_path, absent, systems)
        assert targets(findings) == ["b"]
        assert findings[0].message == "service 'b': `vendor` is set ('X'), but must be absent"

    def test_ordered_levels_numbers_and_list_lengths(self, tmp_path: Path) -> None:
        template = {
            "require": {
                "systems": {"kind": "core-banking"},
                "fields": {
                    "criticality": {"at-least": "tier-2"},
                    "redundancy": {"at-least": 2, "at-most": 4},
                    "approvers": {"at-least": 2},
                },
            }
        }
        findings = run_rule(
            tmp_path,
            template,
            """\
            owners:
              - {id: o1, name: One}
              - {id: o2, name: Two}
            systems:
              - {id: good, kind: core-banking, redundancy: 2, approvers: [o1, o2]}
              - {id: low, kind: core-banking, criticality: tier-3, redundancy: 5, approvers: [o1]}
            """,
        )
        assert targets(findings) == ["low"]
        assert findings[0].message == (
            "core-banking 'low': `criticality` is 'tier-3', must be at least 'tier-2'; `redundancy` is 5, "
            "must be at most 4; `approvers` has 1 entry, must have at least 2"
        )

    def test_effective_approvers_and_nested_observability(self, tmp_path: Path) -> None:
        template = {
            "require": {
                "systems": {"criticality": "tier-1"},
                "fields": {
                    "approvers": {"non-empty": True},
                    "observability.runbook": {"regex": "https://runbooks\\.example/.+"},
                    "observability.logs": {"equals": True},
                },
            }
        }
        findings = run_rule(
            tmp_path,
            template,
            """\
            cadee: 1
            blueprint: {id: bp, title: Example, approvers: [o1]}
            owners: [{id: o1, name: One}]
            systems:
              - id: a
                kind: crm
                criticality: tier-1
                observability: {logs: true, runbook: https://runbooks.example/a}
              - {id: b, kind: crm, criticality: tier-1, approvers: [], observability: {logs: false}}
            """,
        )
        assert targets(findings) == ["b"]
        assert findings[0].message == (
            "crm 'b': `approvers` is empty; `observability.runbook` is absent; `observability.logs` is false, "
            "must be true"
        )

    @pytest.mark.parametrize(
        ("template", "expected"),
        [
            (
                {
                    "integrations": {"to": {"kind": "crm"}},
                    "fields": {
                        "auth": {"one-of": ["mtls", "oauth2"]},
                        "timeout_ms": {"at-most": 3000},
                    },
                },
                ["a->crm"],
            ),
            (
                {
                    "boundaries": {"trust": "external"},
                    "fields": {"clearance": {"at-most": "internal"}},
                },
                ["vendor"],
            ),
            (
                {"owners": {"function": "operations"}, "fields": {"contact": {"non-empty": True}}},
                ["ops"],
            ),
        ],
    )
    def test_integrations_boundaries_and_owners(
        self, tmp_path: Path, template: dict[str, Any], expected: list[str]
    ) -> None:
        findings = run_rule(
            tmp_path,
            {"require": template},
            """\
            owners:
              - {id: ops, name: Ops, function: operations, contact: ""}
              - {id: risk, name: Risk, function: risk}
            boundaries:
              - {id: vendor, trust: external, clearance: confidential}
              - {id: other, trust: external, clearance: public}
            systems:
              - {id: a, kind: service}
              - {id: crm, kind: crm}
            integrations:
              - {from: a, to: crm, auth: api-key, timeout_ms: 1000}
              - {id: fast, from: a, to: crm, auth: mtls, timeout_ms: 1000}
              - {from: crm, to: a}
            """,
        )
        assert targets(findings) == expected


# -- selectors and documentation ------------------------------------------------------------------


def test_pack_rules_are_documented_like_built_ins(tmp_path: Path) -> None:
    rules = pack_rules(write_pack(tmp_path, make_rule(**PAYMENTS)))
    rule = rules["ACME001"]
    assert rule.source == "pack.yaml" or rule.source.endswith("/pack.yaml")
    assert rule.summary == "A one-line summary of the policy."
    assert rule.doc.what == (
        "Searches the integrations graph from every system matching `{not: {id: 'pay-.*'}}`, along paths of "
        "one or more edges that pass through no system matching `{id: pay-gw}`. Every system matching "
        "`{id: 'pay-.*'}` such a path reaches is reported once, with one source and the path."
    )
    assert rule.doc.why == "Why the bank cares about it."
    assert rule.doc.failing_example == MIN_BP
    assert LAYER_NAMES == LAYERS


def test_selector_lists_are_alternatives(tmp_path: Path) -> None:
    template = {
        "must-reach": {
            "from": [{"kind": "channel"}, {"trust": "untrusted", "not": {"kind": "gateway"}}],
            "to": {"kind": "human-desk"},
        }
    }
    findings = run_rule(
        tmp_path,
        template,
        """\
        boundaries: [{id: internet, trust: untrusted}]
        systems:
          - {id: web, kind: channel}
          - {id: kiosk, kind: service, boundary: internet}
          - {id: edge, kind: gateway, boundary: internet}
          - {id: desk, kind: human-desk}
        """,
    )
    assert targets(findings) == ["web", "kiosk"]


# -- malformed packs ------------------------------------------------------------------------------

RULE_HEAD = """\
cadee-rules: 1
rules:
  - id: ACME001
    name: demo-rule
    severity: error
    layer: architecture
    summary: A summary.
    rationale: Why it matters.
    fix: How to fix it.
    references: [Policy P-1]
"""
RULE_TAIL = """\
    examples:
      failing: "cadee: 1"
      passing: "cadee: 1"
"""


@pytest.mark.parametrize(
    ("template", "where", "message"),
    [
        (
            "    mediated-path:\n      from: {kynd: channel}\n      to: {kind: crm}\n      through: {kind: gateway}\n",
            "12:14",
            "unknown key 'kynd'; did you mean 'kind'? [rules[0].mediated-path.from.kynd]",
        ),
        (
            "    must-reach:\n      from: {kind: chanel}\n      to: {kind: human-desk}\n",
            "12:20",
            "`kind`: 'chanel' is not a system kind; one of: channel, gateway, model",
        ),
        (
            "    must-reach:\n      from: {id: '(['}\n      to: {kind: human-desk}\n",
            "12:18",
            "`id`: invalid regular expression '([': unterminated character set at position 1",
        ),
        (
            "    must-reach:\n      from: {id: '(a)\\1'}\n      to: {kind: human-desk}\n",
            "12:18",
            "`id`: regular expression '(a)\\\\1' cannot run in linear time (invalid escape sequence: \\1)",
        ),
        (
            "    must-reach:\n      from: {id: 'pay-(?!gw).*'}\n      to: {kind: human-desk}\n",
            "12:18",
            "cannot run in linear time (invalid perl operator: (?!): rule packs use RE2 syntax",
        ),
        (
            "    require:\n      systems: {}\n      fields: {description: {regex: '(?<=DPA-)[0-9]+'}}\n",
            "13:37",
            "cannot run in linear time (invalid perl operator: (?<=)",
        ),
        (
            "    must-reach:\n      from: []\n      to: {kind: human-desk}\n",
            "12:13",
            "an empty list of selectors matches nothing",
        ),
        (
            "    must-reach:\n      from: {kind: channel}\n      to: {kind: human-desk}\n      over: roads\n",
            "14:13",
            "expected integrations, fallbacks or [integrations, fallbacks]",
        ),
        (
            "    forbid-integration: {mode: bulk}\n",
            "11:32",
            "`mode`: 'bulk' is not a mode; one of: sync, async, batch",
        ),
        (
            "    forbid-integration: {from: {owner: 'no spaces'}}\n",
            "11:40",
            "invalid owner id 'no spaces'",
        ),
        (
            "    require:\n      systems: {}\n      fields: {colour: {present: true}}\n",
            "13:16",
            "unknown field 'colour' of systems",
        ),
        (
            "    require:\n      systems: {}\n      fields: {redundancy: {regex: x}}\n",
            "13:29",
            "`regex` does not apply to `redundancy` (an integer); use present, equals, one-of, at-least, at-most",
        ),
        (
            "    require:\n      systems: {}\n      fields: {environment: {equals: prod}}\n",
            "13:38",
            "`equals`: 'prod' is not one of: production, staging, development, sandbox",
        ),
        (
            "    require:\n      integrations: {}\n      fields: {data: {one-of: [public, secret]}}\n",
            "13:40",
            "`one-of`: 'secret' is not one of: public, internal, confidential, restricted",
        ),
        (
            "    require:\n      systems: {}\n      fields: {observability.logs: {at-least: 1}}\n",
            "13:37",
            "`at-least` does not apply to `observability.logs` (a boolean); use present, equals",
        ),
        (
            "    require:\n      systems: {}\n      fields: {vendor: {}}\n",
            "13:24",
            "a condition needs at least one of",
        ),
        (
            "    require:\n      fields: {vendor: {present: true}}\n",
            "11:5",
            "`require` selects what it checks",
        ),
        (
            "    require:\n      systems: {}\n      owners: {}\n      fields: {vendor: {present: true}}\n",
            "13:7",
            "`require` selects one list; `owners` is a second one (first: `systems`)",
        ),
        (
            "",
            "3:5",
            "rule ACME001 has no template; write one of: require, forbid, forbid-integration, mediated-path, "
            "must-reach, count",
        ),
        (
            "    forbid-integration: {mode: batch}\n    must-reach: {from: {}, to: {}}\n",
            "12:5",
            "a rule has exactly one template; `must-reach` is a second one (first: `forbid-integration`)",
        ),
        ("    forbid-integration: {mode: batch}\n    severity: info\n", "12:5", "duplicate key"),
    ],
)
def test_malformed_templates_are_located(
    in_tmp: Path, template: str, where: str, message: str
) -> None:
    path = in_tmp / "pack.yaml"
    path.write_text(RULE_HEAD + template + RULE_TAIL, encoding="utf-8")
    pack = load_pack(path)
    assert not pack.valid and pack.rules == []
    shown = [str(e) for e in pack.errors]
    assert any(line.startswith(f"pack.yaml:{where}: ") and message in line for line in shown), shown


def test_the_query_engine_imports_neither_rules_nor_packs() -> None:
    """rules -> query <- packs: the templates know nothing of who uses them; and RE2
    loads with the first pack pattern, not with the catalog."""
    code = (
        "import sys, cadee.query.templates; "
        "print(sorted(m for m in sys.modules if m.startswith(('cadee.rules', 'cadee.packs')))); "
        "import cadee.rules, cadee.packs.load; print('re2' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["[]", "False"]


def test_a_backtracking_pattern_cannot_hang_validate(tmp_path: Path) -> None:
    """Issue #16: `(a|aa)*c` against 63 `a` then `b` takes exponential time with Python's
    `re` (validate never finished); on RE2 it is linear. A subprocess, so the test cannot hang."""
    redos = make_rule(
        require={"systems": {"id": "(a|aa)*c"}, "fields": {"owner": {"present": True}}}
    )
    write_pack(tmp_path, redos, name="cadee-rules.yaml")
    (tmp_path / "bp.yaml").write_text(
        MIN_BP
        + f"systems:\n  - {{id: {'a' * 63}b, kind: service}}\n  - {{id: {'a' * 63}c, kind: service}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "cadee", "validate", "bp.yaml", "--select", "ACME"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    fired = [line for line in done.stdout.splitlines() if "ACME001" in line]
    assert len(fired) == 1 and f"'{'a' * 63}c'" in fired[0], done.stdout


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("", "1:1", "the file is empty; a rule pack starts with `cadee-rules: 1`"),
        ("- a\n", "1:1", "expected a mapping with `cadee-rules: 1` at the top, got a list"),
        (
            "cadee: 1\nblueprint: {id: x, title: y}\n",
            "1:1",
            "this is a blueprint (`cadee: 1`), not a rule pack",
        ),
        (
            "cadee-rules: 2\nrules: []\n",
            "1:14",
            "unsupported rule-pack version 2; this cadee reads version 1",
        ),
        ("cadee-rules: 1\nrule: []\n", "2:1", "unknown key 'rule'; did you mean 'rules'?"),
        ("cadee-rules: 1\nrules: [\n", "3:1", "YAML syntax error"),
        ("cadee-rules: 1\nrules:\n", "2:7", "null value"),
        (
            RULE_HEAD.replace("    fix: How to fix it.\n", "")
            + "    forbid-integration: {}\n"
            + RULE_TAIL,
            "3:5",
            "missing required key `fix` [rules[0].fix]",
        ),
        (
            RULE_HEAD.replace("summary: A summary.", "summary: '## Heading'")
            + "    forbid-integration: {}\n"
            + RULE_TAIL,
            "7:14",
            "the summary must not contain '# ', '## ' headings or ``` fences",
        ),
    ],
)
def test_malformed_files_are_located(in_tmp: Path, text: str, where: str, message: str) -> None:
    path = in_tmp / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    shown = [str(e) for e in load_pack(path).errors]
    assert any(line.startswith(f"pack.yaml:{where}: ") and message in line for line in shown), shown


@pytest.mark.parametrize(
    ("rule_id", "message"),
    [
        (
            "ARC001",
            "rule ID ARC001 is a built-in rule (gateway-mediation); organisation rules use their own prefix",
        ),
        ("ARC101", "rule ID ARC101 uses the prefix of the built-in ARC rules"),
        ("acme1", "invalid rule ID 'acme1': an organisation prefix in capitals"),
        ("ACME0001X", "invalid rule ID"),
    ],
)
def test_rule_ids_never_collide_with_built_ins(in_tmp: Path, rule_id: str, message: str) -> None:
    path = write_pack(in_tmp, make_rule(rule_id, **NO_BATCH))
    errors = load_pack(path).errors
    assert [str(e.location) for e in errors] == ["pack.yaml:3:7"]
    assert message in errors[0].message


def test_duplicates_within_a_pack_and_between_packs(in_tmp: Path) -> None:
    same_name = {**make_rule("ACME002", **NO_BATCH), "name": "rule-acme001"}
    errors = load_pack(
        write_pack(in_tmp, make_rule(**NO_BATCH), make_rule(**NO_BATCH), same_name)
    ).errors
    shown = [str(e) for e in errors]
    assert shown == [
        "pack.yaml:27:7: duplicate rule ID ACME001: already defined at pack.yaml:3:7 [rules[1].id]",
        "pack.yaml:28:9: duplicate rule name rule-acme001: already defined at pack.yaml:4:9 [rules[1].name]",
        "pack.yaml:49:9: duplicate rule name rule-acme001: already defined at pack.yaml:4:9 [rules[2].name]",
    ]

    first = load_pack(write_pack(in_tmp, make_rule(**NO_BATCH), name="a.yaml"))
    second = load_pack(write_pack(in_tmp, make_rule(**COMPLAINTS), name="b.yaml"))
    assert first.valid and second.valid
    rules, errors = combine(RULES, (), [first, second])
    assert [str(e) for e in errors] == [
        "b.yaml:3:7: rule ID ACME001 is already defined by a.yaml:3:7 [rules[0].id]"
    ]
    assert rules["ACME001"].source == "a.yaml"


def test_every_error_of_a_pack_is_reported_in_one_run(in_tmp: Path) -> None:
    broken = make_rule("ARC001", **{"must-reach": {"from": {"kind": "chanel"}, "to": {}}})
    other = make_rule("ACME002", **{"forbid-integration": {"mode": "bulk"}})
    errors = load_pack(write_pack(in_tmp, broken, other)).errors
    assert len(errors) == 3
    assert [e.location.path for e in errors] == [
        "rules[0].id",
        "rules[0].must-reach.from.kind",
        "rules[1].forbid-integration.mode",
    ]


# -- projects: configuration, discovery, waivers, caching ---------------------------------------
#: Fires on CLEAN: the service has no vendor.
VENDOR = {"require": {"systems": {"kind": "service"}, "fields": {"vendor": {"present": True}}}}


def json_report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = cli(capsys, "validate", *args, "--format", "json", "--as-of", "2026-06-01")
    return code, json.loads(out)


class TestProjects:
    def test_rule_packs_in_cadee_toml(
        self, in_tmp: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (in_tmp / "policy").mkdir()
        write_pack(in_tmp / "policy", make_rule(**VENDOR), name="acme.yaml")
        (in_tmp / "cadee.toml").write_text('rule-packs = ["policy/acme.yaml"]\n', encoding="utf-8")
        (in_tmp / "bp.yaml").write_text(CLEAN, encoding="utf-8")
        code, report = json_report(capsys, "bp.yaml")
        assert code == 1
        assert [(f["rule"], f["name"], f["target"]) for f in report["findings"]] == [
            ("ACME001", "rule-acme001", "svc")
        ]

    def test_a_missing_pack_is_an_error_in_the_configuration(
        self, in_tmp: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (in_tmp / "cadee.toml").write_text(
            'fail-on = "error"\nrule-packs = ["nope.yaml"]\n', encoding="utf-8"
        )
        (in_tmp / "bp.yaml").write_text(CLEAN, encoding="utf-8")
        code, report = json_report(capsys, "bp.yaml")
        assert code == 2
        assert [(e["file"], e["line"], e["column"], e["path"]) for e in report["errors"]] == [
            ("cadee.toml", 2, 1, "rule-packs")
        ]
        assert "'nope.yaml' is not a file" in report["errors"][0]["message"]

    def test_discovery_beside_the_configuration_or_above_the_blueprint(
        self, in_tmp: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        project = in_tmp / "project"
        (project / "team").mkdir(parents=True)
        write_pack(project, make_rule(**VENDOR), name="cadee-rules.yaml")
        (project / "team" / "bp.yaml").write_text(CLEAN, encoding="utf-8")
        assert json_report(capsys, "project/team/bp.yaml")[0] == 1  # no configuration: walk up
        (project / "team" / "cadee.toml").write_text('fail-on = "error"\n', encoding="utf-8")
        assert (
            json_report(capsys, "project/team/bp.yaml")[0] == 0
        )  # a configuration without a pack beside it
        (project / "team" / "cadee.toml").unlink()
        (project / "cadee.toml").write_text("rule-packs = []\n", encoding="utf-8")
        assert json_report(capsys, "project/team/bp.yaml")[0] == 0  # packs switched off
        (project / "cadee.toml").write_text('fail-on = "error"\n', encoding="utf-8")
        assert json_report(capsys, "project/team/bp.yaml")[0] == 1  # beside the configuration

    def test_an_invalid_pack_makes_the_run_invalid(
        self, in_tmp: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write_pack(
            in_tmp, make_rule(**{"forbid-integration": {"mode": "bulk"}}), name="cadee-rules.yaml"
        )
        (in_tmp / "bp.yaml").write_text(CLEAN, encoding="utf-8")
        code, report = json_report(capsys, "bp.yaml")
        assert code == 2 and report["valid"] is False
        assert report["errors"][0]["file"] == "cadee-rules.yaml"
        assert report["errors"][0]["path"] == "rules[0].forbid-integration.mode"

    def test_waivers_severities_and_selection_name_pack_rules(
        self, in_tmp: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # Approved by risk, not by ops, the service's owner (WVR003).
        waived = CLEAN.replace(
            "owners: [{id: ops, name: Ops, function: operations}]",
            "owners: [{id: ops, name: Ops, function: operations}, {id: risk, name: Risk}]",
        )
        waived += (
            "waivers: [{rule: ACME001, target: svc, reason: Vendor pending, approved_by: risk, "
            "expires: 2027-01-01}]\n"
        )
        (in_tmp / "bp.yaml").write_text(waived, encoding="utf-8")
        code, report = json_report(capsys, "bp.yaml")
        assert (
            code == 2 and "unknown rule 'ACME001'" in report["errors"][0]["message"]
        )  # no pack yet
        write_pack(in_tmp, make_rule(**VENDOR), name="cadee-rules.yaml")
        code, report = json_report(capsys, "bp.yaml")
        assert code == 0 and report["summary"]["waived"] == 1
        (in_tmp / "bp.yaml").write_text(CLEAN, encoding="utf-8")
        (in_tmp / "cadee.toml").write_text('severity = {ACME001 = "warning"}\n', encoding="utf-8")
        code, report = json_report(capsys, "bp.yaml")
        assert code == 0 and report["findings"][0]["severity"] == "warning"
        (in_tmp / "cadee.toml").write_text('ignore = ["ACME"]\n', encoding="utf-8")
        assert json_report(capsys, "bp.yaml") == (
            0,
            {**report, "findings": [], "summary": {**report["summary"], "warning": 0}},
        )

    @pytest.fixture
    def pack_reads(self, in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        """The packs read from disk (by load_pack), with a project of a pack and two blueprints."""
        import cadee.packs.load

        calls: list[str] = []
        original = cadee.packs.load.load_pack

        def counting(path: Any, **kwargs: Any) -> Any:
            calls.append(str(path))
            return original(path, **kwargs)

        monkeypatch.setattr(cadee.packs.load, "load_pack", counting)
        write_pack(in_tmp, make_rule(**VENDOR), name="cadee-rules.yaml")
        for name in ("a.yaml", "b.yaml"):
            (in_tmp / name).write_text(CLEAN, encoding="utf-8")
        return calls

    def test_each_pack_is_read_once_per_project(self, in_tmp: Path, pack_reads: list[str]) -> None:
        from cadee.project import Projects
        from cadee.validate import validate_file

        projects = Projects()  # one run
        assert validate_file("a.yaml", project=projects.of(Path("a.yaml"))).exit_code == 1
        assert validate_file("b.yaml", project=projects.of(Path("b.yaml"))).exit_code == 1
        assert len(pack_reads) == 1 and len(projects) == 1
        pack = in_tmp / "cadee-rules.yaml"
        pack.write_text(
            pack.read_text(encoding="utf-8").replace("present: true", "present: false"),
            encoding="utf-8",
        )
        # Without a project (a library call of its own) each call resolves it afresh.
        assert validate_file("a.yaml").exit_code == 0 and validate_file("a.yaml").exit_code == 0
        assert len(pack_reads) == 3

    def test_validate_of_several_blueprints_reads_each_pack_once(
        self, pack_reads: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["validate", "a.yaml", "b.yaml", "--select", "ACME"]) == 1
        assert "ACME001" in capsys.readouterr().out
        assert len(pack_reads) == 1


# -- the commands ---------------------------------------------------------------------------------


class TestCommands:
    def test_rules_lists_pack_rules_with_their_source(
        self, in_tmp: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write_pack(in_tmp, make_rule(**VENDOR), name="extra.yaml")
        code, out, _ = cli(capsys, "rules", "--format", "json", "--pack", "extra.yaml")
        data = json.loads(out)
        assert code == 0 and len(data) == len(RULES) + 1
        assert data[-1] == {
            "id": "ACME001",
            "name": "rule-acme001",
            "severity": "error",
            "layer": "architecture",
            "summary": "A one-line summary of the policy.",
            "references": ["Acme Architecture Standard AS-1"],
            "source": "extra.yaml",
        }
        code, out, _ = cli(capsys, "rules", "--format", "markdown", "--pack", "extra.yaml")
        assert out.splitlines()[0] == "| ID | name | severity | layer | summary | source |"
        assert out.splitlines()[-1].endswith("| extra.yaml |")
        code, out, _ = cli(capsys, "rules", "--pack", "extra.yaml")
        assert code == 0 and "source" in out and "extra.yaml" in out and "ACME001" in out

    def test_rules_finds_the_project_pack_from_the_working_folder(
        self, in_tmp: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write_pack(in_tmp, make_rule(**VENDOR), name="cadee-rules.yaml")
        (in_tmp / "sub").mkdir()
        os.chdir(in_tmp / "sub")
        code, out, _ = cli(capsys, "rules", "--format", "json")
        # Outside the working folder, paths are shown absolute (as for blueprints).
        assert (
            code == 0
            and json.loads(out)[-1]["source"] == (in_tmp / "cadee-rules.yaml").resolve().as_posix()
        )

    def test_rules_and_explain_refuse_an_invalid_pack(
        self, in_tmp: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write_pack(in_tmp, make_rule("ARC001", **VENDOR), name="bad.yaml")
        # The errors of an input go where the report goes: standard output (as for an invalid blueprint).
        code, out, err = cli(capsys, "rules", "--pack", "bad.yaml")
        assert (
            code == 2
            and err == ""
            and out.startswith("bad.yaml:3:7: error rule ID ARC001 is a built-in rule")
        )
        assert cli(capsys, "explain", "FBK001", "--pack", "bad.yaml")[0] == 2
        assert cli(capsys, "rules", "--pack", "missing.yaml")[1].startswith(
            "missing.yaml:1:1: error no such rule pack"
        )

    def test_explain_a_pack_rule(self, in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
        write_pack(in_tmp, make_rule(**VENDOR), name="cadee-rules.yaml")
        code, out, _ = cli(capsys, "explain", "acme001")
        assert code == 0 and out.startswith(
            "# ACME001 rule-acme001\n\nA one-line summary of the policy.\n"
        )
        for line in (
            "- source: cadee-rules.yaml",
            "## What it does",
            "## Why it matters",
            "## How to fix",
            "## Failing example",
            "## Passing example",
            "## References",
            "- Acme Architecture Standard AS-1",
        ):
            assert line in out.splitlines()
        assert cli(capsys, "explain", "rule-acme001")[1] == out
        assert cli(capsys, "explain", "ACME999")[0] == 2


def pack_with_examples(folder: Path, failing: str, passing: str) -> Path:
    text = textwrap.dedent("""\
        cadee-rules: 1
        rules:
          - id: ACME001
            name: service-vendor
            severity: error
            layer: data
            summary: Services name their vendor.
            rationale: Procurement tracks vendors.
            fix: Set vendor.
            references: [Policy P-1]
            require:
              systems: {kind: service}
              fields: {vendor: {present: true}}
            examples:
              failing: |
        {failing}
              passing: |
        {passing}
        """)
    indent = lambda body: textwrap.indent(textwrap.dedent(body), " " * 8)  # noqa: E731
    path = folder / "pack.yaml"
    path.write_text(
        text.replace("{failing}\n", indent(failing)).replace("{passing}\n", indent(passing)),
        encoding="utf-8",
    )
    return path


FAILING = """\
    cadee: 1
    blueprint: {id: bp, title: Example}
    systems:
      - {id: svc, kind: service}
    """
PASSING = FAILING.replace("kind: service}", "kind: service, vendor: V}")


class TestRulesTest:
    def test_passing_pack(self, in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
        pack_with_examples(in_tmp, FAILING, PASSING)
        code, out, _ = cli(capsys, "rules", "test", "pack.yaml")
        assert code == 0
        assert out == (
            "pack.yaml: 1 rule\n"
            "  ok    ACME001 service-vendor: failing example fires 1 finding (svc); passing example fires nothing\n"
            "1 rule tested (2 examples): 1 passed, 0 failed\n"
        )

    def test_examples_that_do_not_do_what_they_say_fail(
        self, in_tmp: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        pack_with_examples(in_tmp, PASSING, FAILING)
        code, out, _ = cli(capsys, "rules", "test", "pack.yaml")
        assert code == 1
        assert "pack.yaml:15:16: the failing example does not fire the rule" in out
        assert (
            "pack.yaml:20:16: the passing example fires the rule: service 'svc': `vendor` is absent (svc)"
            in out
        )
        assert out.endswith("1 rule tested (2 examples): 0 passed, 1 failed\n")

    def test_an_invalid_example_is_located_in_the_pack(
        self, in_tmp: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        pack_with_examples(in_tmp, FAILING.replace("kind: service}", "kind: servce}"), PASSING)
        code, out, _ = cli(capsys, "rules", "test", "pack.yaml")
        assert code == 1
        assert "pack.yaml:15:16: the failing example is not a valid blueprint (1 error)" in out
        # Example line 4, column 21 -> pack line 15 + 4, column 9 + 21 - 1.
        assert (
            "pack.yaml:19:29: `kind` must be one of: channel, gateway, model, agent, core-banking, crm, "
            "risk, data-store, service, human-desk, identity-provider, external, got 'servce'; did you mean "
            "'service'? [rules[0].examples.failing > systems[0].kind]"
        ) in out

    def test_invalid_pack_and_no_pack(
        self, in_tmp: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write_pack(in_tmp, make_rule("ARC001", **VENDOR))
        code, out, _ = cli(capsys, "rules", "test", "pack.yaml")
        assert code == 2 and "rule ID ARC001 is a built-in rule" in out
        code, _, err = cli(capsys, "rules", "test")
        assert code == 2 and "no rule pack given or found" in err

    def test_example_marks_map_block_scalars(self) -> None:
        mark = ExampleMark("p.yaml", 10, 16, indent=9)
        assert mark.locate(1, 1) == (11, 9)
        assert ExampleMark("p.yaml", 10, 16).locate(3, 4) == (10, 16)


# -- the worked example and every report format ----------------------------------------------------


@pytest.mark.usefixtures("in_repo")
class TestAcmeBank:
    def test_validate_text_output(
        self, capsys: pytest.CaptureFixture[str], update_goldens: bool
    ) -> None:
        code, out, _ = cli(
            capsys, "validate", "examples/acme-bank/blueprint.yaml", "--as-of", "2026-06-01"
        )
        assert code == 1
        golden("acme-bank.txt", out, update_goldens)

    def test_the_pack_tests_pass(
        self, capsys: pytest.CaptureFixture[str], update_goldens: bool
    ) -> None:
        code, out, _ = cli(capsys, "rules", "test", "examples/acme-bank/cadee-rules.yml")
        assert code == 0
        golden("acme-rules-test.txt", out, update_goldens)

    def test_explain_and_catalog(
        self, capsys: pytest.CaptureFixture[str], update_goldens: bool
    ) -> None:
        code, out, _ = cli(
            capsys, "explain", "ACME002", "--pack", "examples/acme-bank/cadee-rules.yml"
        )
        assert code == 0
        golden("acme-explain-ACME002.md", out, update_goldens)
        code, out, _ = cli(
            capsys, "rules", "--format", "markdown", "--pack", "examples/acme-bank/cadee-rules.yml"
        )
        golden("acme-rules.md", out, update_goldens)

    def test_every_template_fires_once_and_built_ins_pass(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, report = json_report(capsys, "examples/acme-bank/blueprint.yaml")
        assert code == 1
        found = [(f["rule"], f["target"], f["waived"]) for f in report["findings"]]
        assert sorted(found) == [
            ("ACME001", "pay-hub", False),
            ("ACME001", "pay-sanctions", False),
            ("ACME002", "hosted-llm", False),
            ("ACME003", "nightly-features", True),
            ("ACME004", "social-dm", False),
            ("ACME008", "hosted-llm", False),
            ("ACME014", "pay-hub", False),
            ("ACME014", "pay-sanctions", False),
        ]

    @pytest.mark.parametrize("fmt", ["sarif", "junit", "gitlab", "github", "text"])
    def test_ci_formats_treat_pack_rules_like_built_ins(
        self, fmt: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = cli(
            capsys,
            "validate",
            "examples/acme-bank/blueprint.yaml",
            "--format",
            fmt,
            "--as-of",
            "2026-06-01",
        )
        assert code == 1
        if fmt == "sarif":
            run_ = json.loads(out)["runs"][0]
            descriptors = run_["tool"]["driver"]["rules"]
            by_id = {d["id"]: (index, d) for index, d in enumerate(descriptors)}
            index, descriptor = by_id["ACME002"]
            assert descriptor["properties"]["source"] == "examples/acme-bank/cadee-rules.yml"
            assert descriptor["shortDescription"]["text"].startswith("Every vendor-hosted model")
            assert "helpUri" not in descriptor
            result = next(r for r in run_["results"] if r["ruleId"] == "ACME002")
            assert result["ruleIndex"] == index
        elif fmt == "junit":
            names = [case.get("name") for case in ET.fromstring(out).iter("testcase")]
            assert (
                "ACME001 payments-through-payments-gateway" in names
                and "ACME005 tier1-runbook-on-portal" in names
            )
        elif fmt == "gitlab":
            assert {issue["check_name"].split()[0] for issue in json.loads(out)} >= {
                "ACME001",
                "ACME002",
                "ACME004",
            }
        else:
            assert "ACME004" in out and "ACME002" in out


# -- plugins --------------------------------------------------------------------------------------

_DOC = """Every model names a vendor.

## What it does

Reports every model without a vendor.

## Why it matters

Procurement tracks every model by vendor.

## How to fix

Set `vendor`.

## Failing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems: [{id: m, kind: model}]
```

## Passing example

```yaml
cadee: 1
blueprint: {id: bp, title: Example}
systems: [{id: m, kind: model, vendor: V}]
```
"""


def _plugin_rule(
    rule_id: str = "DEMO001", name: str = "model-vendor", references: tuple[str, ...] = ("P-1",)
) -> Rule:
    @rule(id=rule_id, name=name, severity="warning", layer="data", references=references, doc=_DOC)
    def made(self: Rule, graph: Any) -> Iterator[Finding]:
        for system in graph.blueprint.systems:
            if system.kind == "model" and system.vendor is None:
                yield self.finding(
                    system.id, f"model '{system.id}' names no vendor", system.location
                )

    return made


class _Entry:
    def __init__(self, name: str, loaded: Any) -> None:
        self.name, self.value, self.module, self.dist = name, f"demo_{name}:RULES", "json", None
        self._loaded = loaded

    def load(self) -> Any:
        if isinstance(self._loaded, Exception):
            raise self._loaded
        return self._loaded


def test_plugin_contract() -> None:
    good = _plugin_rule()
    assert contract_problems(good) == []
    plugins = load_plugins(
        entries=[
            _Entry("a-good", [good]),
            _Entry("b-broken", ImportError("no module named demo_b")),
            _Entry("c-wrong-type", "not a rule"),
            _Entry("d-built-in-id", _plugin_rule("FBK009", "other-name")),
            _Entry("e-duplicate", _plugin_rule("DEMO001", "third-name")),
            _Entry("f-no-references", _plugin_rule("DEMO002", "fourth-name", references=())),
        ]
    )
    assert [r.id for r in plugins.rules] == ["DEMO001"]
    assert plugins.rules[0].source == "plugin demo_a-good:RULES"
    messages = sorted(e.message for e in plugins.errors)
    assert messages == [
        "plugin 'b-broken' (demo_b-broken:RULES) cannot be loaded: ImportError: no module named demo_b",
        "plugin 'c-wrong-type' (demo_c-wrong-type:RULES) must name a cadee.rules.base.Rule or a non-empty list of them, got str",
        "plugin 'd-built-in-id' (demo_d-built-in-id:RULES): rule ID FBK009 uses the prefix of the built-in FBK rules; "
        "organisation rules use their own prefix, e.g. ACME001",
        "plugin 'e-duplicate' (demo_e-duplicate:RULES): rule ID DEMO001 is already defined by the plugin demo_a-good:RULES",
        "plugin 'f-no-references' (demo_f-no-references:RULES): `references` must be a non-empty tuple of strings "
        "naming the requirements it supports",
    ]
    assert all(
        e.location.line >= 1 and e.location.path.startswith("entry-points.cadee.rules.")
        for e in plugins.errors
    )


PLUGIN_PYPROJECT = {
    "setuptools": '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
    '[tool.setuptools]\npackages = ["demo_cadee_rules"]\n',
    "hatchling": '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
    '[tool.hatch.build.targets.wheel]\npackages = ["demo_cadee_rules"]\n',
}


def _build_backend() -> str | None:
    """A backend that builds a wheel without network or build isolation, if one is installed."""
    if importlib.util.find_spec("setuptools") is not None:
        from importlib.metadata import version

        major, minor = (int(part) for part in version("setuptools").split(".")[:2])
        # setuptools builds wheels itself from 70.1 on; before, it needs the wheel package.
        if (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None:
            return "setuptools"
    if importlib.util.find_spec("hatchling") is not None:
        return "hatchling"
    return None


@pytest.mark.slow
def test_a_plugin_installed_into_a_virtual_environment(tmp_path: Path) -> None:
    backend = _build_backend()
    if backend is None:
        pytest.skip(
            "needs setuptools (>= 70.1, or with wheel) or hatchling to build the plugin offline"
        )
    package = tmp_path / "demo-plugin"
    (package / "demo_cadee_rules").mkdir(parents=True)
    (package / "pyproject.toml").write_text(
        PLUGIN_PYPROJECT[backend] + '\n[project]\nname = "demo-cadee-rules"\nversion = "0.1.0"\n\n'
        '[project.entry-points."cadee.rules"]\ndemo = "demo_cadee_rules:RULES"\n',
        encoding="utf-8",
    )
    (package / "demo_cadee_rules" / "__init__.py").write_text(
        f'"""{_DOC}"""\n\nfrom cadee.rules.base import rule\n\n\n'
        '@rule(id="DEMO001", name="model-vendor", severity="warning", layer="data",\n'
        '      references=("Demo Bank Procurement Policy P-1",), doc=__doc__)\n'
        "def VENDOR(self, graph):\n"
        "    for system in graph.blueprint.systems:\n"
        '        if system.kind == "model" and system.vendor is None:\n'
        "            yield self.finding(system.id, f\"model '{system.id}' names no vendor\", system.location)\n\n\n"
        "RULES = [VENDOR]\n",
        encoding="utf-8",
    )
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # The test may itself run in a virtual environment: make its packages (cadee's
    # dependencies, pip, the build backend) visible to the new one as well.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    parents = [p for p in sys.path if p.endswith("site-packages")]
    Path(purelib, "_cadee_test_parent.pth").write_text(
        "".join(f"import site; site.addsitedir({p!r})\n" for p in parents), encoding="utf-8"
    )
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INDEX": "1",
    }
    installed = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            str(package),
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    listed = subprocess.run(
        [str(python), "-m", "cadee", "rules", "--format", "json"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    demo = json.loads(listed.stdout)[-1]
    assert demo["id"] == "DEMO001" and demo["source"] == "plugin demo-cadee-rules 0.1.0"

    blueprint = tmp_path / "bp.yaml"
    blueprint.write_text(
        MIN_BP
        + "systems: [{id: llm, kind: model, fallback: [desk]}, {id: desk, kind: human-desk}]\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        [str(python), "-m", "cadee", "validate", "bp.yaml", "--format", "json"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
    )
    report = json.loads(checked.stdout)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert ("DEMO001", "llm", "model 'llm' names no vendor") in [
        (f["rule"], f["target"], f["message"]) for f in report["findings"]
    ]


def test_plugin_rules_reach_the_report_like_built_ins(tmp_path: Path) -> None:
    plugin = _plugin_rule()
    rules, errors = combine(RULES, [plugin], [])
    assert errors == []
    path = tmp_path / "bp.yaml"
    path.write_text(MIN_BP + "systems: [{id: m, kind: model}]\n", encoding="utf-8")
    blueprint = load_blueprint(path, known_rules=rules).blueprint
    assert blueprint is not None
    report = check(blueprint, CheckOptions(as_of=dt.date(2026, 6, 1), select=("DEMO",)), rules)
    assert [(f.rule, f.name, f.target) for f in report.findings] == [
        ("DEMO001", "model-vendor", "m")
    ]


class TestPackRulesAcrossCommands:
    """Every command sees the project's pack rules, not only the built-in catalog."""

    ACME = "examples/acme-bank/blueprint.yaml"

    def _run(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
        from cadee.cli import main

        old = Path.cwd()
        os.chdir(REPO)
        try:
            code = main(list(args))
        finally:
            os.chdir(old)
        return code, capsys.readouterr().out

    def test_validate_select_accepts_pack_rule_ids(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out = self._run(
            capsys, "validate", self.ACME, "--select", "ACME001", "--format", "json"
        )
        rules = {f["rule"] for f in json.loads(out)["findings"]}
        assert code == 1 and rules == {"ACME001"}

    def test_select_still_refuses_unknown_ids(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert self._run(capsys, "validate", self.ACME, "--select", "ACME999")[0] == 2

    @pytest.mark.parametrize("command", [["simulate", "--all"], ["export", "--to", "mermaid"]])
    def test_waivers_naming_pack_rules_load(
        self, command: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _ = self._run(capsys, command[0], self.ACME, *command[1:])
        assert code == 0
