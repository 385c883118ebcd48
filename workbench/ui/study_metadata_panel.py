"""Studies page panels: confirm metadata guessed from a full text, attach a reference, see the PDF page."""

from __future__ import annotations

import streamlit as st

from workbench.services import studies, study_metadata
from workbench.ui import resources
from workbench.ui.errors import reported
from workbench.ui.text import plain

FIELD_LABELS = {"title": "title", "authors": "authors", "year": "year", "doi": "DOI", "journal": "journal"}


def confirm_guesses(study_id: int) -> None:
    """The guessed fields of a study, editable, with a button confirming them."""
    shown = study_metadata.study_metadata(resources.store(), resources.username(), study_id)
    guessed = ", ".join(FIELD_LABELS[name] for name in shown.guessed)
    st.caption(plain(f"Read off the full text, not from a reference: {guessed}. Check, correct and confirm."))
    with st.form(f"confirm_{study_id}"):
        title = st.text_area("Title", shown.title, key="guess_title")
        authors = st.text_area("Authors, one per line (Surname, Given names)", "\n".join(shown.authors))
        left, middle, right = st.columns([1, 2, 2])
        year = left.text_input("Year", str(shown.year or ""), key="guess_year")
        doi = middle.text_input("DOI", shown.doi or "", key="guess_doi")
        journal = right.text_input("Journal", shown.journal, key="guess_journal")
        if st.form_submit_button("Confirm", type="primary"):
            edited = {"title": title, "authors": authors.splitlines(), "year": year, "doi": doi}
            with reported():
                study_metadata.confirm_metadata(
                    resources.store(), resources.username(), study_id, {**edited, "journal": journal},
                    shown.version,
                )  # fmt: skip
                st.rerun()


def attach_reference(study_id: int) -> None:
    """Upload a RIS/BibTeX reference for the study, or type its DOI (stored as typed, nothing looked up)."""
    version = study_metadata.study_metadata(resources.store(), resources.username(), study_id).version
    upload = st.file_uploader("A RIS or BibTeX file", type=["ris", "bib"], key=f"reference_{study_id}")
    if upload is not None and st.button("Attach this reference", key="attach_reference"):
        with reported():
            study_metadata.attach_reference(
                resources.store(), resources.username(), study_id, upload.name, upload.getvalue(), version
            )
            st.rerun()
    typed = st.text_input("…or its DOI", placeholder="10.1136/bmjopen-2024-012345", key=f"doi_{study_id}")
    if typed.strip() and st.button("Save the DOI", key="save_doi"):
        with reported():
            study_metadata.set_doi(resources.store(), resources.username(), study_id, typed, version)
            st.rerun()


def original_page(text: studies.StudyText) -> None:
    """One page's text beside the page itself, from the stored PDF (or, for an older import, the PDF
    the reviewer supplies again)."""
    upload = None
    if not text.has_original:
        st.caption(
            "This PDF was imported before the workbench kept files: choose the same PDF to see its pages."
        )
        upload = st.file_uploader("The original PDF", type=["pdf"], key=f"original_{text.study_id}")
    numbers = [page for page, _part in text.pages if page is not None]
    page = st.selectbox("Page", numbers, key="original_page") if numbers else None
    if page is None or (upload is None and not text.has_original):
        return
    left, right = st.columns(2)
    with reported(left):
        data = upload.getvalue() if upload is not None else None
        image = studies.page_image(resources.store(), resources.username(), text.study_id, page, data)
        left.image(image, caption=f"page {page} as printed")
    right.text(dict(text.pages)[page])  # plain text: never read as Markdown
