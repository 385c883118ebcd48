"""PDF page geometry: words into rows, rows into sections and columns, and lines in reading order."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# A gap wider than this many ems between two words on one row may be a gutter between columns.
GUTTER_EM = 1.0
# Narrowest white strip (in ems) that still separates two columns.
MIN_GUTTER_EM = 0.5
# A section is read column by column only with this many rows and columns this wide (share of page).
MIN_COLUMN_ROWS = 3
MIN_COLUMN_SHARE = 0.2


@dataclass(frozen=True)
class Word:
    """One word of the text layer with its box in PDF points (top grows downwards)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class Row:
    """Words sharing one baseline band, left to right; may span several columns."""

    words: list[Word]
    top: float
    bottom: float

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class Line:
    """A line of text in reading order, with the geometry the paragraph rules need."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class _Section:
    """Consecutive rows sharing the same white gutters (none for single-column text)."""

    rows: list[list[list[Word]]] = field(default_factory=list)
    gutters: list[tuple[float, float]] = field(default_factory=list)


def group_rows(words: Iterable[Word]) -> list[Row]:
    """Rows of words, top to bottom; a word joins a row when it overlaps half its height or more."""
    rows: list[Row] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        row = rows[-1] if rows else None
        if row is not None and _overlaps_half(row, word):
            row.words.append(word)
            if word.bottom - word.top > row.bottom - row.top:
                row.top, row.bottom = word.top, word.bottom
        else:
            rows.append(Row([word], word.top, word.bottom))
    for row in rows:
        row.words.sort(key=lambda w: w.x0)
    return rows


def _overlaps_half(row: Row, word: Word) -> bool:
    overlap = min(row.bottom, word.bottom) - max(row.top, word.top)
    smaller = min(row.bottom - row.top, word.bottom - word.top)
    return overlap > 0 and overlap >= 0.5 * smaller


def reading_order(rows: Sequence[Row]) -> list[Line]:
    """The page's lines in reading order: column sections column by column, the rest row by row."""
    words = [w for row in rows for w in row.words]
    if not words:
        return []
    page_width = max(w.x1 for w in words) - min(w.x0 for w in words)
    lines: list[Line] = []
    for section in _sections(rows):
        if _is_columnar(section, page_width):
            for column in range(len(section.gutters) + 1):
                lines.extend(_column_lines(section, column))
        else:
            lines.extend(_make_line([w for frag in frags for w in frag]) for frags in section.rows)
    return lines


def _fragments(row: Row) -> list[list[Word]]:
    """Split a row where two words are further apart than a gutter could be narrow."""
    fragments = [[row.words[0]]]
    for word in row.words[1:]:
        previous = fragments[-1][-1]
        if word.x0 - previous.x1 > GUTTER_EM * max(previous.size, word.size):
            fragments.append([word])
        else:
            fragments[-1].append(word)
    return fragments


def _sections(rows: Sequence[Row]) -> list[_Section]:
    sections: list[_Section] = []
    for row in rows:
        frags = _fragments(row)
        current = sections[-1] if sections else None
        gutters = _narrowed(current, frags) if current is not None else None
        beside = _beside(current, frags) if current is not None else None
        if current is not None and gutters is not None and beside is None:
            current.rows.append(frags)
            current.gutters = gutters
            continue
        gaps = [beside] if beside else [(a[-1].x1, b[0].x0) for a, b in itertools.pairwise(frags)]
        section = _Section([frags], gaps)
        if current is not None and gaps:
            _pull_back(current, section)
            if not current.rows:
                sections.pop()
        sections.append(section)
    return sections


def _beside(section: _Section, frags: list[list[Word]]) -> tuple[float, float] | None:
    """The gap between this row and the one above when they sit side by side, not one under the other.

    Columns whose baselines do not line up give rows holding one column each; such a pair of rows
    is what shows the gutter then.
    """
    if section.gutters or len(frags) != 1 or len(section.rows[-1]) != 1:
        return None
    left, right = sorted((section.rows[-1][0], frags[0]), key=lambda frag: frag[0].x0)
    size = max(left[-1].size, right[0].size)
    if right[0].x0 - left[-1].x1 > GUTTER_EM * size:
        return (left[-1].x1, right[0].x0)
    return None


def _pull_back(previous: _Section, section: _Section) -> None:
    """Move the rows ending a loose section into the new column section when they fit its gutters.

    A column section may begin with a row holding one column only, or with a row split by a stray
    wide gap; such rows belong to the columns that follow, not before them.
    """
    if previous.gutters and len(previous.rows) >= MIN_COLUMN_ROWS:
        return
    while previous.rows:
        gutters = _narrowed(section, previous.rows[-1])
        if gutters is None:
            return
        section.rows.insert(0, previous.rows.pop())
        section.gutters = gutters


def _narrowed(section: _Section, frags: list[list[Word]]) -> list[tuple[float, float]] | None:
    """The section's gutters narrowed to stay clear of this row, or None if the row crosses one."""
    if not section.gutters:
        return [] if len(frags) == 1 else None
    size = statistics.median(w.size for frag in frags for w in frag)
    narrowed = []
    for g0, g1 in section.gutters:
        for frag in frags:
            x0, x1 = frag[0].x0, frag[-1].x1
            if x1 <= g0 or x0 >= g1:
                continue
            if x0 <= g0:
                g0 = x1
            elif x1 >= g1:
                g1 = x0
            else:
                return None
        if g1 - g0 < MIN_GUTTER_EM * size:
            return None
        narrowed.append((g0, g1))
    return narrowed


def _column_of(frag: list[Word], gutters: list[tuple[float, float]]) -> int:
    centre = (frag[0].x0 + frag[-1].x1) / 2
    return sum(1 for g0, g1 in gutters if centre > (g0 + g1) / 2)


def _is_columnar(section: _Section, page_width: float) -> bool:
    """Read column by column only real text columns: enough rows, each column wide enough."""
    if not section.gutters or len(section.rows) < MIN_COLUMN_ROWS:
        return False
    widths: dict[int, list[float]] = {}
    for frags in section.rows:
        for frag in frags:
            widths.setdefault(_column_of(frag, section.gutters), []).append(frag[-1].x1 - frag[0].x0)
    if len(widths) < len(section.gutters) + 1:
        return False
    return all(statistics.median(ws) >= MIN_COLUMN_SHARE * page_width for ws in widths.values())


def _column_lines(section: _Section, column: int) -> list[Line]:
    lines = []
    for frags in section.rows:
        words = [w for frag in frags if _column_of(frag, section.gutters) == column for w in frag]
        if words:
            lines.append(_make_line(words))
    return lines


def _make_line(words: list[Word]) -> Line:
    """One line from words left to right; its size is the size most of its characters have."""
    sizes: dict[float, int] = {}
    for word in words:
        sizes[round(word.size, 1)] = sizes.get(round(word.size, 1), 0) + len(word.text)
    size = max(sizes, key=lambda s: (sizes[s], s))
    return Line(
        " ".join(w.text for w in words),
        min(w.x0 for w in words),
        max(w.x1 for w in words),
        min(w.top for w in words),
        max(w.bottom for w in words),
        size,
    )
