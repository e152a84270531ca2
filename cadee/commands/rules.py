"""``cadee rules``, ``cadee rules test`` and ``cadee explain``: the rule catalog with
the project's rule packs and installed plugins (docs/custom-rules.md)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cadee.commands.common import Stop, as_typer
from cadee.commands.common import console as _console
from cadee.commands.common import print_errors as _print_errors
from cadee.commands.common import usage_error as _usage_error
from cadee.text import plural, terminal

if TYPE_CHECKING:
    from cadee.packs.load import ExampleMark
    from cadee.project import Project
    from cadee.rules.base import Rule

#: Where ``cadee --help`` lists ``explain`` (the group itself comes after the commands).
POSITION = 1
HELP = "List the rules: built-in, from installed plugins and from the project's rule packs."
TEST_HELP = "Run every pack and plugin rule's examples: the failing one must fire it, the passing one must not. Exit 1: a test failed, 2: invalid pack."
EXPLAIN_HELP = "Print one rule's full documentation (built-in, plugin or pack rule)."

_PACK_HELP = "A rule-pack file (repeatable); default: the project's packs (rule-packs in cadee.toml, or cadee-rules.yaml)."


class CatalogFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


_UNBOUNDED = 100_000

app = typer.Typer(
    name="rules",
    help=HELP,
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def register(app_: typer.Typer) -> None:
    """``cadee rules`` (a group: the catalog and ``rules test``) and ``cadee explain``."""
    app_.add_typer(app, name="rules", help=HELP)
    app_.command("explain", help=EXPLAIN_HELP)(as_typer(explain))


def _rules(packs: Sequence[Path] | None) -> Project:
    """The rules of the given packs, or of the current folder's project; stops with exit 2
    (errors printed) when a pack or plugin is invalid."""
    from cadee.project import Project

    found = Project.resolve(Path.cwd(), packs=packs or None)
    errors = [e for e in found.config_errors if e.location.path.endswith("rule-packs")]
    errors.extend(found.rule_errors)
    if errors:
        _print_errors(errors)
        raise Stop(2)
    return found


@app.callback()
@as_typer
def catalog(
    ctx: typer.Context,
    output_format: Annotated[
        CatalogFormat, typer.Option("--format", "-f", help="Catalog format.")
    ] = CatalogFormat.text,
    packs: Annotated[
        list[Path] | None,
        typer.Option("--pack", metavar="FILE", help=_PACK_HELP, show_default=False),
    ] = None,
) -> int | None:
    """List the rules: built-in, from installed plugins and from the project's rule packs."""
    if ctx.invoked_subcommand is not None:
        return None
    from cadee.catalog import catalog_json, catalog_markdown, catalog_table

    rules = _rules(packs).rules
    if output_format is CatalogFormat.json:
        sys.stdout.write(catalog_json(rules))
    elif output_format is CatalogFormat.markdown:
        sys.stdout.write(catalog_markdown(rules))
    else:
        # Piped or redirected, every column keeps its full text (a terminal folds long cells).
        _console(width=None if sys.stdout.isatty() else _UNBOUNDED).print(catalog_table(rules))
    return 0


@app.command("test", help=TEST_HELP)
@as_typer
def test(
    packs: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PACK",
            help="Rule-pack files; default: the project's packs.",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Run every pack rule's failing and passing examples (and those of installed plugin rules)."""
    from cadee.packs.testing import run_examples

    found = _rules(packs)
    # (heading, [(rule, where its examples are written, its path there)]): each pack, then
    # without PACK arguments each installed plugin, whose examples are in its docstring.
    groups: list[tuple[str, list[tuple[Rule, Mapping[str, ExampleMark] | None, str]]]] = [
        (pack.path, [(info.rule, info.examples, info.location.path) for info in pack.rules])
        for pack in found.packs
    ]
    if not packs:
        by_source: dict[str, list[tuple[Rule, Mapping[str, ExampleMark] | None, str]]] = {}
        for plugin_rule in found.plugins:
            by_source.setdefault(plugin_rule.source, []).append((plugin_rule, None, ""))
        groups.extend(by_source.items())
    if not groups:
        raise _usage_error(
            "no rule pack given or found (write cadee-rules.yaml, or list packs under "
            "rule-packs in cadee.toml)"
        )
    out: list[str] = []
    rules = examples = failed_rules = failed_examples = 0
    for heading, members in groups:
        out.append(f"{heading}: {plural(len(members), 'rule')}")
        for rule, marks, base_path in members:
            results = run_examples(rule, marks, base_path=base_path, known_rules=found.rules)
            rules += 1
            examples += len(results)
            failures = [r for r in results if not r.ok]
            if not failures:
                summary = "; ".join(f"{r.example} example {r.message}" for r in results)
                out.append(f"  ok    {rule.id} {rule.name}: {summary}")
                continue
            failed_rules += 1
            failed_examples += len(failures)
            out.append(f"  FAIL  {rule.id} {rule.name}")
            for result in failures:
                where = f"{result.location}: " if result.location else ""
                out.append(f"    {where}{result.message}")
                out.extend(f"      {error}" for error in result.errors)
    passed = rules - failed_rules
    out.append(
        f"{plural(rules, 'rule')} tested ({examples} examples): {passed} passed, "
        f"{failed_rules} failed"
    )
    sys.stdout.write(terminal("\n".join(out), keep="\n") + "\n")
    return 1 if failed_rules else 0


def explain(
    rule_id: Annotated[
        str, typer.Argument(metavar="ID", help="A rule ID such as FBK001 or ACME001, or its name.")
    ],
    packs: Annotated[
        list[Path] | None,
        typer.Option("--pack", metavar="FILE", help=_PACK_HELP, show_default=False),
    ] = None,
) -> int:
    """Print one rule's full documentation (built-in, plugin or pack rule)."""
    from cadee.catalog import explain_markdown, find_rule

    rules = _rules(packs).rules
    rule = find_rule(rule_id, rules)
    if rule is None:
        from cadee.errors import did_you_mean

        hint = did_you_mean(rule_id.strip().upper(), rules) or did_you_mean(
            rule_id.strip(), [r.name for r in rules.values()]
        )
        raise _usage_error(f"unknown rule {rule_id[:40]!r}{hint} (see `cadee rules`)")
    # A pack's summary, rationale, fix and references are user text: no terminal sequences.
    text = terminal(explain_markdown(rule), keep="\n")
    if sys.stdout.isatty():
        from rich.markdown import Markdown

        _console().print(Markdown(text))
    else:
        sys.stdout.write(text)
    return 0
