"""Memos page: notes on studies, codes, excerpts and configurations (being built)."""

import streamlit as st

from workbench.ui.widgets import require_project

project = require_project()
st.title("Memos")
st.info("Memos arrive with the coding workspace.")
