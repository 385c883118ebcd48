"""The nested CMOC infographic of one context as a plotly figure, drawn from its pixel layout.

Mechanisms are soft rounded boxes in their code's colour, outcomes square boxes with grey borders;
border and line widths come from the layout (number of studies), and each line carries its count on
a small white tag outlined in the line's colour. Every text is placed by the layout, at a size that
prints at 8 pt or more at 17 cm. Invisible markers at each box's centre and each line's count tag
carry the hover text and, as ``customdata``, the node or edge key that a click selects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.domain.figure_layout import (
    FONT_PX,
    OUTCOME_INK,
    SMALL_PX,
    Box,
    Layout,
    Line,
    layout,
)
from workbench.domain.figure_legend import LegendEntry, Swatch
from workbench.domain.figures import ContextFigure, ProgrammeData, context_figure
from workbench.domain.print_geometry import PRINT_CM, Rect, Text
from workbench.graphs.style import FONT, INK, alpha, citations, fixed_canvas, safe, shade, tint

if TYPE_CHECKING:
    import plotly.graph_objects as go

ROLE_NAMES = {"header": "Context", "subfactor": "Sub-factor", "mechanism": "Mechanism", "outcome": "Outcome"}
RADIUS = 14.0
OUTCOME_FILL = "#f4f4f4"


def rounded_path(rect: Rect, radius: float = RADIUS) -> str:
    """An SVG path for a rectangle with rounded corners."""
    r = min(radius, (rect.x1 - rect.x0) / 2, (rect.y1 - rect.y0) / 2)
    x0, y0, x1, y1 = rect.x0, rect.y0, rect.x1, rect.y1
    return (
        f"M {x0 + r},{y0} L {x1 - r},{y0} Q {x1},{y0} {x1},{y0 + r} "
        f"L {x1},{y1 - r} Q {x1},{y1} {x1 - r},{y1} "
        f"L {x0 + r},{y1} Q {x0},{y1} {x0},{y1 - r} "
        f"L {x0},{y0 + r} Q {x0},{y0} {x0 + r},{y0} Z"
    )


def curve_path(line: Line) -> str:
    """An S-shaped cubic curve from the line's start to its end."""
    (x0, y0), (x1, y1) = line.start, line.end
    xm = (x0 + x1) / 2
    return f"M {x0},{y0} C {xm},{y0} {xm},{y1} {x1},{y1}"


def _rect(rect: Rect, fill: str, colour: str, width: float, layer: str = "above") -> dict[str, Any]:
    return {
        "type": "rect", "x0": rect.x0, "y0": rect.y0, "x1": rect.x1, "y1": rect.y1, "layer": layer,
        "fillcolor": fill, "line": {"color": colour, "width": width},
    }  # fmt: skip


def _rounded(rect: Rect, colour: str, width: float, radius: float = RADIUS) -> dict[str, Any]:
    return {
        "type": "path", "path": rounded_path(rect, radius), "layer": "above",
        "fillcolor": tint(colour, 0.55), "line": {"color": shade(colour, 0.25), "width": width},
    }  # fmt: skip


@dataclass(frozen=True)
class BoxPaint:
    """How a box of a kind is drawn, by the plotly figure and the direct SVG alike: its fill, outline
    colour and width, and whether it is a soft rounded box (mechanisms)."""

    fill: str
    stroke: str
    width: float
    rounded: bool = False


def box_paint(box: Box) -> BoxPaint:
    """The one rule for each kind of box: panel, mechanism, outcome, header, or a context's box."""
    if box.kind == "panel":
        return BoxPaint(tint(box.colour, 0.85), box.colour, box.border)
    if box.kind == "mechanism":
        return BoxPaint(tint(box.colour, 0.55), shade(box.colour, 0.25), box.border, rounded=True)
    if box.kind == "outcome":
        return BoxPaint(OUTCOME_FILL, OUTCOME_INK, box.border)
    if box.kind == "header":
        return BoxPaint(tint(box.colour, 0.55), box.colour, 1)
    return BoxPaint("white", box.colour, box.border)


def _box_shape(box: Box) -> dict[str, Any]:
    paint = box_paint(box)
    if paint.rounded:
        return {
            "type": "path", "path": rounded_path(box.rect), "layer": "above",
            "fillcolor": paint.fill, "line": {"color": paint.stroke, "width": paint.width},
        }  # fmt: skip
    return _rect(box.rect, paint.fill, paint.stroke, paint.width, "below" if box.kind == "panel" else "above")


def _box_text(box: Box, counts: bool) -> dict[str, Any]:
    lines = [safe(line) for line in box.lines]
    if counts and lines:
        lines[-1] = f"<i>{lines[-1]}</i>"
    text = "<br>".join(lines)
    if box.bold:
        text = f"<b>{text}</b>"
    x, y = box.rect.centre
    return {
        "x": x, "y": y, "text": text, "showarrow": False, "align": "center",
        "font": {"size": FONT_PX, "family": FONT, "color": INK},
    }  # fmt: skip


def _text(text: Text) -> dict[str, Any]:
    """A laid-out text block as an annotation anchored like the layout placed it."""
    body = "<br>".join(safe(line) for line in text.lines)
    x = {"left": text.rect.x0, "center": text.rect.centre[0], "right": text.rect.x1}[text.anchor]
    return {
        "x": x, "y": text.rect.centre[1], "xanchor": text.anchor, "yanchor": "middle", "align": text.anchor,
        "text": f"<b>{body}</b>" if text.bold else body, "showarrow": False,
        "font": {"size": text.size, "family": FONT, "color": INK},
    }  # fmt: skip


def _line_shape(line: Line) -> dict[str, Any]:
    dash = "dot" if line.count == 0 else "solid"
    return {
        "type": "path",
        "path": curve_path(line),
        "layer": "below",
        "line": {"color": alpha(line.colour, 0.6), "width": line.width, "dash": dash},
    }


def _count_tag(line: Line) -> dict[str, Any]:
    x, y = line.label.centre
    return {
        "x": x, "y": y, "text": f"<b>{line.count}</b>", "showarrow": False,
        "font": {"size": SMALL_PX, "family": FONT, "color": INK},
        "bgcolor": "white", "bordercolor": shade(line.colour, 0.2), "borderwidth": 1, "borderpad": 1,
    }  # fmt: skip


def _studies(count: int) -> str:
    return f"{count} stud{'y' if count == 1 else 'ies'}"


def _markers(layout: Layout, figure: ContextFigure, studies: dict[int, str]) -> list[go.Scatter]:
    import plotly.graph_objects as go  # loaded only where a plotly figure is built

    nodes = {n.key: n for n in figure.nodes()}
    boxes = [b for b in layout.boxes if b.key in nodes]
    box_hover = [
        f"<b>{ROLE_NAMES.get(b.kind, '')}</b>: {safe(nodes[b.key].name)}<br>"
        f"{_studies(b.count)}: {citations(nodes[b.key].studies, studies)}"
        for b in boxes
    ]
    edges = {e.key: e for e in figure.edges}
    line_hover = [
        f"{safe(nodes[ln.source].name)} → {safe(nodes[ln.target].name)}<br>"
        f"{_studies(ln.count)} support both: {citations(edges[ln.key].studies, studies)}"
        for ln in layout.lines
    ]
    tags = [ln.label.centre for ln in layout.lines]
    return [
        go.Scatter(
            x=[b.rect.centre[0] for b in boxes],
            y=[b.rect.centre[1] for b in boxes],
            mode="markers",
            marker={
                "size": [max(10, min(40, b.rect.y1 - b.rect.y0)) for b in boxes],
                "color": "rgba(0,0,0,0)",
                "symbol": "square",
            },
            customdata=[b.key for b in boxes],
            hovertext=box_hover,
            hoverinfo="text",
            name="boxes",
        ),
        go.Scatter(
            x=[t[0] for t in tags],
            y=[t[1] for t in tags],
            mode="markers",
            marker={"size": 16, "color": "rgba(0,0,0,0)"},
            customdata=[ln.key for ln in layout.lines],
            hovertext=line_hover,
            hoverinfo="text",
            name="lines",
        ),
    ]


def _swatch(swatch: Swatch) -> dict[str, Any]:
    r = swatch.rect
    if swatch.kind == "line":
        y = r.centre[1]
        return {
            "type": "line", "x0": r.x0, "x1": r.x1, "y0": y, "y1": y,
            "line": {"color": swatch.colour, "width": swatch.width},
        }  # fmt: skip
    if swatch.kind == "mechanism":
        return _rounded(r, swatch.colour, swatch.width, 6)
    if swatch.kind == "context":
        return _rect(r, tint(swatch.colour, 0.55), swatch.colour, swatch.width)
    if swatch.kind == "outcome":
        return _rect(r, OUTCOME_FILL, swatch.colour, swatch.width)
    return _rect(r, "white", swatch.colour, swatch.width)


def _legend(placed: Layout) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The key: a rule above it, each entry's swatch, and each entry's text."""
    top = placed.legend_top
    rule = {
        "type": "line",
        "x0": 16,
        "x1": placed.width - 16,
        "y0": top,
        "y1": top,
        "line": {"color": "#cccccc"},
    }
    entries: tuple[LegendEntry, ...] = placed.legend
    shapes = [rule, *(_swatch(e.swatch) for e in entries if e.swatch)]
    return shapes, [_text(e.text) for e in entries]


def infographic(
    placed: Layout, figure: ContextFigure, studies: dict[int, str], counts: bool = True
) -> go.Figure:
    """The plotly figure of a laid-out context; ``studies`` maps study ids to short citations."""
    import plotly.graph_objects as go  # loaded only where a plotly figure is built

    fig = go.Figure(_markers(placed, figure, studies))
    shapes = [_line_shape(line) for line in placed.lines]
    shapes += [_box_shape(box) for box in placed.boxes]
    notes = [_box_text(box, counts) for box in placed.boxes if box.kind != "panel"]
    if counts:
        notes += [_count_tag(line) for line in placed.lines]
    notes += [_text(text) for text in placed.texts]
    legend_shapes, legend_notes = _legend(placed)
    fig.update_layout(
        shapes=shapes + legend_shapes, annotations=notes + legend_notes, meta={"print_cm": PRINT_CM}
    )
    return fixed_canvas(fig, placed.width, placed.height)


def context_infographic(
    data: ProgrammeData, context_id: int, counts: bool = True
) -> tuple[go.Figure, ContextFigure]:
    """The infographic of one context of the programme, with the counted figure behind it."""
    figure = context_figure(data, context_id)
    names = {s.id: s.citation for s in data.studies}
    return infographic(layout(figure, counts), figure, names, counts), figure
