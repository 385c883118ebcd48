"""A study's reference after import: confirm guessed metadata, attach a RIS/BibTeX reference or a DOI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.domain.matching import match_reference
from workbench.domain.studies import Reference, normalise_doi, short_citation
from workbench.domain.text_rules import clean_reference
from workbench.importers.references import parse_references
from workbench.services.access import Action, require
from workbench.services.errors import Conflict, Invalid, NotFound, check_version, stale_as_conflict
from workbench.services.rows.studies import REFERENCE_FIELDS, guessed_fields, set_guessed
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import Study, User

EDITABLE = ("title", "authors", "year", "doi", "journal")
REFERENCE_SUFFIXES = (".ris", ".bib")


@dataclass(frozen=True)
class StudyMetadata:
    """The reference fields a reviewer checks, which of them were guessed, and the version shown."""

    study_id: int
    key: str
    citation: str
    title: str
    authors: list[str]
    year: int | None
    doi: str | None
    journal: str
    guessed: list[str] = field(default_factory=list)
    version: int = 1


def study_metadata(store: Store, username: str, study_id: int) -> StudyMetadata:
    """The study's reference fields as a reviewer edits them."""
    with store.transaction() as session:
        study = _study(session, study_id)
        require(session, study.project_id, username, Action.READ_STUDIES)
        return _metadata(study)


def confirm_metadata(
    store: Store, username: str, study_id: int, edited: dict[str, Any], expected_version: int | None
) -> StudyMetadata:
    """Save the reviewer's checked title, authors, year, DOI and journal; nothing is a guess afterwards."""
    values = _checked(edited)
    with store.transaction() as session:
        study = _study(session, study_id)
        user = require(session, study.project_id, username, Action.EDIT_STUDIES)
        check_version(study.version_id, expected_version, f"study {study.key}")
        _unique_doi(session, study, values.get("doi"))
        with stale_as_conflict(f"study {study.key}"):
            _change(session, study, user, values, [])
        return _metadata(study)


def attach_reference(
    store: Store, username: str, study_id: int, filename: str, data: bytes, expected_version: int | None
) -> StudyMetadata:
    """Fill a study's reference from a RIS or BibTeX file (the fields it has replace the study's)."""
    if not filename.lower().endswith(REFERENCE_SUFFIXES):
        raise Invalid(f"{filename}: attach a .ris or .bib file")
    result = parse_references(filename, data)
    with store.transaction() as session:
        study = _study(session, study_id)
        user = require(session, study.project_id, username, Action.EDIT_STUDIES)
        check_version(study.version_id, expected_version, f"study {study.key}")
        reference = _pick(filename, [clean_reference(r)[0] for r in result.references], study)
        values = {name: getattr(reference, name) for name in REFERENCE_FIELDS if getattr(reference, name)}
        values["doi"] = normalise_doi(reference.doi) or study.doi
        _unique_doi(session, study, values["doi"])
        left = [name for name in guessed_fields(study) if name not in values]
        with stale_as_conflict(f"study {study.key}"):
            _change(session, study, user, values, left)
        return _metadata(study)


def set_doi(
    store: Store, username: str, study_id: int, typed: str, expected_version: int | None
) -> StudyMetadata:
    """Store a DOI typed by the reviewer (nothing is looked up); later imports match full texts by it."""
    doi = normalise_doi(typed.strip())
    if doi is None:
        raise Invalid(f"“{typed.strip()[:80]}” is not a DOI: a DOI looks like 10.1136/bmjopen-2024-012345")
    with store.transaction() as session:
        study = _study(session, study_id)
        user = require(session, study.project_id, username, Action.EDIT_STUDIES)
        check_version(study.version_id, expected_version, f"study {study.key}")
        _unique_doi(session, study, doi)
        left = [name for name in guessed_fields(study) if name != "doi"]
        with stale_as_conflict(f"study {study.key}"):
            _change(session, study, user, {"doi": doi}, left)
        return _metadata(study)


def _study(session: Session, study_id: int) -> Study:
    study = session.get(Study, study_id)
    if study is None:
        raise NotFound(f"study {study_id} does not exist")
    return study


def _metadata(study: Study) -> StudyMetadata:
    return StudyMetadata(
        study.id,
        study.key,
        short_citation(study.authors, study.year),
        study.title,
        list(study.authors),
        study.year,
        study.doi,
        study.journal,
        guessed_fields(study),
        study.version_id,
    )


def _checked(edited: dict[str, Any]) -> dict[str, Any]:
    """The edited fields, cleaned; a year that is not a year, or a DOI that is not a DOI, is refused."""
    values: dict[str, Any] = {}
    if "title" in edited:
        values["title"] = " ".join(str(edited["title"] or "").split())
        if not values["title"]:
            raise Invalid("a study needs a title")
    if "authors" in edited:
        values["authors"] = [" ".join(a.split()) for a in edited["authors"] if a and a.strip()]
    if "journal" in edited:
        values["journal"] = " ".join(str(edited["journal"] or "").split())[:300]
    if "year" in edited:
        year = edited["year"]
        if year not in (None, "") and not (str(year).isdigit() and 1000 <= int(year) <= 2999):
            raise Invalid(f"“{str(year)[:20]}” is not a year")
        values["year"] = int(year) if year not in (None, "") else None
    if "doi" in edited:
        typed = str(edited["doi"] or "").strip()
        values["doi"] = normalise_doi(typed)
        if typed and values["doi"] is None:
            raise Invalid(f"“{typed[:80]}” is not a DOI: a DOI looks like 10.1136/bmjopen-2024-012345")
    return values


def _pick(filename: str, references: list[Reference], study: Study) -> Reference:
    """The one reference of the file, or the one matching the study by DOI or by its full text."""
    if len(references) == 1:
        return references[0]
    if not references:
        raise Invalid(f"{filename}: no reference could be read from it")
    doi = normalise_doi(study.doi)
    same = [r for r in references if doi and normalise_doi(r.doi) == doi]
    if same:
        return same[0]
    found = match_reference(study.documents[0].text[:3000], references) if study.documents else None
    if found is not None:
        return found[0]
    raise Invalid(f"{filename} holds {len(references)} references and none matches this study; attach one")


def _unique_doi(session: Session, study: Study, doi: str | None) -> None:
    if not doi:
        return
    other = session.scalars(
        select(Study.key).where(
            Study.project_id == study.project_id, Study.id != study.id, func.lower(Study.doi) == doi
        )
    ).first()
    if other is not None:
        raise Conflict(f"study {other} already has the DOI {doi}; merge the two instead")


def _snapshot(study: Study) -> dict[str, Any]:
    return {
        "title": study.title,
        "authors": "; ".join(study.authors),
        "year": study.year,
        "doi": study.doi,
        "journal": study.journal,
        "guessed": ", ".join(guessed_fields(study)),
    }


def _change(session: Session, study: Study, user: User, values: dict[str, Any], guessed: list[str]) -> None:
    """Apply the values and the guesses left; audit what changed (nothing changed: no entry)."""
    before = _snapshot(study)
    for name, value in values.items():
        setattr(study, name, value)
    set_guessed(study, guessed)
    after = _snapshot(study)
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return
    session.flush()
    record(
        session,
        action=AuditAction.UPDATE,
        entity_type="study",
        entity_id=study.id,
        user_id=user.id,
        project_id=study.project_id,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
