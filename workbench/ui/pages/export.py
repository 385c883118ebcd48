"""Export page: publication tables (DOCX, XLSX, CSV, Markdown, LaTeX), figure files, and the bundle."""

import streamlit as st

from workbench.services.access import Action
from workbench.services.figures import programme
from workbench.ui import export_panels as panels
from workbench.ui import resources
from workbench.ui.exchange_panel import exchange_panel
from workbench.ui.figure_filters import figure_filters
from workbench.ui.permissions import page_needs
from workbench.ui.text import plain
from workbench.ui.widgets import require_project

project = require_project()
st.title("Export")
page_needs(Action.EXPORT)
filters = figure_filters(project.id, "export")
data = programme(resources.store(), resources.username(), project.id, filters)
for note in data.notes:
    st.warning(plain(note))
tables, figures, bundle, exchange = st.tabs(["Tables", "Figures", "Publication bundle", "REFI-QDA"])
with tables:
    panels.tables_panel(data, project.name)
with figures:
    panels.figures_panel(data, project.name)
with bundle:
    panels.bundle_panel(project.id, project.name, filters)
with exchange:
    exchange_panel(project.id, project.name)
