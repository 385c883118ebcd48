"""Stakeholder consultations, the facilitator's side: set one up, edit its cards, invite, revoke, results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from workbench.domain.configurations import ElementRole
from workbench.domain.consultations import ConsultationMode, by_disagreement, summarise
from workbench.services.access import Action, require
from workbench.services.auth_tokens import digest, new_token
from workbench.services.consultation_answers import (  # noqa: F401  (rate, Rating: the members' path, kept here)
    Card,
    Rating,
    aware,
    card_of,
    cards_of,
    consultation,
    now,
    rate,
)
from workbench.services.errors import Conflict, Invalid, NotFound
from workbench.store.audit import record
from workbench.store.consultation_models import (
    ConfigurationRating,
    ConsultationCard,
    ConsultationParticipant,
    ConsultationSession,
)
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import Configuration, ConfigurationElement, ProgrammeTheoryVersion, User

JOIN_PATH = "/?join={token}"  # what a participant's browser opens on the app's address
DEFAULT_VALIDITY = timedelta(days=30)  # how long an invitation lasts when the session sets no end
MAX_INVITATIONS = 200


@dataclass(frozen=True)
class Invitation:
    """A personal invitation: the token is shown once, here; only its SHA-256 is stored."""

    participant_id: int
    pseudonym: str
    token: str
    link: str


@dataclass(frozen=True)
class Missing:
    """Something a participant would add to a configuration: a context, mechanism or outcome (or unsaid)."""

    kind: str | None
    text: str


@dataclass(frozen=True)
class CardResult:
    """What participants said about one card."""

    card_id: int
    configuration_id: int
    label: str
    statement: str
    ratings: tuple[int, ...]
    mean: float | None
    distribution: dict[int, int]
    disagreement: float | None
    comments: tuple[str, ...]
    missing: tuple[Missing, ...]


@dataclass(frozen=True)
class Results:
    """A consultation's results, the most disputed cards first."""

    session_id: int
    title: str
    participants: int
    shown_card_id: int | None
    cards: tuple[CardResult, ...]


def _mode(mode: ConsultationMode | str) -> ConsultationMode:
    try:
        return ConsultationMode(mode)
    except ValueError:
        raise Invalid(f"a consultation is live or open, not {mode!r}") from None


def _names(config: Configuration, role: ElementRole) -> str:
    elements = sorted((e for e in config.elements if e.role == role), key=lambda e: e.position)
    return "; ".join(e.code.name for e in elements)


def _cards_from_configurations(
    session: Session, project_id: int, configuration_ids: Sequence[int] | None
) -> list[dict[str, Any]]:
    query = (
        select(Configuration)
        .where(Configuration.project_id == project_id)
        .options(selectinload(Configuration.elements).selectinload(ConfigurationElement.code))
    )
    if configuration_ids is not None:
        query = query.where(Configuration.id.in_(configuration_ids))
    configs = {c.id: c for c in session.scalars(query.order_by(Configuration.label))}
    unknown = [i for i in configuration_ids or [] if i not in configs]
    if unknown:
        raise NotFound(f"configuration {unknown[0]} is not in this project")
    order = list(dict.fromkeys(configuration_ids)) if configuration_ids is not None else list(configs)
    return [
        {
            "configuration_id": configs[i].id,
            "statement": configs[i].statement,
            "context": _names(configs[i], ElementRole.CONTEXT),
            "mechanism": _names(configs[i], ElementRole.MECHANISM),
            "outcome": _names(configs[i], ElementRole.OUTCOME),
        }
        for i in order
    ]


def _cards_from_version(session: Session, project_id: int, version_id: int) -> list[dict[str, Any]]:
    version = session.get(ProgrammeTheoryVersion, version_id)
    if version is None or version.project_id != project_id:
        raise NotFound(f"programme theory version {version_id} does not exist in this project")
    ids = dict(
        session.execute(
            select(Configuration.label, Configuration.id).where(Configuration.project_id == project_id)
        ).all()
    )
    # a version keeps configurations by label; those deleted since cannot be rated
    return [
        {
            "configuration_id": ids[c["label"]],
            "statement": c.get("statement", ""),
            "context": "; ".join(c.get("context", [])),
            "mechanism": "; ".join(c.get("mechanisms", [])),
            "outcome": "; ".join(c.get("outcomes", [])),
        }
        for c in version.snapshot.get("configurations", [])
        if c.get("label") in ids
    ]


def create_session(
    store: Store,
    username: str,
    project_id: int,
    title: str,
    held_on: date | None = None,
    *,
    purpose: str = "",
    mode: ConsultationMode | str = ConsultationMode.LIVE,
    configuration_ids: Sequence[int] | None = None,
    theory_version_id: int | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> int:
    """Set up a consultation of the project, one card per configuration (the chosen ones, those of a
    programme theory version, or all of the project's), prefilled from them; returns its id."""
    title, chosen_mode = title.strip(), _mode(mode)
    if not title:
        raise Invalid("a consultation needs a title")
    if configuration_ids is not None and theory_version_id is not None:
        raise Invalid("choose configurations or a programme theory version, not both")
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise Invalid("a consultation closes after it opens")
    with store.transaction() as session:
        user = require(session, project_id, username, Action.RUN_CONSULTATIONS)
        taken = select(ConsultationSession.id).where(
            ConsultationSession.project_id == project_id,
            func.lower(ConsultationSession.title) == title.lower(),
        )
        if session.scalar(taken) is not None:
            raise Conflict(f"this project already has a consultation called {title!r}: choose another title")
        if theory_version_id is not None:
            cards = _cards_from_version(session, project_id, theory_version_id)
        else:
            cards = _cards_from_configurations(session, project_id, configuration_ids)
        if configuration_ids is not None and not cards:
            raise Invalid("choose at least one configuration")
        row = ConsultationSession(
            project_id=project_id, title=title, held_on=held_on, purpose=purpose.strip(), mode=chosen_mode,
            theory_version_id=theory_version_id, opens_at=opens_at, closes_at=closes_at,
        )  # fmt: skip
        session.add(row)
        session.flush()
        session.add_all(ConsultationCard(session_id=row.id, position=n, **c) for n, c in enumerate(cards))
        record(
            session, action=AuditAction.CREATE, entity_type="consultation", entity_id=row.id,
            user_id=user.id, project_id=project_id,
            after={
                "title": title, "held_on": held_on.isoformat() if held_on else None,
                "mode": chosen_mode.value, "purpose": row.purpose, "cards": len(cards),
                "theory_version": theory_version_id,
            },
        )  # fmt: skip
        return row.id


def session_cards(store: Store, username: str, session_id: int) -> list[Card]:
    """The consultation's cards in the order participants see them (for the facilitator)."""
    with store.transaction() as session:
        found = consultation(session, session_id)
        require(session, found.project_id, username, Action.RUN_CONSULTATIONS)
        return [card_of(c) for c in cards_of(session, session_id)]


def _card(session: Session, card_id: int, username: str) -> tuple[ConsultationCard, User, int]:
    card = session.get(ConsultationCard, card_id)
    if card is None:
        raise NotFound(f"card {card_id} does not exist")
    project_id = consultation(session, card.session_id).project_id
    return card, require(session, project_id, username, Action.RUN_CONSULTATIONS), project_id


def edit_card(
    store: Store,
    username: str,
    card_id: int,
    *,
    statement: str | None = None,
    context: str | None = None,
    mechanism: str | None = None,
    outcome: str | None = None,
    example_quote: str | None = None,
    show_figure: bool | None = None,
) -> Card:
    """Reword a card for participants (the configuration itself is unchanged), and say whether they see
    the infographic of its context; None keeps a field."""
    changes: dict[str, str | bool] = {
        k: v.strip()
        for k, v in dict(
            statement=statement,
            context=context,
            mechanism=mechanism,
            outcome=outcome,
            example_quote=example_quote,
        ).items()
        if v is not None
    }
    if show_figure is not None:
        changes["show_figure"] = bool(show_figure)
    if changes.get("statement", "x") == "":
        raise Invalid("a card needs a statement")
    with store.transaction() as session:
        card, user, project_id = _card(session, card_id, username)
        before = {k: getattr(card, k) for k in changes}
        for key, value in changes.items():
            setattr(card, key, value)
        session.flush()
        record(
            session, action=AuditAction.UPDATE, entity_type="consultation_card", entity_id=card.id,
            user_id=user.id, project_id=project_id, before=before, after=changes,
        )  # fmt: skip
        return card_of(card)


def show_card(store: Store, username: str, session_id: int, card_id: int | None) -> None:
    """Put a card of the consultation on the room's screen (None: show none)."""
    with store.transaction() as session:
        found = consultation(session, session_id)
        user = require(session, found.project_id, username, Action.RUN_CONSULTATIONS)
        if card_id is not None:
            card = session.get(ConsultationCard, card_id)
            if card is None or card.session_id != session_id:
                raise NotFound(f"card {card_id} is not in this consultation")
        before, found.shown_card_id = found.shown_card_id, card_id
        record(
            session, action=AuditAction.UPDATE, entity_type="consultation", entity_id=session_id,
            user_id=user.id, project_id=found.project_id, before={"shown_card": before},
            after={"shown_card": card_id},
        )  # fmt: skip


def _pseudonyms(session: Session, session_id: int, n: int) -> list[str]:
    taken = session.scalar(
        select(func.count()).where(ConsultationParticipant.session_id == session_id)
    )  # fmt: skip
    return [f"Participant {i}" for i in range(int(taken or 0) + 1, int(taken or 0) + n + 1)]


def invite(
    store: Store,
    username: str,
    session_id: int,
    n: int,
    names: Sequence[str] | None = None,
    *,
    perspective: str = "",
    expires_at: datetime | None = None,
) -> list[Invitation]:
    """Make ``n`` personal invitation links (pseudonyms "Participant N"; ``names`` optional, in order).
    A link lasts until ``expires_at``, else until the consultation closes, else 30 days."""
    names = [name.strip() for name in names or []]
    if not 1 <= n <= MAX_INVITATIONS:
        raise Invalid(f"invite from 1 to {MAX_INVITATIONS} participants at a time")
    if len(names) > n:
        raise Invalid(f"{len(names)} names for {n} invitations")
    with store.transaction() as session:
        found = consultation(session, session_id)
        user = require(session, found.project_id, username, Action.RUN_CONSULTATIONS)
        until = expires_at or aware(found.closes_at) or now() + DEFAULT_VALIDITY
        invitations = []
        for i, pseudonym in enumerate(_pseudonyms(session, session_id, n)):
            token = new_token()
            row = ConsultationParticipant(
                session_id=session_id, pseudonym=pseudonym, name=names[i] if i < len(names) else "",
                perspective=perspective.strip(), token_hash=digest(token), expires_at=until,
            )  # fmt: skip
            session.add(row)
            session.flush()
            invitations.append(Invitation(row.id, pseudonym, token, JOIN_PATH.format(token=token)))
        record(
            session, action=AuditAction.CREATE, entity_type="consultation_invitations", entity_id=session_id,
            user_id=user.id, project_id=found.project_id,
            after={"participants": [i.participant_id for i in invitations], "expires_at": until.isoformat()},
        )  # fmt: skip
        return invitations


def revoke(store: Store, username: str, participant_id: int) -> None:
    """Withdraw a participant's invitation link: it no longer opens the consultation."""
    with store.transaction() as session:
        participant = session.get(ConsultationParticipant, participant_id)
        if participant is None:
            raise NotFound(f"participant {participant_id} does not exist")
        found = consultation(session, participant.session_id)
        user = require(session, found.project_id, username, Action.RUN_CONSULTATIONS)
        if participant.revoked_at is None:
            participant.revoked_at = now()
            record(
                session, action=AuditAction.UPDATE, entity_type="consultation_participant",
                entity_id=participant_id, user_id=user.id, project_id=found.project_id,
                after={"revoked": participant.pseudonym or participant.name},
            )  # fmt: skip


def _card_result(card: ConsultationCard, label: str, answers: list[ConfigurationRating]) -> CardResult:
    ratings = tuple(a.rating for a in answers if a.rating is not None)
    summary = summarise(ratings)
    missing = tuple(
        Missing(a.kind_missing.value if a.kind_missing else None, a.missing) for a in answers if a.missing
    )
    return CardResult(
        card.id, card.configuration_id, label, card.statement, ratings, summary.mean, summary.distribution,
        summary.disagreement, tuple(a.comment for a in answers if a.comment), missing,
    )  # fmt: skip


def card_answers(
    session: Session, session_id: int
) -> tuple[list[ConsultationCard], dict[int, str], list[ConfigurationRating]]:
    """A session's cards, their configurations' labels, and the answers of participants whose link
    was not withdrawn (by participant): what results and the report are both built from."""
    cards = cards_of(session, session_id)
    labels = {
        config_id: label
        for config_id, label in session.execute(
            select(Configuration.id, Configuration.label).where(
                Configuration.id.in_([c.configuration_id for c in cards])
            )
        )
    }
    answers = session.scalars(
        select(ConfigurationRating)
        .join(ConsultationParticipant)
        .where(ConsultationParticipant.session_id == session_id, ConsultationParticipant.revoked_at.is_(None))
        .order_by(ConfigurationRating.participant_id)
    ).all()
    return cards, labels, list(answers)


def results(store: Store, username: str, session_id: int, project_id: int | None = None) -> Results:
    """Per card: ratings, mean, 1-5 distribution, disagreement, comments and what participants found
    missing; cards most disputed first. Answers of revoked participants are left out. With
    ``project_id``, the consultation must be one of that project's."""
    with store.transaction() as session:
        found = consultation(session, session_id)
        if project_id is not None and found.project_id != project_id:
            raise NotFound(f"consultation {session_id} is not in this project")
        require(session, found.project_id, username, Action.RUN_CONSULTATIONS)
        cards, labels, answers = card_answers(session, session_id)
        per_card = [
            _card_result(
                c,
                labels[c.configuration_id],
                [a for a in answers if a.configuration_id == c.configuration_id],
            )
            for c in cards
        ]
        participants = session.scalar(
            select(func.count()).where(
                ConsultationParticipant.session_id == session_id, ConsultationParticipant.revoked_at.is_(None)
            )
        )
        order = by_disagreement([summarise(r.ratings) for r in per_card])
        return Results(
            session_id, found.title, int(participants or 0), found.shown_card_id,
            tuple(per_card[i] for i in order),
        )  # fmt: skip


def results_revision(store: Store, session_id: int) -> str:
    """A cheap stamp of the consultation's answers, participants and shown card: the live view polls it
    and reloads the results only when it changes (it says nothing of the answers themselves)."""
    with store.transaction() as session:
        count, latest = session.execute(
            select(func.count(ConfigurationRating.id), func.max(ConfigurationRating.updated_at))
            .join(ConsultationParticipant)
            .where(
                ConsultationParticipant.session_id == session_id, ConsultationParticipant.revoked_at.is_(None)
            )
        ).one()
        shown = session.scalar(
            select(ConsultationSession.shown_card_id).where(ConsultationSession.id == session_id)
        )
        invited = session.scalar(  # invitations made or withdrawn change the participant count
            select(func.count(ConsultationParticipant.id)).where(
                ConsultationParticipant.session_id == session_id, ConsultationParticipant.revoked_at.is_(None)
            )
        )
        stamp = aware(latest)
        return f"{count}:{stamp.isoformat() if stamp else '-'}:{shown or '-'}:{invited}"
