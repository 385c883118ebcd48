"""The Consultations page (the facilitator's) and the participant page a ``/?join=`` link opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_OWNER
from tests.ui.conftest import ROOT
from workbench.services import consultation_answers, consultations, projects
from workbench.store.db import Store

DEMO = "Peer support demo"


def _session(url: str, invitations: int = 2, title: str = "Peer workers' panel") -> tuple[int, list[str]]:
    """A consultation of the demo project (all its configurations) and its invitation tokens."""
    store = Store.open(url)
    project_id = projects.project_id_by_name(store, DEMO_OWNER, DEMO)
    session_id = consultations.create_session(
        store, DEMO_OWNER, project_id, title, purpose="Which of these ring true for you?"
    )
    tokens = [i.token for i in consultations.invite(store, DEMO_OWNER, session_id, invitations)]
    store.dispose()
    return session_id, tokens


def _join(url: str, token: str, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_USER", DEMO_OWNER)  # someone is signed in: a join link still opens only it
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["join"] = token
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _results(url: str, session_id: int) -> consultations.Results:
    store = Store.open(url)
    try:
        return consultations.results(store, DEMO_OWNER, session_id)
    finally:
        store.dispose()


def _texts(at: AppTest) -> str:
    return " ".join(str(m.value) for m in at.markdown) + " " + " ".join(str(t.value) for t in at.title)


def test_a_participant_sees_the_session_one_card_at_a_time_and_their_answer_is_saved(demo_url, monkeypatch):
    session_id, [token, _other] = _session(demo_url)
    at = _join(demo_url, token, monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Peer workers' panel"
    assert "You are **Participant 1**." in _texts(at)
    total = len(_results(demo_url, session_id).cards)
    assert at.get("progress")[0].proto.text == f"Card 1 of {total}"
    assert len(at.sidebar.selectbox) == 0  # no project picker, no other page
    at.radio(key=f"card_{_first_card(demo_url, session_id)}_rating").set_value(4)
    at.text_area[0].input("Rings true, but only with a trained peer.")
    at.button[1].click().run()  # Save & next
    assert not at.exception
    assert at.get("progress")[0].proto.text == f"Card 2 of {total}"
    [answered] = [c for c in _results(demo_url, session_id).cards if c.ratings]
    assert answered.ratings == (4,)
    assert answered.comments == ("Rings true, but only with a trained peer.",)
    at.button[0].click().run()  # Back: the saved answer is shown again
    assert at.get("progress")[0].proto.text == f"Card 1 of {total}"
    assert at.radio(key=f"card_{_first_card(demo_url, session_id)}_rating").value == 4


def _first_card(url: str, session_id: int) -> int:
    store = Store.open(url)
    try:
        return consultations.session_cards(store, DEMO_OWNER, session_id)[0].id
    finally:
        store.dispose()


def test_a_revoked_link_shows_why_and_nothing_else(demo_url, monkeypatch):
    _session_id, [token, _other] = _session(demo_url)
    store = Store.open(demo_url)
    store_participant = consultation_answers.join(store, token).participant_id
    consultations.revoke(store, DEMO_OWNER, store_participant)
    store.dispose()
    at = _join(demo_url, token, monkeypatch)
    assert not at.exception
    [refusal] = at.error
    assert "This invitation link was withdrawn by the organisers" in refusal.value
    assert not at.title and not at.radio and not at.button


def test_an_unknown_link_is_refused(demo_url, monkeypatch):
    at = _join(demo_url, "not-a-token", monkeypatch)
    assert "not valid" in at.error[0].value
    assert not at.title and not at.radio


def test_a_participant_cannot_open_a_card_of_another_consultation(demo_url, monkeypatch):
    _mine, [token, _other] = _session(demo_url)
    theirs, _tokens = _session(demo_url, title="Another panel")
    at = _join(demo_url, token, monkeypatch, card=str(_first_card(demo_url, theirs)))
    assert [e.value for e in at.error] == ["This card is not part of your consultation."]
    assert not at.radio and "Another panel" not in _texts(at)


def test_the_facilitator_creates_a_consultation_and_invites_participants_with_full_links(demo_url, open_app):
    at = open_app(demo_url, page="consultations")
    assert not at.exception
    at.text_input(key="consultation_title").input("Evening panel")
    at.button[0].click().run()
    assert not at.exception
    assert at.selectbox(key="consultation_session").value is not None
    at.number_input(key="invite_n").set_value(2)
    at.button(key=next(b.key for b in at.button if b.proto.label == "Make invitation links")).click().run()
    assert not at.exception
    links = [c.value for c in at.code]
    assert len(links) == 2 and all("/?join=" in link for link in links)


def test_the_live_view_shows_ratings_comments_and_puts_a_card_on_the_room_screen(demo_url, open_app):
    session_id, tokens = _session(demo_url)
    card = _first_card(demo_url, session_id)
    store = Store.open(demo_url)
    for token, rating in zip(tokens, (2, 5), strict=True):
        consultation_answers.answer(store, token, card, rating, "Not in rural areas", "Transport", "context")
    store.dispose()
    at = open_app(demo_url, page="consultations")
    assert not at.exception
    shown = _texts(at)
    assert "2 ratings · mean **3.50**" in shown
    assert "Not in rural areas" in shown and "Transport" in shown
    at.button(key=f"show_{card}").click().run()
    assert not at.exception
    assert _results(demo_url, session_id).shown_card_id == card


def test_the_page_is_registered_for_those_who_run_consultations():
    from workbench.services.access import Action
    from workbench.ui.navigation import CONSULTATIONS, NEEDS

    assert NEEDS[CONSULTATIONS.script] is Action.RUN_CONSULTATIONS
    assert Path(ROOT / CONSULTATIONS.path).exists()
