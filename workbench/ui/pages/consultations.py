"""Consultations page: set up a stakeholder consultation, word its cards, invite, follow the answers live."""

from __future__ import annotations

import streamlit as st

from workbench.services import consultation_sessions
from workbench.services.access import Action
from workbench.services.consultation_sessions import SessionRow
from workbench.ui import resources
from workbench.ui.consultation_panels import (
    MODES,
    card_editor,
    cards_of,
    invitations,
    live_view,
    new_session_form,
    room_view,
)
from workbench.ui.consultation_results import theory_panel  # supported, revised, refuted; the report
from workbench.ui.errors import reported
from workbench.ui.permissions import page_needs
from workbench.ui.text import plain
from workbench.ui.widgets import require_project


def chosen_session(rows: list[SessionRow]) -> SessionRow:
    ids = [r.id for r in rows]
    wanted = st.session_state.get("consultation_created")
    if wanted in ids:
        st.session_state["consultation_session"] = wanted
        del st.session_state["consultation_created"]
    names = {r.id: f"{r.title} ({r.held_on or 'no date'}, {MODES.get(r.mode, r.mode).lower()})" for r in rows}
    picked = st.selectbox("Consultation", ids, format_func=names.__getitem__, key="consultation_session")
    return next(r for r in rows if r.id == picked)


project = require_project()
page_needs(Action.RUN_CONSULTATIONS)
st.title("Consultations")
store, user = resources.store(), resources.username()
sessions: list[SessionRow] = []
with reported():
    sessions = consultation_sessions.list_sessions(store, user, project.id)
with st.expander("New consultation", expanded=not sessions, icon=":material/add:"), reported():
    created = new_session_form(project.id)
    if created is not None:
        st.session_state["consultation_created"] = created
        st.rerun()
if not sessions:
    st.stop()
current = chosen_session(sessions)
if current.purpose:
    st.caption(plain(current.purpose))
live, room, card_tab, people, into_theory = st.tabs(
    ["Live results", "Room view", "Cards", "Participants", "Into the theory"]
)
with live:
    live_view(current.id, project.id)
with room:
    room_view(current.id, project.id)
with card_tab, reported():
    for card in cards_of(current.id):
        with st.expander(f"Card {card.position + 1}: {card.statement[:80]}"):
            card_editor(card)
with people, reported():
    invitations(current.id)
with into_theory:
    theory_panel(project.id, current.id)
