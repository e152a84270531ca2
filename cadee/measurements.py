"""KPI measurements from CSV files (spec 1.1 A1 and clarification 4).

A measurements file is UTF-8 (a leading byte-order mark is ignored), with LF
or CRLF line endings, RFC 4180 quoting, and the header ``date,value`` or
``date,value,note``. Every problem is located at the physical line and the
column where the field starts (its opening quote, if any); all of a file's
problems are reported in one run. The reader is a small state machine rather
than the standard library's ``csv`` module because that module reports no
columns and accepts what the specification refuses (stray quotes, short rows).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from dataclasses import dataclass

from cadee.diagnostics import byte_position
from cadee.text import plural, shorten

__all__ = ["CsvProblem", "CsvRow", "parse_measurements_csv"]

_HEADERS = (("date", "value"), ("date", "value", "note"))
_VALUE = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Python refuses to convert longer integers (sys.int_info.str_digits_check_threshold).
_MAX_DIGITS = 4000


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One measurement read from a file, with where its row starts."""

    date: dt.date
    value: int | float
    note: str | None
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class CsvProblem:
    line: int
    column: int
    message: str


@dataclass(frozen=True, slots=True)
class _Field:
    text: str
    line: int
    column: int
    #: A quoting problem was reported in this field; its row is not used.
    bad: bool = False


def _records(text: str, problems: list[CsvProblem]) -> list[list[_Field]]:
    """Split RFC 4180 text into records of fields, each with its starting position."""
    records: list[list[_Field]] = []
    record: list[_Field] = []
    length = len(text)
    position, line, column = 0, 1, 1
    while position <= length:
        start_line, start_column = line, column
        chars: list[str] = []
        reported = len(problems)
        if position < length and text[position] == '"':
            position += 1
            column += 1
            closed = False
            while position < length:
                char = text[position]
                if char == '"':
                    if position + 1 < length and text[position + 1] == '"':
                        chars.append('"')
                        position += 2
                        column += 2
                        continue
                    position += 1
                    column += 1
                    closed = True
                    break
                chars.append(char)
                position += 1
                if char == "\n":
                    line, column = line + 1, 1
                else:
                    column += 1
            if not closed:
                problems.append(
                    CsvProblem(start_line, start_column, "a quoted field is never closed")
                )
                record.append(_Field("".join(chars), start_line, start_column))
                records.append(record)
                return records
            if position < length and text[position] not in ",\r\n":
                problems.append(CsvProblem(line, column, "unexpected text after a closing quote"))
                while position < length and text[position] not in ",\n":
                    position += 1
                    column += 1
        else:
            while position < length and text[position] not in ",\n":
                char = text[position]
                if char == '"':
                    problems.append(
                        CsvProblem(
                            line, column, "a quote inside an unquoted field (quote the whole field)"
                        )
                    )
                if char == "\r" and position + 1 < length and text[position + 1] == "\n":
                    position += 1
                    column += 1
                    continue
                chars.append(char)
                position += 1
                column += 1
        if (
            position < length
            and text[position] == "\r"
            and position + 1 < length
            and text[position + 1] == "\n"
        ):
            position += 1
        record.append(_Field("".join(chars), start_line, start_column, len(problems) > reported))
        if position >= length:
            records.append(record)
            break
        if text[position] == ",":
            position += 1
            column += 1
            continue
        # A line feed ends the record.
        records.append(record)
        record = []
        position += 1
        line, column = line + 1, 1
        if position == length:
            break
    return records


def _value(field: _Field, problems: list[CsvProblem]) -> int | float | None:
    text = field.text
    match = _VALUE.fullmatch(text)
    if match is None:
        problems.append(
            CsvProblem(field.line, field.column, f"value {_echo(text)} is not a number")
        )
        return None
    if match.group(1) is None and match.group(2) is None:
        if len(text) > _MAX_DIGITS:
            problems.append(
                CsvProblem(field.line, field.column, f"value has {len(text):,} digits; too large")
            )
            return None
        whole = int(text)
        if abs(whole) > sys.float_info.max:  # beyond the float range: cannot be averaged
            problems.append(
                CsvProblem(field.line, field.column, f"value {_echo(text)} is too large")
            )
            return None
        return whole
    number = float(text)
    if not math.isfinite(number):
        problems.append(CsvProblem(field.line, field.column, f"value {_echo(text)} is too large"))
        return None
    return number


def _date(field: _Field, problems: list[CsvProblem]) -> dt.date | None:
    if _DATE.fullmatch(field.text) is None:
        problems.append(
            CsvProblem(field.line, field.column, f"date {_echo(field.text)} is not YYYY-MM-DD")
        )
        return None
    try:
        return dt.date.fromisoformat(field.text)
    except ValueError:
        problems.append(
            CsvProblem(field.line, field.column, f"date {_echo(field.text)} is not a calendar date")
        )
        return None


def _echo(text: str) -> str:
    return repr(shorten(text, 40))


def parse_measurements_csv(data: bytes) -> tuple[list[CsvRow], list[CsvProblem]]:
    """The measurements of one CSV file, and every problem found in it."""
    problems: list[CsvProblem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = byte_position(data, exc.start)
        return [], [CsvProblem(line, column, "the file is not UTF-8")]
    if not text:
        return [], [CsvProblem(1, 1, "the file is empty; it starts with the header `date,value`")]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return [], [CsvProblem(line, 1, "the file contains a NUL character; it is not a CSV file")]
    records = _records(text, problems)
    if not records:
        return [], [CsvProblem(1, 1, "the file is empty; it starts with the header `date,value`")]
    header = tuple(f.text for f in records[0])
    if header not in _HEADERS:
        shown = shorten(",".join(header), 60)
        problems.append(
            CsvProblem(
                1, 1, f"the header is {shown!r}; it must be `date,value` or `date,value,note`"
            )
        )
        return [], problems
    rows: list[CsvRow] = []
    for record in records[1:]:
        if len(record) == 1 and record[0].text == "":
            continue  # a completely empty line
        first = record[0]
        if any(f.bad for f in record):
            continue
        if len(record) != len(header):
            problems.append(
                CsvProblem(
                    first.line,
                    first.column,
                    f"the row has {plural(len(record), 'field')}; the header has {len(header)}",
                )
            )
            continue
        date = _date(record[0], problems)
        value = _value(record[1], problems)
        note = record[2].text if len(record) == 3 and record[2].text else None
        if date is not None and value is not None:
            rows.append(CsvRow(date, value, note, first.line, first.column))
    return rows, sorted(problems, key=lambda p: (p.line, p.column))
