"""Study use cases: list a project's studies with their characteristics and appraisal."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.studies import short_citation
from workbench.services.access import require_member
from workbench.store import queries
from workbench.store.db import Store


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
                documents,
                excerpts,
            )
            for s, documents, excerpts in queries.studies_of(session, project_id)
        ]
