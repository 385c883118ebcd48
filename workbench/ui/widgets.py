"""Small widgets several pages share: the project picker in the sidebar, and grids sized to their rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st

from workbench.services.projects import ProjectSummary, list_projects
from workbench.ui import navigation, permissions, resources, state
from workbench.ui.errors import reported


def project_picker(projects: list[ProjectSummary] | None = None) -> ProjectSummary | None:
    """Sidebar choice of the current project; returns it, or None when the user has none."""
    if projects is None:  # read by this run's navigation (permissions.refresh), else read now
        projects = permissions.take_projects()
    if projects is None:
        projects = list_projects(resources.store(), resources.username())
    if not projects:
        return None
    ids = [p.id for p in projects]
    current = state.PROJECT.get()
    index = ids.index(current) if current in ids else 0
    chosen = st.sidebar.selectbox(
        "Project", projects, index=index, format_func=lambda p: p.name, key="project_picker"
    )
    state.PROJECT.set(chosen.id)
    return chosen


def require_project() -> ProjectSummary:
    """The current project, or stop the page with a pointer to the Projects page."""
    project = project_picker()
    if project is None:
        st.info("No project yet. Create one or load the demo project on the **Projects** page.")
        navigation.link(navigation.PROJECTS)
        st.stop()
    assert project is not None
    return project


T = TypeVar("T")
GRID_ROWS = 25  # a grid shows at most this many rows at full height, then pages


def page_count(total: int, size: int = GRID_ROWS) -> int:
    """How many pages of ``size`` rows ``total`` rows fill (at least one)."""
    return max(1, -(-total // size))


def paged(rows: Sequence[T], key: str, size: int = GRID_ROWS, noun: str = "rows") -> Sequence[T]:
    """The rows on the chosen page; the page picker shows only when the rows fill more than one page.

    Pair it with ``height="content"`` on ``st.dataframe`` / ``st.data_editor``: every row of a page is
    then on screen, with no inner scrollbar and no empty space under the last row."""
    pages = page_count(len(rows), size)
    if pages == 1:
        return rows
    widget = f"{key}_page"
    if st.session_state.get(widget, 1) > pages:  # fewer rows than when that page was chosen
        st.session_state[widget] = pages
    left, right = st.columns([1, 4], vertical_alignment="bottom")
    page = int(left.number_input("Page", 1, pages, 1, key=widget))
    start = (page - 1) * size
    shown = rows[start : start + size]
    end = start + len(shown)
    right.caption(f"{noun.capitalize()} {start + 1}–{end} of {len(rows)}, page {page} of {pages}.")
    return shown


def prepared_download(
    kind: str, icon: str, build: Callable[[], bytes], label: str, mime: str, file_name: str, owner_id: int
) -> None:
    """A "Prepare" button that builds the file only when asked, then its download button (kept across
    reruns, per ``owner_id``: the project or session the file is of)."""
    remembered = f"{kind}_bytes_{owner_id}"
    if st.button(f"Prepare .{kind}", key=f"build_{kind}", icon=icon):
        with reported():
            st.session_state[remembered] = build()
    data = st.session_state.get(remembered)
    if isinstance(data, bytes):
        st.download_button(
            label, data=data, mime=mime, file_name=file_name, key=f"download_{kind}", on_click="ignore",
            icon=":material/download:",
        )  # fmt: skip


# a reviewer's progress on a study, as a mark the shipped fonts draw (emoji would show as boxes)
PROGRESS_MARKS = {"not started": "○", "in progress": "◐", "done": "●"}
