"""Back into the theory: mark configurations citing a consultation's answers, and save the new version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.domain.codebook import DEFAULT_COLOURS, CodeKind, check_name
from workbench.domain.configurations import ConfigurationStatus, Element, ElementRole, check_elements
from workbench.services.access import Action, require, require_for_work
from workbench.services.configurations import configuration_rows
from workbench.services.consultation_answers import cards_of, consultation
from workbench.services.errors import Conflict, Invalid, NotFound
from workbench.services.theory import add_version, snapshot_of
from workbench.store.audit import record
from workbench.store.consultation_models import ConfigurationRating, ConsultationParticipant
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import Code, Configuration, ConfigurationElement, ProgrammeTheoryVersion

VERDICTS = (ConfigurationStatus.SUPPORTED, ConfigurationStatus.REVISED, ConfigurationStatus.REFUTED)


@dataclass(frozen=True)
class CitableAnswer:
    """A participant's answer on a configuration, citable as evidence (by its id)."""

    id: int
    configuration_id: int
    pseudonym: str
    rating: int | None
    comment: str
    missing: str
    kind_missing: str | None


@dataclass(frozen=True)
class Addition:
    """Something participants found missing, added to a configuration: a code of ``kind`` (context,
    mechanism or outcome; an existing code of that name and kind is reused), or with no kind a note."""

    kind: str | None
    text: str


@dataclass(frozen=True)
class Decision:
    """What the team concludes about one configuration from the consultation."""

    configuration_id: int
    status: ConfigurationStatus | str
    note: str = ""
    cited: Sequence[int] = ()  # ids of CitableAnswer
    statement: str | None = None  # None keeps the statement
    additions: Sequence[Addition] = field(default_factory=tuple)


@dataclass(frozen=True)
class SessionChange:
    """A change a programme theory version records as caused by a consultation session."""

    version_id: int
    version: str
    label: str
    status: str
    note: str
    statement: tuple[str, str] | None
    added: tuple[str, ...]
    cited: tuple[int, ...]


def _answers(session: Session, session_id: int) -> list[tuple[ConfigurationRating, str]]:
    return [
        (row, pseudonym)
        for row, pseudonym in session.execute(
            select(ConfigurationRating, ConsultationParticipant.pseudonym)
            .join(ConsultationParticipant)
            .where(
                ConsultationParticipant.session_id == session_id, ConsultationParticipant.revoked_at.is_(None)
            )
            .order_by(ConfigurationRating.configuration_id, ConfigurationRating.participant_id)
        ).all()
    ]


def citable_answers(store: Store, username: str, session_id: int) -> list[CitableAnswer]:
    """The consultation's answers (withdrawn participants' left out), by configuration, to cite."""
    with store.transaction() as session:
        found = consultation(session, session_id)
        require(session, found.project_id, username, Action.RUN_CONSULTATIONS)
        return [
            CitableAnswer(
                row.id,
                row.configuration_id,
                pseudonym,
                row.rating,
                row.comment,
                row.missing,
                row.kind_missing.value if row.kind_missing else None,
            )
            for row, pseudonym in _answers(session, session_id)
        ]


def _status(status: ConfigurationStatus | str) -> ConfigurationStatus:
    try:
        chosen = ConfigurationStatus(status)
    except ValueError:
        chosen = ConfigurationStatus.PROPOSED
    if chosen not in VERDICTS:
        raise Invalid("mark a configuration supported, revised or refuted")
    return chosen


def _code(session: Session, project_id: int, kind: CodeKind, name: str) -> Code:
    name = check_name(name)
    existing = session.scalar(
        select(Code).where(
            Code.project_id == project_id, Code.kind == kind, func.lower(Code.name) == name.lower()
        )
    )
    if existing is not None:
        return existing
    count = session.scalar(
        select(func.count()).where(Code.project_id == project_id, Code.parent_id.is_(None))
    )
    code = Code(
        project_id=project_id,
        name=name,
        kind=kind,
        colour=DEFAULT_COLOURS[kind],
        description="suggested by participants in a stakeholder consultation",
        position=int(count or 0),
    )
    session.add(code)
    session.flush()
    return code


def _add(session: Session, config: Configuration, username: str, addition: Addition) -> str:
    """Apply one addition; returns how the change reads ("mechanism: Feeling heard", or the note)."""
    text = addition.text.strip()
    if not text:
        raise Invalid("say what participants found missing")
    if not addition.kind:
        config.status_note = f"{config.status_note}\nMissing (participants): {text}".strip()
        return f"note: {text}"
    try:
        role = ElementRole(addition.kind)
    except ValueError:
        raise Invalid("what is missing is a context, a mechanism or an outcome") from None
    require(session, config.project_id, username, Action.EDIT_CODEBOOK)
    code = _code(session, config.project_id, CodeKind(role.value), text)
    if not any(e.code_id == code.id and e.role == role for e in config.elements):
        position = max((e.position for e in config.elements), default=-1) + 1
        config.elements.append(ConfigurationElement(code_id=code.id, role=role, position=position))
        session.flush()
        session.refresh(config)
        check_elements(Element(e.role, e.code.name, e.code.kind) for e in config.elements)
    return f"{role.value}: {code.name}"


def _apply(
    session: Session, username: str, project_id: int, cards: set[int], answers: dict[int, int], d: Decision
) -> tuple[str, dict[str, Any]]:
    config = session.get(Configuration, d.configuration_id)
    if config is None or config.project_id != project_id or config.id not in cards:
        raise NotFound(f"configuration {d.configuration_id} is not part of this consultation")
    user = require_for_work(
        session, project_id, username, Action.BUILD_CONFIGURATIONS, [config.created_by_id]
    )
    status = _status(d.status)
    cited = sorted(set(d.cited))
    wrong = [i for i in cited if answers.get(i) != config.id]
    if wrong:
        raise NotFound(f"answer {wrong[0]} is not an answer on {config.label} in this consultation")
    if status is not ConfigurationStatus.SUPPORTED and not cited:
        raise Invalid(f"cite at least one participant's answer for {config.label} being {status.value}")
    before = {"status": config.status.value, "statement": config.statement, "note": config.status_note}
    config.status = status
    if d.note.strip():
        config.status_note = d.note.strip()
    config.status_ratings = sorted(set(config.status_ratings or []) | set(cited))
    statement = (d.statement or "").strip()
    if d.statement is not None and not statement:
        raise Invalid(f"{config.label} needs a statement")
    changed_statement = statement and statement != config.statement
    if changed_statement:
        config.statement = statement
    added = [_add(session, config, username, a) for a in d.additions]
    after = {"status": status.value, "statement": config.statement, "note": config.status_note}
    record(
        session,
        action=AuditAction.UPDATE,
        entity_type="configuration",
        entity_id=config.id,
        user_id=user.id,
        project_id=project_id,
        before=before,
        after={**after, "cited_answers": cited},
    )
    change = {
        "status": status.value,
        "note": config.status_note,
        "statement": [before["statement"], config.statement] if changed_statement else None,
        "added": added,
        "cited": cited,
    }
    return config.label, change


def apply_consultation(
    store: Store,
    username: str,
    project_id: int,
    session_id: int,
    decisions: Sequence[Decision],
    version_name: str,
    description: str = "",
) -> int:
    """Mark configurations supported, revised or refuted citing the consultation's answers, reword them
    and add what participants found missing; then save a programme theory version whose snapshot records
    which change this session caused. All or nothing; returns the version's id."""
    name = version_name.strip()
    if not name:
        raise Invalid("a programme theory version needs a name")
    if not decisions:
        raise Invalid("mark at least one configuration")
    if len({d.configuration_id for d in decisions}) != len(decisions):
        raise Invalid("one decision per configuration")
    try:
        with store.transaction() as session:
            found = consultation(session, session_id)
            if found.project_id != project_id:
                raise NotFound(f"consultation {session_id} is not in this project")
            require(session, project_id, username, Action.RUN_CONSULTATIONS)
            user = require(session, project_id, username, Action.SAVE_THEORY)
            taken = session.scalar(
                select(ProgrammeTheoryVersion.id).where(
                    ProgrammeTheoryVersion.project_id == project_id, ProgrammeTheoryVersion.name == name
                )
            )
            if taken is not None:
                raise Conflict(f"a version named {name!r} already exists")
            cards = {c.configuration_id for c in cards_of(session, session_id)}
            answers = {row.id: row.configuration_id for row, _ in _answers(session, session_id)}
            changes = dict(_apply(session, username, project_id, cards, answers, d) for d in decisions)
            session.flush()
            snapshot = {
                "configurations": snapshot_of(configuration_rows(session, project_id, user.id)),
                "consultation": {"session_id": session_id, "title": found.title, "changes": changes},
            }
            return add_version(session, user, project_id, name, description, snapshot)
    except IntegrityError:
        raise Conflict(f"a version named {name!r} already exists") from None


def session_changes(session: Session, project_id: int, session_id: int) -> list[SessionChange]:
    """The changes programme theory versions record as caused by this session, oldest first."""
    versions = session.scalars(
        select(ProgrammeTheoryVersion)
        .where(ProgrammeTheoryVersion.project_id == project_id)
        .order_by(ProgrammeTheoryVersion.created_at, ProgrammeTheoryVersion.id)
    )
    out = []
    for version in versions:
        cause = version.snapshot.get("consultation") or {}
        if cause.get("session_id") != session_id:
            continue
        for label, change in sorted(cause.get("changes", {}).items()):
            statement = change.get("statement")
            out.append(
                SessionChange(
                    version.id,
                    version.name,
                    label,
                    change.get("status", ""),
                    change.get("note", ""),
                    (statement[0], statement[1]) if statement else None,
                    tuple(change.get("added", [])),
                    tuple(change.get("cited", [])),
                )
            )
    return out


def changes_of(store: Store, username: str, session_id: int) -> list[SessionChange]:
    """What the team changed in the programme theory because of this consultation."""
    with store.transaction() as session:
        found = consultation(session, session_id)
        require(session, found.project_id, username, Action.RUN_CONSULTATIONS)
        return session_changes(session, found.project_id, session_id)
