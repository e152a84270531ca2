"""SARIF 2.1.0 for GitHub code scanning and any SARIF viewer.

One run holds every blueprint's results. ``tool.driver.rules`` is the whole
catalog (so code scanning can tell "ran and found nothing" from "unknown
rule") plus the synthetic rule ``CADEE000 invalid-blueprint`` that carries
stage-1 errors. Waived findings stay in the log as results with an
``external`` suppression. No timestamps, no invocation data: the same input
gives the same bytes.

This module also holds :class:`RepositoryPaths`, which the CI reporters share
to turn the paths cadee shows (relative to the working folder) into paths
relative to the repository root, as code scanning and GitLab expect.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cadee import __version__
from cadee.diagnostics import Finding, LoadError
from cadee.rules import RULES, Rule
from cadee.text import json_text, markdown_untrusted
from cadee.validate import BlueprintResult

__all__ = [
    "INVALID_BLUEPRINT",
    "RepositoryPaths",
    "find_repository_root",
    "fingerprint",
    "render_sarif",
    "target_kind",
    "target_kinds",
]

INFORMATION_URI = "https://github.com/cadee-dev/cadee"
RULES_DOC_URI = "https://github.com/cadee-dev/cadee/blob/main/docs/rules.md"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "cadeeFinding/v1"

#: The synthetic rule that carries stage-1 errors (the blueprint is invalid).
INVALID_BLUEPRINT = ("CADEE000", "invalid-blueprint")

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


# -- repository-relative paths (shared by the CI reporters) -----------------------


def find_repository_root(start: Path, cwd: Path) -> Path:
    """The git work tree holding ``start`` (a folder with ``.git``), else ``cwd``.

    The only function here that looks at the file system; the CLI calls it.
    """
    from cadee.files import walk_up

    for candidate in walk_up(start, resolve=False):  # paths as the user typed them, not resolved
        if (candidate / ".git").exists():
            return candidate
    return Path(os.path.abspath(cwd))


@dataclass(frozen=True, slots=True)
class RepositoryPaths:
    """Maps the paths cadee reports (relative to ``cwd``, or absolute) to
    paths relative to the repository ``root``. Pure path arithmetic.

    Without ``cwd`` and ``root``, relative paths are taken as they are.
    """

    cwd: Path | None = None
    root: Path | None = None

    def relative(self, file: str) -> str | None:
        """``file`` relative to the root, POSIX style; ``None`` when outside it."""
        if self.cwd is None or self.root is None:
            return None if os.path.isabs(file) else Path(os.path.normpath(file)).as_posix()
        absolute = os.path.normpath(os.path.join(self.cwd, file))
        root = os.path.normpath(self.root)
        if not absolute.startswith(root.rstrip(os.sep) + os.sep):
            return None
        return Path(os.path.relpath(absolute, root)).as_posix()

    def shown(self, file: str) -> str:
        """The repository-relative path, else the path as cadee showed it."""
        relative = self.relative(file)
        return relative if relative is not None else file

    def artifact_location(self, file: str) -> dict[str, str]:
        """A SARIF ``artifactLocation``: relative to ``%SRCROOT%``, else a file URI."""
        relative = self.relative(file)
        if relative is not None:
            return {"uri": quote(relative, safe="/"), "uriBaseId": "%SRCROOT%"}
        absolute = Path(os.path.normpath(os.path.join(self.cwd or os.sep, file)))
        return {"uri": absolute.as_uri()}


def fingerprint(*parts: str) -> str:
    """A stable hash of ``parts``; JSON-encoded so no separator can be forged."""
    return hashlib.sha256(json.dumps(list(parts), ensure_ascii=False).encode("utf-8")).hexdigest()


def numbered(keys: Sequence[tuple[str, ...]]) -> Iterator[tuple[str, ...]]:
    """``keys`` made unique: the n-th repeat (n >= 1) of a key gets ``"#n"`` appended.

    Some rules give one target several findings (FBK003: one per fallback),
    and GitLab keeps only the first issue per fingerprint.
    """
    seen: dict[tuple[str, ...], int] = {}
    for key in keys:
        count = seen.get(key, 0)
        seen[key] = count + 1
        yield key if count == 0 else (*key, f"#{count}")


# -- the catalog as SARIF rules ----------------------------------------------------


def target_kinds(result: BlueprintResult) -> dict[str, str]:
    """Declared id -> what it names (system, integration, boundary, kpi, gate,
    owner, evidence, service, blueprint); the first declaration wins."""
    kinds: dict[str, str] = {}
    if result.report is None:
        return kinds
    blueprint = result.report.blueprint
    for kind, items in (
        ("system", blueprint.systems),
        ("integration", blueprint.integrations),
        ("boundary", blueprint.boundaries),
        ("kpi", blueprint.kpis),
        ("gate", blueprint.gates),
        ("owner", blueprint.owners),
        ("evidence", blueprint.evidence),
        ("service", blueprint.services),
    ):
        for item in items:
            kinds.setdefault(item.id, kind)
    kinds.setdefault(blueprint.id, "blueprint")
    return kinds


def target_kind(finding: Finding, kinds: Mapping[str, str]) -> str:
    """What a finding's target names (spec sections 10 and 11); ``kinds`` from
    :func:`target_kinds`."""
    if finding.rule.startswith("WVR"):
        return "waiver"  # target: "<rule>:<target>" of the waiver
    if finding.rule == "EVD001":
        return "evidence-kind"
    return kinds.get(finding.target, "object")


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    references = "\n".join(f"- {r}" for r in rule.references) or "- none"
    markdown = f"{rule.doc.markdown}\n\n## References\n\n{references}\n"
    if rule.source != "cadee":
        # Pack and plugin text: code scanning would show its HTML and load its
        # remote images (a tracking pixel in the reviewer's browser).
        markdown = markdown_untrusted(markdown)
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.what},
        "help": {"text": markdown, "markdown": markdown},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": ["cadee", rule.layer],
            "cadeeLayer": rule.layer,
            "references": list(rule.references),
            "source": rule.source,
        },
    }
    if rule.source == "cadee":
        descriptor["helpUri"] = f"{RULES_DOC_URI}#{rule.id.lower()}-{rule.name}"
    return descriptor


def _invalid_blueprint_descriptor() -> dict[str, Any]:
    rule_id, name = INVALID_BLUEPRINT
    text = (
        "The blueprint could not be checked: YAML syntax, types, required fields, unknown "
        "keys, enum values, references, duplicate ids or includes are wrong (stage 1)."
    )
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {
            "text": "The blueprint is valid YAML that follows the blueprint format."
        },
        "fullDescription": {"text": text},
        "help": {
            "text": text
            + " Fix the error at the reported location; the message says what is expected.",
            "markdown": f"{text}\n\nFix the error at the reported location; the message says "
            "what is expected. The format, field by field: `docs/blueprint-format.md`.",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["cadee", "compliance"], "cadeeLayer": "compliance"},
    }


def _catalog(results: Sequence[BlueprintResult]) -> dict[str, Rule]:
    # The built-in catalog, then any other rule a report ran, in first-seen order.
    rules: dict[str, Rule] = dict(RULES)
    for result in results:
        if result.report is not None:
            for rule_id, rule in result.report.rules.items():
                rules.setdefault(rule_id, rule)
    return rules


# -- results -------------------------------------------------------------------------


def _region(line: int, column: int) -> dict[str, int]:
    return {"startLine": max(line, 1), "startColumn": max(column, 1)}


def _finding_result(
    finding: Finding,
    result: BlueprintResult,
    kinds: Mapping[str, str],
    index: Mapping[str, int],
    paths: RepositoryPaths,
    key: tuple[str, ...],
) -> dict[str, Any]:
    blueprint_id = result.report.blueprint.id if result.report is not None else ""
    kind = target_kind(finding, kinds)
    entry: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": paths.artifact_location(finding.location.file),
                    "region": _region(finding.location.line, finding.location.column),
                },
                "logicalLocations": [
                    {
                        "name": finding.target,
                        "fullyQualifiedName": f"{blueprint_id}/{kind}/{finding.target}",
                        "kind": kind,
                    }
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(*key)},
        "properties": {"blueprint": paths.shown(result.path), "target": finding.target},
    }
    if finding.waived and finding.waiver is not None:
        waiver = finding.waiver
        entry["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": waiver.reason,
                "properties": {
                    "approvedBy": waiver.approved_by,
                    "expires": waiver.expires.isoformat(),
                },
            }
        ]
    return entry


def _error_result(
    error: LoadError, result: BlueprintResult, paths: RepositoryPaths, key: tuple[str, ...]
) -> dict[str, Any]:
    location = error.location
    message = f"{error.message} [{location.path}]" if location.path else error.message
    properties = {"blueprint": paths.shown(result.path)}
    if location.path:
        properties["path"] = location.path
    return {
        "ruleId": INVALID_BLUEPRINT[0],
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": paths.artifact_location(location.file),
                    "region": _region(location.line, location.column),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(*key)},
        "properties": properties,
    }


def render_sarif(results: Sequence[BlueprintResult], paths: RepositoryPaths | None = None) -> str:
    """One SARIF log with one run for every blueprint in ``results``.

    ``paths`` maps reported paths to repository-relative URIs; without it the
    paths are used as reported.
    """
    paths = paths or RepositoryPaths()
    rules = _catalog(results)
    descriptors = [_invalid_blueprint_descriptor(), *(_rule_descriptor(r) for r in rules.values())]
    index = {rule_id: position + 1 for position, rule_id in enumerate(rules)}
    keys: list[tuple[str, ...]] = []
    items: list[tuple[Finding | LoadError, BlueprintResult]] = []
    kinds: dict[int, dict[str, str]] = {}
    for result in results:
        if result.report is None or not result.valid:
            for error in result.errors:
                loc = error.location
                keys.append((INVALID_BLUEPRINT[0], paths.shown(loc.file), loc.path, error.message))
                items.append((error, result))
            continue
        kinds[id(result)] = target_kinds(result)
        for finding in result.report.findings:
            # rule + target within the blueprint: survives moved lines and files.
            keys.append((result.report.blueprint.id, finding.rule, finding.target))
            items.append((finding, result))
    sarif_results = [
        _error_result(item, result, paths, key)
        if isinstance(item, LoadError)
        else _finding_result(item, result, kinds[id(result)], index, paths, key)
        for key, (item, result) in zip(numbered(keys), items, strict=True)
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cadee",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    return json_text(log)
