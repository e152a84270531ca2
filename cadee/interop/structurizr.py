"""Export a blueprint as a Structurizr DSL workspace (C4 system landscape).

Each system is a software system (a ``human-desk`` is a person: people take
over there), inside a ``group`` per boundary; integrations are relationships
with the protocol as technology, fallbacks dashed relationships tagged
``fallback``. One system landscape view with ``autolayout``.

The DSL is line-based with ``"`` as the only escape (``\\"``): line breaks in
text become spaces, and a trailing backslash gets a space so it cannot
escape the closing quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from cadee.model import Blueprint, Integration, System
from cadee.text import structurizr_string

__all__ = ["not_exported", "render_structurizr"]

#: DSL keywords (identifiers are case-insensitive): an id equal to one gets a prefix.
_KEYWORDS = frozenset(
    [
        "workspace",
        "model",
        "views",
        "styles",
        "group",
        "person",
        "softwaresystem",
        "container",
        "component",
        "deploymentenvironment",
        "deploymentnode",
        "infrastructurenode",
        "softwaresysteminstance",
        "containerinstance",
        "element",
        "relationship",
        "tags",
        "tag",
        "description",
        "technology",
        "properties",
        "perspectives",
        "url",
        "this",
        "enterprise",
        "configuration",
        "branding",
        "theme",
        "themes",
        "include",
        "exclude",
        "autolayout",
        "animation",
        "title",
        "systemlandscape",
        "systemcontext",
        "filtered",
        "dynamic",
        "deployment",
        "custom",
        "image",
        "terminology",
        "users",
        "scope",
        "visibility",
        "healthcheck",
        "instances",
        "archetypes",
        "docs",
        "adrs",
        "ref",
        "extend",
        "name",
        "identifiers",
        "impliedrelationships",
        "const",
        "constant",
        "var",
        "script",
        "plugin",
        "elements",
        "relationships",
    ]
)

_STYLES = """\
        styles {
            element "Software System" {
                background #1168bd
                color #ffffff
            }
            element "Person" {
                shape Person
                background #08427b
                color #ffffff
            }
            element "channel" {
                shape WebBrowser
            }
            element "data-store" {
                shape Cylinder
            }
            element "External" {
                background #8c8c8c
                color #ffffff
            }
            relationship "Relationship" {
                dashed false
            }
            relationship "async" {
                dashed true
            }
            relationship "fallback" {
                dashed true
                color #c0392b
            }
        }
"""


class _Identifiers:
    def __init__(self) -> None:
        self.by_id: dict[str, str] = {}
        self.taken: set[str] = set()

    def add(self, cadee_id: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", cadee_id)
        if base.lower() in _KEYWORDS:
            base = f"s_{base}"
        name, number = base, 2
        while name.lower() in self.taken:
            name, number = f"{base}_{number}", number + 1
        self.taken.add(name.lower())
        self.by_id[cadee_id] = name
        return name


def _tags(values: Iterable[str]) -> str:
    return "tags " + " ".join(structurizr_string(v) for v in values)


def _properties(values: dict[str, object], indent: str) -> list[str]:
    lines = [f"{indent}properties {{"]
    lines += [
        f"{indent}    {structurizr_string(k)} {structurizr_string(str(v))}"
        for k, v in values.items()
        if v is not None
    ]
    lines.append(f"{indent}}}")
    return lines


def render_structurizr(blueprint: Blueprint) -> str:
    """The workspace DSL text; same blueprint, same bytes."""
    identifiers = _Identifiers()
    for system in blueprint.systems:
        identifiers.add(system.id)
    boundaries = {b.id: b for b in blueprint.boundaries}
    names: set[str] = set()
    element_name: dict[str, str] = {}
    for system in blueprint.systems:
        # Structurizr needs unique names for software systems and people.
        name = system.name if system.name.lower() not in names else f"{system.name} ({system.id})"
        names.add(name.lower())
        element_name[system.id] = name

    def element(system: System, indent: str) -> list[str]:
        keyword = "person" if system.kind == "human-desk" else "softwareSystem"
        head = f"{indent}{identifiers.by_id[system.id]} = {keyword} {structurizr_string(element_name[system.id])}"
        if system.description:
            head += f" {structurizr_string(system.description)}"
        boundary = boundaries.get(system.boundary) if system.boundary else None
        tags: list[str] = [system.kind, system.criticality]
        if system.kind == "external" or (boundary is not None and boundary.trust == "external"):
            tags.append("External")
        return [
            head + " {",
            f"{indent}    {_tags(tags)}",
            *_properties(
                {
                    "cadee.id": system.id,
                    "cadee.kind": system.kind,
                    "cadee.owner": system.owner,
                    "cadee.boundary": system.boundary,
                    "cadee.criticality": system.criticality,
                    "cadee.environment": system.environment,
                    "cadee.vendor": system.vendor,
                },
                indent + "    ",
            ),
            f"{indent}}}",
        ]

    meta = blueprint.meta
    head = f"workspace {structurizr_string(meta.title)}"
    if meta.description:
        head += f" {structurizr_string(meta.description)}"
    lines = [head + " {", "", "    model {"]
    for boundary in blueprint.boundaries:
        members = [s for s in blueprint.systems if s.boundary == boundary.id]
        if not members:
            continue
        lines.append(f"        group {structurizr_string(boundary.name or boundary.id)} {{")
        for system in members:
            lines += element(system, " " * 12)
        lines.append("        }")
    for system in blueprint.systems:
        if system.boundary not in boundaries:
            lines += element(system, " " * 8)
    lines.append("")
    descriptions: dict[tuple[str, str], set[str]] = {}

    def unique(pair: tuple[str, str], text: str, tiebreak: str) -> str:
        # Structurizr: relationships between the same two elements need distinct descriptions.
        used = descriptions.setdefault(pair, set())
        if text in used:
            text = f"{text} ({tiebreak})".strip()
        used.add(text)
        return text

    for integration in blueprint.integrations:
        lines += _relationship(integration, identifiers, unique)
    for system in blueprint.systems:
        for step in system.fallback or ():
            when = f" on {', '.join(step.when)}" if step.when else ""
            text = unique((system.id, step.to), f"Fallback{when}", step.to)
            source, target = identifiers.by_id[system.id], identifiers.by_id[step.to]
            lines += [
                f"        {source} -> {target} {structurizr_string(text)} {{",
                f"            {_tags(['fallback'])}",
                "        }",
            ]
    lines += [
        "    }",
        "",
        "    views {",
        f'        systemLandscape "landscape" {structurizr_string(meta.title)} {{',
        "            include *",
        "            autolayout lr",
        "        }",
        "",
        _STYLES.rstrip("\n"),
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def _relationship(
    integration: Integration,
    identifiers: _Identifiers,
    unique: Callable[[tuple[str, str], str, str], str],
) -> list[str]:
    pair = (integration.from_, integration.to)
    text = unique(pair, integration.description or "", integration.id)
    source, target = identifiers.by_id[integration.from_], identifiers.by_id[integration.to]
    head = f"        {source} -> {target} {structurizr_string(text)}"
    if integration.protocol:
        head += f" {structurizr_string(integration.protocol)}"
    return [
        head + " {",
        f"            {_tags([integration.mode, integration.data])}",
        *_properties(
            {
                "cadee.id": integration.id,
                "cadee.auth": integration.auth,
                "cadee.identity": integration.identity,
                "cadee.data": integration.data,
                "cadee.mode": integration.mode,
                "cadee.timeout_ms": integration.timeout_ms,
            },
            " " * 12,
        ),
        "        }",
    ]


def not_exported(blueprint: Blueprint) -> list[str]:
    """What the workspace leaves out (told to the user on stderr)."""
    lost = []
    if blueprint.owners:
        lost.append(f"{len(blueprint.owners)} owners (systems keep their owner's id as a property)")
    if blueprint.boundaries:
        lost.append("boundary trust, clearance and identity provider (boundaries are groups)")
    rest = (
        len(blueprint.evidence)
        + len(blueprint.kpis)
        + len(blueprint.gates)
        + len(blueprint.waivers)
        + len(blueprint.approvals)
    )
    if rest:
        lost.append(f"{rest} evidence entries, KPIs, gates, waivers and approvals")
    return [f"not in the Structurizr workspace: {'; '.join(lost)}"] if lost else []
