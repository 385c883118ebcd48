"""Read queries shared by services. They take a Session and never commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session

from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    Document,
    Excerpt,
    Membership,
    Project,
    Study,
    User,
)


def user_by_name(session: Session, username: str) -> User | None:
    """The user with this username, if any."""
    return session.scalar(select(User).where(User.username == username))


def project_by_name(session: Session, name: str) -> Project | None:
    """The project with this name, if any."""
    return session.scalar(select(Project).where(Project.name == name))


def membership(session: Session, project_id: int, user_id: int) -> Membership | None:
    """A user's membership of a project, if any."""
    return session.scalar(
        select(Membership).where(Membership.project_id == project_id, Membership.user_id == user_id)
    )


def _scoped(query: Select[Any], project_id: int | None, table: str) -> Select[Any]:
    if project_id is None:
        return query
    joins: dict[str, Select[Any]] = {
        "projects": query.where(Project.id == project_id),
        "studies": query.where(Study.project_id == project_id),
        "documents": query.join(Study).where(Study.project_id == project_id),
        "codes": query.where(Code.project_id == project_id),
        "excerpts": query.join(Document).join(Study).where(Study.project_id == project_id),
        "codings": query.join(Code).where(Code.project_id == project_id),
        "configurations": query.where(Configuration.project_id == project_id),
    }
    return joins[table]


def counts(session: Session, project_id: int | None = None) -> dict[str, int]:
    """How many projects, studies, documents, codes, excerpts, codings and configurations
    there are, in one project or in the whole store."""
    tables = {
        "projects": Project,
        "studies": Study,
        "documents": Document,
        "codes": Code,
        "excerpts": Excerpt,
        "codings": Coding,
        "configurations": Configuration,
    }
    out = {}
    for name, model in tables.items():
        query = _scoped(select(func.count()).select_from(model), project_id, name)
        out[name] = int(session.scalar(query) or 0)
    return out


def projects_of(session: Session, user_id: int) -> list[tuple[Project, Membership]]:
    """Projects the user is a member of, with the membership, by name."""
    rows = session.execute(
        select(Project, Membership)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user_id)
        .order_by(Project.name)
    )
    return [(p, m) for p, m in rows]


def studies_of(
    session: Session, project_id: int, visible: ColumnElement[bool] | None = None
) -> list[tuple[Study, int, int]]:
    """Studies of a project with their document count and coded-excerpt count, by key (counting only
    excerpts with a ``visible`` coding when given: blind coding hides others' excerpts)."""
    documents = (
        select(Document.study_id, func.count(Document.id).label("n")).group_by(Document.study_id).subquery()
    )
    shown = Excerpt.id.in_(select(Coding.excerpt_id).where(visible)) if visible is not None else true()
    excerpts = (
        select(Document.study_id, func.count(Excerpt.id).label("n"))
        .join(Excerpt, Excerpt.document_id == Document.id)
        .where(shown)
        .group_by(Document.study_id)
        .subquery()
    )
    rows = session.execute(
        select(Study, func.coalesce(documents.c.n, 0), func.coalesce(excerpts.c.n, 0))
        .outerjoin(documents, documents.c.study_id == Study.id)
        .outerjoin(excerpts, excerpts.c.study_id == Study.id)
        .where(Study.project_id == project_id)
        .order_by(Study.key)
    )
    return [(s, int(d), int(e)) for s, d, e in rows]


# the reserved coder of consensus codings; a leading "@" cannot begin a login or an e-mail address
CONSENSUS_USERNAME = "@consensus"


def consensus_user(session: Session) -> User:
    """The reserved user consensus codings are attributed to (who settled them is on the coding)."""
    user = user_by_name(session, CONSENSUS_USERNAME)
    if user is None:
        user = User(username=CONSENSUS_USERNAME, display_name="Consensus")
        session.add(user)
        session.flush()
    return user
