"""Writing studies and their documents: shared by batch import and the demo loader."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.characteristics import participants
from workbench.domain.studies import Reference
from workbench.importers.pdf_metadata import GuessedReference
from workbench.importers.text_types import ExtractedText
from workbench.store.enums import Rating
from workbench.store.models import Document, Study

REFERENCE_FIELDS = (
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "abstract",
    "keywords",
)
# Study.extras key (private: not an extraction field) naming the reference fields guessed from the full text.
GUESSED_KEY = "_metadata_guessed"


def guessed_fields(study: Study) -> list[str]:
    """The reference fields read off the study's full text and not yet confirmed by a reviewer."""
    return list((study.extras or {}).get(GUESSED_KEY) or [])


def set_guessed(study: Study, names: list[str]) -> None:
    """Record which fields are guesses still to confirm (none: the mark is removed)."""
    extras = {k: v for k, v in (study.extras or {}).items() if k != GUESSED_KEY}
    study.extras = {**extras, GUESSED_KEY: names} if names else extras


def unique_key(session: Session, project_id: int, wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... if the project already has that study key."""
    taken = set(
        session.scalars(
            select(Study.key).where(
                Study.project_id == project_id, Study.key.startswith(wanted, autoescape=True)
            )
        )
    )
    key, n = wanted, 1
    while key in taken:
        n += 1
        key = f"{wanted}-{n}"
    return key


def new_study(session: Session, project_id: int, key: str, reference: Reference) -> Study:
    """Insert a study from its reference metadata."""
    study = Study(project_id=project_id, key=unique_key(session, project_id, key))
    for name in REFERENCE_FIELDS:
        setattr(study, name, getattr(reference, name))
    if isinstance(reference, GuessedReference) and reference.guessed:
        set_guessed(study, list(reference.guessed))
    session.add(study)
    session.flush()
    return study


def fill_blanks(study: Study, reference: Reference) -> list[str]:
    """Merge a duplicate reference: copy only the fields the study lacks; returns their names."""
    filled = []
    for name in REFERENCE_FIELDS:
        value = getattr(reference, name)
        if value and not getattr(study, name):
            setattr(study, name, value)
            filled.append(name)
    return filled


def attach_document(session: Session, study: Study, filename: str, extracted: ExtractedText) -> Document:
    """Store a full text for a study; its text never changes afterwards."""
    document = Document(
        study_id=study.id,
        text=extracted.text,
        source_filename=filename,
        media_type=extracted.media_type,
        sha256=extracted.sha256,
        page_starts=extracted.page_starts,
        original=extracted.original,
    )
    session.add(document)
    session.flush()
    return document


def _rating(value: Any) -> Rating | None:
    text = str(value or "").strip().lower()
    return Rating(text) if text else None


def apply_characteristics(study: Study, values: dict[str, Any]) -> bool:
    """Set characteristics and appraisal from a characteristics row; True when anything changed."""
    wanted: dict[str, Any] = {
        k: values[k] for k in ("country", "setting", "discipline", "method") if k in values
    }
    if "participants" in values:
        wanted["participants"] = participants(values["participants"])
    for name in ("relevance", "rigour"):
        if name in values:
            wanted[name] = _rating(values[name])
    for name in ("relevance_note", "rigour_note"):
        if values.get(name):
            wanted[name] = values[name]
    if values.get("extras"):
        wanted["extras"] = {**study.extras, **values["extras"]}
    changed = False
    for name, value in wanted.items():
        if getattr(study, name) != value:
            setattr(study, name, value)
            changed = True
    return changed
