"""Studies page: search, filter and sort the studies, and read one with its page markers."""

import streamlit as st

from workbench.services.studies import list_studies, read_study
from workbench.ui import resources
from workbench.ui.widgets import require_project

project = require_project()
st.title("Studies")
rows = list_studies(resources.store(), resources.username(), project.id)
if not rows:
    st.info("No studies yet: add full texts and references on the **Import** page.")
    st.page_link("workbench/ui/pages/import_studies.py", label="Go to Import", icon=":material/upload_file:")
    st.stop()

table = [
    {"Study": r.citation, "Title": r.title, "Year": r.year, "Journal": r.journal, "Country": r.country,
     "Discipline": r.discipline, "Setting": r.setting, "Participants": r.participants, "Method": r.method,
     "Relevance": r.relevance, "Rigour": r.rigour, "CASP": r.casp, "Coded excerpts": r.excerpts, "DOI": r.doi,
     **{name: str(value) for name, value in r.extras.items()}, "_id": r.id}
    for r in rows
]  # fmt: skip
query = st.text_input("Search", placeholder="title, author, country, discipline…").strip().lower()
with st.expander("Filter by characteristic"):
    filterable = ["Country", "Discipline", "Method", "Relevance", "Rigour", "Year"]
    filterable += sorted({k for r in rows for k in r.extras})
    chosen = {}
    columns = st.columns(3)
    for i, name in enumerate(filterable):
        options = sorted({str(row.get(name)) for row in table if row.get(name) not in (None, "")})
        chosen[name] = columns[i % 3].multiselect(name, options, key=f"filter_{name}")
sort_by = st.selectbox("Sort by", ["Study", "Year", "Title", "Country", "Discipline", "Participants"])

shown = [
    row for row in table
    if (not query or query in " ".join(str(v) for v in row.values()).lower())
    and all(not picked or str(row.get(name)) in picked for name, picked in chosen.items())
]  # fmt: skip
shown.sort(key=lambda row: (row.get(sort_by) is None, str(row.get(sort_by) or "")))
st.caption(f"{len(shown)} of {len(rows)} studies")
st.dataframe(
    [{k: v for k, v in row.items() if k != "_id"} for row in shown], hide_index=True, width="stretch"
)

st.subheader("Reader")
labels = {row["_id"]: f"{row['Study']}: {row['Title'][:80]}" for row in shown}
study_id = st.selectbox("Open a study", list(labels), format_func=labels.get, index=None, key="reader_study")
if study_id is not None:
    text = read_study(resources.store(), resources.username(), study_id)
    if text is None:
        st.info("This study has no full text yet (reference only). Import its PDF, DOCX or text file.")
    else:
        st.caption(f"{text.citation} — {text.filename}")
        for page, part in text.pages:
            if page is not None:
                st.markdown(f"**— page {page} —**")
            st.text(part)  # plain text: document content is never interpreted as Markdown or HTML
