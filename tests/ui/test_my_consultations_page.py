"""My consultations: a signed-in member answers the project's open consultations as themselves, with the
same one-card-at-a-time questions (and a card's infographic) as a link's holder; the facilitator ticks
which cards show their figure."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from tests.conftest import DEMO_OWNER
from workbench.services import consultation_sessions, consultations, members, projects
from workbench.services.access import Action
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.ui.card_answering import FIGURE_CAPTION
from workbench.ui.navigation import MY_CONSULTATIONS, NEEDS

DEMO = "Peer support demo"
SAM = "sam"  # a stakeholder of the demo project


def _setup(url: str, *, show_figure: bool = False, closed: bool = False) -> tuple[int, list[int]]:
    """The demo with SAM as a stakeholder and one consultation of all its configurations."""
    store = Store.open(url)
    try:
        project_id = projects.project_id_by_name(store, DEMO_OWNER, DEMO)
        members.add_member(store, DEMO_OWNER, project_id, SAM, Role.STAKEHOLDER)
        closes = datetime.now(UTC) - timedelta(days=1) if closed else None
        session_id = consultations.create_session(
            store,
            DEMO_OWNER,
            project_id,
            "Peer workers' panel",
            purpose="Do these ring true?",
            closes_at=closes,
        )
        cards = [c.id for c in consultations.session_cards(store, DEMO_OWNER, session_id)]
        if show_figure:
            consultations.edit_card(store, DEMO_OWNER, cards[0], show_figure=True)
        return session_id, cards
    finally:
        store.dispose()


def _results(url: str, session_id: int) -> consultations.Results:
    store = Store.open(url)
    try:
        return consultations.results(store, DEMO_OWNER, session_id)
    finally:
        store.dispose()


def test_the_page_is_listed_for_every_member_who_may_rate():
    assert NEEDS[MY_CONSULTATIONS.script] is Action.RATE_CONFIGURATIONS


def test_a_stakeholder_answers_an_open_consultation_one_card_at_a_time_under_their_own_name(
    demo_url, open_app
):
    session_id, cards = _setup(demo_url)
    at = open_app(demo_url, user=SAM, page="my_consultations")
    assert not at.exception
    assert at.title[0].value == "My consultations"
    assert at.subheader[0].value == "Peer workers' panel"
    assert at.get("progress")[0].proto.text == f"Card 1 of {len(cards)}"
    at.radio(key=f"card_{cards[0]}_rating").set_value(2)
    at.text_area[0].input("Not where I work.")
    at.button(key=next(b.key for b in at.button if b.proto.label == "Save & next")).click().run()
    assert not at.exception
    assert at.get("progress")[0].proto.text == f"Card 2 of {len(cards)}"
    results = _results(demo_url, session_id)
    [answered] = [c for c in results.cards if c.ratings]
    assert answered.ratings == (2,) and answered.comments == ("Not where I work.",)
    store = Store.open(demo_url)
    try:
        [me] = [p for p in consultation_sessions.participants(store, DEMO_OWNER, session_id) if p.member]
    finally:
        store.dispose()
    assert me.name == SAM


def test_a_closed_consultation_is_not_offered(demo_url, open_app):
    _setup(demo_url, closed=True)
    at = open_app(demo_url, user=SAM, page="my_consultations")
    assert not at.exception
    assert "No consultation of this project is open for you now." in [i.value for i in at.info]
    assert not at.radio


def test_a_card_that_shows_its_figure_shows_the_infographic_under_its_context_naming_no_study(
    demo_url, open_app
):
    _setup(demo_url, show_figure=True)
    at = open_app(demo_url, user=SAM, page="my_consultations", timeout=180)
    assert not at.exception
    [image] = at.get("image")
    assert image.captions == [FIGURE_CAPTION]
    [url] = image.value  # the SVG, inline
    drawn = base64.b64decode(url.split("base64,", 1)[1]).decode()
    assert "<svg" in drawn and "Mechanisms" in drawn and "Outcomes" in drawn
    assert not [name for name in ("Thwaite", "Carrow", "s01_acute_ward", "2023)") if name in drawn]
    order = [type(e).__name__ for e in at.main if type(e).__name__ in ("Markdown", "Image")]
    situation = next(i for i, e in enumerate(at.markdown) if "In this situation" in e.value)
    assert order.index("Image") == situation + 1  # right under the card's context


def test_the_facilitator_ticks_show_the_infographic_on_a_card(demo_url, open_app):
    session_id, cards = _setup(demo_url)
    at = open_app(demo_url, page="consultations")
    assert not at.exception
    at.checkbox(key=f"card_figure_{cards[0]}").check()
    at.button(key=next(b.key for b in at.button if b.proto.label == "Save card")).click().run()
    assert not at.exception
    store = Store.open(demo_url)
    try:
        shown = [c.show_figure for c in consultations.session_cards(store, DEMO_OWNER, session_id)]
    finally:
        store.dispose()
    assert shown[0] is True and not any(shown[1:])
