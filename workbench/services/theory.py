"""Programme theory versions: named snapshots of the configurations, and what changed between two."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.domain.theory import TheoryDiff, diff_snapshots
from workbench.services.access import Action, require
from workbench.services.configurations import ConfigurationRow, list_configurations
from workbench.services.errors import Conflict, Invalid, NotFound
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import ProgrammeTheoryVersion, User

CURRENT = "current configurations"


@dataclass(frozen=True)
class VersionRow:
    """A saved programme theory version."""

    id: int
    name: str
    description: str
    created_at: datetime
    created_by: str
    configurations: int


def snapshot_of(rows: list[ConfigurationRow]) -> list[dict[str, Any]]:
    """The comparable content of each configuration, with its evidence counts."""
    return [
        {
            "label": r.label,
            "statement": r.statement,
            "status": r.status,
            "nested": r.nested,
            "context": list(r.contexts),
            "mechanisms": list(r.mechanisms),
            "outcomes": list(r.outcomes),
            "n_studies": r.n_studies,
            "n_codings": sum(len(e.evidence) for e in r.elements),
            "studies": list(r.studies),
            "status_ratings": list(r.status_ratings),
        }
        for r in rows
    ]


def save_version(store: Store, username: str, project_id: int, name: str, description: str = "") -> int:
    """Snapshot the current configurations as a named version (e.g. "Initial programme theory")."""
    name = name.strip()
    if not name:
        raise Invalid("a programme theory version needs a name")
    snapshot = snapshot_of(list_configurations(store, username, project_id))
    try:
        with store.transaction() as session:
            user = require(session, project_id, username, Action.SAVE_THEORY)
            return add_version(session, user, project_id, name, description, {"configurations": snapshot})
    except IntegrityError:
        raise Conflict(f"a version named {name!r} already exists") from None


def add_version(
    session: Session, user: User, project_id: int, name: str, description: str, snapshot: dict[str, Any]
) -> int:
    """Store a version inside the caller's transaction (who may save was checked by the caller)."""
    version = ProgrammeTheoryVersion(
        project_id=project_id, name=name, description=description.strip(), snapshot=snapshot,
        created_by_id=user.id,
    )  # fmt: skip
    session.add(version)
    session.flush()
    record(
        session, action=AuditAction.CREATE, entity_type="programme_theory_version", entity_id=version.id,
        user_id=user.id, project_id=project_id,
        after={"name": name, "configurations": len(snapshot.get("configurations", []))},
    )  # fmt: skip
    return version.id


def list_versions(store: Store, username: str, project_id: int) -> list[VersionRow]:
    """Saved versions, oldest first."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_THEORY)
        rows = session.execute(
            select(ProgrammeTheoryVersion, User.username)
            .outerjoin(User, User.id == ProgrammeTheoryVersion.created_by_id)
            .where(ProgrammeTheoryVersion.project_id == project_id)
            .order_by(ProgrammeTheoryVersion.created_at, ProgrammeTheoryVersion.id)
        ).all()
        return [
            VersionRow(
                v.id,
                v.name,
                v.description,
                v.created_at,
                who or "",
                len(v.snapshot.get("configurations", [])),
            )
            for v, who in rows
        ]


def _snapshot(store: Store, username: str, project_id: int, version_id: int | None) -> dict[str, Any]:
    if version_id is None:
        return {"configurations": snapshot_of(list_configurations(store, username, project_id))}
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_THEORY)
        version = session.get(ProgrammeTheoryVersion, version_id)
        if version is None or version.project_id != project_id:
            raise NotFound(f"programme theory version {version_id} does not exist in this project")
        return dict(version.snapshot)


def causes(snapshot: dict[str, Any]) -> dict[str, str]:
    """By configuration label, the title of the consultation session that caused its change in this
    version (a version saved from a consultation records them under "consultation")."""
    found = snapshot.get("consultation") or {}
    return {label: str(found.get("title", "")) for label in found.get("changes", {})}


def compare_versions(
    store: Store, username: str, project_id: int, old_id: int | None, new_id: int | None
) -> TheoryDiff:
    """What changed from ``old_id`` to ``new_id`` (None stands for the current configurations)."""
    old = _snapshot(store, username, project_id, old_id)
    new = _snapshot(store, username, project_id, new_id)
    return diff_snapshots(old.get("configurations", []), new.get("configurations", []), causes(new))
