"""Consultations listed for the facilitator's page, their participants, and a participant's own name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from workbench.services.access import Action, require
from workbench.services.consultation_answers import _invited, aware, consultation
from workbench.services.errors import Invalid
from workbench.store.audit import record
from workbench.store.consultation_models import ConsultationCard, ConsultationParticipant, ConsultationSession
from workbench.store.db import Store
from workbench.store.enums import AuditAction

MAX_NAME = 200


@dataclass(frozen=True)
class SessionRow:
    """A consultation of the project, as the facilitator's list shows it."""

    id: int
    title: str
    held_on: date | None
    purpose: str
    mode: str
    cards: int
    shown_card_id: int | None


@dataclass(frozen=True)
class ParticipantRow:
    """An invited (or signed-in) participant: never their token, which is shown once on invitation."""

    id: int
    pseudonym: str
    name: str
    perspective: str
    expires_at: datetime | None
    revoked: bool
    member: bool


def list_sessions(store: Store, username: str, project_id: int) -> list[SessionRow]:
    """The project's consultations, newest first."""
    with store.transaction() as session:
        require(session, project_id, username, Action.RUN_CONSULTATIONS)
        counts = (
            select(ConsultationCard.session_id, func.count().label("n"))
            .group_by(ConsultationCard.session_id)
            .subquery()
        )
        rows = session.execute(
            select(ConsultationSession, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.session_id == ConsultationSession.id)
            .where(ConsultationSession.project_id == project_id)
            .order_by(ConsultationSession.id.desc())
        ).all()
        return [
            SessionRow(s.id, s.title, s.held_on, s.purpose, str(s.mode.value), int(n), s.shown_card_id)
            for s, n in rows
        ]


def participants(store: Store, username: str, session_id: int) -> list[ParticipantRow]:
    """Who was invited to (or joined) the consultation, in the order they were invited."""
    with store.transaction() as session:
        found = consultation(session, session_id)
        require(session, found.project_id, username, Action.RUN_CONSULTATIONS)
        rows = session.scalars(
            select(ConsultationParticipant)
            .where(ConsultationParticipant.session_id == session_id)
            .order_by(ConsultationParticipant.id)
        )
        return [
            ParticipantRow(
                p.id,
                p.pseudonym,
                p.name,
                p.perspective,
                aware(p.expires_at),
                p.revoked_at is not None,
                p.user_id is not None,
            )
            for p in rows
        ]


def name_myself(store: Store, token: str, name: str) -> str:
    """A participant gives (or clears) the name the team sees beside their pseudonym; returns it."""
    name = name.strip()
    if len(name) > MAX_NAME:
        raise Invalid(f"please keep your name under {MAX_NAME} characters")
    with store.transaction() as session:
        participant, found = _invited(session, token)
        before, participant.name = participant.name, name
        record(
            session, action=AuditAction.UPDATE, entity_type="consultation_participant",
            entity_id=participant.id, user_id=None, project_id=found.project_id,
            before={"name": before}, after={"name": name},
        )  # fmt: skip
        return name
