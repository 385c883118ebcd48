"""The schema of stakeholder consultations: sessions, their cards, participants and their ratings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.domain.configurations import ElementRole
from workbench.domain.consultations import ConsultationMode
from workbench.store.base import Base, utcnow


def _enum(cls: type, name: str) -> Enum:
    """A portable enum column stored by value (the same form as ``models._enum``)."""
    return Enum(
        cls, name=name, native_enum=False, create_constraint=True, length=16,
        values_callable=lambda members: [m.value for m in members],
    )  # fmt: skip


class ConsultationSession(Base):
    """A stakeholder consultation where participants rate and comment on configurations."""

    __tablename__ = "consultation_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    mode: Mapped[ConsultationMode] = mapped_column(
        _enum(ConsultationMode, "mode"), default=ConsultationMode.LIVE, server_default=text("'live'")
    )
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    # the programme theory version the cards were taken from, if they were
    theory_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_theory_versions.id", ondelete="SET NULL")
    )
    # the card the facilitator shows the room (a card of this session; no FK: cards refer to sessions)
    shown_card_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsultationCard(Base):
    """One configuration of a consultation, in the plain words participants read."""

    __tablename__ = "consultation_cards"
    __table_args__ = (UniqueConstraint("session_id", "configuration_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_sessions.id", ondelete="CASCADE"), index=True
    )
    configuration_id: Mapped[int] = mapped_column(
        ForeignKey("configurations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    statement: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[str] = mapped_column(Text, default="")
    mechanism: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    example_quote: Mapped[str] = mapped_column(Text, default="")  # anonymised by whoever writes it
    # participants also see the infographic of the configuration's context (no study is named in it)
    show_figure: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ConsultationParticipant(Base):
    """Someone taking part in a consultation, e.g. a peer support worker: a signed-in member, or
    someone with a personal invitation link (only the SHA-256 of its token is stored)."""

    __tablename__ = "consultation_participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    pseudonym: Mapped[str] = mapped_column(String(100), default="", server_default=text("''"))
    name: Mapped[str] = mapped_column(String(200), default="")  # optional real name
    perspective: Mapped[str] = mapped_column(String(200), default="")  # role, e.g. "peer support worker"
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class ConfigurationRating(Base):
    """A participant's answer on a configuration in a consultation: rating (1-5), comment, and what
    they would add (a context, mechanism or outcome they found missing)."""

    __tablename__ = "configuration_ratings"
    __table_args__ = (
        UniqueConstraint("participant_id", "configuration_id"),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_participants.id", ondelete="CASCADE")
    )
    configuration_id: Mapped[int] = mapped_column(
        ForeignKey("configurations.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    missing: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    kind_missing: Mapped[ElementRole | None] = mapped_column(_enum(ElementRole, "kind_missing"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
