"""Stakeholder consultations: set one up, and let members rate and comment on configurations in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from workbench.services.access import Action, require
from workbench.services.errors import Invalid, NotFound
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import (
    Configuration,
    ConfigurationRating,
    ConsultationParticipant,
    ConsultationSession,
)


@dataclass(frozen=True)
class Rating:
    """A member's rating (1-5, or none: a comment only) of a configuration in a consultation."""

    session_id: int
    configuration_id: int
    rater: str
    rating: int | None
    comment: str


def create_session(
    store: Store, username: str, project_id: int, title: str, held_on: date | None = None
) -> int:
    """Set up a consultation of the project; returns its id."""
    title = title.strip()
    if not title:
        raise Invalid("a consultation needs a title")
    with store.transaction() as session:
        user = require(session, project_id, username, Action.RUN_CONSULTATIONS)
        consultation = ConsultationSession(project_id=project_id, title=title, held_on=held_on)
        session.add(consultation)
        session.flush()
        record(
            session, action=AuditAction.CREATE, entity_type="consultation", entity_id=consultation.id,
            user_id=user.id, project_id=project_id,
            after={"title": title, "held_on": held_on.isoformat() if held_on else None},
        )  # fmt: skip
        return consultation.id


def rate(
    store: Store,
    username: str,
    session_id: int,
    configuration_id: int,
    rating: int | None,
    comment: str = "",
) -> Rating:
    """Rate a configuration in a consultation (again: the new rating replaces the member's earlier one);
    the member takes part in the consultation from their first rating."""
    if rating is not None and not 1 <= rating <= 5:
        raise Invalid("a rating is from 1 to 5")
    comment = comment.strip()
    if rating is None and not comment:
        raise Invalid("give a rating or a comment")
    with store.transaction() as session:
        consultation = session.get(ConsultationSession, session_id)
        if consultation is None:
            raise NotFound(f"consultation {session_id} does not exist")
        user = require(session, consultation.project_id, username, Action.RATE_CONFIGURATIONS)
        config = session.get(Configuration, configuration_id)
        if config is None or config.project_id != consultation.project_id:
            raise NotFound(f"configuration {configuration_id} is not in this project")
        participant = session.scalar(
            select(ConsultationParticipant).where(
                ConsultationParticipant.session_id == session_id, ConsultationParticipant.user_id == user.id
            )
        )
        if participant is None:
            participant = ConsultationParticipant(
                session_id=session_id, user_id=user.id, name=user.display_name or user.username
            )
            session.add(participant)
            session.flush()
        row = session.scalar(
            select(ConfigurationRating).where(
                ConfigurationRating.participant_id == participant.id,
                ConfigurationRating.configuration_id == configuration_id,
            )
        )
        before = {"rating": row.rating, "comment": row.comment} if row else None
        if row is None:
            row = ConfigurationRating(participant_id=participant.id, configuration_id=configuration_id)
            session.add(row)
        row.rating, row.comment = rating, comment
        session.flush()
        record(
            session, action=AuditAction.UPDATE if before else AuditAction.CREATE,
            entity_type="configuration_rating", entity_id=row.id, user_id=user.id,
            project_id=consultation.project_id, before=before,
            after={"configuration": config.label, "rating": rating, "comment": comment},
        )  # fmt: skip
        return Rating(session_id, configuration_id, user.username, rating, comment)
