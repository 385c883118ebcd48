"""Graphs page: nested CMOC infographics per context, the overview Sankey, matrices and chains."""

import streamlit as st

from workbench.services.figures import programme
from workbench.ui import graph_panels as panels
from workbench.ui import resources
from workbench.ui.evidence_source import evidence_source_toggle
from workbench.ui.figure_filters import figure_filters
from workbench.ui.text import plain
from workbench.ui.widgets import require_project

project = require_project()
st.title("Graphs")
evidence_source_toggle(project.id, "graphs")
filters = figure_filters(project.id, "graphs")
data = programme(resources.store(), resources.username(), project.id, filters)
for note in data.notes:
    st.warning(plain(note))
st.caption(
    f"{len(data.configurations)} configurations from {len(data.studies)} studies. "
    "Counts are distinct studies; click a box, line or cell (or choose it below the chart) "
    "to see its excerpts."
)
infographics, overview, context_outcome, study_code, chains = st.tabs(
    ["Context infographics", "Sankey", "Context × outcome", "Study × code", "Chains"]
)
with infographics:
    panels.infographic_tab(data)
with overview:
    panels.sankey_tab(data)
with context_outcome:
    panels.context_outcome_tab(data)
with study_code:
    panels.study_code_tab(data)
with chains:
    panels.chains_tab(data)
