"""The chains figure: configurations as boxes in layers, outcome → context links as arrows.

Forward links run from a box's right side to the next layer's left side; a link back to an earlier
(or the same) layer closes a feedback loop and is drawn as a curve under the boxes, ending in an
arrow into the target's bottom. Links on a loop are red.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.domain.overview import ChainGraph, ChainLink
from workbench.graphs.style import fixed_canvas, safe

if TYPE_CHECKING:
    import plotly.graph_objects as go

STEP_X, STEP_Y, BOX_W, BOX_H = 260.0, 90.0, 200.0, 56.0
LOOP, OTHER = "#d62728", "#666666"


def _arrow(x: float, y: float, ax: float, ay: float, colour: str) -> dict[str, Any]:
    return {
        "x": x,
        "y": y,
        "ax": ax,
        "ay": ay,
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 3,
        "arrowwidth": 2,
        "arrowcolor": colour,
        "text": "",
    }


def _back_link(
    start: tuple[float, float], end: tuple[float, float], depth: float, colour: str
) -> list[dict[str, Any]]:
    (x0, y0), (x1, y1) = start, end
    path = {
        "type": "path",
        "path": f"M {x0},{y0} C {x0},{depth} {x1},{depth} {x1},{y1 + 18}",
        "line": {"color": colour, "width": 2},
    }
    return [path, _arrow(x1, y1, x1, y1 + 18, colour)]


def _links(
    graph: ChainGraph, place: dict[int, tuple[float, float]], bottom: float
) -> tuple[list[Any], list[Any]]:
    layer = {n.id: n.layer for n in graph.nodes}
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    backs = 0
    for link in graph.links:
        (x0, y0), (x1, y1) = place[link.source], place[link.target]
        colour = LOOP if link.in_loop else OTHER
        if layer[link.target] > layer[link.source]:
            notes.append(_arrow(x1, y1 + BOX_H / 2, x0 + BOX_W, y0 + BOX_H / 2, colour))
            continue
        backs += 1
        curve = _back_link(
            (x0 + BOX_W / 2 + 10, y0 + BOX_H), (x1 + BOX_W / 2 - 10, y1 + BOX_H), bottom + 30 * backs, colour
        )
        shapes.append(curve[0])
        notes.append(curve[1])
    return shapes, notes


def back_links(graph: ChainGraph) -> list[ChainLink]:
    """The links drawn under the boxes (to an earlier or the same layer)."""
    layer = {n.id: n.layer for n in graph.nodes}
    return [link for link in graph.links if layer[link.target] <= layer[link.source]]


def placement(graph: ChainGraph) -> tuple[dict[int, tuple[float, float]], float, float, float]:
    """Each box's top-left corner, the canvas width and height, and the bottom of the lowest box."""
    place = {n.id: (40 + n.layer * STEP_X, 60 + n.row * STEP_Y) for n in graph.nodes}
    width = 80 + STEP_X * (max((n.layer for n in graph.nodes), default=0) + 1)
    bottom = 60 + STEP_Y * max((n.row for n in graph.nodes), default=0) + BOX_H
    return place, width, bottom + 40 + 30 * len(back_links(graph)), bottom


def box_statement(statement: str) -> str:
    """The first 30 characters of a configuration's statement, as its box shows them."""
    return statement[:30] + ("…" if len(statement) > 30 else "")


def chains_figure(graph: ChainGraph) -> go.Figure:
    """Chained configurations as boxes in layers; links in feedback loops drawn red."""
    import plotly.graph_objects as go  # loaded only where a plotly figure is built

    place, width, height, bottom = placement(graph)
    shapes, notes = _links(graph, place, bottom)
    for node in graph.nodes:
        x, y = place[node.id]
        shapes.append(
            {
                "type": "rect",
                "x0": x,
                "y0": y,
                "x1": x + BOX_W,
                "y1": y + BOX_H,
                "fillcolor": "#eef4fb",
                "line": {"color": "#1f77b4", "width": 1.5},
            }
        )
        statement = safe(box_statement(node.statement))
        notes.append(
            {
                "x": x + BOX_W / 2,
                "y": y + BOX_H / 2,
                "showarrow": False,
                "text": f"<b>{safe(node.label)}</b><br>{statement}",
            }
        )
    fig = go.Figure(
        go.Scatter(
            x=[place[n.id][0] + BOX_W / 2 for n in graph.nodes],
            y=[place[n.id][1] + BOX_H / 2 for n in graph.nodes],
            mode="markers",
            marker={"size": 30, "color": "rgba(0,0,0,0)"},
            hoverinfo="text",
            hovertext=[f"<b>{safe(n.label)}</b>: {safe(n.statement)}" for n in graph.nodes],
        )
    )
    fig.update_layout(shapes=shapes, annotations=notes)
    return fixed_canvas(fig, width, height)
