"""Streamlit entry point: page configuration and routing only."""

from pathlib import Path

import streamlit as st

from workbench.ui import resources
from workbench.ui.errors import reported

# A shipped file, not a ":material/…:" name: Streamlit fetches such a favicon from fonts.gstatic.com,
# and a self-hosted install must make no request outside its own server.
ICON = Path(__file__).parent / "workbench" / "ui" / "assets" / "favicon.svg"
st.set_page_config(page_title="Realist workbench", page_icon=str(ICON), layout="wide")

PAGES = "workbench/ui/pages"
navigation = st.navigation(
    {
        "Review": [
            st.Page(f"{PAGES}/projects.py", title="Projects", icon=":material/folder:", default=True),
            st.Page(f"{PAGES}/import_studies.py", title="Import", icon=":material/upload_file:"),
            st.Page(f"{PAGES}/studies.py", title="Studies", icon=":material/article:"),
            st.Page(f"{PAGES}/characteristics.py", title="Characteristics", icon=":material/table_edit:"),
            st.Page(f"{PAGES}/appraisal.py", title="Appraisal", icon=":material/fact_check:"),
        ],
        "Synthesis": [
            st.Page(f"{PAGES}/coding.py", title="Coding", icon=":material/edit_note:"),
            st.Page(f"{PAGES}/suggestions.py", title="Suggestions", icon=":material/lightbulb:"),
            st.Page(f"{PAGES}/codebook.py", title="Codebook", icon=":material/account_tree:"),
            st.Page(f"{PAGES}/configurations.py", title="Configurations", icon=":material/schema:"),
            st.Page(f"{PAGES}/theory.py", title="Programme theory", icon=":material/history:"),
            st.Page(f"{PAGES}/memos.py", title="Memos", icon=":material/sticky_note_2:"),
            st.Page(f"{PAGES}/graphs.py", title="Graphs", icon=":material/hub:"),
        ],
        "Publish": [
            st.Page(f"{PAGES}/export.py", title="Export", icon=":material/download:"),
            st.Page(f"{PAGES}/audit.py", title="Audit log", icon=":material/manage_history:"),
        ],
    },
    expanded=True,  # every page in the sidebar, never behind "View N more"
)
# One error boundary for every page: a ServiceError shows its message, anything else a plain notice
with reported():
    resources.announce_upgrade()  # opens (upgrading if need be) the store; says once where the backup is
    navigation.run()
