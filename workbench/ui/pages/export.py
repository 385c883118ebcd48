"""Export page: publication tables, figures and REFI-QDA (arriving in a later release)."""

import streamlit as st

from workbench.ui.widgets import require_project

project = require_project()
st.title("Export")
st.info(
    f"Exports of **{project.name}** (CMOC tables as DOCX, XLSX, CSV, Markdown and LaTeX; "
    "figures as SVG, PNG and PDF; REFI-QDA .qdpx) arrive in a later release."
)
