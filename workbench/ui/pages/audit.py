"""Audit page: who changed what (being built)."""

import streamlit as st

from workbench.ui.widgets import require_project

project = require_project()
st.title("Audit log")
st.info("The audit view arrives with the coding workspace.")
