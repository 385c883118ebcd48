"""Programme theory page: named versions of the configurations and their differences (being built)."""

import streamlit as st

from workbench.ui.widgets import require_project

project = require_project()
st.title("Programme theory")
st.info("Programme theory versions arrive with the coding workspace.")
