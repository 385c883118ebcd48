"""Codebook page: the tree of contexts, mechanisms and outcomes (being built)."""

import streamlit as st

from workbench.ui.widgets import require_project

project = require_project()
st.title("Codebook")
st.info("Codebook editing arrives with the coding workspace.")
