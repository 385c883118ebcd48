"""Audit log page: who changed what and when, filtered by study, code or person."""

import streamlit as st

from workbench.services import audit, codebook
from workbench.services.access import Action
from workbench.services.studies import list_studies
from workbench.ui import resources, revision_cache
from workbench.ui.permissions import page_needs
from workbench.ui.text import plain
from workbench.ui.widgets import paged, require_project

LIMIT = 500

project = require_project()
st.title("Audit log")
page_needs(Action.VIEW_AUDIT)
store, user = resources.store(), resources.username()


def choices() -> tuple[dict[int, str], dict[int, str]]:
    """The studies and codes to filter by (read again only when the project's revision changes)."""
    studies = {s.id: f"{s.citation} ({s.key})" for s in list_studies(store, user, project.id)}
    codes = {n.id: n.label for n in codebook.flatten(codebook.codebook_tree(store, user, project.id))}
    return studies, codes


studies, codes = revision_cache.cached(
    "audit_choices", None, revision_cache.revision(project.id, Action.VIEW_AUDIT), choices
)
people = audit.audit_people(store, user, project.id)
by_study, by_code, by_person = st.columns(3)
study_id = by_study.selectbox(
    "Study", list(studies), index=None, format_func=lambda i: studies[i], key="audit_study", placeholder="Any"
)
code_id = by_code.selectbox(
    "Code", list(codes), index=None, format_func=lambda i: codes[i], key="audit_code", placeholder="Any"
)
person = by_person.selectbox("Person", people, index=None, key="audit_person", placeholder="Anyone")
entries = audit.audit_entries(
    store, user, project.id, study_id=study_id, code_id=code_id, user=person, limit=LIMIT
)
if not entries:
    st.info("No changes recorded for this choice yet.")
    st.stop()
more = f"; only the latest {LIMIT} are shown" if len(entries) == LIMIT else ""
st.caption(f"{len(entries)} entries, newest first{more}.")
page = list(paged(entries, "audit", noun="entries"))
# who, what and when stay in view at 1280 px; a long change is cut off here and read in full below
widths = {"When": 150, "Who": 110, "Action": 70, "What": 240}
picked = st.dataframe(
    [
        {"When": e.at.strftime("%Y-%m-%d %H:%M:%S"), "Who": e.user, "Action": e.action, "What": e.subject,
         "Change": "; ".join(e.changes.splitlines())}
        for e in page
    ],
    hide_index=True, width="stretch", height="content", on_select="rerun", selection_mode="single-row",
    key=f"audit_table_{len(entries)}_{page[0].id if page else 0}",
    column_config={name: st.column_config.TextColumn(name, width=px) for name, px in widths.items()},
)  # fmt: skip
st.caption("Select a row to read its change in full.")
for row in picked.selection.rows:
    entry = page[row]
    st.subheader(plain(f"{entry.action.title()} of {entry.subject}"), anchor=False)
    st.text(entry.changes or "(no fields recorded)")
