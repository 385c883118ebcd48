"""Appraisal use cases: the realist judgement of relevance and rigour, and the CASP checklist."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from workbench.domain.appraisal import check_casp
from workbench.domain.studies import short_citation
from workbench.services.access import Action, require
from workbench.services.errors import Conflict, NotFound
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction, Rating
from workbench.store.models import Study, User


@dataclass(frozen=True)
class Appraisal:
    """A study's appraisal as shown and edited."""

    study_id: int
    citation: str
    title: str
    relevance: str
    relevance_note: str
    rigour: str
    rigour_note: str
    casp: dict[str, str]
    version: int


def _study(
    session: Session, study_id: int, username: str, action: Action = Action.READ_STUDIES
) -> tuple[Study, User]:
    study = session.get(Study, study_id)
    if study is None:
        raise NotFound(f"study {study_id} does not exist")
    return study, require(session, study.project_id, username, action)


def get_appraisal(store: Store, username: str, study_id: int) -> Appraisal:
    """The appraisal of one study."""
    with store.transaction() as session:
        s, _user = _study(session, study_id, username)
        return Appraisal(
            s.id, short_citation(s.authors, s.year), s.title, s.relevance.value if s.relevance else "",
            s.relevance_note, s.rigour.value if s.rigour else "", s.rigour_note, dict(s.casp), s.version_id,
        )  # fmt: skip


def save_appraisal(store: Store, username: str, appraisal: Appraisal) -> None:
    """Store an edited appraisal; refuses if someone else saved the study since it was opened."""
    casp = check_casp(appraisal.casp)
    with store.transaction() as session:
        study, user = _study(session, appraisal.study_id, username, Action.EDIT_STUDIES)
        if study.version_id != appraisal.version:
            raise Conflict("this study was changed by someone else since you opened it; reload and redo")
        before = get_fields(study)
        study.relevance = Rating(appraisal.relevance) if appraisal.relevance else None
        study.relevance_note = appraisal.relevance_note.strip()
        study.rigour = Rating(appraisal.rigour) if appraisal.rigour else None
        study.rigour_note = appraisal.rigour_note.strip()
        study.casp = casp
        record(
            session, action=AuditAction.UPDATE, entity_type="study", entity_id=study.id, user_id=user.id,
            project_id=study.project_id, before=before, after=get_fields(study),
        )  # fmt: skip


def get_fields(study: Study) -> dict[str, object]:
    """The appraisal fields of a study, for the audit log."""
    return {
        "relevance": study.relevance.value if study.relevance else None,
        "relevance_note": study.relevance_note,
        "rigour": study.rigour.value if study.rigour else None,
        "rigour_note": study.rigour_note,
        "casp": dict(study.casp),
    }
