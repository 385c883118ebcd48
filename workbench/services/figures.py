"""Graph view data: a project's codes, studies, codings and configurations, filtered, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from workbench.domain.appraisal import casp_summary
from workbench.domain.configurations import ConfigurationStatus, ElementRole
from workbench.domain.figures import (
    CodeRef,
    ConfigElement,
    ConfigurationData,
    Evidence,
    ProgrammeData,
    Selection,
    StudyRef,
    apply_selection,
)
from workbench.domain.studies import short_citation
from workbench.services.access import Action, require
from workbench.services.errors import NotFound
from workbench.services.evidence_source import evidence_codings_clause
from workbench.services.gc_pause import gc_paused
from workbench.services.visibility import codings_visible_to
from workbench.store.db import Store
from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    ConfigurationElement,
    ConfigurationLink,
    Document,
    ElementEvidence,
    Excerpt,
    Membership,
    ProgrammeTheoryVersion,
    Project,
    Study,
    StudyAssignment,
    User,
)
from workbench.store.queries_fingerprint import one_row


@dataclass(frozen=True)
class FigureFilters:
    """What every graph view and table can be narrowed to; an empty tuple means no filter.

    Studies are kept when they match every characteristic given (discipline, country, relevance,
    rigour); ``reviewers`` keeps the codings of those coders; ``version_id`` keeps the configurations
    whose label is in that saved programme theory version (drawn with their current evidence, since a
    version stores no per-element evidence); ``statuses`` keeps configurations in those statuses.
    """

    disciplines: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    relevance: tuple[str, ...] = ()
    rigour: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    version_id: int | None = None
    statuses: tuple[str, ...] = ()

    def describe(self) -> list[str]:
        """The filters in force, as lines for a caption or a bundle's README."""
        named = [
            ("discipline", self.disciplines), ("country", self.countries), ("relevance", self.relevance),
            ("rigour", self.rigour), ("reviewer", self.reviewers), ("status", self.statuses),
        ]  # fmt: skip
        lines = [f"{name}: {', '.join(values)}" for name, values in named if values]
        if self.version_id is not None:
            lines.append(f"programme theory version id {self.version_id}")
        return lines


@dataclass(frozen=True)
class FilterOptions:
    """The values each filter can take in a project."""

    disciplines: tuple[str, ...]
    countries: tuple[str, ...]
    ratings: tuple[str, ...]
    reviewers: tuple[str, ...]
    versions: tuple[tuple[int, str], ...]
    statuses: tuple[str, ...]


def filter_options(store: Store, username: str, project_id: int) -> FilterOptions:
    """The disciplines, countries, ratings, reviewers, versions and statuses found in the project."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_THEORY)
        studies = session.execute(
            select(Study.discipline, Study.country, Study.relevance, Study.rigour).where(
                Study.project_id == project_id
            )
        ).all()
        coded = (
            select(Coding.id)
            .join(Code, Coding.code_id == Code.id)
            .where(Coding.coder_id == User.id, Code.project_id == project_id)
        )
        # per user, one index lookup: a DISTINCT over the join reads every coding (50 ms on 40,000)
        reviewers = session.scalars(select(User.username).where(coded.exists())).all()
        versions = session.execute(
            select(ProgrammeTheoryVersion.id, ProgrammeTheoryVersion.name)
            .where(ProgrammeTheoryVersion.project_id == project_id)
            .order_by(ProgrammeTheoryVersion.created_at, ProgrammeTheoryVersion.id)
        ).all()
        ratings = {r.value for s in studies for r in (s.relevance, s.rigour) if r is not None}
        return FilterOptions(
            tuple(sorted({s.discipline for s in studies if s.discipline})),
            tuple(sorted({s.country for s in studies if s.country})),
            tuple(r for r in ("high", "moderate", "low") if r in ratings),
            tuple(sorted(reviewers)),
            tuple((int(i), str(n)) for i, n in versions),
            tuple(s.value for s in ConfigurationStatus),
        )


def reference_text(study: Study) -> str:
    """A full reference: "Okafor, A.; Lee, B. (2024). Title. Journal, 3(2), 10-20. doi:…"."""
    authors = "; ".join(study.authors) or "Anon."
    parts = [f"{authors} ({study.year or 'n.d.'}).", f"{study.title.rstrip('.')}." if study.title else ""]
    where = study.journal
    if study.volume:
        where += f", {study.volume}" + (f"({study.issue})" if study.issue else "")
    if study.pages:
        where += f", {study.pages}"
    parts.append(f"{where}." if where else "")
    parts.append(f"doi:{study.doi}" if study.doi else "")
    return " ".join(p for p in parts if p)


def _study_ref(study: Study) -> StudyRef:
    return StudyRef(
        study.id, study.key, short_citation(study.authors, study.year), reference_text(study), study.country,
        study.discipline, study.participants, study.method,
        study.relevance.value if study.relevance else "", study.rigour.value if study.rigour else "",
        casp_summary(study.casp), study.year,
    )  # fmt: skip


def _codings(
    session: Session,
    project_id: int,
    citations: dict[int, str],
    visible: ColumnElement[bool],
    every: bool = True,
) -> dict[int, Evidence]:
    """The visible codings of the project as evidence by coding id: ``every`` one, or only those that
    support a configuration element (a quarter of them in the large demo)."""
    query = (
        select(
            Coding.id, Excerpt.id, Coding.code_id, Document.study_id, Excerpt.page, Excerpt.start,
            Excerpt.text, User.username,
        )
        .join(Code, Coding.code_id == Code.id)
        .join(Excerpt, Coding.excerpt_id == Excerpt.id)
        .join(Document, Excerpt.document_id == Document.id)
        .join(User, Coding.coder_id == User.id)
        .where(Code.project_id == project_id, evidence_codings_clause(session, project_id), visible)
        .order_by(Coding.id)
    )  # fmt: skip
    if not every:  # a join, not IN: PostgreSQL plans IN (...) as a loop over every code when unsure
        supporting = (
            select(ElementEvidence.coding_id)
            .join(ConfigurationElement, ConfigurationElement.id == ElementEvidence.element_id)
            .join(Configuration, Configuration.id == ConfigurationElement.configuration_id)
            .where(Configuration.project_id == project_id)
            .distinct()
            .subquery()
        )
        query = query.join(supporting, supporting.c.coding_id == Coding.id)
    rows = session.execute(query).all()
    return {
        cid: Evidence(cid, xid, code, study, citations[study], page, start, text, coder)
        for cid, xid, code, study, page, start, text, coder in rows
    }


def _configurations(
    session: Session, project_id: int, codings: dict[int, Evidence]
) -> list[ConfigurationData]:
    configs = session.execute(
        select(Configuration.id, Configuration.label, Configuration.statement, Configuration.status,
               Configuration.nested)
        .where(Configuration.project_id == project_id)
        .order_by(Configuration.label)
    ).all()  # fmt: skip
    elements = session.execute(
        select(ConfigurationElement.id, ConfigurationElement.configuration_id, ConfigurationElement.code_id,
               ConfigurationElement.role)
        .join(Configuration)
        .where(Configuration.project_id == project_id)
        .order_by(ConfigurationElement.position, ConfigurationElement.id)
    ).all()  # fmt: skip
    support: dict[int, list[Evidence]] = {}
    for element_id, coding_id in session.execute(
        select(ElementEvidence.element_id, ElementEvidence.coding_id)
        .join(ConfigurationElement)
        .join(Configuration)
        .where(Configuration.project_id == project_id)
        .order_by(ElementEvidence.element_id, ElementEvidence.coding_id)  # each element's by coding
    ):
        found = codings.get(coding_id)
        if found is not None:
            support.setdefault(element_id, []).append(found)
    by_config: dict[int, list[ConfigElement]] = {}
    roles = list(ElementRole)
    for element_id, config_id, code_id, role in elements:
        by_config.setdefault(config_id, []).append(
            ConfigElement(role, code_id, tuple(support.get(element_id, ())))
        )
    out = []
    for cid, label, statement, status, nested in configs:
        parts = tuple(sorted(by_config.get(cid, []), key=lambda e: roles.index(e.role)))
        out.append(ConfigurationData(cid, label, statement, status.value, parts, nested))
    return out


def _selection(
    session: Session, project_id: int, studies: tuple[StudyRef, ...], filters: FigureFilters
) -> Selection:
    def matches(study: StudyRef) -> bool:
        checks = [
            (filters.disciplines, study.discipline), (filters.countries, study.country),
            (filters.relevance, study.relevance), (filters.rigour, study.rigour),
        ]  # fmt: skip
        return all(not wanted or value in wanted for wanted, value in checks)

    study_filter = any((filters.disciplines, filters.countries, filters.relevance, filters.rigour))
    labels = None
    if filters.version_id is not None:
        version = session.get(ProgrammeTheoryVersion, filters.version_id)
        if version is None or version.project_id != project_id:
            raise NotFound(f"programme theory version {filters.version_id} does not exist in this project")
        labels = frozenset(str(c["label"]) for c in version.snapshot.get("configurations", []))
    return Selection(
        study_ids=frozenset(s.id for s in studies if matches(s)) if study_filter else None,
        coders=frozenset(filters.reviewers) if filters.reviewers else None,
        statuses=frozenset(filters.statuses) if filters.statuses else None,
        labels=labels,
    )


def programme_revision(
    store: Store, username: str, project_id: int, action: Action = Action.READ_THEORY
) -> tuple[object, ...]:
    """A fingerprint of everything :func:`programme` reads (also all the codebook tree, the configurations
    and the versions read), in one statement: while it is unchanged, data read earlier by the same user
    is still current. ``action`` is what the caller may do (reading theory, or studies)."""
    with store.transaction() as session:
        user = require(session, project_id, username, action)
        row = one_row(session, _revision_parts(project_id, user.id))
        return (user.id, *(str(v) for v in row))


def _revision_parts(project_id: int, user_id: int) -> list[Select[*tuple[Any, ...]]]:
    """The one-row queries of :func:`programme_revision`: the project's settings, studies (and their
    release), codes, codings, configurations with their elements, evidence and links, versions, and
    what decides what ``user_id`` may see (their role, the study assignments)."""
    in_codes = Code.project_id == project_id
    in_configs = Configuration.project_id == project_id
    element_ids = select(ConfigurationElement.id).join(Configuration).where(in_configs)
    config_ids = select(Configuration.id).where(in_configs)

    def edited(model: type[Study] | type[Code] | type[Configuration] | type[Coding]) -> list[Any]:
        return [
            func.count(model.id),
            func.sum(model.id),
            func.sum(model.version_id),
            func.max(model.updated_at),
        ]

    return [
        select(Project.version_id, Project.blind_coding, Project.consensus_only)
        .where(Project.id == project_id),
        select(*edited(Study), func.count(Study.released_at), func.max(Study.released_at)).where(
            Study.project_id == project_id
        ),
        select(*edited(Code)).where(in_codes),
        select(*edited(Coding)).join(Code, Code.id == Coding.code_id).where(in_codes),
        select(*edited(Configuration)).where(in_configs),
        select(func.count(ConfigurationElement.id), func.sum(ConfigurationElement.code_id)).where(
            ConfigurationElement.configuration_id.in_(config_ids)
        ),
        select(func.count(ElementEvidence.id), func.sum(ElementEvidence.id)).where(
            ElementEvidence.element_id.in_(element_ids)
        ),
        select(func.count(ConfigurationLink.id), func.sum(ConfigurationLink.id)).where(
            ConfigurationLink.from_id.in_(config_ids)
        ),
        select(func.count(ProgrammeTheoryVersion.id), func.sum(ProgrammeTheoryVersion.id)).where(
            ProgrammeTheoryVersion.project_id == project_id
        ),
        select(  # the viewer's role (what blind coding hides from them)
            select(Membership.role)
            .where(Membership.project_id == project_id, Membership.user_id == user_id)
            .scalar_subquery()
        ),
        select(
            func.count(StudyAssignment.id), func.sum(StudyAssignment.id), func.sum(StudyAssignment.user_id),
            func.count(StudyAssignment.done_at),
        ).where(StudyAssignment.project_id == project_id),
    ]  # fmt: skip


def programme(
    store: Store,
    username: str,
    project_id: int,
    filters: FigureFilters | None = None,
    action: Action = Action.READ_THEORY,
    *,
    codings: bool = True,
) -> ProgrammeData:
    """The project's codes, studies, codings, configurations and chains, with the filters applied;
    ``action`` is what the caller does with them (reading, or exporting).

    With ``codings=False`` the result's ``codings`` is empty and only the codings supporting a
    configuration element are read: everything else is the same (what the infographics, the Sankey, the
    context × outcome matrix, the chains and the configurations table draw on). The study × code matrix
    and the tables of codes by study, data examples and study characteristics need every coding."""
    filters = filters or FigureFilters()
    with gc_paused():  # some 100,000 small objects, none in a cycle
        with store.transaction() as session:
            user = require(session, project_id, username, action)
            data = _read(session, project_id, user.id, codings)
            selection = _selection(session, project_id, data.studies, filters)
        notes = []
        if selection.labels is not None:
            missing = sorted(selection.labels - {c.label for c in data.configurations})
            if missing:
                notes.append(f"configurations of that version deleted since: {', '.join(missing)}")
        kept = apply_selection(data, selection)
        return replace(kept, notes=tuple(notes))


def _read(session: Session, project_id: int, user_id: int, every_coding: bool) -> ProgrammeData:
    """Every code, study, visible coding (or none, see :func:`programme`), configuration and chain link
    of the project, unfiltered."""
    studies = session.scalars(select(Study).where(Study.project_id == project_id).order_by(Study.key)).all()
    codes = session.execute(
        select(Code.id, Code.name, Code.kind, Code.parent_id, Code.colour, Code.position)
        .where(Code.project_id == project_id)
        .order_by(Code.id)
    )
    citations = {s.id: short_citation(s.authors, s.year) for s in studies}
    visible = codings_visible_to(session, project_id, user_id)
    codings = _codings(session, project_id, citations, visible, every_coding)
    configurations = _configurations(session, project_id, codings)
    links = session.execute(
        select(ConfigurationLink.from_id, ConfigurationLink.to_id).where(
            ConfigurationLink.from_id.in_(
                select(Configuration.id).where(Configuration.project_id == project_id)
            )
        )
    )
    return ProgrammeData(
        tuple(CodeRef(*code) for code in codes),
        tuple(_study_ref(s) for s in studies),
        tuple(configurations),
        tuple(codings.values()) if every_coding else (),
        tuple((int(a), int(b)) for a, b in links),
    )
