"""Rule tests: Fallbacks to humans (FBK002-FBK004; FBK001 is checked through its documented examples)."""

from __future__ import annotations

from tests.conftest import RunRules, targets
from tests.rules.helpers import bp, messages

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
