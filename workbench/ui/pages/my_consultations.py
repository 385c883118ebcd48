"""My consultations page: a signed-in member answers the project's open consultations as themselves."""

import streamlit as st

from workbench.services import consultation_answers, consultation_figures
from workbench.services.access import Action
from workbench.services.consultation_answers import OpenConsultation, ParticipantCard, ParticipantView
from workbench.ui import resources
from workbench.ui.card_answering import STYLE, Answering, one_card_at_a_time
from workbench.ui.errors import reported
from workbench.ui.permissions import page_needs
from workbench.ui.text import plain
from workbench.ui.widgets import require_project


def chosen(rows: list[OpenConsultation]) -> OpenConsultation:
    """The consultation to answer (the only one, or the one picked)."""
    if len(rows) == 1:
        return rows[0]
    names = {r.id: f"{r.title} ({r.answered} of {r.cards} cards answered)" for r in rows}
    picked = st.selectbox("Consultation", list(names), format_func=names.__getitem__, key="my_consultation")
    return next(r for r in rows if r.id == picked)


def answering(user: str, session_id: int) -> Answering:
    """Answers saved, and figures fetched, as the signed-in member."""
    store = resources.store()
    return Answering(
        save=lambda card_id, rating, comment, missing, kind: consultation_answers.answer_as_member(
            store, user, session_id, card_id, rating, comment, missing, kind
        ),
        figures=lambda card_id: consultation_figures.member_card_figure(store, user, session_id, card_id),
    )


project = require_project()
page_needs(Action.RATE_CONFIGURATIONS)
st.html(STYLE)
st.title("My consultations")
store, user = resources.store(), resources.username()
rows: list[OpenConsultation] = []
with reported():
    rows = consultation_answers.member_sessions(store, user, project.id)
if not rows:
    st.info("No consultation of this project is open for you now.")
    st.stop()
current = chosen(rows)
view: ParticipantView | None = None
cards: list[ParticipantCard] = []
with reported():
    view = consultation_answers.member_join(store, user, current.id)
    cards = consultation_answers.member_cards(store, user, current.id)
if view is None:
    st.stop()
assert view is not None
st.subheader(plain(view.title))
if view.purpose:
    st.write(plain(view.purpose))
st.caption(
    f"You take part as yourself: the team's results list you as {plain(view.pseudonym)}, with your name."
)
if not cards:
    st.info("There are no cards to answer yet.")
    st.stop()
first_open = next((i for i, c in enumerate(cards) if c.answer is None), 0)
one_card_at_a_time(view, cards, first_open, answering(user, current.id))
