"""Who is acting, and whether they may touch a project: checked here, not only in pages."""

from __future__ import annotations

import getpass
import os

from sqlalchemy.orm import Session

from workbench.services.errors import NotFound, PermissionDenied
from workbench.store import queries
from workbench.store.enums import Role
from workbench.store.models import Project, User

USER_ENV = "WORKBENCH_USER"


# who may change a project's data; stakeholders read and rate, they do not edit
EDITORS = (Role.OWNER, Role.REVIEWER)


def current_username() -> str:
    """The acting user: ``WORKBENCH_USER``, else the operating-system user."""
    return os.environ.get(USER_ENV) or getpass.getuser()


def ensure_user(session: Session, username: str, display_name: str = "") -> User:
    """The user with this name, created on first use."""
    user = queries.user_by_name(session, username)
    if user is None:
        user = User(username=username, display_name=display_name or username)
        session.add(user)
        session.flush()
    return user


def require_member(
    session: Session, project_id: int, username: str, roles: tuple[Role, ...] = tuple(Role)
) -> User:
    """The acting user, if they hold one of ``roles`` in the project; else PermissionDenied."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} does not exist")
    user = queries.user_by_name(session, username)
    member = queries.membership(session, project_id, user.id) if user else None
    if user is None or member is None:
        raise PermissionDenied(f"{username} is not a member of project {project.name!r}")
    if member.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise PermissionDenied(f"{username} is a {member.role.value}; this needs: {allowed}")
    return user
