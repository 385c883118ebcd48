"""The Export page's REFI-QDA tab: the project as .qdpx and the codebook as .qdc, to download."""

from __future__ import annotations

import streamlit as st

from workbench.services import qdc, qdpx_export
from workbench.services.publication import slug
from workbench.ui import resources
from workbench.ui.widgets import prepared_download

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
        prepared_download(
            "qdpx", ":material/inventory_2:", lambda: qdpx_export.export_qdpx(store, user, project_id),
            QDPX_LABEL, "application/zip", f"{slug(project)}.qdpx", project_id,
        )  # fmt: skip
    with right:
        prepared_download(
            "qdc", ":material/account_tree:", lambda: qdc.export_qdc(store, user, project_id),
            QDC_LABEL, "application/xml", f"{slug(project)}-codebook.qdc", project_id,
        )  # fmt: skip
