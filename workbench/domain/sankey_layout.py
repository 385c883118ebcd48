"""Pixel layout of the overview Sankey (boxes in three columns, link bands, labels), drawn without plotly.

It places what ``graphs.overview.sankey_figure`` hands to plotly, at the same canvas size: one column per
role (contexts, mechanisms, outcomes) in the model's order (the code tree's), a node as tall as the larger
of the studies flowing into and out of it (at least :data:`MIN_NODE_PX`), nodes apart by at least
:data:`NODE_PAD` and far enough for their labels not to touch, one scale (pixels per study) for every
node and band, chosen as large as lets the fullest column fit. Bands leave a node's side stacked from its
top, ordered by where their other end sits, so that few of them cross.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.domain.configurations import ElementRole
from workbench.domain.figures import Edge, Node
from workbench.domain.overview import Sankey
from workbench.domain.print_geometry import LINE_EM, Point, Rect, Text

# the plotly figure's geometry (graphs/overview.py: sankey_figure); a unit test holds the two equal
SANKEY_WIDTH = 1000  # prints at 17 cm with its 17 px labels at 8.2 pt
SANKEY_FONT_PX = 17
TITLE_FONT_PX = 20
LABEL_CHARS = 24
TITLE = "Contexts → mechanisms → outcomes (width: studies)"
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 16, 16, 60, 16
COLUMN_X = {ElementRole.CONTEXT: 0.01, ElementRole.MECHANISM: 0.5, ElementRole.OUTCOME: 0.99}
NODE_WIDTH = 14.0  # plotly's node thickness
NODE_PAD = 40.0
MIN_NODE_PX = 4.0
LABEL_GAP = 6.0  # from a node's side to its label
LABEL_SPACING = 4.0  # the least room between the labels of neighbouring nodes


def label_lines(name: str, count: int) -> tuple[str, ...]:
    """A node's label, ``name (count)``, wrapped onto lines of about :data:`LABEL_CHARS` characters."""
    return tuple(textwrap.wrap(f"{name} ({count})", LABEL_CHARS, break_on_hyphens=False)) or ("",)


def sankey_height(nodes: Sequence[Node]) -> int:
    """The canvas height: 30 px per label line (plus one per node) of the fullest column, 560 at least."""
    rows = max(
        sum(len(label_lines(n.name, n.n_studies)) + 1 for n in nodes if n.role is role)
        for role in ElementRole
    )
    return max(560, 30 * rows + 160)


@dataclass(frozen=True)
class PlacedNode:
    """A node's box, colour and label (name and studies) where the Sankey draws them."""

    key: str
    role: ElementRole
    name: str
    count: int
    colour: str
    rect: Rect
    label: Text


@dataclass(frozen=True)
class Band:
    """A link drawn as a band of constant ``thickness`` from ``start`` (its top at the source's right
    side) to ``end`` (its top at the target's left side), in its source's colour."""

    source: str
    target: str
    value: int
    colour: str
    start: Point
    end: Point
    thickness: float

    @property
    def top(self) -> tuple[Point, Point, Point, Point]:
        """The top edge as a cubic curve (start, two control points, end), horizontal at both ends."""
        (x0, y0), (x1, y1) = self.start, self.end
        xm = (x0 + x1) / 2
        return (x0, y0), (xm, y0), (xm, y1), (x1, y1)

    @property
    def bottom(self) -> tuple[Point, Point, Point, Point]:
        """The bottom edge as a cubic curve, from the target's side back to the source's."""
        (x0, y0), (x1, y1) = self.start, self.end
        xm, t = (x0 + x1) / 2, self.thickness
        return (x1, y1 + t), (xm, y1 + t), (xm, y0 + t), (x0, y0 + t)


@dataclass(frozen=True)
class SankeyLayout:
    """The whole Sankey in pixels: canvas, title, nodes and bands (``scale``: pixels per study)."""

    width: float
    height: float
    title: Text
    nodes: tuple[PlacedNode, ...]
    bands: tuple[Band, ...]
    scale: float


def _flows(model: Sankey) -> dict[str, int]:
    """Each node's flow: the larger of the studies on its incoming and on its outgoing links."""
    incoming: dict[str, int] = {}
    outgoing: dict[str, int] = {}
    for link in model.links:
        outgoing[link.source] = outgoing.get(link.source, 0) + link.n_studies
        incoming[link.target] = incoming.get(link.target, 0) + link.n_studies
    return {n.key: max(incoming.get(n.key, 0), outgoing.get(n.key, 0)) for n in model.nodes}


def _stack(heights: list[float], labels: list[float]) -> tuple[list[float], float, float]:
    """Tops of boxes stacked from 0, apart by the pad and by their labels' room, with the block's extent
    (the first label's or box's top, the last one's bottom)."""
    tops: list[float] = []
    for i, (height, label) in enumerate(zip(heights, labels, strict=True)):
        if not tops:
            tops.append(0.0)
            continue
        above, above_label = tops[-1] + heights[i - 1], labels[i - 1]
        centre_above = tops[-1] + heights[i - 1] / 2
        room = centre_above + (above_label + label) / 2 + LABEL_SPACING - height / 2
        tops.append(max(above + NODE_PAD, room))
    if not tops:
        return [], 0.0, 0.0
    first = min(0.0, heights[0] / 2 - labels[0] / 2)
    last = max(tops[-1] + heights[-1], tops[-1] + heights[-1] / 2 + labels[-1] / 2)
    return tops, first, last


def _heights(values: list[int], scale: float) -> list[float]:
    return [max(v * scale, MIN_NODE_PX) for v in values]


def _scale(columns: list[tuple[list[int], list[float]]], room: float) -> float:
    """The largest pixels-per-study that lets every column (values, label heights) fit in ``room``."""

    def fits(scale: float) -> bool:
        for values, labels in columns:
            _, first, last = _stack(_heights(values, scale), labels)
            if last - first > room:
                return False
        return True

    high = min((room / sum(v) for v, _ in columns if sum(v)), default=1.0)
    if fits(high):
        return high
    low = 0.0
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def _label(node: Node, rect: Rect) -> Text:
    lines = label_lines(node.name, node.n_studies)
    top = rect.centre[1] - len(lines) * SANKEY_FONT_PX * LINE_EM / 2
    if node.role is ElementRole.OUTCOME:  # the last column's labels sit on its left
        return Text.at("label", lines, SANKEY_FONT_PX, rect.x0 - LABEL_GAP, top, anchor="right")
    return Text.at("label", lines, SANKEY_FONT_PX, rect.x1 + LABEL_GAP, top, anchor="left")


def _bands(model: Sankey, placed: dict[str, PlacedNode], scale: float) -> tuple[Band, ...]:
    """Each link's band, stacked at both ends from the node's top in the order of the other end's place."""
    order = {link.key: i for i, link in enumerate(model.links)}

    def centre(key: str) -> float:
        return placed[key].rect.centre[1]

    def offsets(links: list[Edge], other: str) -> dict[str, float]:
        ranked = sorted(links, key=lambda e: (centre(getattr(e, other)), order[e.key]))
        out, used = {}, 0.0
        for link in ranked:
            out[link.key] = used
            used += link.n_studies * scale
        return out

    leaving: dict[str, list[Edge]] = {}
    arriving: dict[str, list[Edge]] = {}
    for link in model.links:
        leaving.setdefault(link.source, []).append(link)
        arriving.setdefault(link.target, []).append(link)
    starts = {k: v for links in leaving.values() for k, v in offsets(links, "target").items()}
    ends = {k: v for links in arriving.values() for k, v in offsets(links, "source").items()}
    bands = []
    for link in model.links:
        source, target = placed[link.source], placed[link.target]
        start = (source.rect.x1, source.rect.y0 + starts[link.key])
        end = (target.rect.x0, target.rect.y0 + ends[link.key])
        bands.append(
            Band(link.source, link.target, link.n_studies, source.colour, start, end, link.n_studies * scale)
        )
    return tuple(bands)


def sankey_layout(model: Sankey) -> SankeyLayout:
    """Place the Sankey's nodes, bands and labels on a :data:`SANKEY_WIDTH` wide canvas."""
    height = sankey_height(model.nodes)
    room = height - MARGIN_TOP - MARGIN_BOTTOM
    inner = SANKEY_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - NODE_WIDTH
    flow = _flows(model)
    line_px = SANKEY_FONT_PX * LINE_EM
    by_role = {role: [n for n in model.nodes if n.role is role] for role in ElementRole}
    columns = {
        role: ([flow[n.key] for n in nodes], [len(label_lines(n.name, n.n_studies)) * line_px for n in nodes])
        for role, nodes in by_role.items()
    }
    scale = _scale(list(columns.values()), room)
    placed: dict[str, PlacedNode] = {}
    for role, nodes in by_role.items():
        values, labels = columns[role]
        heights = _heights(values, scale)
        tops, first, last = _stack(heights, labels)
        shift = MARGIN_TOP + (room - (last - first)) / 2 - first  # the column centred in the plot area
        x0 = MARGIN_LEFT + COLUMN_X[role] * inner
        for node, top, box in zip(nodes, tops, heights, strict=True):
            rect = Rect(x0, shift + top, x0 + NODE_WIDTH, shift + top + box)
            placed[node.key] = PlacedNode(
                node.key, role, node.name, node.n_studies, node.colour, rect, _label(node, rect)
            )
    title = Text.at(
        "title", (TITLE,), TITLE_FONT_PX, 0.05 * SANKEY_WIDTH, MARGIN_TOP / 2 - TITLE_FONT_PX * 0.65
    )
    boxes = tuple(placed[n.key] for n in model.nodes)
    return SankeyLayout(SANKEY_WIDTH, height, title, boxes, _bands(model, placed, scale), scale)
