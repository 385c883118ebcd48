"""Project use cases: create, list and look up the projects a user belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.services.access import Action, ensure_user, require
from workbench.services.errors import Conflict, Invalid, NotFound
from workbench.store import queries
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction, Role
from workbench.store.models import Code, Coding, Configuration, Membership, Project, Study, User


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
        rows = session.execute(_summaries(user.id))  # one statement, whatever the number of projects
        return [
            ProjectSummary(
                r.id, r.name, r.description, r.role.value, r.studies, r.codes, r.codings, r.configurations
            )
            for r in rows
        ]


def _summaries(user_id: int) -> Select[Any]:
    """The user's projects by name, with their role and counts (as ``queries.counts``), in one query."""

    def count(query: Select[Any]) -> ScalarSelect[Any]:
        return query.correlate(Project).scalar_subquery()

    return (
        select(
            Project.id,
            Project.name,
            Project.description,
            Membership.role,
            count(select(func.count(Study.id)).where(Study.project_id == Project.id)).label("studies"),
            count(select(func.count(Code.id)).where(Code.project_id == Project.id)).label("codes"),
            count(
                select(func.count(Coding.id)).join(Code, Code.id == Coding.code_id)
                .where(Code.project_id == Project.id)
            ).label("codings"),
            count(
                select(func.count(Configuration.id)).where(Configuration.project_id == Project.id)
            ).label("configurations"),
        )
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user_id)
        .order_by(Project.name)
    )  # fmt: skip


def project_id_by_name(store: Store, username: str, name: str) -> int:
    """The id of the named project, if the acting user is a member."""
    with store.transaction() as session:
        project = queries.project_by_name(session, name)
        if project is None:
            raise NotFound(f"no project named {name!r}")
        require(session, project.id, username, Action.READ_THEORY)
        return project.id
