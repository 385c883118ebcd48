"""Small widgets several pages share: the project picker in the sidebar."""

from __future__ import annotations

import streamlit as st

from workbench.services.projects import ProjectSummary, list_projects
from workbench.ui import resources, state


def project_picker(projects: list[ProjectSummary] | None = None) -> ProjectSummary | None:
    """Sidebar choice of the current project; returns it, or None when the user has none."""
    if projects is None:
        projects = list_projects(resources.store(), resources.username())
    if not projects:
        return None
    ids = [p.id for p in projects]
    current = state.current_project_id()
    index = ids.index(current) if current in ids else 0
    chosen = st.sidebar.selectbox(
        "Project", projects, index=index, format_func=lambda p: p.name, key="project_picker"
    )
    state.set_current_project_id(chosen.id)
    return chosen


def require_project() -> ProjectSummary:
    """The current project, or stop the page with a pointer to the Projects page."""
    project = project_picker()
    if project is None:
        st.info("No project yet. Create one or load the demo project on the **Projects** page.")
        st.page_link("workbench/ui/pages/projects.py", label="Go to Projects", icon=":material/folder:")
        st.stop()
    assert project is not None
    return project
