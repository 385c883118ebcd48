"""The Team page, and the navigation each role gets: pages a role cannot use are not listed."""

from __future__ import annotations

import pytest

from tests.conftest import DEMO_OWNER
from workbench.services import members, projects
from workbench.services.access import TABLE
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.ui.navigation import SECTIONS, listed

DEMO = "Peer support demo"


def _add(url: str, login: str, role: Role) -> None:
    store = Store.open(url)
    project_id = projects.project_id_by_name(store, DEMO_OWNER, DEMO)
    members.add_member(store, DEMO_OWNER, project_id, login, role)
    store.dispose()


def _titles(role: Role) -> set[str]:
    allowed = frozenset(a for a, roles in TABLE.items() if role in roles)
    return {e.title for entries in SECTIONS.values() for e in entries if listed(e, allowed)}


def test_a_stakeholder_is_listed_only_the_theory_pages():
    assert _titles(Role.STAKEHOLDER) == {
        "Projects", "Configurations", "Programme theory", "My consultations", "Graphs", "Team", "Account",
    }  # fmt: skip


@pytest.mark.parametrize("role", [Role.OWNER, Role.REVIEWER])
def test_owners_and_reviewers_are_listed_the_review_pages(role):
    assert {"Import", "Studies", "Coding", "Codebook", "Memos", "Export", "Audit log"} <= _titles(role)


def test_an_owner_invites_someone_new_and_is_told_how_they_sign_in(demo_url, open_app):
    at = open_app(demo_url, page="team")
    assert not at.exception
    at.text_input(key="invite_login").input("newcomer")
    at.selectbox(key="invite_as").set_value(Role.STAKEHOLDER)
    at.button[0].click().run()
    assert not at.exception
    assert "newcomer is now a stakeholder" in at.success[0].value
    assert "WORKBENCH_USER=newcomer" in at.info[0].value
    assert "newcomer" in at.dataframe[0].value["Login"].tolist()


def test_the_last_owner_is_told_why_they_cannot_step_down(demo_url, open_app):
    at = open_app(demo_url, page="team")
    at.selectbox(key="team_member").set_value(DEMO_OWNER).run()
    at.selectbox(key="team_role").set_value(Role.REVIEWER).run()
    at.button(key="team_change_role").click().run()
    assert not at.exception
    assert "only owner" in at.error[0].value


def test_removing_a_member_needs_a_confirmation(demo_url, open_app):
    _add(demo_url, "leaver", Role.REVIEWER)
    at = open_app(demo_url, page="team")
    at.selectbox(key="team_member").set_value("leaver").run()
    assert at.button(key="team_remove").disabled
    at.checkbox(key="team_confirm_remove").check().run()
    at.button(key="team_remove").click().run()
    assert not at.exception
    assert "leaver" not in at.dataframe[0].value["Login"].tolist()


def test_a_reviewer_sees_the_team_but_no_forms_to_change_it(demo_url, open_app):
    _add(demo_url, "rita", Role.REVIEWER)
    at = open_app(demo_url, user="rita", page="team")
    assert not at.exception
    assert "You are a reviewer" in at.caption[0].value
    assert DEMO_OWNER in at.dataframe[0].value["Login"].tolist()
    assert not at.text_input and not at.button
