"""Memos: written about any part of a review, found again by search, and guarded like every edit."""

import pytest
from sqlalchemy import select

from workbench.domain.codebook import CodeKind
from workbench.services import codebook, demo, memos, projects
from workbench.services.access import ensure_user
from workbench.services.audit import audit_entries
from workbench.services.configurations import list_configurations
from workbench.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from workbench.services.studies import list_studies
from workbench.store.enums import MemoTarget, Role
from workbench.store.models import Excerpt, Membership

USER = "owner"


@pytest.fixture
def store(demo_clone):
    """In this module every store starts as a fresh copy of the demo project (owned by "owner")."""
    return demo_clone


def demo_project(store) -> int:
    return projects.project_id_by_name(store, USER, demo.DEMO_PROJECT)


def code_named(store, project_id: int, name: str) -> codebook.CodeNode:
    return next(
        n for n in codebook.flatten(codebook.codebook_tree(store, USER, project_id)) if n.name == name
    )


def first_excerpt(store) -> tuple[int, str]:
    with store.transaction() as session:
        excerpt = session.scalars(select(Excerpt).order_by(Excerpt.id)).first()
        return excerpt.id, excerpt.text


def test_a_memo_on_each_kind_of_target_is_listed_with_what_it_is_about(store):
    project_id = demo_project(store)
    study = list_studies(store, USER, project_id)[0]
    hope = code_named(store, project_id, "Hope")
    config = list_configurations(store, USER, project_id)[0]
    excerpt_id, excerpt_text = first_excerpt(store)
    targets = [
        (MemoTarget.PROJECT, None, "Project: Peer support demo"),
        (MemoTarget.STUDY, study.id, f"Study: {study.citation} ({study.key})"),
        (MemoTarget.CODE, hope.id, "Code: Hope (outcome)"),
        (MemoTarget.EXCERPT, excerpt_id, f"“{excerpt_text[:80]}”"),
        (MemoTarget.CONFIGURATION, config.id, f"Configuration {config.label}: "),
    ]
    for kind, target_id, _label in targets:
        memos.create_memo(store, USER, project_id, kind, target_id, f"about the {kind.value}")
    listed = {m.target_type: m for m in memos.list_memos(store, USER, project_id)}
    for kind, target_id, label in targets:
        assert listed[kind].target_id == target_id and label in listed[kind].target_label
        assert (listed[kind].body, listed[kind].author) == (f"about the {kind.value}", USER)


def test_search_matches_title_or_text_ignoring_case_in_any_script(store):
    project_id = demo_project(store)
    memos.create_memo(store, USER, project_id, MemoTarget.PROJECT, None, "Peer workers report Épuisement.")
    memos.create_memo(
        store, USER, project_id, MemoTarget.PROJECT, None, "About 50 people", title="Sample size"
    )
    memos.create_memo(store, USER, project_id, MemoTarget.PROJECT, None, "Trust builds slowly", title="TRUST")

    def found(text: str) -> list[str]:
        return sorted(m.body for m in memos.list_memos(store, USER, project_id, search=text))

    assert found("épuis") == found("ÉPUISEMENT") == ["Peer workers report Épuisement."]
    assert found("trust") == ["Trust builds slowly"]
    assert found("sample SIZE") == ["About 50 people"]
    assert found("50%") == [] and found("_") == []
    assert len(found("")) == 3


def test_memos_can_be_filtered_by_kind_of_target_and_by_target(store):
    project_id = demo_project(store)
    hope, agency = (
        code_named(store, project_id, "Hope"),
        code_named(store, project_id, "Confidence and agency"),
    )
    memos.create_memo(store, USER, project_id, MemoTarget.CODE, hope.id, "on hope")
    memos.create_memo(store, USER, project_id, MemoTarget.CODE, agency.id, "on agency")
    memos.create_memo(store, USER, project_id, MemoTarget.PROJECT, None, "on the review")
    on_codes = memos.list_memos(store, USER, project_id, target_type=MemoTarget.CODE)
    assert sorted(m.body for m in on_codes) == ["on agency", "on hope"]
    on_hope = memos.list_memos(store, USER, project_id, target_type=MemoTarget.CODE, target_id=hope.id)
    assert [m.body for m in on_hope] == ["on hope"]


def test_a_memo_edited_from_a_stale_version_is_refused(store):
    project_id = demo_project(store)
    memo_id = memos.create_memo(store, USER, project_id, MemoTarget.PROJECT, None, "first draft")
    (seen,) = memos.list_memos(store, USER, project_id)
    memos.update_memo(store, USER, memo_id, expected_version=seen.version, body="second draft", title="Draft")
    with pytest.raises(Conflict, match="changed by someone else"):
        memos.update_memo(store, USER, memo_id, expected_version=seen.version, body="my draft")
    with pytest.raises(Conflict):
        memos.delete_memo(store, USER, memo_id, expected_version=seen.version)
    (now,) = memos.list_memos(store, USER, project_id)
    assert (now.title, now.body, now.version) == ("Draft", "second draft", seen.version + 1)


def test_a_memo_needs_text_and_a_target_in_its_own_project(store):
    project_id = demo_project(store)
    other = projects.create_project(store, USER, "Other review")
    other_code = codebook.create_code(store, USER, other, "Elsewhere", CodeKind.OTHER)
    with pytest.raises(Invalid, match="write something"):
        memos.create_memo(store, USER, project_id, MemoTarget.PROJECT, None, "   ")
    with pytest.raises(NotFound, match=f"code {other_code} is not in this project"):
        memos.create_memo(store, USER, project_id, MemoTarget.CODE, other_code, "wrong project")
    with pytest.raises(NotFound):
        memos.create_memo(store, USER, project_id, MemoTarget.STUDY, 999_999, "no such study")
    assert memos.list_memos(store, USER, project_id) == []


def test_memos_are_the_review_team_s_and_stakeholders_neither_read_nor_write_them(store):
    project_id = demo_project(store)
    memo_id = memos.create_memo(store, USER, project_id, MemoTarget.PROJECT, None, "shared note")
    with store.transaction() as session:
        guest = ensure_user(session, "peer-worker")
        ensure_user(session, "stranger")
        session.add(Membership(project_id=project_id, user_id=guest.id, role=Role.STAKEHOLDER))
    with pytest.raises(PermissionDenied, match="stakeholder"):
        memos.list_memos(store, "peer-worker", project_id)
    with pytest.raises(PermissionDenied, match="stakeholder"):
        memos.create_memo(store, "peer-worker", project_id, MemoTarget.PROJECT, None, "mine")
    with pytest.raises(PermissionDenied, match="stakeholder"):
        memos.delete_memo(store, "peer-worker", memo_id)
    with pytest.raises(PermissionDenied, match="not a member"):
        memos.list_memos(store, "stranger", project_id)


def test_writing_editing_and_deleting_a_memo_is_in_the_audit_log(store):
    project_id = demo_project(store)
    memo_id = memos.create_memo(store, USER, project_id, MemoTarget.PROJECT, None, "v1", title="Note")
    memos.update_memo(store, USER, memo_id, expected_version=1, body="v2")
    memos.delete_memo(store, USER, memo_id)
    entries = [e for e in audit_entries(store, USER, project_id) if e.entity_type == "memo"]
    assert [(e.action, e.entity_id) for e in entries] == [
        ("delete", memo_id),
        ("update", memo_id),
        ("create", memo_id),
    ]
    assert entries[1].before["body"] == "v1" and entries[1].after["body"] == "v2"
    assert entries[0].before["title"] == "Note" and entries[0].after is None


def test_memos_on_a_deleted_code_go_with_it_and_come_back_with_undo(store):
    project_id = demo_project(store)
    hope = code_named(store, project_id, "Hope")
    memo_id = memos.create_memo(store, USER, project_id, MemoTarget.CODE, hope.id, "hope is central")
    snapshot = codebook.delete_code(store, USER, hope.id)
    assert snapshot.impact.memos == 1 and memos.list_memos(store, USER, project_id) == []
    codebook.restore_code(store, USER, snapshot)
    (back,) = memos.list_memos(store, USER, project_id)
    assert (back.id, back.target_id, back.target_label) == (memo_id, hope.id, "Code: Hope (outcome)")


def test_merging_codes_moves_their_memos_to_the_remaining_code(store):
    project_id = demo_project(store)
    hope, agency = (
        code_named(store, project_id, "Hope"),
        code_named(store, project_id, "Confidence and agency"),
    )
    memos.create_memo(store, USER, project_id, MemoTarget.CODE, agency.id, "agency note")
    assert codebook.merge_codes(store, USER, agency.id, hope.id).memos_moved == 1
    (moved,) = memos.list_memos(store, USER, project_id, target_type=MemoTarget.CODE, target_id=hope.id)
    assert moved.body == "agency note"


def test_a_deleted_memo_comes_back_with_undo_as_it_was(store):
    project_id = demo_project(store)
    study = list_studies(store, USER, project_id)[0]
    memo_id = memos.create_memo(store, USER, project_id, MemoTarget.STUDY, study.id, "v1", title="Note")
    memos.update_memo(store, USER, memo_id, expected_version=1, body="v2")
    (before,) = memos.list_memos(store, USER, project_id)
    with store.transaction() as session:
        guest = ensure_user(session, "peer-worker")
        session.add(Membership(project_id=project_id, user_id=guest.id, role=Role.STAKEHOLDER))
    deleted = memos.delete_memo(store, USER, memo_id)
    assert memos.list_memos(store, USER, project_id) == []
    with pytest.raises(PermissionDenied, match="stakeholder"):
        memos.restore_memo(store, "peer-worker", deleted)
    assert memos.restore_memo(store, USER, deleted) == memo_id
    (back,) = memos.list_memos(store, USER, project_id)
    assert (back.id, back.target_type, back.target_id, back.target_label, back.title, back.body) == (
        memo_id, MemoTarget.STUDY, study.id, before.target_label, "Note", "v2",
    )  # fmt: skip
    assert (back.author, back.created_at, back.updated_at) == (USER, before.created_at, before.updated_at)
    with pytest.raises(Conflict, match="already back"):
        memos.restore_memo(store, USER, deleted)
    entries = [e for e in audit_entries(store, USER, project_id) if e.entity_type == "memo"]
    assert [e.action for e in entries[:2]] == ["create", "delete"]
    assert entries[0].after["body"] == "v2"


def test_a_memo_cannot_come_back_once_what_it_was_about_is_gone(store):
    project_id = demo_project(store)
    hope = code_named(store, project_id, "Hope")
    deleted = memos.delete_memo(
        store, USER, memos.create_memo(store, USER, project_id, MemoTarget.CODE, hope.id, "hope is central")
    )
    codebook.delete_code(store, USER, hope.id)
    with pytest.raises(NotFound, match="code the memo was about is no longer in this project"):
        memos.restore_memo(store, USER, deleted)
    assert memos.list_memos(store, USER, project_id) == []
