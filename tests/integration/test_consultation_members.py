"""Signed-in members answering as themselves: which consultations they are offered, and the refusals
(another consultation's card, a closed consultation, a withdrawn participation, another project)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workbench.services import configurations, consultation_answers, consultations, members, projects
from workbench.services.consultation_answers import ConsultationNotOpen, InvitationRefused
from workbench.services.errors import NotFound, PermissionDenied
from workbench.store.enums import Role

OWNER, SAM = "owner", "sam"


@pytest.fixture
def demo(demo_clone):
    project_id = projects.project_id_by_name(demo_clone, OWNER, "Peer support demo")
    members.add_member(demo_clone, OWNER, project_id, SAM, Role.STAKEHOLDER)
    configs = configurations.list_configurations(demo_clone, OWNER, project_id)
    return demo_clone, project_id, [c.id for c in configs]


def test_a_member_is_offered_the_open_consultations_newest_first_with_how_far_they_got(demo):
    store, project_id, configs = demo
    day = timedelta(days=1)
    at = datetime.now(UTC)
    first = consultations.create_session(store, OWNER, project_id, "First", configuration_ids=configs[:2])
    second = consultations.create_session(
        store, OWNER, project_id, "Second", configuration_ids=configs[:1], mode="open", closes_at=at + day
    )
    consultations.create_session(store, OWNER, project_id, "Closed", closes_at=at - day)
    consultations.create_session(store, OWNER, project_id, "Not yet", opens_at=at + day)
    card = consultation_answers.member_cards(store, SAM, first)[0].card
    consultation_answers.answer_as_member(store, SAM, first, card.id, 4)
    offered = consultation_answers.member_sessions(store, SAM, project_id)
    assert [(o.id, o.title, o.cards, o.answered) for o in offered] == [
        (second, "Second", 1, 0),
        (first, "First", 2, 1),
    ]
    assert [o.id for o in consultation_answers.member_sessions(store, OWNER, project_id)] == [second, first]


def test_someone_outside_the_project_is_offered_nothing(demo):
    store, project_id, _configs = demo
    with pytest.raises(PermissionDenied):
        consultation_answers.member_sessions(store, "stranger", project_id)


def test_a_member_cannot_answer_a_card_of_another_consultation_or_a_closed_one(demo):
    store, project_id, configs = demo
    mine = consultations.create_session(store, OWNER, project_id, "Mine", configuration_ids=configs[:1])
    other = consultations.create_session(store, OWNER, project_id, "Other", configuration_ids=configs[:1])
    theirs = consultations.session_cards(store, OWNER, other)[0]
    with pytest.raises(NotFound, match="not part of your consultation"):
        consultation_answers.answer_as_member(store, SAM, mine, theirs.id, 3)
    closed = consultations.create_session(
        store, OWNER, project_id, "Closed", configuration_ids=configs[:1],
        closes_at=datetime.now(UTC) - timedelta(hours=1),
    )  # fmt: skip
    with pytest.raises(ConsultationNotOpen, match="closed"):
        consultation_answers.member_cards(store, SAM, closed)


def test_a_member_whose_participation_was_withdrawn_is_not_offered_it_and_cannot_answer(demo):
    store, project_id, configs = demo
    session_id = consultations.create_session(
        store, OWNER, project_id, "Panel", configuration_ids=configs[:1]
    )
    me = consultation_answers.member_join(store, SAM, session_id)
    consultations.revoke(store, OWNER, me.participant_id)
    assert consultation_answers.member_sessions(store, SAM, project_id) == []
    card = consultations.session_cards(store, OWNER, session_id)[0]
    with pytest.raises(InvitationRefused):
        consultation_answers.answer_as_member(store, SAM, session_id, card.id, 3)
