"""``cadee rules``, ``cadee rules test`` and ``cadee explain``: the rule catalog with
the project's rule packs and installed plugins (docs/custom-rules.md)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cadee.commands.common import console as _console
from cadee.commands.common import print_errors as _print_errors
from cadee.commands.common import usage_error as _usage_error
from cadee.text import terminal

if TYPE_CHECKING:

    from cadee.diagnostics import LoadError
    from cadee.validate import RuleSet

HELP = "List the rules: built-in, from installed plugins and from the project's rule packs."
TEST_HELP = "Run every pack rule's examples: the failing one must fire it, the passing one must not. Exit 1: a test failed, 2: invalid pack."
EXPLAIN_HELP = "Print one rule's full documentation (built-in, plugin or pack rule)."

_PACK_HELP = "A rule-pack file (repeatable); default: the project's packs (rule-packs in cadee.toml, or cadee-rules.yaml)."


class CatalogFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


app = typer.Typer(
    name="rules",
    help=HELP,
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _rules(packs: Sequence[Path] | None) -> RuleSet:
    """The rules of the given packs, or of the current folder's project; exit 2 on errors."""
    from cadee.validate import project_packs, rule_set

    errors: list[LoadError] = []
    if packs:
        paths: tuple[Path, ...] = tuple(packs)
    else:
        paths, errors = project_packs(Path.cwd())
    found = rule_set(paths)
    errors.extend(found.errors)
    if errors:
        _print_errors(errors)
        raise typer.Exit(2)
    return found


@app.callback()
def catalog(
    ctx: typer.Context,
    output_format: Annotated[CatalogFormat, typer.Option("--format", "-f", help="Catalog format.")] = CatalogFormat.text,
    packs: Annotated[list[Path] | None, typer.Option("--pack", metavar="FILE", help=_PACK_HELP, show_default=False)] = None,
) -> None:
    """List the rules: built-in, from installed plugins and from the project's rule packs."""
    if ctx.invoked_subcommand is not None:
        return
    from cadee.catalog import catalog_json, catalog_markdown, catalog_table

    rules = _rules(packs).rules
    if output_format is CatalogFormat.json:
        sys.stdout.write(catalog_json(rules))
    elif output_format is CatalogFormat.markdown:
        sys.stdout.write(catalog_markdown(rules))
    else:
        _console().print(catalog_table(rules))
    raise typer.Exit(0)


@app.command("test", help=TEST_HELP)
def test(
    packs: Annotated[list[Path] | None, typer.Argument(metavar="PACK", help="Rule-pack files; default: the project's packs.", show_default=False)] = None,
) -> None:
    """Run every pack rule's failing and passing examples."""
    from cadee.packs.testing import run_examples

    found = _rules(packs)
    if not found.packs:
        raise _usage_error("no rule pack given or found (write cadee-rules.yaml, or list packs under "
                           "rule-packs in cadee.toml)")
    out: list[str] = []
    rules = examples = failed_rules = failed_examples = 0
    for pack in found.packs:
        out.append(f"{pack.path}: {len(pack.rules)} rule{'' if len(pack.rules) == 1 else 's'}")
        for info in pack.rules:
            rule = info.rule
            results = run_examples(rule, info.examples, base_path=info.location.path, known_rules=found.rules)
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
    out.append(f"{rules} rule{'' if rules == 1 else 's'} tested ({examples} examples): {passed} passed, "
               f"{failed_rules} failed")
    sys.stdout.write(terminal("\n".join(out), keep="\n") + "\n")
    raise typer.Exit(1 if failed_rules else 0)


def explain(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="A rule ID such as FBK001 or ACME001, or its name.")],
    packs: Annotated[list[Path] | None, typer.Option("--pack", metavar="FILE", help=_PACK_HELP, show_default=False)] = None,
) -> None:
    """Print one rule's full documentation (built-in, plugin or pack rule)."""
    from cadee.catalog import explain_markdown, find_rule

    rule = find_rule(rule_id, _rules(packs).rules)
    if rule is None:
        raise _usage_error(f"unknown rule {rule_id[:40]!r} (see `cadee rules`)")
    # A pack's summary, rationale, fix and references are user text: no terminal sequences.
    text = terminal(explain_markdown(rule), keep="\n")
    if sys.stdout.isatty():
        from rich.markdown import Markdown

        _console().print(Markdown(text))
    else:
        sys.stdout.write(text)
    raise typer.Exit(0)
