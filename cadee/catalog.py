"""The rule catalog as text: the table, JSON, Markdown and one rule's documentation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cadee.rules import RULES, Rule
from cadee.text import json_text, markdown, terminal

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["catalog_json", "catalog_markdown", "catalog_table", "explain_markdown", "find_rule"]


def find_rule(key: str, rules: Mapping[str, Rule] = RULES) -> Rule | None:
    """A rule by ID (any case) or by name."""
    wanted = key.strip()
    return rules.get(wanted.upper()) or next((r for r in rules.values() if r.name == wanted), None)


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "severity": rule.severity,
        "layer": rule.layer,
        "summary": rule.summary,
        "references": list(rule.references),
        "source": rule.source,
    }


def catalog_json(rules: Mapping[str, Rule] = RULES) -> str:
    return json_text([rule_to_dict(r) for r in rules.values()])


def _has_other_sources(rules: Mapping[str, Rule]) -> bool:
    return any(rule.source != "cadee" for rule in rules.values())


def catalog_markdown(rules: Mapping[str, Rule] = RULES) -> str:
    """The rule table as embedded in README.md and docs/rules.md.

    With pack or plugin rules among ``rules`` the table gains a ``source`` column.
    """
    with_source = _has_other_sources(rules)
    if with_source:
        lines = ["| ID | name | severity | layer | summary | source |", "|---|---|---|---|---|---|"]
    else:
        lines = ["| ID | name | severity | layer | summary |", "|---|---|---|---|---|"]
    for rule in rules.values():
        name, summary, source = (
            markdown(text, line_start=False) for text in (rule.name, rule.summary, rule.source)
        )
        row = f"| {rule.id} | {name} | {rule.severity} | {rule.layer} | {summary} |"
        lines.append(row + (f" {source} |" if with_source else ""))
    return "\n".join(lines) + "\n"


def catalog_table(rules: Mapping[str, Rule] = RULES) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="CADEE rule catalog", title_justify="left")
    for column in ("ID", "name", "severity", "layer", "summary", "source"):
        table.add_column(column, overflow="fold")
    for rule in rules.values():
        # Text cells: pack summaries are user input, never rich markup nor terminal sequences.
        cells = (rule.id, rule.name, rule.severity, rule.layer, rule.summary, rule.source)
        table.add_row(*(Text(terminal(cell)) for cell in cells))
    return table


def explain_markdown(rule: Rule) -> str:
    """One rule's documentation: identity, its docstring, references."""
    refs = "\n".join(f"- {r}" for r in rule.references) or "- none"
    return (
        f"# {rule.id} {rule.name}\n\n"
        f"{rule.summary}\n\n"
        f'- severity: **{rule.severity}** (change it with `severity = {{{rule.id} = "warning"}}`)\n'
        f"- CADEE layer: {rule.layer}\n"
        f"- source: {rule.source}\n\n"
        f"{rule.doc.markdown}\n\n"
        f"## References\n\n{refs}\n"
    )


def rules_reference(rules: Mapping[str, Rule] = RULES) -> str:
    """docs/rules.md: the table, then every rule's full documentation."""
    parts = [
        "# Rule reference\n\n"
        "Generated from the rule modules (`cadee/rules/`) by the test suite; "
        "edit a rule's docstring, then run `pytest --update-goldens`.\n"
        "`cadee explain ID` prints the same text in a terminal.\n\n",
        catalog_markdown(rules),
    ]
    for rule in rules.values():
        body = explain_markdown(rule).replace("\n# ", "\n## ").replace("\n## ", "\n### ")
        body = "#" + body if body.startswith("# ") else body
        parts.append("\n" + body.replace("\n#### ", "\n### "))
    return "".join(parts)
