"""Configurations page: CMOCs with their support, built from coded evidence, suggested, and chained."""

import streamlit as st

from workbench.services.configurations import list_configurations
from workbench.ui import configuration_panels as panels
from workbench.ui import resources
from workbench.ui.widgets import require_project

project = require_project()
st.title("Configurations")
rows = list_configurations(resources.store(), resources.username(), project.id)
overview, build, suggest, chain = st.tabs(["Configurations", "Build", "Suggestions", "Chains"])

with overview:
    if not rows:
        st.info("No configurations yet: build one from coded evidence in the **Build** tab.")
    else:
        st.caption(
            f"{len(rows)} configurations. N studies = distinct studies whose codings support any element."
        )
        st.dataframe(
            [{"CMOC": r.label, "Context": "; ".join(r.contexts), "Mechanism": "; ".join(r.mechanisms),
              "Outcome": "; ".join(r.outcomes), "Statement": r.statement, "N studies": r.n_studies,
              "Supporting studies": "; ".join(r.studies), "Nested": r.nested, "Status": r.status}
             for r in rows],
            hide_index=True, width="stretch",
        )  # fmt: skip
        by_id = {r.id: r for r in rows}
        chosen = st.selectbox(
            "Open a configuration", list(by_id), index=None, key="open_configuration",
            format_func=lambda i: f"{by_id[i].label}: {by_id[i].statement[:90]}",
        )  # fmt: skip
        if chosen is not None:
            panels.detail(by_id[chosen])
with build:
    panels.build_form(project.id)
with suggest:
    panels.suggestions(project.id)
with chain:
    if len(rows) < 2:
        st.info("Chains need at least two configurations.")
    else:
        panels.chains(project.id, rows)
