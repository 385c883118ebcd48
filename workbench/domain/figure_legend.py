"""The key under a context infographic: rows of swatches and their texts, flowed so nothing overlaps."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.print_geometry import LINE_EM, Rect, Text, text_width, wrap

SWATCH_GAP = 8  # between a swatch and its text
ENTRY_GAP = 18  # between one entry and the next on a row
ROW_GAP = 8


@dataclass(frozen=True)
class Swatch:
    """A legend sample: a line, a bordered box, a rounded (mechanism) or square (outcome) box, or a panel."""

    kind: str  # line, border, mechanism, outcome, context
    rect: Rect
    width: float  # stroke width in pixels
    colour: str
    fill: str = "#ffffff"

    def footprint(self) -> Rect:
        """The area the swatch covers, its stroke included."""
        return self.rect.grown(self.width / 2)


@dataclass(frozen=True)
class SwatchSpec:
    """What a swatch should be before it is placed."""

    kind: str
    width_px: float
    height_px: float
    stroke: float
    colour: str
    fill: str = "#ffffff"


@dataclass(frozen=True)
class LegendEntry:
    """One placed entry: an optional swatch and the text that explains it."""

    swatch: Swatch | None
    text: Text

    def rects(self) -> tuple[Rect, ...]:
        """The swatch's footprint (when there is one) and the text's rectangle."""
        return ((self.swatch.footprint(),) if self.swatch else ()) + (self.text.rect,)


Item = tuple[SwatchSpec | None, str, bool]  # swatch, text, bold


class Flow:
    """Places entries left to right, starting a new line when the next one would not fit."""

    def __init__(self, left: float, right: float, top: float, size: float) -> None:
        self.left, self.right, self.size = left, right, size
        self.x, self.y, self.row_h = left, top, 0.0
        self.entries: list[LegendEntry] = []

    def newline(self) -> None:
        """Move to the start of the next line (does nothing on an empty line)."""
        if self.x > self.left:
            self.x, self.y, self.row_h = self.left, self.y + self.row_h + ROW_GAP, 0.0

    def add(self, spec: SwatchSpec | None, text: str, bold: bool = False) -> None:
        """Place one entry: its swatch (stroke kept clear of the text) followed by its text."""
        lead = spec.width_px + spec.stroke + SWATCH_GAP if spec else 0.0
        width = lead + text_width(text, self.size, bold)
        if self.x > self.left and self.x + width > self.right:
            self.newline()
        lines: tuple[str, ...] = (text,)
        if self.x + width > self.right:
            lines = wrap(text, self.right - self.x - lead, self.size, bold)
        line_h = self.size * LINE_EM
        height = max(len(lines) * line_h, spec.height_px + spec.stroke if spec else 0.0)
        swatch = None
        if spec:
            x0 = self.x + spec.stroke / 2
            cy = self.y + height / 2 if len(lines) > 1 else self.y + line_h / 2
            rect = Rect(x0, cy - spec.height_px / 2, x0 + spec.width_px, cy + spec.height_px / 2)
            swatch = Swatch(spec.kind, rect, spec.stroke, spec.colour, spec.fill)
        text_top = self.y + (height - len(lines) * line_h) / 2 if len(lines) > 1 else self.y
        placed = Text.at("legend", lines, self.size, self.x + lead, text_top, bold)
        self.entries.append(LegendEntry(swatch, placed))
        self.x = max(placed.rect.x1, self.x + lead) + ENTRY_GAP
        self.row_h = max(self.row_h, height, placed.rect.y1 - self.y)

    def bottom(self) -> float:
        """The lowest pixel used so far."""
        return self.y + self.row_h


def samples(counts: list[int], at_most: int = 6) -> list[int]:
    """Up to ``at_most`` of the distinct positive counts: all, or evenly spread including both ends."""
    distinct = sorted({c for c in counts if c > 0}) or [1]
    if len(distinct) <= at_most:
        return distinct
    picks = {distinct[round(i * (len(distinct) - 1) / (at_most - 1))] for i in range(at_most)}
    return sorted(picks)


def studies(count: int) -> str:
    """``1 study``, ``3 studies``."""
    return f"{count} stud{'y' if count == 1 else 'ies'}"
