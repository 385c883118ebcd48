"""Which unit a producer counted selection offsets in, and their conversion to code points.

The standard says Unicode code points; NVivo for Windows counts UTF-16 code units over the stored
text (CRLF is two, the byte-order mark is not counted). Per source, each candidate unit is tried on
the selections themselves: a selection whose ``name`` is the selected text (ATLAS.ti) must match it,
and others should start and end on word or line boundaries. The unit that places the most
selections well wins; the producer (``origin``) only breaks ties.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Unit(StrEnum):
    """How a producer counted positions in a text."""

    CODE_POINTS = "Unicode code points"
    UTF16 = "UTF-16 code units"


@dataclass(frozen=True)
class RawSelection:
    """A selection as written in the file: positions in the producer's unit."""

    guid: str
    start: int
    end: int
    name: str = ""


class Utf16Index:
    """Converts UTF-16 code-unit offsets of one text to code points (built once per text)."""

    def __init__(self, text: str) -> None:
        self.astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self.length = len(text) + len(self.astral)

    def to_code_points(self, offset: int) -> int | None:
        """The code-point index of a UTF-16 offset; None inside a surrogate pair or out of range."""
        if not 0 <= offset <= self.length:
            return None
        # the k-th astral character (0-based) at code point a sits at UTF-16 units a + k and a + k + 1
        low, high = 0, len(self.astral)
        while low < high:
            mid = (low + high) // 2
            if self.astral[mid] + mid < offset:
                low = mid + 1
            else:
                high = mid
        if low > 0 and self.astral[low - 1] + low == offset:
            return None  # between the two halves of a surrogate pair
        return offset - low


def _is_boundary(text: str, position: int) -> bool:
    if position <= 0 or position >= len(text):
        return True
    return not (text[position - 1].isalnum() and text[position].isalnum())


def name_matches(text: str, start: int, end: int, name: str) -> bool | None:
    """Whether ``name`` is the selected text (None: the selection has no usable name)."""
    name = name.strip()
    if not name:
        return None
    selected = " ".join(text[start:end].split())
    wanted = " ".join(name.split())
    if wanted.endswith("…"):  # ATLAS.ti shortens long quotations to their first hundred characters
        return selected.startswith(wanted[:-1].rstrip())
    return selected == wanted


def resolve(
    text: str, selection: RawSelection, unit: Unit, index: Utf16Index | None = None
) -> tuple[int, int] | str:
    """The selection's ``[start, end)`` in code points, or why it does not resolve."""
    start, end = selection.start, selection.end
    if start < 0 or end < 0:
        return "a negative position"
    if start >= end:
        return "it is empty or its start is not before its end"
    if unit is Unit.UTF16:
        index = index or Utf16Index(text)
        if end > index.length:
            return f"it ends past the end of the text ({index.length} UTF-16 code units)"
        a, b = index.to_code_points(start), index.to_code_points(end)
        if a is None or b is None:
            return "it starts or ends inside a surrogate pair (half an emoji)"
        return a, b
    if end > len(text):
        return f"it ends past the end of the text ({len(text)} characters)"
    return start, end


def _score(text: str, selections: Sequence[RawSelection], unit: Unit) -> int:
    index = Utf16Index(text) if unit is Unit.UTF16 else None
    score = 0
    for selection in selections:
        placed = resolve(text, selection, unit, index)
        if isinstance(placed, str):
            continue
        start, end = placed
        named = name_matches(text, start, end, selection.name)
        if named is not None:
            score += 3 if named else 0
        else:
            score += int(_is_boundary(text, start)) + int(_is_boundary(text, end))
    return score


def names_are_text(text: str, placed: Sequence[tuple[RawSelection, tuple[int, int]]], origin: str) -> bool:
    """Whether the producer writes the selected text as a selection's ``name`` (ATLAS.ti does, and so
    do we): then a name that differs from the text at the selection's place means a misplaced one."""
    named = [name_matches(text, a, b, s.name) for s, (a, b) in placed]
    votes = [v for v in named if v is not None]
    return bool(votes) and ("atlas.ti" in origin.lower() or 2 * sum(votes) > len(votes))


def preferred_unit(origin: str) -> Unit:
    """The unit a producer is known to use: NVivo for Windows counts UTF-16 code units."""
    lowered = origin.lower()
    return Unit.UTF16 if "nvivo" in lowered and "mac" not in lowered else Unit.CODE_POINTS


def detect_unit(text: str, selections: Sequence[RawSelection], origin: str) -> Unit:
    """The unit that places this source's selections best (ties go to the producer's known unit)."""
    prior = preferred_unit(origin)
    if not selections or all(ord(ch) <= 0xFFFF for ch in text):
        return prior  # without astral characters both units give the same positions
    other = Unit.CODE_POINTS if prior is Unit.UTF16 else Unit.UTF16
    return other if _score(text, selections, other) > _score(text, selections, prior) else prior
