"""Issue #22: labels in the blueprint (spec 1.1 D) and the pack constructs a bank's
architecture board needs: label selectors, selectors over every list and through
references, when-present, differs/same, counts, avoiding, forbid and own messages."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from cadee.load import load_blueprint
from cadee.packs.load import load_pack
from cadee.packs.testing import run_examples
from cadee.schema import blueprint_schema
from tests.conftest import REPO
from tests.test_packs import make_rule, run_rule, targets, write_pack

ACME_PACK = REPO / "examples" / "acme-bank" / "cadee-rules.yml"


def load_text(folder: Path, text: str) -> Any:
    path = folder / "bp.yaml"
    path.write_text(
        "cadee: 1\nblueprint: {id: bp, title: Example}\n" + textwrap.dedent(text), encoding="utf-8"
    )
    return load_blueprint(path)


def messages(loaded: Any) -> list[str]:
    return [
        f"{e.location.line}:{e.location.column} {e.message} [{e.location.path}]"
        for e in loaded.errors
    ]


# -- labels in the model (spec 1.1 D, clarification 18) --------------------------------------------


class TestLabels:
    def test_labels_on_the_five_lists(self, tmp_path: Path) -> None:
        loaded = load_text(
            tmp_path,
            """\
            owners: [{id: o, name: O, labels: {cost-centre: "42"}}]
            boundaries: [{id: b, trust: internal, labels: {region: eu, zone: ""}}]
            systems:
              - {id: a, kind: channel, boundary: b, owner: o, labels: {pci: "true", acme.com/tier: gold}}
              - {id: c, kind: service}
            integrations: [{from: a, to: c, labels: {flow: payments}}]
            """,
        )
        assert loaded.blueprint is not None, messages(loaded)
        system = loaded.blueprint.systems[0]
        assert system.labels == {"pci": "true", "acme.com/tier": "gold"}
        assert loaded.blueprint.boundaries[0].labels == {
            "region": "eu",
            "zone": "",
        }  # values may be empty
        assert loaded.blueprint.systems[1].labels is None

    def test_stage_1_errors_are_located(self, tmp_path: Path) -> None:
        loaded = load_text(
            tmp_path,
            """\
            systems:
              - id: a
                kind: channel
                labels:
                  pci: yes
                  n: 5
                  Bad_Key: x
                  long: %s
              - {id: b, kind: service, labels: {on: x}}
            integrations: [{from: a, to: b, labels: {x: null}}]
            evidence: [{id: ev, kind: other, labels: {a: b}}]
            """
            % ("v" * 129),
        )
        assert loaded.blueprint is None
        found = messages(loaded)
        assert (
            "7:12 `pci`: label values are strings, this is a boolean: quote it [systems[0].labels.pci]"
            in found
        )
        assert (
            "8:10 `n`: label values are strings, this is a number: quote it [systems[0].labels.n]"
            in found
        )
        assert any(m.startswith("9:7 invalid label key 'Bad_Key'") for m in found)
        assert (
            "10:13 `long`: label value of 129 characters; at most 128 [systems[0].labels.long]"
            in found
        )
        assert any("key is read as a boolean" in m and "systems[1].labels" in m for m in found)
        assert any(m.startswith("12:45 `x`: null value") for m in found)
        assert any(
            m.startswith("13:34 unknown key 'labels'") and "evidence[0].labels" in m for m in found
        )

    def test_at_most_64_labels(self, tmp_path: Path) -> None:
        many = ", ".join(f"k{i}: v" for i in range(65))
        loaded = load_text(tmp_path, f"systems: [{{id: a, kind: service, labels: {{{many}}}}}]\n")
        assert any("65 labels; an item has at most 64" in m for m in messages(loaded))

    def test_schema(self) -> None:
        defs = blueprint_schema()["$defs"]
        labels = defs["System"]["properties"]["labels"]
        assert labels["maxProperties"] == 64
        assert labels["propertyNames"]["pattern"].startswith("^[a-z0-9]")
        assert labels["additionalProperties"] == {"type": "string", "maxLength": 128}
        for model in ("Owner", "Boundary", "Integration"):
            assert "labels" in defs[model]["properties"]
        assert "labels" not in defs["Evidence"]["properties"]


# -- the board's policies, as the Acme pack writes them -------------------------------------------


def acme_rules() -> dict[str, Any]:
    pack = load_pack(ACME_PACK)
    assert pack.valid, pack.errors
    return {info.rule.id: info for info in pack.rules}


@pytest.mark.parametrize(
    ("rule_id", "policy"),
    [
        ("ACME006", "region: EU data leaves over mtls (labels, differs, message)"),
        ("ACME007", "PCI: the CDE entered over mtls (labels, boundary by selector)"),
        ("ACME008", "vendor DPA (require on labels.dpa)"),
        ("ACME009", "DPA evidence approved (selector over evidence)"),
        ("ACME010", "waiver governance (forbid over waivers, approved_by's function)"),
        ("ACME011", "timeout if present (when-present)"),
        ("ACME012", "desk avoiding AI (must-reach avoiding)"),
        ("ACME013", "two human desks (count)"),
        ("ACME014", "payments never through AI (mediated-path avoiding)"),
        ("ACME015", "same environment (same)"),
    ],
)
def test_each_board_policy_fires_and_passes(rule_id: str, policy: str) -> None:
    rules = acme_rules()
    info = rules[rule_id]
    results = run_examples(info.rule, info.examples, known_rules=rules)
    assert [r.ok for r in results] == [True, True], (policy, [r.message for r in results])


def test_own_messages_substitute_placeholders() -> None:
    info = acme_rules()["ACME006"]
    failing = run_examples(info.rule, info.examples)[0]
    assert failing.message == "fires 1 finding (crm-eu->analytics-us)"
    from cadee.check import CheckOptions, check

    path = Path(REPO / "examples" / "acme-bank" / "blueprint.yaml")
    loaded = load_blueprint(path, known_rules=[*acme_rules()])
    assert loaded.blueprint is not None
    report = check(loaded.blueprint, CheckOptions(), {"ACME008": acme_rules()["ACME008"].rule})
    assert [f.message for f in report.findings] == [
        "Hosted LLM (hosted-llm) is run by a vendor but names no data-processing agreement in its label `dpa`"
    ]


# -- constructs one by one ------------------------------------------------------------------------

SYSTEMS = """\
boundaries:
  - {id: eu-dc, trust: internal, labels: {region: eu}}
  - {id: us-dc, trust: internal, labels: {region: us}}
owners:
  - {id: risk, name: Risk, function: risk}
  - {id: dev, name: Dev, function: technology}
systems:
  - {id: a, kind: service, boundary: eu-dc, owner: risk, labels: {region: eu, pci: "true"}}
  - {id: b, kind: service, boundary: us-dc, owner: dev, labels: {region: us}}
  - {id: c, kind: service, boundary: eu-dc, owner: dev, labels: {region: eu}}
  - {id: d, kind: service}
integrations:
  - {id: ab, from: a, to: b, auth: oauth2, timeout_ms: 9000}
  - {id: ac, from: a, to: c, auth: oauth2}
  - {id: ad, from: a, to: d, auth: mtls}
"""


class TestConstructs:
    @pytest.mark.parametrize(
        ("template", "expected"),
        [
            ({"forbid-integration": {"differs": ["labels.region"]}}, ["ab", "ad"]),
            ({"forbid-integration": {"same": ["labels.region"]}}, ["ac"]),
            (
                {
                    "forbid-integration": {
                        "differs": "boundary",
                        "from": {"labels": {"pci": "true"}},
                    }
                },
                ["ab", "ad"],
            ),
            ({"forbid-integration": {"to": {"owner": {"function": "technology"}}}}, ["ab", "ac"]),
            ({"forbid-integration": {"to": {"boundary": {"labels": {"region": "us"}}}}}, ["ab"]),
            ({"forbid-integration": {"to": {"labels": {"region": {"regex": "e.*"}}}}}, ["ac"]),
            ({"forbid-integration": {"to": {"labels": {"region": {"present": False}}}}}, ["ad"]),
            ({"forbid-integration": {"to": {"labels": {"region": ["us", "eu"]}}}}, ["ab", "ac"]),
            ({"forbid": {"systems": {"labels": {"region": "EU"}}}}, []),  # exact and case-sensitive
            ({"forbid": {"boundaries": {"labels": {"region": "eu"}}}}, ["eu-dc"]),
            ({"forbid": {"owners": {"function": "risk"}}}, ["risk"]),
            (
                {
                    "require": {
                        "integrations": {},
                        "fields": {"timeout_ms": {"at-most": 5000, "when-present": True}},
                    }
                },
                ["ab"],
            ),
            (
                {"require": {"integrations": {}, "fields": {"timeout_ms": {"at-most": 5000}}}},
                ["ab", "ac", "ad"],
            ),
            ({"require": {"systems": {}, "fields": {"labels.region": {"present": True}}}}, ["d"]),
            ({"count": {"systems": {"labels": {"region": "eu"}}, "at-least": 3}}, ["bp"]),
            ({"count": {"systems": {"labels": {"region": "eu"}}, "at-most": 2}}, []),
        ],
    )
    def test_selects(self, tmp_path: Path, template: dict[str, Any], expected: list[str]) -> None:
        assert targets(run_rule(tmp_path, template, SYSTEMS)) == expected

    def test_evidence_kpis_gates_waivers(self, tmp_path: Path) -> None:
        parts = (
            SYSTEMS
            + """\
evidence:
  - {id: dpa-1, kind: other, status: approved, approved_by: dev}
  - {id: dpa-2, kind: other, status: approved, approved_by: risk}
kpis:
  - {id: k1, name: K1, owner: dev}
gates:
  - {id: g1, action: pause, when: w, kpi: k1, decided_by: dev}
waivers:
  - {rule: ACME001, target: a, reason: r, approved_by: dev, expires: 2099-01-01}
"""
        )
        for template, expected in [
            ({"forbid": {"evidence": {"not": {"approved_by": {"function": "risk"}}}}}, ["dpa-1"]),
            ({"forbid": {"kpis": {"owner": {"function": "technology"}}}}, ["k1"]),
            ({"forbid": {"gates": {"action": "pause", "decided_by": "dev"}}}, ["g1"]),
            (
                {
                    "forbid": {
                        "waivers": {"not": {"approved_by": {"function": ["risk", "compliance"]}}}
                    }
                },
                ["ACME001:a"],
            ),
        ]:
            found = run_rule(tmp_path, template, parts)
            assert targets(found) == expected, template

    def test_must_reach_avoiding(self, tmp_path: Path) -> None:
        template = {
            "must-reach": {
                "from": {"kind": "channel"},
                "to": {"kind": "human-desk"},
                "avoiding": {"kind": ["model", "agent"]},
            }
        }
        parts = """\
systems:
  - {id: chat, kind: channel}
  - {id: voice, kind: channel}
  - {id: bot, kind: agent}
  - {id: desk, kind: human-desk}
integrations:
  - {from: chat, to: bot}
  - {from: bot, to: desk}
  - {from: voice, to: desk}
"""
        found = run_rule(tmp_path, template, parts)
        assert targets(found) == ["chat"]
        assert (
            found[0].message.endswith(
                "over integrations or fallbacks avoiding {kind: [model, agent]} (chat)"
            )
            or "avoiding {kind: [model, agent]}" in found[0].message
        )

    def test_message_is_never_evaluated(self, tmp_path: Path) -> None:
        template = {
            "forbid": {"systems": {"id": "x.*"}},
            "message": "{id} / {name} {{literal}} {field}",
        }
        found = run_rule(
            tmp_path,
            template,
            "systems:\n  - {id: x1, kind: service, name: '{id} {0.__class__}'}\n",
        )
        assert [f.message for f in found] == ["x1 / {id} {0.__class__} {literal} "]


@pytest.mark.parametrize(
    ("rule", "located"),
    [
        (
            {"message": "{too}", "forbid": {"systems": {}}},
            "pack.yaml:12:12: `message`: unknown placeholder {too}; did you mean 'to'?",
        ),
        (
            {"message": "{0.__class__}", "forbid": {"systems": {}}},
            "pack.yaml:12:12: `message`: unknown placeholder {0.__class__}",
        ),
        (
            {"forbid": {"systems": {"labels": {"region": 5}}}},
            "`region`: label values are strings, this is a number",
        ),
        ({"forbid": {"systems": {"labels": {"Region": "eu"}}}}, "invalid label key 'Region'"),
        (
            {"forbid": {"systems": {"labels": {"pci": {"regx": "a"}}}}},
            "unknown key 'regx'; did you mean 'regex'?",
        ),
        (
            {"forbid": {"waivers": {"approved_by": {"functon": "risk"}}}},
            "unknown key 'functon'; did you mean 'function'?",
        ),
        ({"forbid-integration": {"differs": ["boundry"]}}, "did you mean 'boundary'?"),
        (
            {"must-reach": {"from": {}, "to": {}, "avoidng": {}}},
            "unknown key 'avoidng'; did you mean 'avoiding'?",
        ),
        ({"count": {"systems": {}}}, "`count` needs `at-least`, `at-most` or both"),
        (
            {"count": {"systems": {}, "at-least": 3, "at-most": 1}},
            "`at-most` (1) is below `at-least` (3)",
        ),
        (
            {"require": {"integrations": {}, "fields": {"timeout_ms": {"when-present": True}}}},
            "`when-present: true` makes the other conditions apply only when the field is written",
        ),
        (
            {"require": {"waivers": {}, "fields": {"labels.x": {"equals": "a"}}}},
            "unknown field 'labels.x' of waivers",
        ),
        (
            {
                "require": {
                    "integrations": {},
                    "fields": {"timeout_ms": {"at-most": 1, "when-present": False}},
                }
            },
            "`when-present: false` changes nothing",
        ),
        (
            {
                "require": {
                    "integrations": {},
                    "fields": {"timeout_ms": {"present": True, "when-present": True}},
                }
            },
            "(and no `present`)",
        ),
        (
            {"forbid": {"systems": {}, "owners": {}}},
            "`forbid` selects one list; `owners` is a second one",
        ),
    ],
)
def test_new_constructs_are_checked_when_the_pack_loads(
    tmp_path: Path, rule: dict[str, Any], located: str
) -> None:
    pack = load_pack(write_pack(tmp_path, make_rule(**rule)), cwd=tmp_path)
    shown = [
        f"{e.location.file}:{e.location.line}:{e.location.column}: {e.message}" for e in pack.errors
    ]
    assert any(located in line for line in shown), shown


# -- labels in exports ------------------------------------------------------------------------------


def test_labels_travel_through_calm_and_backstage(tmp_path: Path) -> None:
    from cadee.interop.backstage import to_backstage
    from cadee.interop.calm import to_calm

    loaded = load_text(
        tmp_path,
        """\
        owners: [{id: o, name: O, labels: {cost-centre: "42"}}]
        boundaries: [{id: b, trust: internal, labels: {zone: pci}}]
        systems:
          - {id: a, kind: service, boundary: b, owner: o, labels: {pci: "true", note: "two words"}}
          - {id: c, kind: service, owner: o}
        integrations: [{from: a, to: c, auth: mtls, labels: {flow: payments}}]
        """,
    )
    blueprint = loaded.blueprint
    assert blueprint is not None, messages(loaded)
    calm = to_calm(blueprint)
    nodes = {n["unique-id"]: n for n in calm["nodes"]}
    assert nodes["a"]["metadata"]["cadee"]["labels"] == {"pci": "true", "note": "two words"}
    assert nodes["b"]["metadata"]["cadee"]["labels"] == {"zone": "pci"}
    assert calm["relationships"][-1]["metadata"]["cadee"]["labels"] == {"flow": "payments"}
    entities = {e["metadata"]["name"]: e for e in to_backstage(blueprint)}
    system = entities["a"]["metadata"]
    assert system["labels"] == {"pci": "true"}  # "two words" is no Backstage label value ...
    assert (
        system["annotations"]["cadee.dev/labels"] == '{"pci": "true", "note": "two words"}'
    )  # ... so all travel here
    assert entities["b"]["metadata"]["labels"] == {"zone": "pci"}
    assert entities["o"]["metadata"]["labels"] == {"cost-centre": "42"}


@pytest.mark.parametrize("target", ["calm", "backstage"])
def test_labels_round_trip(
    tmp_path: Path, target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cadee.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "cadee.toml").write_text("rule-packs = []\n", encoding="utf-8")
    load_text(
        tmp_path,
        """\
        owners: [{id: o, name: O, labels: {cost-centre: "42"}}]
        boundaries: [{id: b, trust: internal, labels: {zone: pci}}]
        systems:
          - {id: a, kind: service, boundary: b, owner: o, labels: {pci: "true", note: "two words"}}
        """,
    )
    exported = "out.json" if target == "calm" else "catalog-info.yaml"
    assert main(["export", "bp.yaml", "--to", target, "-o", exported]) in (0, 1)
    assert main(["import", target, exported, "-o", "back.yaml"]) == 0
    capsys.readouterr()
    back = load_blueprint(tmp_path / "back.yaml")
    assert back.blueprint is not None, messages(back)
    assert back.blueprint.systems[0].labels == {"pci": "true", "note": "two words"}
    assert back.blueprint.boundaries[0].labels == {"zone": "pci"}
    assert back.blueprint.owners[0].labels == {"cost-centre": "42"}


def test_a_run_without_packs_never_loads_re2(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "cadee.toml").write_text("rule-packs = []\n", encoding="utf-8")
    load_text(tmp_path, "systems: [{id: a, kind: service, labels: {region: eu}}]\n")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cadee", "validate", "bp.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "re2" not in imported and "cadee.packs.testing" not in imported


def test_own_messages_are_escaped_per_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from cadee.cli import main

    monkeypatch.chdir(tmp_path)
    write_pack(
        tmp_path,
        make_rule(
            **{
                "forbid": {"systems": {"labels": {"pci": "true"}}},
                "message": "{name} holds card data",
            }
        ),
        name="cadee-rules.yaml",
    )
    load_text(
        tmp_path,
        'systems: [{id: a, kind: service, name: "\\e]0;pwned\\a<b>*x*</b>", labels: {pci: "true"}}]\n',
    )
    main(["validate", "bp.yaml"])
    text = capsys.readouterr().out
    assert "\x1b" not in text and "\\x1b]0;pwned\\x07<b>*x*</b> holds card data" in text
    main(["validate", "bp.yaml", "--format", "json"])
    finding = next(
        f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "ACME001"
    )
    assert finding["message"] == "\x1b]0;pwned\x07<b>*x*</b> holds card data"


SERVICES = """\
owners:
  - {id: ops, name: Operations, function: operations}
  - {id: lab, name: Innovation lab, function: technology}
systems:
  - {id: chat, kind: channel}
  - {id: core, kind: core-banking}
services:
  - {id: card-block, name: Card block, channels: [chat], requires: [core], critical: true, owner: lab,
     labels: {regulated: "yes"}}
  - {id: faq, name: Product questions, channels: [chat]}
  - {id: balance, name: Balance enquiry, channels: [chat], critical: true, owner: ops, tolerance_minutes: 60}
"""


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # Critical services name an operations owner and a tolerance.
        (
            {
                "require": {
                    "services": {"critical": True},
                    "fields": {"tolerance_minutes": {"present": True}},
                }
            },
            ["card-block"],
        ),
        (
            {
                "require": {
                    "services": {"critical": True, "not": {"owner": {"function": "operations"}}},
                    "fields": {"owner": {"present": False}},
                }
            },
            ["card-block"],
        ),
        (
            {
                "forbid": {
                    "services": {
                        "labels": {"regulated": "yes"},
                        "not": {"owner": {"function": "operations"}},
                    }
                }
            },
            ["card-block"],
        ),
        ({"count": {"services": {"critical": True}, "at-least": 3}}, ["bp"]),
    ],
)
def test_selectors_over_services(
    tmp_path: Path, template: dict[str, Any], expected: list[str]
) -> None:
    assert targets(run_rule(tmp_path, template, SERVICES)) == expected
