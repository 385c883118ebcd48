"""A consultation participant's page, opened by a ``/?join=TOKEN`` link: one card at a time, nothing else."""

from __future__ import annotations

import streamlit as st

from workbench.services import consultation_answers, consultation_figures, consultation_sessions
from workbench.services.consultation_answers import ParticipantCard, ParticipantView
from workbench.ui import resources
from workbench.ui.card_answering import NOT_YOURS, STYLE, Answering, one_card_at_a_time
from workbench.ui.errors import reported
from workbench.ui.text import plain

JOIN_PARAM = "join"  # the invitation link: /?join=TOKEN
CARD_PARAM = "card"  # optional: open the link on one of its cards, /?join=TOKEN&card=ID
# no sidebar (a participant has no other page), and a column that reads well on a phone or a laptop
ALONE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none !important; }
.block-container { max-width: 46rem; padding-left: 1rem; padding-right: 1rem; }
</style>"""


def join_token() -> str:
    """The invitation token of this visit (empty when the address holds none)."""
    return str(st.query_params.get(JOIN_PARAM, "") or "")


def _start(cards: list[ParticipantCard]) -> int:
    """Where the participant starts: the card the link names, else the first unanswered one."""
    wanted = st.query_params.get(CARD_PARAM)
    if wanted:
        ids = [str(c.card.id) for c in cards]
        if wanted not in ids:
            st.error(NOT_YOURS, icon=":material/block:")
            st.stop()
        return ids.index(wanted)
    return next((i for i, c in enumerate(cards) if c.answer is None), 0)


def _answering(token: str) -> Answering:
    store = resources.store()
    return Answering(
        save=lambda card_id, rating, comment, missing, kind: consultation_answers.answer(
            store, token, card_id, rating, comment, missing, kind
        ),
        figures=lambda card_id: consultation_figures.card_figure(store, token, card_id),
    )


def _name_field(token: str) -> None:
    with st.expander("Add your name (optional)"):
        st.caption("The team sees your answers under your participant number; a name is up to you.")
        with st.form("participant_name", border=False):
            name = st.text_input("Your name", key="participant_name_value")
            if st.form_submit_button("Save my name"):
                with reported():
                    kept = consultation_sessions.name_myself(resources.store(), token, name)
                    st.success(f"Saved: {plain(kept)}" if kept else "Your name was removed.")


def page() -> None:
    """The whole participant view: a refused link shows the service's message and nothing else."""
    st.html(STYLE + ALONE)
    token = join_token()
    store = resources.store()
    view: ParticipantView | None = None
    cards: list[ParticipantCard] = []
    with reported():
        view = consultation_answers.join(store, token)
        cards = consultation_answers.participant_cards(store, token)
    if view is None:
        st.stop()
    assert view is not None
    st.title(plain(view.title))
    if view.purpose:
        st.write(plain(view.purpose))
    st.markdown(f"You are **{plain(view.pseudonym)}**.")
    if not cards:
        st.info("There are no cards to answer yet.")
        st.stop()
    start = _start(cards)  # refuses a card of another consultation, on every run
    one_card_at_a_time(view, cards, start, _answering(token))
    _name_field(token)
