"""Pixel geometry of print figures: rectangles, placed text, curves, and sizes at a journal's column width."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from itertools import pairwise

PRINT_CM = 17.0  # a journal's full column width
CM_PER_PT = 0.03528
MIN_PT = 8.0
CHAR_EM = 0.56  # estimated glyph width per font size (Arial / Liberation Sans, regular), generous
BOLD_EM = 0.62
WIDE_EM = {"M": 0.95, "W": 0.98, "m": 0.87, "w": 0.78}  # wider than an ordinary capital
CAPITAL_EM = 0.8
LINE_EM = 1.3  # line height per font size (plotly sets lines 1.3 em apart)
# A PNG has at most this many pixels: a 17 cm column at 300 dpi by a full page is about 14 MP, so every
# infographic keeps its 300 dpi; a taller figure (a 200-study matrix would be 98 MP, past Pillow's
# decompression-bomb warning) is painted with fewer dots per inch. Its SVG and PDF keep the full size.
MAX_PNG_PIXELS = 16_000_000
MAX_PNG_SIDE = 32_000  # cairo's largest image side is 32,767 pixels


def points_at_print(size_px: float, canvas_px: float, print_cm: float = PRINT_CM) -> float:
    """The points ``size_px`` becomes when a ``canvas_px`` wide figure prints ``print_cm`` wide."""
    return size_px * print_cm / canvas_px / CM_PER_PT


def pixels_for_points(points: float, canvas_px: float, print_cm: float = PRINT_CM) -> float:
    """The font size in canvas pixels that prints at ``points`` (inverse of :func:`points_at_print`)."""
    return points * CM_PER_PT * canvas_px / print_cm


def raster_scale(width: float, height: float, scale: float) -> float:
    """Device pixels per layout pixel of the PNG of a ``width`` x ``height`` figure wanted at ``scale``:
    ``scale`` itself, or lower when the image would pass :data:`MAX_PNG_PIXELS` or :data:`MAX_PNG_SIDE`
    (the same picture, uniformly scaled down; its size in pixels rounded as a painter rounds it)."""
    if width <= 0 or height <= 0:
        return scale
    fit = min(
        1.0, MAX_PNG_SIDE / (max(width, height) * scale), math.sqrt(MAX_PNG_PIXELS / (width * height)) / scale
    )
    capped = scale * fit
    while round(width * capped) * round(height * capped) > MAX_PNG_PIXELS:
        capped *= 0.999
    return capped


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The estimated width of one line of ``text`` at font ``size`` (pixels)."""
    ems = sum(WIDE_EM.get(c, CAPITAL_EM if c.isupper() else BOLD_EM if bold else CHAR_EM) for c in text)
    return ems * size


def wrap(text: str, width_px: float, size: float, bold: bool = False) -> tuple[str, ...]:
    """``text`` wrapped to the fewest lines that each fit ``width_px`` at the estimated glyph widths."""
    chars = max(4, int(width_px // (size * (BOLD_EM if bold else CHAR_EM))))
    while True:
        lines = tuple(textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=True)) or ("",)
        if chars <= 4 or all(text_width(line, size, bold) <= width_px for line in lines):
            return lines
        chars -= 1


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in pixels (y grows downwards)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def grown(self, by: float) -> Rect:
        """The rectangle with ``by`` pixels added on every side."""
        return Rect(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def overlaps(self, other: Rect) -> bool:
        """True when the two share any area."""
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def contains(self, x: float, y: float) -> bool:
        """True when the point lies inside (edges included)."""
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1

    @property
    def centre(self) -> tuple[float, float]:
        """The middle point."""
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    @staticmethod
    def around(x: float, y: float, width: float, height: float) -> Rect:
        """The ``width`` × ``height`` rectangle centred on (x, y)."""
        return Rect(x - width / 2, y - height / 2, x + width / 2, y + height / 2)


@dataclass(frozen=True)
class Text:
    """A placed block of text: its lines, font size in pixels, weight, and the rectangle it fills.

    ``anchor`` says how the lines are aligned in the rectangle (left, center or right); ``role``
    names what it is (title, heading, legend, count) for drawing and for tests.
    """

    role: str
    lines: tuple[str, ...]
    size: float
    rect: Rect
    bold: bool = False
    anchor: str = "left"

    @staticmethod
    def at(
        role: str,
        lines: tuple[str, ...],
        size: float,
        x: float,
        y: float,
        bold: bool = False,
        anchor: str = "left",
    ) -> Text:
        """Text whose block starts at ``x`` (as anchored) and whose first line's top is ``y``."""
        width = max((text_width(line, size, bold) for line in lines), default=0.0)
        height = len(lines) * size * LINE_EM
        x0 = {"left": x, "center": x - width / 2, "right": x - width}[anchor]
        return Text(role, lines, size, Rect(x0, y, x0 + width, y + height), bold, anchor)


Point = tuple[float, float]


def bezier(start: Point, end: Point, t: float) -> Point:
    """The point at ``t`` of the S-shaped cubic from ``start`` to ``end`` (horizontal at both ends)."""
    (x0, y0), (x1, y1) = start, end
    xm = (x0 + x1) / 2
    u = 1 - t
    x = u**3 * x0 + 3 * u * u * t * xm + 3 * u * t * t * xm + t**3 * x1
    y = u**3 * y0 + 3 * u * u * t * y0 + 3 * u * t * t * y1 + t**3 * y1
    return x, y


def sampled(start: Point, end: Point, steps: int = 48) -> tuple[Point, ...]:
    """The S-curve as a polyline of ``steps`` segments."""
    return tuple(bezier(start, end, i / steps) for i in range(steps + 1))


def distance_to_polyline(point: Point, polyline: tuple[Point, ...]) -> float:
    """The shortest distance from ``point`` to any segment of ``polyline``."""
    px, py = point
    best = math.inf
    for (ax, ay), (bx, by) in pairwise(polyline):
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
        best = min(best, math.hypot(px - (ax + t * dx), py - (ay + t * dy)))
    return best


def polyline_enters(rect: Rect, polyline: tuple[Point, ...], half_width: float) -> bool:
    """True when the stroke (polyline of this half width) passes through ``rect``."""
    grown = rect.grown(half_width)
    for (ax, ay), (bx, by) in pairwise(polyline):
        if (
            max(ax, bx) < grown.x0
            or min(ax, bx) > grown.x1
            or max(ay, by) < grown.y0
            or min(ay, by) > grown.y1
        ):
            continue
        if any(grown.contains(ax + (bx - ax) * k / 8, ay + (by - ay) * k / 8) for k in range(9)):
            return True
    return False
