"""The schema of the whole product as SQLAlchemy 2 typed models.

Rows that several people edit together carry ``version_id`` for optimistic locking: a stale
write raises ``StaleDataError`` instead of silently overwriting a colleague's change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.domain.characteristics import FieldType
from workbench.domain.codebook import CodeKind
from workbench.domain.configurations import CodingMode, ConfigurationStatus, ElementRole
from workbench.store.base import Base, utcnow
from workbench.store.consultation_models import (  # noqa: F401  (the consultation tables: part of the schema)
    ConfigurationRating,
    ConsultationCard,
    ConsultationParticipant,
    ConsultationSession,
)
from workbench.store.enums import (
    AuditAction,
    CodingOrigin,
    Decision,
    MemoTarget,
    Rating,
    Role,
)


def _enum(cls: type, name: str) -> Enum:
    """A portable enum column: VARCHAR plus a named CHECK constraint, stored by value."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


class Project(Base):
    """A realist review: its studies, codebook, configurations and team."""

    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # blind double coding: an assigned coder of an unreleased study sees only their own codings of it
    blind_coding: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # configurations and graphs drawn from everyone's codings, or from consensus codings only
    consensus_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version_id}

    memberships: Mapped[list[Membership]] = relationship(back_populates="project")


class User(Base):
    """A person who uses the workbench: reviewer, project owner or stakeholder."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # matched against a verified e-mail in ``oidc`` sign-in; stored lower-case
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    # argon2id hash (``password`` sign-in); None: no password set, cannot sign in with one
    password_hash: Mapped[str | None] = mapped_column(String(200))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    # a reviewer's remembered settings, e.g. {"suggestion_threshold": 0.6}
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuthSession(Base):
    """A signed-in browser: the cookie carries a token whose hash is stored here; revoke to sign out."""

    __tablename__ = "auth_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # a one-time ticket the browser trades for the cookie right after sign-in (short-lived)
    ticket_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    ticket_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class PasswordReset(Base):
    """A one-time link an owner issues so a member can set a new password."""

    __tablename__ = "password_resets"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Membership(Base):
    """A user's role in one project; services check it before reading or writing project data."""

    __tablename__ = "project_memberships"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class Study(Base):
    """One included paper: reference metadata, characteristics and the realist appraisal."""

    __tablename__ = "studies"
    __table_args__ = (UniqueConstraint("project_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    # Bibliographic metadata
    title: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[list[str]] = mapped_column(default=list)
    year: Mapped[int | None]
    journal: Mapped[str] = mapped_column(String(300), default="")
    volume: Mapped[str] = mapped_column(String(50), default="")
    issue: Mapped[str] = mapped_column(String(50), default="")
    pages: Mapped[str] = mapped_column(String(50), default="")
    doi: Mapped[str | None] = mapped_column(String(200), index=True)
    abstract: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(default=list)
    # Characteristics: typed fields, plus project-defined extraction fields in ``extras``
    country: Mapped[str] = mapped_column(String(100), default="")
    setting: Mapped[str] = mapped_column(Text, default="")
    discipline: Mapped[str] = mapped_column(String(100), default="")
    participants: Mapped[int | None]
    method: Mapped[str] = mapped_column(Text, default="")
    extras: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Appraisal: realist relevance and rigour, and an optional CASP checklist
    relevance: Mapped[Rating | None] = mapped_column(_enum(Rating, "relevance"))
    relevance_note: Mapped[str] = mapped_column(Text, default="")
    rigour: Mapped[Rating | None] = mapped_column(_enum(Rating, "rigour"))
    rigour_note: Mapped[str] = mapped_column(Text, default="")
    casp: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version_id}

    # blind double coding: when the comparison opened (every assignee done, or the owner released it)
    released_at: Mapped[datetime | None]
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    documents: Mapped[list[Document]] = relationship(back_populates="study")


class StudyAssignment(Base):
    """A study given to a reviewer to code; ``done_at`` when they mark it done."""

    __tablename__ = "study_assignments"
    __table_args__ = (UniqueConstraint("study_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]


class ExtractionFieldDef(Base):
    """A project-defined data extraction field; study values live in ``Study.extras[name]``."""

    __tablename__ = "extraction_fields"
    __table_args__ = (UniqueConstraint("project_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[FieldType] = mapped_column(_enum(FieldType, "field_type"))
    choices: Mapped[list[str]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Document(Base):
    """The full text of a study exactly as imported; excerpt offsets index into ``text``."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    source_filename: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    page_starts: Mapped[list[int]] = mapped_column(default=list)
    # the imported file itself for PDFs (to show a page beside its text); loaded only when asked for
    original: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    study: Mapped[Study] = relationship(back_populates="documents")


class Code(Base):
    """A codebook entry: a context, mechanism, outcome or other code, nested under a parent."""

    __tablename__ = "codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[CodeKind] = mapped_column(_enum(CodeKind, "kind"))
    colour: Mapped[str] = mapped_column(String(7), default="#9e9e9e")
    description: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[list[str]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version_id}


class Excerpt(Base):
    """A span ``[start, end)`` of a document, with a snapshot of its text and its page."""

    __tablename__ = "excerpts"
    __table_args__ = (
        CheckConstraint('start >= 0 AND "end" > start', name="span"),
        # one row per span: concurrent coders of the same span share it (INSERT ... ON CONFLICT)
        UniqueConstraint("document_id", "start", "end"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    page: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship()
    codings: Mapped[list[Coding]] = relationship(back_populates="excerpt")


class SuggestionModel(Base):
    """A trained suggestion model, stored as bytes so every app server can load the same one."""

    __tablename__ = "suggestion_models"
    __table_args__ = (UniqueConstraint("project_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    version: Mapped[int]
    pipeline: Mapped[str] = mapped_column(String(100))
    model_bytes: Mapped[bytes] = mapped_column(LargeBinary)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    trained_on: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Coding(Base):
    """One coder applying one code to one excerpt."""

    __tablename__ = "codings"
    __table_args__ = (UniqueConstraint("excerpt_id", "code_id", "coder_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    excerpt_id: Mapped[int] = mapped_column(ForeignKey("excerpts.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mode: Mapped[CodingMode] = mapped_column(_enum(CodingMode, "mode"))
    origin: Mapped[CodingOrigin] = mapped_column(_enum(CodingOrigin, "origin"))
    suggestion_model_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestion_models.id", ondelete="SET NULL")
    )
    theory_reference: Mapped[str] = mapped_column(Text, default="")
    # a consensus coding (coder = the reserved consensus user): who settled it, and when
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    settled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version_id}

    excerpt: Mapped[Excerpt] = relationship(back_populates="codings")
    code: Mapped[Code] = relationship()
    coder: Mapped[User] = relationship(foreign_keys=[coder_id])


class Adjudication(Base):
    """How a disagreement between two coders over one code in one stretch of a document was settled."""

    __tablename__ = "adjudications"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    start: Mapped[int]
    end: Mapped[int]
    coder_a_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    coder_b_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # keep_a, keep_b, keep_both, neither or edited
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    settled_at: Mapped[datetime] = mapped_column(default=utcnow)


class Configuration(Base):
    """A context-mechanism-outcome configuration (CMOC) and where it stands."""

    __tablename__ = "configurations"
    __table_args__ = (UniqueConstraint("project_id", "label"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(100))
    statement: Mapped[str] = mapped_column(Text)
    nested: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ConfigurationStatus] = mapped_column(
        _enum(ConfigurationStatus, "status"), default=ConfigurationStatus.PROPOSED
    )
    status_note: Mapped[str] = mapped_column(Text, default="")
    # codings cited when the configuration was revised or refuted
    status_evidence: Mapped[list[int]] = mapped_column(default=list, server_default=text("'[]'"))
    # consultation answers (configuration_ratings ids) cited as evidence, like the codings above
    status_ratings: Mapped[list[int]] = mapped_column(default=list, server_default=text("'[]'"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version_id}

    elements: Mapped[list[ConfigurationElement]] = relationship(
        back_populates="configuration", cascade="all, delete-orphan"
    )


class ConfigurationElement(Base):
    """A code in a role (context, mechanism or outcome) of a configuration."""

    __tablename__ = "configuration_elements"
    __table_args__ = (UniqueConstraint("configuration_id", "code_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    configuration_id: Mapped[int] = mapped_column(ForeignKey("configurations.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    role: Mapped[ElementRole] = mapped_column(_enum(ElementRole, "role"))
    position: Mapped[int] = mapped_column(default=0)

    configuration: Mapped[Configuration] = relationship(back_populates="elements")
    code: Mapped[Code] = relationship()
    evidence: Mapped[list[ElementEvidence]] = relationship(cascade="all, delete-orphan")


class ElementEvidence(Base):
    """A coding that supports one element of a configuration."""

    __tablename__ = "element_evidence"
    __table_args__ = (UniqueConstraint("element_id", "coding_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    element_id: Mapped[int] = mapped_column(ForeignKey("configuration_elements.id", ondelete="CASCADE"))
    coding_id: Mapped[int] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), index=True)

    coding: Mapped[Coding] = relationship()


class ConfigurationLink(Base):
    """A chain: the outcome of one configuration acting as the context of another."""

    __tablename__ = "configuration_links"
    __table_args__ = (UniqueConstraint("from_id", "to_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("configurations.id", ondelete="CASCADE"))
    to_id: Mapped[int] = mapped_column(ForeignKey("configurations.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")


class ProgrammeTheoryVersion(Base):
    """A named snapshot of the configurations (initial, refined, final programme theory)."""

    __tablename__ = "programme_theory_versions"
    __table_args__ = (UniqueConstraint("project_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Memo(Base):
    """A reviewer's note on a study, code, excerpt, configuration or the project itself."""

    __tablename__ = "memos"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    target_type: Mapped[MemoTarget] = mapped_column(_enum(MemoTarget, "target_type"))
    target_id: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version_id}


class SuggestionDecision(Base):
    """A reviewer accepting or rejecting a suggested span; rejected spans are never suggested again."""

    __tablename__ = "suggestion_decisions"
    __table_args__ = (CheckConstraint('start >= 0 AND "end" > start', name="span"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int]
    end: Mapped[int]
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "decision"))
    reason: Mapped[str] = mapped_column(Text, default="")
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("suggestion_models.id", ondelete="SET NULL"))
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Append-only record of who changed what, with the row before and after."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[AuditAction] = mapped_column(_enum(AuditAction, "action"))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
