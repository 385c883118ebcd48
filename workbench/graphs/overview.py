"""Plotly figures of the whole programme: Sankey, matrices (heatmaps with clickable cells) and chains."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.domain.figures import ProgrammeData
from workbench.domain.overview import (
    Matrix,
    Sankey,
    chain_graph,
    context_outcome_matrix,
    sankey,
    study_code_matrix,
)
from workbench.domain.print_geometry import PRINT_CM
from workbench.domain.sankey_layout import (
    COLUMN_X,
    SANKEY_FONT_PX,
    SANKEY_WIDTH,
    TITLE,
    label_lines,
    sankey_height,
)
from workbench.graphs.chains import chains_figure
from workbench.graphs.style import FONT, alpha, citations, safe

if TYPE_CHECKING:
    import plotly.graph_objects as go

LINK_HOVER = "%{source.label} → %{target.label}<br>%{value} studies: %{customdata}<extra></extra>"
LABEL_INK = "#1a1a1a"
LINK_OPACITY = 0.28  # light bands, so the dark labels drawn over them keep their contrast


def sankey_label(name: str, count: int) -> str:
    """A node's label, ``name (count)``, escaped and wrapped as the bundle's Sankey wraps it."""
    lines = label_lines(name, count)
    return "<br>".join(safe(line) for line in lines)


def sankey_figure(model: Sankey, studies: dict[int, str], title: str = "") -> go.Figure:
    """Context → mechanism → outcome flows; link width = studies supporting both ends.

    Laid out for print at 17 cm: labels are dark, at least 8 pt there, and sit over light bands.
    """
    import plotly.graph_objects as go  # loaded only where a plotly figure is built

    index = {n.key: i for i, n in enumerate(model.nodes)}
    nodes = model.nodes
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [sankey_label(n.name, n.n_studies) for n in nodes],
                "color": [n.colour for n in nodes],
                "x": [COLUMN_X[n.role] for n in nodes],
                "pad": 40,
                "thickness": 14,
                "line": {"color": "#555555", "width": 0.5},
                "customdata": [f"{n.role.value}: {citations(n.studies, studies)}" for n in nodes],
                "hovertemplate": "%{label}<br>%{customdata}<extra></extra>",
            },
            link={
                "source": [index[e.source] for e in model.links],
                "target": [index[e.target] for e in model.links],
                "value": [e.n_studies for e in model.links],
                "color": [alpha(nodes[index[e.source]].colour, LINK_OPACITY) for e in model.links],
                "customdata": [citations(e.studies, studies) for e in model.links],
                "hovertemplate": LINK_HOVER,
            },
            textfont={"family": FONT, "size": SANKEY_FONT_PX, "color": LABEL_INK},
        )
    )
    height = sankey_height(nodes)
    fig.update_layout(
        title={
            "text": safe(title) or TITLE,
            "font": {"size": 20, "color": LABEL_INK},
        },
        width=SANKEY_WIDTH,
        height=height,
        font={"family": FONT, "size": SANKEY_FONT_PX, "color": LABEL_INK},
        margin={"l": 16, "r": 16, "t": 60, "b": 16},
        meta={"print_cm": PRINT_CM},
    )
    return fig


def _cell_markers(matrix: Matrix, rows: list[str], columns: list[str], unit: str) -> go.Scatter:
    """Invisible markers on the non-empty cells: their hover text, and the cell key a click selects."""
    import plotly.graph_objects as go  # loaded only where a plotly figure is built

    cells = {(c.row, c.column): c for c in matrix.cells}
    points = [
        (ci, ri, cells[(r, c)])
        for ri, (r, _) in enumerate(matrix.rows)
        for ci, (c, _) in enumerate(matrix.columns)
        if (r, c) in cells
    ]
    return go.Scatter(
        x=[p[0] for p in points],
        y=[p[1] for p in points],
        mode="markers",
        marker={"size": 18, "color": "rgba(0,0,0,0)", "symbol": "square"},
        customdata=[f"{p[2].row}|{p[2].column}" for p in points],
        hovertext=[f"{rows[p[1]]} × {columns[p[0]]}: {p[2].value} {unit}" for p in points],
        hoverinfo="text",
    )


@dataclass(frozen=True)
class MatrixSize:
    """A matrix figure's canvas and margins in pixels (the plot area is what the margins leave)."""

    width: int
    height: float  # unrounded: the title sits 24 px below the top of it
    left: float
    right: float
    top: float
    bottom: float


def matrix_size(rows: list[str], columns: list[str]) -> MatrixSize:
    """Margins that fit the row labels and the slanted column labels; one 26 px row per label."""
    longest = max((len(label) for label in rows), default=10)
    top = 70 + 0.72 * 7 * max((len(label) for label in columns), default=10)
    reach = [0.72 * 7 * len(label) - 44 * (len(columns) - 1 - i) for i, label in enumerate(columns)]
    right = 20 + max([0.0, *reach])  # how far the slanted labels reach past the last column
    height = top + 26 * len(rows) + 40
    width = round(40 + 7 * longest + 44 * len(columns) + right)
    return MatrixSize(width, height, 20 + 7 * longest, right, top, 20)


def _size(fig: go.Figure, title: str, rows: list[str], columns: list[str]) -> None:
    size = matrix_size(rows, columns)
    heading = {
        "text": safe(title),
        "font": {"size": 16},
        "y": 1 - 24 / size.height,
        "yanchor": "top",
        "x": 0.01,
    }
    fig.update_layout(
        title=heading,
        font={"family": FONT, "size": 12},
        plot_bgcolor="white",
        showlegend=False,
        width=size.width,
        height=round(size.height),
        margin={"l": size.left, "r": size.right, "t": size.top, "b": size.bottom},
        clickmode="event+select",
        dragmode=False,
    )
    fig.update_xaxes(
        tickvals=list(range(len(columns))), ticktext=columns, side="top", tickangle=-45, fixedrange=True
    )
    fig.update_yaxes(tickvals=list(range(len(rows))), ticktext=rows, autorange="reversed", fixedrange=True)


def matrix_figure(matrix: Matrix, colour: str = "#1f77b4", cell_label: str = "studies") -> go.Figure:
    """A heatmap of the matrix with numbers in the cells; each non-empty cell is a clickable marker."""
    import plotly.graph_objects as go  # loaded only where a plotly figure is built

    values = matrix.values()
    rows = [safe(label) for _, label in matrix.rows]
    columns = [safe(label) for _, label in matrix.columns]
    heat = go.Heatmap(
        z=values,
        x=list(range(len(columns))),
        y=list(range(len(rows))),
        colorscale=[[0, "#ffffff"], [1, colour]],
        showscale=False,
        hoverinfo="skip",
        text=[[str(v) if v else "" for v in row] for row in values],
        texttemplate="%{text}",
        xgap=1,
        ygap=1,
    )
    fig = go.Figure([heat, _cell_markers(matrix, rows, columns, cell_label)])
    _size(fig, matrix.title, rows, columns)
    return fig


def overview_figures(data: ProgrammeData, rollup: bool = True) -> dict[str, go.Figure]:
    """The whole-programme figures by file stem: Sankey, both matrices, and chains when there are any."""
    names = {s.id: s.citation for s in data.studies}
    figures = {
        "overview-sankey": sankey_figure(sankey(data, rollup), names),
        "context-outcome-matrix": matrix_figure(context_outcome_matrix(data)),
        "study-code-matrix": matrix_figure(study_code_matrix(data), "#2ca02c", "excerpts"),
    }
    graph = chain_graph(data)
    if graph.nodes:
        figures["chains"] = chains_figure(graph)
    return figures
