"""Import page: upload full texts, references, characteristics or a zip; see what happened to each file."""

import streamlit as st

from workbench.importers.archive import from_bytes, max_file_bytes
from workbench.services import importing
from workbench.ui import resources, state
from workbench.ui.widgets import require_project

project = require_project()
st.title("Import studies")
st.write(
    "Full texts (PDF, DOCX, TXT, Markdown, HTML), references (RIS, BibTeX, CSV), a characteristics CSV "
    "(with a `study` column), or a zip of any of these. Full texts are matched to references by DOI, "
    f"then by title. Files over {max_file_bytes() // 1024 // 1024} MB are refused."
)
uploads = st.file_uploader(
    "Files",
    accept_multiple_files=True,
    type=["pdf", "docx", "txt", "md", "html", "htm", "ris", "bib", "csv", "zip"],
)
choice = st.radio(
    "Duplicates",
    ["ask", "skip", "merge"],
    horizontal=True,
    format_func={"ask": "Let me choose", "skip": "Skip them", "merge": "Merge them"}.get,
)
if st.button("Import", type="primary", disabled=not uploads):
    bar = st.progress(0.0, text="Starting…")

    def show(done: int, total: int, name: str) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"{done}/{total}: {name}")

    files = [from_bytes(u.name, u.getvalue()) for u in uploads or []]
    summary = importing.import_files(
        resources.store(), resources.username(), project.id, files, on_duplicate=choice, progress=show
    )
    state.set_import_summary(summary)

summary = state.import_summary()
if summary is not None:
    failed = summary.count(importing.Status.FAILED)
    (st.warning if failed else st.success)(f"Import finished: {summary.headline()}.")
    st.dataframe(
        [{"File": o.filename, "Result": o.status.value, "Study": o.study_key, "Details": o.message}
         for o in summary.outcomes],
        hide_index=True, width="stretch",
    )  # fmt: skip
    if summary.pending:
        st.subheader("Duplicates to settle")
        st.caption(
            "Merge adds the file as another full text and fills the study's empty fields; skip ignores it."
        )
        picks = {
            i: st.checkbox(f"Merge **{p.filename}** into {p.existing_key} ({p.reason})", key=f"merge_{i}")
            for i, p in enumerate(summary.pending)
        }
        if st.button("Apply choices"):
            outcomes = importing.resolve_duplicates(
                resources.store(), resources.username(), project.id,
                [(p, picks[i]) for i, p in enumerate(summary.pending)],
            )  # fmt: skip
            summary.outcomes.extend(outcomes)
            summary.pending.clear()
            st.rerun()
