"""Failure scenarios: which customer channels stay served when systems fail.

For a set F of failed systems, each ``channel`` is **served**, **degraded** or
**lost** (docs/simulate.md has the full semantics and a worked example):

- Traversal starts at the channel; a failed channel is lost. From a reached
  system u, an integration u -> v (any mode) reaches v when v is up. When v
  is failed it reaches instead the first system in v's fallback list that
  is up; when every fallback of v is failed, the same lookup runs on each
  failed fallback in list order, depth first, never visiting a system twice
  (so fallback cycles terminate). Traversal continues from every system
  reached.
- **served**: an up AI component (``model`` or ``agent``) is reached;
  **degraded**: none is, but a ``human-desk`` is; **lost**: neither.

N-1 analysis fails every system alone (skipping systems with ``redundancy``
>= 2 unless asked), N-2 every pair of ``tier-1`` systems. The **resilience
score** is the share of (scenario, channel) pairs whose channel is not lost;
the **served share** is the share whose channel stays served.

Everything here is a pure function of the blueprint. Each scenario costs one
breadth-first search per affected channel over adjacency lists built once, in
integration declaration order, so the chosen paths are deterministic.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from cadee.graph import ArchitectureGraph
from cadee.model import AI_COMPONENTS, Blueprint

__all__ = [
    "MAX_PAIRS",
    "MAX_STEPS",
    "STATUSES",
    "Analysis",
    "ChannelOutcome",
    "Engagement",
    "Impact",
    "PathStep",
    "Scenario",
    "Score",
    "ServiceOutcome",
    "ServiceScore",
    "ServiceSummary",
    "Simulator",
    "Status",
    "TooManyScenarios",
    "TooManySteps",
    "UnknownSystemsError",
    "n_minus_1",
    "n_minus_2_tier1",
    "simulate",
    "suggest_system",
]

Status = Literal["served", "degraded", "lost"]
STATUSES: tuple[Status, ...] = ("served", "degraded", "lost")
AnalysisKind = Literal["n-1", "n-2"]

#: Most N-2 scenarios run by default: pairs grow with the square of the tier-1
#: systems (2,000 of them make 2 million pairs: 312 s, 1.7 GB and 32 MB of
#: output). 100,000 pairs (about 450 tier-1 systems) take seconds.
MAX_PAIRS = 100_000

#: Most search steps (systems visited plus the integrations they examine, so the
#: meter follows time on a dense estate too) one analysis may take: a few seconds
#: of CPU. A scenario costs at most a few passes over the graph, so N-1 is
#: quadratic in the worst case: an estate whose channels reach nearly every
#: system would take hours at 100,000 systems, and 300 systems that all call
#: each other (89,700 integrations) pass the limit in the first N-2 scenario,
#: after 3 s (counting systems alone, that run went on for 100 s). Realistic
#: estates stay far below (the benchmark's 10k estate: 42,000 steps; its
#: findings-heavy one: 90,000); the limit keeps a hostile or accidental
#: blueprint from holding CI for hours.
MAX_STEPS = 20_000_000

#: A progress callback: scenarios done and the total.
Progress = Callable[[int, int], None]
#: Scenarios between two progress calls.
_PROGRESS_EVERY = 512

# Status codes for the hot loop: ints compare faster than strings.
_SERVED, _DEGRADED, _LOST = 0, 1, 2
_NAMES: tuple[Status, ...] = STATUSES


class TooManyScenarios(ValueError):
    """N-2 would run more scenarios than allowed."""

    def __init__(self, scenarios: int, limit: int, systems: int) -> None:
        super().__init__(
            f"--pairs would simulate {scenarios:,} pairs of {systems:,} tier-1 systems, above the limit of "
            f"{limit:,} (it grows with the square of the tier-1 systems); raise it with --max-pairs {scenarios}"
        )
        self.scenarios = scenarios
        self.limit = limit


class TooManySteps(ValueError):
    """An analysis needed more search steps than allowed (:data:`MAX_STEPS`)."""

    def __init__(self, kind: str, done: int, total: int, limit: int) -> None:
        super().__init__(
            f"{kind} stopped after {done:,} of {total:,} scenarios: its searches took more than "
            f"{limit:,} steps (the channels reach most of the estate, so each failure is a search "
            f"of nearly every system)"
        )
        self.kind = kind
        self.done = done
        self.total = total
        self.limit = limit


class UnknownSystemsError(ValueError):
    """``failed`` names ids that are not systems of the blueprint."""

    def __init__(self, unknown: Sequence[str]) -> None:
        self.unknown = tuple(unknown)
        super().__init__("unknown systems: " + ", ".join(self.unknown))


@dataclass(frozen=True, slots=True)
class PathStep:
    """One system on a serving path and how the path entered it.

    ``via`` is ``""`` for the channel, ``"->"`` for an integration and
    ``"~>"`` for a fallback that replaced the failed system before it.
    """

    system: str
    via: Literal["", "->", "~>"]


@dataclass(frozen=True, slots=True)
class Engagement:
    """What traversal met when an integration pointed at a failed system.

    ``chain`` is the failed systems the fallback lookup walked, starting with
    the one the integration named; ``replacement`` is the up system reached
    instead, or ``None`` when no fallback was up (the integration leads nowhere).
    """

    failed: str
    chain: tuple[str, ...]
    replacement: str | None

    @property
    def engaged(self) -> bool:
        return self.replacement is not None

    def text(self) -> str:
        """``cs-agent ~> agent-desk``, or ``ai-gateway (no fallback up)``."""
        if self.replacement is None:
            return f"{self.failed} (no fallback up)"
        return " ~> ".join((*self.chain, self.replacement))


@dataclass(frozen=True, slots=True)
class ChannelOutcome:
    """One channel in one scenario."""

    channel: str
    status: Status
    #: The path to the serving component (the first up AI component reached
    #: when served, the first human desk when degraded); empty when lost.
    path: tuple[PathStep, ...] = ()
    #: Every failed system the traversal met, in the order it met them.
    engagements: tuple[Engagement, ...] = ()
    #: True when the channel itself is one of the failed systems.
    channel_failed: bool = False

    @property
    def serving(self) -> str | None:
        return self.path[-1].system if self.path else None

    @property
    def path_text(self) -> str:
        """``web-chat -> ai-gateway -> cs-agent ~> agent-desk``; ``""`` when lost."""
        parts: list[str] = []
        for step in self.path:
            if step.via:
                parts.append(step.via)
            parts.append(step.system)
        return " ".join(parts)

    @property
    def fallbacks_engaged(self) -> tuple[Engagement, ...]:
        """Failed systems a fallback stood in for."""
        return tuple(e for e in self.engagements if e.replacement is not None)

    @property
    def unrecovered(self) -> tuple[str, ...]:
        """Failed systems the traversal met with no fallback up."""
        return tuple(e.failed for e in self.engagements if e.replacement is None)


@dataclass(frozen=True, slots=True)
class Score:
    """Counts over (scenario, channel) pairs, and the shares derived from them.

    With no pair at all (no channel, or no scenario) both shares are 1:
    nothing was lost.
    """

    pairs: int
    not_lost: int
    served: int

    @property
    def resilience(self) -> float:
        """Share of pairs whose channel is not lost (served or degraded), in [0, 1]."""
        return self.not_lost / self.pairs if self.pairs else 1.0

    @property
    def served_share(self) -> float:
        """Share of pairs whose channel stays served by an AI component, in [0, 1]."""
        return self.served / self.pairs if self.pairs else 1.0

    @property
    def resilience_percent(self) -> float:
        return self.not_lost * 100 / self.pairs if self.pairs else 100.0

    @property
    def served_percent(self) -> float:
        return self.served * 100 / self.pairs if self.pairs else 100.0

    @property
    def exact(self) -> Fraction:
        """The resilience score as an exact fraction, for threshold checks."""
        return Fraction(self.not_lost, self.pairs) if self.pairs else Fraction(1)

    def below(self, threshold: Fraction) -> bool:
        """True when the resilience score is lower than ``threshold`` (a share in [0, 1])."""
        return self.exact < threshold


@dataclass(frozen=True, slots=True)
class ServiceScore:
    """Counts over (scenario, service) pairs: the share in which the service is delivered.

    With no pair at all (no service, or no scenario) the share is 1.
    """

    pairs: int
    delivered: int

    @property
    def share(self) -> float:
        return self.delivered / self.pairs if self.pairs else 1.0

    @property
    def percent(self) -> float:
        return self.delivered * 100 / self.pairs if self.pairs else 100.0

    @property
    def exact(self) -> Fraction:
        return Fraction(self.delivered, self.pairs) if self.pairs else Fraction(1)

    def below(self, threshold: Fraction) -> bool:
        """True when the delivered share is lower than ``threshold`` (a share in [0, 1])."""
        return self.exact < threshold


@dataclass(frozen=True, slots=True)
class ServiceOutcome:
    """One business service in one scenario (spec 1.1 C2).

    ``delivered``: one of its channels is not lost and reaches every system
    it requires through systems that are up. A disrupted service's
    ``expected_minutes`` is the largest ``recovery_minutes`` among the failed
    systems (``None``: unknown, some failed system has none); it ``breaches``
    when that is unknown or above its tolerance (always, without one).
    """

    service: str
    delivered: bool
    #: The first channel (in the service's order) that delivers it.
    channel: str | None = None
    #: Disrupted: every channel is lost.
    channels_lost: bool = False
    #: Disrupted: required systems that no channel that is not lost reaches.
    unreached: tuple[str, ...] = ()
    expected_minutes: int | None = None
    tolerance_minutes: int | None = None
    critical: bool = False

    @property
    def breach(self) -> bool:
        if self.delivered:
            return False
        if self.expected_minutes is None or self.tolerance_minutes is None:
            return True
        return self.expected_minutes > self.tolerance_minutes


@dataclass(frozen=True, slots=True)
class Scenario:
    """Every channel's and every service's outcome for one set of failed systems."""

    failed: tuple[str, ...]
    channels: tuple[ChannelOutcome, ...]
    #: Failed systems whose redundancy is 2 or more: simulated as every
    #: instance down, which a single fault would not cause.
    redundant: tuple[str, ...] = ()
    #: Systems down because they need a down system (``needs``), not failed themselves.
    down: tuple[str, ...] = ()
    services: tuple[ServiceOutcome, ...] = ()

    @property
    def disrupted(self) -> tuple[str, ...]:
        return tuple(s.service for s in self.services if not s.delivered)

    @property
    def breached(self) -> tuple[str, ...]:
        return tuple(s.service for s in self.services if s.breach)

    @property
    def service_score(self) -> ServiceScore:
        delivered = sum(1 for s in self.services if s.delivered)
        return ServiceScore(pairs=len(self.services), delivered=delivered)

    def with_status(self, status: Status) -> tuple[str, ...]:
        return tuple(c.channel for c in self.channels if c.status == status)

    @property
    def served(self) -> tuple[str, ...]:
        return self.with_status("served")

    @property
    def degraded(self) -> tuple[str, ...]:
        return self.with_status("degraded")

    @property
    def lost(self) -> tuple[str, ...]:
        return self.with_status("lost")

    @property
    def score(self) -> Score:
        served = sum(1 for c in self.channels if c.status == "served")
        lost = sum(1 for c in self.channels if c.status == "lost")
        return Score(pairs=len(self.channels), not_lost=len(self.channels) - lost, served=served)

    def outcome(self, channel: str) -> ChannelOutcome:
        for outcome in self.channels:
            if outcome.channel == channel:
                return outcome
        raise KeyError(channel)


@dataclass(frozen=True, slots=True)
class Impact:
    """A row of the N-1 / N-2 table: a scenario that leaves some channel worse
    off than with nothing failed."""

    failed: tuple[str, ...]
    #: Channels lost here that are not lost with nothing failed.
    lost: tuple[str, ...]
    #: Channels degraded here that are served with nothing failed.
    degraded: tuple[str, ...]
    #: Every channel's status in this scenario, counted.
    served_count: int
    degraded_count: int
    lost_count: int
    #: Services disrupted here that are delivered with nothing failed.
    services: tuple[str, ...] = ()
    #: Of those, the ones whose tolerance the failure breaches.
    breached: tuple[str, ...] = ()
    #: The expected disruption (largest recovery time of the failed systems); None: unknown.
    expected_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class ServiceSummary:
    """One service over an N-1 or N-2 analysis."""

    service: str
    critical: bool
    tolerance_minutes: int | None
    #: Delivered with nothing failed.
    baseline_delivered: bool
    #: Scenarios that disrupt it while it is delivered with nothing failed, in scenario order.
    disrupted_by: tuple[tuple[str, ...], ...]
    #: Of those, the ones that breach its tolerance.
    breached_by: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Analysis:
    """The result of N-1 (``kind="n-1"``) or N-2 (``kind="n-2"``) analysis.

    ``impacts`` is the table render embeds: worst first (most channels newly
    lost, then most newly degraded, then declaration order of the failed
    systems).
    """

    kind: AnalysisKind
    channels: tuple[str, ...]
    #: The systems failed in turn (N-1) or paired (N-2), in declaration order.
    candidates: tuple[str, ...]
    scenarios: int
    baseline: Scenario
    impacts: tuple[Impact, ...]
    score: Score
    include_redundant: bool = False
    #: N-1 only: systems left out because their redundancy is 2 or more.
    skipped_redundant: tuple[str, ...] = field(default=())
    services: tuple[ServiceSummary, ...] = ()
    service_score: ServiceScore = ServiceScore(0, 0)


def suggest_system(graph: ArchitectureGraph | Blueprint, name: str) -> str | None:
    """The declared system id closest to ``name``, for "did you mean" hints."""
    blueprint = graph if isinstance(graph, Blueprint) else graph.blueprint
    ids = [s.id for s in blueprint.systems]
    match = difflib.get_close_matches(name[:200], ids, n=1, cutoff=0.6)
    return match[0] if match else None


def simulate(graph: ArchitectureGraph | Blueprint, failed: Iterable[str]) -> Scenario:
    """Every channel's status, serving path and engaged fallbacks when ``failed`` are down."""
    return Simulator(graph).scenario(failed)


def n_minus_1(graph: ArchitectureGraph | Blueprint, include_redundant: bool = False) -> Analysis:
    """Fail every system alone; systems with redundancy >= 2 only when ``include_redundant``."""
    return Simulator(graph).n_minus_1(include_redundant)


def n_minus_2_tier1(
    graph: ArchitectureGraph | Blueprint, max_pairs: int | None = MAX_PAIRS
) -> Analysis:
    """Fail every pair of tier-1 systems (whatever their redundancy), at most ``max_pairs``."""
    return Simulator(graph).n_minus_2_tier1(max_pairs)


def _unique(values: Iterable[int]) -> list[int]:
    seen: set[int] = set()
    out: list[int] = []
    for value in values:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


_Resolution = tuple[int, tuple[int, ...]] | None


@dataclass(frozen=True, slots=True)
class _Service:
    id: str
    channels: tuple[int, ...]
    requires: tuple[int, ...]
    critical: bool
    tolerance: int | None


def _breaches(expected: int | None, tolerance: int | None) -> bool:
    """A disruption breaches when its expected length is unknown or above the tolerance (or there is none)."""
    return expected is None or tolerance is None or expected > tolerance


_Evaluation = tuple[dict[int, int], dict[int, bool]]


def _interacts(
    failed: Sequence[int],
    statuses: dict[int, int],
    delivered: dict[int, bool],
    singles: dict[int, _Evaluation],
    base: Sequence[int],
    base_delivered: Sequence[bool],
) -> bool:
    """Whether failing ``failed`` together is worse than failing each alone
    (clarification 17): some channel's status is strictly worse (served <
    degraded < lost) than with each one alone, or some service is disrupted
    together and delivered with each one alone."""
    alone = [singles[i] for i in failed]
    for position, status in statuses.items():
        if all(status > single[0].get(position, base[position]) for single in alone):
            return True
    for k, now in delivered.items():
        if not now and all(single[1].get(k, base_delivered[k]) for single in alone):
            return True
    return False


class Simulator:
    """A blueprint compiled for repeated scenarios: integer ids, adjacency lists
    in integration declaration order, fallback lists in preference order."""

    def __init__(self, graph: ArchitectureGraph | Blueprint) -> None:
        blueprint = graph if isinstance(graph, Blueprint) else graph.blueprint
        systems = blueprint.systems
        self.ids: list[str] = [s.id for s in systems]
        self.index: dict[str, int] = {sid: i for i, sid in enumerate(self.ids)}
        index = self.index
        outgoing: list[list[int]] = [[] for _ in systems]
        for integration in blueprint.integrations:
            source, target = index.get(integration.from_), index.get(integration.to)
            if source is not None and target is not None:
                outgoing[source].append(target)
        # Parallel integrations add nothing to reachability; keep the first.
        self.adjacency: list[list[int]] = [_unique(targets) for targets in outgoing]
        self.fallbacks: list[list[int]] = [
            _unique(index[step.to] for step in (s.fallback or ()) if step.to in index)
            for s in systems
        ]
        self.ai: list[bool] = [s.kind in AI_COMPONENTS for s in systems]
        self.desk: list[bool] = [s.kind == "human-desk" for s in systems]
        self.redundancy: list[int] = [s.redundancy for s in systems]
        self.tier1: list[bool] = [s.criticality == "tier-1" for s in systems]
        self.channels: list[int] = [i for i, s in enumerate(systems) if s.kind == "channel"]
        incoming: list[list[int]] = [[] for _ in systems]
        for source, targets in enumerate(self.adjacency):
            for target in targets:
                incoming[target].append(source)
        self.predecessors: list[list[int]] = incoming
        #: Reverse ``needs``: the systems that go down with each system.
        self.needed_by: list[list[int]] = [[] for _ in systems]
        for i, s in enumerate(systems):
            for needed in _unique(index[n] for n in (s.needs or ()) if n in index):
                if needed != i:
                    self.needed_by[needed].append(i)
        self.recovery: list[int | None] = [s.recovery_minutes for s in systems]
        self.services: list[_Service] = [
            _Service(
                service.id,
                tuple(_unique(index[c] for c in service.channels if c in index)),
                tuple(_unique(index[r] for r in (service.requires or ()) if r in index)),
                service.critical,
                service.tolerance_minutes,
            )
            for service in blueprint.services
        ]
        #: Work (edges examined) one scenario may spend on per-channel searches
        #: before switching to two whole-graph backward searches: a scenario
        #: never costs more than a few passes over the graph, however many
        #: channels it affects.
        self.budget = 2 * (len(self.ids) + sum(len(t) for t in self.adjacency)) + 64
        self._baseline: tuple[list[int], list[list[int]]] | None = None
        self._services_base: tuple[list[bool], list[list[int]]] | None = None
        #: Systems visited plus edges examined by searches so far (the meter
        #: :data:`MAX_STEPS` limits): time follows edges on a dense estate.
        self.steps = 0

    # -- ids ---------------------------------------------------------------------

    def _failed_indexes(self, failed: Iterable[str]) -> tuple[int, ...]:
        names = list(failed)
        unknown = [name for name in names if name not in self.index]
        if unknown:
            raise UnknownSystemsError(unknown)
        return tuple(sorted({self.index[name] for name in names}))

    # -- the fallback lookup -------------------------------------------------------

    def _resolve(self, v: int, failed: Collection[int]) -> _Resolution:
        """What an integration into failed ``v`` reaches: (system, failed chain) or None.

        The first up system in v's fallback list; when all are failed, the same
        lookup on each of them in order, depth first, each system visited once.
        """
        fallbacks = self.fallbacks
        for candidate in fallbacks[v]:
            if candidate not in failed:
                return candidate, (v,)
        visited = {v}
        chain = [v]
        # Each frame: a failed system whose fallbacks are all failed, and the
        # position of the next of them to look through.
        frames: list[list[int]] = [[v, 0]]
        while frames:
            frame = frames[-1]
            options = fallbacks[frame[0]]
            position = frame[1]
            while position < len(options) and options[position] in visited:
                position += 1
            if position == len(options):
                frames.pop()
                chain.pop()
                continue
            frame[1] = position + 1
            nxt = options[position]
            visited.add(nxt)
            chain.append(nxt)
            for candidate in fallbacks[nxt]:
                if candidate not in failed:
                    return candidate, tuple(chain)
            frames.append([nxt, 0])
        return None

    def _resolved(
        self, v: int, failed: Collection[int], cache: dict[int, _Resolution]
    ) -> _Resolution:
        if v in cache:
            return cache[v]
        result = cache[v] = self._resolve(v, failed)
        return result

    # -- one channel ---------------------------------------------------------------

    def _status(
        self,
        channel: int,
        failed: Collection[int],
        cache: dict[int, _Resolution],
        touched: list[int] | None = None,
        budget: list[int] | None = None,
    ) -> int:
        """The channel's status code, stopping at the first AI component reached.

        ``touched`` collects every system whose failed/up state the search
        read: a scenario that fails none of them gives the same answer.
        ``budget`` holds the edges the search may still examine; when they
        run out it returns -1 (unknown) and the caller searches backward.
        """
        if channel in failed:
            return _LOST
        adjacency, ai, desk = self.adjacency, self.ai, self.desk
        seen = {channel}
        queue = [channel]
        found_desk = False
        if touched is not None:
            touched.append(channel)
        head = 0
        while head < len(queue):
            u = queue[head]
            head += 1
            cost = len(adjacency[u]) + 1  # the system and the integrations it examines
            self.steps += cost
            if budget is not None:
                budget[0] -= cost
                if budget[0] < 0:
                    return -1
            for v in adjacency[u]:
                if touched is not None:
                    touched.append(v)
                if v in failed:
                    resolution = self._resolved(v, failed, cache)
                    if resolution is None:
                        continue
                    w = resolution[0]
                else:
                    w = v
                if w in seen:
                    continue
                seen.add(w)
                if ai[w]:
                    return _SERVED
                if desk[w]:
                    found_desk = True
                queue.append(w)
        return _DEGRADED if found_desk else _LOST

    def _statuses_backward(
        self, failed: Collection[int], cache: dict[int, _Resolution]
    ) -> list[int]:
        """Every channel's status at once: which up systems can reach an up AI
        component, then an up human desk, searching backward over the scenario's
        edges (u -> v when v is up, u -> v's fallback replacement when v is
        failed). Two linear passes, whatever the number of channels."""
        ids_count = len(self.ids)
        # Failed v stands aside: its callers reach its replacement instead.
        callers_of_replacement: dict[int, list[int]] = {}
        for v in sorted(failed):
            resolution = self._resolved(v, failed, cache)
            if resolution is not None:
                callers_of_replacement.setdefault(resolution[0], []).append(v)

        def can_reach(kind: list[bool]) -> bytearray:
            marked = bytearray(ids_count)
            stack = [x for x in range(ids_count) if kind[x] and x not in failed]
            for x in stack:
                marked[x] = 1
            predecessors = self.predecessors
            examined = 0
            while stack:
                x = stack.pop()
                sources = predecessors[x]
                for v in callers_of_replacement.get(x, ()):
                    sources = sources + predecessors[v]
                examined += len(sources) + 1
                for u in sources:
                    if not marked[u] and u not in failed:
                        marked[u] = 1
                        stack.append(u)
            self.steps += examined
            return marked

        to_ai = can_reach(self.ai)
        to_desk = can_reach(self.desk)
        statuses: list[int] = []
        for channel in self.channels:
            if channel in failed:
                statuses.append(_LOST)
            elif to_ai[channel]:
                statuses.append(_SERVED)
            else:
                statuses.append(_DEGRADED if to_desk[channel] else _LOST)
        return statuses

    def _trace(
        self, channel: int, failed: Collection[int], cache: dict[int, _Resolution]
    ) -> ChannelOutcome:
        """The channel's outcome with its serving path: a full breadth-first search."""
        ids = self.ids
        if channel in failed:
            return ChannelOutcome(ids[channel], "lost", channel_failed=True)
        adjacency, ai, desk = self.adjacency, self.ai, self.desk
        parent: dict[int, tuple[int, tuple[int, ...]]] = {channel: (-1, ())}
        met: list[int] = []
        met_set: set[int] = set()
        first_ai = first_desk = -1
        queue = [channel]
        head = 0
        while head < len(queue):
            u = queue[head]
            head += 1
            for v in adjacency[u]:
                chain: tuple[int, ...] = ()
                if v in failed:
                    if v not in met_set:
                        met_set.add(v)
                        met.append(v)
                    resolution = self._resolved(v, failed, cache)
                    if resolution is None:
                        continue
                    w, chain = resolution
                else:
                    w = v
                if w in parent:
                    continue
                parent[w] = (u, chain)
                if first_ai < 0 and ai[w]:
                    first_ai = w
                elif first_desk < 0 and desk[w]:
                    first_desk = w
                queue.append(w)
        engagements = []
        for v in met:
            resolution = self._resolved(v, failed, cache)
            if resolution is None:
                engagements.append(Engagement(ids[v], (ids[v],), None))
            else:
                engagements.append(
                    Engagement(ids[v], tuple(ids[x] for x in resolution[1]), ids[resolution[0]])
                )
        target = first_ai if first_ai >= 0 else first_desk
        status: Status = "served" if first_ai >= 0 else "degraded" if first_desk >= 0 else "lost"
        return ChannelOutcome(ids[channel], status, self._path(parent, target), tuple(engagements))

    def _path(
        self, parent: dict[int, tuple[int, tuple[int, ...]]], target: int
    ) -> tuple[PathStep, ...]:
        if target < 0:
            return ()
        ids = self.ids
        reversed_steps: list[PathStep] = []
        node = target
        while True:
            previous, chain = parent[node]
            if previous < 0:
                reversed_steps.append(PathStep(ids[node], ""))
                break
            if chain:
                # u -> v ~> a ~> node: the integration names v, fallbacks lead on.
                reversed_steps.append(PathStep(ids[node], "~>"))
                for failed_step in reversed(chain[1:]):
                    reversed_steps.append(PathStep(ids[failed_step], "~>"))
                reversed_steps.append(PathStep(ids[chain[0]], "->"))
            else:
                reversed_steps.append(PathStep(ids[node], "->"))
            node = previous
        return tuple(reversed(reversed_steps))

    # -- needs and services ----------------------------------------------------------

    def _down(self, failed: Iterable[int]) -> set[int]:
        """The failed systems plus, repeatedly, every system that needs a down one."""
        down = set(failed)
        stack = list(down)
        needed_by = self.needed_by
        while stack:
            for dependant in needed_by[stack.pop()]:
                if dependant not in down:
                    down.add(dependant)
                    stack.append(dependant)
        return down

    def _expected(self, failed: Iterable[int]) -> int | None:
        """The largest recovery time among the failed systems; None when one has none."""
        largest = 0
        for i in failed:
            minutes = self.recovery[i]
            if minutes is None:
                return None
            largest = max(largest, minutes)
        return largest

    def _reach(
        self, channel: int, down: Collection[int], cache: dict[int, _Resolution]
    ) -> set[int]:
        """Every system the traversal from ``channel`` reaches (empty when the channel is down)."""
        if channel in down:
            return set()
        adjacency = self.adjacency
        seen = {channel}
        queue = [channel]
        head = 0
        examined = 0
        while head < len(queue):
            u = queue[head]
            head += 1
            examined += len(adjacency[u]) + 1
            for v in adjacency[u]:
                if v in down:
                    resolution = self._resolved(v, down, cache)
                    if resolution is None:
                        continue
                    v = resolution[0]
                if v not in seen:
                    seen.add(v)
                    queue.append(v)
        self.steps += examined
        return seen

    def _not_lost(self, reached: set[int]) -> bool:
        ai, desk = self.ai, self.desk
        return any(ai[x] or desk[x] for x in reached)

    def _service(
        self,
        service: _Service,
        down: Collection[int],
        cache: dict[int, _Resolution],
        reaches: dict[int, set[int]],
    ) -> tuple[int | None, bool, tuple[int, ...]]:
        """(the delivering channel or None, every channel lost, required systems no live channel reaches)."""
        unreached = set(service.requires)
        live = False
        for channel in service.channels:
            reached = reaches.get(channel)
            if reached is None:
                reached = reaches[channel] = self._reach(channel, down, cache)
            if not reached or not self._not_lost(reached):
                continue
            live = True
            if all(r in reached for r in service.requires):
                return channel, False, ()
            unreached.difference_update(reached)
        return None, not live, tuple(r for r in service.requires if r in unreached)

    def _service_baseline(self) -> tuple[list[bool], list[list[int]]]:
        """Services delivered with nothing failed, and for each system the
        services whose channels' traversals reach it (only failures among
        those can change a service)."""
        if self._services_base is None:
            delivered: list[bool] = []
            readers: list[list[int]] = [[] for _ in self.ids]
            reaches: dict[int, set[int]] = {}
            nothing: set[int] = set()
            for k, service in enumerate(self.services):
                delivered.append(self._service(service, nothing, {}, reaches)[0] is not None)
                touched: set[int] = set()
                for channel in service.channels:
                    if channel not in reaches:
                        reaches[channel] = self._reach(channel, nothing, {})
                    touched |= reaches[channel]
                touched.update(service.requires)
                for system in touched:
                    readers[system].append(k)
            self._services_base = (delivered, readers)
        return self._services_base

    # -- scenarios -----------------------------------------------------------------

    def scenario(self, failed: Iterable[str]) -> Scenario:
        """Every channel's and service's outcome when ``failed`` systems are down."""
        indexes = self._failed_indexes(failed)
        down = self._down(indexes)
        cache: dict[int, _Resolution] = {}
        outcomes = tuple(self._trace(c, down, cache) for c in self.channels)
        redundant = tuple(self.ids[i] for i in indexes if self.redundancy[i] >= 2)
        expected = self._expected(indexes)
        reaches: dict[int, set[int]] = {}
        services = []
        for service in self.services:
            channel, all_lost, unreached = self._service(service, down, cache, reaches)
            delivered = channel is not None
            services.append(
                ServiceOutcome(
                    service.id,
                    delivered,
                    channel=self.ids[channel] if channel is not None else None,
                    channels_lost=all_lost,
                    unreached=tuple(self.ids[r] for r in unreached),
                    expected_minutes=None if delivered else expected,
                    tolerance_minutes=service.tolerance,
                    critical=service.critical,
                )
            )
        return Scenario(
            tuple(self.ids[i] for i in indexes),
            outcomes,
            redundant,
            down=tuple(self.ids[i] for i in sorted(down.difference(indexes))),
            services=tuple(services),
        )

    def _baseline_statuses(self) -> tuple[list[int], list[list[int]]]:
        """Statuses with nothing failed, and for each system the channel
        positions whose search reads that system's state."""
        if self._baseline is None:
            statuses: list[int] = []
            readers: list[list[int]] = [[] for _ in self.ids]
            nothing: set[int] = set()
            for position, channel in enumerate(self.channels):
                touched: list[int] = []
                statuses.append(self._status(channel, nothing, {}, touched))
                for system in set(touched):
                    readers[system].append(position)
            self._baseline = (statuses, readers)
        return self._baseline

    def _evaluate(self, failed: Sequence[int]) -> tuple[dict[int, int], dict[int, bool]]:
        """One scenario against the baseline: the status of every channel (by
        position) and whether each service is delivered (by index), for the
        channels and services a down system could change; the others are as
        with nothing failed."""
        channels = self.channels
        _, readers = self._baseline_statuses()
        _, service_readers = self._service_baseline()
        down = self._down(failed)
        affected: set[int] = set()
        affected_services: set[int] = set()
        for system in down:
            affected.update(readers[system])
            affected_services.update(service_readers[system])
        cache: dict[int, _Resolution] = {}
        budget = [self.budget]
        everyone: list[int] | None = None
        statuses: dict[int, int] = {}
        for position in sorted(affected):
            status = -1
            if everyone is None:
                status = self._status(channels[position], down, cache, budget=budget)
            if status < 0:
                if everyone is None:
                    everyone = self._statuses_backward(down, cache)
                status = everyone[position]
            statuses[position] = status
        return statuses, self._delivered(down, affected_services, cache)

    def _delivered(
        self, down: Collection[int], services: Iterable[int], cache: dict[int, _Resolution]
    ) -> dict[int, bool]:
        """Whether each of ``services`` (indexes) is delivered with ``down`` systems down."""
        delivered: dict[int, bool] = {}
        reaches: dict[int, set[int]] = {}
        for k in sorted(services):
            delivered[k] = self._service(self.services[k], down, cache, reaches)[0] is not None
        return delivered

    def service_breaches(self, max_steps: int | None = MAX_STEPS) -> dict[str, list[str]]:
        """For each service delivered with nothing failed, the systems (redundancy
        below 2, declaration order) whose failure alone disrupts it beyond its
        tolerance: ``n_minus_1().services[...].breached_by`` without the channels'
        statuses, which ARC008 does not need (half the work of N-1).

        Raises :class:`TooManySteps` once its searches pass ``max_steps`` (``None``: no limit).
        """
        base_delivered, readers = self._service_baseline()
        limit = self.steps + max_steps if max_steps is not None else None
        breached: dict[str, list[str]] = {
            service.id: [] for k, service in enumerate(self.services) if base_delivered[k]
        }
        candidates = [i for i in range(len(self.ids)) if self.redundancy[i] < 2]
        for count, failed in enumerate(candidates, 1):
            down = self._down((failed,))
            affected = {k for system in down for k in readers[system] if base_delivered[k]}
            if not affected:
                continue
            delivered = self._delivered(down, affected, {})
            if limit is not None and self.steps > limit:
                raise TooManySteps("N-1", count, len(candidates), max_steps or 0)
            expected = self.recovery[failed]
            for k, now in delivered.items():
                service = self.services[k]
                if not now and _breaches(expected, service.tolerance):
                    breached[service.id].append(self.ids[failed])
        return breached

    def _analyse(
        self,
        kind: AnalysisKind,
        candidates: Sequence[int],
        scenarios: Iterator[tuple[int, ...]],
        include_redundant: bool = False,
        skipped: Sequence[int] = (),
        total: int = 0,
        progress: Progress | None = None,
        max_steps: int | None = MAX_STEPS,
    ) -> Analysis:
        ids = self.ids
        channels = self.channels
        limit = self.steps + max_steps if max_steps is not None else None
        base, _ = self._baseline_statuses()
        base_delivered, _ = self._service_baseline()
        base_served = sum(1 for s in base if s == _SERVED)
        base_not_lost = sum(1 for s in base if s != _LOST)
        base_services = sum(base_delivered)
        # N-2 lists a pair only when it is worse than both of its single failures (1.1 C2, clar. 17).
        singles = {i: self._evaluate((i,)) for i in candidates} if kind == "n-2" else None
        rows: list[tuple[int, int, int, int, Impact]] = []
        disrupted_by: list[list[tuple[int, ...]]] = [[] for _ in self.services]
        breached_by: list[list[tuple[int, ...]]] = [[] for _ in self.services]
        count = served_total = not_lost_total = delivered_total = 0
        for failed in scenarios:
            ordinal = count
            count += 1
            if progress is not None and not count % _PROGRESS_EVERY:
                progress(count, total)
            statuses, delivered = self._evaluate(failed)
            if limit is not None and self.steps > limit:
                raise TooManySteps(kind.upper(), count, total, max_steps or 0)
            served, not_lost = base_served, base_not_lost
            degraded_count = base_not_lost - base_served
            new_lost: list[int] = []
            new_degraded: list[int] = []
            for position, status in statuses.items():
                before = base[position]
                if status == before:
                    continue
                served += (status == _SERVED) - (before == _SERVED)
                not_lost += (status != _LOST) - (before != _LOST)
                degraded_count += (status == _DEGRADED) - (before == _DEGRADED)
                if status == _LOST:
                    new_lost.append(position)
                elif status == _DEGRADED and before == _SERVED:
                    new_degraded.append(position)
            delivered_count = base_services
            new_disrupted: list[int] = []
            for k, now in delivered.items():
                delivered_count += now - base_delivered[k]
                if base_delivered[k] and not now:
                    new_disrupted.append(k)
            served_total += served
            not_lost_total += not_lost
            delivered_total += delivered_count
            expected = self._expected(failed)
            breached = [k for k in new_disrupted if _breaches(expected, self.services[k].tolerance)]
            for k in new_disrupted:
                disrupted_by[k].append(failed)
            for k in breached:
                breached_by[k].append(failed)
            if singles is not None and not _interacts(
                failed, statuses, delivered, singles, base, base_delivered
            ):
                continue
            if new_lost or new_degraded or new_disrupted:
                impact = Impact(
                    failed=tuple(ids[i] for i in failed),
                    lost=tuple(ids[channels[p]] for p in sorted(new_lost)),
                    degraded=tuple(ids[channels[p]] for p in sorted(new_degraded)),
                    served_count=served,
                    degraded_count=degraded_count,
                    lost_count=len(channels) - not_lost,
                    services=tuple(self.services[k].id for k in new_disrupted),
                    breached=tuple(self.services[k].id for k in breached),
                    expected_minutes=expected,
                )
                rows.append(
                    (-len(new_lost), -len(new_degraded), -len(new_disrupted), ordinal, impact)
                )
        if progress is not None:
            progress(count, total)
        rows.sort(key=lambda row: row[:4])
        summaries = tuple(
            ServiceSummary(
                service.id,
                service.critical,
                service.tolerance,
                base_delivered[k],
                tuple(tuple(ids[i] for i in f) for f in disrupted_by[k]),
                tuple(tuple(ids[i] for i in f) for f in breached_by[k]),
            )
            for k, service in enumerate(self.services)
        )
        return Analysis(
            kind=kind,
            channels=tuple(ids[c] for c in channels),
            candidates=tuple(ids[i] for i in candidates),
            scenarios=count,
            baseline=self.scenario(()),
            impacts=tuple(row[4] for row in rows),
            score=Score(pairs=count * len(channels), not_lost=not_lost_total, served=served_total),
            include_redundant=include_redundant,
            skipped_redundant=tuple(ids[i] for i in skipped),
            services=summaries,
            service_score=ServiceScore(pairs=count * len(self.services), delivered=delivered_total),
        )

    def n_minus_1(
        self,
        include_redundant: bool = False,
        progress: Progress | None = None,
        max_steps: int | None = MAX_STEPS,
    ) -> Analysis:
        """Every single-system failure (N-1), in declaration order.

        Raises :class:`TooManySteps` once its searches pass ``max_steps`` (``None``: no limit).
        """
        every = range(len(self.ids))
        candidates = [i for i in every if include_redundant or self.redundancy[i] < 2]
        skipped = [] if include_redundant else [i for i in every if self.redundancy[i] >= 2]
        return self._analyse(
            "n-1",
            candidates,
            ((i,) for i in candidates),
            include_redundant,
            skipped,
            len(candidates),
            progress,
            max_steps,
        )

    def tier1_ids(self) -> list[str]:
        return [self.ids[i] for i in range(len(self.ids)) if self.tier1[i]]

    def pair_count(self) -> int:
        """How many scenarios :meth:`n_minus_2_tier1` runs."""
        tier1 = sum(1 for flag in self.tier1 if flag)
        return tier1 * (tier1 - 1) // 2

    def n_minus_2_tier1(
        self,
        max_pairs: int | None = MAX_PAIRS,
        progress: Progress | None = None,
        max_steps: int | None = MAX_STEPS,
    ) -> Analysis:
        """Every pair of tier-1 systems failing together (N-2).

        Raises :class:`TooManyScenarios` above ``max_pairs`` pairs and
        :class:`TooManySteps` once its searches pass ``max_steps`` (``None``: no limit).
        """
        candidates = [i for i in range(len(self.ids)) if self.tier1[i]]
        total = self.pair_count()
        if max_pairs is not None and total > max_pairs:
            raise TooManyScenarios(total, max_pairs, len(candidates))
        return self._analyse(
            "n-2",
            candidates,
            itertools.combinations(candidates, 2),
            total=total,
            progress=progress,
            max_steps=max_steps,
        )
