"""Tabs of the Graphs page: context infographics, Sankey, the two matrices and chains, with drill-down."""

from __future__ import annotations

import streamlit as st

from workbench.domain.figures import Edge, Node, ProgrammeData, drawable_contexts
from workbench.domain.overview import Matrix, chain_graph, context_outcome_matrix, sankey, study_code_matrix
from workbench.graphs.infographic import ROLE_NAMES, context_infographic
from workbench.graphs.overview import chains_figure, matrix_figure, sankey_figure
from workbench.ui import revision_cache
from workbench.ui.drilldown import choose, clicked, evidence_list
from workbench.ui.text import plain

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
LISTED_CONFIGURATIONS = 20  # configuration labels named under an infographic; the rest are counted
# the tabs drawn from configurations and their evidence alone (figures.programme(codings=False) suffices)
CONFIGURATIONS_ONLY = frozenset({"Context infographics", "Sankey", "Context × outcome", "Chains"})


def _names(data: ProgrammeData) -> dict[int, str]:
    return {s.id: s.citation for s in data.studies}


def _studies(count: int) -> str:
    return f"{count} stud{'y' if count == 1 else 'ies'}"


def _count(count: int, unit: str) -> str:
    return _studies(count) if unit == "studies" else f"{count} excerpt{'' if count == 1 else 's'}"


def _label(item: Node | Edge, nodes: dict[str, Node]) -> str:
    if isinstance(item, Node):
        return f"{item.name} ({_studies(item.n_studies)})"
    return f"{nodes[item.source].name} → {nodes[item.target].name} ({_studies(item.n_studies)})"


def infographic_tab(data: ProgrammeData) -> None:
    """One context's nested CMOC infographic; a click on a box or line lists its excerpts."""
    contexts = {c.id: c.name for c in drawable_contexts(data)}
    if not contexts:
        st.info("No configurations to draw yet (or none left with these filters).")
        return
    left, right = st.columns([3, 1])
    context_id = left.selectbox(
        "Context", list(contexts), format_func=contexts.__getitem__, key="graph_context"
    )
    counts = right.toggle("Show counts", value=True, key="graph_counts")
    fig, figure = revision_cache.cached(  # laid out once per data (the Graphs page keeps it) and context
        "graph_infographic",
        (data, context_id, counts),
        (),
        lambda: context_infographic(data, context_id, counts),
    )
    labels = list(figure.configurations)
    listed = ", ".join(labels[:LISTED_CONFIGURATIONS])
    if len(labels) > LISTED_CONFIGURATIONS:  # a 200-study project has hundreds per context
        listed += f", … and {len(labels) - LISTED_CONFIGURATIONS} more"
    st.caption(
        "Border width: studies supporting the mechanism or outcome in this context's "
        f"{len(labels)} configurations ({plain(listed)}). Line width: studies supporting both ends."
    )
    event = st.plotly_chart(
        fig,
        key="infographic_chart",
        on_select="rerun",
        selection_mode="points",
        width="content",
        config=CHART_CONFIG,
    )
    nodes = {n.key: n for n in figure.nodes()}
    items: dict[str, Node | Edge] = {n.key: n for n in figure.nodes() if n.n_studies}
    items.update({e.key: e for e in figure.edges})
    kinds = {k: "header" if k == figure.context.key else _kind(v) for k, v in items.items()}
    labels = {k: f"{ROLE_NAMES.get(kinds[k], 'Line')}: {_label(v, nodes)}" for k, v in items.items()}
    chosen = choose("Drill down into", labels, "drill_infographic", clicked(event))
    if chosen is not None:
        evidence_list(items[chosen].evidence, "infographic")


def _kind(item: Node | Edge) -> str:
    if isinstance(item, Edge):
        return "line"
    return {"context": "subfactor", "mechanism": "mechanism", "outcome": "outcome"}[item.role.value]


def sankey_tab(data: ProgrammeData) -> None:
    """The overview Sankey, with a drill-down into any link or node."""
    rollup = st.toggle("Roll sub-factors up to their context", value=True, key="sankey_rollup")
    model = sankey(data, rollup)
    if not model.links:
        st.info("No configuration has a study supporting both of its ends yet.")
        return
    st.plotly_chart(
        sankey_figure(model, _names(data)), key="sankey_chart", width="content", config=CHART_CONFIG
    )
    nodes = {n.key: n for n in model.nodes}
    items: dict[str, Node | Edge] = {e.key: e for e in model.links}
    items.update(nodes)
    labels = {k: _label(v, nodes) for k, v in items.items()}
    chosen = choose("Drill down into", labels, "drill_sankey", None)
    if chosen is not None:
        evidence_list(items[chosen].evidence, "sankey")


def matrix_tab(matrix: Matrix, key: str, colour: str, unit: str) -> None:
    """A matrix heatmap; clicking a cell (or choosing it) lists the excerpts behind it."""
    if not matrix.cells:
        st.info("Nothing to show yet.")
        return
    event = st.plotly_chart(
        matrix_figure(matrix, colour, unit),
        key=f"{key}_chart",
        on_select="rerun",
        selection_mode="points",
        width="content",
        config=CHART_CONFIG,
    )
    rows, columns = dict(matrix.rows), dict(matrix.columns)
    labels = {
        f"{c.row}|{c.column}": f"{rows[c.row]} × {columns[c.column]} ({_count(c.value, unit)})"
        for c in matrix.cells
    }
    chosen = choose("Drill down into a cell", labels, f"drill_{key}", clicked(event))
    if chosen is not None:
        row, column = chosen.split("|")
        cell = matrix.cell(row, column)
        evidence_list(cell.evidence if cell else (), key)


def context_outcome_tab(data: ProgrammeData) -> None:
    """Contexts by outcomes; cells count studies supporting both in one configuration."""
    rollup = st.toggle("Roll sub-factors up to their context", value=False, key="matrix_rollup")
    matrix_tab(context_outcome_matrix(data, rollup), "context_outcome", "#1f77b4", "studies")


def study_code_tab(data: ProgrammeData) -> None:
    """Which codes were found in which study (cells count excerpts)."""
    matrix_tab(study_code_matrix(data), "study_code", "#2ca02c", "excerpts")


def chains_tab(data: ProgrammeData) -> None:
    """Configurations linked outcome → context, feedback loops in red."""
    graph = chain_graph(data)
    if not graph.nodes:
        st.info("No chains yet: link configurations on the **Configurations** page (Chains tab).")
        return
    st.plotly_chart(chains_figure(graph), key="chains_chart", width="content", config=CHART_CONFIG)
    for loop in graph.loops:
        st.warning("Feedback loop: " + plain(" → ".join([*loop, loop[0]])))
