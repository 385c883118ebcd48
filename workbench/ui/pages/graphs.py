"""Graphs page: nested CMOC infographics, Sankey and matrices (arriving in a later release)."""

import streamlit as st

from workbench.ui.widgets import require_project

project = require_project()
st.title("Graphs")
st.info(
    f"Graph views of **{project.name}** (nested CMOC infographics per context, an overview "
    "Sankey, context x outcome and study x code matrices) arrive in a later release."
)
