"""Diagnostics, hover, definition, references, completion and code actions.

Plain functions over a :class:`~cadee.lsp.workspace.Workspace` that return
:mod:`lsprotocol` types; :mod:`cadee.lsp.server` only wires them to requests,
so the tests call them without a client. Positions are 0-based.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from lsprotocol import types as lsp

from cadee.lsp.workspace import (
    INVALID_BLUEPRINT,
    REFERENCES,
    FileIndex,
    Problem,
    Span,
    Symbol,
    Workspace,
)
from cadee.report.sarif import RULES_DOC_URI
from cadee.rules import Rule
from cadee.yamlload import YMap, YSeq

__all__ = [
    "code_actions",
    "completion",
    "definition",
    "diagnostic",
    "hover",
    "references",
]

#: How long a waiver added by the code action lasts.
WAIVER_DAYS = 90
WAIVER_REASON = "TODO: why this risk is accepted, and the plan that ends it"
_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
    "hint": lsp.DiagnosticSeverity.Hint,
}
_WORD = re.compile(r"[A-Za-z0-9_.-]+")
_KIND_NAME = {
    "owners": "owner",
    "boundaries": "boundary",
    "systems": "system",
    "integrations": "integration",
    "evidence": "evidence",
    "kpis": "kpi",
    "gates": "gate",
}


def to_range(span: Span) -> lsp.Range:
    return lsp.Range(
        lsp.Position(span.start_line, span.start_char), lsp.Position(span.end_line, span.end_char)
    )


def _overlaps(span: Span, rng: lsp.Range) -> bool:
    start = (rng.start.line, rng.start.character)
    end = (rng.end.line, rng.end.character)
    return (span.start_line, span.start_char) <= end and start <= (span.end_line, span.end_char)


# -- diagnostics -------------------------------------------------------------------


def rule_doc_uri(rule: Rule) -> str | None:
    """Where a rule's documentation is: docs/rules.md for built-ins, the pack for pack rules."""
    if rule.source == "cadee":
        return f"{RULES_DOC_URI}#{rule.id.lower()}-{rule.name}"
    if rule.source.endswith((".yaml", ".yml")):
        path = Path(rule.source)
        if path.is_absolute():
            return path.as_uri()
    return None


def diagnostic(problem: Problem) -> lsp.Diagnostic:
    """An LSP diagnostic: the rule ID as code, a link to its documentation."""
    description = None
    if problem.rule is not None:
        uri = rule_doc_uri(problem.rule)
        if uri is not None:
            description = lsp.CodeDescription(href=uri)
    elif problem.code == INVALID_BLUEPRINT:
        description = lsp.CodeDescription(
            href="https://github.com/cadee-dev/cadee/blob/main/docs/blueprint-format.md"
        )
    data: dict[str, str] = {}
    if problem.finding is not None:
        data = {"rule": problem.finding.rule, "target": problem.finding.target}
    elif problem.suggestion is not None:
        data = {"suggestion": problem.suggestion}
    return lsp.Diagnostic(
        range=to_range(problem.span),
        message=problem.message,
        severity=_SEVERITY[problem.level],
        code=problem.code,
        code_description=description,
        source="cadee",
        data=data or None,
    )


# -- lookups -------------------------------------------------------------------------


def _indexes(ws: Workspace, path: Path) -> Iterator[FileIndex]:
    for file in ws.scope(path):
        index = ws.index(file)
        if index is not None:
            yield index


def _definitions(ws: Workspace, path: Path, symbol: Symbol) -> list[Symbol]:
    found = []
    for index in _indexes(ws, path):
        for candidate in index.definitions:
            if candidate.id == symbol.id and (symbol.kind is None or candidate.kind == symbol.kind):
                found.append(candidate)
    return found


def _location(symbol: Symbol) -> lsp.Location:
    return lsp.Location(uri=symbol.file.as_uri(), range=to_range(symbol.span))


def _word_at(ws: Workspace, path: Path, line: int, char: int) -> str | None:
    index = ws.index(path)
    if index is None or not 0 <= line < len(index.lines):
        return None
    for match in _WORD.finditer(index.lines[line]):
        if match.start() <= char <= match.end():
            return match.group(0)
    return None


# -- hover ---------------------------------------------------------------------------


def rule_markdown(rule: Rule) -> str:
    from cadee.catalog import explain_markdown

    text = explain_markdown(rule)
    uri = rule_doc_uri(rule)
    return text + (f"\n[Documentation]({uri})\n" if uri else "")


def item_markdown(symbol: Symbol) -> str:
    kind = _KIND_NAME.get(symbol.kind or "", symbol.kind or "item")
    fields = dict(symbol.summary)
    title = fields.pop("name", None) or fields.pop("title", None)
    head = f"**{kind}** `{symbol.id}`" + (f": {title}" if title else "")
    body = "".join(f"- {key}: {value}\n" for key, value in fields.items())
    where = f"{symbol.file.name}:{symbol.span.start_line + 1}"
    return f"{head}\n\n{body + chr(10) if body else ''}_defined in {where}_"


def hover(ws: Workspace, path: Path, line: int, char: int) -> lsp.Hover | None:
    """A rule's documentation on a rule ID or a finding; an item's summary on an id."""
    index = ws.index(path)
    if index is None:
        return None
    rules = ws.rules_for(path)
    symbol = index.symbol_at(line, char)
    if symbol is not None and symbol.kind == "rules":
        rule = rules.get(symbol.id)
        return _hover(rule_markdown(rule), symbol.span) if rule is not None else None
    parts: list[str] = []
    span: Span | None = None
    if symbol is not None:
        targets = [symbol] if symbol.definition else _definitions(ws, path, symbol)
        parts.extend(item_markdown(t) for t in targets)
        span = symbol.span if targets else None
    shown: set[str] = set()
    for problem in ws.problems_by_file().get(path, []):
        if (
            problem.rule is not None
            and problem.span.contains(line, char)
            and problem.rule.id not in shown
        ):
            shown.add(problem.rule.id)
            parts.append(rule_markdown(problem.rule))
            span = span or problem.span
    if parts:
        return _hover("\n\n---\n\n".join(parts), span)
    word = _word_at(ws, path, line, char)
    if word is not None and word.upper() in rules:
        return _hover(rule_markdown(rules[word.upper()]), None)
    return None


def _hover(markdown: str, span: Span | None) -> lsp.Hover:
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=markdown),
        range=to_range(span) if span is not None else None,
    )


# -- definition and references -----------------------------------------------------------


def definition(ws: Workspace, path: Path, line: int, char: int) -> list[lsp.Location]:
    """Where the id (or included file) under the cursor is defined."""
    index = ws.index(path)
    if index is None:
        return []
    for span, target in index.includes:
        if span.contains(line, char) and _confined(ws, path, target):
            return [
                lsp.Location(
                    uri=target.as_uri(), range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
                )
            ]
    symbol = index.symbol_at(line, char)
    if symbol is None or symbol.kind == "rules":
        return []
    return [_location(s) for s in _definitions(ws, path, symbol)]


def _confined(ws: Workspace, path: Path, target: Path) -> bool:
    """True when ``target`` is a file inside the project root, as the loader allows includes."""
    from cadee.load import find_project_root

    tops = [bp for bp, state in ws.blueprints.items() if path in state.files] or [path]
    real = target.resolve()
    return real.is_file() and any(real.is_relative_to(find_project_root(top)) for top in tops)


def references(
    ws: Workspace, path: Path, line: int, char: int, include_declaration: bool = True
) -> list[lsp.Location]:
    """Every place the id under the cursor is used (and defined), across includes."""
    index = ws.index(path)
    if index is None:
        return []
    symbol = index.symbol_at(line, char)
    if symbol is None or symbol.kind == "rules":
        return []
    kinds = {d.kind for d in _definitions(ws, path, symbol)} or {symbol.kind}
    found = []
    for other in _indexes(ws, path):
        for candidate in (*other.definitions, *other.references):
            if candidate.id != symbol.id:
                continue
            if candidate.definition and not include_declaration:
                continue
            if candidate.kind is None or candidate.kind in kinds or None in kinds:
                found.append(_location(candidate))
    return found


# -- completion ------------------------------------------------------------------------


_KEY_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_ITEM_LINE = re.compile(r"^(\s*)-\s+([^:#]*)$")
_PARTIAL_KEY = re.compile(r"^(\s*)(-\s+)?([\w-]*)$")


def context_path(lines: Sequence[str], line: int, column: int) -> list[str]:
    """The keys enclosing a key written at ``column`` of ``line`` (outermost first)."""
    path: list[str] = []
    limit = column
    for number in range(line - 1, -1, -1):
        if limit <= 0:
            break
        text = lines[number]
        stripped = text.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(stripped)
        dash = stripped.startswith("- ") or stripped == "-"
        content = indent + 2 if dash else indent
        match = _KEY_LINE.match(text)
        if content < limit and match is not None:
            rest = match.group(4).split(" #")[0].strip()
            if rest in ("", "|", ">", "|-", ">-"):
                path.append(match.group(3))
                limit = content
        if dash and indent < limit:
            limit = indent
    path.reverse()
    return path


def _model_for(path: Sequence[str]) -> Any:
    from cadee.model import Document

    model: Any = Document
    for key in path:
        info = _field(model, key)
        if info is None:
            return None
        model = _model_in(info.annotation)
        if model is None:
            return None
    return model


def _field(model: Any, key: str) -> Any:
    fields = model.model_fields
    return fields.get(key) or next((f for f in fields.values() if f.alias == key), None)


def _model_in(annotation: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _literals(annotation: Any) -> list[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    if annotation is bool:
        return ["true", "false"]
    out: list[str] = []
    if typing.get_origin(annotation) is not None:  # unions, Annotated, list[...]
        for argument in typing.get_args(annotation):
            out.extend(v for v in _literals(argument) if v not in out)
    return out


def _reference_kind(path: Sequence[str], key: str | None) -> tuple[bool, str | None]:
    """Whether the value at ``path`` (+ ``key``) is an id reference, and of which list."""
    full = [*path, key] if key is not None else list(path)
    if not full:
        return False, None
    section, rest = full[0], full[1:]
    fields = REFERENCES.get(section, {})
    name = ".".join(rest)
    if name in fields:
        return True, fields[name]
    if key is None and f"{name}[]" in fields:
        return True, fields[f"{name}[]"]
    if section == "systems" and name == "fallback.to":
        return True, "systems"
    return False, None


def completion(ws: Workspace, path: Path, line: int, char: int) -> lsp.CompletionList:
    """Keys with their descriptions; enum values; known ids at reference positions."""
    index = ws.index(path)
    items: list[lsp.CompletionItem] = []
    if index is None:
        return lsp.CompletionList(is_incomplete=False, items=items)
    lines = index.lines
    text = lines[line][:char] if 0 <= line < len(lines) else ""
    key_match = _KEY_LINE.match(text)
    item_match = _ITEM_LINE.match(text) if key_match is None else None
    if key_match is not None:
        column = len(key_match.group(1)) + len(key_match.group(2) or "")
        parents = context_path(lines, line, column)
        items = _values(ws, path, parents, key_match.group(3))
    elif item_match is not None:
        parents = context_path(lines, line, len(item_match.group(1)) + 1)
        items = _values(ws, path, parents, None)
    partial = _PARTIAL_KEY.match(text)
    if partial is not None:
        column = len(partial.group(1)) + len(partial.group(2) or "")
        items.extend(_keys(context_path(lines, line, column)))
    return lsp.CompletionList(is_incomplete=False, items=items)


def _values(
    ws: Workspace, path: Path, parents: list[str], key: str | None
) -> list[lsp.CompletionItem]:
    is_reference, kind = _reference_kind(parents, key)
    if is_reference and kind == "rules":
        return [
            lsp.CompletionItem(
                label=rid,
                kind=lsp.CompletionItemKind.Constant,
                detail=rule.name,
                documentation=rule.summary,
            )
            for rid, rule in ws.rules_for(path).items()
        ]
    if is_reference:
        seen: dict[str, lsp.CompletionItem] = {}
        for index in _indexes(ws, path):
            for symbol in index.definitions:
                if (kind is None or symbol.kind == kind) and symbol.id not in seen:
                    summary = dict(symbol.summary)
                    seen[symbol.id] = lsp.CompletionItem(
                        label=symbol.id,
                        kind=lsp.CompletionItemKind.Reference,
                        detail=f"{_KIND_NAME.get(symbol.kind or '', 'item')}: {summary.get('name', '')}".rstrip(
                            ": "
                        ),
                        documentation=lsp.MarkupContent(
                            kind=lsp.MarkupKind.Markdown, value=item_markdown(symbol)
                        ),
                    )
        return list(seen.values())
    model = _model_for(parents)
    if model is None or (key is None and not parents):
        return []
    if key is None:  # a list entry: the list's own field
        model = _model_for(parents[:-1])
        key = parents[-1]
        if model is None:
            return []
    info = _field(model, key)
    if info is None:
        return []
    return [
        lsp.CompletionItem(label=value, kind=lsp.CompletionItemKind.EnumMember)
        for value in _literals(info.annotation)
    ]


def _keys(parents: list[str]) -> list[lsp.CompletionItem]:
    model = _model_for(parents)
    if model is None:
        return []
    items = []
    for name, info in model.model_fields.items():
        label = info.alias or name
        items.append(
            lsp.CompletionItem(
                label=label,
                kind=lsp.CompletionItemKind.Property,
                detail="required" if info.is_required() else "optional",
                documentation=lsp.MarkupContent(
                    kind=lsp.MarkupKind.Markdown, value=_key_doc(parents, label, info)
                ),
                insert_text=f"{label}: ",
            )
        )
    return items


def _key_doc(parents: list[str], label: str, info: Any) -> str:
    """A key's description (the model's docstrings) and what it takes."""
    nested = _model_in(info.annotation)
    lines = []
    description = info.description or (nested.__doc__ if nested is not None else None)
    if description:
        lines.append(" ".join(description.split()))
    is_reference, kind = _reference_kind(parents, label)
    if not is_reference and parents and label in ("approvers", "fallback"):
        is_reference, kind = _reference_kind([*parents, label], None)
    if is_reference:
        what = (
            "a rule ID"
            if kind == "rules"
            else f"the id of {_KIND_NAME.get(kind, 'any item') if kind else 'any item'}"
        )
        lines.append(f"Takes {what}{'s' if label in ('approvers', 'fallback') else ''}.")
    values = _literals(info.annotation)
    if values and values != ["true", "false"]:
        lines.append("One of: " + ", ".join(f"`{v}`" for v in values) + ".")
    if info.is_required():
        lines.append("Required.")
    elif info.default not in (None, ""):
        lines.append(f"Default: `{info.default}`.")
    return "\n\n".join(lines)


# -- code actions ------------------------------------------------------------------------


def code_actions(
    ws: Workspace, path: Path, rng: lsp.Range, today: dt.date | None = None
) -> list[lsp.CodeAction]:
    """Quick fixes for the problems in ``rng``: "did you mean" and "add a waiver"."""
    actions: list[lsp.CodeAction] = []
    for problem in ws.problems_by_file().get(path, []):
        if not _overlaps(problem.span, rng):
            continue
        if problem.suggestion is not None:
            fix = _did_you_mean(ws, problem)
            if fix is not None:
                actions.append(fix)
        finding = problem.finding
        if finding is not None and not finding.waived and _waivable(ws, path, finding.rule):
            action = _waiver_action(ws, problem, today or dt.date.today())
            if action is not None:
                actions.append(action)
    return actions


def _did_you_mean(ws: Workspace, problem: Problem) -> lsp.CodeAction | None:
    assert problem.suggestion is not None
    replacement = problem.suggestion
    index = ws.index(problem.file)
    span = problem.span
    if index is None or span.start_line >= len(index.lines):
        return None
    written = index.lines[span.start_line][span.start_char : span.end_char]
    quote = written[:1] if written[:1] in ("'", '"') else ""
    if problem.message.startswith("included file"):
        parent = PurePosixPath(written.strip("'\"")).parent
        replacement = str(parent / replacement) if str(parent) != "." else replacement
    new_text = f"{quote}{replacement}{quote}"
    return lsp.CodeAction(
        title=f"Replace with '{replacement}'",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(problem)],
        is_preferred=True,
        edit=lsp.WorkspaceEdit(
            changes={problem.file.as_uri(): [lsp.TextEdit(range=to_range(span), new_text=new_text)]}
        ),
    )


def _waivable(ws: Workspace, path: Path, rule_id: str) -> bool:
    """Whether a waiver can suppress the rule's findings: not those of a rule that judges
    the waivers themselves (phase ``waivers``: WVR001-WVR004, a pack's waiver rules)."""
    rule = ws.rules_for(path).get(rule_id)
    return rule.phase != "waivers" if rule is not None else not rule_id.startswith("WVR")


def _waiver_action(ws: Workspace, problem: Problem, today: dt.date) -> lsp.CodeAction | None:
    finding = problem.finding
    assert finding is not None
    files = ws.scope(problem.file)
    blueprint = next(
        (bp for bp, state in ws.blueprints.items() if problem.file in state.files), problem.file
    )
    indexes = [i for i in (ws.index(f) for f in files) if i is not None]
    approver = _approver(indexes, finding.target)
    expires = (today + dt.timedelta(days=WAIVER_DAYS)).isoformat()
    fields = [
        ("rule", finding.rule),
        ("target", _yaml_scalar(finding.target)),
        ("reason", _yaml_scalar(WAIVER_REASON)),
        ("approved_by", approver),
        ("expires", expires),
    ]
    edit = _waiver_edit(ws, indexes, blueprint, fields)
    if edit is None:
        return None
    uri, text_edit = edit
    return lsp.CodeAction(
        title=f"Add a waiver for {finding.rule} on '{finding.target}'",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(problem)],
        edit=lsp.WorkspaceEdit(changes={uri: [text_edit]}),
    )


def _yaml_scalar(text: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", text) and text.lower() not in (
        "yes",
        "no",
        "on",
        "off",
        "true",
        "false",
        "null",
        "y",
        "n",
    ):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _approver(indexes: Sequence[FileIndex], target: str) -> str:
    """An owner other than the target's own, preferring a second line of defence."""
    owners = [d for i in indexes for d in i.definitions if d.kind == "owners"]
    target_owner = None
    for index in indexes:
        for symbol in index.definitions:
            if symbol.id == target:
                target_owner = dict(symbol.summary).get("owner")
        tree = index.tree
        if (
            isinstance(tree, YMap)
            and isinstance(tree.get("blueprint"), YMap)
            and tree["blueprint"].get("id") == target
        ):
            owner = tree["blueprint"].get("owner")
            target_owner = owner if isinstance(owner, str) else target_owner
    candidates = [o for o in owners if o.id != target_owner]
    preferred = [
        o
        for o in candidates
        if dict(o.summary).get("function") in ("compliance", "risk", "security")
    ]
    chosen = (preferred or candidates)[:1]
    return chosen[0].id if chosen else "TODO-approver"


def _waiver_edit(
    ws: Workspace, indexes: Sequence[FileIndex], blueprint: Path, fields: list[tuple[str, str]]
) -> tuple[str, lsp.TextEdit] | None:
    for index in indexes:
        tree = index.tree
        if not isinstance(tree, YMap) or "waivers" not in tree:
            continue
        waivers = tree["waivers"]
        if not isinstance(waivers, YSeq) or not waivers:
            return None  # `waivers: []` or broken: no safe place to insert
        line = waivers.item_marks[0][0] - 1
        text = index.lines[line]
        dash = len(text) - len(text.lstrip())
        block = _waiver_block(" " * dash, fields)
        return index.path.as_uri(), lsp.TextEdit(
            range=lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)), new_text=block
        )
    top = ws.index(blueprint)
    if top is None:
        return None
    lines = top.lines
    block = "waivers:\n" + _waiver_block("  ", fields)
    raw = ws.text(blueprint) or ""
    if raw and not raw.endswith("\n"):
        position = lsp.Position(len(lines) - 1, len(lines[-1]))
        block = "\n" + block
    else:
        position = lsp.Position(len(lines), 0)
    return blueprint.as_uri(), lsp.TextEdit(range=lsp.Range(position, position), new_text=block)


def _waiver_block(indent: str, fields: list[tuple[str, str]]) -> str:
    out = []
    for number, (key, value) in enumerate(fields):
        lead = f"{indent}- " if number == 0 else f"{indent}  "
        out.append(f"{lead}{key}: {value}\n")
    return "".join(out)
