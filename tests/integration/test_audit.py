"""Audit log: who changed what and when, narrowed to a study, a code or a person."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from workbench.services import codebook, demo, memos, projects
from workbench.services.access import ensure_user
from workbench.services.appraisal import get_appraisal, save_appraisal
from workbench.services.audit import audit_entries, audit_people, describe_change
from workbench.services.errors import PermissionDenied
from workbench.services.studies import list_studies
from workbench.store.audit import record
from workbench.store.enums import AuditAction, MemoTarget, Role
from workbench.store.models import Coding, Document, Excerpt, Membership

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


def record_coding(store, project_id: int, study_id: int, code_id: int, username: str = USER) -> int:
    """An audit entry shaped as the coding service writes one, for a coding of the study with the code."""
    with store.transaction() as session:
        coding, excerpt = session.execute(
            select(Coding, Excerpt)
            .join(Excerpt, Coding.excerpt_id == Excerpt.id)
            .join(Document, Excerpt.document_id == Document.id)
            .where(Document.study_id == study_id)
            .order_by(Coding.id)
        ).first()
        user = ensure_user(session, username)
        after = {"excerpt_id": excerpt.id, "code_id": code_id, "document_id": excerpt.document_id}
        after["study_id"] = study_id
        entry = record(
            session, action=AuditAction.CREATE, entity_type="coding", entity_id=coding.id, user_id=user.id,
            project_id=project_id, after=after,
        )  # fmt: skip
        session.flush()
        return entry.id


def test_entries_come_newest_first_with_who_when_and_the_change(store):
    project_id = demo_project(store)
    hope = code_named(store, project_id, "Hope")
    codebook.rename_code(store, USER, hope.id, "Optimism", expected_version=hope.version)
    codebook.recolour_code(store, USER, hope.id, "#000000", expected_version=hope.version + 1)
    latest, rename = audit_entries(store, USER, project_id)[:2]
    assert (latest.action, latest.entity_type, latest.entity_id, latest.user) == (
        "update",
        "code",
        hope.id,
        USER,
    )
    assert latest.changes == f"colour: {hope.colour} → #000000"
    assert rename.changes == "name: Hope → Optimism" and rename.at <= latest.at
    assert audit_entries(store, USER, project_id)[-1].action == "create"  # the project itself


def test_filtering_by_study_keeps_the_study_its_codings_and_its_memos(store):
    project_id = demo_project(store)
    mine, other = list_studies(store, USER, project_id)[:2]
    appraisal = get_appraisal(store, USER, mine.id)
    rating = "low" if appraisal.relevance != "low" else "high"
    save_appraisal(store, USER, replace(appraisal, relevance=rating))
    hope = code_named(store, project_id, "Hope")
    coding_entry = record_coding(store, project_id, mine.id, hope.id)
    record_coding(store, project_id, other.id, hope.id)
    memos.create_memo(store, USER, project_id, MemoTarget.STUDY, mine.id, "a strong study")
    memos.create_memo(store, USER, project_id, MemoTarget.STUDY, other.id, "a weak study")
    entries = audit_entries(store, USER, project_id, study_id=mine.id)
    assert [(e.action, e.entity_type) for e in entries] == [
        ("create", "memo"),
        ("create", "coding"),
        ("update", "study"),
    ]
    assert entries[1].id == coding_entry and entries[0].after["body"] == "a strong study"
    assert entries[2].changes == f"relevance: {appraisal.relevance or '(empty)'} → {rating}"


def test_filtering_by_code_keeps_the_code_its_codings_merges_and_memos(store):
    project_id = demo_project(store)
    hope, agency = (
        code_named(store, project_id, "Hope"),
        code_named(store, project_id, "Confidence and agency"),
    )
    study = list_studies(store, USER, project_id)[0]
    record_coding(store, project_id, study.id, agency.id)
    memos.create_memo(store, USER, project_id, MemoTarget.CODE, agency.id, "agency note")
    codebook.rename_code(store, USER, hope.id, "Optimism", expected_version=hope.version)
    codebook.merge_codes(store, USER, agency.id, hope.id)
    about_agency = audit_entries(store, USER, project_id, code_id=agency.id)
    assert [(e.action, e.entity_type) for e in about_agency] == [
        ("merge", "code"),
        ("create", "memo"),
        ("create", "coding"),
    ]
    about_hope = audit_entries(store, USER, project_id, code_id=hope.id)
    assert [(e.action, e.entity_type) for e in about_hope] == [("merge", "code"), ("update", "code")]
    assert about_hope[0].after["codings_moved"] + about_hope[0].after["duplicates_dropped"] == agency.codings


def test_filtering_by_person_and_limiting_the_number_of_entries(store):
    project_id = demo_project(store)
    with store.transaction() as session:
        bob = ensure_user(session, "bob")
        assert session.scalar(select(Membership).where(Membership.user_id == bob.id)) is not None
    hope = code_named(store, project_id, "Hope")
    codebook.rename_code(store, "bob", hope.id, "Optimism", expected_version=hope.version)
    codebook.create_code(store, USER, project_id, "Extra", hope.kind)
    (by_bob,) = audit_entries(store, USER, project_id, user="bob")
    assert (by_bob.user, by_bob.after["name"]) == ("bob", "Optimism")
    assert audit_people(store, USER, project_id) == ["bob", USER]
    assert [e.after["name"] for e in audit_entries(store, USER, project_id, limit=1)] == ["Extra"]


def test_non_members_and_stakeholders_cannot_read_the_audit_log(store):
    project_id = demo_project(store)
    with store.transaction() as session:
        ensure_user(session, "stranger")
        guest = ensure_user(session, "peer-worker")
        session.add(Membership(project_id=project_id, user_id=guest.id, role=Role.STAKEHOLDER))
    assert audit_entries(store, USER, project_id)
    with pytest.raises(PermissionDenied, match="stakeholder"):
        audit_entries(store, "peer-worker", project_id)
    with pytest.raises(PermissionDenied, match="not a member"):
        audit_entries(store, "stranger", project_id)


@pytest.mark.parametrize(
    ("before", "after", "text"),
    [
        ({"name": "A", "colour": "#000000"}, {"name": "B", "colour": "#000000"}, "name: A → B"),
        (None, {"name": "A", "examples": []}, "name: A\nexamples: (none)"),
        ({"title": "T", "body": "x"}, None, "title was: T\nbody was: x"),
        ({"tags": ["a"]}, {"tags": ["a", "b"], "note": ""}, "tags: a → a, b\nnote: (empty)"),
    ],
)
def test_a_change_reads_as_one_line_per_field(before, after, text):
    assert describe_change(before, after) == text
