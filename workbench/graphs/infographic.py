"""The nested CMOC infographic of one context as a plotly figure, drawn from its pixel layout.

Mechanisms are soft rounded boxes in their code's colour, outcomes hard grey-bordered rectangles;
border and line widths come from the layout (number of studies). Invisible markers at each box's
centre and each line's midpoint carry the hover text and, as ``customdata``, the node or edge key
that a click selects (for the drill-down).
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from workbench.domain.figure_layout import Box, Layout, LegendSample, Line, Rect, layout
from workbench.domain.figures import ContextFigure, ProgrammeData, context_figure
from workbench.graphs.style import FONT, INK, alpha, citations, fixed_canvas, safe, shade, tint

ROLE_NAMES = {"header": "Context", "subfactor": "Sub-factor", "mechanism": "Mechanism", "outcome": "Outcome"}
RADIUS = 14.0


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


def _box_shape(box: Box) -> dict[str, Any]:
    r = box.rect
    base: dict[str, Any] = {"x0": r.x0, "y0": r.y0, "x1": r.x1, "y1": r.y1, "layer": "above"}
    if box.kind == "panel":
        return {
            **base,
            "type": "rect",
            "fillcolor": tint(box.colour, 0.82),
            "layer": "below",
            "line": {"color": box.colour, "width": box.border},
        }
    if box.kind == "mechanism":
        return {
            "type": "path",
            "path": rounded_path(r),
            "fillcolor": tint(box.colour, 0.55),
            "layer": "above",
            "line": {"color": shade(box.colour, 0.25), "width": box.border},
        }
    if box.kind == "outcome":
        return {**base, "type": "rect", "fillcolor": "#f4f4f4", "line": {"color": INK, "width": box.border}}
    if box.kind == "header":
        return {
            **base,
            "type": "rect",
            "fillcolor": tint(box.colour, 0.55),
            "line": {"color": box.colour, "width": 1},
        }
    return {**base, "type": "rect", "fillcolor": "white", "line": {"color": box.colour, "width": box.border}}


def _box_text(box: Box, counts: bool) -> dict[str, Any]:
    lines = [safe(line) for line in box.lines]
    if counts and box.kind != "panel" and lines:
        lines[-1] = f"<i>{lines[-1]}</i>"
    text = "<br>".join(lines)
    if box.kind == "header":
        text = f"<b>{text}</b>"
    x, y = box.rect.centre
    return {
        "x": x,
        "y": y,
        "text": text,
        "showarrow": False,
        "font": {"size": 13, "family": FONT},
        "align": "center",
    }


def _line_shape(line: Line) -> dict[str, Any]:
    dash = "dot" if line.count == 0 else "solid"
    return {
        "type": "path",
        "path": curve_path(line),
        "layer": "below",
        "line": {"color": alpha(line.colour, 0.55), "width": line.width, "dash": dash},
    }


def _studies(count: int) -> str:
    return f"{count} stud{'y' if count == 1 else 'ies'}"


def _markers(layout: Layout, figure: ContextFigure, studies: dict[int, str]) -> list[go.Scatter]:
    nodes = {n.key: n for n in figure.nodes()}
    boxes = [b for b in layout.boxes if b.key in nodes]
    box_hover = [
        f"<b>{ROLE_NAMES.get(b.kind, '')}</b>: {safe(nodes[b.key].name)}<br>"
        f"{b.count} stud{'y' if b.count == 1 else 'ies'}: {citations(nodes[b.key].studies, studies)}"
        for b in boxes
    ]
    edges = {e.key: e for e in figure.edges}
    line_hover = [
        f"{safe(nodes[ln.source].name)} → {safe(nodes[ln.target].name)}<br>"
        f"{_studies(ln.count)} support both: {citations(edges[ln.key].studies, studies)}"
        for ln in layout.lines
    ]
    mids = [((ln.start[0] + ln.end[0]) / 2, (ln.start[1] + ln.end[1]) / 2) for ln in layout.lines]
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
            x=[m[0] for m in mids],
            y=[m[1] for m in mids],
            mode="markers",
            marker={"size": 12, "color": "rgba(0,0,0,0)"},
            customdata=[ln.key for ln in layout.lines],
            hovertext=line_hover,
            hoverinfo="text",
            name="lines",
        ),
    ]


def note(x: float, y: float, text: str, size: int = 12, **extra: Any) -> dict[str, Any]:
    """A plotly annotation without an arrow (``text`` is used as given: escape it first)."""
    return {"x": x, "y": y, "text": text, "showarrow": False, "font": {"size": size}, **extra}


def _sample_shape(sample: LegendSample, box: bool) -> dict[str, Any]:
    (x0, y), (x1, _) = sample.start, sample.end
    if box:
        return {
            "type": "rect",
            "x0": x0,
            "x1": x1,
            "y0": y - 9,
            "y1": y + 9,
            "fillcolor": "white",
            "line": {"color": "#555555", "width": sample.width},
        }
    return {
        "type": "line",
        "x0": x0,
        "x1": x1,
        "y0": y,
        "y1": y,
        "line": {"color": "#777777", "width": sample.width},
    }


def _legend(layout: Layout) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The thickness legend (sample lines and borders) and the mechanism/outcome shape key."""
    top = layout.legend_top
    rule = {
        "type": "line",
        "x0": 20,
        "x1": layout.width - 20,
        "y0": top,
        "y1": top,
        "line": {"color": "#dddddd"},
    }
    shapes: list[dict[str, Any]] = [rule]
    notes = [
        note(20, top + 30, "<b>Line width</b>: studies supporting both ends", xanchor="left"),
        note(
            20, top + 62, "<b>Border width</b>: studies supporting the mechanism or outcome", xanchor="left"
        ),
    ]
    for samples, box in ((layout.legend, False), (layout.border_legend, True)):
        for sample in samples:
            shapes.append(_sample_shape(sample, box))
            notes.append(note(sample.end[0] + 8, sample.end[1], _studies(sample.count), xanchor="left"))
    y = top + 62
    mechanism, outcome = Rect(880, y - 12, 990, y + 12), Rect(1120, y - 12, 1230, y + 12)
    shapes.append(
        {
            "type": "path",
            "path": rounded_path(mechanism, 10),
            "fillcolor": "#ffd8b0",
            "line": {"color": "#c46a12", "width": 1.5},
        }
    )
    shapes.append(
        {
            "type": "rect",
            "x0": outcome.x0,
            "y0": outcome.y0,
            "x1": outcome.x1,
            "y1": outcome.y1,
            "fillcolor": "#f4f4f4",
            "line": {"color": INK, "width": 1.5},
        }
    )
    notes += [note(*mechanism.centre, "mechanism"), note(*outcome.centre, "outcome")]
    return shapes, notes


def infographic(
    placed: Layout, figure: ContextFigure, studies: dict[int, str], counts: bool = True
) -> go.Figure:
    """The plotly figure of a laid-out context; ``studies`` maps study ids to short citations."""
    fig = go.Figure(_markers(placed, figure, studies))
    shapes = [_line_shape(line) for line in placed.lines]
    shapes += [_box_shape(box) for box in placed.boxes]
    notes = [_box_text(box, counts) for box in placed.boxes if box.kind != "panel"]
    if counts:
        notes += [
            {
                "x": (ln.label.x0 + ln.label.x1) / 2,
                "y": (ln.label.y0 + ln.label.y1) / 2,
                "text": str(ln.count),
                "showarrow": False,
                "font": {"size": 11, "color": "#444444"},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
            for ln in placed.lines
        ]
    columns = (("Context and sub-factors", 210), ("Mechanisms", 695), ("Outcomes", 1145))
    notes += [
        {"x": x, "y": 46, "text": f"<b>{t}</b>", "showarrow": False, "font": {"size": 13, "color": "#666666"}}
        for t, x in columns
    ]
    notes.append(
        {
            "x": 20,
            "y": 18,
            "xanchor": "left",
            "showarrow": False,
            "font": {"size": 17},
            "text": f"<b>{safe(placed.title)}</b>: nested context-mechanism-outcome configurations",
        }
    )
    legend_shapes, legend_notes = _legend(placed)
    fig.update_layout(shapes=shapes + legend_shapes, annotations=notes + legend_notes)
    return fixed_canvas(fig, placed.width, placed.height)


def context_infographic(
    data: ProgrammeData, context_id: int, counts: bool = True
) -> tuple[go.Figure, ContextFigure]:
    """The infographic of one context of the programme, with the counted figure behind it."""
    figure = context_figure(data, context_id)
    names = {s.id: s.citation for s in data.studies}
    return infographic(layout(figure, counts), figure, names, counts), figure
