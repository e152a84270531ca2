"""The language server's view of a workspace, free of any LSP library.

- **Overlay**: the text of the documents open in the editor wins over the
  disk, for a blueprint and for its includes (:class:`cadee.load.FileSource`).
- **Parse cache**: YAML trees by content hash, so re-validating after a save
  only parses the files that changed.
- **Validation**: each blueprint with its project's configuration, rule packs,
  plugins and waivers, as ``cadee validate`` does; the result is a list of
  :class:`Problem` located by file and :class:`Span`.
- **Index**: every id defined and referenced in a file, with its span.

Positions here are 0-based lines and characters, as in LSP.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cadee.diagnostics import Finding, LoadError
from cadee.files import read_regular
from cadee.load import FileSource
from cadee.rules import Rule
from cadee.yamlload import Limits, YMap, YSeq, load_yaml

__all__ = [
    "BlueprintState",
    "FileIndex",
    "Problem",
    "Span",
    "Symbol",
    "Workspace",
    "is_blueprint_text",
    "token_span",
]

log = logging.getLogger("cadee.lsp")

Level = Literal["error", "warning", "info", "hint"]

#: The rule ID of stage-1 errors (as in the SARIF report).
INVALID_BLUEPRINT = "CADEE000"
#: Parsed files kept in the cache (each open buffer version is one entry).
_PARSE_CACHE_SIZE = 256
#: What the server reads of a file outside a blueprint's load (the index of a file, is
#: it a blueprint?): the default ``max_file_bytes``; a blueprint's load uses its project's.
_DEFAULT_MAX_BYTES = Limits().max_file_bytes
_DID_YOU_MEAN = re.compile(r"; did you mean ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\?")
_TOP_KEY = re.compile(r"^(cadee|blueprint)\s*:", re.MULTILINE)


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A range in a file: 0-based lines and characters, the end exclusive."""

    start_line: int
    start_char: int
    end_line: int
    end_char: int

    def contains(self, line: int, char: int) -> bool:
        if (line, char) < (self.start_line, self.start_char):
            return False
        return (line, char) <= (self.end_line, self.end_char)


@dataclass(frozen=True, slots=True)
class Symbol:
    """An id where it is defined or referenced (or a rule ID a waiver names).

    ``kind`` is the list the id belongs to (``owners``, ``systems``...) or
    ``rules``; ``None`` for a waiver target, which may name any item.
    """

    id: str
    kind: str | None
    file: Path
    span: Span
    field: str
    definition: bool
    #: For definitions: the item's scalar fields, for hover.
    summary: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class FileIndex:
    """What one file defines and references, read from its YAML tree."""

    path: Path
    digest: str
    lines: list[str]
    tree: Any
    definitions: list[Symbol] = field(default_factory=list)
    references: list[Symbol] = field(default_factory=list)
    #: include[i] entries: the span of the path and the file it names.
    includes: list[tuple[Span, Path]] = field(default_factory=list)

    def symbol_at(self, line: int, char: int) -> Symbol | None:
        for symbol in (*self.definitions, *self.references):
            if symbol.span.contains(line, char):
                return symbol
        return None


@dataclass(frozen=True, slots=True)
class Problem:
    """A stage-1 error or a rule finding, located for the editor."""

    file: Path
    span: Span
    level: Level
    message: str
    code: str
    rule: Rule | None = None
    finding: Finding | None = None
    #: The "did you mean" replacement of a stage-1 error, if it has one.
    suggestion: str | None = None


@dataclass(slots=True)
class BlueprintState:
    """A blueprint after its last validation."""

    path: Path
    #: Every file read for it: itself and its includes (absolute paths).
    files: tuple[Path, ...]
    problems: list[Problem]
    rules: Mapping[str, Rule]
    #: The project's configuration and rule packs (absolute paths).
    inputs: tuple[Path, ...] = ()


def is_blueprint_text(text: str) -> bool:
    """True when ``text`` has the top-level keys of a blueprint (not an include)."""
    keys = {m.group(1) for m in _TOP_KEY.finditer(text)}
    return keys == {"cadee", "blueprint"}


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """``text``'s lines as LSP counts them (``\\n``, ``\\r\\n``, ``\\r``; not
    ``str.splitlines``'s form feeds and separators), without a last empty one."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def token_span(lines: list[str], line: int, char: int) -> Span:
    """The span of the YAML key or scalar that starts at ``line``/``char`` (0-based)."""
    if not 0 <= line < len(lines):
        return Span(max(line, 0), max(char, 0), max(line, 0), max(char, 0))
    text = lines[line]
    char = min(max(char, 0), len(text))
    return Span(line, char, line, _token_end(text, char))


def _token_end(text: str, start: int) -> int:
    if start >= len(text):
        return start
    first = text[start]
    if first in "'\"":
        index = start + 1
        while index < len(text):
            if text[index] == "\\" and first == '"':
                index += 2
                continue
            if text[index] == first:
                if first == "'" and text[index + 1 : index + 2] == "'":
                    index += 2
                    continue
                return index + 1
            index += 1
        return len(text)
    flow = "[" in text[:start] or "{" in text[:start]
    index = start
    while index < len(text):
        char = text[index]
        if char == ":" and (index + 1 == len(text) or text[index + 1] in " \t"):
            break
        if char == "#" and index > start and text[index - 1] in " \t":
            break
        if flow and char in ",]}":
            break
        index += 1
    end = len(text[:index].rstrip())
    return max(end, start + 1) if start < len(text) else start


def _line_end(lines: list[str], line: int, char: int) -> Span:
    text = lines[line] if 0 <= line < len(lines) else ""
    return Span(line, char, line, max(len(text.rstrip()), char))


# -- the index ----------------------------------------------------------------------

#: Reference fields: the list (or `blueprint`), the field and the list its ids name.
#: ``[]`` marks a list of ids; ``fallback[]`` entries may also be ``{to: id}``.
REFERENCES: dict[str, dict[str, str | None]] = {
    "blueprint": {"owner": "owners", "approvers[]": "owners"},
    "boundaries": {"identity_provider": "systems"},
    "systems": {
        "boundary": "boundaries",
        "owner": "owners",
        "approvers[]": "owners",
        "fallback[]": "systems",
        "observability.oncall": "owners",
    },
    "integrations": {"from": "systems", "to": "systems"},
    "evidence": {"owner": "owners", "approved_by": "owners"},
    "kpis": {"owner": "owners"},
    "gates": {"kpi": "kpis", "decided_by": "owners"},
    "waivers": {"approved_by": "owners", "target": None, "rule": "rules"},
}
#: The lists whose items have ids others refer to.
DEFINING = ("owners", "boundaries", "systems", "integrations", "evidence", "kpis", "gates")
_SUMMARY_SKIP = {"id"}


def build_index(path: Path, digest: str, lines: list[str], tree: Any) -> FileIndex:
    """The ids ``tree`` (the file at ``path``) defines and references."""
    index = FileIndex(path, digest, lines, tree)
    if not isinstance(tree, YMap):
        return index
    for key in DEFINING:
        items = tree.get(key)
        if not isinstance(items, YSeq):
            continue
        for position, item in enumerate(items):
            if not isinstance(item, YMap) or not isinstance(item.get("id"), str):
                continue
            marks = item.key_marks["id"]
            summary = tuple(
                (str(k), str(v))
                for k, v in item.items()
                if isinstance(k, str)
                and k not in _SUMMARY_SKIP
                and isinstance(v, (str, int, float, bool))
            )
            index.definitions.append(
                Symbol(
                    item["id"],
                    key,
                    path,
                    token_span(lines, marks[2] - 1, marks[3] - 1),
                    f"{key}[{position}].id",
                    True,
                    summary,
                )
            )
    meta = tree.get("blueprint")
    if isinstance(meta, YMap):
        _references(index, meta, "blueprint", REFERENCES["blueprint"])
    for key, fields in REFERENCES.items():
        items = tree.get(key)
        if key == "blueprint" or not isinstance(items, YSeq):
            continue
        for position, item in enumerate(items):
            if isinstance(item, YMap):
                _references(index, item, f"{key}[{position}]", fields)
    includes = tree.get("include")
    if isinstance(includes, YSeq):
        for position, target in enumerate(includes):
            if isinstance(target, str) and target.strip() and "\x00" not in target:
                line, column = includes.item_marks[position]
                real = Path(os.path.normpath(path.parent / target))
                index.includes.append((token_span(lines, line - 1, column - 1), real))
    return index


def _references(index: FileIndex, item: YMap, where: str, fields: Mapping[str, str | None]) -> None:
    lines = index.lines

    def add(value: Any, line: int, column: int, field_path: str, kind: str | None) -> None:
        if isinstance(value, str):
            span = token_span(lines, line - 1, column - 1)
            index.references.append(Symbol(value, kind, index.path, span, field_path, False))

    for name, kind in fields.items():
        node: Any = item
        parts = name.removesuffix("[]").split(".")
        marks: tuple[int, int, int, int] | None = None
        for part in parts:
            if not isinstance(node, YMap) or part not in node.key_marks:
                node = None
                break
            marks = node.key_marks[part]
            node = node[part]
        if node is None or marks is None:
            continue
        field_path = f"{where}.{'.'.join(parts)}"
        if name.endswith("[]"):
            if not isinstance(node, YSeq):
                continue
            for position, entry in enumerate(node):
                line, column = node.item_marks[position]
                if isinstance(entry, YMap) and "to" in entry.key_marks:  # fallback {to, when}
                    to_marks = entry.key_marks["to"]
                    add(entry["to"], to_marks[2], to_marks[3], f"{field_path}[{position}].to", kind)
                else:
                    add(entry, line, column, f"{field_path}[{position}]", kind)
        else:
            add(node, marks[2], marks[3], field_path, kind)


def resolve_path(tree: Any, path: str) -> Any:
    """The node at ``path`` (``systems[3].owner``) in ``tree``, or ``None``."""
    node = tree
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            position = int(part[1:-1])
            if not isinstance(node, YSeq) or position >= len(node):
                return None
            node = node[position]
        elif isinstance(node, YMap) and part in node:
            node = node[part]
        else:
            return None
    return node


# -- the workspace ------------------------------------------------------------------


class Workspace:
    """Open buffers, parsed files, validated blueprints and their index.

    One instance per server; nothing here is global. ``roots`` are the
    workspace folders searched for blueprints.
    """

    def __init__(self, roots: Iterable[Path] = ()) -> None:
        self.roots = [Path(os.path.abspath(root)) for root in roots]
        self.cwd = Path.cwd()
        #: Open documents: absolute path -> text.
        self.overlay: dict[Path, str] = {}
        self.blueprints: dict[Path, BlueprintState] = {}
        self._parsed: OrderedDict[tuple[str, str, Limits], tuple[Any, list[LoadError]]] = (
            OrderedDict()
        )
        #: The last content read of each file: absolute path -> (digest, lines, tree).
        self._latest: dict[Path, tuple[str, list[str], Any]] = {}
        self._indexes: dict[Path, FileIndex] = {}
        self.source = FileSource(read=self.read_bytes, parse=self.parse)
        #: Parse-cache statistics (tests and the benchmark read them).
        self.parses = 0
        self.cache_hits = 0

    # -- files ------------------------------------------------------------------------

    def absolute(self, shown: str) -> Path:
        """The absolute path of a file as the loader shows it (relative to the cwd)."""
        return Path(os.path.normpath(self.cwd / shown))

    def open(self, path: Path, text: str) -> None:
        self.overlay[path] = text

    def close(self, path: Path) -> None:
        self.overlay.pop(path, None)

    def read_bytes(self, path: Path, max_bytes: int = _DEFAULT_MAX_BYTES) -> bytes:
        """A file's content: the editor's buffer when open, else the disk, read as the
        CLI reads it (:func:`cadee.files.read_regular`): a link to ``/dev/zero``, a FIFO
        or a file above ``max_bytes`` (a workspace is a checkout of a pull request) raises
        :class:`OSError` instead of filling the server's memory or blocking it."""
        text = self.overlay.get(path)
        if text is None:
            text = self.overlay.get(Path(os.path.abspath(path)))
        if text is not None:
            return text.encode("utf-8", "surrogatepass")
        return read_regular(path, max_bytes)

    def text(self, path: Path) -> str | None:
        try:
            return self.read_bytes(path).decode("utf-8", "replace")
        except OSError:
            return None

    def parse(self, data: bytes, shown: str, limits: Limits) -> tuple[Any, list[LoadError]]:
        """:func:`cadee.yamlload.load_yaml`, cached by content hash."""
        digest = hashlib.sha256(data).hexdigest()
        key = (digest, shown, limits)
        cached = self._parsed.get(key)
        if cached is None:
            self.parses += 1
            cached = load_yaml(data, shown, limits)
            self._parsed[key] = cached
            if len(self._parsed) > _PARSE_CACHE_SIZE:
                self._parsed.popitem(last=False)
        else:
            self.cache_hits += 1
            self._parsed.move_to_end(key)
        path = self.absolute(shown)
        previous = self._latest.get(path)
        if previous is None or previous[0] != digest:
            lines = split_lines(data.decode("utf-8", "replace"))
            self._latest[path] = (digest, lines, cached[0])
        return cached[0], list(cached[1])

    def index(self, path: Path) -> FileIndex | None:
        """The index of ``path`` as it is now (buffer or disk); ``None`` if unreadable."""
        try:
            data = self.read_bytes(path)
        except OSError:
            return None
        digest = hashlib.sha256(data).hexdigest()
        known = self._indexes.get(path)
        if known is not None and known.digest == digest:
            return known
        latest = self._latest.get(path)
        if latest is None or latest[0] != digest:
            self.parse(data, display(path, self.cwd), Limits())
            latest = self._latest[path]
        index = build_index(path, digest, latest[1], latest[2])
        self._indexes[path] = index
        return index

    # -- blueprints -------------------------------------------------------------------

    def discover(self) -> list[Path]:
        """The blueprints below the workspace folders (as ``cadee validate DIR``)."""
        from cadee.validate import discover

        found, _ = discover(self.roots)
        return [Path(os.path.abspath(p)) for p in found]

    def is_blueprint(self, path: Path) -> bool:
        text = self.text(path)
        return text is not None and path.suffix in (".yaml", ".yml") and is_blueprint_text(text)

    def affected(self, path: Path) -> list[Path]:
        """The blueprints to validate again when ``path`` changed."""
        found = [bp for bp, state in self.blueprints.items() if path in state.files]
        if path not in found and self.is_blueprint(path):
            found.append(path)
        if any(path in state.inputs for state in self.blueprints.values()) or path.name in (
            "cadee.toml",
            "pyproject.toml",
            "cadee-rules.yaml",
            "cadee-rules.yml",
        ):
            found.extend(bp for bp in self.blueprints if bp not in found)
        return found

    def scope(self, path: Path) -> list[Path]:
        """The files whose ids ``path`` may use: the files of every blueprint it belongs to."""
        files: dict[Path, None] = {path: None}
        for state in self.blueprints.values():
            if path in state.files:
                files.update(dict.fromkeys(state.files))
        return list(files)

    def rules_for(self, path: Path) -> Mapping[str, Rule]:
        for state in self.blueprints.values():
            if path in state.files:
                return state.rules
        from cadee.rules import RULES

        return RULES

    def problems_by_file(self) -> dict[Path, list[Problem]]:
        """Every blueprint's problems, by the file they are in, without duplicates."""
        out: dict[Path, dict[tuple[Any, ...], Problem]] = {}
        for state in self.blueprints.values():
            for problem in state.problems:
                key = (problem.span, problem.code, problem.message, problem.level)
                out.setdefault(problem.file, {}).setdefault(key, problem)
        return {path: list(problems.values()) for path, problems in out.items()}

    def forget(self, path: Path) -> None:
        self.blueprints.pop(path, None)

    def validate(self, path: Path) -> BlueprintState:
        """Validate the blueprint at ``path`` now; never raises."""
        try:
            state = self._validate(path)
        except Exception as exc:  # a bug in cadee: log it, tell the user where
            log.exception("cadee could not check %s", path)
            message = (
                f"cadee could not check this blueprint: internal error ({type(exc).__name__}); "
                "see the language server's log"
            )
            previous = self.blueprints.get(path)
            state = BlueprintState(
                path,
                previous.files if previous else (path,),
                [Problem(path, Span(0, 0, 0, 0), "error", message, INVALID_BLUEPRINT)],
                previous.rules if previous else {},
            )
        self.blueprints[path] = state
        return state

    def _validate(self, path: Path) -> BlueprintState:
        from cadee.check import CheckOptions, check
        from cadee.load import load_blueprint
        from cadee.project import Project

        project = Project.resolve(path)
        rules, config = project.rules, project.config
        errors: list[LoadError] = list(project.errors)
        inputs = tuple(Path(os.path.abspath(p.path)) for p in project.packs if hasattr(p, "path"))
        if project.config_file is not None:
            inputs = (Path(os.path.abspath(project.config_file)), *inputs)
        if errors:
            problems_out = [self._load_problem(error) for error in errors]
            return BlueprintState(path, (path,), problems_out, rules, inputs)
        loaded = load_blueprint(
            path, limits=config.limits, known_rules=rules.keys(), source=self.source
        )
        files = tuple(dict.fromkeys([path, *(self.absolute(s.path) for s in loaded.files)]))
        if loaded.blueprint is None:
            return BlueprintState(
                path, files, [self._load_problem(e) for e in loaded.errors], rules, inputs
            )
        options = CheckOptions(select=config.select, ignore=config.ignore, severity=config.severity)
        report = check(loaded.blueprint, options, rules)
        found_problems = [
            self._finding_problem(f, report.rules.get(f.rule) or rules.get(f.rule))
            for f in report.findings
        ]
        return BlueprintState(path, files, found_problems, rules, inputs)

    def _lines(self, path: Path) -> list[str]:
        latest = self._latest.get(path)
        if latest is not None:
            return latest[1]
        text = self.text(path)
        return split_lines(text) if text is not None else []

    def _load_problem(self, error: LoadError) -> Problem:
        loc = error.location
        path = self.absolute(loc.file)
        span = token_span(self._lines(path), loc.line - 1, loc.column - 1)
        suggestion = None
        match = _DID_YOU_MEAN.search(error.message)
        if match is not None:
            import ast

            try:
                value = ast.literal_eval(match.group(1))
            except (ValueError, SyntaxError):
                value = None
            suggestion = value if isinstance(value, str) else None
        message = f"{error.message} [{loc.path}]" if loc.path else error.message
        return Problem(path, span, "error", message, INVALID_BLUEPRINT, suggestion=suggestion)

    def _finding_problem(self, finding: Finding, rule: Rule | None) -> Problem:
        loc = finding.location
        path = self.absolute(loc.file)
        span = self._item_span(path, loc.path, loc.line - 1, loc.column - 1)
        level: Level = finding.severity
        message = finding.message
        if finding.waived:
            level = "hint"
            waiver = finding.waiver
            if waiver is not None:
                message += (
                    f" (waived: {waiver.reason}; approved by {waiver.approved_by}; "
                    f"expires {waiver.expires.isoformat()})"
                )
            else:
                message += " (waived)"
        return Problem(path, span, level, message, finding.rule, rule, finding)

    def _item_span(self, path: Path, item_path: str, line: int, char: int) -> Span:
        """A finding's span: its item's ``id: value`` when it has one."""
        lines = self._lines(path)
        latest = self._latest.get(path)
        node = resolve_path(latest[2], item_path) if latest is not None and item_path else None
        if isinstance(node, YMap):
            if "id" in node.key_marks:
                kline, kcolumn, vline, vcolumn = node.key_marks["id"]
                end = token_span(lines, vline - 1, vcolumn - 1)
                if kline == vline:
                    return Span(kline - 1, kcolumn - 1, end.end_line, end.end_char)
                return end
            return _line_end(lines, node.line - 1, node.column - 1)
        return token_span(lines, line, char)


def display(path: Path, cwd: Path) -> str:
    """The loader's name for ``path`` (relative to ``cwd`` when inside it)."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()
