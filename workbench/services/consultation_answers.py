"""Stakeholder consultations, the participants' side: join by invitation link or as a signed-in member,
read that consultation's cards (and nothing else of the project) and answer them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.domain.configurations import ElementRole
from workbench.domain.consultations import ConsultationMode
from workbench.services.access import Action, require
from workbench.services.auth_tokens import digest
from workbench.services.errors import Invalid, NotFound, PermissionDenied
from workbench.store.audit import record
from workbench.store.consultation_models import (
    ConfigurationRating,
    ConsultationCard,
    ConsultationParticipant,
    ConsultationSession,
)
from workbench.store.db import Store
from workbench.store.enums import AuditAction

MAX_COMMENT = 5000  # characters: anyone holding a link may write here


class InvitationRefused(PermissionDenied):
    """An invitation link that opens nothing: unknown, withdrawn or expired."""


class ConsultationNotOpen(Invalid):
    """The consultation has not opened yet, or has closed."""


@dataclass(frozen=True)
class Card:
    """A configuration as participants read it, in plain words (editable by the facilitator)."""

    id: int
    configuration_id: int
    position: int
    statement: str
    context: str
    mechanism: str
    outcome: str
    example_quote: str
    show_figure: bool = False  # participants also see the infographic of the configuration's context


@dataclass(frozen=True)
class Rating:
    """A member's rating (1-5, or none: a comment only) of a configuration in a consultation."""

    session_id: int
    configuration_id: int
    rater: str
    rating: int | None
    comment: str


def now() -> datetime:
    """The current time in UTC (invitations, open periods and answers are stamped with it)."""
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stamp here is UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def card_of(card: ConsultationCard) -> Card:
    """A card row as the plain dataclass pages and the CLI are given."""
    return Card(
        card.id, card.configuration_id, card.position, card.statement, card.context, card.mechanism,
        card.outcome, card.example_quote, bool(card.show_figure),
    )  # fmt: skip


def consultation(session: Session, session_id: int) -> ConsultationSession:
    """The consultation, or NotFound."""
    found = session.get(ConsultationSession, session_id)
    if found is None:
        raise NotFound(f"consultation {session_id} does not exist")
    return found


def cards_of(session: Session, session_id: int) -> list[ConsultationCard]:
    """The cards of one consultation, in order: the only cards any reader of it is given."""
    return list(
        session.scalars(
            select(ConsultationCard)
            .where(ConsultationCard.session_id == session_id)
            .order_by(ConsultationCard.position, ConsultationCard.id)
        )
    )


@dataclass(frozen=True)
class Answer:
    """One participant's answer to one card (they may change it while the consultation is open)."""

    card_id: int
    rating: int | None
    comment: str
    missing: str
    kind_missing: str | None


@dataclass(frozen=True)
class ParticipantView:
    """What a participant is told about the consultation they joined: nothing of the rest of the project."""

    participant_id: int
    session_id: int
    title: str
    purpose: str
    mode: str
    pseudonym: str
    cards: int
    answered: int
    shown_card_id: int | None
    closes_at: datetime | None


@dataclass(frozen=True)
class ParticipantCard:
    """A card as a participant sees it, with their own answer so far (or None)."""

    card: Card
    answer: Answer | None


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%d %B %Y, %H:%M UTC")


def _check_open(found: ConsultationSession) -> None:
    at = now()
    opens, closes = aware(found.opens_at), aware(found.closes_at)
    if opens is not None and at < opens:
        raise ConsultationNotOpen(f"This consultation opens on {_when(opens)}. Please come back then.")
    if closes is not None and at >= closes:
        raise ConsultationNotOpen(
            f"This consultation closed on {_when(closes)}. Thank you for your interest."
        )


def _check_usable(participant: ConsultationParticipant) -> None:
    if participant.revoked_at is not None:
        raise InvitationRefused("This invitation link was withdrawn by the organisers.")
    expires = aware(participant.expires_at)
    if expires is not None and now() >= expires:
        raise InvitationRefused(
            f"This invitation link expired on {_when(expires)}. Ask the organisers for a new one."
        )


def _invited(session: Session, token: str) -> tuple[ConsultationParticipant, ConsultationSession]:
    """The participant holding this token, if the link is usable and the consultation open."""
    participant = session.scalar(
        select(ConsultationParticipant).where(ConsultationParticipant.token_hash == digest(token.strip()))
    )
    if not token.strip() or participant is None:
        raise InvitationRefused(
            "This invitation link is not valid. Check that you opened the whole link you were sent."
        )
    _check_usable(participant)
    found = consultation(session, participant.session_id)
    _check_open(found)
    return participant, found


def _member(
    session: Session, username: str, session_id: int
) -> tuple[ConsultationParticipant, ConsultationSession]:
    """The signed-in member's participation in the consultation (from their first visit)."""
    found = consultation(session, session_id)
    user = require(session, found.project_id, username, Action.RATE_CONFIGURATIONS)
    participant = session.scalar(
        select(ConsultationParticipant).where(
            ConsultationParticipant.session_id == session_id, ConsultationParticipant.user_id == user.id
        )
    )
    if participant is None:
        taken = session.scalar(select(func.count()).where(ConsultationParticipant.session_id == session_id))
        participant = ConsultationParticipant(
            session_id=session_id, user_id=user.id, name=user.display_name or user.username,
            pseudonym=f"Participant {int(taken or 0) + 1}",
        )  # fmt: skip
        session.add(participant)
        session.flush()
    _check_usable(participant)
    _check_open(found)
    return participant, found


def _answers(session: Session, participant_id: int) -> dict[int, ConfigurationRating]:
    rows = session.scalars(
        select(ConfigurationRating).where(ConfigurationRating.participant_id == participant_id)
    )
    return {r.configuration_id: r for r in rows}


def _answer_of(card: ConsultationCard, row: ConfigurationRating) -> Answer:
    kind = row.kind_missing.value if row.kind_missing else None
    return Answer(card.id, row.rating, row.comment, row.missing, kind)


def _view(
    session: Session, participant: ConsultationParticipant, found: ConsultationSession
) -> ParticipantView:
    cards = cards_of(session, found.id)
    answers = _answers(session, participant.id)
    return ParticipantView(
        participant.id, found.id, found.title, found.purpose, ConsultationMode(found.mode).value,
        participant.pseudonym or participant.name, len(cards),
        sum(1 for c in cards if c.configuration_id in answers), found.shown_card_id, aware(found.closes_at),
    )  # fmt: skip


def _cards(session: Session, participant: ConsultationParticipant) -> list[ParticipantCard]:
    answers = _answers(session, participant.id)
    return [
        ParticipantCard(
            card_of(c), _answer_of(c, answers[c.configuration_id]) if c.configuration_id in answers else None
        )
        for c in cards_of(session, participant.session_id)
    ]


def join(store: Store, token: str) -> ParticipantView:
    """Open the consultation an invitation link is for; refuses unknown, withdrawn or expired links and
    a consultation outside its open period, with a message the participant understands."""
    with store.transaction() as session:
        return _view(session, *_invited(session, token))


def participant_cards(store: Store, token: str) -> list[ParticipantCard]:
    """The cards of the link's consultation, in order, with the participant's own answers: nothing else."""
    with store.transaction() as session:
        participant, _found = _invited(session, token)
        return _cards(session, participant)


def member_join(store: Store, username: str, session_id: int) -> ParticipantView:
    """A signed-in member (any role may rate) takes part in a consultation of their project."""
    with store.transaction() as session:
        return _view(session, *_member(session, username, session_id))


@dataclass(frozen=True)
class OpenConsultation:
    """A consultation a signed-in member may answer now, with how far they got."""

    id: int
    title: str
    purpose: str
    mode: str
    cards: int
    answered: int


def _is_open(found: ConsultationSession, at: datetime) -> bool:
    opens, closes = aware(found.opens_at), aware(found.closes_at)
    return (opens is None or opens <= at) and (closes is None or at < closes)


def member_sessions(store: Store, username: str, project_id: int) -> list[OpenConsultation]:
    """The project's consultations open now that the signed-in member may answer (not those where the
    organisers withdrew their participation), newest first."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.RATE_CONFIGURATIONS)
        mine = {
            p.session_id: p
            for p in session.scalars(
                select(ConsultationParticipant)
                .join(ConsultationSession)
                .where(
                    ConsultationSession.project_id == project_id, ConsultationParticipant.user_id == user.id
                )
            )
        }
        at, out = now(), []
        rows = session.scalars(
            select(ConsultationSession)
            .where(ConsultationSession.project_id == project_id)
            .order_by(ConsultationSession.id.desc())
        ).all()
        for found in rows:
            participant = mine.get(found.id)
            if not _is_open(found, at) or (participant is not None and participant.revoked_at is not None):
                continue
            cards = cards_of(session, found.id)
            answers = _answers(session, participant.id) if participant is not None else {}
            answered = sum(1 for c in cards if c.configuration_id in answers)
            mode = ConsultationMode(found.mode).value
            out.append(OpenConsultation(found.id, found.title, found.purpose, mode, len(cards), answered))
        return out


def member_cards(store: Store, username: str, session_id: int) -> list[ParticipantCard]:
    """The consultation's cards with the signed-in member's own answers."""
    with store.transaction() as session:
        participant, _found = _member(session, username, session_id)
        return _cards(session, participant)


def _kind(kind_missing: ElementRole | str | None) -> ElementRole | None:
    if kind_missing in (None, ""):
        return None
    try:
        return ElementRole(kind_missing)
    except ValueError:
        raise Invalid("what is missing is a context, a mechanism or an outcome") from None


def _save(
    session: Session, participant: ConsultationParticipant, found: ConsultationSession, card_id: int,
    rating: int | None, comment: str, missing: str, kind_missing: ElementRole | str | None,
) -> Answer:  # fmt: skip
    """Record (or replace) the participant's answer to a card of their own consultation."""
    comment, missing, kind = comment.strip(), missing.strip(), _kind(kind_missing)
    if rating is not None and not 1 <= rating <= 5:
        raise Invalid("a rating is from 1 to 5")
    if rating is None and not comment and not missing:
        raise Invalid("give a rating, a comment or what is missing")
    if kind is not None and not missing:
        raise Invalid("say what is missing")
    if len(comment) > MAX_COMMENT or len(missing) > MAX_COMMENT:
        raise Invalid(f"please keep each answer under {MAX_COMMENT} characters")
    card = session.get(ConsultationCard, card_id)
    if card is None or card.session_id != found.id:
        raise NotFound("this card is not part of your consultation")
    row = session.scalar(
        select(ConfigurationRating).where(
            ConfigurationRating.participant_id == participant.id,
            ConfigurationRating.configuration_id == card.configuration_id,
        )
    )
    before = {"rating": row.rating, "comment": row.comment, "missing": row.missing} if row else None
    if row is None:
        row = ConfigurationRating(participant_id=participant.id, configuration_id=card.configuration_id)
        session.add(row)
    row.rating, row.comment, row.missing, row.kind_missing = rating, comment, missing, kind
    row.updated_at = now()  # also when nothing changed: the live view counts fresh answers
    session.flush()
    record(
        session, action=AuditAction.UPDATE if before else AuditAction.CREATE,
        entity_type="configuration_rating", entity_id=row.id, user_id=participant.user_id,
        project_id=found.project_id, before=before,
        after={
            "participant": participant.pseudonym or participant.name, "card": card.id, "rating": rating,
            "comment": comment, "missing": missing, "kind_missing": kind.value if kind else None,
        },
    )  # fmt: skip
    return _answer_of(card, row)


def answer(
    store: Store, token: str, card_id: int, rating: int | None, comment: str = "", missing: str = "",
    kind_missing: ElementRole | str | None = None,
) -> Answer:  # fmt: skip
    """Answer a card as the holder of an invitation link (again: the new answer replaces the old)."""
    with store.transaction() as session:
        participant, found = _invited(session, token)
        return _save(session, participant, found, card_id, rating, comment, missing, kind_missing)


def answer_as_member(
    store: Store, username: str, session_id: int, card_id: int, rating: int | None, comment: str = "",
    missing: str = "", kind_missing: ElementRole | str | None = None,
) -> Answer:  # fmt: skip
    """Answer a card as a signed-in member of the project (the same rules as a link's holder)."""
    with store.transaction() as session:
        participant, found = _member(session, username, session_id)
        return _save(session, participant, found, card_id, rating, comment, missing, kind_missing)


def rate(
    store: Store, username: str, session_id: int, configuration_id: int, rating: int | None, comment: str = ""
) -> Rating:
    """Rate a configuration of a consultation as a signed-in member (a new rating replaces the earlier)."""
    if rating is None and not comment.strip():
        raise Invalid("give a rating or a comment")
    with store.transaction() as session:
        participant, found = _member(session, username, session_id)
        card_id = session.scalar(
            select(ConsultationCard.id).where(
                ConsultationCard.session_id == session_id,
                ConsultationCard.configuration_id == configuration_id,
            )
        )
        if card_id is None:
            raise NotFound(f"configuration {configuration_id} is not in this consultation")
        saved = _save(session, participant, found, card_id, rating, comment, "", None)
        return Rating(session_id, configuration_id, username, saved.rating, saved.comment)
