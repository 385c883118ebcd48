"""After an import: map top-level codes (and so their subtrees) to context, mechanism, outcome or other."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from workbench.domain.codebook import CodeKind, check_placement, subtree
from workbench.services.access import Action, require
from workbench.services.errors import Invalid, NotFound
from workbench.services.rows.codes import audit, code_dict, editing, parent_map
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import Code, ConfigurationElement


@dataclass(frozen=True)
class TopLevelCode:
    """A root of the codebook, its kind and how many codes its subtree holds (itself included)."""

    id: int
    name: str
    kind: CodeKind
    codes: int


def top_level_codes(store: Store, username: str, project_id: int) -> list[TopLevelCode]:
    """The project's top-level codes in codebook order."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_STUDIES)
        parents = parent_map(session, project_id)
        roots = session.scalars(
            select(Code)
            .where(Code.project_id == project_id, Code.parent_id.is_(None))
            .order_by(Code.position, Code.id)
        ).all()
        return [TopLevelCode(c.id, c.name, c.kind, len(subtree(parents, c.id))) for c in roots]


def map_kinds(store: Store, username: str, project_id: int, kinds: Mapping[int, CodeKind]) -> int:
    """Give each top-level code's whole subtree the chosen kind; returns how many codes changed.

    A code used in a configuration keeps its kind (the configuration's role needs it): changing it is
    refused, naming the code."""
    with editing(store) as session:
        user = require(session, project_id, username, Action.EDIT_CODEBOOK)
        parents = parent_map(session, project_id)
        changed = 0
        for root_id, raw_kind in kinds.items():
            kind = CodeKind(raw_kind)
            if parents.get(root_id, -1) is not None:
                raise NotFound(f"code {root_id} is not a top-level code of this project")
            check_placement(kind, None)
            ids = subtree(parents, root_id)
            codes = session.scalars(select(Code).where(Code.id.in_(ids))).all()
            used = set(
                session.scalars(
                    select(ConfigurationElement.code_id).where(ConfigurationElement.code_id.in_(ids))
                )
            )
            for code in codes:
                if code.kind is kind:
                    continue
                if code.id in used:
                    raise Invalid(
                        f"code {code.name!r} is used in a configuration; its kind cannot change here"
                    )
                before = code_dict(code)
                code.kind = kind
                session.flush()
                audit(
                    session,
                    user,
                    project_id,
                    AuditAction.UPDATE,
                    code.id,
                    before=before,
                    after=code_dict(code),
                )
                changed += 1
        return changed
