"""Rules FBK002-FBK004, IAM001-IAM003 and ARC001-ARC003."""

from __future__ import annotations

from collections.abc import Sequence

from cadee.diagnostics import Finding
from tests.conftest import RunRules, targets

HEAD = """\
cadee: 1
blueprint: {id: bp, title: Example}
"""


def bp(body: str) -> str:
    """A whole blueprint: the fixed header plus ``body`` (already unindented)."""
    return HEAD + body


def messages(findings: Sequence[Finding], rule: str) -> list[str]:
    return [f.message for f in findings if f.rule == rule]


# --------------------------------------------------------------------- FBK002


def test_fbk002_two_system_cycle_targets_first_declared(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: other, kind: service}
  - {id: kb-replica, kind: service, fallback: [kb]}
  - {id: kb, kind: service, fallback: [kb-replica]}
"""
        ),
        select=("FBK002",),
    )
    assert targets(findings, "FBK002") == ["kb-replica"]
    (message,) = messages(findings, "FBK002")
    # Members in declaration order.
    assert "'kb-replica', 'kb'" in message


def test_fbk002_three_system_cycle_is_one_finding(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: a, kind: service, fallback: [b]}
  - {id: b, kind: service, fallback: [c]}
  - {id: c, kind: service, fallback: [a]}
  - {id: d, kind: service, fallback: [a]}
"""
        ),
        select=("FBK002",),
    )
    assert targets(findings, "FBK002") == ["a"]
    (message,) = messages(findings, "FBK002")
    assert "'a', 'b', 'c'" in message
    assert "'d'" not in message


def test_fbk002_self_listing_system(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: desk, kind: human-desk}
  - {id: kb, kind: service, fallback: [desk, kb]}
"""
        ),
        select=("FBK002",),
    )
    assert targets(findings, "FBK002") == ["kb"]
    assert "itself" in messages(findings, "FBK002")[0]


def test_fbk002_self_listing_inside_larger_cycle_counts_once(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: a, kind: service, fallback: [a, b]}
  - {id: b, kind: service, fallback: [a]}
"""
        ),
        select=("FBK002",),
    )
    assert targets(findings, "FBK002") == ["a"]


def test_fbk002_separate_cycles_each_reported(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: a, kind: service, fallback: [b]}
  - {id: x, kind: service, fallback: [x]}
  - {id: b, kind: service, fallback: [a]}
  - {id: p, kind: service, fallback: [q]}
  - {id: q, kind: service, fallback: [p]}
"""
        ),
        select=("FBK002",),
    )
    assert targets(findings, "FBK002") == ["a", "x", "p"]


def test_fbk002_transitive_chains_and_diamonds_are_not_cycles(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: llm, kind: model, fallback: [small-llm, desk]}
  - {id: small-llm, kind: model, fallback: [rules, desk]}
  - {id: rules, kind: service, fallback: [desk]}
  - {id: desk, kind: human-desk}
"""
        ),
        select=("FBK002",),
    )
    assert targets(findings, "FBK002") == []


# --------------------------------------------------------------------- FBK003


def test_fbk003_fallback_calling_primary_synchronously(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: llm, kind: model, fallback: [desk]}
  - {id: desk, kind: human-desk}
integrations:
  - {from: desk, to: llm, timeout_ms: 2000}
"""
        ),
        select=("FBK003",),
    )
    assert targets(findings, "FBK003") == ["llm"]
    (message,) = messages(findings, "FBK003")
    assert "'desk'" in message and "(desk -> llm)" in message


def test_fbk003_multi_hop_dependency_shows_path(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: llm, kind: model, fallback: [backup-llm]}
  - {id: backup-llm, kind: model}
  - {id: retriever, kind: service}
  - {id: ranker, kind: service}
integrations:
  - {from: backup-llm, to: retriever}
  - {from: retriever, to: ranker, mode: sync}
  - {from: ranker, to: llm}
"""
        ),
        select=("FBK003",),
    )
    assert targets(findings, "FBK003") == ["llm"]
    assert "(backup-llm -> retriever -> ranker -> llm)" in messages(findings, "FBK003")[0]


def test_fbk003_async_or_batch_hop_breaks_shared_fate(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: llm, kind: model, fallback: [backup-llm, desk]}
  - {id: backup-llm, kind: model}
  - {id: retriever, kind: service}
  - {id: desk, kind: human-desk}
integrations:
  - {from: backup-llm, to: retriever}
  - {from: retriever, to: llm, mode: async}
  - {from: desk, to: llm, mode: batch}
"""
        ),
        select=("FBK003",),
    )
    assert targets(findings, "FBK003") == []


def test_fbk003_primary_calling_its_fallback_is_fine(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: llm, kind: model, fallback: [desk]}
  - {id: desk, kind: human-desk}
integrations:
  - {from: llm, to: desk}
"""
        ),
        select=("FBK003",),
    )
    assert targets(findings, "FBK003") == []


def test_fbk003_one_finding_per_distinct_pair(run_rules: RunRules) -> None:
    # llm-a and llm-b share the fallback desk (one search from desk); only
    # llm-a is called by it. llm-a also lists backup, which calls it too, and
    # lists desk twice (one pair).
    findings = run_rules(
        bp(
            """\
systems:
  - {id: llm-a, kind: model, fallback: [desk, backup, desk]}
  - {id: llm-b, kind: model, fallback: [desk]}
  - {id: backup, kind: model}
  - {id: desk, kind: human-desk}
integrations:
  - {from: desk, to: llm-a}
  - {from: backup, to: llm-a}
"""
        ),
        select=("FBK003",),
    )
    assert targets(findings, "FBK003") == ["llm-a", "llm-a"]
    found = messages(findings, "FBK003")
    assert any("'desk'" in m and "(desk -> llm-a)" in m for m in found)
    assert any("'backup'" in m and "(backup -> llm-a)" in m for m in found)


def test_fbk003_self_listing_needs_a_sync_cycle(run_rules: RunRules) -> None:
    text = """\
systems:
  - {id: kb, kind: service, fallback: [kb]}
  - {id: cache, kind: data-store}
integrations:
  - {from: kb, to: cache}
"""
    assert targets(run_rules(bp(text), select=("FBK003",)), "FBK003") == []
    looped = text + "  - {from: cache, to: kb}\n"
    findings = run_rules(bp(looped), select=("FBK003",))
    assert targets(findings, "FBK003") == ["kb"]
    assert "(kb -> cache -> kb)" in messages(findings, "FBK003")[0]


# --------------------------------------------------------------------- FBK004


def test_fbk004_sync_calls_without_timeout(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: vendor, trust: external}
  - {id: bank, trust: internal}
systems:
  - {id: chat, kind: channel}
  - {id: llm, kind: model}
  - {id: agent, kind: agent}
  - {id: kyc, kind: external}
  - {id: hosted, kind: service, boundary: vendor}
  - {id: kb, kind: service, boundary: bank}
integrations:
  - {from: chat, to: llm}
  - {from: chat, to: agent, mode: sync}
  - {from: agent, to: kyc}
  - {from: agent, to: hosted}
  - {from: agent, to: kb}
  - {from: llm, to: kb}
"""
        ),
        select=("FBK004",),
    )
    assert targets(findings, "FBK004") == [
        "chat->llm",
        "chat->agent",
        "agent->kyc",
        "agent->hosted",
    ]
    found = messages(findings, "FBK004")
    assert "'llm'" in found[0] and "timeout_ms" in found[0]
    assert "'vendor'" in found[3]


def test_fbk004_timeout_or_non_sync_mode_passes(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: chat, kind: channel}
  - {id: llm, kind: model}
  - {id: kyc, kind: external}
integrations:
  - {from: chat, to: llm, timeout_ms: 3000}
  - {from: llm, to: kyc, mode: async}
  - {from: chat, to: kyc, mode: batch}
"""
        ),
        select=("FBK004",),
    )
    assert targets(findings, "FBK004") == []


def test_fbk004_parallel_integrations_judged_separately(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: gw, kind: gateway}
  - {id: llm, kind: model}
integrations:
  - {id: gw-chat, from: gw, to: llm, timeout_ms: 3000}
  - {id: gw-summarise, from: gw, to: llm}
"""
        ),
        select=("FBK004",),
    )
    assert targets(findings, "FBK004") == ["gw-summarise"]


# --------------------------------------------------------------------- IAM001


def test_iam001_crossing_without_auth(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: internet, trust: untrusted}
  - {id: bank, trust: internal}
systems:
  - {id: chat, kind: channel, boundary: internet}
  - {id: gw, kind: gateway, boundary: bank}
  - {id: crm, kind: crm, boundary: bank}
integrations:
  - {from: chat, to: gw}
  - {id: chat-gw-2, from: chat, to: gw, auth: none}
  - {id: chat-gw-3, from: chat, to: gw, auth: oidc}
  - {from: gw, to: crm}
"""
        ),
        select=("IAM001",),
    )
    assert targets(findings, "IAM001") == ["chat->gw", "chat-gw-2"]
    found = messages(findings, "IAM001")
    assert "'internet'" in found[0] and "'bank'" in found[0]


def test_iam001_systems_without_boundary(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: bank, trust: internal}
systems:
  - {id: a, kind: service}
  - {id: b, kind: service}
  - {id: c, kind: service, boundary: bank}
integrations:
  - {from: a, to: b}
  - {from: b, to: c}
  - {from: c, to: a, auth: mtls}
"""
        ),
        select=("IAM001",),
    )
    assert targets(findings, "IAM001") == ["a->b", "b->c"]
    assert "no boundary" in messages(findings, "IAM001")[0]


def test_iam001_self_loops_never_cross(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: bank, trust: internal}
systems:
  - {id: a, kind: service}
  - {id: b, kind: service, boundary: bank}
integrations:
  - {from: a, to: a}
  - {from: b, to: b, auth: none}
"""
        ),
        select=("IAM001",),
    )
    assert targets(findings, "IAM001") == []


# --------------------------------------------------------------------- IAM002


def test_iam002_sensitive_data_into_system_of_record(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: gw, kind: gateway}
  - {id: crm, kind: crm}
  - {id: core, kind: core-banking}
  - {id: fraud, kind: risk}
  - {id: store, kind: data-store}
integrations:
  - {from: gw, to: crm, data: confidential}
  - {from: gw, to: core, data: restricted, identity: service}
  - {from: gw, to: fraud, data: restricted}
  - {from: gw, to: store, data: restricted}
  - {from: crm, to: gw, data: restricted}
"""
        ),
        select=("IAM002",),
    )
    assert targets(findings, "IAM002") == ["gw->crm", "gw->core", "gw->fraud"]
    assert "confidential" in messages(findings, "IAM002")[0]


def test_iam002_user_identity_or_low_classification_passes(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
systems:
  - {id: gw, kind: gateway}
  - {id: crm, kind: crm}
integrations:
  - {id: a, from: gw, to: crm, data: confidential, identity: end-user}
  - {id: b, from: gw, to: crm, data: restricted, identity: on-behalf-of}
  - {id: c, from: gw, to: crm}
  - {id: d, from: gw, to: crm, data: public}
"""
        ),
        select=("IAM002",),
    )
    assert targets(findings, "IAM002") == []


# --------------------------------------------------------------------- IAM003


def test_iam003_internal_and_restricted_boundaries_need_idp(run_rules: RunRules) -> None:
    findings = run_rules(
        bp(
            """\
boundaries:
  - {id: internet, trust: untrusted}
  - {id: vendor, trust: external}
  - {id: corp, trust: internal}
  - {id: core, trust: restricted}
  - {id: dmz, trust: internal, identity_provider: idp}
systems:
  - {id: idp, kind: identity-provider, boundary: dmz}
"""
        ),
        select=("IAM003",),
    )
    assert targets(findings, "IAM003") == ["corp", "core"]
    assert "'core'" in messages(findings, "IAM003")[1]


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
