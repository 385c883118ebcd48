"""Codebook page: the tree of contexts, mechanisms and outcomes, and editing, merging and deleting codes."""

import streamlit as st

from workbench.services import codebook
from workbench.services.access import Action
from workbench.ui import codebook_forms as forms
from workbench.ui import codebook_panels as panels
from workbench.ui import resources, revision_cache
from workbench.ui.permissions import can, page_needs
from workbench.ui.widgets import require_project

project = require_project()
st.title("Codebook")
page_needs(Action.READ_STUDIES)
panels.notice()
panels.undo_bar(project.id)
store, user = resources.store(), resources.username()
# read again only when a code or a coding changed (one fingerprint query): counting 40,000 codings is not
revision = revision_cache.revision(project.id, Action.READ_STUDIES)
tree = revision_cache.cached(
    "codebook", None, revision, lambda: codebook.codebook_tree(store, user, project.id)
)
query = st.text_input("Search codes", key="codebook_search", placeholder="A name, description or example")
shown = codebook.search_tree(tree, query)
if not tree:
    st.info("No codes yet: add one below, or upload a codebook file in **Files**.")
elif not shown:
    st.info("No code matches the search.")
else:
    total = codebook.flatten(tree)
    st.caption(
        f"{len(total)} codes, {sum(n.codings for n in total)} codings. Codings and studies count each "
        "code's own codings, then in brackets those of the code with all its sub-codes (a study counts once)."
    )
    panels.tree_table(shown)

if not can(Action.EDIT_CODEBOOK):
    st.stop()  # reading only: no forms to add, edit, move, merge or delete codes
add, edit, move, merge, delete, files = st.tabs(["Add", "Edit", "Move", "Merge", "Delete", "Files"])
with add:
    forms.add_form(project.id, tree)
with edit:
    forms.edit_form(tree)
with move:
    forms.move_form(tree)
with merge:
    panels.merge_form(tree)
with delete:
    panels.delete_form(tree)
with files:
    panels.files_panel(project.id)
