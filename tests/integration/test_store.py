"""Store behaviour people rely on: optimistic locking, append-only audit, SQLite settings, access."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm.exc import StaleDataError

from workbench.domain.codebook import CodeKind
from workbench.services import projects, studies
from workbench.services.access import ensure_user
from workbench.services.errors import PermissionDenied
from workbench.store.audit import AuditLogIsAppendOnly
from workbench.store.models import AuditEntry, Code


def test_a_stale_edit_is_refused_instead_of_overwriting_a_colleagues_change(store):
    project_id = projects.create_project(store, "ana", "Review")
    with store.transaction() as s:
        s.add(Code(project_id=project_id, name="Hope", kind=CodeKind.OUTCOME))
    first, second = store.sessions(), store.sessions()
    mine = first.scalars(select(Code)).one()
    theirs = second.scalars(select(Code)).one()
    mine.description = "A sense that the future can be better"
    first.commit()
    theirs.description = "Something else"
    with pytest.raises(StaleDataError):
        second.commit()
    second.rollback()
    with store.transaction() as s:
        assert s.scalars(select(Code.description)).one() == "A sense that the future can be better"
    first.close()
    second.close()


def test_audit_entries_cannot_be_changed_or_deleted(store):
    projects.create_project(store, "ana", "Review")
    with pytest.raises(AuditLogIsAppendOnly), store.transaction() as s:
        entry = s.scalars(select(AuditEntry)).one()
        entry.action = "delete"
    with pytest.raises(AuditLogIsAppendOnly), store.transaction() as s:
        s.delete(s.scalars(select(AuditEntry)).one())
    with store.transaction() as s:
        (entry,) = s.scalars(select(AuditEntry)).all()
        assert (entry.action.value, entry.entity_type, entry.after) == (
            "create",
            "project",
            {"name": "Review"},
        )


def test_only_members_can_read_a_projects_studies(store):
    project_id = projects.create_project(store, "ana", "Review")
    with store.transaction() as s:
        ensure_user(s, "mallory")
    assert studies.list_studies(store, "ana", project_id) == []
    with pytest.raises(PermissionDenied, match="mallory is not a member"):
        studies.list_studies(store, "mallory", project_id)
    assert projects.list_projects(store, "mallory") == []


def test_project_names_are_unique(store):
    projects.create_project(store, "ana", "Review")
    with pytest.raises(projects.ProjectExists):
        projects.create_project(store, "ben", "Review")


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_sqlite_files_run_in_wal_mode_with_foreign_keys_enforced(store):
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
