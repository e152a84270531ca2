"""Printed font sizes of the text in a PDF, for the legibility tests.

The size a reader sees is the font size of ``Tf`` scaled by the text matrix
(``Tm``, ``Td``...) and by every current transformation (``cm``, and the
matrix of each form XObject a map or chart is drawn in): the length of the
text space's vertical unit in page space. Form XObjects are followed with
their own matrix. Typst draws an SVG map's labels as text in the map's font,
so the font tells a map label from the document's own text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader

__all__ = ["Run", "text_runs"]

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Run:
    """One text-showing operator: the page (1-based), font, printed size in pt."""

    page: int
    font: str
    size: float
    glyphs: int


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """``m`` times ``n`` in PDF's row-vector convention (``m`` applied first)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def _font_name(resources: Any, key: str) -> str:
    fonts = resources.get("/Font") if resources else None
    font = fonts.get_object().get(key) if fonts else None
    if font is None:
        return key
    base = str(font.get_object().get("/BaseFont", key))
    return base.split("+", 1)[-1].lstrip("/")


#: Tokens of a content stream: strings (balanced or escaped parentheses), hex
#: strings, dictionary and array brackets, names, numbers, operators.
_TOKEN = re.compile(
    rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)"
    rb"|<<|>>|<[0-9A-Fa-f\s]*>|\[|\]"
    rb"|/[^\s/\[\]()<>{}%]*"
    rb"|[+-]?(?:\d+\.?\d*|\.\d+)"
    rb"|[A-Za-z'\"*]+[0-9]*"
    rb"|%[^\r\n]*",
    re.DOTALL,
)
_ESCAPE = re.compile(rb"\\(?:[0-7]{1,3}|.)", re.DOTALL)


def _operations(data: bytes) -> Iterator[tuple[list[bytes], bytes]]:
    """``(operands, operator)`` of a content stream; operands as raw tokens
    (arrays flattened: only their strings matter here)."""
    operands: list[bytes] = []
    for match in _TOKEN.finditer(data):
        token = match.group()
        first = token[:1]
        if first in b"([<]/%+-." or first.isdigit() or token in (b">>",):
            if first != b"%":
                operands.append(token)
        elif first.isalpha() or first in b"'\"*":
            yield operands, token
            operands = []


def _glyphs(operands: list[bytes]) -> int:
    """Glyphs shown: Typst writes two-byte glyph ids (Identity-H)."""
    count = 0
    for token in operands:
        if token[:1] == b"(":
            count += len(_ESCAPE.sub(b"x", token[1:-1]))
        elif token[:1] == b"<" and token != b"<<":
            count += len(re.sub(rb"\s", b"", token[1:-1])) // 2
    return max(1, count // 2)


def _walk(data: bytes, resources: Any, ctm: Matrix, page: int) -> Iterator[Run]:
    stack: list[Matrix] = []
    tm = tlm = _IDENTITY
    font, size, leading = "", 0.0, 0.0

    def numbers(operands: list[bytes], n: int) -> tuple[float, ...]:
        return tuple(float(x) for x in operands[-n:])

    for operands, op in _operations(data):
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop() if stack else ctm
        elif op == b"cm":
            ctm = _mul(numbers(operands, 6), ctm)  # type: ignore[arg-type]
        elif op == b"BT":
            tm = tlm = _IDENTITY
        elif op == b"Tf":
            font, size = _font_name(resources, operands[-2].decode()), float(operands[-1])
        elif op == b"TL":
            leading = float(operands[-1])
        elif op in (b"Td", b"TD"):
            tx, ty = numbers(operands, 2)
            if op == b"TD":
                leading = -ty
            tm = tlm = _mul((1.0, 0.0, 0.0, 1.0, tx, ty), tlm)
        elif op == b"Tm":
            tm = tlm = numbers(operands, 6)  # type: ignore[assignment]
        elif op in (b"T*", b"'", b'"'):
            tm = tlm = _mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
        if op in (b"Tj", b"TJ", b"'", b'"'):
            full = _mul(tm, ctm)
            printed = size * math.hypot(full[2], full[3])
            yield Run(page, font, round(printed, 2), _glyphs(operands))
        elif op == b"Do":
            xobjects = resources.get("/XObject") if resources else None
            xobject = xobjects.get_object().get(operands[-1].decode()) if xobjects else None
            xobject = xobject.get_object() if xobject is not None else None
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                matrix = tuple(float(x) for x in xobject.get("/Matrix", _IDENTITY))
                inner = xobject.get("/Resources")
                yield from _walk(
                    xobject.get_data(),
                    inner.get_object() if inner is not None else resources,
                    _mul(matrix, ctm),  # type: ignore[arg-type]
                    page,
                )


def text_runs(data: bytes | str) -> list[Run]:
    """Every text-showing operator of every page, with its printed size."""
    import io

    reader = PdfReader(io.BytesIO(data) if isinstance(data, bytes) else data)
    runs: list[Run] = []
    for number, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        if contents is None:
            continue
        resources = page.get("/Resources")
        runs.extend(
            _walk(
                contents.get_data(),
                resources.get_object() if resources is not None else None,
                _IDENTITY,
                number,
            )
        )
    return runs
