"""The Export page's REFI-QDA tab: the project as .qdpx and the codebook as .qdc, to download."""

from __future__ import annotations

import streamlit as st

from workbench.services import qdc, qdpx_export
from workbench.services.publication import slug
from workbench.ui import resources
from workbench.ui.errors import reported

QDPX_LABEL = "REFI-QDA (.qdpx) for NVivo, ATLAS.ti, MAXQDA"
QDC_LABEL = "Codebook (.qdc)"


def exchange_panel(project_id: int, project: str) -> None:
    """Build and offer the .qdpx project and the .qdc codebook (what you may read of the project)."""
    st.write(
        "A REFI-QDA project holds the studies' texts, the codebook with colours and descriptions, every "
        "coding you may see (each coder, and consensus, as a user), memos as notes, code kinds as the sets "
        "Contexts, Mechanisms and Outcomes, and each configuration as a set of its codes plus links "
        "context → mechanism → outcome. The codebook file holds the codes and their kinds only."
    )
    store, user = resources.store(), resources.username()
    left, right = st.columns(2)
    with left:
        if st.button("Prepare .qdpx", key="build_qdpx", icon=":material/inventory_2:"):
            with reported():
                st.session_state[f"qdpx_bytes_{project_id}"] = qdpx_export.export_qdpx(
                    store, user, project_id
                )
        data = st.session_state.get(f"qdpx_bytes_{project_id}")
        if isinstance(data, bytes):
            st.download_button(
                QDPX_LABEL,
                data=data,
                mime="application/zip",
                file_name=f"{slug(project)}.qdpx",
                key="download_qdpx",
                on_click="ignore",
                icon=":material/download:",
            )
    with right:
        if st.button("Prepare .qdc", key="build_qdc", icon=":material/account_tree:"):
            with reported():
                st.session_state[f"qdc_bytes_{project_id}"] = qdc.export_qdc(store, user, project_id)
        data = st.session_state.get(f"qdc_bytes_{project_id}")
        if isinstance(data, bytes):
            st.download_button(
                QDC_LABEL,
                data=data,
                mime="application/xml",
                file_name=f"{slug(project)}-codebook.qdc",
                key="download_qdc",
                on_click="ignore",
                icon=":material/download:",
            )
