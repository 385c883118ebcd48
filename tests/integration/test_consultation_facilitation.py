"""What the Consultations page lists: a project's consultations, their participants; a participant's name."""

from __future__ import annotations

import pytest

from tests.conftest import DEMO_OWNER
from workbench.services import consultation_sessions, consultations, projects
from workbench.services.consultation_answers import InvitationRefused
from workbench.services.errors import PermissionDenied

DEMO = "Peer support demo"


def _project(store) -> int:
    return projects.project_id_by_name(store, DEMO_OWNER, DEMO)


def test_the_facilitator_sees_the_project_s_consultations_newest_first_with_their_cards(demo_clone):
    project_id = _project(demo_clone)
    first = consultations.create_session(demo_clone, DEMO_OWNER, project_id, "Morning panel")
    configs = [c.configuration_id for c in consultations.session_cards(demo_clone, DEMO_OWNER, first)][:2]
    second = consultations.create_session(
        demo_clone, DEMO_OWNER, project_id, "Evening panel", configuration_ids=configs, mode="open"
    )
    rows = consultation_sessions.list_sessions(demo_clone, DEMO_OWNER, project_id)
    assert [(r.id, r.title, r.cards, r.mode) for r in rows] == [
        (second, "Evening panel", 2, "open"),
        (first, "Morning panel", len(consultations.session_cards(demo_clone, DEMO_OWNER, first)), "live"),
    ]


def test_participants_are_listed_without_their_tokens_and_a_revoked_one_is_marked(demo_clone):
    session_id = consultations.create_session(demo_clone, DEMO_OWNER, _project(demo_clone), "Panel")
    made = consultations.invite(demo_clone, DEMO_OWNER, session_id, 2, perspective="peer support worker")
    consultations.revoke(demo_clone, DEMO_OWNER, made[1].participant_id)
    rows = consultation_sessions.participants(demo_clone, DEMO_OWNER, session_id)
    assert [(p.pseudonym, p.perspective, p.revoked) for p in rows] == [
        ("Participant 1", "peer support worker", False),
        ("Participant 2", "peer support worker", True),
    ]
    assert all(made[0].token not in repr(p) for p in rows)


def test_a_participant_names_themselves_and_a_revoked_link_cannot(demo_clone):
    session_id = consultations.create_session(demo_clone, DEMO_OWNER, _project(demo_clone), "Panel")
    mine, gone = consultations.invite(demo_clone, DEMO_OWNER, session_id, 2)
    assert consultation_sessions.name_myself(demo_clone, mine.token, "  Sam  ") == "Sam"
    consultations.revoke(demo_clone, DEMO_OWNER, gone.participant_id)
    with pytest.raises(InvitationRefused):
        consultation_sessions.name_myself(demo_clone, gone.token, "Alex")
    names = [p.name for p in consultation_sessions.participants(demo_clone, DEMO_OWNER, session_id)]
    assert names == ["Sam", ""]


def test_someone_outside_the_project_lists_nothing(demo_clone):
    with pytest.raises(PermissionDenied):
        consultation_sessions.list_sessions(demo_clone, "stranger", _project(demo_clone))
