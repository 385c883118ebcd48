"""Consultations: editors set one up; any member rates a configuration in it, once (a new rating replaces)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from workbench.services import configurations, consultations, members, projects
from workbench.services.errors import Invalid, NotFound, PermissionDenied
from workbench.store.enums import Role
from workbench.store.models import ConfigurationRating, ConsultationParticipant

SAM = "sam"


@pytest.fixture
def panel(demo_clone):
    project_id = projects.project_id_by_name(demo_clone, "owner", "Peer support demo")
    members.add_member(demo_clone, "owner", project_id, SAM, Role.STAKEHOLDER)
    config_id = configurations.list_configurations(demo_clone, "owner", project_id)[0].id
    session_id = consultations.create_session(demo_clone, "owner", project_id, "Panel", date(2026, 5, 4))
    return demo_clone, project_id, session_id, config_id


def test_a_stakeholder_rates_a_configuration_and_rating_again_replaces_it(panel):
    store, _project_id, session_id, config_id = panel
    consultations.rate(store, SAM, session_id, config_id, 2, "not in my ward")
    again = consultations.rate(store, SAM, session_id, config_id, 4, " rings true ")
    assert (again.rater, again.rating, again.comment) == (SAM, 4, "rings true")
    with store.transaction() as session:
        assert session.scalars(select(ConsultationParticipant.name)).all() == [SAM]
        assert session.execute(select(ConfigurationRating.rating, ConfigurationRating.comment)).all() == [
            (4, "rings true")
        ]


def test_a_rating_outside_1_to_5_or_an_empty_one_is_refused(panel):
    store, _project_id, session_id, config_id = panel
    for rating, comment in ((0, "x"), (6, "x"), (None, "  ")):
        with pytest.raises(Invalid):
            consultations.rate(store, SAM, session_id, config_id, rating, comment)
    assert consultations.rate(store, SAM, session_id, config_id, None, "a comment only").rating is None


def test_an_unknown_configuration_cannot_be_rated_and_stakeholders_run_no_consultations(panel):
    store, project_id, session_id, _config_id = panel
    with pytest.raises(NotFound):
        consultations.rate(store, SAM, session_id, 10_000_000, 3)
    with pytest.raises(PermissionDenied, match="stakeholder"):
        consultations.create_session(store, SAM, project_id, "My own panel")
    with pytest.raises(Invalid):
        consultations.create_session(store, "owner", project_id, "  ")
