"""Panels of the Export page: table previews and downloads, figure files, and the publication bundle."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from workbench.domain.figures import ProgrammeData, drawable_contexts
from workbench.domain.tables import TABLE_FORMATS, TABLES, build_table
from workbench.exporters.tables import MEDIA_TYPES, write_table
from workbench.graphs.export import FORMATS as FIGURE_FORMATS
from workbench.graphs.export import FigureExportError, render
from workbench.graphs.infographic import context_infographic
from workbench.services import publication
from workbench.services.figures import FigureFilters
from workbench.ui import resources
from workbench.ui.revision_cache import cached
from workbench.ui.text import plain
from workbench.ui.widgets import paged

PREVIEW_ROWS = 50  # the whole of a typical table, as it will be published, before it pages
CONFIGURATIONS_ONLY = frozenset({"configurations"})  # tables built from configurations and their evidence
FORMAT_NAMES = {
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
    "csv": "CSV",
    "md": "Markdown",
    "tex": "LaTeX",
}


def tables_panel(
    read: Callable[[bool], ProgrammeData], project: str, revision: tuple[object, ...], filters: FigureFilters
) -> None:
    """Choose a table and a format; preview the rows and download the file (written when clicked).
    The table is built again only when the project's ``revision``, the ``filters`` or the choice changed;
    ``read(every)`` gives the programme, with every coding or (false) those behind configurations."""
    left, right = st.columns([2, 1])
    name = left.selectbox("Table", TABLES, key="export_table")
    fmt = right.selectbox("Format", TABLE_FORMATS, format_func=FORMAT_NAMES.__getitem__, key="export_format")
    data = read(name not in CONFIGURATIONS_ONLY)
    table = cached("export_table", (filters, name), revision, lambda: build_table(data, name))
    st.caption(f"{table.title}: {len(table.rows)} rows. {table.note}")
    shown = paged(table.rows, f"export_{name}", PREVIEW_ROWS, noun="rows")
    st.dataframe(
        [dict(zip(table.columns, row, strict=True)) for row in shown],
        hide_index=True,
        width="stretch",
        height="content",
        # the row's label (CMOC, study, code) stays in view while the wide columns scroll
        column_config={table.columns[0]: st.column_config.TextColumn(table.columns[0], pinned=True)},
    )
    st.download_button(
        f"Download {name}.{fmt}",
        data=lambda: write_table(table, fmt),  # written only when the button is clicked
        file_name=f"{publication.slug(project)}-{name}.{fmt}",
        mime=MEDIA_TYPES[fmt],
        key="download_table",
        on_click="ignore",
        icon=":material/download:",
    )


def figures_panel(
    data: ProgrammeData, project: str, revision: tuple[object, ...], filters: FigureFilters
) -> None:
    """Choose a context and a format; preview the infographic and download it as SVG, PNG or PDF
    (rendered when clicked). The figure is drawn again only when the revision, filters or choice changed."""
    contexts = {c.id: c.name for c in drawable_contexts(data)}
    if not contexts:
        st.info("No configurations to draw yet (or none left with these filters).")
        return
    left, middle, right = st.columns([2, 1, 1])
    context_id = left.selectbox(
        "Context", list(contexts), format_func=contexts.__getitem__, key="export_context"
    )
    fmt = middle.selectbox("Format", FIGURE_FORMATS, key="export_figure_format", help="PNG is 300 dpi")
    counts = right.toggle("Show counts", value=True, key="export_counts")
    figure = cached(
        "export_figure",
        (filters, context_id, counts),
        revision,
        lambda: context_infographic(data, context_id, counts)[0],
    )
    st.plotly_chart(figure, key="export_preview", width="content", config={"displaylogo": False})

    def rendered() -> bytes:
        return render(figure, fmt)

    st.download_button(
        f"Download {fmt.upper()}",
        data=rendered,
        mime=MEDIA_TYPES[fmt],
        key="download_figure",
        on_click="ignore",
        file_name=f"{publication.slug(project)}-{publication.context_stem(context_id, contexts[context_id])}"
        f".{fmt}",
        icon=":material/download:",
    )


def bundle_panel(project_id: int, project: str, filters: FigureFilters) -> None:
    """Every table in every format and every figure as SVG, PNG and PDF, in one zip."""
    st.write(
        "The publication bundle holds the four tables (Word, CSV, Markdown, LaTeX, and one Excel workbook "
        "with a sheet each), every context infographic, the Sankey, both matrices and the chains (SVG, "
        "PNG at 300 dpi, PDF), and a README saying what each number counts."
    )
    formats = st.multiselect(
        "Figure formats", FIGURE_FORMATS, default=list(FIGURE_FORMATS), key="bundle_formats"
    )
    store, user = resources.store(), resources.username()
    made_for = (project_id, repr(filters), tuple(formats))
    if st.button("Build publication bundle", key="build_bundle", type="primary"):
        bar = st.progress(0.0, "Rendering figures…")
        try:
            data = publication.bundle(
                store,
                user,
                project_id,
                filters,
                formats,
                progress=lambda done, total, name: bar.progress(done / max(total, 1), f"{name}"),
            )
        except FigureExportError as exc:
            st.error(plain(str(exc)))
            return
        st.session_state["bundle_bytes"] = (made_for, data)
    kept = st.session_state.get("bundle_bytes")
    # a bundle built for another project, other filters or formats is not offered as this one
    data = kept[1] if isinstance(kept, tuple) and kept[0] == made_for else None
    if isinstance(data, bytes):
        st.download_button(
            f"Download bundle ({len(data) / 1e6:.1f} MB)",
            data=data,
            mime=MEDIA_TYPES["zip"],
            file_name=f"{publication.slug(project)}-publication.zip",
            key="download_bundle",
            on_click="ignore",
            icon=":material/folder_zip:",
        )
