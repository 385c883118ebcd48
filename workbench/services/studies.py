"""Study use cases: list a project's studies with their characteristics and appraisal."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.appraisal import casp_summary
from workbench.domain.spans import page_of
from workbench.domain.studies import short_citation
from workbench.services.access import NotFound, require_member
from workbench.store import queries
from workbench.store.db import Store
from workbench.store.models import Study


@dataclass(frozen=True)
class StudyRow:
    """One study as shown in the studies table."""

    id: int
    key: str
    citation: str
    title: str
    year: int | None
    journal: str
    doi: str | None
    country: str
    setting: str
    discipline: str
    participants: int | None
    method: str
    relevance: str
    rigour: str
    casp: str
    extras: dict[str, object]
    documents: int
    excerpts: int


def list_studies(store: Store, username: str, project_id: int) -> list[StudyRow]:
    """Every study of a project the acting user belongs to."""
    with store.transaction() as session:
        require_member(session, project_id, username)
        return [
            StudyRow(
                s.id,
                s.key,
                short_citation(s.authors, s.year),
                s.title,
                s.year,
                s.journal,
                s.doi,
                s.country,
                s.setting,
                s.discipline,
                s.participants,
                s.method,
                s.relevance.value if s.relevance else "",
                s.rigour.value if s.rigour else "",
                casp_summary(s.casp),
                dict(s.extras),
                documents,
                excerpts,
            )
            for s, documents, excerpts in queries.studies_of(session, project_id)
        ]


@dataclass(frozen=True)
class StudyText:
    """A study's full text split at its page boundaries, for the reader view."""

    study_id: int
    citation: str
    title: str
    filename: str
    pages: list[tuple[int | None, str]]


def read_study(store: Store, username: str, study_id: int) -> StudyText | None:
    """The first full text of a study as (page number or None, text) parts; None when it has none."""
    with store.transaction() as session:
        study = session.get(Study, study_id)
        if study is None:
            raise NotFound(f"study {study_id} does not exist")
        require_member(session, study.project_id, username)
        if not study.documents:
            return None
        document = study.documents[0]
        text, starts = document.text, document.page_starts
        if not starts:
            pages: list[tuple[int | None, str]] = [(None, text)]
        else:
            bounds = [*starts, len(text)]
            pages = [
                (page_of(bounds[i], starts), text[bounds[i] : bounds[i + 1]]) for i in range(len(starts))
            ]
        return StudyText(
            study.id, short_citation(study.authors, study.year), study.title, document.source_filename, pages
        )
