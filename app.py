"""Streamlit entry point: page configuration and routing only."""

from pathlib import Path

import streamlit as st

from workbench.ui import resources
from workbench.ui.errors import reported
from workbench.ui.navigation import pages

# A shipped file, not a ":material/…:" name: Streamlit fetches such a favicon from fonts.gstatic.com,
# and a self-hosted install must make no request outside its own server.
ICON = Path(__file__).parent / "workbench" / "ui" / "assets" / "favicon.svg"
st.set_page_config(page_title="Realist workbench", page_icon=str(ICON), layout="wide")

navigation = st.navigation(
    pages(),  # the one registry of pages: workbench/ui/navigation.py
    expanded=True,  # every page in the sidebar, never behind "View N more"
)
# One error boundary for every page: a ServiceError shows its message, anything else a plain notice
with reported():
    resources.announce_upgrade()  # opens (upgrading if need be) the store; says once where the backup is
    navigation.run()
