"""Reading the audit log: who changed what and when, about a study, a code or by a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from workbench.services.access import Action, require
from workbench.services.visibility import blinded_study_ids
from workbench.store.db import Store
from workbench.store.models import AuditEntry, Document, Excerpt, User


@dataclass(frozen=True)
class AuditRow:
    """One entry of the audit log, with the row before and after the change."""

    id: int
    at: datetime
    user: str
    action: str
    entity_type: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def subject(self) -> str:
        """What the entry is about: its type and id, and its name, title or label when it has one."""
        row = self.after or self.before or {}
        name = next((row[k] for k in ("name", "title", "label", "key") if row.get(k)), None)
        what = f"{self.entity_type.replace('_', ' ')} {self.entity_id or ''}".strip()
        return f"{what}: {name}" if name else what

    @property
    def changes(self) -> str:
        """The change as lines of text: ``field: old → new`` (or the values created or deleted)."""
        return describe_change(self.before, self.after)


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_show(v) for v in value) or "(none)"
    if value is None or value == "":
        return "(empty)"
    return str(value)


def describe_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """Readable lines for the fields that differ between two snapshots of a row."""
    before, after = before or {}, after or {}
    lines = []
    for key in [*before, *(k for k in after if k not in before)]:
        if key in before and key in after:
            if before[key] != after[key]:
                lines.append(f"{key}: {_show(before[key])} → {_show(after[key])}")
        elif key in after:
            lines.append(f"{key}: {_show(after[key])}")
        else:
            lines.append(f"{key} was: {_show(before[key])}")
    return "\n".join(lines)


def _mentions(key: str, value: int) -> ColumnElement[bool]:
    """Entries whose row before or after the change holds ``key: value`` (ids are stored as integers)."""
    return or_(AuditEntry.before[key].as_integer() == value, AuditEntry.after[key].as_integer() == value)


def _memo_about(target_type: str, target_id: int) -> ColumnElement[bool]:
    return and_(
        AuditEntry.entity_type == "memo",
        or_(
            and_(
                AuditEntry.after["target_type"].as_string() == target_type,
                AuditEntry.after["target_id"].as_integer() == target_id,
            ),
            and_(
                AuditEntry.before["target_type"].as_string() == target_type,
                AuditEntry.before["target_id"].as_integer() == target_id,
            ),
        ),
    )


def _about_study(study_id: int) -> ColumnElement[bool]:
    documents = select(Document.id).where(Document.study_id == study_id)
    excerpts = select(Excerpt.id).join(Document).where(Document.study_id == study_id)
    return or_(
        and_(AuditEntry.entity_type == "study", AuditEntry.entity_id == study_id),
        and_(AuditEntry.entity_type == "document", AuditEntry.entity_id.in_(documents)),
        and_(AuditEntry.entity_type == "excerpt", AuditEntry.entity_id.in_(excerpts)),
        and_(
            AuditEntry.entity_type.in_(("coding", "excerpt")),
            or_(
                _mentions("study_id", study_id),
                AuditEntry.before["document_id"].as_integer().in_(documents),
                AuditEntry.after["document_id"].as_integer().in_(documents),
            ),
        ),
        _memo_about("study", study_id),
    )


def _about_code(code_id: int) -> ColumnElement[bool]:
    return or_(
        and_(AuditEntry.entity_type == "code", AuditEntry.entity_id == code_id),
        and_(AuditEntry.entity_type == "coding", _mentions("code_id", code_id)),
        and_(AuditEntry.entity_type == "code", _mentions("source_id", code_id)),
        _memo_about("code", code_id),
    )


def _blinded_work(session: Session, project_id: int, user_id: int) -> ColumnElement[bool]:
    """Others' codings, excerpts and excerpt memos of studies still coded blind for this user
    (services/visibility.py; memos as services/memos.py ``memos_visible`` hides them)."""
    hidden = blinded_study_ids(session, project_id, user_id)
    if not hidden:
        return false()
    documents = select(Document.id).where(Document.study_id.in_(sorted(hidden)))
    document = func.coalesce(
        AuditEntry.before["document_id"].as_integer(), AuditEntry.after["document_id"].as_integer(), -1
    )
    excerpts = select(Excerpt.id).join(Document, Excerpt.document_id == Document.id)
    memo_on = func.coalesce(
        AuditEntry.after["target_type"].as_string(), AuditEntry.before["target_type"].as_string()
    )
    memo_target = func.coalesce(
        AuditEntry.after["target_id"].as_integer(), AuditEntry.before["target_id"].as_integer(), -1
    )
    by_others = func.coalesce(AuditEntry.user_id, -1) != user_id
    return or_(
        and_(AuditEntry.entity_type.in_(("coding", "excerpt")), by_others, document.in_(documents)),
        and_(
            AuditEntry.entity_type == "memo", by_others, memo_on == "excerpt",
            memo_target.in_(excerpts.where(Document.study_id.in_(sorted(hidden)))),
        ),
    )  # fmt: skip


def audit_entries(
    store: Store,
    username: str,
    project_id: int,
    *,
    study_id: int | None = None,
    code_id: int | None = None,
    user: str | None = None,
    limit: int = 500,
) -> list[AuditRow]:
    """The project's audit entries, newest first: all, or those about a study (its documents, excerpts,
    codings and memos), about a code (its codings, merges and memos), or made by one person."""
    with store.transaction() as session:
        me = require(session, project_id, username, Action.VIEW_AUDIT)
        query = (
            select(AuditEntry, User.username)
            .outerjoin(User, AuditEntry.user_id == User.id)
            .where(AuditEntry.project_id == project_id, ~_blinded_work(session, project_id, me.id))
        )
        if study_id is not None:
            query = query.where(_about_study(study_id))
        if code_id is not None:
            query = query.where(_about_code(code_id))
        if user:
            query = query.where(User.username == user)
        rows = session.execute(query.order_by(AuditEntry.id.desc()).limit(limit))
        return [
            AuditRow(
                e.id,
                e.at,
                name or "(deleted user)",
                e.action.value,
                e.entity_type,
                e.entity_id,
                e.before,
                e.after,
            )
            for e, name in rows
        ]


def audit_people(store: Store, username: str, project_id: int) -> list[str]:
    """Everyone who has an entry in the project's audit log, by name (for the person filter)."""
    with store.transaction() as session:
        require(session, project_id, username, Action.VIEW_AUDIT)
        names = session.scalars(
            select(User.username)
            .join(AuditEntry, AuditEntry.user_id == User.id)
            .where(AuditEntry.project_id == project_id)
            .distinct()
            .order_by(User.username)
        )
        return list(names)
