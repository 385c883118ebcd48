"""Where each box, line and label of a context infographic goes, in pixels, without overlaps.

Three columns: the context panel (its name, then its sub-factors, indented by depth), mechanisms
and outcomes. Boxes in a column are stacked with a gap wider than the thickest border, so no two
boxes (borders included) overlap. Labels are wrapped to the inner width of their box. Lines end at
their own port on the target's left side; a box is tall enough that its ports are at least one
label-height apart, and each line's count label sits left of its port, so labels never overlap.
Mechanisms are ordered by the mean height of their contexts, outcomes by that of their mechanisms
(fewer crossings). Widths scale linearly with the study count, from thin (1 study) to thick (the
figure's largest count); an element with no study left after filtering gets a hairline.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from workbench.domain.figures import ContextFigure, Edge, Node

FONT_PX = 13
CHAR_PX = 7.6  # a generous average glyph width at 13 px, so estimated text never spills
LINE_PX = 17
PAD = 8
GAP = 18
PORT_PX = 17  # label height plus a pixel
LABEL_H = 15
TOP = 64
MARGIN = 20
LEGEND_H = 96
COLUMNS = {"context": (MARGIN, 400), "mechanism": (530, 860), "outcome": (990, 1300)}
WIDTH = 1320
BORDER = (1.0, 8.0)
LINE = (1.0, 10.0)
HAIRLINE = 0.5


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

    @property
    def centre(self) -> tuple[float, float]:
        """The middle point."""
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Box:
    """A placed node: its rectangle, wrapped label lines and border width."""

    key: str
    kind: str  # panel, header, subfactor, mechanism, outcome
    rect: Rect
    lines: tuple[str, ...]
    border: float
    count: int
    colour: str

    def text_rect(self) -> Rect:
        """Where the label's lines are drawn (centred in the box)."""
        height = len(self.lines) * LINE_PX
        width = max((len(line) for line in self.lines), default=0) * CHAR_PX
        cx, cy = self.rect.centre
        return Rect(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


@dataclass(frozen=True)
class Line:
    """A placed edge: a curve from a source port to a target port, and its count label."""

    key: str
    source: str
    target: str
    start: tuple[float, float]
    end: tuple[float, float]
    width: float
    count: int
    label: Rect
    colour: str


@dataclass(frozen=True)
class LegendSample:
    """A sample line in the legend."""

    count: int
    width: float
    start: tuple[float, float]
    end: tuple[float, float]


@dataclass(frozen=True)
class Layout:
    """The whole infographic in pixels."""

    width: float
    height: float
    title: str
    boxes: tuple[Box, ...]
    lines: tuple[Line, ...]
    legend: tuple[LegendSample, ...]
    legend_top: float
    border_legend: tuple[LegendSample, ...] = ()

    def box(self, key: str) -> Box:
        """The box of a node key."""
        return next(b for b in self.boxes if b.key == key)


def thickness(count: int, largest: int, thin: float, thick: float) -> float:
    """A width growing linearly with ``count``: ``thin`` at 1 study, ``thick`` at ``largest``."""
    if count <= 0:
        return HAIRLINE
    if largest <= 1:
        return thin
    return thin + (thick - thin) * (count - 1) / (largest - 1)


def wrap(text: str, width_px: float) -> tuple[str, ...]:
    """``text`` wrapped to lines that fit ``width_px`` at the estimated glyph width."""
    chars = max(4, int(width_px // CHAR_PX))
    return tuple(textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=True)) or ("",)


def _box_height(lines: int, counts: bool, ports: int) -> float:
    text = (lines + (1 if counts else 0)) * LINE_PX + 2 * PAD
    return max(text, (ports + 1) * PORT_PX)


class _Builder:
    def __init__(self, figure: ContextFigure, counts: bool) -> None:
        self.figure = figure
        self.counts = counts
        self.incoming: dict[str, int] = {}
        for edge in figure.edges:
            self.incoming[edge.target] = self.incoming.get(edge.target, 0) + 1
        measured = [*figure.mechanisms, *figure.outcomes]
        self.largest = max((n.n_studies for n in measured), default=0)
        self.largest_edge = max((e.n_studies for e in figure.edges), default=0)
        self.boxes: dict[str, Box] = {}

    def node_box(self, node: Node, kind: str, x0: float, x1: float, y: float) -> Box:
        border = thickness(node.n_studies, self.largest, *BORDER) if kind in ("mechanism", "outcome") else 1.0
        inner = x1 - x0 - 2 * PAD - BORDER[1]
        lines = wrap(node.name, inner)
        height = _box_height(len(lines), self.counts, self.incoming.get(node.key, 0))
        text = (*lines, f"n = {node.n_studies}") if self.counts else lines
        return Box(node.key, kind, Rect(x0, y, x1, y + height), text, border, node.n_studies, node.colour)

    def column(self, nodes: list[Node], kind: str) -> list[Box]:
        x0, x1 = COLUMNS[kind]
        out, y = [], 0.0
        for node in nodes:
            box = self.node_box(node, kind, x0, x1, y)
            out.append(box)
            y = box.rect.y1 + GAP
        return out

    def panel(self) -> list[Box]:
        x0, x1 = COLUMNS["context"]
        header = self.node_box(self.figure.context, "header", x0 + PAD, x1 - PAD, PAD)
        boxes = [header]
        y = header.rect.y1 + GAP / 2
        for node in self.figure.subfactors:
            indent = 14 * (node.depth - 1)
            box = self.node_box(node, "subfactor", x0 + 2 * PAD + indent, x1 - 2 * PAD, y)
            boxes.append(box)
            y = box.rect.y1 + GAP / 2
        panel = Box("panel", "panel", Rect(x0, 0, x1, y + PAD / 2), (), 1.5, 0, self.figure.context.colour)
        return [panel, *boxes]


def _shift(boxes: list[Box], dy: float) -> list[Box]:
    return [
        Box(b.key, b.kind, Rect(b.rect.x0, b.rect.y0 + dy, b.rect.x1, b.rect.y1 + dy), b.lines, b.border,
            b.count, b.colour)
        for b in boxes
    ]  # fmt: skip


def _barycentre(nodes: tuple[Node, ...], edges: tuple[Edge, ...], y_of: dict[str, float]) -> list[Node]:
    def key(node: Node) -> tuple[float, int]:
        sources = [
            (y_of[e.source], max(e.n_studies, 1)) for e in edges if e.target == node.key and e.source in y_of
        ]
        if not sources:
            return float("inf"), 0
        return sum(y * w for y, w in sources) / sum(w for _, w in sources), 0

    indexed = list(enumerate(nodes))
    return [n for _, n in sorted(indexed, key=lambda item: (key(item[1]), item[0]))]


def _centres(boxes: list[Box]) -> dict[str, float]:
    return {b.key: b.rect.centre[1] for b in boxes}


def _ports(boxes: dict[str, Box], edges: tuple[Edge, ...], side: str) -> dict[str, tuple[float, float]]:
    """Each edge's end point on the ``side`` ("source" or "target") box, spread along its edge."""
    out: dict[str, tuple[float, float]] = {}
    by_box: dict[str, list[Edge]] = {}
    for edge in edges:
        by_box.setdefault(getattr(edge, side), []).append(edge)
    other = "target" if side == "source" else "source"
    for key, group in by_box.items():
        box = boxes[key]
        group.sort(key=lambda e: boxes[getattr(e, other)].rect.centre[1])
        step = (box.rect.y1 - box.rect.y0) / (len(group) + 1)
        x = box.rect.x1 if side == "source" else box.rect.x0
        for i, edge in enumerate(group):
            out[edge.key] = (x, box.rect.y0 + step * (i + 1))
    return out


def layout(figure: ContextFigure, counts: bool = True) -> Layout:
    """Place the figure's boxes, lines and legend (see the module docstring)."""
    builder = _Builder(figure, counts)
    panel = builder.panel()
    mechanisms = builder.column(_barycentre(figure.mechanisms, figure.edges, _centres(panel)), "mechanism")
    outcomes = builder.column(_barycentre(figure.outcomes, figure.edges, _centres(mechanisms)), "outcome")
    heights = [max((b.rect.y1 for b in column), default=0) for column in (panel, mechanisms, outcomes)]
    tallest = max(heights)
    columns = [
        _shift(col, TOP + (tallest - h) / 2)
        for col, h in zip((panel, mechanisms, outcomes), heights, strict=True)
    ]
    boxes = {b.key: b for col in columns for b in col if b.kind != "panel"}
    lines = _lines(builder, boxes, figure.edges)
    legend_top = TOP + tallest + 2 * GAP
    legend = _legend(builder.largest_edge, legend_top + 30, LINE)
    borders = _legend(builder.largest, legend_top + 62, BORDER)
    all_boxes = tuple(b for col in columns for b in col)
    title = figure.context.name
    return Layout(WIDTH, legend_top + LEGEND_H, title, all_boxes, lines, legend, legend_top, borders)


def _lines(builder: _Builder, boxes: dict[str, Box], edges: tuple[Edge, ...]) -> tuple[Line, ...]:
    starts = _ports(boxes, edges, "source")
    ends = _ports(boxes, edges, "target")
    out = []
    for edge in edges:
        end = ends[edge.key]
        target = boxes[edge.target]
        width = len(str(edge.n_studies)) * CHAR_PX + 6
        right = end[0] - 4 - target.border / 2
        label = Rect(right - width, end[1] - LABEL_H / 2, right, end[1] + LABEL_H / 2)
        colour = boxes[edge.source].colour
        out.append(
            Line(edge.key, edge.source, edge.target, starts[edge.key], end,
                 thickness(edge.n_studies, builder.largest_edge, *LINE), edge.n_studies, label, colour)
        )  # fmt: skip
    return tuple(out)


def _legend(largest: int, y: float, widths: tuple[float, float]) -> tuple[LegendSample, ...]:
    """Samples for 1 study, about half the largest count, and the largest count."""
    counts = sorted({1, max(1, (largest + 1) // 2), max(largest, 1)})
    return tuple(
        LegendSample(count, thickness(count, largest, *widths), (450 + i * 140, y), (500 + i * 140, y))
        for i, count in enumerate(counts)
    )
