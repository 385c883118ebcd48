"""Configuration (CMOC) use cases: build, evidence, status, and listing with "coded in N papers"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from workbench.domain.configurations import (
    ConfigurationStatus,
    Element,
    ElementRole,
    check_elements,
)
from workbench.domain.studies import short_citation
from workbench.services.access import Action, allowed_actions, require, require_for_work
from workbench.services.errors import Invalid, NotFound, check_version, stale_as_conflict
from workbench.services.evidence import check_evidence, replace_evidence
from workbench.services.evidence_source import EvidenceSource, evidence_source
from workbench.services.visibility import CodingVisibility, visibility, visibility_of_name
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    ConfigurationElement,
    Document,
    ElementEvidence,
    Excerpt,
    Study,
    User,
)


@dataclass(frozen=True)
class EvidenceRow:
    """A coding supporting an element: the quote, where it comes from, and who coded it."""

    coding_id: int
    study: str
    page: int | None
    quote: str
    coder: str


@dataclass(frozen=True)
class ElementRow:
    """A code in a role of a configuration, with its supporting codings."""

    id: int
    role: str
    code_id: int
    code: str
    evidence: tuple[EvidenceRow, ...]

    @property
    def n_studies(self) -> int:
        """Distinct studies behind this element."""
        return len({e.study for e in self.evidence})


@dataclass(frozen=True)
class ConfigurationRow:
    """A configuration with its elements and how many studies support it."""

    id: int
    label: str
    statement: str
    contexts: tuple[str, ...]
    mechanisms: tuple[str, ...]
    outcomes: tuple[str, ...]
    nested: bool
    status: str
    status_note: str
    status_evidence: tuple[int, ...]
    studies: tuple[str, ...]
    elements: tuple[ElementRow, ...]
    version: int
    status_ratings: tuple[int, ...] = ()  # consultation answers cited (configuration_ratings ids)

    @property
    def n_studies(self) -> int:
        """Coded in N papers: distinct studies whose codings support any element."""
        return len(self.studies)


_LOAD = (
    selectinload(Configuration.elements).selectinload(ConfigurationElement.code),
    selectinload(Configuration.elements)
    .selectinload(ConfigurationElement.evidence)
    .selectinload(ElementEvidence.coding)
    .options(
        selectinload(Coding.coder),
        selectinload(Coding.excerpt).selectinload(Excerpt.document).selectinload(Document.study),
    ),
)


def _row(
    config: Configuration, source: EvidenceSource | None = None, seen: CodingVisibility | None = None
) -> ConfigurationRow:
    elements = []
    for element in sorted(config.elements, key=lambda e: (list(ElementRole).index(e.role), e.position)):
        evidence = tuple(
            EvidenceRow(
                ev.coding_id,
                short_citation(
                    ev.coding.excerpt.document.study.authors, ev.coding.excerpt.document.study.year
                ),
                ev.coding.excerpt.page,
                ev.coding.excerpt.text,
                ev.coding.coder.username,
            )
            for ev in element.evidence
            if source is None or source.admits(ev.coding.coder.username)
            if seen is None or seen.admits(ev.coding.excerpt.document.study_id, ev.coding.coder_id)
        )
        elements.append(
            ElementRow(element.id, element.role.value, element.code_id, element.code.name, evidence)
        )

    def names(role: ElementRole) -> tuple[str, ...]:
        return tuple(e.code for e in elements if e.role == role.value)

    studies = tuple(sorted({ev.study for e in elements for ev in e.evidence}))
    return ConfigurationRow(
        config.id, config.label, config.statement, names(ElementRole.CONTEXT), names(ElementRole.MECHANISM),
        names(ElementRole.OUTCOME), config.nested, config.status.value, config.status_note,
        tuple(config.status_evidence), studies, tuple(elements), config.version_id,
        tuple(config.status_ratings or ()),
    )  # fmt: skip


def list_configurations(store: Store, username: str, project_id: int) -> list[ConfigurationRow]:
    """Every configuration of a project, by label, with the studies behind its evidence."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.READ_THEORY)
        return configuration_rows(session, project_id, user.id)


def configuration_rows(session: Session, project_id: int, user_id: int) -> list[ConfigurationRow]:
    """The project's configurations as ``user_id`` sees them, inside a caller's transaction."""
    source = evidence_source(session, project_id)
    seen = visibility(session, project_id, user_id)
    return _rows_of_columns(session, project_id, source, seen)


def _rows_of_columns(
    session: Session, project_id: int, source: EvidenceSource, seen: CodingVisibility
) -> list[ConfigurationRow]:
    """What ``_row`` makes of every configuration, from three column queries instead of ORM rows
    (a 2,000-configuration project loads 40,000 ORM objects otherwise)."""
    in_project = ConfigurationElement.configuration_id.in_(
        select(Configuration.id).where(Configuration.project_id == project_id)
    )
    evidence: dict[int, list[EvidenceRow]] = {}
    citations = {
        study.id: short_citation(study.authors, study.year)
        for study in session.execute(
            select(Study.id, Study.authors, Study.year).where(Study.project_id == project_id)
        )
    }
    for ev in session.execute(
        select(
            ElementEvidence.element_id, ElementEvidence.coding_id, Excerpt.page, Excerpt.text,
            User.username, Coding.coder_id, Document.study_id,
        )
        .join(ConfigurationElement, ConfigurationElement.id == ElementEvidence.element_id)
        .join(Coding, Coding.id == ElementEvidence.coding_id)
        .join(User, User.id == Coding.coder_id)
        .join(Excerpt, Excerpt.id == Coding.excerpt_id)
        .join(Document, Document.id == Excerpt.document_id)
        .where(in_project)
        .order_by(ElementEvidence.id)
    ):  # fmt: skip
        if source.admits(ev.username) and seen.admits(ev.study_id, ev.coder_id):
            found = EvidenceRow(ev.coding_id, citations[ev.study_id], ev.page, ev.text, ev.username)
            evidence.setdefault(ev.element_id, []).append(found)
    roles = list(ElementRole)
    elements: dict[int, list[ElementRow]] = {}
    for el in sorted(
        session.execute(
            select(
                ConfigurationElement.id, ConfigurationElement.configuration_id, ConfigurationElement.role,
                ConfigurationElement.position, ConfigurationElement.code_id, Code.name,
            )
            .join(Code, Code.id == ConfigurationElement.code_id)
            .where(in_project)
            .order_by(ConfigurationElement.id)
        ),
        key=lambda el: (roles.index(el.role), el.position),
    ):  # fmt: skip
        element = ElementRow(el.id, el.role.value, el.code_id, el.name, tuple(evidence.get(el.id, ())))
        elements.setdefault(el.configuration_id, []).append(element)
    out = []
    for config in session.execute(
        select(
            Configuration.id, Configuration.label, Configuration.statement, Configuration.nested,
            Configuration.status, Configuration.status_note, Configuration.status_evidence,
            Configuration.version_id, Configuration.status_ratings,
        )
        .where(Configuration.project_id == project_id)
        .order_by(Configuration.label)
    ):  # fmt: skip
        own = tuple(elements.get(config.id, ()))

        def names(role: ElementRole, own: tuple[ElementRow, ...] = own) -> tuple[str, ...]:
            return tuple(e.code for e in own if e.role == role.value)

        studies = tuple(sorted({ev.study for e in own for ev in e.evidence}))
        out.append(
            ConfigurationRow(
                config.id, config.label, config.statement, names(ElementRole.CONTEXT),
                names(ElementRole.MECHANISM), names(ElementRole.OUTCOME), config.nested, config.status.value,
                config.status_note, tuple(config.status_evidence), studies, own, config.version_id,
                tuple(config.status_ratings or ()),
            )
        )  # fmt: skip
    return out


def _config(session: Session, config_id: int, username: str) -> Configuration:
    config = session.get(Configuration, config_id, options=_LOAD)
    if config is None:
        raise NotFound(f"configuration {config_id} does not exist")
    require(session, config.project_id, username, Action.READ_THEORY)
    return config


def _changing(session: Session, config: Configuration, username: str) -> User:
    """The acting user, if they may change this configuration (another member's needs the owner)."""
    return require_for_work(
        session, config.project_id, username, Action.BUILD_CONFIGURATIONS, [config.created_by_id]
    )


def get_configuration(store: Store, username: str, config_id: int) -> ConfigurationRow:
    """One configuration with its elements and evidence."""
    with store.transaction() as session:
        config = _config(session, config_id, username)
        seen = visibility_of_name(session, config.project_id, username)
        return _row(config, evidence_source(session, config.project_id), seen)


def _codes(session: Session, project_id: int, ids: Sequence[int]) -> list[Code]:
    codes = list(session.scalars(select(Code).where(Code.project_id == project_id, Code.id.in_(ids))))
    if len(codes) != len(set(ids)):
        raise NotFound("some codes are not in this project")
    return sorted(codes, key=lambda c: list(ids).index(c.id))


def _snapshot(config: Configuration) -> dict[str, object]:
    return {
        "label": config.label, "statement": config.statement, "status": config.status.value,
        "status_note": config.status_note, "nested": config.nested,
        "elements": [[e.role.value, e.code_id] for e in config.elements],
    }  # fmt: skip


def create_configuration(
    store: Store,
    username: str,
    project_id: int,
    statement: str,
    context_ids: Sequence[int],
    mechanism_ids: Sequence[int],
    outcome_ids: Sequence[int],
    *,
    label: str = "",
    nested: bool = False,
    evidence: Mapping[int, Sequence[int]] | None = None,
) -> int:
    """Create a configuration from codes in their roles (checked by the domain rules), with the codings
    that support each code (``evidence``, by code id), in one transaction; returns its id."""
    if not statement.strip():
        raise Invalid("write the configuration's statement: in context C, M leads to O because …")
    with store.transaction() as session:
        user = require(session, project_id, username, Action.BUILD_CONFIGURATIONS)
        roles = [(ElementRole.CONTEXT, context_ids), (ElementRole.MECHANISM, mechanism_ids)]
        roles.append((ElementRole.OUTCOME, outcome_ids))
        chosen = [(role, code) for role, ids in roles for code in _codes(session, project_id, ids)]
        check_elements(Element(role, code.name, code.kind) for role, code in chosen)
        count = session.scalar(select(func.count()).where(Configuration.project_id == project_id)) or 0
        config = Configuration(
            project_id=project_id, label=label.strip() or f"C{count + 1:02d}", statement=statement.strip(),
            nested=nested, created_by_id=user.id,
        )  # fmt: skip
        config.elements = [
            ConfigurationElement(code_id=code.id, role=role, position=i)
            for i, (role, code) in enumerate(chosen)
        ]
        session.add(config)
        session.flush()
        record(
            session, action=AuditAction.CREATE, entity_type="configuration", entity_id=config.id,
            user_id=user.id, project_id=project_id, after=_snapshot(config),
        )  # fmt: skip
        _attach(session, config, evidence or {}, user.id)
        return config.id


def _attach(
    session: Session, config: Configuration, evidence: Mapping[int, Sequence[int]], user_id: int
) -> None:
    elements = {element.code_id: element for element in config.elements}
    unknown = set(evidence) - set(elements)
    if unknown:
        raise Invalid("evidence can only be attached to the codes chosen for the configuration")
    for code_id, coding_ids in evidence.items():
        element = elements[code_id]
        replace_evidence(session, element, check_evidence(session, element.code, coding_ids), user_id)


def update_configuration(
    store: Store,
    username: str,
    config_id: int,
    *,
    expected_version: int,
    statement: str | None = None,
    status: ConfigurationStatus | None = None,
    status_note: str | None = None,
    status_evidence: Sequence[int] | None = None,
    nested: bool | None = None,
) -> None:
    """Edit the statement, nested flag, or status (revised/refuted with a note and the codings behind it).
    An edit made on an older version, or racing another one, is refused with ``Conflict``."""
    with stale_as_conflict(f"configuration {config_id}"), store.transaction() as session:
        config = _config(session, config_id, username)
        user = _changing(session, config, username)
        check_version(config.version_id, expected_version, config.label)
        before = _snapshot(config)
        if statement is not None:
            config.statement = statement.strip()
        if status is not None:
            config.status = status
        if status_note is not None:
            config.status_note = status_note.strip()
        if status_evidence is not None:
            config.status_evidence = _project_codings(session, config.project_id, status_evidence)
        if nested is not None:
            config.nested = nested
        record(
            session, action=AuditAction.UPDATE, entity_type="configuration", entity_id=config.id,
            user_id=user.id, project_id=config.project_id, before=before, after=_snapshot(config),
        )  # fmt: skip


def _project_codings(session: Session, project_id: int, ids: Sequence[int]) -> list[int]:
    found = set(
        session.scalars(select(Coding.id).join(Code).where(Code.project_id == project_id, Coding.id.in_(ids)))
    )
    if found != set(ids):
        raise NotFound("some codings are not in this project")
    return sorted(found)


def delete_configuration(store: Store, username: str, config_id: int) -> dict[str, object]:
    """Delete a configuration; returns its snapshot (kept in the audit log)."""
    with store.transaction() as session:
        config = _config(session, config_id, username)
        user = _changing(session, config, username)
        snapshot = _snapshot(config)
        record(
            session, action=AuditAction.DELETE, entity_type="configuration", entity_id=config.id,
            user_id=user.id, project_id=config.project_id, before=snapshot,
        )  # fmt: skip
        session.delete(config)
        return snapshot


@dataclass(frozen=True)
class RoleOption:
    """A code that can fill a role in a configuration."""

    id: int
    name: str
    kind: str


def role_options(store: Store, username: str, project_id: int) -> dict[str, list[RoleOption]]:
    """The project's codes by kind (context, mechanism, outcome), sub-codes included, by name."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_THEORY)
        codes = session.scalars(select(Code).where(Code.project_id == project_id).order_by(Code.name)).all()
        out: dict[str, list[RoleOption]] = {role.value: [] for role in ElementRole}
        for code in codes:
            if code.kind.value in out:
                out[code.kind.value].append(RoleOption(code.id, code.name, code.kind.value))
        return out


def changeable(store: Store, username: str, project_id: int) -> frozenset[int]:
    """The ids of the project's configurations the user may edit or delete (pages offer only those)."""
    with store.transaction() as session:
        allowed = allowed_actions(session, project_id, username)
        if Action.BUILD_CONFIGURATIONS not in allowed:
            return frozenset()
        query = select(Configuration.id).where(Configuration.project_id == project_id)
        if Action.EDIT_CONFIGURATIONS_OF_OTHERS not in allowed:
            user = require(session, project_id, username, Action.BUILD_CONFIGURATIONS)
            query = query.where(Configuration.created_by_id == user.id)
        return frozenset(session.scalars(query))
