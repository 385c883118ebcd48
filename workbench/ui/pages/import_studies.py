"""Import page: upload full texts, references, characteristics or a zip; see what happened to each file."""

import streamlit as st

from workbench.importers.archive import IncomingFile, max_batch_bytes, max_file_bytes
from workbench.services import importing
from workbench.services.access import Action
from workbench.ui import resources, state
from workbench.ui.errors import reported
from workbench.ui.permissions import page_needs
from workbench.ui.qdpx_import import qdpx_import_section
from workbench.ui.text import plain
from workbench.ui.widgets import require_project

project = require_project()
# One limit, stated once: Streamlit's upload bound and the importer's, whichever is smaller.
file_limit = min(max_file_bytes(), int(st.get_option("server.maxUploadSize")) * 1024 * 1024)
upload_limit = max_batch_bytes()
st.title("Import studies")
page_needs(Action.IMPORT)
st.write(
    "Full texts (PDF, DOCX, TXT, Markdown, HTML), references (RIS, BibTeX, CSV), a characteristics CSV "
    "(with a `study` column), or a zip of any of these. Full texts are matched to references by DOI, "
    f"then by title. Each file may be up to {file_limit // 1024 // 1024} MB, "
    f"and one upload up to {upload_limit // 1024 // 1024} MB in all; larger ones are refused unread."
)
uploads = st.file_uploader(
    "Files",
    accept_multiple_files=True,
    type=["pdf", "docx", "txt", "md", "html", "htm", "ris", "bib", "csv", "zip"],
    key=f"uploads_{state.upload_round()}",
)
choice: importing.OnDuplicate = st.radio(
    "Duplicates",
    ["ask", "skip", "merge"],
    horizontal=True,
    format_func={"ask": "Let me choose", "skip": "Skip them", "merge": "Merge them"}.get,
)
if st.button("Import", type="primary", disabled=not uploads):
    bar = st.progress(0.0, text="Starting…")

    def show(done: int, total: int, name: str) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=plain(f"{done}/{total}: {name}"))

    # Sizes are checked before any bytes are read: a refused file is never copied.
    files = [IncomingFile(u.name, u.size, u.getvalue) for u in uploads or []]
    with reported():
        result = importing.import_files(
            resources.store(), resources.username(), project.id, files,
            on_duplicate=choice, progress=show, total_limit=upload_limit,
        )  # fmt: skip
        state.IMPORT_SUMMARY.set(result)
    del files, uploads
    state.next_upload_round()  # a fresh uploader: the uploaded bytes are not kept in the session
    st.rerun()

summary = state.IMPORT_SUMMARY.get()
if summary is not None:
    failed = summary.count(importing.Status.FAILED)
    (st.warning if failed else st.success)(f"Import finished: {summary.headline()}.")
    st.dataframe(
        [{"File": o.filename, "Result": o.status.value, "Study": o.study_key or "", "Details": o.message}
         for o in summary.outcomes],
        hide_index=True, width="stretch",
        column_config={"File": st.column_config.TextColumn(width="medium"),
                       "Result": st.column_config.TextColumn(width="small"),
                       "Study": st.column_config.TextColumn(width="small"),
                       "Details": st.column_config.TextColumn(width="large")},
    )  # fmt: skip
    if summary.pending:
        st.subheader("Duplicates to settle")
        st.caption(
            "Merge adds the file as another full text and fills the study's empty fields; skip ignores it."
        )
        picks = {
            i: st.checkbox(
                f"Merge **{plain(p.filename)}** into {plain(p.existing_key)} ({plain(p.reason)})",
                key=f"merge_{i}",
            )
            for i, p in enumerate(summary.pending)
        }
        if st.button("Apply choices"):
            with reported():
                outcomes = importing.resolve_duplicates(
                    resources.store(), resources.username(), project.id,
                    [(p, picks[i]) for i, p in enumerate(summary.pending)],
                )  # fmt: skip
                summary.outcomes.extend(outcomes)
                summary.pending.clear()
                st.rerun()

st.divider()
qdpx_import_section(project.id)
