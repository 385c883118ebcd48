"""Study characteristics use cases: the editable grid, project-defined fields, and the CSV round trip."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.domain.characteristics import (
    TYPED_FIELDS,
    CharacteristicError,
    ExtractionField,
    FieldType,
    coerce,
    display,
    participants,
)
from workbench.domain.safety import neutralise_formula
from workbench.domain.studies import short_citation
from workbench.importers.characteristics import parse_characteristics
from workbench.services.access import Action, require
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction, Rating
from workbench.store.models import ExtractionFieldDef, Study

RATINGS = ("", *(r.value for r in Rating))


@dataclass
class SaveResult:
    """What a save did: studies changed, or the problems that stopped it (nothing saved then)."""

    changed: int = 0
    errors: list[str] = field(default_factory=list)


def _fields(session: Session, project_id: int) -> list[ExtractionField]:
    rows = session.scalars(
        select(ExtractionFieldDef)
        .where(ExtractionFieldDef.project_id == project_id)
        .order_by(ExtractionFieldDef.position, ExtractionFieldDef.id)
    )
    return [ExtractionField(r.name, r.type, tuple(r.choices)) for r in rows]


def list_fields(store: Store, username: str, project_id: int) -> list[ExtractionField]:
    """The project's own extraction fields, in order."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_STUDIES)
        return _fields(session, project_id)


def add_field(
    store: Store, username: str, project_id: int, name: str, type_: FieldType, choices: list[str]
) -> None:
    """Add an extraction field (values are kept in each study's extras under its name)."""
    spec = ExtractionField(name.strip(), type_, tuple(c.strip() for c in choices if c.strip()))
    with store.transaction() as session:
        user = require(session, project_id, username, Action.EDIT_STUDIES)
        if spec.name in {f.name for f in _fields(session, project_id)}:
            raise CharacteristicError(f"the project already has a field named {spec.name!r}")
        position = session.scalar(
            select(func.count())
            .select_from(ExtractionFieldDef)
            .where(ExtractionFieldDef.project_id == project_id)
        )
        row = ExtractionFieldDef(
            project_id=project_id,
            name=spec.name,
            type=spec.type,
            choices=list(spec.choices),
            position=position or 0,
        )
        session.add(row)
        session.flush()
        record(
            session, action=AuditAction.CREATE, entity_type="extraction_field", entity_id=row.id,
            user_id=user.id, project_id=project_id, after={"name": spec.name, "type": spec.type.value},
        )  # fmt: skip


def remove_field(store: Store, username: str, project_id: int, name: str) -> None:
    """Hide a field from the grid; the studies keep their values, so adding it again restores them."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.EDIT_STUDIES)
        row = session.scalar(
            select(ExtractionFieldDef).where(
                ExtractionFieldDef.project_id == project_id, ExtractionFieldDef.name == name
            )
        )
        if row is None:
            raise CharacteristicError(f"no field named {name!r}")
        record(
            session, action=AuditAction.DELETE, entity_type="extraction_field", entity_id=row.id,
            user_id=user.id, project_id=project_id, before={"name": row.name, "type": row.type.value},
        )  # fmt: skip
        session.delete(row)


def _studies(session: Session, project_id: int) -> list[Study]:
    return list(session.scalars(select(Study).where(Study.project_id == project_id).order_by(Study.key)))


def grid(store: Store, username: str, project_id: int) -> tuple[list[ExtractionField], list[dict[str, Any]]]:
    """Rows for the characteristics grid: key, citation, typed fields, appraisal, extraction fields."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_STUDIES)
        fields = _fields(session, project_id)
        rows = []
        for s in _studies(session, project_id):
            row: dict[str, Any] = {
                "key": s.key,
                "study": short_citation(s.authors, s.year),
                "version": s.version_id,
            }
            row.update({name: getattr(s, name) for name in TYPED_FIELDS})
            row["relevance"] = s.relevance.value if s.relevance else ""
            row["rigour"] = s.rigour.value if s.rigour else ""
            row.update({f.name: display(s.extras.get(f.name)) for f in fields})
            rows.append(row)
        return fields, rows


def _clean_row(row: dict[str, Any], fields: list[ExtractionField]) -> dict[str, Any]:
    values: dict[str, Any] = {n: str(row.get(n) or "").strip() for n in TYPED_FIELDS if n != "participants"}
    values["participants"] = participants(row.get("participants"))
    for name in ("relevance", "rigour"):
        rating = str(row.get(name) or "").strip().lower()
        if rating not in RATINGS:
            raise CharacteristicError(f"{name}: {rating!r} is not one of high, moderate, low")
        values[name] = Rating(rating) if rating else None
    values["extras"] = {f.name: coerce(f, row.get(f.name)) for f in fields if f.name in row}
    return values


def save_grid(
    store: Store, username: str, project_id: int, rows: list[dict[str, Any]], *, check_versions: bool = True
) -> SaveResult:
    """Save edited rows (bulk edit). All rows are checked first; any problem saves nothing."""
    result = SaveResult()
    with store.transaction() as session:
        user = require(session, project_id, username, Action.EDIT_STUDIES)
        fields = _fields(session, project_id)
        studies = {s.key: s for s in _studies(session, project_id)}
        cleaned = {}
        for row in rows:
            key = str(row.get("key") or "")
            study = studies.get(key)
            try:
                if study is None:
                    raise CharacteristicError("no such study in this project")
                if check_versions and row.get("version") not in (None, study.version_id):
                    raise CharacteristicError("changed by someone else since you opened it; reload and redo")
                cleaned[key] = _clean_row(row, fields)
            except CharacteristicError as exc:
                result.errors.append(f"{key or '(no key)'}: {exc}")
        if result.errors:
            return result
        for key, values in cleaned.items():
            result.changed += _update(session, studies[key], values, user.id, project_id)
    return result


def _update(session: Session, study: Study, values: dict[str, Any], user_id: int, project_id: int) -> int:
    extras = {**study.extras, **{k: v for k, v in values.pop("extras").items()}}
    extras = {k: v for k, v in extras.items() if v is not None}
    values["extras"] = extras
    before = {k: display(getattr(study, k)) for k in values}
    changed = {k: v for k, v in values.items() if getattr(study, k) != v}
    if not changed:
        return 0
    for name, value in changed.items():
        setattr(study, name, value)
    record(
        session, action=AuditAction.UPDATE, entity_type="study", entity_id=study.id, user_id=user_id,
        project_id=project_id, before={k: before[k] for k in changed},
        after={k: display(getattr(study, k)) for k in changed},
    )  # fmt: skip
    return 1


def to_csv(store: Store, username: str, project_id: int) -> str:
    """The grid as CSV (keyed by study), spreadsheet formulas neutralised in the header and the cells."""
    fields, rows = grid(store, username, project_id)
    columns = ["study", *TYPED_FIELDS, "relevance", "rigour", *(f.name for f in fields)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise_formula(c) for c in columns])  # field names are user text too
    for row in rows:
        values = [row["key"], *(row.get(c) for c in columns[1:])]
        writer.writerow([neutralise_formula(display(v)) for v in values])
    return out.getvalue()


def from_csv(
    store: Store, username: str, project_id: int, text: str, filename: str = "characteristics.csv"
) -> SaveResult:
    """Apply a characteristics CSV (as written by :func:`to_csv`); any problem saves nothing."""
    parsed = parse_characteristics(text, filename)
    rows = []
    for key, values in parsed.items():
        row = {"key": key, **{k: v for k, v in values.items() if k != "extras"}, **values["extras"]}
        rows.append({_undo_neutralise(k): _undo_neutralise(v) for k, v in row.items()})
    return save_grid(store, username, project_id, rows, check_versions=False)


def _undo_neutralise(value: Any) -> Any:
    """Reverse :func:`neutralise_formula` on the way back in, so a round trip changes nothing."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    return value
