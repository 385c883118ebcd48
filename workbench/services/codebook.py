"""Codebook use cases: add a codebook tree (from the YAML format) to a project."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from workbench.domain.codebook import DEFAULT_COLOURS, CodeSpec, parse_codebook
from workbench.importers.sample_corpus import read_yaml
from workbench.services.access import require_member
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.store.models import Code


def add_codes(session: Session, project_id: int, specs: list[CodeSpec]) -> dict[str, Code]:
    """Insert a codebook tree under a project; returns name -> code of every code added."""
    added: dict[str, Code] = {}

    def add(spec: CodeSpec, parent: Code | None, position: int) -> None:
        code = Code(
            project_id=project_id,
            parent_id=parent.id if parent else None,
            name=spec.name,
            kind=spec.kind,
            colour=spec.colour or (parent.colour if parent else DEFAULT_COLOURS[spec.kind]),
            description=spec.description,
            examples=list(spec.examples),
            position=position,
        )
        session.add(code)
        session.flush()
        added[spec.name] = code
        for i, child in enumerate(spec.children):
            add(child, code, i)

    for i, spec in enumerate(specs):
        add(spec, None, i)
    return added


def import_codebook(store: Store, username: str, project_id: int, path: Path) -> int:
    """Add the codes of a codebook YAML file to a project; returns how many were added."""
    specs = parse_codebook(read_yaml(path))
    with store.transaction() as session:
        require_member(session, project_id, username, (Role.OWNER, Role.REVIEWER))
        return len(add_codes(session, project_id, specs))
