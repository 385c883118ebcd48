"""Graph view data: a project's codes, studies, codings and configurations, filtered, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, FromClause, func, select, true
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
    ProgrammeTheoryVersion,
    Project,
    Study,
    User,
)


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
        studies = session.scalars(select(Study).where(Study.project_id == project_id)).all()
        reviewers = session.scalars(
            select(User.username)
            .join(Coding, Coding.coder_id == User.id)
            .join(Code, Coding.code_id == Code.id)
            .where(Code.project_id == project_id)
            .distinct()
        ).all()
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
    session: Session, project_id: int, citations: dict[int, str], visible: ColumnElement[bool]
) -> dict[int, Evidence]:
    rows = session.execute(
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
    ).all()  # fmt: skip
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
    ):
        if coding_id in codings:
            support.setdefault(element_id, []).append(codings[coding_id])
    by_config: dict[int, list[ConfigElement]] = {}
    roles = list(ElementRole)
    for element_id, config_id, code_id, role in elements:
        found = sorted(support.get(element_id, []), key=lambda e: e.coding_id)
        by_config.setdefault(config_id, []).append(ConfigElement(role, code_id, tuple(found)))
    out = []
    for cid, label, statement, status, nested in configs:
        parts = tuple(sorted(by_config.get(cid, []), key=lambda e: roles.index(e.role)))
        out.append(ConfigurationData(cid, label, statement, status.value, parts, nested))
    return out


def _selection(session: Session, project_id: int, studies: list[Study], filters: FigureFilters) -> Selection:
    def matches(study: Study) -> bool:
        checks = [
            (filters.disciplines, study.discipline), (filters.countries, study.country),
            (filters.relevance, study.relevance.value if study.relevance else ""),
            (filters.rigour, study.rigour.value if study.rigour else ""),
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

        parts = [
            select(Project.version_id, Project.blind_coding, Project.consensus_only).where(
                Project.id == project_id
            ),
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
        ]
        subqueries = [query.subquery() for query in parts]  # one row each: joined, still one row
        joined: FromClause = subqueries[0]
        for subquery in subqueries[1:]:
            joined = joined.join(subquery, true())
        row = session.execute(select(*[c for sq in subqueries for c in sq.c]).select_from(joined)).one()
        return (user.id, *(str(v) for v in row))


def programme(
    store: Store,
    username: str,
    project_id: int,
    filters: FigureFilters | None = None,
    action: Action = Action.READ_THEORY,
) -> ProgrammeData:
    """The project's codes, studies, codings, configurations and chains, with the filters applied;
    ``action`` is what the caller does with them (reading, or exporting)."""
    filters = filters or FigureFilters()
    with store.transaction() as session:
        user = require(session, project_id, username, action)
        studies = list(
            session.scalars(select(Study).where(Study.project_id == project_id).order_by(Study.key))
        )
        codes = session.scalars(select(Code).where(Code.project_id == project_id)).all()
        citations = {s.id: short_citation(s.authors, s.year) for s in studies}
        codings = _codings(session, project_id, citations, codings_visible_to(session, project_id, user.id))
        configurations = _configurations(session, project_id, codings)
        ids = {c.id for c in configurations}
        links = session.execute(
            select(ConfigurationLink.from_id, ConfigurationLink.to_id).where(
                ConfigurationLink.from_id.in_(ids)
            )
        ).all()
        selection = _selection(session, project_id, studies, filters)
        data = ProgrammeData(
            tuple(CodeRef(c.id, c.name, c.kind, c.parent_id, c.colour, c.position) for c in codes),
            tuple(_study_ref(s) for s in studies),
            tuple(configurations),
            tuple(codings.values()),
            tuple((int(a), int(b)) for a, b in links),
        )
    notes = []
    if selection.labels is not None:
        missing = sorted(selection.labels - {c.label for c in configurations})
        if missing:
            notes.append(f"configurations of that version deleted since: {', '.join(missing)}")
    kept = apply_selection(data, selection)
    return replace(kept, notes=tuple(notes))
