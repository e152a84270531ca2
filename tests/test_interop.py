"""Interoperability: CALM, Backstage, Structurizr, Mermaid and DOT exports; CALM and Backstage imports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadee.check import CheckOptions, check
from cadee.cli import main
from cadee.diagnostics import Location
from cadee.interop.backstage import (
    import_backstage,
    render_backstage,
    split_documents,
    to_backstage,
)
from cadee.interop.blueprint_writer import render_blueprint
from cadee.interop.calm import CALM_PROTOCOLS, import_calm, render_calm, to_calm
from cadee.interop.draft import Draft, IdAllocator, to_id
from cadee.interop.graph_export import render_dot, render_mermaid
from cadee.interop.structurizr import render_structurizr
from cadee.load import load_blueprint
from cadee.model import Blueprint
from cadee.rules import RULES
from tests.conftest import AS_OF, REPO, SHARED

FLAGSHIP = REPO / "examples" / "northwind-bank" / "blueprint.yaml"
PILOT = REPO / "examples" / "northwind-pilot" / "blueprint.yaml"
FIXTURES = REPO / "tests" / "fixtures" / "interop"
GOLDENS = REPO / "tests" / "goldens" / "interop"
CALM_SCHEMAS = SHARED / "schemas" / "calm-1.2"
CALM_NODE_TYPES = {
    "actor",
    "ecosystem",
    "system",
    "service",
    "database",
    "network",
    "ldap",
    "webclient",
    "data-asset",
}
SECTIONS = (
    "owners",
    "boundaries",
    "systems",
    "integrations",
    "evidence",
    "kpis",
    "gates",
    "waivers",
)


def load(path: Path) -> Blueprint:
    result = load_blueprint(path)
    assert not result.errors, "\n".join(str(e) for e in result.errors)
    assert result.blueprint is not None
    return result.blueprint


@pytest.fixture(scope="module")
def flagship() -> Blueprint:
    return load(FLAGSHIP)


@pytest.fixture(scope="module")
def pilot() -> Blueprint:
    return load(PILOT)


def golden(name: str, text: str, update: bool) -> None:
    path = GOLDENS / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"missing golden {path}; run pytest --update-goldens"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def reimport(draft: Draft | None, tmp_path: Path, name: str = "imported.yaml") -> Blueprint:
    """Write an imported draft as a blueprint file and load it as `cadee validate` would."""
    assert draft is not None
    path = tmp_path / name
    path.write_text(render_blueprint(draft, "cadee import"), encoding="utf-8")
    return load(path)


def dumped(items: list[Any]) -> list[dict[str, Any]]:
    return [item.model_dump(by_alias=True) for item in items]


def calm_validator() -> Any:
    if not CALM_SCHEMAS.is_dir():
        pytest.skip(
            f"CALM 1.2 meta-schemas not found at {CALM_SCHEMAS} (the shared folder next to the repository)"
        )
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    resources = []
    for path in sorted(CALM_SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry: Any = Registry().with_resources(resources)
    calm = json.loads((CALM_SCHEMAS / "calm.json").read_text(encoding="utf-8"))
    return Draft202012Validator(calm, registry=registry)


# -- CALM export -----------------------------------------------------------------------


@pytest.mark.parametrize("example", ["flagship", "pilot"])
def test_calm_export_validates_against_the_calm_1_2_meta_schema(
    example: str, request: pytest.FixtureRequest
) -> None:
    validator = calm_validator()
    blueprint: Blueprint = request.getfixturevalue(example)
    document = json.loads(render_calm(blueprint))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []
    # Stricter than the schema, which accepts any string as node-type.
    assert {n["node-type"] for n in document["nodes"]} <= CALM_NODE_TYPES
    assert {p for r in document["relationships"] if (p := r.get("protocol"))} <= set(CALM_PROTOCOLS)
    ids = [n["unique-id"] for n in document["nodes"]] + [
        r["unique-id"] for r in document["relationships"]
    ]
    assert len(ids) == len(set(ids))
    assert len(document["nodes"]) == len(blueprint.systems) + len(blueprint.boundaries)
    connects = [r for r in document["relationships"] if "connects" in r["relationship-type"]]
    assert len(connects) == len(blueprint.integrations)


def test_the_calm_validator_rejects_what_calm_forbids(pilot: Blueprint) -> None:
    validator = calm_validator()
    document = to_calm(pilot)
    del document["nodes"][0]["name"]
    document["relationships"][-1]["protocol"] = "https"
    document["relationships"][0]["relationship-type"]["connects"] = {"source": {"node": "x"}}
    messages = [e.message for e in validator.iter_errors(document)]
    assert any("'name' is a required property" in m for m in messages)
    assert any("'https' is not one of" in m for m in messages)
    assert len(messages) >= 3


def test_calm_export_maps_kinds_protocols_boundaries_and_metadata(flagship: Blueprint) -> None:
    document = to_calm(flagship)
    nodes = {n["unique-id"]: n for n in document["nodes"]}
    assert nodes["nw-ai-gateway"]["node-type"] == "service"
    assert nodes["nw-ai-gateway"]["metadata"]["cadee"]["kind"] == "gateway"
    assert nodes["nw-ai-gateway"]["metadata"]["cadee"]["criticality"] == "tier-1"
    assert nodes["nw-ai-gateway"]["metadata"]["cadee"]["owner"] == "nw-ai-platform"
    assert nodes["nw-edge"]["node-type"] == "network"
    assert nodes["nw-edge"]["metadata"]["cadee"]["trust"] == "internal"
    assert (
        nodes["nw-triage-agent"]["metadata"]["cadee"]["fallback"][0]["to"]
        == "nw-contact-centre-desk"
    )
    relationships = {r["unique-id"]: r for r in document["relationships"]}
    https = relationships["nw-ai-gateway->nw-customer-ciam"]
    assert https["protocol"] == "HTTPS"
    assert https["metadata"]["cadee"] == {
        "protocol": "https",
        "auth": "mtls",
        "data": "confidential",
        "timeout_ms": 2000,
    }
    grpc = relationships["nw-ai-gateway->nw-guardrails"]
    assert "protocol" not in grpc and grpc["metadata"]["cadee"]["protocol"] == "grpc"
    edge = relationships["deployed-in:nw-edge"]["relationship-type"]["deployed-in"]
    assert edge["container"] == "nw-edge"
    assert edge["nodes"] == [s.id for s in flagship.systems if s.boundary == "nw-edge"]
    assert nodes["nw-ai-gateway"]["metadata"]["cadee"]["needs"] == ["nw-guardrails", "nw-sts"]
    assert nodes["nw-ai-gateway"]["metadata"]["cadee"]["recovery_minutes"] == 30
    carried = document["metadata"]["cadee"]
    assert [s["id"] for s in carried["services"]] == [s.id for s in flagship.services]
    assert carried["blueprint"]["owner"] == "nw-head-of-service"
    assert [o["id"] for o in carried["owners"]] == [o.id for o in flagship.owners]


# -- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("example", ["flagship", "pilot"])
def test_blueprint_to_calm_to_blueprint_keeps_everything(
    example: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    original: Blueprint = request.getfixturevalue(example)
    draft, errors = import_calm(render_calm(original).encode(), "architecture.json", RULES)
    assert errors == []
    assert draft is not None and draft.notes == []
    again = reimport(draft, tmp_path)
    assert again.meta == original.meta
    for section in SECTIONS:  # same items, same fields, same order
        if section == "kpis":  # measurements files travel as their values
            assert _without_measurements(again.kpis) == _without_measurements(original.kpis)
            continue
        assert dumped(getattr(again, section)) == dumped(getattr(original, section)), section
    assert _values(again) == _values(original)


def _without_measurements(kpis: list[Any]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in kpi.items() if not k.startswith("measurements")} for kpi in dumped(kpis)
    ]


def _values(blueprint: Blueprint) -> dict[str, list[tuple[Any, ...]]]:
    return {
        kpi: [(p.date, p.value, p.note) for p in points]
        for kpi, points in blueprint.measurements.items()
    }


@pytest.mark.parametrize("example", ["flagship", "pilot"])
def test_blueprint_to_backstage_to_blueprint_keeps_systems_integrations_owners_boundaries(
    example: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    original: Blueprint = request.getfixturevalue(example)
    draft, errors = import_backstage(
        [("catalog-info.yaml", render_backstage(original).encode())], RULES
    )
    assert errors == []
    assert draft is not None and draft.notes == []
    again = reimport(draft, tmp_path)
    assert again.meta == original.meta
    for section in ("owners", "boundaries", "systems"):
        assert dumped(getattr(again, section)) == dumped(getattr(original, section)), section

    # Integrations travel with their caller, so they come back grouped by caller.
    def key(item: dict[str, Any]) -> str:
        return json.dumps(item, sort_keys=True)

    assert sorted(dumped(again.integrations), key=key) == sorted(
        dumped(original.integrations), key=key
    )
    assert again.evidence == again.kpis == again.gates == again.waivers == again.services == []
    # needs travel in spec.dependsOn and come back as needs, not as integrations.
    assert [s.needs for s in again.systems] == [s.needs for s in original.systems]
    assert any(s.needs for s in original.systems)


def test_backstage_export_is_a_well_formed_catalog(flagship: Blueprint) -> None:
    entities = list(yaml.safe_load_all(render_backstage(flagship)))
    assert entities == to_backstage(flagship)
    name = re.compile(r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")
    declared = {(e["kind"].lower(), e["metadata"]["name"]) for e in entities}
    kinds = [e["kind"] for e in entities]
    assert kinds.count("Domain") == 1
    assert kinds.count("Component") + kinds.count("Resource") == len(flagship.systems)
    assert kinds.count("System") == len(flagship.boundaries)
    assert kinds.count("Group") + kinds.count("User") == len(flagship.owners)
    for entity in entities:
        assert entity["apiVersion"] == "backstage.io/v1alpha1"
        assert name.match(entity["metadata"]["name"]) and len(entity["metadata"]["name"]) <= 63
        assert all(isinstance(v, str) for v in entity["metadata"].get("annotations", {}).values())
        spec = entity["spec"]
        if entity["kind"] in ("Component", "Resource", "System", "Domain"):
            kind, _, target = spec["owner"].partition(":")
            assert (kind, target) in declared
        if entity["kind"] == "Component":
            assert spec["type"] and spec["lifecycle"]
        for ref in spec.get("dependsOn", []):
            assert tuple(ref.split(":", 1)) in declared
        if "system" in spec:
            assert ("system", spec["system"]) in declared


def test_backstage_export_writes_a_placeholder_owner_only_with_the_unowned_annotation(
    pilot: Blueprint,
) -> None:
    entities = {(e["kind"], e["metadata"]["name"]): e for e in to_backstage(pilot)}
    bot = entities[("Component", "pilot-legacy-faq-bot")]
    assert bot["spec"]["owner"] == "unknown"
    assert bot["metadata"]["annotations"]["cadee.dev/unowned"] == "true"
    assert (
        "cadee.dev/unowned"
        not in entities[("Component", "pilot-web-chat")]["metadata"]["annotations"]
    )


def test_backstage_names_are_made_valid_and_the_cadee_id_travels(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(
        textwrap.dedent("""\
        cadee: 1
        blueprint: {id: bp, title: T, owner: team--a}
        owners: [{id: team--a, name: A}, {id: team_a-, name: B}]
        systems:
          - {id: svc.., kind: service, owner: team--a}
          - {id: Svc, kind: data-store, owner: team_a-}
        integrations: [{from: svc.., to: Svc}]
        """),
        encoding="utf-8",
    )
    blueprint = load(path)
    entities = to_backstage(blueprint)
    names = [e["metadata"]["name"] for e in entities[1:]]
    assert names == ["team-a", "team_a", "svc", "Svc-2"]
    assert entities[1]["metadata"]["annotations"]["cadee.dev/id"] == "team--a"
    draft, errors = import_backstage([("c.yaml", render_backstage(blueprint).encode())], RULES)
    assert errors == [] and draft is not None
    again = reimport(draft, tmp_path)
    assert dumped(again.systems) == dumped(blueprint.systems)
    assert dumped(again.integrations) == dumped(blueprint.integrations)


# -- goldens -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("to", "name"),
    [
        ("calm", "northwind-pilot.calm.json"),
        ("backstage", "northwind-pilot.catalog-info.yaml"),
        ("structurizr", "northwind-pilot.dsl"),
        ("mermaid", "northwind-pilot.mmd"),
        ("dot", "northwind-pilot.dot"),
    ],
)
def test_pilot_exports_match_their_goldens(
    to: str, name: str, in_repo: None, update_goldens: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["export", "examples/northwind-pilot/blueprint.yaml", "--to", to])
    out = capsys.readouterr().out
    assert code == 0
    golden(name, out, update_goldens)


def test_flagship_structurizr_matches_its_golden(flagship: Blueprint, update_goldens: bool) -> None:
    text = render_structurizr(flagship)
    golden("northwind-bank.dsl", text, update_goldens)
    assert text.count(" = softwareSystem ") + text.count(" = person ") == len(flagship.systems)
    assert text.count("        group ") == len({s.boundary for s in flagship.systems if s.boundary})
    assert "autolayout lr" in text


def test_import_of_a_generic_calm_architecture_matches_its_golden(
    update_goldens: bool, tmp_path: Path
) -> None:
    name = "tests/fixtures/interop/calm-payments.json"
    draft, errors = import_calm((REPO / name).read_bytes(), name, RULES)
    assert errors == [] and draft is not None
    text = render_blueprint(draft, "cadee import calm")
    golden("import-calm-payments.yaml", text, update_goldens)
    blueprint = reimport(draft, tmp_path)
    systems = {s.id: s for s in blueprint.systems}
    assert systems["online-banking"].kind == "channel"
    assert systems["payments-db"].kind == "data-store"
    assert systems["directory"].kind == "identity-provider"
    assert systems["payments-service"].boundary == "k8s-cluster"  # the first container wins
    assert {b.id for b in blueprint.boundaries} == {"k8s-cluster", "payments-system"}
    gateway = next(i for i in blueprint.integrations if i.id == "gateway-to-payments")
    assert (gateway.protocol, gateway.auth) == ("mtls", "mtls")
    notes = "\n".join(str(n) for n in draft.notes)
    for lost in (
        "`flows` not imported",
        "`controls` not imported",
        "`interfaces` not imported",
        "node-type 'ai-model' has no cadee kind",
        "imported as 'payments-service'",
    ):
        assert lost in notes
    # Every warning is also a comment in the file, next to what it concerns.
    assert text.count("# cadee import: ") == len(draft.notes)
    # What CALM did not capture shows up as findings.
    rules = {f.rule for f in check(blueprint, CheckOptions(as_of=AS_OF)).findings}
    assert {"OWN001", "OWN002", "IAM001", "IAM003", "EVD001"} <= rules


def test_import_of_a_generic_backstage_catalog_matches_its_golden(
    update_goldens: bool, tmp_path: Path
) -> None:
    files = [f"tests/fixtures/interop/backstage-{name}.yaml" for name in ("catalog", "org")]
    draft, errors = import_backstage([(f, (REPO / f).read_bytes()) for f in files], RULES)
    assert errors == [] and draft is not None
    text = render_blueprint(draft, "cadee import backstage")
    golden("import-backstage-catalog.yaml", text, update_goldens)
    blueprint = reimport(draft, tmp_path)
    assert [o.id for o in blueprint.owners] == ["payments-team", "jane"]
    assert [(o.kind, o.contact) for o in blueprint.owners] == [
        ("team", "payments@bank.example"),
        ("person", None),
    ]
    systems = {s.id: s for s in blueprint.systems}
    assert list(systems) == ["payments-web", "payments-service", "payments-db", "finance.ledger"]
    assert systems["payments-web"].kind == "channel" and systems["payments-db"].kind == "data-store"
    assert systems["finance.ledger"].owner == "jane"
    assert {s.boundary for s in blueprint.systems} == {"payments", None}
    assert systems["payments-service"].observability is not None
    assert (
        systems["payments-service"].observability.runbook
        == "https://runbooks.bank.example/payments"
    )
    pairs = [(i.from_, i.to, i.protocol) for i in blueprint.integrations]
    assert pairs == [
        ("payments-service", "payments-db", None),
        ("payments-service", "finance.ledger", None),
        ("payments-web", "payments-service", "https"),
    ]
    assert text.count("# cadee import: ") == len(draft.notes)


# -- malformed input --------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "calm-bad-json.json",
            "calm-bad-json.json:8:5: error invalid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            "calm-missing-unique-id.json",
            "calm-missing-unique-id.json:4:5: error node has no unique-id (CALM requires one) [nodes[1]]",
        ),
        (
            "calm-unknown-node.json",
            "calm-unknown-node.json:9:67: error destination node names unknown node 'api'",
        ),
    ],
)
def test_malformed_calm_gives_located_errors_and_exit_2(
    fixture: str, expected: str, in_repo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", "calm", f"tests/fixtures/interop/{fixture}")
    assert code == 2
    assert out == ""
    assert f"tests/fixtures/interop/{expected}" in err
    assert "Traceback" not in err
    assert err.rstrip().endswith("cadee: nothing imported: 1 error")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2]", "1:1: a CALM architecture is a JSON object with `nodes`"),
        ('{"relationships": []}', "1:1: no `nodes` list: this is not a CALM architecture"),
        ('{"nodes": {}}', "1:1: `nodes` must be a list of node objects"),
        (
            '{"nodes": [\n  {"unique-id": "a"},\n  {"unique-id": "a"}\n]}',
            "3:3: unique-id 'a' is already used at line 2, column 3",
        ),
        (
            '{"nodes": [{"unique-id": "a"}],\n "relationships": [\n  {"unique-id": "r", "relationship-type": '
            '{"connects": {"source": {"node": "a"}, "destination": {"node": "a"}}, "interacts": {}}}]}',
            "3:43: relationship-type must hold exactly one of",
        ),
        (
            '{"nodes": [{"unique-id": "a"}],\n "relationships": [{"relationship-type": {"connects": {}}}]}',
            "2:20: relationship has no unique-id",
        ),
        (
            '{"nodes": [{"unique-id": "a"}], "relationships": [{"unique-id": "r", "relationship-type": '
            '{"deployed-in": {"container": "a", "nodes": ["a", "ghost"]}}}]}',
            "deployed-in nodes names unknown node 'ghost'",
        ),
        (
            '{"nodes": [{"unique-id": 7}]}',
            "1:12: node has a unique-id that is not a non-empty string",
        ),
        ('{"nodes": [], "x": NaN', "1:23: invalid JSON: Expecting ',' delimiter"),
    ],
)
def test_calm_structure_errors_are_located(text: str, expected: str) -> None:
    draft, errors = import_calm(text.encode(), "a.json", RULES)
    assert draft is None
    assert any(expected in str(e) for e in errors), [str(e) for e in errors]


def test_calm_that_is_not_utf8_is_an_error_with_its_position() -> None:
    draft, errors = import_calm(b'{"nodes": [\n  "caf\xe9"]}', "a.json", RULES)
    assert draft is None and str(errors[0]) == "a.json:2:7: cannot read the file: not UTF-8 text"


def test_partial_calm_imports_with_warnings_and_loads(tmp_path: Path) -> None:
    text = json.dumps(
        {
            "nodes": [
                {"unique-id": "web", "node-type": "webclient"},
                {"unique-id": "api"},
                {
                    "unique-id": "store",
                    "node-type": "database",
                    "name": "Store",
                    "metadata": {
                        "cadee": {"kind": "warehouse", "owner": "nobody", "redundancy": "two"}
                    },
                },
            ],
            "relationships": [
                {
                    "unique-id": "web->api",
                    "relationship-type": {
                        "connects": {"source": {"node": "web"}, "destination": {"node": "api"}}
                    },
                    "protocol": "WebSocket",
                },
                {"unique-id": "opt", "relationship-type": {"options": []}},
            ],
        }
    )
    draft, errors = import_calm(text.encode(), "partial.json", RULES)
    assert errors == [] and draft is not None
    notes = [n.message for n in draft.notes]
    assert "node has no name; the id is used" in notes
    assert "node has no node-type; imported as kind service" in notes
    assert any("cadee.kind 'warehouse' is not a system kind" in n for n in notes)
    assert any("owner names owner 'nobody', which is not declared; dropped" in n for n in notes)
    assert any("redundancy 'two' is not valid; dropped" in n for n in notes)
    assert any("`options` relationships" in n for n in notes)
    blueprint = reimport(draft, tmp_path)
    assert [(s.id, s.kind) for s in blueprint.systems] == [
        ("web", "channel"),
        ("api", "service"),
        ("store", "data-store"),
    ]
    assert [(i.id, i.protocol) for i in blueprint.integrations] == [("web->api", "websocket")]


def test_backstage_yaml_errors_keep_the_file_line_numbers(
    in_repo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "import", "backstage", "tests/fixtures/interop/backstage-bad-yaml.yaml"
    )
    assert code == 2 and out == ""
    # Line 14 of the file is in its second document.
    assert "tests/fixtures/interop/backstage-bad-yaml.yaml:14:5: error YAML syntax error" in err


def test_backstage_entities_without_kind_or_name_are_errors(
    in_repo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "import", "backstage", "tests/fixtures/interop/backstage-no-kind.yaml"
    )
    assert code == 2
    assert "backstage-no-kind.yaml:9:1: error entity has no `kind` (e.g. Component, Group)" in err
    assert (
        "backstage-no-kind.yaml:18:3: error Component entity has no `metadata.name` [metadata.name]"
        in err
    )
    assert "cadee: nothing imported: 2 errors" in err


def test_backstage_dangling_references_are_errors(
    in_repo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "import", "backstage", "tests/fixtures/interop/backstage-dangling.yaml"
    )
    assert code == 2
    assert (
        "backstage-dangling.yaml:8:10: error component:orphan: spec.owner refers to 'group:ghosts', "
        "which is not in the given catalog files"
    ) in err
    assert (
        "backstage-dangling.yaml:10:7: error component:orphan: spec.dependsOn[0] refers to 'component:nowhere'"
        in err
    )
    # The same catalog without the file that declares the owners.
    code, _, err = run(
        capsys, "import", "backstage", "tests/fixtures/interop/backstage-catalog.yaml"
    )
    assert code == 2 and "spec.owner refers to 'group:payments-team'" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "kind: Group\nmetadata: {name: a}\n---\nkind: Group\nmetadata: {name: A}\n",
            "c.yaml:4:1: group:A is declared twice (first at c.yaml:1)",
        ),
        ("- just\n- a list\n", "c.yaml:1:1: a catalog entity is a mapping"),
        (
            "kind: Component\nmetadata: {name: a}\nspec: [1]\n",
            "c.yaml:3:7: component:a: `spec` must be a mapping",
        ),
        (
            "kind: Component\nmetadata: {name: a}\nspec: {dependsOn: component:b}\n",
            "component:a: spec.dependsOn must be a list of references",
        ),
        (
            "kind: Component\nmetadata: {name: ''}\n",
            "c.yaml:2:18: Component entity's `metadata.name` must be a non-empty string",
        ),
        ("# only a comment\n", "c.yaml:1:1: no catalog entities found"),
        (
            "kind: Group\nmetadata: {name: a}\n---\n--- {kind: Group, metadata: {name: b}, spec: {x: *nope}}\n",
            "c.yaml:4:50: alias *nope has no anchor",
        ),
    ],
)
def test_backstage_structure_errors_are_located(text: str, expected: str) -> None:
    draft, errors = import_backstage([("c.yaml", text.encode())], RULES)
    assert draft is None
    assert any(expected in str(e) for e in errors), [str(e) for e in errors]


def test_split_documents_keeps_line_and_column_numbers() -> None:
    text = "# head\na: 1\n---\nb: 2\n--- {c: 3}\n...\n---\n"
    documents = split_documents(text)
    assert [start for start, _ in documents] == [0, 2, 4, 5, 6]
    assert documents[1][1].split("\n")[3] == "b: 2"
    assert documents[2][1].split("\n")[4] == "    {c: 3}"


# -- the command line ----------------------------------------------------------------------------


def test_export_to_a_file_and_stdout_are_the_same(
    in_repo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "arch.json"
    code, out, err = run(
        capsys,
        "export",
        "examples/northwind-pilot/blueprint.yaml",
        "--to",
        "calm",
        "-o",
        str(target),
    )
    assert (code, out, err) == (0, "", "")
    code, out, _ = run(capsys, "export", "examples/northwind-pilot/blueprint.yaml", "--to", "calm")
    assert code == 0 and out == target.read_text(encoding="utf-8")


def test_export_says_what_the_format_cannot_hold(
    in_repo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "export", "examples/northwind-pilot/blueprint.yaml", "--to", "backstage"
    )
    assert code == 0 and out.startswith("# Backstage catalog entities")
    assert (
        "cadee: note: a Backstage catalog has no place for 2 evidence entries, 3 KPIs, 3 gates, 2 waivers"
        in err
    )


def test_export_of_an_invalid_blueprint_prints_stage_1_errors_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "cadee: 1\nblueprint: {id: b, title: T}\nsystems: [{id: s, kind: robot}]\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "export", str(path), "--to", "mermaid")
    assert code == 2
    assert "bad.yaml:3:25: error" in out and "[systems[0].kind]" in out
    validate_code, validate_out, _ = run(capsys, "validate", str(path))
    assert (code, out) == (validate_code, validate_out)


def test_export_usage_errors_exit_2(in_repo: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "export", "examples/northwind-pilot/blueprint.yaml")[0] == 2
    assert run(capsys, "export", "examples/northwind-pilot/blueprint.yaml", "--to", "visio")[0] == 2


def test_import_writes_a_new_file_and_never_overwrites(
    in_repo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "imported.yaml"
    code, out, err = run(
        capsys, "import", "calm", "tests/fixtures/interop/calm-payments.json", "-o", str(target)
    )
    assert code == 0 and out == ""
    assert "tests/fixtures/interop/calm-payments.json:1:1: warning: `flows` not imported" in err
    assert (
        f"cadee: imported 0 owners, 2 boundaries, 7 systems, 6 integrations from CALM architecture "
        f"calm-payments.json with 17 warnings; wrote {target}" in err
    )
    written = target.read_text(encoding="utf-8")
    assert load(target).id == "calm-payments"
    code, _, err = run(
        capsys, "import", "calm", "tests/fixtures/interop/calm-payments.json", "-o", str(target)
    )
    assert code == 2 and "already exists; cadee import never overwrites" in err
    assert target.read_text(encoding="utf-8") == written
    code, _, err = run(capsys, "validate", str(target))
    assert code == 1  # valid, with findings for what CALM did not capture


def test_import_to_stdout_and_usage_errors(
    in_repo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "import",
        "backstage",
        "tests/fixtures/interop/backstage-catalog.yaml",
        "tests/fixtures/interop/backstage-org.yaml",
    )
    assert code == 0 and out.startswith("# Imported by `cadee import backstage`")
    code, _, err = run(capsys, "import", "calm", "a.json", "b.json")
    assert code == 2 and "takes exactly one architecture file" in err
    code, _, err = run(capsys, "import", "calm", "tests/fixtures/interop/missing.json")
    assert code == 2 and "missing.json:1:1: error cannot read the file" in err
    assert run(capsys, "import", "visio", "x.vsdx")[0] == 2


# -- hostile text -------------------------------------------------------------------------------

NASTY = 'Say "hi" \\ <b>&amp;</b> #1; `x` | {y}\nsecond line \\'
NASTY_BLUEPRINT = f"""\
cadee: 1
blueprint: {{id: nasty, title: {json.dumps(NASTY)}, owner: ops}}
owners: [{{id: ops, name: {json.dumps(NASTY)}, contact: 'yes'}}]
boundaries: [{{id: zone, name: {json.dumps(NASTY)}, trust: internal}}]
systems:
  - {{id: a, name: {json.dumps(NASTY)}, kind: channel, description: {json.dumps(NASTY)}, boundary: zone, owner: ops}}
  - {{id: b, name: {json.dumps(NASTY)}, kind: data-store, vendor: 'on', owner: ops}}
  - {{id: "on", name: "2026-01-01", kind: human-desk, description: "1.0", owner: ops}}
integrations:
  - {{from: a, to: b, protocol: {json.dumps(NASTY)}, description: {json.dumps(NASTY)}}}
  - {{id: second, from: a, to: b, description: {json.dumps(NASTY)}}}
  - {{from: b, to: "on", protocol: "null"}}
"""


@pytest.fixture
def nasty(tmp_path: Path) -> Blueprint:
    path = tmp_path / "nasty.yaml"
    path.write_text(NASTY_BLUEPRINT, encoding="utf-8")
    return load(path)


def test_hostile_strings_survive_calm_and_backstage_round_trips(
    nasty: Blueprint, tmp_path: Path
) -> None:
    calm_text = render_calm(nasty)
    json.loads(calm_text)
    if CALM_SCHEMAS.is_dir():
        assert list(calm_validator().iter_errors(json.loads(calm_text))) == []
    draft, errors = import_calm(calm_text.encode(), "nasty.json", RULES)
    assert errors == []
    again = reimport(draft, tmp_path, "from-calm.yaml")
    for section in SECTIONS:
        assert dumped(getattr(again, section)) == dumped(getattr(nasty, section))
    assert again.meta == nasty.meta
    catalog = render_backstage(nasty)
    assert len(list(yaml.safe_load_all(catalog))) == 1 + 1 + 1 + 3
    draft, errors = import_backstage([("c.yaml", catalog.encode())], RULES)
    assert errors == []
    again = reimport(draft, tmp_path, "from-backstage.yaml")
    for section in ("owners", "boundaries", "systems"):
        assert dumped(getattr(again, section)) == dumped(getattr(nasty, section))
    assert again.meta == nasty.meta


def structurizr_tokens(line: str) -> list[str]:
    """Structurizr's own DSL tokenizer (com.structurizr.dsl.Tokenizer), ported line for line."""
    tokens: list[str] = []
    line = line.strip()
    started = quoted = False
    token = ""
    for i, c in enumerate(line):
        if not started:
            if c == '"':
                quoted = started = True
                token = ""
            elif not c.isspace():
                quoted, started, token = False, True, c
        elif c == '"' and line[i - 1] == "\\":
            token += c
        elif quoted and c == '"':
            tokens.append(token)
            started = quoted = False
        elif not quoted and c.isspace():
            tokens.append(token)
            started = False
        else:
            token += c
    assert not (started and quoted), f"unterminated string: {line}"
    if started:
        tokens.append(token)
    return tokens


def test_hostile_strings_stay_well_formed_in_structurizr(nasty: Blueprint) -> None:
    text = render_structurizr(nasty)
    lines = text.split("\n")
    tokens = [structurizr_tokens(line) for line in lines]
    one_line = " ".join(NASTY.split("\n")).replace('"', '\\"')
    element = next(t for t in tokens if t[:3] == ["a", "=", "softwareSystem"])
    assert element[3] == one_line + " "  # a trailing backslash is kept off the closing quote
    assert element[-1] == "{"
    relationships = [t for t in tokens if len(t) > 2 and t[1] == "->"]
    assert len(relationships) == 3
    # Relationships between the same elements get distinct descriptions.
    assert relationships[0][3] != relationships[1][3]
    assert sum(t == ["{"] or t[-1:] == ["{"] for t in tokens) == sum(t == ["}"] for t in tokens)


def test_hostile_strings_stay_well_formed_in_mermaid(nasty: Blueprint) -> None:
    text = render_mermaid(nasty)
    for line in text.splitlines()[1:]:
        for label in re.findall(r'"([^"]*)"', line):
            assert not set(label) & set("<>`|\n"), label
            assert re.sub(r"#(\w+|\d+);", "", label).count("#") == 0
        assert line.count('"') % 2 == 0
    # cadee.text.mermaid: everything but letters, digits and plain punctuation is a numeric entity.
    assert (
        "#34;hi#34; #92; #60;b#62;#38;amp#59;#60;/b#62; #35;1#59; #96;x#96; #124; #123;y#125; "
        "second line #92;"
    ) in text


def test_hostile_strings_stay_well_formed_in_dot(nasty: Blueprint, tmp_path: Path) -> None:
    text = render_dot(nasty)
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed")
    svg = subprocess.run(
        ["dot", "-Tsvg"], input=text.encode(), capture_output=True, check=True
    ).stdout.decode()
    assert "Say &quot;hi&quot; \\ &lt;b&gt;&amp;amp;&lt;/b&gt;" in svg


def test_written_blueprints_quote_what_yaml_1_1_would_misread(tmp_path: Path) -> None:
    tricky = [
        "yes",
        "on",
        "No",
        "1.0",
        "2026-01-01",
        "null",
        "~",
        "0x1F",
        "1_000",
        "1:30",
        "<<",
        "=",
        "-",
        "",
        "# not a comment",
        "a: b",
        " lead",
        "trail ",
        "multi\nline",
        "two\n\n",
        "\u2028sep",
        "tab\tx",
        "é",
    ]
    draft = Draft(
        source="test", meta={"id": "t", "title": "T", "version": "1.0"}, origin=Location("t", 1, 1)
    )
    for index, text in enumerate(tricky):
        draft.add(
            "owners", {"id": f"o{index}", "name": text, "contact": text}, draft.origin
        ).comments.append(f"comment with {text!r}")
    path = tmp_path / "tricky.yaml"
    path.write_text(render_blueprint(draft, "test"), encoding="utf-8")
    blueprint = load(path)
    assert [o.name for o in blueprint.owners] == tricky
    assert blueprint.meta.version == "1.0"


# -- ids ------------------------------------------------------------------------------------------


def test_ids_are_normalised_deterministically_and_without_collisions() -> None:
    assert to_id("group:default/payments-team") == "group-default-payments-team"
    assert to_id("--x y") == "x-y"
    assert to_id("***") == "item"
    allocator = IdAllocator()
    assert allocator.claim("payments", "group") == "payments"
    assert allocator.claim("payments", "component") == "payments-component"
    assert allocator.claim("payments", "component") == "payments-2"
    long = "a" * 64
    assert allocator.claim(long) == long
    assert allocator.claim(long, "resource") == "a" * 55 + "-resource"
    assert allocator.reserve("payments") is False and allocator.reserve("bad id") is False


def test_backstage_entities_with_the_same_name_get_distinct_ids(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        kind: Group
        metadata: {name: payments}
        spec: {type: team, children: []}
        ---
        kind: Component
        metadata: {name: payments}
        spec: {type: service, owner: payments, dependsOn: [resource:payments]}
        ---
        kind: Resource
        metadata: {name: payments}
        spec: {type: database, owner: payments}
        ---
        kind: Component
        metadata: {name: payments, namespace: other}
        spec: {type: service, owner: group:default/payments, dependsOn: [component:default/payments]}
        """)
    draft, errors = import_backstage([("c.yaml", text.encode())], RULES)
    assert errors == [] and draft is not None
    blueprint = reimport(draft, tmp_path)
    assert [o.id for o in blueprint.owners] == ["payments"]
    assert [s.id for s in blueprint.systems] == [
        "payments-component",
        "payments-resource",
        "other.payments",
    ]
    assert [(i.from_, i.to) for i in blueprint.integrations] == [
        ("payments-component", "payments-resource"),
        ("other.payments", "payments-component"),
    ]


# -- any text at all ----------------------------------------------------------------------------


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(st.text(min_size=1, max_size=40), min_size=6, max_size=6))
def test_any_text_survives_every_export_and_both_round_trips(
    texts: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    title, owner, boundary, name, description, protocol = texts
    folder = tmp_path_factory.mktemp("any")
    document = {
        "cadee": 1,
        "blueprint": {"id": "any", "title": title, "owner": "o"},
        "owners": [{"id": "o", "name": owner, "contact": description}],
        "boundaries": [{"id": "z", "name": boundary, "trust": "internal"}],
        "systems": [
            {
                "id": "a",
                "name": name,
                "kind": "agent",
                "description": description,
                "boundary": "z",
                "owner": "o",
                "vendor": protocol,
                "fallback": ["b"],
            },
            {"id": "b", "name": name, "kind": "human-desk", "owner": "o"},
        ],
        "integrations": [
            {"from": "a", "to": "b", "description": description, "protocol": protocol},
            {"id": "again", "from": "a", "to": "b", "description": description},
        ],
    }
    source = folder / "any.yaml"
    source.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    blueprint = load(source)
    for text, importer in (
        (render_calm(blueprint), lambda t: import_calm(t, "a.json", RULES)),
        (render_backstage(blueprint), lambda t: import_backstage([("c.yaml", t)], RULES)),
    ):
        draft, errors = importer(text.encode())
        assert errors == [] and draft is not None and draft.notes == []
        again = reimport(draft, folder)
        assert again.meta == blueprint.meta
        for section in ("owners", "boundaries", "systems"):
            assert dumped(getattr(again, section)) == dumped(getattr(blueprint, section))
    for line in render_structurizr(blueprint).split("\n"):
        structurizr_tokens(line)
    for line in render_mermaid(blueprint).splitlines()[1:]:
        assert line.count('"') % 2 == 0 and not set("".join(re.findall(r'"([^"]*)"', line))) & set(
            "<>`|\n"
        )
    if shutil.which("dot") is not None:
        subprocess.run(
            ["dot", "-Tsvg"], input=render_dot(blueprint).encode(), capture_output=True, check=True
        )
