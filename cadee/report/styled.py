"""Report text with its styles as data, without importing rich.

:class:`Styled` holds the text and the style of each span, the part of
``rich.text.Text`` the line reports use (``append``, ``append_text``,
``stylize``, ``plain``). A run whose output goes to a pipe, a file or a CI log
(a pre-commit hook, CI) prints :attr:`Styled.plain` and never imports rich,
about 15 ms of start-up; a terminal gets :meth:`Styled.rich`, the same text
with the same spans, which rich colours (``cadee.commands.common.show`` decides).
Text given to it is already escaped (:func:`cadee.text.terminal`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

__all__ = ["Styled"]


class Styled:
    """Text and its styled spans ``(start, end, style)``, in the order they were added."""

    __slots__ = ("_length", "_parts", "_spans")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._spans: list[tuple[int, int, str]] = []
        self._length = 0

    def append(self, text: str, style: str | None = None) -> Styled:
        """Add ``text``, in ``style`` when given."""
        if text:
            if style:
                self._spans.append((self._length, self._length + len(text), style))
            self._parts.append(text)
            self._length += len(text)
        return self

    def append_text(self, other: Styled) -> Styled:
        """Add ``other`` with its styles."""
        offset = self._length
        self._parts.extend(other._parts)
        self._spans.extend((start + offset, end + offset, s) for start, end, s in other._spans)
        self._length += other._length
        return self

    def stylize(self, style: str) -> None:
        """Add ``style`` over the whole text so far (over the styles already there)."""
        if style and self._length:
            self._spans.append((0, self._length, style))

    @property
    def plain(self) -> str:
        """The text without styles."""
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    def rich(self) -> Text:
        """The same text and spans as a ``rich.text.Text``, for a terminal."""
        from rich.text import Span, Text

        return Text(
            self.plain, spans=[Span(start, end, style) for start, end, style in self._spans]
        )
