"""Studies page: search, filter and sort studies, confirm guessed metadata, read one with its pages."""

import streamlit as st

from workbench.services.access import Action
from workbench.services.studies import list_studies, read_study
from workbench.ui import navigation, resources
from workbench.ui.permissions import page_needs
from workbench.ui.study_metadata_panel import attach_reference, confirm_guesses, original_page
from workbench.ui.text import plain
from workbench.ui.widgets import paged, require_project

KEY_COLUMNS = ["Study", "Title", "Year", "Country", "Full texts", "Coded excerpts", "Metadata"]
WIDTHS = {"Study": 150, "Title": 330, "Year": 55, "Country": 95, "Full texts": 70, "Coded excerpts": 95}

project = require_project()
st.title("Studies")
page_needs(Action.READ_STUDIES)
rows = list_studies(resources.store(), resources.username(), project.id)
if not rows:
    st.info("No studies yet: add full texts and references on the **Import** page.")
    navigation.link(navigation.IMPORT)
    st.stop()

table = [
    {"Study": r.citation, "Title": r.title, "Year": r.year, "Country": r.country, "Full texts": r.documents,
     "Coded excerpts": r.excerpts, "Metadata": "to confirm" if r.guessed else "", "Journal": r.journal,
     "Discipline": r.discipline, "Setting": r.setting, "Participants": r.participants, "Method": r.method,
     "Relevance": r.relevance, "Rigour": r.rigour, "CASP": r.casp, "DOI": r.doi,
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
        chosen[name] = columns[i % 3].multiselect(plain(name), options, key=f"filter_{name}")
left, right = st.columns([1, 2])
sort_by = left.selectbox("Sort by", ["Study", "Year", "Title", "Country", "Discipline", "Participants"])
more = [name for name in table[0] if name not in KEY_COLUMNS and name != "_id"]
extra_columns = right.multiselect("More columns", more, key="more_columns")

shown = [
    row for row in table
    if (not query or query in " ".join(str(v) for v in row.values()).lower())
    and all(not picked or str(row.get(name)) in picked for name, picked in chosen.items())
]  # fmt: skip
shown.sort(key=lambda row: (row.get(sort_by) is None, str(row.get(sort_by) or "")))
st.caption(f"{len(shown)} of {len(rows)} studies")
st.dataframe(  # a page at a time, every row of it in view (200 studies are 8 pages)
    [{k: v for k, v in row.items() if k != "_id"} for row in paged(shown, "studies", noun="studies")],
    hide_index=True,
    width="stretch",
    height="content",
    column_order=[*KEY_COLUMNS, *extra_columns],
    column_config={name: st.column_config.Column(width=px) for name, px in WIDTHS.items()},
)

guessed = {r.id: r for r in rows if r.guessed}
if guessed:
    with st.expander(f"Metadata to confirm ({len(guessed)} studies)", icon=":material/fact_check:"):
        labels = {i: f"{r.citation}: {r.title[:80]}" for i, r in guessed.items()}
        picked = st.selectbox("Study", list(labels), format_func=labels.get, key="guessed_study")
        confirm_guesses(picked)

st.subheader("Reader")
labels = {row["_id"]: f"{row['Study']}: {row['Title'][:80]}" for row in shown}
study_id = st.selectbox("Open a study", list(labels), format_func=labels.get, index=None, key="reader_study")
if study_id is not None:
    with st.expander("Attach a reference (RIS, BibTeX or a DOI)"):
        attach_reference(study_id)
    text = read_study(resources.store(), resources.username(), study_id)
    if text is None:
        st.info("This study has no full text yet (reference only). Import its PDF, DOCX or text file.")
    else:
        st.caption(plain(f"{text.citation} — {text.filename}"))
        if text.is_pdf and st.toggle("Show the original page beside its text", key="beside_page"):
            original_page(text)
        else:
            for page, part in text.parts:
                if page is not None:
                    st.markdown(f"**— page {page} —**")
                st.text(part)  # plain text: document content is never interpreted as Markdown or HTML
