"""JUnit XML for GitLab, Jenkins and Azure DevOps test reports.

A test suite per blueprint, a test case per rule that ran. A rule fails when
it has an unwaived finding at or above the blueprint's fail level; the
failure's body lists those findings, ``file:line:col: target: message``.
Findings below the fail level and waived ones go to ``system-out``, so
nothing is dropped. An invalid blueprint is one failing test case, ``load``,
listing every error. Built with ElementTree: names and messages are escaped,
and characters XML 1.0 cannot hold are written as visible escapes. A body's
lines are joined by line breaks; a line break inside one (a file name may hold
one) is shown as ``\\n``, as are all of an attribute's, so no line of a CI log
that prints the report starts with text a pull request chose (``::add-mask::``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from cadee.diagnostics import SEVERITIES, Finding, at_or_above
from cadee.text import plural, terminal, xml_text
from cadee.validate import BlueprintResult

__all__ = ["render_junit"]


def _where(finding: Finding) -> str:
    loc = finding.location
    return f"{loc.file}:{loc.line}:{loc.column}"


def _failing_line(finding: Finding) -> str:
    return terminal(f"{_where(finding)}: {finding.target}: {finding.message}")


def _passing_line(finding: Finding, fail_on: str) -> str:
    if finding.waived and finding.waiver is not None:
        waiver = finding.waiver
        note = (
            f"waived by '{waiver.approved_by}' until {waiver.expires.isoformat()} ({waiver.reason})"
        )
    elif finding.waived:
        note = "waived"
    else:
        note = f"{finding.severity}, below the fail level '{fail_on}'"
    return terminal(f"{_where(finding)}: {finding.target}: {finding.message} [{note}]")


def _element(
    parent: ET.Element, tag: str, text: str | None = None, **attributes: str
) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: terminal(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _blueprint_suite(root: ET.Element, result: BlueprintResult) -> tuple[int, int]:
    suite = _element(root, "testsuite", name=result.path)
    properties = _element(suite, "properties")
    _element(properties, "property", name="fail-on", value=result.fail_on)
    if result.report is None or not result.valid:
        case = _element(suite, "testcase", classname=result.path, name="load")
        body = "\n".join(terminal(error) for error in result.errors)
        _element(
            case,
            "failure",
            body + "\n",
            message=f"invalid blueprint: {plural(len(result.errors), 'error')}",
            type="invalid-blueprint",
        )
        tests, failures = 1, 1
    else:
        report = result.report
        _element(properties, "property", name="blueprint", value=report.blueprint.id)
        _element(properties, "property", name="as-of", value=report.as_of.isoformat())
        by_rule: dict[str, list[Finding]] = {rule_id: [] for rule_id in report.rules}
        for finding in report.findings:
            by_rule.setdefault(finding.rule, []).append(finding)
        tests, failures = 0, 0
        for rule_id, findings in by_rule.items():
            rule = report.rules.get(rule_id)
            name = rule.name if rule is not None else (findings[0].name if findings else "")
            case = _element(suite, "testcase", classname=result.path, name=f"{rule_id} {name}")
            tests += 1
            failing: list[Finding] = []
            others: list[Finding] = []
            for finding in findings:
                fails = not finding.waived and at_or_above(finding.severity, result.fail_on)
                (failing if fails else others).append(finding)
            if failing:
                failures += 1
                first = failing[0]
                worst = min((f.severity for f in failing), key=SEVERITIES.index)
                _element(
                    case,
                    "failure",
                    "\n".join(_failing_line(f) for f in failing) + "\n",
                    message=(
                        f"{plural(len(failing), 'finding')} at or above '{result.fail_on}'; "
                        f"first: {_failing_line(first)}"
                    ),
                    type=worst,
                )
            if others:
                _element(
                    case,
                    "system-out",
                    "\n".join(_passing_line(f, result.fail_on) for f in others) + "\n",
                )
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    return tests, failures


def render_junit(results: Sequence[BlueprintResult]) -> str:
    """The JUnit XML document (UTF-8) for ``results``, one suite per blueprint."""
    root = ET.Element("testsuites", {"name": "cadee"})
    tests = failures = 0
    for result in results:
        suite_tests, suite_failures = _blueprint_suite(root, result)
        tests += suite_tests
        failures += suite_failures
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
