"""Memos: reviewers' notes on the project, a study, a code, an excerpt or a configuration."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import Session

from workbench.domain.studies import short_citation
from workbench.services.access import Action, require, require_for_work
from workbench.services.errors import Conflict, Invalid, NotFound, check_version, stale_as_conflict
from workbench.services.visibility import CodingVisibility, visibility
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction, MemoTarget
from workbench.store.models import Code, Configuration, Document, Excerpt, Memo, Project, Study, User

MAX_TITLE = 300


@dataclass(frozen=True)
class MemoTargetOption:
    """Something a memo can be written about, with the label shown for it."""

    type: MemoTarget
    id: int | None
    label: str


@dataclass(frozen=True)
class MemoRow:
    """A memo with what it is about and who wrote it."""

    id: int
    target_type: MemoTarget
    target_id: int | None
    target_label: str
    title: str
    body: str
    author: str
    created_at: datetime
    updated_at: datetime
    version: int


def _study_label(authors: list[str], year: int | None, key: str) -> str:
    return f"{short_citation(authors, year)} ({key})"


def _labels(
    session: Session, project_id: int, wanted: Iterable[tuple[MemoTarget, int | None]]
) -> dict[Any, str]:
    """Labels of memo targets, by (type, id); a target that no longer exists is not in the result."""
    ids: dict[MemoTarget, set[int]] = {}
    for kind, target_id in wanted:
        if target_id is not None:
            ids.setdefault(kind, set()).add(target_id)
    project = session.get_one(Project, project_id)
    out: dict[Any, str] = {(MemoTarget.PROJECT, None): f"Project: {project.name}"}
    # columns, not ORM rows: a 200-study project has thousands of targets, read on every run of the page;
    # and no query for a kind of target no memo is about
    studies = (Study.authors, Study.year, Study.key)
    if wanted_studies := ids.get(MemoTarget.STUDY):
        for study_id, authors, year, key in session.execute(
            select(Study.id, *studies).where(Study.id.in_(wanted_studies))
        ):
            out[(MemoTarget.STUDY, study_id)] = f"Study: {_study_label(authors, year, key)}"
    if wanted_codes := ids.get(MemoTarget.CODE):
        for code in session.execute(select(Code.id, Code.name, Code.kind).where(Code.id.in_(wanted_codes))):
            out[(MemoTarget.CODE, code.id)] = f"Code: {code.name} ({code.kind.value})"
    if wanted_configurations := ids.get(MemoTarget.CONFIGURATION):
        for config_id, label, statement in session.execute(
            select(Configuration.id, Configuration.label, func.substr(Configuration.statement, 1, 80)).where(
                Configuration.id.in_(wanted_configurations)
            )
        ):
            out[(MemoTarget.CONFIGURATION, config_id)] = f"Configuration {label}: {statement}"
    if wanted_excerpts := ids.get(MemoTarget.EXCERPT):
        excerpts = session.execute(
            select(Excerpt.id, func.substr(Excerpt.text, 1, 80), *studies)
            .join(Document, Excerpt.document_id == Document.id)
            .join(Study, Document.study_id == Study.id)
            .where(Excerpt.id.in_(wanted_excerpts))
        )
        for excerpt_id, text, authors, year, key in excerpts:
            out[(MemoTarget.EXCERPT, excerpt_id)] = f"Excerpt in {_study_label(authors, year, key)}: “{text}”"
    return out


def memo_targets(store: Store, username: str, project_id: int) -> list[MemoTargetOption]:
    """The project, its studies, codes and configurations, as things a memo can be about."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_STUDIES)
        wanted: list[tuple[MemoTarget, int | None]] = [(MemoTarget.PROJECT, None)]
        for kind, ids in (
            (MemoTarget.STUDY, select(Study.id).where(Study.project_id == project_id)),
            (MemoTarget.CODE, select(Code.id).where(Code.project_id == project_id)),
            (
                MemoTarget.CONFIGURATION,
                select(Configuration.id).where(Configuration.project_id == project_id),
            ),
        ):
            wanted += [(kind, target_id) for target_id in session.scalars(ids)]
        labels = _labels(session, project_id, wanted)
        options = [MemoTargetOption(kind, target_id, labels[(kind, target_id)]) for kind, target_id in wanted]
        return sorted(options, key=lambda o: (list(MemoTarget).index(o.type), o.label.casefold()))


def _target_project(session: Session, kind: MemoTarget, target_id: int | None) -> int | None:
    """The project a memo target belongs to (None when it does not exist)."""
    queries = {
        MemoTarget.STUDY: select(Study.project_id).where(Study.id == target_id),
        MemoTarget.CODE: select(Code.project_id).where(Code.id == target_id),
        MemoTarget.CONFIGURATION: select(Configuration.project_id).where(Configuration.id == target_id),
        MemoTarget.EXCERPT: select(Study.project_id)
        .join(Document, Document.study_id == Study.id)
        .join(Excerpt, Excerpt.document_id == Document.id)
        .where(Excerpt.id == target_id),
    }
    return session.scalar(queries[kind]) if kind in queries and target_id is not None else None


def _check(title: str, body: str) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    if not body:
        raise Invalid("write something in the memo")
    if len(title) > MAX_TITLE:
        raise Invalid(f"a memo title has at most {MAX_TITLE} characters")
    return title, body


def memo_audit(memo: Memo) -> dict[str, Any]:
    """A memo's fields for the audit log (every change to a memo, from any service, records these)."""
    return {
        "target_type": memo.target_type.value,
        "target_id": memo.target_id,
        "title": memo.title,
        "body": memo.body,
    }


def _record(session: Session, memo: Memo, user: User, action: AuditAction, **change: dict[str, Any]) -> None:
    record(
        session, action=action, entity_type="memo", entity_id=memo.id, user_id=user.id,
        project_id=memo.project_id, **change,
    )  # fmt: skip


def create_memo(
    store: Store,
    username: str,
    project_id: int,
    target_type: MemoTarget,
    target_id: int | None,
    body: str,
    *,
    title: str = "",
) -> int:
    """Write a memo about the project (no target id) or one of its studies, codes, excerpts or
    configurations; returns its id."""
    title, body = _check(title, body)
    if target_type is MemoTarget.PROJECT:
        target_id = None
    elif target_id is None:
        raise Invalid(f"choose the {target_type.value} the memo is about")
    with store.transaction() as session:
        user = require(session, project_id, username, Action.WRITE_MEMOS)
        if (
            target_type is not MemoTarget.PROJECT
            and _target_project(session, target_type, target_id) != project_id
        ):
            raise NotFound(f"{target_type.value} {target_id} is not in this project")
        memo = Memo(
            project_id=project_id, author_id=user.id, target_type=target_type, target_id=target_id,
            title=title, body=body,
        )  # fmt: skip
        session.add(memo)
        session.flush()
        _record(session, memo, user, AuditAction.CREATE, after=memo_audit(memo))
        return memo.id


def _memo(session: Session, memo_id: int, username: str, expected_version: int | None) -> tuple[Memo, User]:
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise NotFound(f"memo {memo_id} does not exist")
    user = require_for_work(session, memo.project_id, username, Action.WRITE_MEMOS, [memo.author_id])
    check_version(memo.version_id, expected_version, f"memo {memo.title or memo_id!r}")
    return memo, user


def update_memo(
    store: Store,
    username: str,
    memo_id: int,
    *,
    expected_version: int,
    title: str | None = None,
    body: str | None = None,
) -> None:
    """Change a memo's title or text, if nobody changed it since ``expected_version``."""
    with stale_as_conflict("the memo"), store.transaction() as session:
        memo, user = _memo(session, memo_id, username, expected_version)
        before = memo_audit(memo)
        memo.title, memo.body = _check(
            memo.title if title is None else title, memo.body if body is None else body
        )
        session.flush()
        _record(session, memo, user, AuditAction.UPDATE, before=before, after=memo_audit(memo))


@dataclass(frozen=True)
class DeletedMemo:
    """What :func:`delete_memo` took out, for :func:`restore_memo` to put back as it was."""

    id: int
    project_id: int
    author_id: int | None
    target_type: MemoTarget
    target_id: int | None
    title: str
    body: str
    created_at: datetime
    updated_at: datetime


def delete_memo(
    store: Store, username: str, memo_id: int, *, expected_version: int | None = None
) -> DeletedMemo:
    """Delete a memo (its text stays in the audit log); returns what Undo needs to put it back."""
    with store.transaction() as session:
        memo, user = _memo(session, memo_id, username, expected_version)
        _record(session, memo, user, AuditAction.DELETE, before=memo_audit(memo))
        snapshot = DeletedMemo(
            memo.id, memo.project_id, memo.author_id, memo.target_type, memo.target_id, memo.title,
            memo.body, memo.created_at, memo.updated_at,
        )  # fmt: skip
        session.delete(memo)
        return snapshot


def restore_memo(store: Store, username: str, deleted: DeletedMemo) -> int:
    """Undo :func:`delete_memo`: the memo back under its id, author and dates, if what it was about is
    still in the project; returns its id."""
    with store.transaction() as session:
        authors = [deleted.author_id] if deleted.author_id is not None else []
        user = require_for_work(session, deleted.project_id, username, Action.WRITE_MEMOS, authors)
        if session.get(Memo, deleted.id) is not None:
            raise Conflict("that memo is already back")
        if (
            deleted.target_type is not MemoTarget.PROJECT
            and _target_project(session, deleted.target_type, deleted.target_id) != deleted.project_id
        ):
            raise NotFound(f"the {deleted.target_type.value} the memo was about is no longer in this project")
        memo = Memo(
            id=deleted.id, project_id=deleted.project_id, author_id=deleted.author_id,
            target_type=deleted.target_type, target_id=deleted.target_id, title=deleted.title,
            body=deleted.body, created_at=deleted.created_at, updated_at=deleted.updated_at,
        )  # fmt: skip
        session.add(memo)
        session.flush()
        _record(session, memo, user, AuditAction.CREATE, after=memo_audit(memo))
        return memo.id


def memos_visible(viewer: CodingVisibility) -> ColumnElement[bool]:
    """A condition on ``Memo`` rows: true for the memos the viewer may read (services/visibility.py).

    The one rule: a memo the viewer wrote is always theirs to see; a memo about the project, a study,
    a code or a configuration is everyone's; another member's memo on an excerpt of a study still
    coded blind for the viewer is hidden, even when the viewer coded that excerpt too (excerpts are
    shared by span, but the note is the other reviewer's blind work). It shows once the study is
    released, and always to those who see blind codings (the owner).
    """
    if not viewer.blinded:
        return true()
    blinded_excerpts = select(Excerpt.id).join(Document, Excerpt.document_id == Document.id)
    blinded_excerpts = blinded_excerpts.where(Document.study_id.in_(sorted(viewer.blinded)))
    own = Memo.author_id == viewer.user_id if viewer.user_id is not None else false()
    return or_(own, Memo.target_type != MemoTarget.EXCERPT, Memo.target_id.not_in(blinded_excerpts))


def list_memos(
    store: Store,
    username: str,
    project_id: int,
    *,
    target_type: MemoTarget | None = None,
    target_id: int | None = None,
    search: str = "",
) -> list[MemoRow]:
    """The project's memos the user may read (:func:`memos_visible`), most recently changed first: all,
    those of one kind of target (or one target), and those whose title or text contains ``search``
    (ignoring case)."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.READ_STUDIES)
        viewer = visibility(session, project_id, user.id)
        query = select(Memo, User.username).outerjoin(User, Memo.author_id == User.id)
        query = query.where(Memo.project_id == project_id, memos_visible(viewer))
        if target_type is not None:
            query = query.where(Memo.target_type == target_type)
            if target_id is not None:
                query = query.where(Memo.target_id == target_id)
        found = list(session.execute(query.order_by(Memo.updated_at.desc(), Memo.id.desc())))
        labels = _labels(session, project_id, [(m.target_type, m.target_id) for m, _name in found])
    needle = search.strip().casefold()
    # matched in Python, not SQL: casefold treats every script alike, on SQLite as on PostgreSQL
    return [
        _row(m, name, labels)
        for m, name in found
        if needle in m.title.casefold() or needle in m.body.casefold()
    ]


def _row(memo: Memo, author: str | None, labels: dict[Any, str]) -> MemoRow:
    key = (memo.target_type, memo.target_id)
    label = labels.get(key, f"{memo.target_type.value} {memo.target_id} (deleted)")
    return MemoRow(
        memo.id, memo.target_type, memo.target_id, label, memo.title, memo.body, author or "(deleted user)",
        memo.created_at, memo.updated_at, memo.version_id,
    )  # fmt: skip
