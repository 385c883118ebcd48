"""Project use cases: create, list and look up the projects a user belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.services.access import Action, ensure_user, require
from workbench.services.errors import Conflict, Invalid, NotFound
from workbench.store import queries
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction, Role
from workbench.store.models import Membership, Project, User


class ProjectExists(Conflict):
    """A project with that name already exists."""


@dataclass(frozen=True)
class ProjectSummary:
    """A project as listed to one of its members."""

    id: int
    name: str
    description: str
    role: str
    studies: int
    codes: int
    codings: int
    configurations: int


def create_project(store: Store, username: str, name: str, description: str = "") -> int:
    """Create a project owned by the acting user; returns its id."""
    name = name.strip()
    if not name:
        raise Invalid("a project needs a name")
    try:
        with store.transaction() as session:
            if queries.project_by_name(session, name):
                raise ProjectExists(f"a project named {name!r} already exists")
            return add_project(session, ensure_user(session, username), name, description).id
    except IntegrityError:
        raise ProjectExists(f"a project named {name!r} already exists") from None


def add_project(session: Session, owner: User, name: str, description: str = "") -> Project:
    """Insert a project with its owner's membership and the audit entry (inside a transaction)."""
    project = Project(name=name, description=description)
    session.add(project)
    session.flush()
    session.add(Membership(project_id=project.id, user_id=owner.id, role=Role.OWNER))
    record(
        session,
        action=AuditAction.CREATE,
        entity_type="project",
        entity_id=project.id,
        user_id=owner.id,
        project_id=project.id,
        after={"name": name},
    )
    return project


def list_projects(store: Store, username: str) -> list[ProjectSummary]:
    """The acting user's projects with their main counts."""
    with store.transaction() as session:
        user = queries.user_by_name(session, username)
        if user is None:
            return []
        out = []
        for project, member in queries.projects_of(session, user.id):
            n = queries.counts(session, project.id)
            out.append(
                ProjectSummary(
                    project.id,
                    project.name,
                    project.description,
                    member.role.value,
                    n["studies"],
                    n["codes"],
                    n["codings"],
                    n["configurations"],
                )
            )
        return out


def project_id_by_name(store: Store, username: str, name: str) -> int:
    """The id of the named project, if the acting user is a member."""
    with store.transaction() as session:
        project = queries.project_by_name(session, name)
        if project is None:
            raise NotFound(f"no project named {name!r}")
        require(session, project.id, username, Action.READ_THEORY)
        return project.id
