"""Characteristics page: edit study characteristics in a grid, add extraction fields, CSV round trip."""

import streamlit as st

from workbench.domain.characteristics import FieldType
from workbench.services import characteristics
from workbench.services.access import Action
from workbench.ui import resources
from workbench.ui.errors import reported
from workbench.ui.permissions import page_needs
from workbench.ui.text import plain
from workbench.ui.widgets import paged, require_project

project = require_project()
st.title("Study characteristics")
page_needs(Action.READ_STUDIES)
store, user = resources.store(), resources.username()
fields, rows = characteristics.grid(store, user, project.id)
if not rows:
    st.info("No studies yet: add them on the **Import** page.")
    st.stop()

config = {
    # pinned: the study stays in view however far right the extraction fields go
    "study": st.column_config.TextColumn("Study", disabled=True, pinned=True, width=190),
    "key": st.column_config.TextColumn("Study key", disabled=True, pinned=True, width=170),
    "version": None,
    "participants": st.column_config.NumberColumn("Participants", min_value=0, step=1),
    "relevance": st.column_config.SelectboxColumn("Relevance", options=characteristics.RATINGS),
    "rigour": st.column_config.SelectboxColumn("Rigour", options=characteristics.RATINGS),
}
for f in fields:
    if f.type is FieldType.NUMBER:
        config[f.name] = st.column_config.NumberColumn(f.name)
    elif f.type is FieldType.CHOICE:
        config[f.name] = st.column_config.SelectboxColumn(f.name, options=["", *f.choices])
    else:
        help_text = plain(f"choices separated by '; ': {', '.join(f.choices)}") if f.choices else None
        config[f.name] = st.column_config.TextColumn(f.name, help=help_text)
st.caption("Edit cells (paste a column from a spreadsheet for bulk edits), then save.")
shown = list(paged(rows, "characteristics", noun="studies"))
order = ["study", "key", *(c for c in shown[0] if c not in ("study", "key"))]
edited = st.data_editor(
    shown, column_config=config, column_order=order, hide_index=True, width="stretch", height="content",
    num_rows="fixed",
)  # fmt: skip
if st.button("Save characteristics", type="primary"):
    changed_rows = [new for new, old in zip(edited, shown, strict=True) if new != old]
    with reported():
        result = characteristics.save_grid(store, user, project.id, changed_rows)
        if result.errors:
            st.error("Nothing was saved:\n\n" + "\n".join(f"- {plain(str(e))}" for e in result.errors))
        else:
            st.success(f"Saved {result.changed} studies.")

left, right = st.columns(2)
with left:
    st.download_button(
        "Download CSV", characteristics.to_csv(store, user, project.id), "characteristics.csv", "text/csv"
    )
with right:
    upload = st.file_uploader("Upload a characteristics CSV", type=["csv"], key="characteristics_csv")
    if upload is not None and st.button("Apply CSV"):
        try:
            text = upload.getvalue().decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
            st.error("The file is not UTF-8 text: save it from your spreadsheet as CSV UTF-8.")
        result = None
        with reported():
            result = characteristics.from_csv(store, user, project.id, text) if text is not None else None
        if result is not None:
            if result.errors:
                st.error("Nothing was saved:\n\n" + "\n".join(f"- {plain(str(e))}" for e in result.errors))
            else:
                st.success(f"Applied: {result.changed} studies changed.")

with st.expander("Extraction fields of this review"):
    st.caption("Your own fields, for your review question. Removing one hides it; values are kept.")
    with st.form("add_field", clear_on_submit=True):
        name = st.text_input("Field name", key="field_name")
        kind = st.selectbox(
            "Type", list(FieldType), format_func=lambda t: t.value.replace("_", "-"), key="field_type"
        )
        choices = st.text_input("Choices (for choice fields), separated by ';'", key="field_choices")
        if st.form_submit_button("Add field", key="add_field_submit"):
            added = False
            with reported():
                characteristics.add_field(store, user, project.id, name, kind, choices.split(";"))
                added = True
            if added:
                st.rerun()
    for f in fields:
        cols = st.columns([4, 1])
        choices_shown = ": " + ", ".join(f.choices) if f.choices else ""
        cols[0].write(f"**{plain(f.name)}** ({plain(f.type.value + choices_shown)})")
        if cols[1].button("Remove", key=f"remove_{f.name}"):
            with reported():
                characteristics.remove_field(store, user, project.id, f.name)
                st.rerun()
