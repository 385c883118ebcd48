"""The one SQL filter of blind double coding: which codings a member may read (domain/blinding.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from workbench.domain.blinding import StudyBlinding, sees_others
from workbench.services.access import Action, may
from workbench.store import queries
from workbench.store.models import Coding, Document, Excerpt, Project, Study, StudyAssignment


def blinded_study_ids(session: Session, project_id: int, user_id: int | None) -> set[int]:
    """The project's studies whose other people's codings ``user_id`` may not see (``None``: a viewer
    with no assignment and no right to see blind codings, i.e. what every member may see)."""
    # one query for a project not coded blind (or with every study released): nothing is hidden
    unreleased = list(
        session.scalars(
            select(Study.id)
            .join(Project, Project.id == Study.project_id)
            .where(Project.id == project_id, Project.blind_coding.is_(True), Study.released_at.is_(None))
        )
    )
    if not unreleased:
        return set()
    member = queries.membership(session, project_id, user_id) if user_id is not None else None
    sees_blind = member is not None and may(member.role, Action.VIEW_BLIND_CODINGS)
    assigned = (
        set(
            session.scalars(
                select(StudyAssignment.study_id).where(
                    StudyAssignment.project_id == project_id, StudyAssignment.user_id == user_id
                )
            )
        )
        if user_id is not None
        else set()
    )
    return {
        study_id
        for study_id in unreleased
        if not sees_others(StudyBlinding(True, False, study_id in assigned, sees_blind))
    }


@dataclass(frozen=True)
class CodingVisibility:
    """The codings of a project one viewer may read: as a SQL condition and as a test on one coding."""

    user_id: int | None
    blinded: frozenset[int]  # studies whose other people's codings the viewer may not see

    @property
    def clause(self) -> ColumnElement[bool]:
        """A condition on ``Coding`` rows: true for the codings the viewer may read."""
        if not self.blinded:
            return true()
        blinded = Coding.excerpt_id.in_(
            select(Excerpt.id)
            .join(Document, Excerpt.document_id == Document.id)
            .where(Document.study_id.in_(sorted(self.blinded)))
        )
        own = Coding.coder_id == self.user_id if self.user_id is not None else false()
        return or_(own, ~blinded)

    def admits(self, study_id: int, coder_id: int) -> bool:
        """Whether the viewer may read a coding of this study by this coder (rows already loaded)."""
        return coder_id == self.user_id or study_id not in self.blinded


def visibility(session: Session, project_id: int, user_id: int | None) -> CodingVisibility:
    """What ``user_id`` may read of the project's codings (the caller has checked access)."""
    return CodingVisibility(user_id, frozenset(blinded_study_ids(session, project_id, user_id)))


def codings_visible_to(session: Session, project_id: int, user_id: int | None) -> ColumnElement[bool]:
    """A condition on ``Coding`` rows: true for the codings of the project ``user_id`` may read.

    Every read of codings adds it; writes (deleting or merging codes) act on all codings.
    """
    return visibility(session, project_id, user_id).clause


def shared_codings(session: Session, project_id: int) -> ColumnElement[bool]:
    """A condition on ``Coding`` rows: the codings every member may read (a project's suggestion model
    is shared, so it trains only on these: no unreleased blind study leaks through it)."""
    return codings_visible_to(session, project_id, None)


def visibility_of_name(session: Session, project_id: int, username: str) -> CodingVisibility:
    """:func:`visibility` for a user named by login (the caller has checked access)."""
    user = queries.user_by_name(session, username)
    return visibility(session, project_id, user.id if user else None)


def codings_visible_to_name(session: Session, project_id: int, username: str) -> ColumnElement[bool]:
    """:func:`codings_visible_to` for a user named by login (the caller has checked access)."""
    return visibility_of_name(session, project_id, username).clause
