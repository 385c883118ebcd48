"""Convert offsets between Python ``str`` indices (code points) and browser UTF-16 code units."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from workbench.domain.errors import Invalid

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetError(Invalid):
    """An offset outside the text, or one that falls between the two halves of a surrogate pair."""


class Utf16Index:
    """The offset tables of one text, built once; each conversion is then a binary search.

    JavaScript strings count UTF-16 code units, so every character beyond the Basic Multilingual
    Plane (most emoji) is two units in the browser but one index in Python. Only those characters
    matter: the tables hold their positions, and texts without any convert by identity.
    """

    __slots__ = ("_astral", "_astral_ends16", "length", "length16")

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 offset just after the k-th astral character: its index, plus k earlier extra units, plus 2
        self._astral_ends16 = [index + k + 2 for k, index in enumerate(self._astral)]
        self.length = len(text)
        self.length16 = len(text) + len(self._astral)

    def to_utf16(self, index: int) -> int:
        """The UTF-16 offset of the Python index ``index`` (0 <= index <= len(text))."""
        if not 0 <= index <= self.length:
            raise OffsetError(f"index {index} is outside the text (0..{self.length})")
        return index + bisect.bisect_left(self._astral, index)

    def from_utf16(self, offset: int) -> int:
        """The Python index of the UTF-16 offset ``offset``; refuses an offset inside a surrogate pair."""
        index = self._index_at_or_after(offset)
        if self.to_utf16(index) != offset:
            raise OffsetError(f"UTF-16 offset {offset} falls inside a character outside the BMP")
        return index

    def _index_at_or_after(self, offset: int) -> int:
        """The first Python index whose UTF-16 offset is ``offset`` or more."""
        if not 0 <= offset <= self.length16:
            raise OffsetError(f"UTF-16 offset {offset} is outside the text (0..{self.length16})")
        return offset - bisect.bisect_right(self._astral_ends16, offset)

    def span_from_utf16(self, start: int, end: int) -> tuple[int, int]:
        """A browser selection ``[start, end)`` as Python indices, widened to whole characters."""
        first = self._index_at_or_after(start)
        if self.to_utf16(first) != start:
            first -= 1  # a start inside a surrogate pair keeps the whole character
        return first, self._index_at_or_after(end)

    def many_to_utf16(self, indices: Iterable[int]) -> list[int]:
        """:meth:`to_utf16` for many indices at once."""
        if not self._astral:
            return [self._checked(i) for i in indices]
        return [self.to_utf16(i) for i in indices]

    def many_from_utf16(self, offsets: Iterable[int]) -> list[int]:
        """:meth:`from_utf16` for many offsets at once."""
        if not self._astral:
            return [self._checked(o) for o in offsets]
        return [self.from_utf16(o) for o in offsets]

    def _checked(self, value: int) -> int:
        if not 0 <= value <= self.length:
            raise OffsetError(f"offset {value} is outside the text (0..{self.length})")
        return value


def utf16_length(text: str) -> int:
    """How many UTF-16 code units the browser counts in ``text``."""
    return len(text) + len(_ASTRAL.findall(text))
