"""Graphs page: nested CMOC infographics per context, the overview Sankey, matrices and chains."""

import streamlit as st

from workbench.services.figures import programme
from workbench.ui import graph_panels as panels
from workbench.ui import resources, revision_cache
from workbench.ui.evidence_source import evidence_source_toggle
from workbench.ui.figure_filters import figure_filters
from workbench.ui.text import plain
from workbench.ui.widgets import require_project

TAB = "graphs_tab"

project = require_project()
st.title("Graphs")
evidence_source_toggle(project.id, "graphs")
store, user = resources.store(), resources.username()
# read again only when something drawn changed (a fingerprint query) or the filters did: 200 studies'
# codings take seconds to read and count, a rerun (a click on a chart, a toggle) must not
revision = revision_cache.revision(project.id)
filters = figure_filters(project.id, "graphs", revision)
# the tabs but Study × code draw configurations, whose evidence is a quarter of the codings: while one of
# them is open, only those codings are read (the tab's value is in session state before it is drawn)
every = (st.session_state.get(TAB) or "Context infographics") not in panels.CONFIGURATIONS_ONLY
data = revision_cache.cached(
    "graphs_data" if every else "graphs_configurations",
    filters,
    revision,
    lambda: programme(store, user, project.id, filters, codings=every),
)
for note in data.notes:
    st.warning(plain(note))
st.caption(
    f"{len(data.configurations)} configurations from {len(data.studies)} studies. "
    "Counts are distinct studies; click a box, line or cell (or choose it below the chart) "
    "to see its excerpts."
)
TABS = {
    "Context infographics": panels.infographic_tab,
    "Sankey": panels.sankey_tab,
    "Context × outcome": panels.context_outcome_tab,
    "Study × code": panels.study_code_tab,
    "Chains": panels.chains_tab,
}
# only the open tab is drawn (each figure of a 200-study project takes a second or more to build)
for tab, draw in zip(st.tabs(list(TABS), key=TAB, on_change="rerun"), TABS.values(), strict=True):
    if tab.open:
        with tab:
            draw(data)
