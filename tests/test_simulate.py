"""``cadee simulate``: hand-computed scenarios, N-1 / N-2 tables, scores, CLI, goldens."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

from cadee.cli import main
from cadee.graph import build_graph
from cadee.load import load_blueprint
from cadee.model import Blueprint, SystemKind
from cadee.report.simulate import impact_table_markdown, render_markdown
from cadee.simulate import (
    Analysis,
    Scenario,
    Score,
    ServiceScore,
    Simulator,
    UnknownSystemsError,
    n_minus_1,
    n_minus_2_tier1,
    simulate,
)
from tests.conftest import REPO

GOLDENS = REPO / "tests" / "goldens" / "simulate"
FLAGSHIP = "examples/northwind-bank/blueprint.yaml"
DOC = REPO / "docs" / "simulate.md"

#: The worked example of docs/simulate.md (a test keeps the two identical).
SMALL_BANK = """\
cadee: 1
blueprint: {id: small-bank, title: Small Bank AI customer service}
systems:
  - {id: web-chat, kind: channel}
  - {id: voice, kind: channel}
  - {id: email, kind: channel}
  - {id: ivr, kind: service}
  - {id: email-ingest, kind: service}
  - {id: ai-gateway, kind: gateway, criticality: tier-1, redundancy: 2}
  - {id: cs-agent, kind: agent, criticality: tier-1, fallback: [backup-agent, agent-desk]}
  - {id: backup-agent, kind: agent, fallback: [agent-desk]}
  - {id: llm, kind: model, criticality: tier-1, fallback: [onprem-llm, agent-desk]}
  - {id: onprem-llm, kind: model, redundancy: 2, fallback: [agent-desk]}
  - {id: agent-desk, kind: human-desk, criticality: tier-1, redundancy: 2}
integrations:
  - {from: web-chat, to: ai-gateway}
  - {from: voice, to: ivr}
  - {from: ivr, to: ai-gateway}
  - {from: ivr, to: agent-desk}
  - {from: email, to: email-ingest}
  - {from: email-ingest, to: ai-gateway}
  - {from: ai-gateway, to: cs-agent}
  - {from: cs-agent, to: llm}
  - {from: cs-agent, to: agent-desk, mode: async}
"""


def load(tmp_path: Path, text: str, name: str = "bp.yaml") -> Blueprint:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = load_blueprint(path)
    assert not result.errors, "\n".join(str(e) for e in result.errors)
    assert result.blueprint is not None
    return result.blueprint


def blueprint(systems: str, integrations: str) -> str:
    """A minimal blueprint from flow-style system and integration lines."""
    return (
        "cadee: 1\nblueprint: {id: t, title: T}\nsystems:\n"
        + textwrap.indent(textwrap.dedent(systems).strip(), "  ")
        + "\nintegrations:\n"
        + textwrap.indent(textwrap.dedent(integrations).strip(), "  ")
        + "\n"
    )


def statuses(scenario: Scenario) -> dict[str, str]:
    return {c.channel: c.status for c in scenario.channels}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def small(tmp_path: Path) -> Blueprint:
    return load(tmp_path, SMALL_BANK, "small-bank.yaml")


# -- the fallback lookup ------------------------------------------------------------------


class TestFallbackLookup:
    def test_first_fallback_also_failed_takes_the_next_one_up(self, tmp_path: Path) -> None:
        bp = load(
            tmp_path,
            blueprint(
                """
            - {id: ch, kind: channel}
            - {id: gw, kind: gateway}
            - {id: llm, kind: model, fallback: [backup-llm, small-llm, desk]}
            - {id: backup-llm, kind: model, fallback: [desk]}
            - {id: small-llm, kind: model}
            - {id: desk, kind: human-desk}
            """,
                """
            - {from: ch, to: gw}
            - {from: gw, to: llm}
            """,
            ),
        )
        outcome = simulate(bp, {"llm", "backup-llm"}).outcome("ch")
        assert outcome.status == "served"
        assert outcome.path_text == "ch -> gw -> llm ~> small-llm"
        assert [e.text() for e in outcome.fallbacks_engaged] == ["llm ~> small-llm"]
        # Every fallback of llm failed: look through backup-llm's own list.
        outcome = simulate(bp, {"llm", "backup-llm", "small-llm"}).outcome("ch")
        assert outcome.status == "degraded"
        assert outcome.path_text == "ch -> gw -> llm ~> desk"
        outcome = simulate(bp, {"llm", "backup-llm", "small-llm", "desk"}).outcome("ch")
        assert outcome.status == "lost"
        assert outcome.path == ()
        assert outcome.unrecovered == ("llm",)

    def test_all_fallbacks_failed_goes_depth_first_through_their_lists(
        self, tmp_path: Path
    ) -> None:
        # v's fallbacks a and b are both down. Depth first: a's list, and the
        # lists below it, before b's list.
        bp = load(
            tmp_path,
            blueprint(
                """
            - {id: ch, kind: channel}
            - {id: v, kind: agent, fallback: [a, b]}
            - {id: a, kind: agent, fallback: [x]}
            - {id: b, kind: agent, fallback: [w-desk]}
            - {id: x, kind: agent, fallback: [z]}
            - {id: z, kind: model}
            - {id: w-desk, kind: human-desk}
            """,
                "- {from: ch, to: v}",
            ),
        )
        outcome = simulate(bp, {"v", "a", "b", "x"}).outcome("ch")
        assert outcome.status == "served"
        assert outcome.path_text == "ch -> v ~> a ~> x ~> z"
        assert outcome.fallbacks_engaged[0].chain == ("v", "a", "x")
        assert outcome.fallbacks_engaged[0].replacement == "z"
        # With z down as well, a's branch is exhausted and b's list serves.
        outcome = simulate(bp, {"v", "a", "b", "x", "z"}).outcome("ch")
        assert outcome.status == "degraded"
        assert outcome.path_text == "ch -> v ~> b ~> w-desk"

    def test_a_failed_fallbacks_own_list_is_checked_before_going_deeper(
        self, tmp_path: Path
    ) -> None:
        # The same rule at every level: the first system in a's list that is
        # up (y) wins over one found deeper below a's first entry (z).
        bp = load(
            tmp_path,
            blueprint(
                """
            - {id: ch, kind: channel}
            - {id: v, kind: agent, fallback: [a]}
            - {id: a, kind: agent, fallback: [x, y]}
            - {id: x, kind: agent, fallback: [z]}
            - {id: y, kind: human-desk}
            - {id: z, kind: model}
            """,
                "- {from: ch, to: v}",
            ),
        )
        outcome = simulate(bp, {"v", "a", "x"}).outcome("ch")
        assert outcome.path_text == "ch -> v ~> a ~> y"
        assert outcome.status == "degraded"

    def test_fallback_cycles_terminate(self, tmp_path: Path) -> None:
        bp = load(
            tmp_path,
            blueprint(
                """
            - {id: ch, kind: channel}
            - {id: a, kind: agent, fallback: [b]}
            - {id: b, kind: agent, fallback: [a, c]}
            - {id: c, kind: agent, fallback: [b, a, desk]}
            - {id: self, kind: model, fallback: [self]}
            - {id: desk, kind: human-desk}
            """,
                """
            - {from: ch, to: a}
            - {from: ch, to: self}
            """,
            ),
        )
        scenario = simulate(bp, {"a", "b", "self"})
        assert scenario.outcome("ch").status == "served"
        assert scenario.outcome("ch").path_text == "ch -> a ~> b ~> c"
        scenario = simulate(bp, {"a", "b", "c", "self"})
        outcome = scenario.outcome("ch")
        assert outcome.status == "degraded"
        assert outcome.path_text == "ch -> a ~> b ~> c ~> desk"
        assert outcome.unrecovered == ("self",)
        scenario = simulate(bp, {"a", "b", "c", "self", "desk"})
        assert scenario.outcome("ch").status == "lost"
        assert scenario.outcome("ch").unrecovered == ("a", "self")
        # A pure two-system cycle with nothing else: no replacement, no hang.
        assert n_minus_2_tier1(bp).scenarios == 0

    def test_traversal_continues_from_a_fallback(self, tmp_path: Path) -> None:
        # The replacement is a service; the AI component sits behind it.
        bp = load(
            tmp_path,
            blueprint(
                """
            - {id: ch, kind: channel}
            - {id: router, kind: service, fallback: [spare-router]}
            - {id: spare-router, kind: service}
            - {id: agent, kind: agent}
            """,
                """
            - {from: ch, to: router}
            - {from: router, to: agent}
            - {from: spare-router, to: agent}
            """,
            ),
        )
        outcome = simulate(bp, {"router"}).outcome("ch")
        assert outcome.status == "served"
        assert outcome.path_text == "ch -> router ~> spare-router -> agent"


# -- channel statuses ---------------------------------------------------------------------


class TestStatuses:
    def test_baseline_paths_follow_integration_declaration_order(self, small: Blueprint) -> None:
        scenario = simulate(small, ())
        assert statuses(scenario) == {"web-chat": "served", "voice": "served", "email": "served"}
        paths = {c.channel: c.path_text for c in scenario.channels}
        assert paths == {
            "web-chat": "web-chat -> ai-gateway -> cs-agent",
            "voice": "voice -> ivr -> ai-gateway -> cs-agent",
            "email": "email -> email-ingest -> ai-gateway -> cs-agent",
        }
        assert all(c.engagements == () for c in scenario.channels)

    def test_the_issue_example_path(self, small: Blueprint) -> None:
        scenario = simulate(small, ["cs-agent", "backup-agent"])
        web = scenario.outcome("web-chat")
        assert web.status == "degraded"
        assert web.path_text == "web-chat -> ai-gateway -> cs-agent ~> agent-desk"
        assert [(s.system, s.via) for s in web.path] == [
            ("web-chat", ""),
            ("ai-gateway", "->"),
            ("cs-agent", "->"),
            ("agent-desk", "~>"),
        ]
        assert web.serving == "agent-desk"
        assert [e.text() for e in web.fallbacks_engaged] == ["cs-agent ~> agent-desk"]
        # voice meets the desk directly (ivr -> agent-desk) before the fallback.
        assert scenario.outcome("voice").path_text == "voice -> ivr -> agent-desk"
        assert statuses(scenario) == {
            "web-chat": "degraded",
            "voice": "degraded",
            "email": "degraded",
        }
        assert scenario.failed == ("cs-agent", "backup-agent")
        assert scenario.score == Score(pairs=3, not_lost=3, served=0)

    def test_channel_served_only_through_a_fallback(self, small: Blueprint) -> None:
        # cs-agent is down: its call to llm is gone too; only backup-agent serves.
        outcome = simulate(small, ["cs-agent"]).outcome("web-chat")
        assert outcome.status == "served"
        assert outcome.path_text == "web-chat -> ai-gateway -> cs-agent ~> backup-agent"
        assert outcome.serving == "backup-agent"

    def test_a_failed_channel_is_lost(self, small: Blueprint) -> None:
        scenario = simulate(small, ["voice"])
        assert statuses(scenario) == {"web-chat": "served", "voice": "lost", "email": "served"}
        voice = scenario.outcome("voice")
        assert voice.channel_failed and voice.path == () and voice.serving is None

    def test_failed_gateway_loses_channels_without_a_desk_path(self, small: Blueprint) -> None:
        scenario = simulate(small, ["ai-gateway"])
        assert statuses(scenario) == {"web-chat": "lost", "voice": "degraded", "email": "lost"}
        assert scenario.outcome("web-chat").unrecovered == ("ai-gateway",)
        assert scenario.outcome("voice").path_text == "voice -> ivr -> agent-desk"
        # --fail simulates a full outage even of a redundant system, and says so.
        assert scenario.redundant == ("ai-gateway",)
        assert scenario.score == Score(pairs=3, not_lost=1, served=0)

    def test_unrelated_failure_engages_fallbacks_but_keeps_service(self, small: Blueprint) -> None:
        outcome = simulate(small, ["llm"]).outcome("web-chat")
        assert outcome.status == "served"
        assert outcome.path_text == "web-chat -> ai-gateway -> cs-agent"
        assert [e.text() for e in outcome.fallbacks_engaged] == ["llm ~> onprem-llm"]

    def test_integrations_of_every_mode_count(self, tmp_path: Path) -> None:
        bp = load(
            tmp_path,
            blueprint(
                """
            - {id: ch, kind: channel}
            - {id: queue, kind: data-store}
            - {id: desk, kind: human-desk}
            """,
                """
            - {from: ch, to: queue, mode: batch}
            - {from: queue, to: desk, mode: async}
            """,
            ),
        )
        assert statuses(simulate(bp, ())) == {"ch": "degraded"}

    def test_unknown_systems_raise(self, small: Blueprint) -> None:
        with pytest.raises(UnknownSystemsError) as info:
            simulate(small, ["ai-gatewy", "cs-agent"])
        assert info.value.unknown == ("ai-gatewy",)

    def test_accepts_a_graph_or_a_blueprint(self, small: Blueprint) -> None:
        assert simulate(build_graph(small), ["ivr"]) == simulate(small, ["ivr"])


# -- N-1 and N-2 ----------------------------------------------------------------------------


def table(analysis: Analysis) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [(" + ".join(i.failed), i.lost, i.degraded) for i in analysis.impacts]


class TestAnalyses:
    def test_n_minus_1_skips_redundant_systems(self, small: Blueprint) -> None:
        analysis = n_minus_1(small)
        assert analysis.candidates == (
            "web-chat",
            "voice",
            "email",
            "ivr",
            "email-ingest",
            "cs-agent",
            "backup-agent",
            "llm",
        )
        assert analysis.skipped_redundant == ("ai-gateway", "onprem-llm", "agent-desk")
        assert analysis.scenarios == 8
        assert table(analysis) == [
            ("web-chat", ("web-chat",), ()),
            ("voice", ("voice",), ()),
            ("email", ("email",), ()),
            ("ivr", ("voice",), ()),
            ("email-ingest", ("email",), ()),
        ]
        # 8 failures x 3 channels = 24 pairs, 5 lost, none degraded.
        assert analysis.score == Score(pairs=24, not_lost=19, served=19)
        assert analysis.score.resilience == pytest.approx(19 / 24)
        assert analysis.score.resilience_percent == pytest.approx(79.1666667)

    def test_n_minus_1_with_redundant_systems(self, small: Blueprint) -> None:
        analysis = n_minus_1(small, include_redundant=True)
        assert analysis.scenarios == 11
        assert analysis.skipped_redundant == ()
        # Worst first: the gateway loses two channels and degrades one.
        assert table(analysis) == [
            ("ai-gateway", ("web-chat", "email"), ("voice",)),
            ("web-chat", ("web-chat",), ()),
            ("voice", ("voice",), ()),
            ("email", ("email",), ()),
            ("ivr", ("voice",), ()),
            ("email-ingest", ("email",), ()),
        ]
        first = analysis.impacts[0]
        assert (first.served_count, first.degraded_count, first.lost_count) == (0, 1, 2)
        # 33 pairs: 7 lost, 1 degraded, 25 served.
        assert analysis.score == Score(pairs=33, not_lost=26, served=25)
        assert analysis.score.served_share == pytest.approx(25 / 33)

    def test_gateway_with_and_without_redundancy(self, tmp_path: Path) -> None:
        text = blueprint(
            """
            - {id: ch, kind: channel, redundancy: 2}
            - {id: gw, kind: gateway, redundancy: REDUNDANCY}
            - {id: agent, kind: agent, redundancy: 3, fallback: [desk]}
            - {id: desk, kind: human-desk, redundancy: 2}
            """,
            """
            - {from: ch, to: gw}
            - {from: gw, to: agent}
            """,
        )
        single = n_minus_1(load(tmp_path, text.replace("REDUNDANCY", "1"), "single.yaml"))
        assert single.candidates == ("gw",)
        assert table(single) == [("gw", ("ch",), ())]
        assert single.score == Score(pairs=1, not_lost=0, served=0)
        redundant_bp = load(tmp_path, text.replace("REDUNDANCY", "2"), "double.yaml")
        redundant = n_minus_1(redundant_bp)
        assert redundant.scenarios == 0 and redundant.impacts == ()
        assert redundant.skipped_redundant == ("ch", "gw", "agent", "desk")
        assert redundant.score.pairs == 0 and redundant.score.resilience == 1.0
        included = n_minus_1(redundant_bp, include_redundant=True)
        assert table(included) == [
            ("ch", ("ch",), ()),
            ("gw", ("ch",), ()),
            ("agent", (), ("ch",)),
        ]
        assert included.score == Score(pairs=4, not_lost=2, served=1)

    def test_n_minus_2_pairs_of_tier1_systems(self, small: Blueprint) -> None:
        analysis = n_minus_2_tier1(small)
        assert analysis.candidates == ("ai-gateway", "cs-agent", "llm", "agent-desk")
        assert analysis.scenarios == 6
        # Only pairs worse than both of their single failures (spec 1.1 clarification 17):
        # the gateway with cs-agent or llm down is the gateway alone.
        assert table(analysis) == [
            ("ai-gateway + agent-desk", ("web-chat", "voice", "email"), ()),
        ]
        # 6 pairs x 3 channels = 18: 7 lost, 2 degraded, 9 served.
        assert analysis.score == Score(pairs=18, not_lost=11, served=9)
        assert analysis.score.resilience_percent == pytest.approx(61.111111)
        assert analysis.score.served_percent == pytest.approx(50.0)

    def test_table_is_relative_to_nothing_failed(self, tmp_path: Path) -> None:
        # 'kiosk' reaches only a desk with nothing failed: it is degraded in
        # every scenario, so it only shows in a row where it gets worse.
        bp = load(
            tmp_path,
            blueprint(
                """
            - {id: kiosk, kind: channel}
            - {id: desk, kind: human-desk}
            - {id: chat, kind: channel}
            - {id: agent, kind: agent}
            """,
                """
            - {from: kiosk, to: desk}
            - {from: chat, to: agent}
            """,
            ),
        )
        analysis = n_minus_1(bp)
        assert analysis.baseline.degraded == ("kiosk",)
        assert table(analysis) == [
            ("kiosk", ("kiosk",), ()),
            ("desk", ("kiosk",), ()),
            ("chat", ("chat",), ()),
            ("agent", ("chat",), ()),
        ]
        # 4 failures x 2 channels: lost 4; served: chat in 2 scenarios.
        assert analysis.score == Score(pairs=8, not_lost=4, served=2)

    def test_a_failure_can_engage_a_better_fallback(self, tmp_path: Path) -> None:
        # Failing 'legacy' sends its callers to an agent: the channel improves.
        bp = load(
            tmp_path,
            blueprint(
                """
            - {id: ch, kind: channel}
            - {id: legacy, kind: service, fallback: [agent]}
            - {id: agent, kind: agent}
            """,
                "- {from: ch, to: legacy}",
            ),
        )
        assert statuses(simulate(bp, ())) == {"ch": "lost"}
        assert statuses(simulate(bp, ["legacy"])) == {"ch": "served"}
        analysis = n_minus_1(bp)
        # ch is lost with nothing failed, so no failure makes it worse.
        assert table(analysis) == []
        assert analysis.score == Score(pairs=3, not_lost=1, served=1)

    def test_no_channels_scores_one(self, tmp_path: Path) -> None:
        bp = load(tmp_path, blueprint("- {id: a, kind: agent}", "- {from: a, to: a}"))
        analysis = n_minus_1(bp)
        assert analysis.score.pairs == 0
        assert analysis.score.resilience == analysis.score.served_share == 1.0
        assert not analysis.score.below(Fraction(1))


def random_blueprint(rng: random.Random, size: int) -> Blueprint:
    from cadee.diagnostics import Location
    from cadee.model import BlueprintMeta, FallbackStep, Integration, Service, System

    kinds: list[SystemKind] = ["channel", "gateway", "model", "agent", "human-desk", "service"]
    systems = [
        System.model_construct(
            id=f"s{i}",
            name=f"s{i}",
            kind=rng.choice(kinds),
            fallback=[
                FallbackStep(to=f"s{rng.randrange(size)}")
                for _ in range(rng.choice((0, 0, 1, 2, 3)))
            ]
            or None,
            redundancy=rng.choice((1, 1, 2)),
            criticality=rng.choice(("tier-1", "tier-2")),
            needs=[
                f"s{j}"
                for j in {rng.randrange(size) for _ in range(rng.choice((0, 0, 0, 1, 2)))} - {i}
            ]
            or None,
            recovery_minutes=rng.choice((None, 30, 60, 240)),
        )
        for i in range(size)
    ]
    integrations = []
    for _ in range(rng.randrange(2 * size + 1)):
        a, b = rng.randrange(size), rng.randrange(size)
        integrations.append(
            Integration.model_construct(id=f"s{a}->s{b}", from_=f"s{a}", to=f"s{b}")
        )
    channels = [s.id for s in systems if s.kind == "channel"]
    services = [
        Service.model_construct(
            id=f"v{k}",
            name=f"v{k}",
            channels=rng.sample(channels, rng.randrange(1, len(channels) + 1)),
            requires=[f"s{rng.randrange(size)}" for _ in range(rng.choice((0, 1, 2)))] or None,
            critical=rng.choice((True, False)),
            tolerance_minutes=rng.choice((None, 60, 120)),
        )
        for k in range(rng.randrange(3) if channels else 0)
    ]
    return Blueprint(
        meta=BlueprintMeta.model_construct(id="r", title="r"),
        path="r",
        location=Location("r", 1, 1),
        systems=systems,
        integrations=integrations,
        services=services,
    )


Row = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]
_RANK = {"served": 0, "degraded": 1, "lost": 2}


def full_table(analysis: Analysis) -> list[Row]:
    return [(" + ".join(i.failed), i.lost, i.degraded, i.services) for i in analysis.impacts]


def brute_force(bp: Blueprint, analysis: Analysis) -> tuple[Score, ServiceScore, list[Row]]:
    """The analysis recomputed the slow way: a full simulate() per scenario."""
    baseline = simulate(bp, ())
    base = statuses(baseline)
    base_delivered = {s.service: s.delivered for s in baseline.services}
    size = 1 if analysis.kind == "n-1" else 2
    rows = []
    served = not_lost = delivered = 0
    for ordinal, failed in enumerate(itertools.combinations(analysis.candidates, size)):
        scenario = simulate(bp, failed)
        now = statuses(scenario)
        served += sum(1 for s in now.values() if s == "served")
        not_lost += sum(1 for s in now.values() if s != "lost")
        delivered += sum(1 for s in scenario.services if s.delivered)
        if size == 2:
            alone = [simulate(bp, (f,)) for f in failed]
            worse = any(all(_RANK[now[c]] > _RANK[statuses(a)[c]] for a in alone) for c in now)
            lost_service = any(
                not s.delivered and all(a.services[k].delivered for a in alone)
                for k, s in enumerate(scenario.services)
            )
            if not (worse or lost_service):
                continue
        lost = tuple(c for c, s in now.items() if s == "lost" and base[c] != "lost")
        degraded = tuple(c for c, s in now.items() if s == "degraded" and base[c] == "served")
        disrupted = tuple(
            s.service for s in scenario.services if not s.delivered and base_delivered[s.service]
        )
        if lost or degraded or disrupted:
            rows.append(
                (
                    -len(lost),
                    -len(degraded),
                    -len(disrupted),
                    ordinal,
                    (" + ".join(failed), lost, degraded, disrupted),
                )
            )
    rows.sort(key=lambda r: r[:4])
    scenarios = sum(1 for _ in itertools.combinations(analysis.candidates, size))
    return (
        Score(scenarios * len(base), not_lost, served),
        ServiceScore(scenarios * len(bp.services), delivered),
        [r[4] for r in rows],
    )


@pytest.mark.parametrize("force_backward", [False, True], ids=["forward", "backward"])
def test_analyses_match_brute_force_on_random_blueprints(force_backward: bool) -> None:
    # The analyses skip channels a failure cannot touch and may switch to a
    # backward search; neither may change an answer.
    rng = random.Random(20260601)
    for _ in range(300):
        bp = random_blueprint(rng, rng.randrange(1, 10))
        simulator = Simulator(bp)
        if force_backward:
            simulator.budget = 0
        for analysis in (
            simulator.n_minus_1(),
            simulator.n_minus_1(True),
            simulator.n_minus_2_tier1(),
        ):
            score, service_score, rows = brute_force(bp, analysis)
            assert analysis.score == score
            assert analysis.service_score == service_score
            assert full_table(analysis) == rows


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def small_path(tmp_path: Path) -> str:
    path = tmp_path / "small-bank.yaml"
    path.write_text(SMALL_BANK, encoding="utf-8")
    return str(path)


class TestCommand:
    def test_fail_scenario_text(self, small_path: str, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(
            capsys, "simulate", small_path, "--fail", "cs-agent", "--fail", "backup-agent"
        )
        assert code == 0 and err == ""
        assert "degraded  web-chat  web-chat -> ai-gateway -> cs-agent ~> agent-desk" in out
        assert "fallbacks engaged: cs-agent ~> agent-desk" in out
        assert "0 served, 3 degraded, 0 lost of 3 channels" in out
        assert (
            "resilience score: 100.0% not lost (1.000, 3 of 3 channels); 0.0% served (0.000, 0 of 3)"
            in out
        )

    def test_comma_separated_fail_ids(
        self, small_path: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, one, _ = run(
            capsys, "simulate", small_path, "--fail", "cs-agent,backup-agent", "-f", "json"
        )
        _, two, _ = run(
            capsys,
            "simulate",
            small_path,
            "--fail",
            "backup-agent",
            "--fail",
            "cs-agent",
            "-f",
            "json",
        )
        assert one == two
        assert json.loads(one)["failed"] == ["cs-agent", "backup-agent"]

    @pytest.mark.parametrize(
        ("threshold", "code"),
        [
            ("0.79", 0),
            ("79", 0),
            ("79%", 0),
            ("0.7916", 0),
            ("0.8", 1),
            ("80", 1),
            ("80%", 1),
            (" 79.2 % ", 1),
            ("1", 1),
            ("100", 1),
            ("0", 0),
            ("0%", 0),
        ],
    )
    def test_fail_under(
        self, small_path: str, threshold: str, code: int, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # N-1 score of the small bank: 19 of 24 = 0.7917.
        result, out, err = run(capsys, "simulate", small_path, "--all", "--fail-under", threshold)
        assert result == code
        assert "79.2% not lost" in out
        assert ("is below --fail-under" in err) == (code == 1)

    def test_fail_under_equal_score_passes(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # N-1 with redundant systems: 2 of 4 (failure, channel) pairs not lost = 0.5 exactly.
        path = tmp_path / "gw.yaml"
        path.write_text(
            blueprint(
                """
            - {id: ch, kind: channel}
            - {id: gw, kind: gateway}
            - {id: agent, kind: agent, fallback: [desk]}
            - {id: desk, kind: human-desk}
            """,
                """
            - {from: ch, to: gw}
            - {from: gw, to: agent}
            """,
            ),
            encoding="utf-8",
        )
        args = ("simulate", str(path), "--all", "--fail-under")
        assert run(capsys, *args, "0.5")[0] == 0
        assert run(capsys, *args, "50%")[0] == 0
        assert run(capsys, *args, "50")[0] == 0
        assert run(capsys, *args, "0.5001")[0] == 1
        assert run(capsys, *args, "50.01%")[0] == 1

    @pytest.mark.parametrize(
        "args",
        [
            [],
            ["--all", "--pairs"],
            ["--fail", "ivr", "--all"],
            ["--fail", "ivr", "--include-redundant"],
            ["--pairs", "--include-redundant"],
            ["--fail", ""],
            ["--all", "--fail-under", "101"],
            ["--all", "--fail-under", "-1"],
            ["--all", "--fail-under", "nan"],
            ["--all", "--fail-under", "ninety"],
            ["--all", "--format", "xml"],
        ],
    )
    def test_usage_errors_exit_2(
        self, small_path: str, args: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(capsys, "simulate", small_path, *args)
        assert code == 2
        assert out == ""
        assert "Traceback" not in err

    def test_unknown_fail_id_suggests_a_system(
        self, small_path: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(capsys, "simulate", small_path, "--fail", "ai-gatewy")
        assert code == 2 and out == ""
        assert err.startswith("cadee: error: --fail 'ai-gatewy' is not a system of ")
        assert "did you mean 'ai-gateway'?" in err
        code, _, err = run(capsys, "simulate", small_path, "--fail", "zzzzzz")
        assert code == 2 and "did you mean" not in err

    def test_invalid_blueprint_prints_errors_like_validate(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "bad.yaml"
        path.write_text(SMALL_BANK.replace("kind: service}", "kind: servise}", 1), encoding="utf-8")
        code, out, _ = run(capsys, "simulate", str(path), "--all")
        assert code == 2
        _, validate_out, _ = run(capsys, "validate", str(path))
        assert out == validate_out
        assert re.search(
            r"bad\.yaml:7:\d+: error `kind` must be one of: .*\[systems\[3\]\.kind\]", out
        )
        code, out, _ = run(capsys, "simulate", str(path), "--all", "--format", "json")
        assert code == 2
        data = json.loads(out)
        assert data["valid"] is False
        assert data["errors"][0]["line"] == 7 and data["errors"][0]["path"] == "systems[3].kind"
        code, out, _ = run(capsys, "simulate", str(tmp_path / "missing.yaml"), "--all")
        assert code == 2 and "no such file" in out

    def test_json_shape(self, small_path: str, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, _ = run(capsys, "simulate", small_path, "--fail", "ai-gateway", "--format", "json")
        data = json.loads(out)
        assert list(data) == [
            "blueprint",
            "valid",
            "mode",
            "failed",
            "redundant_failed",
            "down",
            "channels",
            "summary",
            "score",
            "services",
            "service_score",
        ]
        assert data["mode"] == "scenario" and data["failed"] == ["ai-gateway"]
        voice = data["channels"][1]
        assert voice == {
            "channel": "voice",
            "status": "degraded",
            "serving": "agent-desk",
            "path": "voice -> ivr -> agent-desk",
            "hops": [
                {"system": "voice", "via": None},
                {"system": "ivr", "via": "->"},
                {"system": "agent-desk", "via": "->"},
            ],
            "fallbacks_engaged": [],
            "no_fallback_up": ["ai-gateway"],
            "channel_failed": False,
        }
        assert data["summary"] == {"channels": 3, "served": 0, "degraded": 1, "lost": 2}
        assert data["score"] == {
            "pairs": 3,
            "not_lost": 1,
            "served": 0,
            "resilience": 1 / 3,
            "resilience_percent": 100 / 3,
            "served_share": 0.0,
            "served_percent": 0.0,
        }
        _, out, _ = run(capsys, "simulate", small_path, "--all", "--format", "json")
        data = json.loads(out)
        assert list(data) == [
            "blueprint",
            "valid",
            "mode",
            "include_redundant",
            "candidates",
            "skipped_redundant",
            "scenarios",
            "channels",
            "baseline",
            "impacts",
            "score",
            "services",
            "service_score",
        ]
        assert data["mode"] == "n-1" and data["scenarios"] == 8
        assert data["impacts"][3] == {
            "failed": ["ivr"],
            "lost": ["voice"],
            "degraded": [],
            "summary": {"served": 2, "degraded": 0, "lost": 1},
            "services": [],
            "breached": [],
            "expected_minutes": None,
        }
        assert (data["score"]["not_lost"], data["score"]["pairs"]) == (19, 24)

    @pytest.mark.parametrize(
        ("name", "args"),
        [
            ("small-bank-fail.txt", ["--fail", "cs-agent", "--fail", "backup-agent"]),
            ("small-bank-all.txt", ["--all", "--include-redundant"]),
            ("small-bank-all.md", ["--all", "--include-redundant", "--format", "markdown"]),
            ("small-bank-fail.md", ["--fail", "ai-gateway", "--format", "markdown"]),
            ("small-bank-pairs.json", ["--pairs", "--format", "json"]),
        ],
    )
    def test_small_bank_goldens(
        self,
        name: str,
        args: list[str],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        update_goldens: bool,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        (tmp_path / "small-bank.yaml").write_text(SMALL_BANK, encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        code, out, _ = run(capsys, "simulate", "small-bank.yaml", *args)
        assert code == 0
        check_golden(name, out, update_goldens)

    @pytest.mark.parametrize(
        ("name", "args"),
        [
            ("northwind-gateway.txt", ["--fail", "nw-ai-gateway"]),
            ("northwind-all.txt", ["--all"]),
            (
                "northwind-all-redundant.md",
                ["--all", "--include-redundant", "--format", "markdown"],
            ),
            ("northwind-pairs.json", ["--pairs", "--format", "json"]),
        ],
    )
    def test_northwind_goldens(
        self,
        name: str,
        args: list[str],
        in_repo: None,
        capsys: pytest.CaptureFixture[str],
        update_goldens: bool,
    ) -> None:
        code, out, _ = run(capsys, "simulate", FLAGSHIP, *args)
        assert code == 0
        check_golden(name, out, update_goldens)

    def test_output_is_deterministic_across_hash_seeds(self) -> None:
        outputs = set()
        for seed in ("0", "1", "4242"):
            env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "cadee",
                    "simulate",
                    FLAGSHIP,
                    "--pairs",
                    "--format",
                    "json",
                ],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            assert proc.returncode == 0, proc.stderr
            outputs.add(proc.stdout)
        assert len(outputs) == 1

    def test_command_module_imports_nothing_heavy(self) -> None:
        code = (
            "import sys, cadee.commands.simulate; "
            "heavy = {'networkx', 'pydantic', 'rich', 'yaml'} & set(sys.modules); "
            "print(sorted(heavy))"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
        )
        assert proc.stdout.strip() == "[]"


def check_golden(name: str, text: str, update: bool) -> None:
    golden = GOLDENS / name
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


# -- rendering ----------------------------------------------------------------------------------


class TestRendering:
    def test_markdown_escapes_user_text(self, tmp_path: Path) -> None:
        bp = load(
            tmp_path,
            SMALL_BANK.replace(
                "title: Small Bank AI customer service",
                'title: "Bank *bold* | <b>x</b> [link](http://x)"',
            ),
        )
        text = render_markdown("a`b.yaml", simulate(bp, ["ivr"]), bp.meta.title)
        assert r"(Bank \*bold\* \| \<b\>x\</b\> \[link\](http:/&#8203;/x))" in text
        assert "Blueprint ``a`b.yaml``" in text

    def test_text_report_does_not_interpret_markup(self, small: Blueprint) -> None:
        from cadee.report.simulate import render_text

        rendered = render_text("[bold red]x[/].yaml", simulate(small, ["ivr"]))
        assert rendered.plain.startswith("[bold red]x[/].yaml: ivr failed\n")

    def test_impact_table_for_embedding(self, small: Blueprint) -> None:
        assert impact_table_markdown(n_minus_2_tier1(small)) == (
            "| failed | lost | degraded | channels lost | channels degraded |\n"
            "|---|---:|---:|---|---|\n"
            "| `ai-gateway` + `agent-desk` | 3 | 0 | `web-chat`, `voice`, `email` | — |\n"
        )

    def test_impact_table_without_impacts(self, tmp_path: Path) -> None:
        bp = load(
            tmp_path,
            blueprint(
                """
            - {id: ch, kind: channel, redundancy: 2}
            - {id: agent, kind: agent, redundancy: 2}
            """,
                "- {from: ch, to: agent}",
            ),
        )
        assert impact_table_markdown(n_minus_1(bp)) == (
            "No single-system failure leaves a channel worse off than with nothing failed.\n"
        )


# -- documentation --------------------------------------------------------------------------------


def test_docs_example_is_the_tested_blueprint_and_outputs_are_real(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert f"```yaml\n# small-bank.yaml\n{SMALL_BANK}```" in doc
    (tmp_path / "small-bank.yaml").write_text(SMALL_BANK, encoding="utf-8")
    (tmp_path / "examples").symlink_to(REPO / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    blocks = re.findall(r"```console\n\$ cadee (simulate [^\n]*)\n(.*?)```", doc, re.DOTALL)
    assert len(blocks) >= 4
    for command, expected in blocks:
        args = command.split()
        code, out, err = run(capsys, *args)
        assert out + err == expected, command
        assert code in (0, 1)


# -- performance --------------------------------------------------------------------------------


def estate(units: int) -> str:
    """A bank-like estate: per unit 3 channels, gateway, agents, models, desks, services."""
    lines = ["cadee: 1", "blueprint: {id: estate, title: Estate}", "systems:"]
    integrations = []
    for u in range(units):
        p = f"u{u}"
        lines += [
            f"  - {{id: {p}-chat, kind: channel}}",
            f"  - {{id: {p}-app, kind: channel}}",
            f"  - {{id: {p}-voice, kind: channel}}",
            f"  - {{id: {p}-ivr, kind: service}}",
            f"  - {{id: {p}-gw, kind: gateway, criticality: tier-1, redundancy: {1 + u % 2}}}",
            f"  - {{id: {p}-agent, kind: agent, criticality: tier-1, fallback: [{p}-agent2, {p}-desk]}}",
            f"  - {{id: {p}-agent2, kind: agent, fallback: [{p}-desk]}}",
            f"  - {{id: {p}-llm, kind: model, fallback: [{p}-llm2, {p}-desk]}}",
            f"  - {{id: {p}-llm2, kind: model, fallback: [{p}-desk]}}",
            f"  - {{id: {p}-desk, kind: human-desk, criticality: tier-1}}",
        ] + [f"  - {{id: {p}-svc{i}, kind: service}}" for i in range(10)]
        integrations += (
            [
                f"{p}-chat -> {p}-gw",
                f"{p}-app -> {p}-gw",
                f"{p}-voice -> {p}-ivr",
                f"{p}-ivr -> {p}-gw",
                f"{p}-ivr -> {p}-desk",
                f"{p}-gw -> {p}-agent",
                f"{p}-agent -> {p}-llm",
                f"{p}-agent -> {p}-desk",
                f"{p}-gw -> {p}-svc0",
            ]
            + [f"{p}-svc{i} -> {p}-svc{i + 1}" for i in range(9)]
            + [f"{p}-svc9 -> u{(u + 1) % units}-gw"]
        )
    lines.append("integrations:")
    lines += [f"  - {{from: {a}, to: {b}}}" for a, _, b in (i.split() for i in integrations)]
    return "\n".join(lines) + "\n"


def test_all_on_a_1000_system_blueprint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Its speed is a target of `python -m benchmarks` (simulate --all 1k), not a wall clock here.
    path = tmp_path / "estate.yaml"
    path.write_text(estate(50), encoding="utf-8")
    code, out, _ = run(
        capsys, "simulate", str(path), "--all", "--include-redundant", "--format", "json"
    )
    data = json.loads(out)
    assert code == 0
    assert data["scenarios"] == 1000 and len(data["channels"]) == 150


def test_many_channels_behind_one_long_chain_stay_linear() -> None:
    # 200 channels share a 797-service chain before the only agent: every
    # failure touches every channel, the case per-channel searches handle worst.
    from cadee.diagnostics import Location
    from cadee.model import BlueprintMeta, FallbackStep, Integration, System

    def system(sid: str, kind: SystemKind, fallback: str | None = None) -> System:
        steps = [FallbackStep(to=fallback)] if fallback else None
        return System.model_construct(
            id=sid, name=sid, kind=kind, fallback=steps, redundancy=1, criticality="tier-2"
        )

    def link(a: str, b: str) -> Integration:
        return Integration.model_construct(id=f"{a}->{b}", from_=a, to=b)

    chain = [f"s{i}" for i in range(797)]
    systems = [system(f"ch{i}", "channel") for i in range(200)] + [system("gw", "gateway")]
    systems += [system(s, "service", "desk") for s in chain] + [
        system("agent", "agent"),
        system("desk", "human-desk"),
    ]
    links = [link(f"ch{i}", "gw") for i in range(200)] + [link("gw", chain[0])]
    links += [link(a, b) for a, b in itertools.pairwise(chain)] + [link(chain[-1], "agent")]
    bp = Blueprint(
        meta=BlueprintMeta.model_construct(id="c", title="c"),
        path="c",
        location=Location("c", 1, 1),
        systems=systems,
        integrations=links,
    )
    # Speed is measured by `python -m benchmarks` (simulate --all), not by a wall clock here.
    analysis = n_minus_1(bp)
    assert analysis.scenarios == 1000
    # Each chain service falls back to the desk: 200 channels degraded in 797 scenarios.
    assert analysis.score == Score(
        pairs=200_000, not_lost=200_000 - 200 * 3, served=200_000 - 200 * 3 - 200 * 797
    )


# -- hard dependencies and business services (spec 1.1 C2) ---------------------------------

SERVICES_BANK = """\
cadee: 1
blueprint: {id: sb, title: Services bank}
systems:
  - {id: web, kind: channel}
  - {id: app, kind: channel}
  - {id: gw, kind: gateway, criticality: tier-1, needs: [idp], recovery_minutes: 30}
  - {id: idp, kind: identity-provider, needs: [token], recovery_minutes: 60}
  - {id: token, kind: service}
  - {id: agent, kind: agent, needs: [guard], recovery_minutes: 20, fallback: [desk]}
  - {id: guard, kind: service, recovery_minutes: 15}
  - {id: desk, kind: human-desk, criticality: tier-1}
  - {id: core, kind: core-banking, criticality: tier-1, recovery_minutes: 240}
integrations:
  - {from: web, to: gw}
  - {from: app, to: gw}
  - {from: app, to: desk}
  - {from: gw, to: agent}
  - {from: agent, to: core}
  - {from: desk, to: core}
services:
  - {id: balance, name: Balance enquiry, channels: [web, app], requires: [core], critical: true, tolerance_minutes: 60}
  - {id: block, name: Card block, channels: [web], requires: [core], critical: true, tolerance_minutes: 240}
  - {id: faq, name: FAQ, channels: [web]}
"""


def services(scenario: Scenario) -> dict[str, tuple[bool, str | None, int | None, bool]]:
    return {
        s.service: (s.delivered, s.channel, s.expected_minutes, s.breach) for s in scenario.services
    }


class TestServices:
    def test_cli_reports_services_and_gates_on_them(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "sb.yaml"
        path.write_text(SERVICES_BANK, encoding="utf-8")
        code, out, err = run(capsys, "simulate", str(path), "--fail", "token")
        assert code == 0
        assert "down through needs: gw, idp" in out
        assert (
            "disrupted  block    every channel lost; expected disruption unknown, tolerance 240 min: breach"
            in out
        )
        assert "1 delivered, 2 disrupted of 3 services; 2 tolerance breaches" in out
        code, out, err = run(
            capsys, "simulate", str(path), "--all", "--fail-under", "services=0.6", "-f", "json"
        )
        assert code == 0 and err == ""
        data = json.loads(out)
        assert data["service_score"] == {
            "pairs": 27,
            "delivered": 17,
            "share": 17 / 27,
            "percent": 1700 / 27,
        }
        assert data["services"][0] == {
            "service": "balance",
            "critical": True,
            "tolerance_minutes": 60,
            "baseline_delivered": True,
            "disrupted_by": [["core"]],
            "breached_by": [["core"]],
        }
        code, _, err = run(
            capsys,
            "simulate",
            str(path),
            "--all",
            "--fail-under",
            "services=1",
            "--fail-under",
            "0",
        )
        assert code == 1
        assert (
            err.strip()
            == "cadee: service score 63.0% delivered is below --fail-under services=100.0%"
        )
        code, out, _ = run(capsys, "simulate", str(path), "--pairs", "-f", "markdown")
        assert (
            "| `gw` + `desk` | 2 | 0 | `web`, `app` | — | `balance` (breach), `block` (breach), `faq` (breach) |"
            in out
        )
        assert "| `balance` | yes | 60 min | 3 |" in out

    @pytest.fixture
    def bank(self, tmp_path: Path) -> Blueprint:
        return load(tmp_path, SERVICES_BANK)

    def test_nothing_failed_delivers_every_service(self, bank: Blueprint) -> None:
        scenario = simulate(bank, ())
        assert statuses(scenario) == {"web": "served", "app": "served"}
        assert services(scenario) == {
            "balance": (True, "web", None, False),
            "block": (True, "web", None, False),
            "faq": (True, "web", None, False),
        }

    def test_needs_chain_takes_down_every_dependant(self, bank: Blueprint) -> None:
        # token down: idp needs it, gw needs idp. web only reaches gw: lost;
        # app still reaches the desk and through it core banking.
        scenario = simulate(bank, ["token"])
        assert scenario.down == ("gw", "idp")
        assert statuses(scenario) == {"web": "lost", "app": "degraded"}
        assert services(scenario) == {
            "balance": (True, "app", None, False),
            # token has no recovery_minutes: unknown, so a breach.
            "block": (False, None, None, True),
            "faq": (False, None, None, True),
        }
        assert scenario.disrupted == ("block", "faq")

    def test_a_down_system_engages_its_fallback(self, bank: Blueprint) -> None:
        # guard down takes the agent down; the agent's fallback, the desk, stands in.
        scenario = simulate(bank, ["guard"])
        assert scenario.down == ("agent",)
        assert statuses(scenario) == {"web": "degraded", "app": "degraded"}
        assert all(delivered for delivered, *_ in services(scenario).values())

    def test_required_system_down_disrupts_with_its_recovery_time(self, bank: Blueprint) -> None:
        scenario = simulate(bank, ["core"])
        assert statuses(scenario) == {"web": "served", "app": "served"}
        assert services(scenario) == {
            "balance": (False, None, 240, True),  # 240 > 60
            "block": (False, None, 240, False),  # 240 is not above 240
            "faq": (True, "web", None, False),
        }
        assert scenario.services[0].unreached == ("core",)

    def test_expected_disruption_is_the_largest_recovery_of_the_failed_systems(
        self, bank: Blueprint
    ) -> None:
        # gw (30) and guard (15) failed; idp is not failed, so its 60 does not count.
        scenario = simulate(bank, ["gw", "guard"])
        assert services(scenario)["faq"] == (False, None, 30, True)  # no tolerance: always a breach
        assert services(scenario)["block"] == (False, None, 30, False)

    def test_n_minus_1_summarises_each_service(self, bank: Blueprint) -> None:
        analysis = n_minus_1(bank)
        summary = {s.service: (s.disrupted_by, s.breached_by) for s in analysis.services}
        assert summary["balance"] == ((("core",),), (("core",),))
        assert summary["block"] == (
            (("web",), ("gw",), ("idp",), ("token",), ("core",)),
            (("web",), ("token",)),  # web and token have no recovery_minutes
        )
        assert summary["faq"][0] == (("web",), ("gw",), ("idp",), ("token",))
        assert summary["faq"][1] == summary["faq"][0]
        # 9 scenarios x 3 services; balance misses 1, block 5, faq 4.
        assert analysis.service_score == ServiceScore(pairs=27, delivered=17)

    def test_pairs_list_only_interactions(self, bank: Blueprint) -> None:
        analysis = n_minus_2_tier1(bank)
        assert analysis.candidates == ("gw", "desk", "core")
        # gw + desk: app is lost (degraded with gw alone, served with desk alone),
        # and balance is disrupted though each failure alone leaves it delivered.
        # gw + core and desk + core are no worse than their worst single failure.
        assert full_table(analysis) == [
            ("gw + desk", ("web", "app"), (), ("balance", "block", "faq"))
        ]
