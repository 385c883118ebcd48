"""Where each box, line, label and legend entry of a context infographic goes, in pixels, for print.

The canvas is :data:`WIDTH` pixels wide and is meant to print at a journal's column width (17 cm):
every font is at least 8 pt there (see :mod:`workbench.domain.print_geometry`). Three columns: the
context panel (its name, then its sub-factors, indented by depth), mechanisms and outcomes. Boxes in
a column are stacked with a gap wider than the thickest border, so no two boxes (borders included)
overlap. Labels are wrapped to the inner width of their box. Lines are S-curves between ports spread
along the facing sides of their boxes; each line's count sits on the line itself, at the first point
along it (middle first) where it overlaps no box and no other label and no other line passes under it.
Mechanisms are ordered by the mean height of their contexts, outcomes by that of their mechanisms
(fewer crossings). Widths grow linearly with the study count, from thin (1 study) to thick (the
figure's largest count), but always by at least :data:`MIN_STEP` pixels per study, so two different
counts never look alike; an element with no study left after filtering gets a hairline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from workbench.domain.figure_legend import Flow, LegendEntry, SwatchSpec, samples
from workbench.domain.figures import ContextFigure, Edge, Node
from workbench.domain.print_geometry import (
    LINE_EM,
    Point,
    Rect,
    Text,
    bezier,
    sampled,
    text_width,
    wrap,
)

WIDTH = 1000
FONT_PX = 18  # box text: 8.7 pt at 17 cm
SMALL_PX = 17  # counts, headings and legend: 8.2 pt at 17 cm
TITLE_PX = 22
LINE_PX = FONT_PX * LINE_EM
PAD = 10
GAP = 20
LABEL_H = 26.0
PORT_PX = LABEL_H + 4  # ports far enough apart for a count label between neighbouring lines
MARGIN = 16
COLUMNS = {"context": (MARGIN, 290), "mechanism": (392, 680), "outcome": (782, WIDTH - MARGIN)}
HEADINGS = (("Context and sub-factors", "context"), ("Mechanisms", "mechanism"), ("Outcomes", "outcome"))
BORDER = (1.0, 5.0)
LINE = (1.5, 10.0)
MIN_STEP = 0.5
HAIRLINE = 0.5
OUTCOME_INK = "#666666"
ALONG = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8, 0.14, 0.86, 0.08, 0.92)


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

    @property
    def bold(self) -> bool:
        """The context's own name is set in bold."""
        return self.kind == "header"

    def text_rect(self) -> Rect:
        """Where the label's lines are drawn (centred in the box)."""
        height = len(self.lines) * LINE_PX
        width = max((text_width(line, FONT_PX, self.bold) for line in self.lines), default=0)
        cx, cy = self.rect.centre
        return Rect.around(cx, cy, width, height)

    def footprint(self) -> Rect:
        """The area the box covers, its border included."""
        return self.rect.grown(self.border / 2)


@dataclass(frozen=True)
class Line:
    """A placed edge: a curve from a source port to a target port, and its count label on the curve."""

    key: str
    source: str
    target: str
    start: Point
    end: Point
    width: float
    count: int
    label: Rect
    colour: str

    def polyline(self) -> tuple[Point, ...]:
        """The curve as a polyline."""
        return _polyline(self.start, self.end)


@lru_cache(maxsize=4096)
def _polyline(start: Point, end: Point) -> tuple[Point, ...]:
    return sampled(start, end)


@dataclass(frozen=True)
class Layout:
    """The whole infographic in pixels: boxes, lines, free texts (title, headings) and the legend."""

    width: float
    height: float
    title: str
    boxes: tuple[Box, ...]
    lines: tuple[Line, ...]
    legend: tuple[LegendEntry, ...]
    legend_top: float
    texts: tuple[Text, ...] = ()

    def box(self, key: str) -> Box:
        """The box of a node key."""
        return next(b for b in self.boxes if b.key == key)


def thickness(count: int, largest: int, thin: float, thick: float) -> float:
    """``thin`` at 1 study, ``thick`` at ``largest``, linear between, and at least ``MIN_STEP`` apart."""
    if count <= 0:
        return HAIRLINE
    if largest <= 1:
        return thin
    step = max((thick - thin) / (largest - 1), MIN_STEP)
    return thin + step * (count - 1)


def _box_height(lines: int, counts: bool, ports: int) -> float:
    text = (lines + (1 if counts else 0)) * LINE_PX + 2 * PAD
    return max(text, (ports + 1) * PORT_PX)


class _Builder:
    def __init__(self, figure: ContextFigure, counts: bool) -> None:
        self.figure = figure
        self.counts = counts
        self.ports: dict[str, int] = {}
        for edge in figure.edges:
            for end in (edge.source, edge.target):
                self.ports[end] = self.ports.get(end, 0) + 1
        measured = [*figure.mechanisms, *figure.outcomes]
        self.largest = max((n.n_studies for n in measured), default=0)
        self.largest_edge = max((e.n_studies for e in figure.edges), default=0)

    def node_box(self, node: Node, kind: str, x0: float, x1: float, y: float) -> Box:
        border = thickness(node.n_studies, self.largest, *BORDER) if kind in ("mechanism", "outcome") else 1.0
        inner = x1 - x0 - 2 * PAD - BORDER[1]
        lines = wrap(node.name, inner, FONT_PX, kind == "header")
        height = _box_height(len(lines), self.counts, self.ports.get(node.key, 0))
        text = (*lines, f"n = {node.n_studies}") if self.counts else lines
        return Box(node.key, kind, Rect(x0, y, x1, y + height), text, border, node.n_studies, node.colour)

    def column(self, nodes: list[Node], kind: str) -> list[Box]:
        x0, x1 = COLUMNS[kind]
        out, y = [], 0.0
        for node in nodes:
            box = self.node_box(node, kind, x0 + BORDER[1] / 2, x1 - BORDER[1] / 2, y)
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
    def key(node: Node) -> float:
        sources = [
            (y_of[e.source], max(e.n_studies, 1)) for e in edges if e.target == node.key and e.source in y_of
        ]
        if not sources:
            return float("inf")
        return sum(y * w for y, w in sources) / sum(w for _, w in sources)

    indexed = list(enumerate(nodes))
    return [n for _, n in sorted(indexed, key=lambda item: (key(item[1]), item[0]))]


def _centres(boxes: list[Box]) -> dict[str, float]:
    return {b.key: b.rect.centre[1] for b in boxes}


def _ports(boxes: dict[str, Box], edges: tuple[Edge, ...], side: str) -> dict[str, Point]:
    """Each edge's end point on the ``side`` ("source" or "target") box, spread along its edge."""
    out: dict[str, Point] = {}
    by_box: dict[str, list[Edge]] = {}
    for edge in edges:
        by_box.setdefault(getattr(edge, side), []).append(edge)
    other = "target" if side == "source" else "source"
    for key, group in by_box.items():
        box = boxes[key]
        group.sort(key=lambda e: boxes[getattr(e, other)].rect.centre[1])
        step = (box.rect.y1 - box.rect.y0) / (len(group) + 1)
        x = box.rect.x1 + box.border / 2 if side == "source" else box.rect.x0 - box.border / 2
        for i, edge in enumerate(group):
            out[edge.key] = (x, box.rect.y0 + step * (i + 1))
    return out


def _headings(top: float) -> list[Text]:
    out = []
    for name, column in HEADINGS:
        x0, x1 = COLUMNS[column]
        out.append(Text.at("heading", (name,), SMALL_PX, (x0 + x1) / 2, top, True, "center"))
    return out


def layout(figure: ContextFigure, counts: bool = True) -> Layout:
    """Place the figure's boxes, lines, texts and legend (see the module docstring)."""
    title_lines = wrap(
        f"{figure.context.name}: nested context–mechanism–outcome configurations",
        WIDTH - 2 * MARGIN,
        TITLE_PX,
        True,
    )
    title = Text.at("title", title_lines, TITLE_PX, MARGIN, 12, True)
    headings = _headings(title.rect.y1 + 10)
    top = headings[0].rect.y1 + 14
    builder = _Builder(figure, counts)
    panel = builder.panel()
    mechanisms = builder.column(_barycentre(figure.mechanisms, figure.edges, _centres(panel)), "mechanism")
    outcomes = builder.column(_barycentre(figure.outcomes, figure.edges, _centres(mechanisms)), "outcome")
    heights = [max((b.rect.y1 for b in column), default=0) for column in (panel, mechanisms, outcomes)]
    tallest = max(heights)
    columns = [
        _shift(col, top + (tallest - h) / 2)
        for col, h in zip((panel, mechanisms, outcomes), heights, strict=True)
    ]
    all_boxes = tuple(b for col in columns for b in col)
    boxes = {b.key: b for b in all_boxes if b.kind != "panel"}
    lines = _lines(builder, boxes, figure.edges, all_boxes)
    legend_top = top + tallest + GAP
    legend = _legend(builder, figure, counts, legend_top + 12)
    bottom = max((r.y1 for entry in legend for r in entry.rects()), default=legend_top)
    return Layout(
        WIDTH, bottom + MARGIN, figure.context.name, all_boxes, lines, legend, legend_top, (title, *headings)
    )


def _label_size(count: int) -> tuple[float, float]:
    return text_width(str(count), SMALL_PX, True) + 10, LABEL_H


@dataclass(frozen=True)
class _Stroke:
    """A line's polyline, bounding box and half width, with each segment's box, sample points and
    direction computed once per layout: :meth:`enters` and :meth:`distance` give exactly what
    ``polyline_enters`` and ``distance_to_polyline`` give, without recomputing them per label spot."""

    key: str
    points: tuple[Point, ...]
    bounds: Rect
    half: float
    boxes: tuple[tuple[float, float, float, float, tuple[Point, ...]], ...]
    spans: tuple[tuple[float, float, float, float, float], ...]

    @staticmethod
    def of(line: Line) -> _Stroke:
        points = line.polyline()
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        bounds = Rect(min(xs), min(ys), max(xs), max(ys)).grown(line.width / 2)
        boxes = tuple(
            (min(ax, bx), max(ax, bx), min(ay, by), max(ay, by),
             tuple((ax + (bx - ax) * k / 8, ay + (by - ay) * k / 8) for k in range(9)))
            for (ax, ay), (bx, by) in pairwise(points)
        )  # fmt: skip
        spans = tuple(
            (ax, ay, bx - ax, by - ay, (bx - ax) * (bx - ax) + (by - ay) * (by - ay))
            for (ax, ay), (bx, by) in pairwise(points)
        )
        return _Stroke(line.key, points, bounds, line.width / 2, boxes, spans)

    def enters(self, rect: Rect) -> bool:
        """``polyline_enters(rect, self.points, self.half)``: the stroke passes through ``rect``."""
        x0, y0, x1, y1 = rect.x0 - self.half, rect.y0 - self.half, rect.x1 + self.half, rect.y1 + self.half
        for low_x, high_x, low_y, high_y, dots in self.boxes:
            if high_x < x0 or low_x > x1 or high_y < y0 or low_y > y1:
                continue
            for x, y in dots:
                if x0 <= x <= x1 and y0 <= y <= y1:
                    return True
        return False

    def distance(self, px: float, py: float) -> float:
        """``distance_to_polyline((px, py), self.points)``."""
        best = math.inf
        for ax, ay, dx, dy, length in self.spans:
            if length == 0:
                t = 0.0
            else:
                t = ((px - ax) * dx + (py - ay) * dy) / length
                t = 0.0 if t <= 0.0 else 1.0 if t >= 1.0 else t
            gap = math.hypot(px - (ax + t * dx), py - (ay + t * dy))
            if gap < best:
                best = gap
        return best


def _place_label(line: Line, strokes: list[_Stroke], taken: list[Rect], obstacles: list[Rect]) -> Rect:
    """The first spot along the line (middle first) clear of boxes, labels and other lines; else the
    spot farthest from the lines it touches (clearances are measured only when no spot is clear)."""
    width, height = _label_size(line.count)
    spots = []
    for t in ALONG:
        x, y = bezier(line.start, line.end, t)
        rect = Rect.around(x, y, width, height)
        spots.append((x, y, rect, rect.grown(2)))
    # cheap rejection: only what reaches the area swept by the candidate spots can touch one of them
    sweep = Rect(min(s[3].x0 for s in spots), min(s[3].y0 for s in spots),
                 max(s[3].x1 for s in spots), max(s[3].y1 for s in spots))  # fmt: skip
    walls = [o for o in (*obstacles, *taken) if sweep.overlaps(o)]
    others = [o for o in strokes if o.key != line.key and o.bounds.overlaps(sweep)]
    blocked: list[tuple[float, float, Rect, list[_Stroke]]] = []
    for x, y, rect, margin in spots:
        if any(margin.overlaps(o) for o in walls):
            continue
        crossing = [o for o in others if o.bounds.overlaps(margin) and o.enters(margin)]
        if not crossing:
            return rect
        blocked.append((x, y, rect, crossing))
    best: tuple[float, Rect] | None = None
    for x, y, rect, crossing in blocked:
        clearance = math.inf
        for o in crossing:  # the min over the lines, left as soon as the spot cannot beat the best one
            clearance = min(clearance, o.distance(x, y) - o.half)
            if best is not None and clearance <= best[0]:
                break
        if best is None or clearance > best[0]:
            best = (clearance, rect)
    if best is not None:
        return best[1]
    x, y = bezier(line.start, line.end, 0.5)
    return Rect.around(x, y, width, height)


def _lines(
    builder: _Builder, boxes: dict[str, Box], edges: tuple[Edge, ...], all_boxes: tuple[Box, ...]
) -> tuple[Line, ...]:
    starts = _ports(boxes, edges, "source")
    ends = _ports(boxes, edges, "target")
    drafts = [
        Line(edge.key, edge.source, edge.target, starts[edge.key], ends[edge.key],
             thickness(edge.n_studies, builder.largest_edge, *LINE), edge.n_studies, Rect(0, 0, 0, 0),
             boxes[edge.source].colour)
        for edge in edges
    ]  # fmt: skip
    obstacles = [b.footprint() for b in all_boxes]
    placed: list[Line] = []
    taken: list[Rect] = []
    strokes = [_Stroke.of(line) for line in drafts]
    for line in sorted(drafts, key=lambda ln: (-ln.count, ln.key)):
        label = _place_label(line, strokes, taken, obstacles) if builder.counts else _hidden(line)
        taken.append(label)
        placed.append(Line(line.key, line.source, line.target, line.start, line.end, line.width, line.count,
                           label, line.colour))  # fmt: skip
    order = {e.key: i for i, e in enumerate(edges)}
    return tuple(sorted(placed, key=lambda ln: order[ln.key]))


def _hidden(line: Line) -> Rect:
    x, y = bezier(line.start, line.end, 0.5)
    return Rect(x, y, x, y)


def _legend(builder: _Builder, figure: ContextFigure, counts: bool, top: float) -> tuple[LegendEntry, ...]:
    """Line widths, border widths, what the shapes and colours mean, and what the numbers are."""
    flow = Flow(MARGIN, WIDTH - MARGIN, top, SMALL_PX)
    flow.add(None, "Line width = studies supporting both ends:", True)
    for n in samples([e.n_studies for e in figure.edges]):
        width = thickness(n, builder.largest_edge, *LINE)
        flow.add(SwatchSpec("line", 30, width, width, "#777777"), str(n))
    flow.newline()
    flow.add(None, "Border width = studies coding the box:", True)
    for n in samples([n.n_studies for n in (*figure.mechanisms, *figure.outcomes)]):
        flow.add(SwatchSpec("border", 28, 16, thickness(n, builder.largest, *BORDER), OUTCOME_INK), str(n))
    flow.newline()
    flow.add(SwatchSpec("context", 28, 16, 1.0, figure.context.colour), "Context and its sub-factors")
    colour = figure.mechanisms[0].colour if figure.mechanisms else "#ff9f40"
    flow.add(SwatchSpec("mechanism", 28, 16, 1.5, colour), "Mechanism, in its codebook colour")
    flow.add(SwatchSpec("outcome", 28, 16, 1.5, OUTCOME_INK), "Outcome")
    flow.newline()
    numbers = (
        " n = studies coding a box; a number on a line = studies supporting both its ends." if counts else ""
    )
    flow.add(None, f"A line has the colour of the box it leaves.{numbers}")
    return tuple(flow.entries)
