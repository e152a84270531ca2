"""GitLab Code Quality: the CodeClimate JSON subset GitLab reads.

Each unwaived finding is one issue with ``description``, ``check_name`` (the
rule ID), ``fingerprint``, ``severity`` and ``location`` (path relative to
the repository root, first line). Severity: error -> ``major``, warning ->
``minor``, info -> ``info``; an invalid blueprint (``CADEE000``) ->
``blocker``. Waived findings are accepted exceptions and are left out. The
fingerprint is the SHA-256 of rule, target and file, so the merge-request
widget tracks an issue across commits even when its lines move.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cadee.report.sarif import INVALID_BLUEPRINT, RepositoryPaths, fingerprint, numbered
from cadee.text import json_text
from cadee.validate import BlueprintResult

__all__ = ["SEVERITY", "render_gitlab"]

#: cadee severity -> GitLab Code Quality severity.
SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
INVALID_SEVERITY = "blocker"


def render_gitlab(results: Sequence[BlueprintResult], paths: RepositoryPaths | None = None) -> str:
    """The Code Quality report: a JSON array of issues, in report order."""
    paths = paths or RepositoryPaths()
    keys: list[tuple[str, ...]] = []
    issues: list[dict[str, Any]] = []
    for result in results:
        if result.report is None or not result.valid:
            for error in result.errors:
                loc = error.location
                path = paths.shown(loc.file)
                where = f" [{loc.path}]" if loc.path else ""
                keys.append((INVALID_BLUEPRINT[0], path, loc.path, error.message))
                issues.append(
                    {
                        "description": f"{INVALID_BLUEPRINT[0]} {INVALID_BLUEPRINT[1]}: "
                        f"{error.message}{where}",
                        "check_name": INVALID_BLUEPRINT[0],
                        "severity": INVALID_SEVERITY,
                        "location": {"path": path, "lines": {"begin": max(loc.line, 1)}},
                    }
                )
            continue
        for finding in result.report.findings:
            if finding.waived:
                continue
            path = paths.shown(finding.location.file)
            keys.append((finding.rule, finding.target, path))
            issues.append(
                {
                    "description": f"{finding.rule} {finding.name}: {finding.message} "
                    f"({finding.target})",
                    "check_name": finding.rule,
                    "severity": SEVERITY[finding.severity],
                    "location": {"path": path, "lines": {"begin": max(finding.location.line, 1)}},
                }
            )
    for key, issue in zip(numbered(keys), issues, strict=True):
        issue["fingerprint"] = fingerprint(*key)
    ordered = [
        {
            name: issue[name]
            for name in ("description", "check_name", "fingerprint", "severity", "location")
        }
        for issue in issues
    ]
    return json_text(ordered)
