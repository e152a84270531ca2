"""Locations, stage-1 errors and rule findings: the data every reporter reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
#: Lower rank = more severe; used for --fail-on comparisons and sorting.
SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


def at_or_above(severity: str, level: str) -> bool:
    """True when ``severity`` is as severe as ``level`` or more."""
    return SEVERITY_RANK[severity] <= SEVERITY_RANK[level]


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """A 1-based position in a file, plus the path inside the YAML document."""

    file: str
    line: int
    column: int
    path: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True, slots=True)
class LoadError:
    """A stage-1 problem: the blueprint is invalid (exit code 2)."""

    location: Location
    message: str

    def __str__(self) -> str:
        where = f" [{self.location.path}]" if self.location.path else ""
        return f"{self.location}: {self.message}{where}"


@dataclass(frozen=True, order=True, slots=True)
class AppliedWaiver:
    """The waiver that suppressed a finding (only what reporters show)."""

    reason: str
    approved_by: str
    expires: dt.date


@dataclass(frozen=True, order=True, slots=True)
class Finding:
    """A rule finding on a valid blueprint.

    Field order is the sort order: by file and position, then rule and target,
    so reports are stable whatever order rules ran in.
    """

    location: Location
    rule: str
    target: str
    severity: Severity
    message: str
    name: str = ""
    waived: bool = False
    waiver: AppliedWaiver | None = dataclasses.field(default=None, compare=False)

    def with_changes(self, **changes: object) -> Finding:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


#: A finding's sort key: the tuple of the fields its comparison uses (the
#: dataclass order of :class:`Finding`, with :class:`Location`'s fields in place
#: of the location), so sorting is the same as ``sorted(findings)`` but compares
#: flat tuples in C instead of calling ``Finding.__lt__`` and ``Location.__lt__``
#: (a findings-heavy estate has 46,000 findings). ``tests/test_check_order.py``
#: keeps it equal to the dataclass order.
finding_order = attrgetter(
    "location.file",
    "location.line",
    "location.column",
    "location.path",
    "rule",
    "target",
    "severity",
    "message",
    "name",
    "waived",
)


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of byte ``offset`` in ``data``."""
    prefix = data[:offset]
    return prefix.count(b"\n") + 1, offset - (prefix.rfind(b"\n") + 1) + 1


def format_path(elements: Iterable[object]) -> str:
    """``("systems", 3, "owner")`` -> ``systems[3].owner``."""
    out = ""
    for element in elements:
        if isinstance(element, int):
            out += f"[{element}]"
        else:
            out += f".{element}" if out else str(element)
    return out
