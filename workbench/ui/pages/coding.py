"""Coding page: reading a study and coding excerpts (the workspace arrives in a later release)."""

import streamlit as st

from workbench.services.studies import list_studies
from workbench.ui import resources
from workbench.ui.widgets import require_project

project = require_project()
st.title("Coding")
rows = list_studies(resources.store(), resources.username(), project.id)
st.info(
    "The coding workspace (select text, code it as a context, mechanism or outcome) is the "
    "next capability to arrive. Coded excerpts so far, per study:"
)
st.dataframe(
    [{"Study": r.citation, "Title": r.title, "Coded excerpts": r.excerpts} for r in rows],
    hide_index=True,
    width="stretch",
)
