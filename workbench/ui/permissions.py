"""What the acting user may do in the current project, asked once per run: pages hide the rest."""

from __future__ import annotations

import streamlit as st

from workbench.services import members
from workbench.services.access import Action
from workbench.services.projects import ProjectSummary, list_projects
from workbench.ui import resources, state

_KEY = "_workbench_allowed_actions"  # (username, project id, actions), refreshed by every run's refresh()
_PROJECTS = "_workbench_projects_this_run"  # (username, projects) read by refresh(), taken by the picker


def take_projects() -> list[ProjectSummary] | None:
    """The user's projects as this run's :func:`refresh` read them (None once taken, or for another
    user): the project picker takes them instead of reading them again."""
    found = st.session_state.pop(_PROJECTS, None)
    if isinstance(found, tuple) and found[0] == resources.username():
        return list(found[1])
    return None


def _project_id() -> int | None:
    """The current project, or the one the project picker will choose (the first), if any."""
    current, user = state.PROJECT.get(), resources.username()
    projects = list_projects(resources.store(), user)
    st.session_state[_PROJECTS] = (user, tuple(projects))
    ids = [p.id for p in projects]
    if current in ids:
        return current
    return ids[0] if ids else None


def refresh() -> frozenset[Action] | None:
    """Ask again (once at the start of each run): the actions of the current project; None without one."""
    project_id, user = _project_id(), resources.username()
    actions = members.allowed(resources.store(), user, project_id) if project_id is not None else None
    st.session_state[_KEY] = (user, project_id, actions)
    return actions


def actions() -> frozenset[Action]:
    """The acting user's actions in the current project (empty without one)."""
    cached = st.session_state.get(_KEY)
    project_id, user = state.PROJECT.get(), resources.username()
    if cached is None or cached[:2] != (user, project_id):  # the picker chose another project this run
        if project_id is None:
            return frozenset()
        cached = (user, project_id, members.allowed(resources.store(), user, project_id))
        st.session_state[_KEY] = cached
    return cached[2] or frozenset()


def can(action: Action) -> bool:
    """Whether the acting user may perform ``action`` in the current project."""
    return action in actions()


def page_needs(action: Action) -> None:
    """Stop a page the acting user's role cannot use (navigation does not list it; a bookmark may)."""
    if not can(action):
        st.info(f"Your role in this project does not let you {action.value}.")
        st.stop()
