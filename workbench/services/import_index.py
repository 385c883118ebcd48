"""The store side of a batch import: one writer per project at a time, and the batch index kept current."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workbench.domain.studies import Reference
from workbench.domain.study_index import IndexedStudy, StudyIndex
from workbench.store.models import Document, Project, Study

_REFERENCE_COLUMNS = (
    Study.title,
    Study.authors,
    Study.year,
    Study.journal,
    Study.volume,
    Study.issue,
    Study.pages,
    Study.doi,
)


def lock_project(session: Session, project_id: int) -> None:
    """Serialise the writers of one project until the transaction ends.

    PostgreSQL locks the project row; SQLite takes its database write lock now rather than at the
    first insert, so what the transaction reads next cannot change before it writes.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Project.id).where(Project.id == project_id).with_for_update())
    else:
        session.execute(
            update(Project).where(Project.id == project_id).values(id=Project.id),
            execution_options={"synchronize_session": False},
        )


def indexed(study: Study, has_documents: bool = False) -> IndexedStudy:
    """How the index holds a study row."""
    return IndexedStudy(study.id, study.key, _reference(study), has_documents)


def _reference(row: Any) -> Reference:
    """The reference fields of a study row (an ORM row or a selected row with the same names)."""
    return Reference(
        title=row.title, authors=list(row.authors), year=row.year, journal=row.journal,
        volume=row.volume, issue=row.issue, pages=row.pages, doi=row.doi,
    )  # fmt: skip


def catch_up(session: Session, index: StudyIndex, project_id: int) -> None:
    """Add the studies and full texts stored since the index last looked (by this batch or another)."""
    rows = session.execute(
        select(Study.id, Study.key, *_REFERENCE_COLUMNS)
        .where(Study.project_id == project_id, Study.id > index.last_study_id)
        .order_by(Study.id)
    )
    for row in rows:
        index.add_study(IndexedStudy(row.id, row.key, _reference(row)))
    documents = session.execute(
        select(Document.id, Document.study_id, Document.sha256)
        .join(Study, Study.id == Document.study_id)
        .where(Study.project_id == project_id, Document.id > index.last_document_id)
        .order_by(Document.study_id, Document.id)
    )
    for document_id, study_id, sha256 in documents:
        index.add_document(document_id, study_id, sha256)
