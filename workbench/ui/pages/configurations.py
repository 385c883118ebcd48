"""Configurations page: the project's context-mechanism-outcome configurations and their support."""

import streamlit as st

from workbench.services.configurations import list_configurations
from workbench.ui import resources
from workbench.ui.widgets import require_project

project = require_project()
st.title("Configurations")
rows = list_configurations(resources.store(), resources.username(), project.id)
if not rows:
    st.info(
        "No configurations yet. Building CMOCs from coded evidence arrives with the coding "
        "workspace; the demo project already holds the gold configurations."
    )
    st.stop()

st.caption(
    f"{len(rows)} configurations. N studies = distinct studies whose coded excerpts support any element."
)
st.dataframe(
    [
        {
            "CMOC": r.label,
            "Context": "; ".join(r.contexts),
            "Mechanism": "; ".join(r.mechanisms),
            "Outcome": "; ".join(r.outcomes),
            "Statement": r.statement,
            "N studies": r.n_studies,
            "Supporting studies": "; ".join(r.studies),
            "Nested": r.nested,
            "Status": r.status,
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
)
