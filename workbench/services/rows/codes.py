"""Shared pieces of the codebook use cases: loading a code to act on, stale checks, audit snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workbench.domain.codebook import subtree
from workbench.services.access import Action, require, require_for_work
from workbench.services.errors import Conflict, NotFound
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import Code, Coding, Document, Excerpt, User


class StaleCode(Conflict):
    """Someone else changed the code since it was read; reload and redo."""


@contextmanager
def editing(store: Store) -> Iterator[Session]:
    """A transaction for an edit; a concurrent change caught at write time becomes StaleCode."""
    try:
        with store.transaction() as session:
            yield session
    except StaleDataError:
        raise StaleCode("the codebook was changed by someone else meanwhile; reload and redo") from None


def load_code(
    session: Session, code_id: int, username: str, action: Action = Action.EDIT_CODEBOOK
) -> tuple[Code, User]:
    """The code and the acting user, if the user's role in the code's project allows ``action``."""
    code = session.get(Code, code_id)
    if code is None:
        raise NotFound(f"code {code_id} does not exist")
    return code, require(session, code.project_id, username, action)


def load_code_to_remove(session: Session, code_id: int, username: str) -> tuple[Code, User]:
    """The code, if the user may delete or merge it: a code carrying others' codings needs the owner."""
    code, _user = load_code(session, code_id, username, Action.DELETE_CODES)
    code_ids = subtree(parent_map(session, code.project_id), code.id)
    coders = session.scalars(select(Coding.coder_id).where(Coding.code_id.in_(code_ids)).distinct())
    return code, require_for_work(session, code.project_id, username, Action.DELETE_CODES, coders)


def check_version(code: Code, expected: int | None) -> None:
    """Refuse an edit made on an older version of the code than the stored one."""
    if expected is not None and code.version_id != expected:
        raise StaleCode(
            f"code {code.name!r} was changed by someone else since you opened it; reload and redo"
        )


def code_dict(code: Code) -> dict[str, Any]:
    """The code's fields for the audit log and for snapshots."""
    return {
        "id": code.id,
        "name": code.name,
        "kind": code.kind.value,
        "colour": code.colour,
        "description": code.description,
        "examples": list(code.examples),
        "parent_id": code.parent_id,
        "position": code.position,
    }


def parent_map(session: Session, project_id: int) -> dict[int, int | None]:
    """Code id -> parent id for every code of a project."""
    rows = session.execute(select(Code.id, Code.parent_id).where(Code.project_id == project_id))
    return {code_id: parent_id for code_id, parent_id in rows}


def codings_by_study(
    session: Session, project_id: int, visible: ColumnElement[bool] | None = None
) -> dict[int, dict[int, int]]:
    """Code id -> study id -> how many codings the code has in that study, for a project's codes
    (only the ``visible`` codings: ``services.visibility.codings_visible_to``)."""
    rows = session.execute(
        select(Coding.code_id, Document.study_id, func.count(Coding.id))
        .join(Code, Coding.code_id == Code.id)
        .join(Excerpt, Coding.excerpt_id == Excerpt.id)
        .join(Document, Excerpt.document_id == Document.id)
        .where(Code.project_id == project_id, true() if visible is None else visible)
        .group_by(Coding.code_id, Document.study_id)
    )
    counts: dict[int, dict[int, int]] = {}
    for code_id, study_id, n in rows:
        counts.setdefault(code_id, {})[study_id] = int(n)
    return counts


def siblings(
    session: Session, project_id: int, parent_id: int | None, *, without: int | None = None
) -> list[Code]:
    """The codes under one parent (or at the root), in position order."""
    # ``== None`` renders as IS NULL, so the root level needs no special case
    query = select(Code).where(Code.project_id == project_id, Code.parent_id == parent_id)
    codes = session.scalars(query.order_by(Code.position, Code.id)).all()
    return [c for c in codes if c.id != without]


def renumber(codes: list[Code]) -> None:
    """Give codes positions 0, 1, 2 … in list order, touching only those that change."""
    for position, code in enumerate(codes):
        if code.position != position:
            code.position = position


def audit(
    session: Session,
    user: User,
    project_id: int,
    action: AuditAction,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record a change to a code in the project's audit log."""
    record(
        session, action=action, entity_type="code", entity_id=entity_id, user_id=user.id,
        project_id=project_id, before=before, after=after,
    )  # fmt: skip
