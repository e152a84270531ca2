"""Rule tests: Architecture (ARC001-ARC007)."""

from __future__ import annotations

import random

import networkx as nx

from tests.conftest import RunRules, targets
from tests.rules.helpers import HEAD, bp, messages

# --------------------------------------------------------------------- ARC001


def test_arc001_direct_channel_to_record(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: chat, kind: channel}
  - {id: gw, kind: gateway}
  - {id: crm, kind: crm}
  - {id: core, kind: core-banking}
integrations:
  - {from: chat, to: gw}
  - {from: gw, to: core}
  - {from: chat, to: crm}
"""
        ),
        select=("ARC001",),
    )
    assert targets(findings, "ARC001") == ["crm"]
    assert "(chat -> crm)" in messages(findings, "ARC001")[0]


def test_arc001_multi_hop_bypass(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: crm, kind: crm}
  - {id: chat, kind: channel}
  - {id: faq, kind: service}
  - {id: router, kind: service}
integrations:
  - {from: chat, to: faq}
  - {from: faq, to: router, mode: async}
  - {from: router, to: crm}
"""
        ),
        select=("ARC001",),
    )
    assert targets(findings, "ARC001") == ["crm"]
    (message,) = messages(findings, "ARC001")
    assert "channel 'chat'" in message and "(chat -> faq -> router -> crm)" in message


def test_arc001_any_gateway_on_the_path_blocks(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: internet, trust: untrusted}
systems:
  - {id: chat, kind: channel}
  - {id: svc, kind: service}
  - {id: gw, kind: gateway, boundary: internet}
  - {id: svc2, kind: service}
  - {id: core, kind: core-banking}
  - {id: backoffice, kind: service}
integrations:
  - {from: chat, to: svc}
  - {from: svc, to: gw}
  - {from: gw, to: svc2}
  - {from: svc2, to: core}
  - {from: backoffice, to: core}
"""
        ),
        select=("ARC001",),
    )
    # The gateway in the untrusted boundary is no source; backoffice is internal.
    assert targets(findings, "ARC001") == []


def test_arc001_untrusted_non_gateway_source(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: internet, trust: untrusted}
  - {id: bank, trust: internal}
systems:
  - {id: portal, kind: service, boundary: internet}
  - {id: api, kind: service, boundary: bank}
  - {id: fraud, kind: risk, boundary: bank}
integrations:
  - {from: portal, to: api}
  - {from: api, to: fraud}
"""
        ),
        select=("ARC001",),
    )
    assert targets(findings, "ARC001") == ["fraud"]
    (message,) = messages(findings, "ARC001")
    assert "'portal'" in message and "'internet'" in message
    assert "(portal -> api -> fraud)" in message


def test_arc001_paths_through_other_records_one_finding_each(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: web, kind: channel}
  - {id: app, kind: channel}
  - {id: crm, kind: crm}
  - {id: core, kind: core-banking}
  - {id: fraud, kind: risk}
integrations:
  - {from: web, to: crm}
  - {from: app, to: crm}
  - {from: crm, to: core}
  - {from: core, to: fraud}
"""
        ),
        select=("ARC001",),
    )
    assert targets(findings, "ARC001") == ["crm", "core", "fraud"]
    found = messages(findings, "ARC001")
    assert "(web -> crm -> core -> fraud)" in found[2]


def test_arc001_record_source_needs_gateway_free_cycle(run_rules: RunRules) -> None:
    head = """\
boundaries:
  - {id: internet, trust: untrusted}
systems:
  - {id: partner-crm, kind: crm, boundary: internet}
  - {id: sync, kind: service}
  - {id: gw, kind: gateway}
integrations:
  - {from: partner-crm, to: sync}
"""
    assert targets(run_rules(bp(head), select=("ARC001",)), "ARC001") == []
    via_gateway = head + "  - {from: sync, to: gw}\n  - {from: gw, to: partner-crm}\n"
    assert targets(run_rules(bp(via_gateway), select=("ARC001",)), "ARC001") == []
    cycle = head + "  - {from: sync, to: partner-crm}\n"
    findings = run_rules(bp(cycle), select=("ARC001",))
    assert targets(findings, "ARC001") == ["partner-crm"]
    assert "(partner-crm -> sync -> partner-crm)" in messages(findings, "ARC001")[0]


def test_arc001_channel_in_any_boundary_is_a_source(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: core-zone, trust: restricted}
systems:
  - {id: branch-terminal, kind: channel, boundary: core-zone}
  - {id: core, kind: core-banking, boundary: core-zone}
integrations:
  - {from: branch-terminal, to: core, auth: kerberos}
"""
        ),
        select=("ARC001",),
    )
    assert targets(findings, "ARC001") == ["core"]


def test_arc001_self_loops_and_internal_callers(run_rules: RunRules) -> None:
    # A channel's self-loop reaches no record; a record with a self-loop that
    # only an internal service calls is not reachable from any source.
    findings = run_rules(
        bp(
            """\
systems:
  - {id: chat, kind: channel}
  - {id: batch, kind: service}
  - {id: core, kind: core-banking}
integrations:
  - {from: chat, to: chat}
  - {from: batch, to: core}
  - {from: core, to: core}
"""
        ),
        select=("ARC001",),
    )
    assert targets(findings, "ARC001") == []


# --------------------------------------------------------------------- ARC002


def test_arc002_ai_straight_to_record(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: llm, kind: model}
  - {id: agent, kind: agent}
  - {id: gw, kind: gateway}
  - {id: tools, kind: service}
  - {id: crm, kind: crm}
  - {id: core, kind: core-banking}
  - {id: fraud, kind: risk}
integrations:
  - {from: llm, to: crm}
  - {id: agent-core-read, from: agent, to: core}
  - {id: agent-core-write, from: agent, to: core, mode: async}
  - {from: agent, to: fraud}
  - {from: agent, to: gw}
  - {from: agent, to: tools}
  - {from: gw, to: crm}
  - {from: tools, to: core}
  - {from: crm, to: llm}
"""
        ),
        select=("ARC002",),
    )
    assert targets(findings, "ARC002") == [
        "llm->crm",
        "agent-core-read",
        "agent-core-write",
        "agent->fraud",
    ]
    assert "'llm'" in messages(findings, "ARC002")[0]
    assert "'crm'" in messages(findings, "ARC002")[0]


# --------------------------------------------------------------------- ARC003


def test_arc003_production_joined_to_non_production(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: app, kind: service}
  - {id: prod-kb, kind: service, environment: production}
  - {id: stage-kb, kind: service, environment: staging}
  - {id: dev-llm, kind: model, environment: development}
  - {id: sandbox-llm, kind: model, environment: sandbox}
integrations:
  - {from: app, to: stage-kb}
  - {from: sandbox-llm, to: prod-kb}
  - {from: app, to: prod-kb}
  - {from: stage-kb, to: dev-llm}
  - {from: dev-llm, to: dev-llm}
  - {from: app, to: app}
"""
        ),
        select=("ARC003",),
    )
    assert targets(findings, "ARC003") == ["app->stage-kb", "sandbox-llm->prod-kb"]
    found = messages(findings, "ARC003")
    assert "production" in found[0] and "staging" in found[0]
    assert "sandbox" in found[1]


# --------------------------------------------------------------------- ARC004


def test_arc004_tier1_cut_vertex_fires(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: chat, kind: channel}
  - {id: gw, kind: gateway, criticality: tier-1}
  - {id: crm, kind: crm}
integrations:
  - {from: chat, to: gw}
  - {from: gw, to: crm}
"""
        ),
        select=("ARC004",),
    )
    assert targets(findings, "ARC004") == ["gw"]
    (message,) = messages(findings, "ARC004")
    assert "'gw'" in message
    assert findings[0].severity == "warning"


def test_arc004_tier2_cut_vertex_never_fires(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: chat, kind: channel}
  - {id: gw, kind: gateway, criticality: tier-2}
  - {id: api, kind: service}
  - {id: crm, kind: crm}
integrations:
  - {from: chat, to: gw}
  - {from: gw, to: api}
  - {from: api, to: crm}
"""
        ),
        select=("ARC004",),
    )
    assert targets(findings, "ARC004") == []


def test_arc004_redundancy_two_or_fallback_suppresses(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: chat, kind: channel}
  - {id: gw, kind: gateway, criticality: tier-1, redundancy: 2}
  - {id: api, kind: service, criticality: tier-1, fallback: [desk]}
  - {id: crm, kind: crm, criticality: tier-1, fallback: []}
  - {id: core, kind: core-banking}
  - {id: desk, kind: human-desk}
integrations:
  - {from: chat, to: gw}
  - {from: gw, to: api}
  - {from: api, to: crm}
  - {from: crm, to: core}
"""
        ),
        select=("ARC004",),
    )
    # gw has redundancy 2, api a fallback; crm's empty fallback list is no fallback.
    assert targets(findings, "ARC004") == ["crm"]


def test_arc004_leaf_cycle_and_isolated_systems_are_not_cut_vertices(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: leaf, kind: channel, criticality: tier-1}
  - {id: a, kind: service, criticality: tier-1}
  - {id: b, kind: service, criticality: tier-1}
  - {id: c, kind: service, criticality: tier-1}
  - {id: lonely, kind: service, criticality: tier-1}
integrations:
  - {from: leaf, to: a}
  - {from: a, to: b}
  - {from: b, to: c}
  - {from: c, to: a}
"""
        ),
        select=("ARC004",),
    )
    # Only 'a' separates 'leaf' from the b-c cycle.
    assert targets(findings, "ARC004") == ["a"]


def test_arc004_parallel_and_opposite_edges_are_merged(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: x, kind: service, criticality: tier-1}
  - {id: hub, kind: gateway, criticality: tier-1}
  - {id: y, kind: service, criticality: tier-1}
integrations:
  - {id: x-hub-1, from: x, to: hub}
  - {id: x-hub-2, from: x, to: hub}
  - {from: hub, to: x}
  - {from: hub, to: y}
  - {from: y, to: hub}
"""
        ),
        select=("ARC004",),
    )
    # x and y each have a single neighbour (hub), however many edges join them.
    assert targets(findings, "ARC004") == ["hub"]


def test_arc004_self_loops_are_ignored(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: x, kind: service, criticality: tier-1}
  - {id: y, kind: service, criticality: tier-1}
  - {id: z, kind: service, criticality: tier-1}
integrations:
  - {from: x, to: x}
  - {from: x, to: y}
  - {from: z, to: z}
"""
        ),
        select=("ARC004",),
    )
    # x's self-loop does not make it separate anything; z is isolated but for its loop.
    assert targets(findings, "ARC004") == []


def test_arc004_self_loop_on_real_cut_vertex_still_fires(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: x, kind: service}
  - {id: hub, kind: service, criticality: tier-1}
  - {id: y, kind: service}
integrations:
  - {from: hub, to: hub}
  - {from: x, to: hub}
  - {from: hub, to: y}
"""
        ),
        select=("ARC004",),
    )
    assert targets(findings, "ARC004") == ["hub"]


def test_arc004_cut_vertex_in_second_component(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: a, kind: service}
  - {id: b, kind: service}
  - {id: p, kind: service}
  - {id: q, kind: service, criticality: tier-1}
  - {id: r, kind: service}
integrations:
  - {from: a, to: b}
  - {from: p, to: q}
  - {from: r, to: q}
"""
        ),
        select=("ARC004",),
    )
    assert targets(findings, "ARC004") == ["q"]


def test_arc004_matches_networkx_on_random_graphs(run_rules: RunRules) -> None:
    rng = random.Random(4)
    for case in range(25):
        n = rng.randint(2, 12)
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, 18))]
        tier1 = {v for v in range(n) if rng.random() < 0.7}
        systems = "".join(
            f"  - {{id: s{v}, kind: service"
            + (", criticality: tier-1" if v in tier1 else "")
            + "}\n"
            for v in range(n)
        )
        integrations = "".join(
            f"  - {{id: e{k}, from: s{a}, to: s{b}}}\n" for k, (a, b) in enumerate(edges)
        )
        text = bp("systems:\n" + systems + ("integrations:\n" + integrations if edges else ""))
        simple = nx.Graph()
        simple.add_nodes_from(range(n))
        simple.add_edges_from((a, b) for a, b in edges if a != b)
        expected = sorted(set(nx.articulation_points(simple)) & tier1)
        findings = run_rules(text, select=("ARC004",), name=f"g{case}.yaml")
        assert targets(findings, "ARC004") == [f"s{v}" for v in expected], edges


# --------------------------------------------------------------------- ARC005


def test_arc005_orphans_and_non_orphans(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: corp, trust: internal, identity_provider: idp}
systems:
  - {id: caller, kind: service}
  - {id: callee, kind: service}
  - {id: orphan, kind: service}
  - {id: own-fallback, kind: service, fallback: [desk]}
  - {id: desk, kind: human-desk}
  - {id: idp, kind: identity-provider}
  - {id: loop, kind: service}
integrations:
  - {from: caller, to: callee}
  - {from: loop, to: loop}
"""
        ),
        select=("ARC005",),
    )
    # own-fallback has a fallback of its own but is still an orphan (spec 13.9);
    # desk is a fallback target, idp an identity provider, loop has a self-loop.
    assert targets(findings, "ARC005") == ["orphan", "own-fallback"]
    assert "'orphan'" in messages(findings, "ARC005")[0]


def test_arc005_no_systems_no_findings(run_rules: RunRules) -> None:
    assert targets(run_rules(HEAD, select=("ARC005",)), "ARC005") == []


# --------------------------------------------------------------------- ARC006


def test_arc006_channel_without_route_to_desk(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: chat, kind: channel}
  - {id: voice, kind: channel}
  - {id: bot, kind: agent}
  - {id: desk, kind: human-desk}
integrations:
  - {from: chat, to: bot}
  - {from: desk, to: voice}
  - {from: bot, to: desk}
"""
        ),
        select=("ARC006",),
    )
    # chat -> bot -> desk is fine; voice is only called by the desk (wrong direction).
    assert targets(findings, "ARC006") == ["voice"]
    assert findings[0].severity == "error"
    assert "'voice'" in messages(findings, "ARC006")[0]


def test_arc006_route_through_fallback_edge_only(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: chat, kind: channel}
  - {id: bot, kind: agent, fallback: [desk]}
  - {id: desk, kind: human-desk}
  - {id: app, kind: channel, fallback: [desk]}
integrations:
  - {from: chat, to: bot}
"""
        ),
        select=("ARC006",),
    )
    # chat -> bot is an integration, bot -> desk a fallback: the union counts.
    assert targets(findings, "ARC006") == []


def test_arc006_no_desk_at_all(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: chat, kind: channel}
  - {id: bot, kind: agent}
integrations:
  - {from: chat, to: bot}
"""
        ),
        select=("ARC006",),
    )
    # Only channels are targets, never the agent.
    assert targets(findings, "ARC006") == ["chat"]
    assert "no human-desk" in messages(findings, "ARC006")[0]


def test_arc006_channel_reaching_only_another_channel(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: email, kind: channel}
  - {id: chat, kind: channel}
  - {id: desk, kind: human-desk}
  - {id: faq, kind: service}
integrations:
  - {from: email, to: chat}
  - {from: chat, to: faq}
  - {from: faq, to: chat}
  - {from: faq, to: desk, mode: async}
"""
        ),
        select=("ARC006",),
    )
    assert targets(findings, "ARC006") == []


# --------------------------------------------------------------------- ARC007


def test_arc007_system_without_boundary(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: corp, trust: internal}
systems:
  - {id: inside, kind: service, boundary: corp}
  - {id: nowhere, kind: service}
"""
        ),
        select=("ARC007",),
    )
    assert targets(findings, "ARC007") == ["nowhere"]
    assert findings[0].severity == "warning"
