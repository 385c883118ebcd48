"""Answering a consultation one card at a time: the widgets a link's holder and a signed-in member share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from workbench.graphs.svg import infographic_svg
from workbench.services.consultation_answers import ParticipantCard, ParticipantView
from workbench.services.consultation_figures import CardFigure
from workbench.ui.errors import reported
from workbench.ui.text import plain

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
# large, readable text on a phone or a laptop
STYLE = """<style>
.stApp p, .stApp li, .stApp label, .stApp input, .stApp textarea, .stApp button {
  font-size: 1.2rem !important;
}
.stApp h1 { font-size: 2rem !important; }
.stApp h2, .stApp h3 { font-size: 1.6rem !important; line-height: 1.3; }
</style>"""
FIGURE_CAPTION = (
    "How this situation links to reasons and results in the studies the team reviewed. "
    "Thicker lines and borders: more studies."
)


@dataclass(frozen=True)
class Answering:
    """How this visitor's answers are saved and a card's figures fetched (by link, or signed in)."""

    # card id, rating, comment, what is missing, its kind
    save: Callable[[int, int | None, str, str, str | None], object]
    figures: Callable[[int], tuple[CardFigure, ...]]


def position_key(view: ParticipantView) -> str:
    """Where the visitor's current card is kept in the browser session."""
    return f"participant_position_{view.participant_id}"


@st.cache_data(max_entries=64, show_spinner=False)
def _svg(figure: CardFigure) -> str:
    """The infographic as SVG, drawn straight from its layout (no browser): a static picture that scales
    to the screen's width."""
    return infographic_svg(figure.layout, counts=True)


def card_figures(item: ParticipantCard, answering: Answering) -> None:
    """The infographic of the card's context, when the facilitator ticked it for this card."""
    if not item.card.show_figure:
        return
    with reported(), st.spinner("Drawing the figure…"):
        for figure in answering.figures(item.card.id):
            st.image(
                _svg(figure), width="stretch", caption=FIGURE_CAPTION,
                alt=f"Diagram: how “{figure.context}” links to reasons and results",
            )  # fmt: skip


def _quote(text: str) -> str:
    return "\n".join(f"> {plain(line)}" for line in text.splitlines() if line.strip())


def card_text(item: ParticipantCard, answering: Answering) -> None:
    """The card in plain words: its statement, context (and figure), mechanism, outcome and quote."""
    card = item.card
    st.subheader(plain(card.statement))
    if card.context:
        st.markdown(f"**In this situation:** {plain(card.context)}")
    card_figures(item, answering)
    for label, text in (("This happens", card.mechanism), ("Which leads to", card.outcome)):
        if text:
            st.markdown(f"**{label}:** {plain(text)}")
    if card.example_quote:
        st.markdown("**What someone said:**")
        st.markdown(_quote(card.example_quote))


def answer_form(
    item: ParticipantCard, index: int, total: int, key_of_position: str, answering: Answering
) -> None:
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
        st.session_state[key_of_position] = index - 1
        st.rerun()
    if save:
        if rating is None and not comment.strip() and not missing.strip():
            st.session_state[key_of_position] = index + 1  # nothing to save: skipped
            st.rerun()
        saved = False
        with reported():
            answering.save(
                card.id, rating, comment, missing if missing.strip() else "",
                (kind or None) if missing.strip() else None,
            )  # fmt: skip
            saved = True
        if saved:
            st.session_state[key_of_position] = index + 1
            st.rerun()


def finished(view: ParticipantView, cards: list[ParticipantCard]) -> None:
    """Thanks, how many cards were answered, and a way back to them."""
    answered = sum(1 for c in cards if c.answer is not None)
    st.success(
        f"Thank you. You answered {answered} of {len(cards)} cards; your answers are saved.",
        icon=":material/check_circle:",
    )
    st.write("You can change any answer until the consultation closes.")
    if st.button("Look at my answers again", icon=":material/replay:"):
        st.session_state[position_key(view)] = 0
        st.rerun()


def one_card_at_a_time(
    view: ParticipantView, cards: list[ParticipantCard], start: int, answering: Answering
) -> None:
    """Progress, the current card and its questions (or the thanks once past the last card); in a live
    meeting, a way to the card the room is looking at."""
    key = position_key(view)
    st.session_state.setdefault(key, start)
    index = max(0, min(int(st.session_state[key]), len(cards)))
    if view.mode == "live" and view.shown_card_id is not None:
        shown = next((i for i, c in enumerate(cards) if c.card.id == view.shown_card_id), None)
        if shown is not None and shown != index:
            st.info(f"The room is looking at card {shown + 1}.", icon=":material/co_present:")
            if st.button(f"Go to card {shown + 1}", key="go_to_shown"):
                st.session_state[key] = shown
                st.rerun()
    if index >= len(cards):
        finished(view, cards)
        return
    st.progress((index + 1) / len(cards), text=f"Card {index + 1} of {len(cards)}")
    card_text(cards[index], answering)
    answer_form(cards[index], index, len(cards), key, answering)
