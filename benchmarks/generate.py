"""Generate synthetic but realistic bank estates for benchmarks.

An estate is a group of business units (retail, cards, mortgages, ...), each
laid out like the Northwind example: customer channels in an untrusted
boundary, an AI gateway and an API gateway, agents and models (some hosted by
an external vendor), systems of record, services, data stores, human desks,
identity providers, a staging slice and a few unit-specific microservices.
About three integrations per system, mostly routed through the gateways, and
fallback chains that end at human desks.

The estate is a *valid* blueprint (stage 1 passes) that is mostly healthy,
with a small, seeded share of defects so rules fire the way they would on a
real estate: a few percent of the items get a finding, not none and not all.
Some findings are waived, one waiver is expired and one is unused.

The YAML is written by string building in block style, the way people write
blueprints (no ``yaml.dump``), so generating 100k systems takes seconds.

    python -m benchmarks.generate 10000 /tmp/estate-10k
    python -m benchmarks.generate 10000 /tmp/estate-10k-split --split 20
    python -m benchmarks.generate 10000 /tmp/heavy-10k --findings-heavy

``generate_findings_heavy`` is the opposite case: a random blueprint on which
every rule family fires, with several findings per system.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "MIN_SYSTEMS",
    "Estate",
    "generate",
    "generate_estate",
    "generate_findings_heavy",
    "main",
    "revise_estate",
    "write_estate",
]

#: Systems in one business unit before its extra microservices.
_UNIT_CORE = 41
#: Group-level systems shared by every unit (group API gateway, shared systems of record, ...).
_GROUP_SYSTEMS = 8
#: The smallest estate: the group systems and one business unit.
MIN_SYSTEMS = _GROUP_SYSTEMS + _UNIT_CORE
#: Average extra microservices per unit (so units vary in size).
_EXTRAS_PER_UNIT = 4
#: Integrations per system the generator aims for.
_INTEGRATIONS_PER_SYSTEM = 3

#: Probability that a unit carries each kind of defect (at defect_rate 1.0).
DEFECTS: dict[str, float] = {
    "agent-direct-crm": 0.08,  # ARC002
    "vendor-call-no-timeout": 0.25,  # FBK004
    "telemetry-no-auth": 0.15,  # IAM001
    "tier1-missing-runbook": 0.35,  # OBS001
    "tier1-no-oncall": 0.25,  # OBS002
    "embedding-no-fallback": 0.2,  # FBK001
    "boundary-no-idp": 0.08,  # IAM003
    "service-no-owner": 0.12,  # OWN001
    "store-no-boundary": 0.12,  # ARC007
    "channel-direct-crm": 0.03,  # ARC001
    "staging-calls-prod": 0.1,  # ARC003
    "confidential-to-us-vendor": 0.08,  # DAT001
    "case-mgmt-service-identity": 0.25,  # IAM002
    "legacy-orphan": 0.08,  # ARC005
    "desk-agent-assist-sync": 0.03,  # FBK003
    "model-fallback-cycle": 0.03,  # FBK002
    "self-approved": 0.06,  # OWN003 / OWN004
    "kpi-no-baseline": 0.08,  # EVD002
    "gate-no-decider": 0.04,  # EVD003
    "kiosk-no-escalation": 0.03,  # ARC006
    "tier1-single-bridge": 0.05,  # ARC004
}

_LINES = (
    ("rtl", "Retail banking"),
    ("crd", "Cards"),
    ("mtg", "Mortgages"),
    ("wlt", "Wealth management"),
    ("smb", "Small business"),
    ("sav", "Savings"),
    ("lns", "Consumer loans"),
    ("pay", "Payments"),
)
_REGIONS = ("DE", "FR", "NL", "ES", "IT", "PL", "SE", "AT", "BE", "IE", "PT", "CZ")
_EXTRA_SERVICES = (
    ("address-lookup", "Address lookup"),
    ("fx-rates", "FX rates"),
    ("statements", "Statement service"),
    ("card-controls", "Card controls"),
    ("appointments", "Appointment booking"),
    ("documents", "Document service"),
    ("loyalty", "Loyalty points"),
    ("consent", "Consent registry"),
    ("pricing", "Pricing engine"),
    ("kyc-refresh", "KYC refresh"),
    ("complaints-register", "Complaints register"),
    ("product-catalog", "Product catalogue"),
    ("branch-locator", "Branch locator"),
    ("dispute-evidence", "Dispute evidence store"),
    ("translation", "Translation service"),
    ("sms-gateway", "SMS gateway"),
)
_ALL_TRIGGERS = "[timeout, error, low-confidence, policy-block, outage]"
_ACTIVE_WAIVER = "2031-12-31"
_EXPIRED_WAIVER = "2024-12-31"

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 _.,()/'+-]*$")
_NOT_STRINGS = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|"
    r"on|On|ON|off|Off|OFF|null|Null|NULL)$"
)


def _s(text: str) -> str:
    """A YAML scalar for ``text``: plain when that reads back as the same string."""
    if _PLAIN.match(text) and not _NOT_STRINGS.match(text) and not text.endswith(" "):
        return text
    return json.dumps(text)


@dataclass(slots=True)
class Estate:
    """A generated estate: files (relative name -> YAML text) and what they hold."""

    files: dict[str, str]
    systems: int
    integrations: int
    units: int
    top: str = "blueprint.yaml"
    defects: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(len(text.encode("utf-8")) for text in self.files.values())


class _Unit:
    """One business unit: its owners, boundaries, systems and integrations."""

    def __init__(
        self,
        index: int,
        width: int,
        extras: int,
        rng: random.Random,
        defect_rate: float,
        counts: dict[str, int],
    ) -> None:
        tag, line = _LINES[index % len(_LINES)]
        region = _REGIONS[(index // len(_LINES)) % len(_REGIONS)]
        self.p = f"{tag}{index:0{width}d}"
        self.label = f"{line} {region} {index:0{width}d}"
        self.rng = rng
        self.rate = defect_rate
        self.counts = counts
        self.owners: list[str] = []
        self.boundaries: list[str] = []
        self.systems: list[str] = []
        self.integrations: list[str] = []
        self.evidence: list[str] = []
        self.kpis: list[str] = []
        self.gates: list[str] = []
        self.waivers: list[str] = []
        self.n_systems = 0
        self.n_integrations = 0
        self.pairs: set[tuple[str, str]] = set()
        self.names: list[str] = []  # every system id, in order
        self.extras = extras
        self.build()

    # -- helpers ----------------------------------------------------------------------

    def defect(self, name: str) -> bool:
        if self.rng.random() < DEFECTS[name] * self.rate:
            self.counts[name] = self.counts.get(name, 0) + 1
            return True
        return False

    def owner(
        self, suffix: str, name: str, function: str, kind: str = "team", contact: str | None = None
    ) -> None:
        out = self.owners
        out.append(f"  - id: {self.p}-{suffix}")
        out.append(f"    name: {_s(name)}")
        if kind != "team":
            out.append(f"    kind: {kind}")
        out.append(f"    function: {function}")
        if contact:
            out.append(f"    contact: {_s(contact)}")

    def system(
        self,
        suffix: str,
        name: str,
        kind: str,
        *,
        boundary: str | None,
        owner: str | None,
        tier: str = "tier-2",
        redundancy: int = 1,
        approvers: Sequence[str] | None = None,
        environment: str | None = None,
        vendor: str | None = None,
        description: str | None = None,
        fallback: Sequence[str | tuple[str, str]] = (),
        observability: str = "none",
        oncall: str | None = None,
    ) -> str:
        """Add a system; ``observability`` is ``full``, ``basic``, ``no-runbook`` or ``none``."""
        sid = f"{self.p}-{suffix}"
        out = self.systems
        out.append(f"  - id: {sid}")
        out.append(f"    name: {_s(name + ' (' + self.label + ')')}")
        out.append(f"    kind: {kind}")
        if description:
            out.append(f"    description: {_s(description)}")
        if boundary is not None:
            out.append(f"    boundary: {boundary}")
        if owner is not None:
            out.append(f"    owner: {owner}")
        if approvers is not None:
            out.append("    approvers:")
            out.extend(f"      - {a}" for a in approvers)
        if environment:
            out.append(f"    environment: {environment}")
        if tier != "tier-2":
            out.append(f"    criticality: {tier}")
        if redundancy != 1:
            out.append(f"    redundancy: {redundancy}")
        if vendor:
            out.append(f"    vendor: {_s(vendor)}")
        if fallback:
            out.append("    fallback:")
            for step in fallback:
                if isinstance(step, str):
                    out.append(f"      - {step}")
                else:
                    out.append(f"      - to: {step[0]}")
                    out.append(f"        when: {step[1]}")
        if observability != "none":
            out.append("    observability:")
            out.append("      logs: true")
            out.append("      metrics: true")
            if observability == "basic":
                pass
            else:
                out.append("      traces: true")
                slo = self.rng.choice(("99.9", "99.95", "99.99"))
                out.append(
                    f'      slo: "{slo}% availability, p95 < {self.rng.choice((150, 300, 800, 2500))} ms"'
                )
                if observability == "full":
                    out.append(f"      runbook: https://runbooks.bank.example/{self.p}/{suffix}")
                if self.rng.random() < 0.5:
                    out.append(f"      dashboard: https://grafana.bank.example/d/{self.p}-{suffix}")
            if oncall is not None:
                out.append(f"      oncall: {oncall}")
        self.names.append(sid)
        self.n_systems += 1
        return sid

    def flow(
        self,
        frm: str,
        to: str,
        protocol: str,
        *,
        mode: str = "sync",
        auth: str | None = "mtls",
        identity: str = "service",
        data: str = "internal",
        timeout: int | None = None,
        fid: str | None = None,
        description: str | None = None,
    ) -> str:
        pair = (frm, to)
        if pair in self.pairs and fid is None:
            fid = f"{frm}-to-{to.removeprefix(self.p + '-')}-{mode}"
        self.pairs.add(pair)
        out = self.integrations
        if fid is not None:
            out.append(f"  - id: {fid}")
            out.append(f"    from: {frm}")
        else:
            out.append(f"  - from: {frm}")
        out.append(f"    to: {to}")
        if description:
            out.append(f"    description: {_s(description)}")
        out.append(f"    protocol: {protocol}")
        if mode != "sync":
            out.append(f"    mode: {mode}")
        if auth is not None:
            out.append(f"    auth: {auth}")
        if identity != "service":
            out.append(f"    identity: {identity}")
        if data != "internal":
            out.append(f"    data: {data}")
        if timeout is not None:
            out.append(f"    timeout_ms: {timeout}")
        self.n_integrations += 1
        return fid if fid is not None else f"{frm}->{to}"

    def waiver(self, rule: str, target: str, reason: str, approved_by: str, expires: str) -> None:
        out = self.waivers
        out.append(f"  - rule: {rule}")
        out.append(f"    target: {_s(target)}")
        out.append(f"    reason: {_s(reason)}")
        out.append(f"    approved_by: {approved_by}")
        out.append(f"    expires: {expires}")

    # -- the unit ----------------------------------------------------------------------

    def build(self) -> None:
        p = self.p
        rng = self.rng
        # Owners: one per function, plus on-call roles and a named product owner.
        self.owner(
            "cs-ops",
            f"{self.label} customer service operations",
            "operations",
            contact=f"cs-ops-{p}@bank.example",
        )
        self.owner("compliance", f"{self.label} compliance", "compliance")
        self.owner("advisory", f"{self.label} customer advisory board", "customer-advisory")
        self.owner(
            "ai-platform",
            f"{self.label} AI platform team",
            "technology",
            contact=f"#ai-platform-{p}",
        )
        self.owner("integration", f"{self.label} integration team", "technology")
        self.owner("core-team", f"{self.label} core systems team", "technology")
        self.owner("fraud-risk", f"{self.label} fraud and credit risk", "risk")
        self.owner("security", f"{self.label} information security", "security")
        self.owner("data", f"{self.label} data office", "data")
        self.owner(
            "product",
            f"Product owner, {self.label}",
            "business",
            kind="person",
            contact=f"po-{p}@bank.example",
        )
        self.owner(
            "oncall-ai",
            f"{self.label} AI on-call",
            "technology",
            kind="role",
            contact=f"https://oncall.bank.example/{p}/ai",
        )
        self.owner(
            "oncall-core",
            f"{self.label} core on-call",
            "operations",
            kind="role",
            contact=f"https://oncall.bank.example/{p}/core",
        )
        ops, compliance, advisory = f"{p}-cs-ops", f"{p}-compliance", f"{p}-advisory"
        ai_team, integ, core_team = f"{p}-ai-platform", f"{p}-integration", f"{p}-core-team"
        risk, data_office = f"{p}-fraud-risk", f"{p}-data"
        oncall_ai, oncall_core = f"{p}-oncall-ai", f"{p}-oncall-core"

        # Boundaries: internet, edge, AI zone, corporate network, core zone.
        internet, edge, ai_zone = f"{p}-internet", f"{p}-edge", f"{p}-ai-zone"
        corporate, core = f"{p}-corporate", f"{p}-core"
        ciam, workforce = f"{p}-ciam", f"{p}-workforce-idp"
        b = self.boundaries
        b += [
            f"  - id: {internet}",
            f"    name: {_s('Internet and customers, ' + self.label)}",
            "    trust: untrusted",
            "    clearance: public",
        ]
        b += [
            f"  - id: {edge}",
            f"    name: {_s('Edge / DMZ, ' + self.label)}",
            "    trust: internal",
            f"    identity_provider: {ciam}",
        ]
        ai_zone_lines = [
            f"  - id: {ai_zone}",
            f"    name: {_s('AI zone, ' + self.label)}",
            "    trust: internal",
        ]
        if not self.defect("boundary-no-idp"):
            ai_zone_lines.append(f"    identity_provider: {workforce}")
        b += ai_zone_lines
        b += [
            f"  - id: {corporate}",
            f"    name: {_s('Corporate network, ' + self.label)}",
            "    trust: internal",
            f"    identity_provider: {workforce}",
        ]
        b += [
            f"  - id: {core}",
            f"    name: {_s('Core zone, ' + self.label)}",
            "    trust: restricted",
            f"    identity_provider: {workforce}",
            "    clearance: restricted",
        ]

        ai_approvers = ["group-model-risk", compliance, ops]
        sor_approvers = [ops, compliance]
        desk_approvers = [ops, advisory]
        missing_runbook = self.defect("tier1-missing-runbook")
        no_oncall = self.defect("tier1-no-oncall")

        def obs1(which: str) -> str:
            # Tier-1 observability; one system per defective unit lacks its runbook.
            nonlocal missing_runbook
            if missing_runbook and which == "candidate":
                missing_runbook = False
                return "no-runbook"
            return "full"

        # Human desks first: every fallback chain ends at one of them.
        desk = self.system(
            "contact-centre-desk",
            "Contact centre desk",
            "human-desk",
            boundary=corporate,
            owner=ops,
            tier="tier-1",
            redundancy=2,
            approvers=desk_approvers,
            description="Human agents take over conversations from the AI agents.",
            observability="full",
            oncall=oncall_core,
        )
        fraud_desk = self.system(
            "fraud-desk",
            "Fraud desk",
            "human-desk",
            boundary=corporate,
            owner=risk,
            tier="tier-1",
            redundancy=2,
            approvers=[ops, risk, compliance],
            observability="full",
            oncall=oncall_core,
        )
        complaints_desk = self.system(
            "complaints-desk",
            "Complaints desk",
            "human-desk",
            boundary=corporate,
            owner=ops,
            approvers=desk_approvers,
            observability="basic",
        )

        # Channels.
        web = self.system(
            "web-chat",
            "Web chat",
            "channel",
            boundary=internet,
            owner=ai_team,
            tier="tier-1",
            redundancy=2,
            observability=obs1("candidate"),
            oncall=oncall_ai,
        )
        mobile = self.system(
            "mobile-app",
            "Mobile app assistant",
            "channel",
            boundary=internet,
            owner=ai_team,
            tier="tier-1",
            redundancy=2,
            observability="full",
            oncall=None if no_oncall else oncall_ai,
        )
        voice = self.system(
            "voice-ivr",
            "Conversational IVR",
            "channel",
            boundary=internet,
            owner=ops,
            tier="tier-1",
            redundancy=2,
            fallback=[(desk, "[outage]")],
            observability="full",
            oncall=oncall_core,
        )
        email = self.system(
            "email",
            "E-mail triage inbox",
            "channel",
            boundary=internet,
            owner=ops,
            observability="basic",
        )

        # Gateways and identity.
        ai_gw = self.system(
            "ai-gateway",
            "AI gateway",
            "gateway",
            boundary=edge,
            owner=ai_team,
            tier="tier-1",
            redundancy=2,
            description="The controlled path for every AI request.",
            observability="full",
            oncall=oncall_ai,
        )
        api_gw = self.system(
            "api-gateway",
            "Internal API gateway",
            "gateway",
            boundary=corporate,
            owner=integ,
            tier="tier-1",
            redundancy=3,
            observability="full",
            oncall=oncall_core,
        )
        self.system(
            "ciam",
            "Customer identity (CIAM)",
            "identity-provider",
            boundary=edge,
            owner=f"{p}-security",
            tier="tier-1",
            redundancy=2,
            observability="full",
            oncall=oncall_core,
        )
        self.system(
            "workforce-idp",
            "Workforce identity provider",
            "identity-provider",
            boundary=corporate,
            owner=f"{p}-security",
            tier="tier-1",
            redundancy=2,
            observability="full",
            oncall=oncall_core,
        )

        # Models: two hosted by vendors (external boundaries), three on-prem.
        onprem = f"{p}-llm-onprem"
        cycle = self.defect("model-fallback-cycle")
        large = self.system(
            "llm-hosted-large",
            "Hosted LLM, large",
            "model",
            boundary="vendor-llm-eu",
            owner=ai_team,
            tier="tier-1",
            approvers=ai_approvers,
            vendor="Hosted LLM vendor (EU data zone)",
            fallback=[
                (onprem, "[timeout, error, outage]"),
                (desk, "[low-confidence, policy-block]"),
            ],
            observability="full",
            oncall=oncall_ai,
        )
        small = self.system(
            "llm-hosted-small",
            "Hosted LLM, small",
            "model",
            boundary="vendor-llm-us",
            owner=ai_team,
            vendor="Hosted LLM vendor (US)",
            fallback=[onprem, desk],
        )
        self.system(
            "llm-onprem",
            "On-prem LLM (open weights)",
            "model",
            boundary=ai_zone,
            owner=ai_team,
            tier="tier-1",
            redundancy=2,
            approvers=ai_approvers,
            fallback=[large, desk]
            if cycle
            else [(desk, "[timeout, error, low-confidence, outage]")],
            observability="full",
            oncall=oncall_ai,
        )
        classifier = self.system(
            "intent-classifier",
            "Intent classifier",
            "model",
            boundary=ai_zone,
            owner=ai_team,
            fallback=[(desk, "[error, outage]")],
            observability="basic",
        )
        embedding = self.system(
            "embedding",
            "Embedding model",
            "model",
            boundary=ai_zone,
            owner=ai_team,
            tier="tier-3",
            fallback=() if self.defect("embedding-no-fallback") else [(onprem, "[outage]")],
        )

        # Agents.
        triage = self.system(
            "triage-agent",
            "Triage agent",
            "agent",
            boundary=ai_zone,
            owner=ai_team,
            tier="tier-1",
            redundancy=3,
            approvers=ai_approvers,
            description="Greets, identifies intent and hands over to specialists or people.",
            fallback=[(desk, _ALL_TRIGGERS)],
            observability="full",
            oncall=oncall_ai,
        )
        payments = self.system(
            "payments-agent",
            "Payments agent",
            "agent",
            boundary=ai_zone,
            owner=ai_team,
            tier="tier-1",
            redundancy=2,
            approvers=[ops, risk, compliance],
            fallback=[
                (fraud_desk, "[policy-block]"),
                (desk, "[timeout, error, low-confidence, outage]"),
            ],
            observability="full",
            oncall=oncall_ai,
        )
        disputes = self.system(
            "disputes-agent",
            "Disputes agent",
            "agent",
            boundary=ai_zone,
            owner=ai_team,
            approvers=[ops, compliance, advisory],
            fallback=[
                (complaints_desk, "[policy-block, low-confidence]"),
                (desk, "[timeout, error, outage]"),
            ],
            observability="basic",
        )
        lending = self.system(
            "lending-agent",
            "Lending agent",
            "agent",
            boundary=ai_zone,
            owner=ai_team,
            approvers=ai_approvers,
            fallback=[desk],
            observability="basic",
        )
        agents = [triage, payments, disputes, lending]

        # Systems of record.
        self_approved = self.defect("self-approved")
        core_banking = self.system(
            "core-banking",
            "Core banking",
            "core-banking",
            boundary=core,
            owner=core_team,
            tier="tier-1",
            redundancy=2,
            approvers=sor_approvers,
            observability="full",
            oncall=oncall_core,
        )
        cards = self.system(
            "cards-platform",
            "Cards platform",
            "core-banking",
            boundary=core,
            owner=core_team,
            tier="tier-1",
            redundancy=2,
            approvers=[core_team] if self_approved else sor_approvers,
            vendor="Card processor",
            observability="full",
            oncall=oncall_core,
        )
        crm = self.system(
            "crm",
            "CRM",
            "crm",
            boundary=core,
            owner=core_team,
            tier="tier-1",
            redundancy=2,
            observability="full",
            oncall=oncall_core,
        )
        fraud = self.system(
            "fraud-engine",
            "Fraud engine",
            "risk",
            boundary=core,
            owner=risk,
            tier="tier-1",
            redundancy=2,
            approvers=[risk, compliance],
            observability="full",
            oncall=oncall_core,
        )
        credit = self.system(
            "credit-decisioning",
            "Credit decisioning",
            "risk",
            boundary=core,
            owner=risk,
            approvers=[risk, compliance],
            observability="basic",
        )

        # Services.
        guardrails = self.system(
            "guardrails",
            "Guardrails and PII masking",
            "service",
            boundary=edge,
            owner=ai_team,
            tier="tier-1",
            redundancy=2,
            approvers=ai_approvers,
            observability="full",
            oncall=oncall_ai,
        )
        kb = self.system(
            "knowledge-base",
            "Knowledge base",
            "service",
            boundary=ai_zone,
            owner=ai_team,
            observability="basic",
        )
        prompts = self.system(
            "prompt-registry",
            "Prompt and routing registry",
            "service",
            boundary=ai_zone,
            owner=ai_team,
            approvers=ai_approvers,
        )
        notify = self.system(
            "notification",
            "Notification service",
            "service",
            boundary=corporate,
            owner=integ,
            tier="tier-3",
        )
        cases = self.system(
            "case-management",
            "Case management",
            "service",
            boundary=corporate,
            owner=ops,
            observability="basic",
        )
        rules = self.system(
            "rules-engine", "Business rules engine", "service", boundary=corporate, owner=integ
        )

        # Data stores.
        no_boundary = self.defect("store-no-boundary")
        vector = self.system(
            "vector-store", "Vector store", "data-store", boundary=ai_zone, owner=ai_team
        )
        transcripts = self.system(
            "conversation-store",
            "Conversation transcripts",
            "data-store",
            boundary=ai_zone,
            owner=data_office,
            observability="basic",
        )
        audit = self.system(
            "audit-log",
            "Audit log",
            "data-store",
            boundary=corporate,
            owner=f"{p}-security",
            tier="tier-1",
            redundancy=3,
            approvers=[compliance, f"{p}-security"],
            observability="full",
            oncall=oncall_core,
        )
        lake = self.system(
            "analytics-lake",
            "Analytics lake",
            "data-store",
            boundary=corporate,
            owner=data_office,
            tier="tier-3",
        )
        cache = self.system(
            "cache",
            "Semantic cache",
            "data-store",
            boundary=None if no_boundary else ai_zone,
            owner=ai_team,
            tier="tier-3",
        )
        telemetry = self.system(
            "telemetry",
            "Telemetry pipeline",
            "data-store",
            boundary=corporate,
            owner=integ,
            observability="basic",
        )

        # External services and the staging slice.
        bureau = self.system(
            "credit-bureau",
            "Credit bureau",
            "external",
            boundary="vendor-credit-bureau",
            owner=risk,
            vendor="Credit bureau",
        )
        uat_desk = self.system(
            "uat-desk",
            "UAT desk",
            "human-desk",
            boundary=corporate,
            owner=ops,
            environment="staging",
            tier="tier-3",
        )
        staging_llm = self.system(
            "staging-llm",
            "Staging LLM",
            "model",
            boundary=ai_zone,
            owner=ai_team,
            environment="staging",
            tier="tier-3",
            fallback=[uat_desk],
        )
        staging_agent = self.system(
            "staging-agent",
            "Staging triage agent",
            "agent",
            boundary=ai_zone,
            owner=ai_team,
            environment="staging",
            tier="tier-3",
            fallback=[(uat_desk, _ALL_TRIGGERS)],
        )
        assert self.n_systems == _UNIT_CORE, self.n_systems

        # Extra unit-specific microservices (and the occasional defect system).
        extra_ids: list[str] = []
        k = -1
        while k + 1 < self.extras:
            k += 1
            if k == 0 and self.defect("legacy-orphan"):
                self.system(
                    "legacy-faq-bot",
                    "Legacy FAQ bot (decommissioning)",
                    "service",
                    boundary=corporate,
                    owner=ai_team,
                    tier="tier-3",
                )
                continue
            if k == 1 and self.defect("kiosk-no-escalation"):
                kiosk = self.system(
                    "branch-kiosk", "Branch kiosk", "channel", boundary=internet, owner=ops
                )
                self.flow(kiosk, f"{p}-ciam", "https", auth="oidc", identity="end-user")
                continue
            if k == 2 and self.extras > 3 and self.defect("tier1-single-bridge"):
                # A single-instance bridge is the only way to the legacy mainframe (ARC004).
                bridge = self.system(
                    "mainframe-bridge",
                    "Mainframe bridge",
                    "service",
                    boundary=core,
                    owner=core_team,
                    tier="tier-1",
                    observability="full",
                    oncall=oncall_core,
                )
                mainframe = self.system(
                    "legacy-mainframe",
                    "Legacy savings mainframe",
                    "core-banking",
                    boundary=core,
                    owner=core_team,
                    tier="tier-3",
                )
                self.flow(
                    f"{p}-api-gateway", bridge, "mq", identity="on-behalf-of", data="confidential"
                )
                self.flow(bridge, mainframe, "mq", identity="on-behalf-of", data="confidential")
                self.flow(mainframe, bridge, "mq", mode="batch")
                self.extras -= 1  # the mainframe takes the next extra's place
                continue
            suffix, name = _EXTRA_SERVICES[
                (k + rng.randrange(len(_EXTRA_SERVICES))) % len(_EXTRA_SERVICES)
            ]
            suffix = f"{suffix}-{k}"
            owner_id: str | None = integ
            if k == 0 and self.defect("service-no-owner"):
                owner_id = None
            kind = "data-store" if rng.random() < 0.15 else "service"
            tier = "tier-3" if rng.random() < 0.4 else "tier-2"
            extra_ids.append(
                self.system(
                    suffix,
                    name,
                    kind,
                    boundary=corporate,
                    owner=owner_id,
                    tier=tier,
                    observability="basic" if tier == "tier-2" else "none",
                )
            )

        # -- integrations ------------------------------------------------------------------
        f = self.flow
        channels = [web, mobile, voice, email]
        for ch in channels:
            mode = "async" if ch == email else "sync"
            f(
                ch,
                ai_gw,
                "kafka" if ch == email else "https",
                mode=mode,
                auth="oidc",
                identity="end-user",
                data="confidential",
            )
            f(ch, f"{p}-ciam", "https", auth="oidc", identity="end-user")
        f(
            web,
            desk,
            "https",
            auth="oauth2",
            identity="end-user",
            data="confidential",
            fid=f"{p}-web-chat-handover",
            description="Live-chat handover to a human agent",
        )
        f(
            voice,
            desk,
            "sip",
            auth="mtls",
            identity="end-user",
            data="confidential",
            fid=f"{p}-voice-transfer",
            description="Warm transfer to the contact centre",
        )
        f(email, complaints_desk, "mq", mode="async", auth="service-account", data="confidential")
        if self.defect("channel-direct-crm"):
            f(
                mobile,
                crm,
                "https",
                auth="oauth2",
                identity="end-user",
                data="confidential",
                description="Profile screen reads the CRM directly (bypasses the gateway)",
            )

        for agent in agents:
            f(ai_gw, agent, "grpc", identity="on-behalf-of", data="confidential", timeout=8000)
            f(agent, ai_gw, "grpc", identity="on-behalf-of", data="confidential", timeout=30000)
            f(agent, kb, "https", timeout=1500)
            f(agent, transcripts, "kafka", mode="async", data="confidential")
        f(ai_gw, large, "https", auth="api-key", data="confidential", timeout=20000)
        no_timeout = self.defect("vendor-call-no-timeout")
        small_data = "confidential" if self.defect("confidential-to-us-vendor") else "internal"
        f(
            ai_gw,
            small,
            "https",
            auth="api-key",
            data=small_data,
            timeout=None if no_timeout else 8000,
        )
        f(ai_gw, onprem, "grpc", data="confidential", timeout=15000)
        f(ai_gw, classifier, "grpc", timeout=500)
        f(guardrails, classifier, "grpc", timeout=200)
        f(ai_gw, guardrails, "grpc", data="confidential", timeout=300)
        f(
            ai_gw,
            api_gw,
            "https",
            identity="on-behalf-of",
            data="confidential",
            timeout=5000,
            fid=f"{p}-ai-tool-calls",
            description="Agent tool calls, forwarded to the API gateway",
        )
        f(ai_gw, f"{p}-ciam", "https", auth="oidc", description="Token introspection")
        f(ai_gw, prompts, "grpc")
        f(ai_gw, cache, "grpc", timeout=100)
        f(kb, vector, "grpc", timeout=300)
        f(kb, embedding, "grpc", timeout=500)
        f(payments, rules, "grpc", timeout=400)
        if self.defect("agent-direct-crm"):
            f(
                triage,
                crm,
                "https",
                identity="on-behalf-of",
                data="confidential",
                timeout=2000,
                description="Shortcut: reads the customer profile without the gateway",
            )

        for sor in (core_banking, cards, crm, fraud, credit):
            f(api_gw, sor, "https", identity="on-behalf-of", data="confidential", timeout=3000)
        f(api_gw, workforce, "https", auth="oidc")
        for svc in (cases, notify, rules):
            f(api_gw, svc, "https", identity="on-behalf-of")
        for d in (desk, fraud_desk, complaints_desk):
            f(d, api_gw, "https", auth="oauth2", identity="end-user", data="confidential")
            f(d, workforce, "https", auth="saml", identity="end-user")
            f(d, transcripts, "https", auth="oauth2", identity="end-user", data="confidential")
        if self.defect("desk-agent-assist-sync"):
            f(
                desk,
                ai_gw,
                "https",
                auth="oauth2",
                identity="end-user",
                data="confidential",
                fid=f"{p}-agent-assist",
                description="Agent-assist panel waits for the AI suggestions",
            )

        f(fraud, core_banking, "kafka", mode="async", fid=f"{p}-fraud-holds")
        f(cards, fraud, "grpc", timeout=150, description="Authorisation scoring")
        f(core_banking, fraud, "grpc", timeout=200)
        f(credit, core_banking, "https", identity="on-behalf-of")
        f(credit, bureau, "https", data="confidential", timeout=2000)
        f(core_banking, notify, "mq", mode="async")
        f(crm, notify, "mq", mode="async")
        f(cards, notify, "mq", mode="async")
        f(fraud, fraud_desk, "mq", mode="async", data="confidential", fid=f"{p}-fraud-alerts")
        f(cases, complaints_desk, "mq", mode="async")
        identity = "service" if self.defect("case-mgmt-service-identity") else "on-behalf-of"
        case_flow = f(cases, crm, "https", identity=identity, data="confidential")
        if identity == "service" and rng.random() < 0.5:
            self.waiver(
                "IAM002",
                case_flow,
                "Case management syncs contact history with a scoped service account; "
                "on-behalf-of writes arrive with CRM release 11.",
                compliance,
                _ACTIVE_WAIVER,
            )
        f(rules, fraud, "grpc", timeout=300)
        f(crm, lake, "sftp", mode="batch", data="confidential", fid=f"{p}-nightly-crm-export")
        f(
            core_banking,
            lake,
            "sftp",
            mode="batch",
            data="confidential",
            fid=f"{p}-nightly-ledger-export",
        )
        f(transcripts, lake, "sftp", mode="batch", data="confidential")
        f(audit, lake, "sftp", mode="batch")
        if self.defect("staging-calls-prod"):
            f(
                staging_agent,
                api_gw,
                "https",
                timeout=5000,
                description="Test traffic against production",
            )
        f(staging_agent, staging_llm, "https", timeout=10000)
        f(staging_agent, uat_desk, "https", mode="async")
        # Group services: shared systems of record behind the group API gateway.
        f(
            api_gw,
            "group-api-gateway",
            "https",
            identity="on-behalf-of",
            data="confidential",
            timeout=3000,
        )
        f(workforce, "group-idp", "https", auth="saml", description="Identity federation")
        f(audit, "group-data-platform", "sftp", mode="batch", data="confidential")
        f(prompts, "group-model-registry", "https", mode="async")
        f(telemetry, "group-siem", "otlp", mode="async")

        for ex in extra_ids:
            f(api_gw, ex, "https", identity="on-behalf-of")
            if rng.random() < 0.35:
                f(ex, rng.choice((core_banking, crm, cards)), "https", timeout=2000)
            else:
                f(ex, cache, "grpc", timeout=100)

        # Audit events from everything that acts on a customer's behalf.
        for src in (
            ai_gw,
            api_gw,
            *agents,
            desk,
            fraud_desk,
            complaints_desk,
            f"{p}-ciam",
            workforce,
            core_banking,
            cards,
            crm,
            fraud,
            cases,
            prompts,
            guardrails,
        ):
            f(src, audit, "kafka", mode="async", data="confidential")
        # Telemetry tops the unit up to about three integrations per system.
        target = _INTEGRATIONS_PER_SYSTEM * self.n_systems
        no_auth = self.defect("telemetry-no-auth")
        for src in self.names:
            if self.n_integrations >= target:
                break
            if (
                src in (telemetry, audit, uat_desk, staging_llm, staging_agent)
                or (src, telemetry) in self.pairs
            ):
                continue
            if src.endswith(("-legacy-faq-bot", "-branch-kiosk")):
                continue
            auth = None if no_auth and src == email else "mtls"
            f(src, telemetry, "otlp", mode="async", auth=auth)
        if no_auth and (email, telemetry) not in self.pairs:
            f(email, telemetry, "otlp", mode="async", auth=None)

        # Evaluation: evidence, KPIs and gates of the unit.
        ev = self.evidence
        ev += [
            f"  - id: {p}-integration-map",
            "    kind: integration-map",
            f"    title: {_s('Integration map, ' + self.label)}",
            f"    owner: {integ}",
            "    status: approved",
            f"    approved_by: {compliance}",
        ]
        ev += [
            f"  - id: {p}-access-fallback-review",
            "    kind: identity-access-fallback",
            f"    owner: {f'{p}-security'}",
            "    status: in-review",
        ]
        ev += [
            f"  - id: {p}-runtime-dashboards",
            "    kind: runtime-observability",
            f"    owner: {ai_team}",
        ]
        fcr = rng.randint(55, 68)
        aht = rng.randint(300, 480)
        kp = self.kpis
        kp += [f"  - id: {p}-fcr", "    name: First-contact resolution", "    unit: percent"]
        if not self.defect("kpi-no-baseline"):
            kp.append(f"    baseline: {fcr}")
        kp += [f"    target: {fcr + 12}", "    direction: increase", f"    owner: {ops}"]
        kp += [
            f"  - id: {p}-aht",
            "    name: Average handle time",
            "    unit: seconds",
            f"    baseline: {aht}",
            f"    target: {aht - 90}",
            "    direction: decrease",
            f"    owner: {ops}",
        ]
        kp += [
            f"  - id: {p}-csat",
            "    name: Customer satisfaction (CSAT)",
            "    unit: score 1-5",
            f"    baseline: {rng.choice((3.9, 4.0, 4.1, 4.2))}",
            "    target: 4.4",
            "    direction: increase",
            f"    owner: {advisory}",
        ]
        g = self.gates
        g += [
            f"  - id: {p}-pause-on-csat",
            "    action: pause",
            "    when: CSAT falls below baseline for two consecutive weeks",
            f"    kpi: {p}-csat",
            "    threshold: 3.8",
        ]
        if not self.defect("gate-no-decider"):
            g.append(f"    decided_by: {ops}")
        g += [
            f"  - id: {p}-scale-on-fcr",
            "    action: scale",
            "    when: First-contact resolution holds above target for a quarter",
            f"    kpi: {p}-fcr",
            f"    threshold: {fcr + 12}",
            f"    decided_by: {advisory}",
        ]


def _section(name: str, parts: Iterable[list[str]]) -> list[str]:
    lines: list[str] = []
    for part in parts:
        lines.extend(part)
    return [f"{name}:", *lines, ""] if lines else []


def _group_system(
    sid: str,
    name: str,
    kind: str,
    boundary: str,
    owner: str,
    tier: str = "tier-1",
    redundancy: int = 2,
) -> list[str]:
    lines = [
        f"  - id: {sid}",
        f"    name: {_s(name)}",
        f"    kind: {kind}",
        f"    boundary: {boundary}",
        f"    owner: {owner}",
        f"    criticality: {tier}",
        f"    redundancy: {redundancy}",
    ]
    if tier == "tier-1":
        lines += [
            "    observability:",
            "      logs: true",
            "      metrics: true",
            "      traces: true",
            '      slo: "99.99% availability"',
            f"      runbook: https://runbooks.bank.example/group/{sid}",
            "      oncall: group-oncall",
        ]
    return lines


def _group_lines(n_systems: int) -> dict[str, Any]:
    """Group-level owners, boundaries, shared systems, evidence, KPIs and gates."""
    systems = [
        *_group_system(
            "group-api-gateway",
            "Group API gateway",
            "gateway",
            "group-corporate",
            "group-platform",
            redundancy=3,
        ),
        *_group_system(
            "group-idp",
            "Group identity provider",
            "identity-provider",
            "group-corporate",
            "group-ciso",
        ),
        *_group_system(
            "group-payments-hub",
            "Group payments hub",
            "core-banking",
            "group-core",
            "group-platform",
        ),
        *_group_system(
            "group-customer-master",
            "Group customer master data",
            "crm",
            "group-core",
            "group-platform",
        ),
        *_group_system(
            "group-sanctions",
            "Sanctions and PEP screening",
            "risk",
            "group-core",
            "group-model-risk",
        ),
        *_group_system(
            "group-siem", "Group SIEM", "service", "group-corporate", "group-ciso", tier="tier-2"
        ),
        *_group_system(
            "group-data-platform",
            "Group data platform",
            "data-store",
            "group-corporate",
            "group-platform",
            tier="tier-2",
        ),
        *_group_system(
            "group-model-registry",
            "Group model registry",
            "service",
            "group-corporate",
            "group-model-risk",
            tier="tier-2",
            redundancy=1,
        ),
    ]
    flows = [
        (
            "group-api-gateway",
            "group-payments-hub",
            "  - from: group-api-gateway\n    to: group-payments-hub\n"
            "    protocol: https\n    auth: mtls\n    identity: on-behalf-of\n    data: confidential\n"
            "    timeout_ms: 2000",
        ),
        (
            "group-api-gateway",
            "group-customer-master",
            "  - from: group-api-gateway\n    to: group-customer-master\n"
            "    protocol: https\n    auth: mtls\n    identity: on-behalf-of\n    data: confidential\n"
            "    timeout_ms: 2000",
        ),
        (
            "group-api-gateway",
            "group-sanctions",
            "  - from: group-api-gateway\n    to: group-sanctions\n"
            "    protocol: grpc\n    auth: mtls\n    timeout_ms: 500",
        ),
        (
            "group-api-gateway",
            "group-idp",
            "  - from: group-api-gateway\n    to: group-idp\n    protocol: https\n    auth: oidc",
        ),
        (
            "group-payments-hub",
            "group-sanctions",
            "  - from: group-payments-hub\n    to: group-sanctions\n"
            "    protocol: grpc\n    auth: mtls\n    timeout_ms: 300",
        ),
        (
            "group-payments-hub",
            "group-data-platform",
            "  - id: group-nightly-payments-export\n"
            "    from: group-payments-hub\n    to: group-data-platform\n    protocol: sftp\n    mode: batch\n"
            "    auth: service-account\n    data: confidential",
        ),
        (
            "group-customer-master",
            "group-data-platform",
            "  - id: group-nightly-customer-export\n"
            "    from: group-customer-master\n    to: group-data-platform\n    protocol: sftp\n    mode: batch\n"
            "    auth: service-account\n    data: confidential",
        ),
    ]
    for source in (
        "group-api-gateway",
        "group-idp",
        "group-payments-hub",
        "group-customer-master",
        "group-sanctions",
        "group-data-platform",
        "group-model-registry",
    ):
        flows.append(
            (
                source,
                "group-siem",
                f"  - from: {source}\n    to: group-siem\n    protocol: otlp\n"
                "    mode: async\n    auth: mtls",
            )
        )
    owners = [
        "  - id: group-head-of-service",
        "    name: Group head of customer service",
        "    kind: person",
        "    function: business",
        "    contact: head-of-service@bank.example",
        "  - id: group-operations",
        "    name: Group customer service operations",
        "    function: operations",
        "  - id: group-compliance",
        "    name: Group compliance",
        "    function: compliance",
        "  - id: group-customer-advisory",
        "    name: Group customer advisory board",
        "    function: customer-advisory",
        "  - id: group-model-risk",
        "    name: Group model risk management",
        "    function: risk",
        "  - id: group-ciso",
        "    name: Group CISO office",
        "    function: security",
        "    contact: https://security.bank.example",
        "  - id: group-platform",
        "    name: Group platform engineering",
        "    function: technology",
        "  - id: group-oncall",
        "    name: Group platform on-call",
        "    kind: role",
        "    function: operations",
        "    contact: https://oncall.bank.example/group",
    ]
    boundaries = [
        "  - id: group-corporate",
        "    name: Group corporate network",
        "    trust: internal",
        "    identity_provider: group-idp",
        "  - id: group-core",
        "    name: Group core zone",
        "    trust: restricted",
        "    identity_provider: group-idp",
        "    clearance: restricted",
        "  - id: vendor-llm-eu",
        "    name: Hosted LLM vendor, EU data zone",
        "    trust: external",
        "    clearance: confidential",
        "  - id: vendor-llm-us",
        "    name: Hosted LLM vendor, US",
        "    trust: external",
        "    clearance: internal",
        "  - id: vendor-credit-bureau",
        "    name: Credit bureau",
        "    trust: external",
        "    clearance: confidential",
    ]
    evidence = [
        "  - id: group-integration-map",
        "    kind: integration-map",
        f"    title: {_s(f'Group integration map ({n_systems} systems)')}",
        "    owner: group-operations",
        "    status: approved",
        "    approved_by: group-compliance",
        "  - id: group-access-fallback",
        "    kind: identity-access-fallback",
        "    owner: group-ciso",
        "    status: approved",
        "    approved_by: group-compliance",
        "  - id: group-runtime-observability",
        "    kind: runtime-observability",
        "    owner: group-operations",
        "    status: in-review",
        "  - id: group-dpia",
        "    kind: other",
        "    title: Data protection impact assessment",
        "    owner: group-compliance",
    ]
    kpis = [
        "  - id: group-fcr",
        "    name: First-contact resolution (group)",
        "    unit: percent",
        "    baseline: 61.5",
        "    target: 74",
        "    direction: increase",
        "    owner: group-operations",
        "  - id: group-aht",
        "    name: Average handle time (group)",
        "    unit: seconds",
        "    baseline: 412",
        "    target: 320",
        "    direction: decrease",
        "    owner: group-operations",
        "  - id: group-csat",
        "    name: Customer satisfaction (group CSAT)",
        "    unit: score 1-5",
        "    baseline: 4.05",
        "    target: 4.4",
        "    direction: increase",
        "    owner: group-customer-advisory",
    ]
    gates = [
        "  - id: group-pause",
        "    action: pause",
        "    when: Complaints about AI answers exceed 0.5% of conversations in a week",
        "    decided_by: group-compliance",
        "  - id: group-scale",
        "    action: scale",
        "    when: FCR and CSAT both at target for a quarter",
        "    kpi: group-fcr",
        "    threshold: 74",
        "    decided_by: group-head-of-service",
        "  - id: group-redesign",
        "    action: redesign",
        "    when: Handle time does not improve within two quarters of rollout",
        "    kpi: group-aht",
        "    threshold: 380",
        "    decided_by: group-operations",
    ]
    return {
        "owners": owners,
        "boundaries": boundaries,
        "systems": systems,
        "integrations": [text for _, _, text in flows],
        "n_integrations": len(flows),
        "evidence": evidence,
        "kpis": kpis,
        "gates": gates,
    }


def _header(text: str) -> list[str]:
    return [f"# {line}" if line else "#" for line in text.splitlines()] + ["", "cadee: 1", ""]


def generate(
    n_systems: int, seed: int = 0, split_files: int = 0, defect_rate: float = 1.0
) -> Estate:
    """Generate an estate of exactly ``n_systems`` systems (at least :data:`MIN_SYSTEMS`).

    ``split_files`` > 0 puts the group catalog and the business units into that
    many included files (``catalog/units-NNN.yaml``) under a top-level
    ``blueprint.yaml`` holding the metadata, the include list and the waivers.
    ``defect_rate`` scales the share of seeded defects (0 gives a clean estate
    apart from what the layout itself triggers).
    """
    if n_systems < MIN_SYSTEMS:
        raise ValueError(f"an estate has at least {MIN_SYSTEMS} systems (one business unit)")
    if split_files < 0:
        raise ValueError("split_files must be >= 0")
    rng = random.Random(seed)
    n_units = max(1, (n_systems - _GROUP_SYSTEMS) // (_UNIT_CORE + _EXTRAS_PER_UNIT))
    extras = [0] * n_units
    for _ in range(n_systems - _GROUP_SYSTEMS - n_units * _UNIT_CORE):
        extras[rng.randrange(n_units)] += 1
    width = max(4, len(str(n_units - 1)))
    counts: dict[str, int] = {}
    units = [_Unit(i, width, extras[i], rng, defect_rate, counts) for i in range(n_units)]
    group = _group_lines(n_systems)
    systems = _GROUP_SYSTEMS + sum(u.n_systems for u in units)
    integrations = group["n_integrations"] + sum(u.n_integrations for u in units)
    assert systems == n_systems, (systems, n_systems)

    blueprint_id = f"synthetic-estate-{n_systems}"
    meta = [
        "blueprint:",
        f"  id: {blueprint_id}",
        f"  title: Synthetic bank estate, {n_systems} systems",
        "  description: >-",
        f"    A generated group of {n_units} business units, each with its own channels,",
        "    AI gateway, agents, models, systems of record, human desks and identity",
        "    providers. Generated by benchmarks/generate.py for cadee's benchmarks.",
        "  industry: financial-services",
        "  use_case: ai-customer-service",
        '  version: "1.0"',
        "  status: production",
        "  owner: group-head-of-service",
        "  approvers:",
        "    - group-operations",
        "    - group-compliance",
        "    - group-customer-advisory",
        "",
    ]
    waivers = [line for u in units for line in u.waivers]
    waivers += [
        "  - rule: ARC004",
        f"    target: {units[0].p}-api-gateway",
        "    reason: Third API gateway zone was decommissioned during the data-centre exit.",
        "    approved_by: group-operations",
        f"    expires: {_EXPIRED_WAIVER}",
        "  - rule: OBS001",
        f"    target: {units[-1].p}-retired-fax-gateway",
        "    reason: Fax gateway is switched off before go-live; no monitoring is built for it.",
        "    approved_by: group-compliance",
        f"    expires: {_ACTIVE_WAIVER}",
    ]
    header = (
        f"Synthetic bank estate: {n_systems} systems, {integrations} integrations, {n_units} business units.\n"
        f"Generated by `python -m benchmarks.generate {n_systems} OUT_DIR"
        f"{f' --split {split_files}' if split_files else ''}` (seed {seed}); do not edit by hand."
    )
    keys = ("owners", "boundaries", "systems", "integrations", "evidence", "kpis", "gates")

    def body(chunk: Sequence[_Unit], with_group: bool) -> list[str]:
        lines: list[str] = []
        for key in keys:
            parts: list[list[str]] = [group[key]] if with_group and key in group else []
            parts += [getattr(u, key) for u in chunk]
            lines += _section(key, parts)
        return lines

    files: dict[str, str] = {}
    if split_files == 0:
        lines = _header(header) + meta + body(units, True) + _section("waivers", [waivers])
        files["blueprint.yaml"] = "\n".join(lines)
    else:
        k = min(split_files, n_units)
        bounds = [round(i * n_units / k) for i in range(k + 1)]
        names = ["catalog/group.yaml"] + [f"catalog/units-{i + 1:03d}.yaml" for i in range(k)]
        top = _header(header) + meta + ["include:", *(f"  - {n}" for n in names), ""]
        top += _section("waivers", [waivers])
        files["blueprint.yaml"] = "\n".join(top)
        files[names[0]] = "\n".join(
            _header("Group-level owners, vendor boundaries and evaluation.") + body([], True)
        )
        for i in range(k):
            chunk = units[bounds[i] : bounds[i + 1]]
            title = f"Business units {chunk[0].p} to {chunk[-1].p}."
            files[names[i + 1]] = "\n".join(_header(title) + body(chunk, False))
    return Estate(files, systems, integrations, n_units, defects=dict(sorted(counts.items())))


def generate_estate(n_systems: int, seed: int = 0, split_files: int = 0) -> dict[str, str]:
    """Relative file name -> YAML text of a valid estate; the top file is ``blueprint.yaml``."""
    return generate(n_systems, seed, split_files).files


# -- the findings-heavy estate ------------------------------------------------------------------

_HEAVY_KINDS = (
    ("channel", 8),
    ("gateway", 4),
    ("model", 8),
    ("agent", 10),
    ("core-banking", 4),
    ("crm", 4),
    ("risk", 3),
    ("data-store", 10),
    ("service", 25),
    ("human-desk", 8),
    ("identity-provider", 2),
    ("external", 6),
)
_FUNCTIONS = ("operations", "compliance", "customer-advisory", "technology", "risk", "data")
_TRUSTS = ("untrusted", "external", "internal", "restricted")
_LEVELS = ("public", "internal", "confidential", "restricted")
_AUTHS = ("none", "mtls", "oauth2", "api-key", "service-account")
_WAIVED_RULES = ("OWN001", "OBS001", "OBS002", "FBK004", "IAM001", "ARC005")


def generate_findings_heavy(n_systems: int, seed: int = 0) -> Estate:
    """A *random* valid blueprint of ``n_systems`` systems on which most rules fire.

    Kinds, owners, boundaries, tiers, observability, fallbacks and the ends,
    authentication, data and timeouts of about three integrations per system
    are drawn at random, so every rule family (FBK, IAM, ARC, DAT, OWN, OBS,
    EVD, WVR) fires and there are several findings per system: the worst case
    for checking and reporting, where the realistic estate of :func:`generate`
    has findings on a few percent of its items. One file, ``blueprint.yaml``.
    """
    if n_systems < MIN_SYSTEMS:
        raise ValueError(f"an estate has at least {MIN_SYSTEMS} systems")
    rng = random.Random(seed)
    width = len(str(n_systems - 1))
    n_owners = max(8, n_systems // 20)
    n_bounds = max(4, n_systems // 50)
    owners = [f"team-{i:0{width}d}" for i in range(n_owners)]
    kinds = [k for k, _ in _HEAVY_KINDS]
    weights = [w for _, w in _HEAVY_KINDS]
    drawn = rng.choices(kinds, weights, k=n_systems)
    # At least one of each kind, so every kind-specific rule has something to judge.
    drawn[: len(kinds)] = kinds
    # Business services run on small chains of their own (channel -> gateway ->
    # core banking, last in the list), wired to nothing else: N-1 analysis
    # (ARC008) of a service whose channel reaches the whole random graph costs
    # a traversal of the graph per system, which no real estate looks like.
    n_services = 3
    wired = n_systems - 3 * n_services
    drawn[wired:] = ["channel", "gateway", "core-banking"] * n_services
    ids = [f"{kind}-{i:0{width}d}" for i, kind in enumerate(drawn)]
    by_kind: dict[str, list[str]] = {}
    for sid, kind in zip(ids, drawn, strict=True):
        by_kind.setdefault(kind, []).append(sid)
    bounds = [f"zone-{i:0{width}d}" for i in range(n_bounds)]

    lines = _header(
        f"Findings-heavy random estate: {n_systems} systems (seed {seed}).\n"
        f"Generated by `python -m benchmarks.generate {n_systems} OUT_DIR --findings-heavy`;"
        " do not edit by hand."
    )
    lines += [
        "blueprint:",
        f"  id: findings-heavy-{n_systems}",
        f"  title: Findings-heavy random estate, {n_systems} systems",
        "  status: production",
        '  version: "2.0"',
        "  live_since: 2025-01-01",
        "  approvers:",
        f"    - {owners[0]}",
        f"    - {owners[1]}",
        "approvals:",
        f"  - by: {owners[0]}",
        '    version: "1.0"',
        "    date: 2024-06-01",
        "    decision: approved",
        "",
        "owners:",
    ]
    for i, oid in enumerate(owners):
        lines += [f"  - id: {oid}", f"    name: Team {i}"]
        if rng.random() < 0.7:
            lines.append(f"    function: {rng.choice(_FUNCTIONS)}")
    lines += ["", "boundaries:"]
    idps = by_kind["identity-provider"]
    for i, bid in enumerate(bounds):
        trust = _TRUSTS[i % len(_TRUSTS)]
        lines += [f"  - id: {bid}", f"    trust: {trust}"]
        if rng.random() < 0.5:
            lines.append(f"    identity_provider: {rng.choice(idps)}")
        lines.append(f"    clearance: {rng.choice(_LEVELS)}")
    # A fallback cycle between two models (FBK002).
    model_a, model_b = by_kind["model"][:2] if len(by_kind["model"]) > 1 else (ids[0], ids[1])
    forced = {model_a: model_b, model_b: model_a}
    owned: dict[str, str] = {}
    lines += ["", "systems:"]
    for sid, kind in zip(ids, drawn, strict=True):
        lines += [f"  - id: {sid}", f"    kind: {kind}"]
        if rng.random() < 0.9:
            lines.append(f"    boundary: {rng.choice(bounds)}")
        owner = rng.choice(owners) if rng.random() < 0.6 else None
        if owner:
            lines.append(f"    owner: {owner}")
            owned[sid] = owner
        if rng.random() < 0.1:
            lines.append(f"    environment: {rng.choice(('staging', 'development'))}")
        tier1 = rng.random() < 0.4
        if tier1:
            lines.append("    criticality: tier-1")
            if rng.random() < 0.5:
                approver = owner or rng.choice(owners)
                lines += ["    approvers:", f"      - {approver}"]
        if kind in ("model", "external") and rng.random() < 0.5:
            lines.append("    vendor: Example Vendor Inc.")
        if sid in forced:
            lines += ["    fallback:", f"      - {forced[sid]}"]
        elif kind in ("model", "agent") or rng.random() < 0.05:
            r = rng.random()
            if r < 0.4:
                lines += ["    fallback:", f"      - {rng.choice(by_kind['human-desk'])}"]
            elif r < 0.8:
                lines += ["    fallback:", f"      - {rng.choice(ids)}"]
        if tier1 or rng.random() < 0.2:
            lines.append("    observability:")
            lines += [
                f"      {key}: {'true' if rng.random() < 0.7 else 'false'}"
                for key in ("logs", "metrics", "traces")
            ]
            if rng.random() < 0.5:
                lines.append("      runbook: https://runbooks.example/x")
            if rng.random() < 0.5:
                lines.append(f"      oncall: {rng.choice(owners)}")
            if rng.random() < 0.5:
                lines.append("      slo: 99.9% monthly")
        if rng.random() < 0.05:
            lines += ["    needs:", f"      - {rng.choice(ids)}"]
    lines += ["", "integrations:"]
    n_integrations = 0
    for i in range(n_systems * _INTEGRATIONS_PER_SYSTEM - 2 * n_services):
        # Wired at random inside blocks of 50 systems (a business unit), a tenth
        # of the calls to the first block (shared group systems): one graph-wide
        # tangle would make every traversal cover the whole estate.
        a = rng.randrange(wired)
        start = 0 if rng.random() < 0.1 else a - a % 50
        b = rng.randrange(start, min(start + 50, wired))
        if b == a:
            b = start + (b - start + 1) % (min(start + 50, wired) - start)
        lines += [
            f"  - id: call-{i:0{width + 1}d}",
            f"    from: {ids[a]}",
            f"    to: {ids[b]}",
        ]
        if rng.random() < 0.3:
            lines.append("    mode: async")
        if rng.random() < 0.7:
            lines.append(f"    auth: {rng.choice(_AUTHS)}")
        if rng.random() < 0.3:
            lines.append("    identity: end-user")
        lines.append(f"    data: {rng.choice(_LEVELS)}")
        if rng.random() < 0.4:
            lines.append(f"    timeout_ms: {rng.choice((200, 800, 2000, 5000))}")
        n_integrations += 1
    for k in range(n_services):  # channel -> gateway -> core banking, on their own
        channel, gateway, record = ids[wired + 3 * k : wired + 3 * k + 3]
        for j, (a_id, b_id) in enumerate(((channel, gateway), (gateway, record))):
            lines += [f"  - id: service-call-{2 * k + j}", f"    from: {a_id}", f"    to: {b_id}"]
            n_integrations += 1
    lines += ["", "services:"]
    for k in range(n_services):
        lines += [
            f"  - id: business-{k}",
            f"    name: Service {k}",
            "    channels:",
            f"      - {ids[wired + 3 * k]}",
            "    requires:",
            f"      - {ids[wired + 3 * k + 2]}",
            "    critical: true",
            f"    tolerance_minutes: {(15, 60, 240)[k % 3]}",
        ]
    lines += [
        "",
        "evidence:",
        "  - id: integration-map",
        "    kind: integration-map",
        "    status: draft",
        "",
        "kpis:",
    ]
    n_kpis = max(2, n_systems // 200)
    for i in range(n_kpis):
        lines += [f"  - id: kpi-{i:0{width}d}", f"    name: KPI {i}"]
        if rng.random() < 0.5:
            lines += ["    baseline: 100", "    target: 80", "    direction: decrease"]
        if rng.random() < 0.5:
            lines.append(f"    owner: {rng.choice(owners)}")
        lines += [
            "    measurements:",
            "      - {date: 2025-03-01, value: 130}",
            "      - {date: 2025-04-01, value: 140}",
        ]
    lines += ["", "gates:"]
    for i in range(n_kpis):
        lines += [
            f"  - id: gate-{i:0{width}d}",
            f"    action: {('pause', 'redesign', 'scale')[i % 3]}",
            "    when: the KPI goes the wrong way",
            f"    kpi: kpi-{i:0{width}d}",
            "    trigger: {above: 120}",
        ]
        if rng.random() < 0.5:
            lines.append(f"    decided_by: {rng.choice(owners)}")
    lines += ["", "waivers:"]
    for i in range(max(4, n_systems // 50)):
        expires = ("2024-12-31", "2031-12-31", "2027-01-31")[i % 3]
        target = rng.choice(ids)
        # Every fourth waiver is approved by the target's own owner (WVR003).
        approver = owned.get(target, owners[0]) if i % 4 == 0 else rng.choice(owners)
        lines += [
            f"  - rule: {_WAIVED_RULES[i % len(_WAIVED_RULES)]}",
            f"    target: {target}",
            "    reason: Accepted while the replacement is built.",
            f"    approved_by: {approver}",
            f"    expires: {expires}",
        ]
    lines.append("")
    files = {"blueprint.yaml": "\n".join(lines)}
    return Estate(files, n_systems, n_integrations, 0)


def revise_estate(files: dict[str, str], every: int = 100) -> dict[str, str]:
    """A later revision of an estate, for diff benchmarks: every ``every``-th system
    (1% by default, counted over the files in name order) gets a new display name
    and a ``recovery_minutes``; ids and references stay the same."""
    count = 0
    revised = {}
    for name in sorted(files):
        lines = files[name].split("\n")
        out: list[str] = []
        in_systems = chosen = False
        for line in lines:
            if line and not line.startswith((" ", "#")):
                in_systems = line == "systems:"
                chosen = False
            elif in_systems and line.startswith("  - id: "):
                count += 1
                chosen = count % every == 0
                out.append(line)
                if chosen:
                    out.append("    recovery_minutes: 60")
                continue
            elif chosen and line.startswith("    name: "):
                line = f"{line} (revised)" if line[-1] != '"' else f'{line[:-1]} (revised)"'
            out.append(line)
        revised[name] = "\n".join(out)
    return revised


def write_estate(estate: Estate | dict[str, str], out_dir: str | Path) -> Path:
    """Write the files under ``out_dir``; return the top-level file's path."""
    files = estate.files if isinstance(estate, Estate) else estate
    out = Path(out_dir)
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return out / "blueprint.yaml"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("n_systems", type=int, help=f"number of systems (at least {MIN_SYSTEMS})")
    parser.add_argument(
        "out_dir", type=Path, help="folder to write blueprint.yaml (and catalog/) into"
    )
    parser.add_argument(
        "--split", type=int, default=0, metavar="K", help="spread units over K included files"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--defect-rate", type=float, default=1.0, help="scale the seeded defects (default 1)"
    )
    parser.add_argument(
        "--findings-heavy",
        action="store_true",
        help="a random estate on which every rule family fires (one file; ignores --split)",
    )
    args = parser.parse_args(argv)
    try:
        if args.findings_heavy:
            estate = generate_findings_heavy(args.n_systems, args.seed)
        else:
            estate = generate(args.n_systems, args.seed, args.split, args.defect_rate)
    except ValueError as exc:
        parser.error(str(exc))
    top = write_estate(estate, args.out_dir)
    summary: dict[str, Any] = {
        "top": str(top),
        "files": len(estate.files),
        "bytes": estate.size,
        "systems": estate.systems,
        "integrations": estate.integrations,
        "units": estate.units,
        "defects": estate.defects,
    }
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
