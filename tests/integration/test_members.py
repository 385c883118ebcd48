"""Project members: owners invite, re-role and remove; a project keeps an owner; all of it audited."""

from __future__ import annotations

import json

import pytest

from workbench.services import members, projects
from workbench.services.audit import audit_entries
from workbench.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from workbench.store.enums import Role

from ..conftest import DEMO_OWNER, run_workbench

OWNER = "olive"


@pytest.fixture
def project(store):
    return projects.create_project(store, OWNER, "Team review")


def _roles(store, project_id):
    return {m.login: m.role for m in members.list_members(store, OWNER, project_id)}


def test_an_owner_invites_someone_without_an_account_who_then_belongs_to_the_project(store, project):
    added = members.add_member(store, OWNER, project, " rita ", Role.REVIEWER)
    assert (added.member.login, added.member.role, added.new_account) == ("rita", Role.REVIEWER, True)
    assert not added.member.has_password
    assert _roles(store, project) == {OWNER: Role.OWNER, "rita": Role.REVIEWER}
    assert [p.name for p in projects.list_projects(store, "rita")] == ["Team review"]
    again = members.add_member(
        store, OWNER, projects.create_project(store, OWNER, "Second"), "rita", Role.OWNER
    )
    assert again.new_account is False


def test_inviting_a_member_twice_or_a_malformed_login_is_refused(store, project):
    members.add_member(store, OWNER, project, "rita", Role.REVIEWER)
    with pytest.raises(Conflict, match="already a member"):
        members.add_member(store, OWNER, project, "rita", Role.STAKEHOLDER)
    for login in ("", "@consensus", "two words", "x" * 101):
        with pytest.raises(Invalid):
            members.add_member(store, OWNER, project, login, Role.REVIEWER)


def test_only_owners_manage_members_but_everyone_sees_who_is_in_the_project(store, project):
    members.add_member(store, OWNER, project, "rita", Role.REVIEWER)
    members.add_member(store, OWNER, project, "sam", Role.STAKEHOLDER)
    for user in ("rita", "sam"):
        assert [m.login for m in members.list_members(store, user, project)] == [OWNER, "rita", "sam"]
        with pytest.raises(PermissionDenied, match="may not invite members"):
            members.add_member(store, user, project, "eve", Role.OWNER)
        with pytest.raises(PermissionDenied):
            members.change_role(store, user, project, user, Role.OWNER)
        with pytest.raises(PermissionDenied):
            members.remove_member(store, user, project, OWNER)
    assert members.my_role(store, "sam", project) is Role.STAKEHOLDER


def test_the_last_owner_can_neither_step_down_nor_be_removed_but_one_of_two_can(store, project):
    with pytest.raises(Invalid, match="only owner"):
        members.change_role(store, OWNER, project, OWNER, Role.REVIEWER)
    with pytest.raises(Invalid, match="only owner"):
        members.remove_member(store, OWNER, project, OWNER)
    members.add_member(store, OWNER, project, "rita", Role.REVIEWER)
    members.change_role(store, OWNER, project, "rita", Role.OWNER)
    members.change_role(store, "rita", project, OWNER, Role.REVIEWER)
    with pytest.raises(Invalid, match="rita is the project's only owner"):
        members.remove_member(store, "rita", project, "rita")
    members.remove_member(store, "rita", project, OWNER)
    assert {m.login: m.role for m in members.list_members(store, "rita", project)} == {"rita": Role.OWNER}
    with pytest.raises(PermissionDenied, match="not a member"):
        members.list_members(store, OWNER, project)


def test_changing_or_removing_someone_who_is_not_a_member_says_so(store, project):
    with pytest.raises(NotFound, match="nobody is not a member"):
        members.change_role(store, OWNER, project, "nobody", Role.REVIEWER)
    with pytest.raises(NotFound):
        members.remove_member(store, OWNER, project, "nobody")


def test_every_membership_change_is_in_the_audit_log(store, project):
    members.add_member(store, OWNER, project, "rita", Role.REVIEWER)
    members.change_role(store, OWNER, project, "rita", Role.STAKEHOLDER)
    members.remove_member(store, OWNER, project, "rita")
    entries = [e for e in audit_entries(store, OWNER, project) if e.entity_type == "membership"]
    assert [(e.action, e.before, e.after) for e in reversed(entries)] == [
        ("create", None, {"member": "rita", "role": "reviewer"}),
        ("update", {"member": "rita", "role": "reviewer"}, {"member": "rita", "role": "stakeholder"}),
        ("delete", {"member": "rita", "role": "stakeholder"}, None),
    ]


def test_the_member_commands_add_list_change_and_remove_members(demo_sqlite_url):
    demo = "Peer support demo"

    def run(*args, user=DEMO_OWNER):
        return run_workbench(demo_sqlite_url, "member", *args, user=user)

    added = run("add", "--project", demo, "newcomer", "--role", "stakeholder")
    assert added.returncode == 0, added.stderr
    assert "newcomer is now a stakeholder" in added.stdout and "new account" in added.stdout
    listed = json.loads(run("list", "--project", demo, "--json").stdout)
    assert listed[0]["role"] == "owner"
    assert {"login": "newcomer", "display_name": "newcomer", "role": "stakeholder", "has_password": False,
            "active": True} in listed  # fmt: skip
    assert run("role", "--project", demo, "newcomer", "--role", "reviewer").returncode == 0
    assert "newcomer" in run("list", "--project", demo).stdout
    refused = run("add", "--project", demo, "eve", "--role", "owner", user="newcomer")
    assert refused.returncode == 1
    assert refused.stderr.startswith("workbench: error: newcomer is a reviewer here and may not invite")
    last = run("remove", "--project", demo, DEMO_OWNER)
    assert (last.returncode, "only owner" in last.stderr) == (1, True)
    assert run("remove", "--project", demo, "newcomer").returncode == 0
    assert "newcomer" not in run("list", "--project", demo).stdout
