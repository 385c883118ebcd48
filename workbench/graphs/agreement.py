"""The code x study heat map of Cohen's kappa for the Agreement page; a click selects a cell."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from workbench.graphs.style import FONT, safe

# red (disagreement) through white (chance) to green (agreement); kappa runs from -1 to 1
KAPPA_SCALE = [[0.0, "#b2182b"], [0.5, "#f7f7f7"], [0.75, "#a6dba0"], [1.0, "#1b7837"]]


@dataclass(frozen=True)
class HeatCell:
    """One cell: its key (what a click selects), kappa (None: undefined) and its hover text."""

    key: str
    kappa: float | None
    hover: str


def kappa_heatmap(
    rows: Sequence[str], columns: Sequence[str], cells: Sequence[Sequence[HeatCell]]
) -> go.Figure:
    """Rows are codes (worst first, drawn from the top), columns studies; undefined cells stay blank."""
    row_labels, column_labels = [safe(r) for r in rows], [safe(c) for c in columns]
    z = [[c.kappa for c in row] for row in cells]
    heat = go.Heatmap(
        z=z, x=list(range(len(columns))), y=list(range(len(rows))), zmin=-1, zmax=1, colorscale=KAPPA_SCALE,
        colorbar={"title": {"text": "kappa"}}, hoverinfo="skip", xgap=1, ygap=1,
        text=[["" if v is None else f"{v:.2f}" for v in row] for row in z], texttemplate="%{text}",
    )  # fmt: skip
    points = [(ci, ri, cell) for ri, row in enumerate(cells) for ci, cell in enumerate(row)]
    markers = go.Scatter(
        x=[p[0] for p in points], y=[p[1] for p in points], mode="markers",
        marker={"size": 18, "color": "rgba(0,0,0,0)", "symbol": "square"},
        customdata=[p[2].key for p in points], hovertext=[safe(p[2].hover) for p in points], hoverinfo="text",
        showlegend=False,
    )  # fmt: skip
    fig = go.Figure([heat, markers])
    longest = max((len(label) for label in rows), default=10)
    # at least 260 px high, so the colour bar has room beside a single row
    fig.update_layout(
        font={"family": FONT, "size": 12}, plot_bgcolor="white", height=max(260, 120 + 28 * len(rows)),
        margin={"l": min(20 + 7 * longest, 360), "r": 20, "t": 90, "b": 20}, dragmode=False,
        xaxis={"tickvals": list(range(len(columns))), "ticktext": column_labels, "side": "top",
               "tickangle": -40},
        yaxis={"tickvals": list(range(len(rows))), "ticktext": row_labels, "autorange": "reversed"},
    )  # fmt: skip
    return fig
