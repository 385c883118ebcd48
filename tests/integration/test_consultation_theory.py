"""Back into the theory: the team marks configurations citing a consultation's answers, rewords them, adds
what participants found missing, and the saved version's diff says which session caused which change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workbench.services import configurations, consultation_answers, consultations, members, projects, theory
from workbench.services.consultation_theory import (
    Addition,
    Decision,
    apply_consultation,
    changes_of,
    citable_answers,
)
from workbench.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from workbench.store.enums import Role
from workbench.store.models import Code

OWNER, SAM = "owner", "sam"


@pytest.fixture
def answered(demo_clone):
    """A consultation of two demo configurations, answered through three invitation links."""
    store = demo_clone
    project_id = projects.project_id_by_name(store, OWNER, "Peer support demo")
    members.add_member(store, OWNER, project_id, SAM, Role.STAKEHOLDER)
    first, second = configurations.list_configurations(store, OWNER, project_id)[:2]
    session_id = consultations.create_session(
        store, OWNER, project_id, "Peer workers panel", configuration_ids=[first.id, second.id]
    )
    links = consultations.invite(store, OWNER, session_id, 3)
    cards = {c.configuration_id: c.id for c in consultations.session_cards(store, OWNER, session_id)}
    said = [(2, "Only when the worker shares their story"), (5, "=HYPERLINK(1)"), (4, "")]
    for invitation, (rating, comment) in zip(links, said, strict=True):
        consultation_answers.answer(store, invitation.token, cards[first.id], rating, comment)
    consultation_answers.answer(
        store, links[0].token, cards[second.id], 3, "", "feeling heard", "mechanism"
    )  # fmt: skip
    return store, project_id, session_id, first, second


def _answer(store, session_id, config_id, starting):
    return next(
        a for a in citable_answers(store, OWNER, session_id)
        if a.configuration_id == config_id and a.comment.startswith(starting)
    )  # fmt: skip


def test_revising_a_configuration_citing_a_comment_saves_a_version_whose_diff_names_the_session(answered):
    store, project_id, session_id, first, _second = answered
    before = theory.save_version(store, OWNER, project_id, "Before the panel")
    cited = _answer(store, session_id, first.id, "Only when")
    version = apply_consultation(
        store, OWNER, project_id, session_id,
        [Decision(first.id, "revised", "peers share their story first", [cited.id], "Reworded by the panel")],
        "After the panel",
    )  # fmt: skip
    row = configurations.get_configuration(store, OWNER, first.id)
    assert (row.status, row.statement, row.status_ratings) == (
        "revised",
        "Reworded by the panel",
        (cited.id,),
    )
    diff = theory.compare_versions(store, OWNER, project_id, before, version)
    (change,) = diff.changed
    assert change.label == first.label
    assert change.fields["statement"] == (first.statement, "Reworded by the panel")
    assert change.reason == "changed because of session Peer workers panel"
    (recorded,) = changes_of(store, OWNER, session_id)
    assert (recorded.label, recorded.status, recorded.cited) == (first.label, "revised", (cited.id,))


def test_what_participants_found_missing_becomes_a_code_of_that_kind_in_the_configuration(answered):
    store, project_id, session_id, _first, second = answered
    before = theory.save_version(store, OWNER, project_id, "Before")
    version = apply_consultation(
        store, OWNER, project_id, session_id,
        [Decision(second.id, "supported", additions=[Addition("mechanism", "Feeling heard"),
                                                     Addition(None, "ask about night shifts")])],
        "After",
    )  # fmt: skip
    row = configurations.get_configuration(store, OWNER, second.id)
    assert "Feeling heard" in row.mechanisms
    assert "ask about night shifts" in row.status_note
    with store.transaction() as session:
        assert session.scalars(select(Code.kind).where(Code.name == "Feeling heard")).all() == ["mechanism"]
    (change,) = theory.compare_versions(store, OWNER, project_id, before, version).changed
    assert "mechanisms" in change.fields and change.because == "Peer workers panel"


def test_revising_or_refuting_needs_an_answer_of_this_session_on_that_configuration(answered):
    store, project_id, session_id, first, second = answered
    on_second = citable_answers(store, OWNER, session_id)[-1]
    assert on_second.configuration_id == second.id
    with pytest.raises(Invalid, match="cite at least one"):
        apply_consultation(store, OWNER, project_id, session_id, [Decision(first.id, "refuted")], "V")
    with pytest.raises(NotFound):
        apply_consultation(
            store, OWNER, project_id, session_id, [Decision(first.id, "refuted", cited=[on_second.id])], "V"
        )
    with pytest.raises(Invalid):
        apply_consultation(store, OWNER, project_id, session_id, [Decision(first.id, "proposed")], "V")
    assert configurations.get_configuration(store, OWNER, first.id).status == first.status
    assert theory.list_versions(store, OWNER, project_id) == []


def test_a_stakeholder_cannot_change_the_theory_and_a_taken_version_name_changes_nothing(answered):
    store, project_id, session_id, first, _second = answered
    with pytest.raises(PermissionDenied):
        apply_consultation(store, SAM, project_id, session_id, [Decision(first.id, "supported")], "Mine")
    theory.save_version(store, OWNER, project_id, "Taken")
    with pytest.raises(Conflict):
        apply_consultation(
            store, OWNER, project_id, session_id, [Decision(first.id, "supported", statement="New")], "Taken"
        )
    assert configurations.get_configuration(store, OWNER, first.id).statement == first.statement
