"""Project members: invite someone with a role, list, change roles and remove; a project keeps an owner."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.services.access import Action, allowed_actions, member_role, require
from workbench.services.errors import Conflict, Invalid, NotFound
from workbench.services.import_index import lock_project
from workbench.store import queries
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction, Role
from workbench.store.models import Membership, User

ROLES: tuple[Role, ...] = tuple(Role)  # for pages, which do not import the store
# a login: letters, digits and . _ - @ + (e-mail addresses fit); "@consensus" and the like are reserved
_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")


@dataclass(frozen=True)
class Member:
    """One member of a project as the Team page and ``workbench member list`` show them."""

    login: str
    display_name: str
    role: Role
    has_password: bool
    active: bool


@dataclass(frozen=True)
class Added:
    """The outcome of inviting someone: their membership, and whether their account was just made."""

    member: Member
    new_account: bool


def _member(user: User, role: Role) -> Member:
    return Member(user.username, user.display_name, role, user.password_hash is not None, user.active)


def _check_login(login: str) -> str:
    login = login.strip()
    if not _LOGIN.fullmatch(login):
        raise Invalid(
            f"{login!r} is not a login: use letters, digits and . _ - @ + (starting with a letter or digit)"
        )
    return login


def _audit(
    session: Session,
    actor: User,
    project_id: int,
    action: AuditAction,
    target: User,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    record(
        session, action=action, entity_type="membership", entity_id=target.id, user_id=actor.id,
        project_id=project_id, before=before, after=after,
    )  # fmt: skip


def _membership(session: Session, project_id: int, login: str) -> tuple[User, Membership]:
    user = queries.user_by_name(session, login.strip())
    member = queries.membership(session, project_id, user.id) if user else None
    if user is None or member is None:
        raise NotFound(f"{login.strip()} is not a member of this project")
    return user, member


def _keep_an_owner(session: Session, project_id: int, member: Membership, new_role: Role | None) -> None:
    """Refuse to leave the project without an owner (``new_role`` None: the member is being removed)."""
    if member.role is not Role.OWNER or new_role is Role.OWNER:
        return
    owners = session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.project_id == project_id, Membership.role == Role.OWNER)
    )
    if (owners or 0) <= 1:
        raise Invalid(f"{member.user.username} is the project's only owner; make someone else an owner first")


def add_member(store: Store, username: str, project_id: int, login: str, role: Role) -> Added:
    """Make ``login`` a member with ``role``, creating their account (with no password) if they have none."""
    login, role = _check_login(login), Role(role)
    with store.transaction() as session:
        actor = require(session, project_id, username, Action.MANAGE_MEMBERS)
        lock_project(session, project_id)
        user = queries.user_by_name(session, login)
        new_account = user is None
        if user is None:
            user = User(username=login, display_name=login)
            session.add(user)
            session.flush()
        elif queries.membership(session, project_id, user.id) is not None:
            raise Conflict(f"{login} is already a member of this project; change their role instead")
        session.add(Membership(project_id=project_id, user_id=user.id, role=role))
        session.flush()
        _audit(
            session, actor, project_id, AuditAction.CREATE, user, after={"member": login, "role": role.value}
        )
        return Added(_member(user, role), new_account)


def list_members(store: Store, username: str, project_id: int) -> list[Member]:
    """The project's members, owners first, then by login (every member may see who else is in it)."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_THEORY)
        rows = session.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.project_id == project_id)
        ).all()
        members = [_member(user, role) for user, role in rows]
    order = list(Role)
    return sorted(members, key=lambda m: (order.index(m.role), m.login.casefold()))


def my_role(store: Store, username: str, project_id: int) -> Role:
    """The acting user's role in the project."""
    with store.transaction() as session:
        return member_role(session, project_id, username)[1]


def change_role(store: Store, username: str, project_id: int, login: str, role: Role) -> Member:
    """Give a member another role; the last owner cannot step down."""
    role = Role(role)
    with store.transaction() as session:
        actor = require(session, project_id, username, Action.MANAGE_MEMBERS)
        lock_project(session, project_id)
        user, member = _membership(session, project_id, login)
        if member.role is role:
            return _member(user, role)
        _keep_an_owner(session, project_id, member, role)
        before = {"member": user.username, "role": member.role.value}
        member.role = role
        session.flush()
        _audit(session, actor, project_id, AuditAction.UPDATE, user, before=before,
               after={"member": user.username, "role": role.value})  # fmt: skip
        return _member(user, role)


def remove_member(store: Store, username: str, project_id: int, login: str) -> None:
    """Take someone out of the project (their codings, memos and configurations stay, under their name);
    the last owner cannot be removed."""
    with store.transaction() as session:
        actor = require(session, project_id, username, Action.MANAGE_MEMBERS)
        lock_project(session, project_id)
        user, member = _membership(session, project_id, login)
        _keep_an_owner(session, project_id, member, None)
        _audit(session, actor, project_id, AuditAction.DELETE, user,
               before={"member": user.username, "role": member.role.value})  # fmt: skip
        session.delete(member)


def allowed(store: Store, username: str, project_id: int) -> frozenset[Action]:
    """Every action the user may perform in the project (none if not a member): pages hide the rest."""
    with store.transaction() as session:
        return allowed_actions(session, project_id, username)
