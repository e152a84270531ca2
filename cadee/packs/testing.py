"""Run a rule's documented examples: the failing one must fire it, the passing one must not.

``cadee rules test PACK`` runs this for every rule of a pack, so an
organisation tests its own rules in CI the way cadee tests its built-ins.
An example that is not a valid blueprint fails its test; its errors are
located in the pack, where the example is written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from cadee.check import CheckOptions, check
from cadee.diagnostics import LoadError, Location
from cadee.load import load_blueprint
from cadee.packs.load import ExampleMark
from cadee.rules import RULES
from cadee.rules.base import Rule
from cadee.text import plural

__all__ = ["ExampleResult", "run_examples"]

EXAMPLES = ("failing", "passing")


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome of one example of one rule."""

    rule: str
    example: str
    ok: bool
    #: What happened: the findings it fired, or why the test failed.
    message: str
    #: Where the example is written (in the pack), when known.
    location: Location | None = None
    #: Stage-1 errors when the example is not a valid blueprint.
    errors: tuple[LoadError, ...] = ()


def run_examples(
    rule: Rule,
    marks: Mapping[str, ExampleMark] | None = None,
    *,
    base_path: str = "",
    known_rules: Collection[str] = (),
) -> list[ExampleResult]:
    """Load each example as a blueprint and run ``rule`` alone on it.

    ``marks`` (from :func:`cadee.packs.load.load_pack`) place errors and
    results in the pack; ``base_path`` is the rule's path there
    (``rules[2]``); ``known_rules`` are other IDs examples' waivers may name.
    """
    results: list[ExampleResult] = []
    texts = {"failing": rule.doc.failing_example, "passing": rule.doc.passing_example}
    with tempfile.TemporaryDirectory(prefix="cadee-example-") as folder:
        for name in EXAMPLES:
            mark = (marks or {}).get(name)
            where = f"{base_path}.examples.{name}" if base_path else f"examples.{name}"
            location = Location(mark.file, mark.line, mark.column, where) if mark else None
            path = Path(folder) / f"{name}.yaml"
            path.write_text(texts[name], encoding="utf-8")
            loaded = load_blueprint(path, known_rules={*RULES, *known_rules, rule.id})
            if loaded.blueprint is None:
                errors = tuple(
                    _relocate(error, mark, where, loaded.path, rule.id, name)
                    for error in loaded.errors
                )
                results.append(
                    ExampleResult(
                        rule.id,
                        name,
                        False,
                        f"the {name} example is not a valid blueprint "
                        f"({plural(len(errors), 'error')})",
                        location,
                        errors,
                    )
                )
                continue
            report = check(loaded.blueprint, CheckOptions(), {rule.id: rule})
            fired = [f for f in report.findings if f.rule == rule.id]
            if name == "failing":
                ok = bool(fired)
                message = (
                    f"fires {plural(len(fired), 'finding')} ({', '.join(f.target for f in fired)})"
                    if ok
                    else "the failing example does not fire the rule"
                )
            else:
                ok = not fired
                message = (
                    "fires nothing"
                    if ok
                    else f"the passing example fires the rule: "
                    f"{fired[0].message} ({fired[0].target})"
                )
            results.append(ExampleResult(rule.id, name, ok, message, location))
    return results


def _relocate(
    error: LoadError, mark: ExampleMark | None, where: str, shown: str, rule_id: str, name: str
) -> LoadError:
    """An example's load error as a position in the pack (the temporary file never shows)."""
    label = f"{rule_id} {name} example"
    message = error.message.replace(shown, label)
    inner = f"{where} > {error.location.path}" if error.location.path else where
    if mark is None:
        return LoadError(
            Location(f"<{label}>", error.location.line, error.location.column, inner), message
        )
    line, column = mark.locate(error.location.line, error.location.column)
    return LoadError(Location(mark.file, line, column, inner), message)
