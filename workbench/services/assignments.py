"""Assignments and blind double coding: who codes which study, their progress, done, release."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.domain.blinding import Progress, all_done, balanced, progress
from workbench.domain.studies import short_citation
from workbench.services import project_settings
from workbench.services.access import Action, allowed_actions, may, member_role, require, require_role
from workbench.services.errors import Conflict, Invalid, NotFound
from workbench.services.visibility import blinded_study_ids
from workbench.store import queries
from workbench.store.audit import record
from workbench.store.base import utcnow
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import (
    Adjudication,
    Coding,
    Document,
    Excerpt,
    Membership,
    Project,
    Study,
    StudyAssignment,
    User,
)

MAX_REVIEWERS = 2  # "one or two reviewers per study"


@dataclass(frozen=True)
class QueueItem:
    """One study in a reviewer's "My studies" queue."""

    study_id: int
    key: str
    title: str
    status: Progress
    own_codings: int
    released: bool


@dataclass(frozen=True)
class ProgressGrid:
    """Reviewer x study progress, ``cells[(reviewer, study_key)]``; unassigned studies are absent."""

    reviewers: tuple[str, ...]
    studies: tuple[tuple[int, str, bool], ...]  # (study id, key, released)
    cells: dict[tuple[str, str], Progress]

    def counts(self, reviewer: str) -> dict[Progress, int]:
        """How many of the reviewer's studies are in each state."""
        out = dict.fromkeys(Progress, 0)
        for (who, _), state in self.cells.items():
            if who == reviewer:
                out[state] += 1
        return out


@dataclass(frozen=True)
class BlindState:
    """What the Coding page tells the acting user about a study's blind coding."""

    blind: bool  # the user sees only their own codings of this study until it is released
    assigned: bool
    done: bool
    released: bool


def _study(session: Session, study_id: int) -> Study:
    study = session.get(Study, study_id)
    if study is None:
        raise NotFound(f"study {study_id} does not exist")
    return study


def _assignments(session: Session, study_id: int) -> list[StudyAssignment]:
    query = select(StudyAssignment).where(StudyAssignment.study_id == study_id).order_by(StudyAssignment.id)
    return list(session.scalars(query))


def _snapshot(session: Session, study: Study) -> dict[str, Any]:
    """The study's assignment state as the audit log keeps it."""
    rows = _assignments(session, study.id)
    names = {
        u.id: u.username for u in session.scalars(select(User).where(User.id.in_([a.user_id for a in rows])))
    }
    return {
        "key": study.key,
        "assignees": [names[a.user_id] for a in rows],
        "done": [names[a.user_id] for a in rows if a.done_at is not None],
        "released": study.released_at is not None,
    }


def _audited(session: Session, study: Study, user: User, before: dict[str, Any]) -> None:
    session.flush()
    after = _snapshot(session, study)
    if after != before:
        study.updated_at = utcnow()  # a new study version: pages showing its codings read them again
        session.flush()
        record(
            session, action=AuditAction.UPDATE, entity_type="study", entity_id=study.id, user_id=user.id,
            project_id=study.project_id, before=before, after=after,
        )  # fmt: skip


def _coder(session: Session, project_id: int, login: str) -> User:
    """A member who may code, by login."""
    _, role = member_role(session, project_id, login)
    if not may(role, Action.CODE):
        raise Invalid(f"{login} is a {role.value} here and cannot be assigned studies to code")
    user = queries.user_by_name(session, login)
    assert user is not None  # member_role found them
    return user


def blind_coding(store: Store, username: str, project_id: int) -> bool:
    """Whether the project codes blind (each assignee sees only their own codings until release)."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_STUDIES)
        project = session.get(Project, project_id)
        return bool(project and project.blind_coding)


def set_blind_coding(store: Store, username: str, project_id: int, on: bool) -> bool:
    """Switch blind double coding on or off; returns whether the setting changed."""
    return project_settings.set_setting(store, username, project_id, "blind_coding", on)


def _assign(session: Session, user: User, study: Study, logins: list[str]) -> list[str]:
    coders = [_coder(session, study.project_id, login) for login in dict.fromkeys(logins)]
    have = {a.user_id for a in _assignments(session, study.id)}
    new = [c for c in coders if c.id not in have]
    if len(have) + len(new) > MAX_REVIEWERS:
        raise Invalid(
            f"study {study.key!r} would have {len(have) + len(new)} reviewers; at most {MAX_REVIEWERS}"
        )
    for coder in new:
        session.add(StudyAssignment(project_id=study.project_id, study_id=study.id, user_id=coder.id,
                                    assigned_by_id=user.id))  # fmt: skip
    return [c.username for c in new]


def assign(store: Store, username: str, project_id: int, study_id: int, logins: list[str]) -> list[str]:
    """Assign a study to one or two reviewers (members who may code); returns the newly assigned."""
    if not 1 <= len(set(logins)) <= MAX_REVIEWERS:
        raise Invalid(f"assign a study to 1 to {MAX_REVIEWERS} reviewers, not {len(set(logins))}")
    with store.transaction() as session:
        user = require(session, project_id, username, Action.ASSIGN_STUDIES)
        study = _study(session, study_id)
        if study.project_id != project_id:
            raise NotFound(f"study {study_id} is not in this project")
        before = _snapshot(session, study)
        added = _assign(session, user, study, logins)
        _audited(session, study, user, before)
        return added


def unassign(store: Store, username: str, project_id: int, study_id: int, login: str) -> bool:
    """Take a study back from a reviewer (their codings stay); returns whether they were assigned."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.ASSIGN_STUDIES)
        study = _study(session, study_id)
        coder = queries.user_by_name(session, login)
        row = next((a for a in _assignments(session, study.id) if coder and a.user_id == coder.id), None)
        if study.project_id != project_id or row is None:
            return False
        before = _snapshot(session, study)
        session.delete(row)
        _audited(session, study, user, before)
        return True


def assign_balanced(
    store: Store, username: str, project_id: int, logins: list[str], per_study: int = 2
) -> dict[str, list[str]]:
    """Every study to ``per_study`` reviewers, each reviewer as equal a share as possible (deterministic:
    studies by key, ties by the order of ``logins``); keeps existing assignments. Returns new ones by key."""
    reviewers = list(dict.fromkeys(logins))
    if not 1 <= per_study <= min(MAX_REVIEWERS, len(reviewers)):
        raise Invalid(f"{per_study} reviewers per study needs 1 to {MAX_REVIEWERS}, and that many reviewers")
    with store.transaction() as session:
        user = require(session, project_id, username, Action.ASSIGN_STUDIES)
        for login in reviewers:
            _coder(session, project_id, login)
        studies = list(
            session.scalars(select(Study).where(Study.project_id == project_id).order_by(Study.key))
        )
        existing: dict[int, set[str]] = {}
        rows = session.execute(
            select(StudyAssignment.study_id, User.username)
            .join(User, User.id == StudyAssignment.user_id)
            .where(StudyAssignment.project_id == project_id)
        )
        for study_id, login in rows:
            existing.setdefault(study_id, set()).add(login)
        plan = balanced([s.id for s in studies], reviewers, per_study, existing)
        out: dict[str, list[str]] = {}
        for study in studies:
            if study.id in plan:
                before = _snapshot(session, study)
                out[study.key] = _assign(session, user, study, plan[study.id])
                _audited(session, study, user, before)
        return out


def _mine(session: Session, study: Study, user: User) -> StudyAssignment:
    row = next((a for a in _assignments(session, study.id) if a.user_id == user.id), None)
    if row is None:
        raise Invalid(f"study {study.key!r} is not assigned to {user.username}")
    return row


def mark_done(store: Store, username: str, study_id: int) -> bool:
    """The assignee marks their coding of the study done; when every assignee has, the study is released
    in the same transaction. Returns whether the study is now released."""
    with store.transaction() as session:
        study = _study(session, study_id)
        user = require(session, study.project_id, username, Action.CODE)
        row = _mine(session, study, user)
        if row.done_at is None:
            before = _snapshot(session, study)
            row.done_at = utcnow()
            session.flush()
            if study.released_at is None and all_done(
                [a.done_at is not None for a in _assignments(session, study.id)]
            ):
                study.released_at, study.released_by_id = utcnow(), None
            _audited(session, study, user, before)
        return study.released_at is not None


def reopen(store: Store, username: str, study_id: int) -> None:
    """The assignee takes up the study again (a study already released stays released)."""
    with store.transaction() as session:
        study = _study(session, study_id)
        user = require(session, study.project_id, username, Action.CODE)
        row = _mine(session, study, user)
        if row.done_at is not None:
            before = _snapshot(session, study)
            row.done_at = None
            _audited(session, study, user, before)


def release(store: Store, username: str, study_id: int) -> bool:
    """The owner opens the comparison of a study now; returns whether it was still blind."""
    with store.transaction() as session:
        study = _study(session, study_id)
        user = require(session, study.project_id, username, Action.RELEASE_STUDIES)
        if study.released_at is not None:
            return False
        before = _snapshot(session, study)
        study.released_at, study.released_by_id = utcnow(), user.id
        _audited(session, study, user, before)
        return True


def reblind(store: Store, username: str, study_id: int) -> None:
    """The owner closes the comparison again, as long as nobody has adjudicated the study."""
    with store.transaction() as session:
        study = _study(session, study_id)
        user = require(session, study.project_id, username, Action.RELEASE_STUDIES)
        documents = select(Document.id).where(Document.study_id == study.id)
        if session.scalar(select(func.count(Adjudication.id)).where(Adjudication.document_id.in_(documents))):
            raise Conflict(
                f"study {study.key!r} has adjudicated disagreements; it cannot be coded blind again"
            )
        if study.released_at is not None:
            before = _snapshot(session, study)
            study.released_at, study.released_by_id = None, None
            _audited(session, study, user, before)


def _own_counts(session: Session, project_id: int) -> dict[tuple[int, int], int]:
    """Codings per (study, coder) in the project."""
    rows = session.execute(
        select(Document.study_id, Coding.coder_id, func.count(Coding.id))
        .join(Excerpt, Coding.excerpt_id == Excerpt.id)
        .join(Document, Excerpt.document_id == Document.id)
        .join(Study, Study.id == Document.study_id)
        .where(Study.project_id == project_id)
        .group_by(Document.study_id, Coding.coder_id)
    )
    return {(study_id, coder_id): int(n) for study_id, coder_id, n in rows}


def my_studies(store: Store, username: str, project_id: int) -> list[QueueItem]:
    """The acting reviewer's queue: the studies assigned to them, by key, with their status."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.READ_STUDIES)
        rows = session.execute(
            select(Study, StudyAssignment.done_at)
            .join(StudyAssignment, StudyAssignment.study_id == Study.id)
            .where(StudyAssignment.project_id == project_id, StudyAssignment.user_id == user.id)
            .order_by(Study.key)
        ).all()
        counts = _own_counts(session, project_id)
        return [
            QueueItem(
                s.id,
                s.key,
                s.title,
                progress(done is not None, counts.get((s.id, user.id), 0)),
                counts.get((s.id, user.id), 0),
                s.released_at is not None,
            )
            for s, done in rows
        ]


def _grid(session: Session, project_id: int) -> ProgressGrid:
    rows = session.execute(
        select(Study.id, Study.key, Study.released_at, User.id, User.username, StudyAssignment.done_at)
        .join(StudyAssignment, StudyAssignment.study_id == Study.id)
        .join(User, User.id == StudyAssignment.user_id)
        .where(Study.project_id == project_id)
        .order_by(Study.key, User.username)
    ).all()
    counts = _own_counts(session, project_id)
    studies: dict[int, tuple[int, str, bool]] = {}
    cells: dict[tuple[str, str], Progress] = {}
    for study_id, key, released_at, user_id, login, done_at in rows:
        studies[study_id] = (study_id, key, released_at is not None)
        cells[(login, key)] = progress(done_at is not None, counts.get((study_id, user_id), 0))
    reviewers = tuple(sorted({login for login, _ in cells}))
    return ProgressGrid(reviewers, tuple(studies.values()), cells)


def progress_grid(store: Store, username: str, project_id: int) -> ProgressGrid:
    """Reviewer x study: not started / in progress (one own coding or more) / done."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_STUDIES)
        return _grid(session, project_id)


@dataclass(frozen=True)
class AssignmentsPage:
    """What the Assignments page shows the acting user, read in one transaction."""

    owner: bool  # may assign, release and switch blind coding
    blind: bool
    grid: ProgressGrid
    reviewers: list[str]  # the assign pickers' choices (empty unless ``owner``)
    studies: dict[int, str]  # study id -> "key — citation", by key (empty unless ``owner``)

    def assignees(self, study_id: int | None) -> list[str]:
        """The reviewers the study is assigned to now."""
        key = next((k for sid, k, _ in self.grid.studies if sid == study_id), None)
        return [who for who in self.grid.reviewers if (who, key) in self.grid.cells]


def assignments_page(store: Store, username: str, project_id: int) -> AssignmentsPage:
    """The Assignments page's reads (blind coding, progress grid, and for owners the pickers' choices)
    in one transaction, with one access check: a handful of statements per rerun, not one per part."""
    with store.transaction() as session:
        _, role = require_role(session, project_id, username, Action.READ_STUDIES)
        project = session.get(Project, project_id)  # in the session already: the access check read it
        owner = may(role, Action.ASSIGN_STUDIES)
        reviewers = _assignable(session, project_id) if owner else []
        studies = (
            {
                study_id: f"{key} — {short_citation(authors, year)}"
                for study_id, key, authors, year in session.execute(
                    select(Study.id, Study.key, Study.authors, Study.year)
                    .where(Study.project_id == project_id)
                    .order_by(Study.key)
                )
            }
            if owner
            else {}
        )
        return AssignmentsPage(
            owner, bool(project and project.blind_coding), _grid(session, project_id), reviewers, studies
        )


def blind_state(store: Store, username: str, study_id: int) -> BlindState:
    """Whether the acting user sees only their own codings of the study, and their assignment."""
    with store.transaction() as session:
        study = _study(session, study_id)
        user = require(session, study.project_id, username, Action.READ_STUDIES)
        row = next((a for a in _assignments(session, study.id) if a.user_id == user.id), None)
        blind = study.id in blinded_study_ids(session, study.project_id, user.id)
        return BlindState(blind, row is not None, row is not None and row.done_at is not None,
                          study.released_at is not None)  # fmt: skip


def may_assign(store: Store, username: str, project_id: int) -> bool:
    """Whether the acting user may assign, release and switch blind coding (the page shows those)."""
    with store.transaction() as session:
        return Action.ASSIGN_STUDIES in allowed_actions(session, project_id, username)


def study_id_by_key(store: Store, username: str, project_id: int, key: str) -> int:
    """A study of the project by its key (the CLI names studies so)."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_STUDIES)
        found = session.scalar(select(Study.id).where(Study.project_id == project_id, Study.key == key))
        if found is None:
            raise NotFound(f"no study with key {key!r} in this project")
        return int(found)


def _assignable(session: Session, project_id: int) -> list[str]:
    rows = session.execute(
        select(User.username, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project_id, User.active.is_(True))
        .order_by(User.username)
    )
    return [login for login, role in rows if may(role, Action.CODE) and login != queries.CONSENSUS_USERNAME]


def assignable_reviewers(store: Store, username: str, project_id: int) -> list[str]:
    """The logins of the project's active members who may code, by login (the assign pickers' choices)."""
    with store.transaction() as session:
        require(session, project_id, username, Action.ASSIGN_STUDIES)
        return _assignable(session, project_id)
