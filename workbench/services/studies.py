"""Study use cases: list a project's studies, read one, and show its original PDF page beside the text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select

from workbench.domain.appraisal import casp_summary
from workbench.domain.reading import reader_parts
from workbench.domain.spans import page_of
from workbench.domain.studies import short_citation
from workbench.importers.pdf import PDF_MEDIA_TYPE, render_page
from workbench.services.access import Action, require
from workbench.services.errors import Invalid, NotFound
from workbench.services.rows.studies import guessed_fields
from workbench.services.visibility import visibility
from workbench.store import queries
from workbench.store.db import Store
from workbench.store.models import Document, Study


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
    guessed: tuple[str, ...] = ()


def list_studies(store: Store, username: str, project_id: int) -> list[StudyRow]:
    """Every study of a project the acting user belongs to."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.READ_STUDIES)
        seen = visibility(session, project_id, user.id)
        visible = seen.clause if seen.blinded else None
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
                {k: v for k, v in s.extras.items() if not k.startswith("_")},
                documents,
                excerpts,
                tuple(guessed_fields(s)),
            )
            for s, documents, excerpts in queries.studies_of(session, project_id, visible)
        ]


@dataclass(frozen=True)
class StudyText:
    """A study's full text split at its page boundaries, for the reader view.

    ``parts`` is what the reader shows: like ``pages``, but a page opening mid-sentence is joined to
    the part before it with its marker inline. ``sha256`` identifies the original file.
    """

    study_id: int
    citation: str
    title: str
    filename: str
    pages: list[tuple[int | None, str]]
    parts: list[tuple[int | None, str]] = field(default_factory=list)
    sha256: str = ""
    is_pdf: bool = False
    has_original: bool = False  # the PDF file itself is stored (imports before 6675e9b74d42 lack it)


def read_study(store: Store, username: str, study_id: int) -> StudyText | None:
    """The first full text of a study as (page number or None, text) parts; None when it has none."""
    with store.transaction() as session:
        study = session.get(Study, study_id)
        if study is None:
            raise NotFound(f"study {study_id} does not exist")
        require(session, study.project_id, username, Action.READ_STUDIES)
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
            study.id,
            short_citation(study.authors, study.year),
            study.title,
            document.source_filename,
            pages,
            reader_parts(text, starts),
            document.sha256,
            document.media_type == PDF_MEDIA_TYPE,
            session.scalar(select(Document.original.is_not(None)).where(Document.id == document.id)) or False,
        )


def page_image(store: Store, username: str, study_id: int, page: int, data: bytes | None = None) -> bytes:
    """Page ``page`` of the study's original PDF as a PNG.

    PDFs imported since the store kept originals are rendered from the stored file; for older ones
    the reviewer supplies ``data`` again, rendered only when it is the very file the text came from.
    """
    with store.transaction() as session:
        study = session.get(Study, study_id)
        if study is None:
            raise NotFound(f"study {study_id} does not exist")
        require(session, study.project_id, username, Action.READ_STUDIES)
        if not study.documents or study.documents[0].media_type != PDF_MEDIA_TYPE:
            raise Invalid("this study's full text is not a PDF, so there is no page to show")
        document = study.documents[0]
        stored, expected = document.original, document.sha256
    if stored is not None:
        return render_page(stored, page)
    if data is None:
        raise Invalid(
            "this PDF was imported before the workbench kept files: choose the same PDF to see its pages"
        )
    if hashlib.sha256(data).hexdigest() != expected:
        raise Invalid("this is not the PDF this study's text was imported from; choose that file")
    return render_page(data, page)
