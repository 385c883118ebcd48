"""Studies page: the project's studies with reference data, characteristics and appraisal."""

import streamlit as st

from workbench.services.studies import list_studies
from workbench.ui import resources
from workbench.ui.widgets import require_project

project = require_project()
st.title("Studies")
rows = list_studies(resources.store(), resources.username(), project.id)
if not rows:
    st.info(
        "No studies yet. Study import (PDF, DOCX, TXT, RIS, BibTeX) is the next capability "
        "to arrive; meanwhile `workbench demo` loads the sample corpus."
    )
    st.stop()

query = st.text_input("Search", placeholder="title, author, country, discipline…").strip().lower()
disciplines = sorted({r.discipline for r in rows if r.discipline})
chosen = st.multiselect("Discipline", disciplines)
shown = [
    r
    for r in rows
    if (not query or query in " ".join([r.title, r.citation, r.country, r.discipline, r.setting]).lower())
    and (not chosen or r.discipline in chosen)
]
st.caption(f"{len(shown)} of {len(rows)} studies")
st.dataframe(
    [
        {
            "Study": r.citation,
            "Title": r.title,
            "Year": r.year,
            "Journal": r.journal,
            "Country": r.country,
            "Discipline": r.discipline,
            "Setting": r.setting,
            "Participants": r.participants,
            "Method": r.method,
            "Relevance": r.relevance,
            "Rigour": r.rigour,
            "Coded excerpts": r.excerpts,
            "DOI": r.doi,
        }
        for r in shown
    ],
    hide_index=True,
    width="stretch",
)
