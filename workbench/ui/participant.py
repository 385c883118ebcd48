"""A consultation participant's page, opened by a ``/?join=TOKEN`` link: one card at a time, nothing else."""

from __future__ import annotations

import streamlit as st

from workbench.services import consultation_answers, consultation_sessions
from workbench.services.consultation_answers import ParticipantCard, ParticipantView
from workbench.ui import resources
from workbench.ui.errors import reported
from workbench.ui.text import plain

JOIN_PARAM = "join"  # the invitation link: /?join=TOKEN
CARD_PARAM = "card"  # optional: open the link on one of its cards, /?join=TOKEN&card=ID
NOT_YOURS = "This card is not part of your consultation."
RATINGS = {
    1: "1 · Not true at all",
    2: "2 · Rarely true",
    3: "3 · Partly true",
    4: "4 · Mostly true",
    5: "5 · Very true",
}
KINDS = {
    "": "Not sure",
    "context": "A situation or circumstance",
    "mechanism": "A reason people respond the way they do",
    "outcome": "A result or effect",
}
# large, readable text on a phone or a laptop; no sidebar (a participant has no other page)
STYLE = """<style>
.stApp p, .stApp li, .stApp label, .stApp input, .stApp textarea, .stApp button {
  font-size: 1.2rem !important;
}
.stApp h1 { font-size: 2rem !important; }
.stApp h2, .stApp h3 { font-size: 1.6rem !important; line-height: 1.3; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none !important; }
.block-container { max-width: 46rem; padding-left: 1rem; padding-right: 1rem; }
</style>"""


def join_token() -> str:
    """The invitation token of this visit (empty when the address holds none)."""
    return str(st.query_params.get(JOIN_PARAM, "") or "")


def _position_key(view: ParticipantView) -> str:
    return f"participant_position_{view.participant_id}"


def _start(view: ParticipantView, cards: list[ParticipantCard]) -> int:
    """Where the participant starts: the card the link names, else the first unanswered one."""
    wanted = st.query_params.get(CARD_PARAM)
    if wanted:
        ids = [str(c.card.id) for c in cards]
        if wanted not in ids:
            st.error(NOT_YOURS, icon=":material/block:")
            st.stop()
        return ids.index(wanted)
    return next((i for i, c in enumerate(cards) if c.answer is None), 0)


def _quote(text: str) -> str:
    return "\n".join(f"> {plain(line)}" for line in text.splitlines() if line.strip())


def _card_text(item: ParticipantCard) -> None:
    card = item.card
    st.subheader(plain(card.statement))
    for label, text in (
        ("In this situation", card.context),
        ("This happens", card.mechanism),
        ("Which leads to", card.outcome),
    ):
        if text:
            st.markdown(f"**{label}:** {plain(text)}")
    if card.example_quote:
        st.markdown("**What someone said:**")
        st.markdown(_quote(card.example_quote))


def _answer_form(token: str, item: ParticipantCard, index: int, total: int, position_key: str) -> None:
    """The questions of one card, with Back and Save & next (real buttons, labelled fields)."""
    card, answer = item.card, item.answer
    key = f"card_{card.id}"
    with st.form(f"answer_{card.id}", border=True):
        rating = st.radio(
            "How true does this ring for you?",
            list(RATINGS),
            index=(answer.rating - 1) if answer and answer.rating else None,
            format_func=RATINGS.__getitem__,
            horizontal=True,
            key=f"{key}_rating",
        )
        comment = st.text_area(
            "Your comment (optional)", value=answer.comment if answer else "", key=f"{key}_comment"
        )
        missing = st.text_area(
            "What is missing? (optional)",
            value=answer.missing if answer else "",
            help="Something you would add: a situation, a reason, or a result.",
            key=f"{key}_missing",
        )
        kinds = list(KINDS)
        kind = st.radio(
            "What kind of thing is missing?",
            kinds,
            index=kinds.index(answer.kind_missing or "") if answer else 0,
            format_func=KINDS.__getitem__,
            key=f"{key}_kind",
        )
        last = index == total - 1
        back = st.form_submit_button("Back", icon=":material/arrow_back:", disabled=index == 0)
        save = st.form_submit_button(
            "Save and finish" if last else "Save & next", type="primary", icon=":material/arrow_forward:"
        )
    if back:
        st.session_state[position_key] = index - 1
        st.rerun()
    if save:
        if rating is None and not comment.strip() and not missing.strip():
            st.session_state[position_key] = index + 1  # nothing to save: skipped
            st.rerun()
        saved = False
        with reported():
            consultation_answers.answer(
                resources.store(), token, card.id, rating, comment, missing if missing.strip() else "",
                (kind or None) if missing.strip() else None,
            )  # fmt: skip
            saved = True
        if saved:
            st.session_state[position_key] = index + 1
            st.rerun()


def _name_field(token: str) -> None:
    with st.expander("Add your name (optional)"):
        st.caption("The team sees your answers under your participant number; a name is up to you.")
        with st.form("participant_name", border=False):
            name = st.text_input("Your name", key="participant_name_value")
            if st.form_submit_button("Save my name"):
                with reported():
                    kept = consultation_sessions.name_myself(resources.store(), token, name)
                    st.success(f"Saved: {plain(kept)}" if kept else "Your name was removed.")


def _finished(view: ParticipantView, cards: list[ParticipantCard]) -> None:
    answered = sum(1 for c in cards if c.answer is not None)
    st.success(
        f"Thank you. You answered {answered} of {len(cards)} cards; your answers are saved.",
        icon=":material/check_circle:",
    )
    st.write("You can change any answer until the consultation closes.")
    if st.button("Look at my answers again", icon=":material/replay:"):
        st.session_state[_position_key(view)] = 0
        st.rerun()


def page() -> None:
    """The whole participant view: a refused link shows the service's message and nothing else."""
    st.html(STYLE)
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
    position_key = _position_key(view)
    st.title(plain(view.title))
    if view.purpose:
        st.write(plain(view.purpose))
    st.markdown(f"You are **{plain(view.pseudonym)}**.")
    if not cards:
        st.info("There are no cards to answer yet.")
        st.stop()
    start = _start(view, cards)  # refuses a card of another consultation, on every run
    st.session_state.setdefault(position_key, start)
    index = max(0, min(int(st.session_state[position_key]), len(cards)))
    if view.mode == "live" and view.shown_card_id is not None:
        shown = next((i for i, c in enumerate(cards) if c.card.id == view.shown_card_id), None)
        if shown is not None and shown != index:
            st.info(f"The room is looking at card {shown + 1}.", icon=":material/co_present:")
            if st.button(f"Go to card {shown + 1}", key="go_to_shown"):
                st.session_state[position_key] = shown
                st.rerun()
    if index >= len(cards):
        _finished(view, cards)
    else:
        st.progress((index + 1) / len(cards), text=f"Card {index + 1} of {len(cards)}")
        _card_text(cards[index])
        _answer_form(token, cards[index], index, len(cards), position_key)
    _name_field(token)
