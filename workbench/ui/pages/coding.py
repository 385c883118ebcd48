"""Coding page: read a study, select text and code it; accept, edit or reject suggested spans."""

import streamlit as st

from workbench.services.access import Action
from workbench.services.coding import code_options
from workbench.services.studies import list_studies
from workbench.ui import navigation, resources, state
from workbench.ui.blind_banner import blind_banner
from workbench.ui.coding.desk import CodingDesk, load_view, study_labels
from workbench.ui.coding.reader_suggestions import shown_suggestions, suggestion_filters
from workbench.ui.coding.suggestion_actions import SuggestionActions, edit_pending
from workbench.ui.coding.suggestion_panel import SuggestionPanel
from workbench.ui.components.reader import reader
from workbench.ui.permissions import can
from workbench.ui.text import plain
from workbench.ui.widgets import require_project

project = require_project()
st.title("Coding")
store, user = resources.store(), resources.username()
studies = [r for r in list_studies(store, user, project.id) if r.documents]
if not studies:
    st.info("No study has a full text yet: add PDFs, DOCX or text files on the **Import** page.")
    navigation.link(navigation.IMPORT)
    st.stop()

labels = study_labels(studies)
target = state.take_reader_target()  # another page (a drill-down, the suggestion queue) asked to open one
chosen = target[0] if target is not None else state.CHOSEN_STUDY.get()
if chosen in labels:  # by id: coding changes counts, never the study on screen
    st.session_state[state.CODING_STUDY] = chosen
study_id = st.selectbox("Study", list(labels), format_func=labels.get, key=state.CODING_STUDY,
                        on_change=state.remember_picked_study)  # fmt: skip
state.CHOSEN_STUDY.set(study_id)
blind_banner(store, user, study_id)
view = load_view(store, user, study_id)
if target is not None and target[1] is not None:
    state.set_focused_excerpts([e.id for e in view.excerpts if e.start == target[1]])
can_code = can(Action.CODE)
desk = CodingDesk(
    store, user, view, code_options(store, user, project.id),
    is_owner=can(Action.EDIT_CODINGS_OF_OTHERS), can_code=can_code,
)  # fmt: skip
actions = SuggestionActions(store, user, study_id, view.document_id)
focused = state.focused_excerpts()
selection = state.coding_selection(view.document_id)

text_column, panel = st.columns([3, 2], gap="medium")
with text_column:
    st.caption(plain(f"{view.citation} — {view.title} · {len(view.excerpts)} coded excerpts"))
    shown = shown_suggestions(store, user, view, suggestion_filters(store, user, desk.paths))
    opened = shown.opened
    pending = edit_pending(opened) if opened else (selection.start, selection.end) if selection else None
    reader(
        view,
        actions.events(desk.actions),
        pending=pending,
        focus=focused[0] if focused and opened is None else None,
        suggestions=shown.layer,
        drawn=shown.drawn,
        opened=shown.opened_id,
    )
with panel:
    if opened is not None:
        SuggestionPanel(actions, view, desk.paths, can_code).show(opened)
    else:
        desk.selection_panel()
    desk.excerpt_panel(focused)
with st.expander("Keyboard shortcuts"):
    desk.shortcut_help()
st.toggle("Show character offsets", key=state.SHOW_OFFSETS, help="Where passages start and end in the text")
