"""A project's on/off settings (blind double coding, consensus-only evidence): one audited write path."""

from __future__ import annotations

from typing import Literal

from workbench.services.access import Action, require
from workbench.services.errors import NotFound
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import Project

Setting = Literal["blind_coding", "consensus_only"]


def set_setting(store: Store, username: str, project_id: int, setting: Setting, on: bool) -> bool:
    """Switch ``setting`` on or off (owners: Action.MANAGE_PROJECT); returns whether it changed
    (an unchanged setting records nothing in the audit log)."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.MANAGE_PROJECT)
        project = session.get(Project, project_id)
        if project is None:
            raise NotFound(f"project {project_id} does not exist")
        if getattr(project, setting) == on:
            return False
        before = {"name": project.name, setting: getattr(project, setting)}
        setattr(project, setting, on)
        session.flush()
        record(
            session, action=AuditAction.UPDATE, entity_type="project", entity_id=project.id, user_id=user.id,
            project_id=project.id, before=before, after={"name": project.name, setting: on},
        )  # fmt: skip
        return True
