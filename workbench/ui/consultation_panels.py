"""The Consultations page's parts: set-up form, card editor, invitations, live results and room view."""

from __future__ import annotations

from collections import Counter
from datetime import date
from urllib.parse import urlsplit

import streamlit as st

from workbench.domain.consultations import RATINGS, ConsultationMode, closes_at_end_of
from workbench.services import configurations, consultation_sessions, consultations, theory
from workbench.services.consultation_answers import Card
from workbench.services.consultations import CardResult, Results
from workbench.ui import resources
from workbench.ui.errors import reported
from workbench.ui.text import plain

COVERS = {
    "all": "All configurations",
    "chosen": "Chosen configurations",
    "version": "A programme theory version",
}
MODES = {ConsultationMode.LIVE.value: "Live meeting", ConsultationMode.OPEN.value: "Open for a period"}
REFRESH = "3s"  # how often the live view asks whether anything new arrived
ROOM_STYLE = """<style>
.st-key-room_card h2 { font-size: 2.6rem !important; line-height: 1.25; }
.st-key-room_card p { font-size: 1.6rem !important; }
</style>"""


def origin() -> str:
    """The app's address as the facilitator's browser sees it (invitation links are full URLs on it)."""
    url = st.context.url or ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def new_session_form(project_id: int) -> int | None:
    """Set up a consultation; returns the new one's id."""
    store, user = resources.store(), resources.username()
    title = st.text_input("Title", key="consultation_title", placeholder="Peer support workers' panel")
    held_on = st.date_input("Date", value=date.today(), key="consultation_date")
    purpose = st.text_area(
        "Purpose (participants read this first)",
        key="consultation_purpose",
        placeholder="We want to know which of these ideas ring true in your experience.",
    )
    mode = st.radio(
        "Mode", list(MODES), format_func=MODES.__getitem__, horizontal=True, key="consultation_mode"
    )
    closes: date | None = None
    if mode == ConsultationMode.OPEN.value:
        closes = st.date_input("Open until (inclusive)", value=None, key="consultation_closes")
    cover = st.radio(
        "Cards for", list(COVERS), format_func=COVERS.__getitem__, horizontal=True, key="consultation_cover"
    )
    chosen: list[int] | None = None
    version: int | None = None
    if cover == "chosen":
        rows = configurations.list_configurations(store, user, project_id)
        labels = {r.id: f"{r.label}: {r.statement}"[:120] for r in rows}
        chosen = st.multiselect(
            "Configurations", list(labels), format_func=labels.__getitem__, key="consultation_configs"
        )
    elif cover == "version":
        versions = theory.list_versions(store, user, project_id)
        if not versions:
            st.info("No programme theory version saved yet: save one on the Programme theory page.")
        names = {v.id: f"{v.name} ({v.configurations} configurations)" for v in versions}
        version = st.selectbox(
            "Version", list(names), format_func=names.__getitem__, index=None, key="consultation_version"
        )
    if not st.button("Create the consultation", type="primary", icon=":material/add:"):
        return None
    closes_at = closes_at_end_of(closes) if closes else None
    created = None
    with reported():
        created = consultations.create_session(
            store, user, project_id, title, held_on, purpose=purpose, mode=str(mode),
            configuration_ids=chosen, theory_version_id=version, closes_at=closes_at,
        )  # fmt: skip
    return created


def card_editor(card: Card) -> None:
    """Reword one card for participants (the configuration itself is unchanged)."""
    with st.form(f"consultation_card_{card.id}"):
        statement = st.text_area("Statement in plain words", card.statement, key=f"card_statement_{card.id}")
        context = st.text_input("In this situation (context)", card.context, key=f"card_context_{card.id}")
        mechanism = st.text_input("This happens (mechanism)", card.mechanism, key=f"card_mechanism_{card.id}")
        outcome = st.text_input("Which leads to (outcome)", card.outcome, key=f"card_outcome_{card.id}")
        quote = st.text_area(
            "Example quote (anonymised, optional)", card.example_quote, key=f"card_quote_{card.id}"
        )
        figure = st.checkbox(
            "Show the infographic of its context", card.show_figure, key=f"card_figure_{card.id}",
            help="Participants see the figure of this context under it: boxes and numbers of studies, "
            "no study named.",
        )  # fmt: skip
        if st.form_submit_button("Save card"):
            with reported():
                consultations.edit_card(
                    resources.store(), resources.username(), card.id, statement=statement,
                    context=context, mechanism=mechanism, outcome=outcome, example_quote=quote,
                    show_figure=figure,
                )  # fmt: skip
                st.success("Card saved.")


def invitations(session_id: int) -> None:
    """Invite participants (links shown once, as full URLs), and revoke an invitation."""
    store, user = resources.store(), resources.username()
    fresh_key = f"consultation_links_{session_id}"
    with st.form(f"consultation_invite_{session_id}"):
        count = st.number_input("How many participants", 1, consultations.MAX_INVITATIONS, 5, key="invite_n")
        perspective = st.text_input("Their perspective (optional)", placeholder="peer support worker")
        if st.form_submit_button("Make invitation links", icon=":material/link:"):
            with reported():
                made = consultations.invite(store, user, session_id, int(count), perspective=perspective)
                st.session_state[fresh_key] = [(i.pseudonym, origin() + i.link) for i in made]
    fresh = st.session_state.get(fresh_key)
    if fresh:
        st.warning(
            "Copy these links now: each is shown only once. Send each participant their own link.",
            icon=":material/content_copy:",
        )
        for pseudonym, link in fresh:
            st.caption(plain(pseudonym))
            st.code(link, language=None)
    rows = consultation_sessions.participants(store, user, session_id)
    if not rows:
        st.info("Nobody invited yet.")
        return
    for p in rows:
        left, right = st.columns([4, 1])
        who = plain(p.pseudonym) + (f" ({plain(p.name)})" if p.name else "")
        state = "revoked" if p.revoked else ("signed-in member" if p.member else "invited")
        if p.expires_at and not p.revoked:
            state += f", link valid until {p.expires_at:%d %b %Y}"
        left.markdown(f"**{who}**: {state}" + (f" · {plain(p.perspective)}" if p.perspective else ""))
        if not p.revoked and not p.member and right.button("Revoke", key=f"revoke_{p.id}"):
            with reported():
                consultations.revoke(store, user, p.id)
                st.rerun()


def distribution_chart(card: CardResult) -> None:
    frame = {
        "rating": [str(r) for r in RATINGS],
        "participants": [card.distribution.get(r, 0) for r in RATINGS],
    }
    st.bar_chart(frame, x="rating", y="participants", height=160, sort=False)


def card_result(session_id: int, card: CardResult, shown: bool) -> None:
    """One card's answers: distribution, mean, comments and what is missing; the room button."""
    with st.container(border=True):
        st.markdown(f"**{plain(card.label)}**: {plain(card.statement)}")
        if shown:
            st.markdown(":blue-badge[On the room's screen]")
        mean = f"{card.mean:.2f}" if card.mean is not None else "–"
        spread = f"{card.disagreement:.2f}" if card.disagreement is not None else "–"
        st.markdown(f"{len(card.ratings)} ratings · mean **{mean}** · disagreement (SD) {spread}")
        if card.ratings:
            distribution_chart(card)
        for comment in card.comments:
            st.markdown(f"- {plain(comment)}")
        said = Counter((m.kind or "", m.text.strip()) for m in card.missing)  # the same words once, counted
        for (kind, text), times in said.items():
            also = f" ×{times}" if times > 1 else ""
            st.markdown(f"- *Missing{f' ({kind})' if kind else ''}:* {plain(text)}{also}")
        label = "Stop showing" if shown else "Show to the room"
        if st.button(label, key=f"show_{card.card_id}", icon=":material/co_present:"):
            with reported():
                consultations.show_card(
                    resources.store(), resources.username(), session_id, None if shown else card.card_id
                )


def cached_results(session_id: int, project_id: int) -> Results | None:
    """The results, read again only when the consultation's revision stamp changed."""
    key = f"consultation_results_{session_id}"
    revision = consultations.results_revision(resources.store(), session_id)
    kept = st.session_state.get(key)
    if kept is None or kept[0] != revision:
        fresh = None
        with reported():
            fresh = consultations.results(resources.store(), resources.username(), session_id, project_id)
        if fresh is None:
            return None
        kept = (revision, fresh)
        st.session_state[key] = kept
    results: Results = kept[1]
    return results


@st.fragment(run_every=REFRESH)
def live_view(session_id: int, project_id: int) -> None:
    """The answers as they arrive (no page reload: this fragment polls the revision stamp)."""
    results = cached_results(session_id, project_id)
    if results is None:
        return
    answered = sum(len(c.ratings) for c in results.cards)
    st.caption(f"{results.participants} participants · {answered} ratings so far · most disputed cards first")
    for card in results.cards:
        card_result(session_id, card, card.card_id == results.shown_card_id)


@st.fragment(run_every=REFRESH)
def room_view(session_id: int, project_id: int) -> None:
    """The card on the room's screen, large, for a projector."""
    results = cached_results(session_id, project_id)
    if results is None:
        return
    if results.shown_card_id is None:
        st.info("No card is on the room's screen: choose one with Show to the room.")
        return
    card = next((c for c in cards_of(session_id) if c.id == results.shown_card_id), None)
    if card is None:
        return
    st.html(ROOM_STYLE)
    with st.container(key="room_card", border=True):
        st.markdown(f"## {plain(card.statement)}")
        for label, text in (("In this situation", card.context), ("This happens", card.mechanism),
                            ("Which leads to", card.outcome)):  # fmt: skip
            if text:
                st.markdown(f"**{label}:** {plain(text)}")


def cards_of(session_id: int) -> list[Card]:
    return consultations.session_cards(resources.store(), resources.username(), session_id)
