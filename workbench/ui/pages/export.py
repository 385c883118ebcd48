"""Export page: publication tables (DOCX, XLSX, CSV, Markdown, LaTeX), figure files, and the bundle."""

from collections.abc import Callable

import streamlit as st

from workbench.domain.figures import ProgrammeData
from workbench.services.access import Action
from workbench.services.figures import programme
from workbench.ui import export_panels as panels
from workbench.ui import resources, revision_cache
from workbench.ui.exchange_panel import exchange_panel
from workbench.ui.figure_filters import figure_filters
from workbench.ui.permissions import page_needs
from workbench.ui.text import plain
from workbench.ui.widgets import require_project

TAB = "export_tab"

project = require_project()
st.title("Export")
page_needs(Action.EXPORT)
store, user = resources.store(), resources.username()
# read again only when something exported changed (a fingerprint query) or the filters did: 200 studies'
# codings take a second or more to read, and a rerun (a choice of table or format) must not
revision = revision_cache.revision(project.id, Action.EXPORT)
filters = figure_filters(project.id, "export", revision)


def read(every: bool = True) -> ProgrammeData:
    """The filtered programme the tables and figures show, with its notes; with every coding, or only
    those supporting configurations (``figures.programme(codings=False)``), for what draws no others."""
    data = revision_cache.cached(
        "export_data" if every else "export_configurations",
        filters,
        revision,
        lambda: programme(store, user, project.id, filters, codings=every),
    )
    for note in data.notes:
        st.warning(plain(note))
    return data


TABS: dict[str, Callable[[], None]] = {
    "Tables": lambda: panels.tables_panel(read, project.name, revision, filters),
    "Figures": lambda: panels.figures_panel(read(every=False), project.name, revision, filters),
    "Publication bundle": lambda: panels.bundle_panel(project.id, project.name, filters),
    "REFI-QDA": lambda: exchange_panel(project.id, project.name),
}
# only the open tab is built: the bundle and REFI-QDA tabs read nothing until asked
for tab, draw in zip(st.tabs(list(TABS), key=TAB, on_change="rerun"), TABS.values(), strict=True):
    if tab.open:
        with tab:
            draw()
