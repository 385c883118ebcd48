"""Figures drawn as SVG straight from their layouts (infographic, matrices, chains, Sankey), no browser.

Each draws what its plotly twin draws (:mod:`workbench.graphs.infographic`, ``overview.matrix_figure``,
``chains.chains_figure``, ``overview.sankey_figure``), with the same texts, boxes, colours and widths: for
the infographic, lines and the context panel below, boxes above, then the box labels, count tags, title,
headings and legend.
:mod:`workbench.graphs.paint` paints these SVGs as PNG (300 dpi) and PDF; ``export.convert_svg`` calls it.
"""

from __future__ import annotations

from workbench.domain.figure_layout import FONT_PX, SMALL_PX, Box, Layout, Line
from workbench.domain.figure_legend import Swatch
from workbench.domain.overview import ChainGraph, Matrix
from workbench.domain.print_geometry import LINE_EM, Point, Rect, Text, text_width
from workbench.domain.safety import xml_text
from workbench.domain.sankey_layout import SankeyLayout
from workbench.graphs.chains import BOX_H, BOX_W, LOOP, OTHER, box_statement, placement
from workbench.graphs.infographic import OUTCOME_FILL, RADIUS, box_paint, curve_path, rounded_path
from workbench.graphs.overview import LABEL_INK, LINK_OPACITY, matrix_size
from workbench.graphs.style import FONT, INK, rgb, shade, tint

_FONT_ATTRIBUTE = f'"{xml_text(FONT)}"'  # FONT holds no quote

LINE_OPACITY = 0.6  # the lines' colour at 60 %, as in the plotly figure
TAG_PAD = 2.0  # plotly's borderpad (1) plus its border (1) on each side of a count


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _rect(rect: Rect, fill: str, stroke: str, width: float) -> str:
    return (
        f'<rect x="{_n(rect.x0)}" y="{_n(rect.y0)}" width="{_n(rect.x1 - rect.x0)}" '
        f'height="{_n(rect.y1 - rect.y0)}" fill="{fill}" stroke="{stroke}" stroke-width="{_n(width)}"/>'
    )


def _rounded(rect: Rect, colour: str, width: float, radius: float = RADIUS) -> str:
    return (
        f'<path d="{rounded_path(rect, radius)}" fill="{tint(colour, 0.55)}" '
        f'stroke="{shade(colour, 0.25)}" stroke-width="{_n(width)}"/>'
    )


def box_shape(box: Box) -> str:
    """The box's outline, as the plotly figure draws it for its kind (``infographic.box_paint``)."""
    paint = box_paint(box)
    if paint.rounded:
        return (
            f'<path d="{rounded_path(box.rect)}" fill="{paint.fill}" stroke="{paint.stroke}" '
            f'stroke-width="{_n(paint.width)}"/>'
        )
    return _rect(box.rect, paint.fill, paint.stroke, paint.width)


def line_shape(line: Line) -> str:
    """The S-curve of a line in its source's colour at 60 %, dotted when it has no study."""
    r, g, b = rgb(line.colour)
    dash = ' stroke-dasharray="3,3"' if line.count == 0 else ""
    return (
        f'<path d="{curve_path(line)}" fill="none" stroke="rgb({r},{g},{b})" '
        f'stroke-opacity="{LINE_OPACITY}" stroke-width="{_n(line.width)}"{dash}/>'
    )


def text_block(
    lines: tuple[str, ...] | list[str],
    x: float,
    cy: float,
    size: float,
    *,
    anchor: str = "center",
    bold: bool = False,
    italic_last: bool = False,
    ink: str = INK,
) -> str:
    """Lines of text centred vertically on ``cy`` and aligned on ``x`` (left, center or right)."""
    svg_anchor = {"left": "start", "center": "middle", "right": "end"}[anchor]
    step = size * LINE_EM
    first = cy - step * (len(lines) - 1) / 2
    spans = []
    for i, line in enumerate(lines):
        style = ' font-style="italic"' if italic_last and i == len(lines) - 1 else ""
        spans.append(f'<tspan x="{_n(x)}" y="{_n(first + i * step)}"{style}>{xml_text(line)}</tspan>')
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text font-family={_FONT_ATTRIBUTE} font-size="{_n(size)}" fill="{ink}" text-anchor="{svg_anchor}" '
        f'dominant-baseline="central"{weight}>{"".join(spans)}</text>'
    )


def box_text(box: Box, counts: bool) -> str:
    """The box's label lines (and its italic ``n = ...`` when counts are shown), centred in it."""
    x, y = box.rect.centre
    return text_block(box.lines, x, y, FONT_PX, bold=box.bold, italic_last=counts and bool(box.lines))


def count_tag(line: Line) -> str:
    """The line's count on a white tag (text plus plotly's 1 px pad) outlined in the line's darker shade."""
    x, y = line.label.centre
    label = str(line.count)
    tag = Rect.around(x, y, text_width(label, SMALL_PX, True) + 2 * TAG_PAD, SMALL_PX * LINE_EM)
    return _rect(tag, "white", shade(line.colour, 0.2), 1) + text_block((label,), x, y, SMALL_PX, bold=True)


def free_text(text: Text) -> str:
    """A laid-out text (title, heading, legend entry) anchored as the layout placed it."""
    x = {"left": text.rect.x0, "center": text.rect.centre[0], "right": text.rect.x1}[text.anchor]
    return text_block(text.lines, x, text.rect.centre[1], text.size, anchor=text.anchor, bold=text.bold)


def swatch(item: Swatch) -> str:
    """A legend sample: a line, or a box drawn like the kind it explains."""
    r = item.rect
    if item.kind == "line":
        y = _n(r.centre[1])
        return (
            f'<line x1="{_n(r.x0)}" y1="{y}" x2="{_n(r.x1)}" y2="{y}" stroke="{item.colour}" '
            f'stroke-width="{_n(item.width)}"/>'
        )
    if item.kind == "mechanism":
        return _rounded(r, item.colour, item.width, 6)
    if item.kind == "context":
        return _rect(r, tint(item.colour, 0.55), item.colour, item.width)
    if item.kind == "outcome":
        return _rect(r, OUTCOME_FILL, item.colour, item.width)
    return _rect(r, "white", item.colour, item.width)


def infographic_svg(placed: Layout, counts: bool = True) -> str:
    """The whole infographic as an SVG document of ``placed.width`` × ``placed.height`` pixels."""
    w, h = _n(placed.width), _n(placed.height)
    top = _n(placed.legend_top)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
        f"<title>{xml_text(placed.title)}</title>",
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="white"/>',
        *(line_shape(line) for line in placed.lines),
        *(box_shape(b) for b in placed.boxes if b.kind == "panel"),
        *(box_shape(b) for b in placed.boxes if b.kind != "panel"),
        f'<line x1="16" y1="{top}" x2="{_n(placed.width - 16)}" y2="{top}" stroke="#ccc" stroke-width="2"/>',
        *(swatch(e.swatch) for e in placed.legend if e.swatch),
        *(box_text(b, counts) for b in placed.boxes if b.kind != "panel"),
        *((count_tag(line) for line in placed.lines) if counts else ()),
        *(free_text(t) for t in placed.texts),
        *(free_text(e.text) for e in placed.legend),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


MATRIX_INK = "#2a3f5f"  # the plotly template's text colour: labels, title and light cells
CELL_FONT_PX = 12
TITLE_FONT_PX = 16


def _mix(colour: str, share: float) -> tuple[int, int, int]:
    """White mixed towards ``colour`` by ``share`` (0: white, 1: the colour): the heatmap's scale."""
    r, g, b = rgb(colour)
    return tuple(round(255 + (c - 255) * share) for c in (r, g, b))  # type: ignore[return-value]


def matrix_svg(matrix: Matrix, colour: str = "#1f77b4") -> str:
    """The matrix as :func:`workbench.graphs.overview.matrix_figure` draws it: a white-to-``colour``
    cell per row and column (1 px apart), its number when not zero, row labels on the left, column
    labels slanted above, the title at the top left; sized by the same rules (``matrix_size``)."""
    size = matrix_size([label for _, label in matrix.rows], [label for _, label in matrix.columns])
    values = matrix.values()
    flat = [v for row in values for v in row]
    low, high = min(flat, default=0), max(flat, default=0)
    plot_w = size.width - size.left - size.right
    plot_h = round(size.height) - size.top - size.bottom
    cw = plot_w / max(len(matrix.columns), 1)
    ch = plot_h / max(len(matrix.rows), 1)
    w, h = _n(size.width), _n(round(size.height))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
        f"<title>{xml_text(matrix.title)}</title>",
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="white"/>',
    ]
    texts = []
    for ri, row in enumerate(values):
        for ci, value in enumerate(row):
            share = (value - low) / (high - low) if high > low else 0.0
            r, g, b = _mix(colour, share)
            x0, y0 = size.left + ci * cw, size.top + ri * ch
            parts.append(
                f'<rect x="{_n(x0 + 0.5)}" y="{_n(y0 + 0.5)}" width="{_n(cw - 1)}" height="{_n(ch - 1)}" '
                f'fill="#{r:02x}{g:02x}{b:02x}"/>'
            )
            if value:
                ink = "white" if (0.299 * r + 0.587 * g + 0.114 * b) / 255 < 0.5 else MATRIX_INK
                texts.append(_plain_text(str(value), x0 + cw / 2, y0 + ch / 2, CELL_FONT_PX, "middle", ink))
    for ri, (_key, label) in enumerate(matrix.rows):
        texts.append(_plain_text(label, size.left - 4, size.top + (ri + 0.5) * ch, CELL_FONT_PX, "end"))
    for ci, (_key, label) in enumerate(matrix.columns):
        x, y = size.left + (ci + 0.5) * cw, size.top - 6
        texts.append(_plain_text(label, x, y, CELL_FONT_PX, "start", rotate=-45))
    texts.append(_plain_text(matrix.title, 0.01 * size.width, 24 + TITLE_FONT_PX / 2, TITLE_FONT_PX, "start"))
    return "\n".join([*parts, *texts, "</svg>"]) + "\n"


def _plain_text(
    label: str, x: float, y: float, size: float, anchor: str, ink: str = MATRIX_INK, rotate: float = 0
) -> str:
    turn = f' transform="rotate({_n(rotate)} {_n(x)} {_n(y)})"' if rotate else ""
    return (
        f'<text font-family={_FONT_ATTRIBUTE} font-size="{_n(size)}" fill="{ink}" text-anchor="{anchor}" '
        f'dominant-baseline="central"{turn}><tspan x="{_n(x)}" y="{_n(y)}">{xml_text(label)}</tspan></text>'
    )


CHAIN_FONT_PX = 12  # plotly's default annotation size


def _arrow(tail: tuple[float, float], head: tuple[float, float], ink: str) -> str:
    """A 2 px line from ``tail`` ending in a filled head at ``head`` (plotly's arrowhead 3 at width 2)."""
    (x0, y0), (x1, y1) = tail, head
    length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-9)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    bx, by = x1 - 8 * ux, y1 - 8 * uy  # the base of the head
    head_path = (
        f"M {_n(x1)},{_n(y1)} L {_n(bx - 4 * uy)},{_n(by + 4 * ux)} L {_n(bx + 4 * uy)},{_n(by - 4 * ux)} Z"
    )
    return (
        f'<line x1="{_n(x0)}" y1="{_n(y0)}" x2="{_n(bx)}" y2="{_n(by)}" stroke="{ink}" stroke-width="2"/>'
        f'<path d="{head_path}" fill="{ink}"/>'
    )


def chains_svg(graph: ChainGraph) -> str:
    """The chains figure as :func:`workbench.graphs.chains.chains_figure` draws it: a box per configuration
    (its label in bold over the start of its statement), forward links as arrows between layers, links
    back to an earlier layer as curves under the boxes, links on a feedback loop in red."""
    place, width, height, bottom = placement(graph)
    layer = {n.id: n.layer for n in graph.nodes}
    w, h = _n(round(width)), _n(round(height))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
        "<title>Chains</title>",
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="white"/>',
    ]
    arrows, backs = [], 0
    for link in graph.links:
        (x0, y0), (x1, y1) = place[link.source], place[link.target]
        ink = LOOP if link.in_loop else OTHER
        if layer[link.target] > layer[link.source]:
            arrows.append(_arrow((x0 + BOX_W, y0 + BOX_H / 2), (x1, y1 + BOX_H / 2), ink))
            continue
        backs += 1
        sx, sy, ex, ey = x0 + BOX_W / 2 + 10, y0 + BOX_H, x1 + BOX_W / 2 - 10, y1 + BOX_H
        depth = bottom + 30 * backs
        curve = f"M {_n(sx)},{_n(sy)} C {_n(sx)},{_n(depth)} {_n(ex)},{_n(depth)} {_n(ex)},{_n(ey + 18)}"
        parts.append(f'<path d="{curve}" fill="none" stroke="{ink}" stroke-width="2"/>')
        arrows.append(_arrow((ex, ey + 18), (ex, ey), ink))
    texts = []
    for node in graph.nodes:
        x, y = place[node.id]
        parts.append(_rect(Rect(x, y, x + BOX_W, y + BOX_H), "#eef4fb", "#1f77b4", 1.5))
        lines = ((node.label, True), (box_statement(node.statement), False))
        texts.append(_mixed_text(lines, x + BOX_W / 2, y + BOX_H / 2, CHAIN_FONT_PX))
    return "\n".join([*parts, *arrows, *texts, "</svg>"]) + "\n"


def _mixed_text(lines: tuple[tuple[str, bool], ...], x: float, cy: float, size: float) -> str:
    """Centred lines, each bold or not."""
    step = size * LINE_EM
    first = cy - step * (len(lines) - 1) / 2
    weight = {True: ' font-weight="bold"', False: ""}
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(first + i * step)}"{weight[bold]}>{xml_text(line)}</tspan>'
        for i, (line, bold) in enumerate(lines)
    )
    return (
        f'<text font-family={_FONT_ATTRIBUTE} font-size="{_n(size)}" fill="{INK}" text-anchor="middle" '
        f'dominant-baseline="central">{spans}</text>'
    )


def _hex(colour: str) -> str:
    """Any colour as ``#rrggbb`` (grey when it is not one), which every painter reads."""
    r, g, b = rgb(colour)
    return f"#{r:02x}{g:02x}{b:02x}"


def _points(*points: Point) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def band_shape(start: tuple[Point, Point, Point, Point], back: tuple[Point, Point, Point, Point]) -> str:
    """A band's outline: its top edge (a cubic) out, its bottom edge (a cubic) back, closed."""
    return f"M {_points(start[0])} C {_points(*start[1:])} L {_points(back[0])} C {_points(*back[1:])} Z"


def sankey_svg(placed: SankeyLayout) -> str:
    """The overview Sankey as :func:`workbench.graphs.overview.sankey_figure` draws it: bands in their
    source's colour at ``LINK_OPACITY``, node boxes in the node's colour outlined in grey, the dark
    ``name (studies)`` labels beside them and the title, on a canvas of the same size."""
    w, h = _n(placed.width), _n(placed.height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
        f"<title>{xml_text(placed.title.lines[0])}</title>",
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="white"/>',
    ]
    for band in placed.bands:
        parts.append(
            f'<path d="{band_shape(band.top, band.bottom)}" fill="{_hex(band.colour)}" '
            f'fill-opacity="{LINK_OPACITY}"/>'
        )
    parts.extend(_rect(node.rect, _hex(node.colour), "#555555", 0.5) for node in placed.nodes)
    for text in (*(node.label for node in placed.nodes), placed.title):
        x = text.rect.x0 if text.anchor == "left" else text.rect.x1
        parts.append(
            text_block(text.lines, x, text.rect.centre[1], text.size, anchor=text.anchor, ink=LABEL_INK)
        )
    return "\n".join([*parts, "</svg>"]) + "\n"
