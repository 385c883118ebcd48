"""Who is acting, and what each role may do in a project: one table, enforced in services.

``TABLE`` is the only statement of the rules. Services call :func:`require` with the action they
perform; pages ask :func:`allowed_actions` to hide what a role cannot do; one parametrized test
(tests/integration/test_access_table.py) checks every (action, role) pair against the real services.

Others' work: a reviewer codes, memos and builds configurations of their own. Changing or removing
what another member made (their codings, memos, configurations, or a code that carries their codings)
needs the owner: the ``*_OTHERS`` actions. Services that touch such rows call :func:`require_for_work`.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from workbench.services.errors import NotFound, PermissionDenied
from workbench.store import queries
from workbench.store.enums import Role
from workbench.store.models import Membership, Project, User

USER_ENV = "WORKBENCH_USER"


class Action(StrEnum):
    """Everything a member can do in a project, named as the permission a page or service asks for."""

    READ_THEORY = "read configurations, graphs and programme theory"
    READ_STUDIES = "read studies, texts, codings and the codebook"
    IMPORT = "import studies"
    EDIT_STUDIES = "edit study metadata, characteristics and appraisal"
    DELETE_STUDIES = "delete studies"
    CODE = "code excerpts (own codings)"
    EDIT_CODINGS_OF_OTHERS = "change or remove another member's codings"
    SUGGEST = "run, accept and reject suggestions, train the suggester"
    EDIT_CODEBOOK = "add, rename, move and describe codes"
    DELETE_CODES = "delete or merge codes that carry only one's own codings"
    DELETE_CODES_OF_OTHERS = "delete or merge codes that carry other members' codings"
    BUILD_CONFIGURATIONS = "build and edit one's own configurations and chains"
    EDIT_CONFIGURATIONS_OF_OTHERS = "edit or delete another member's configurations"
    SAVE_THEORY = "save programme theory versions"
    WRITE_MEMOS = "write and edit one's own memos"
    EDIT_MEMOS_OF_OTHERS = "edit or delete another member's memos"
    EXPORT = "export tables, figures and bundles"
    VIEW_AUDIT = "read the audit log"
    MANAGE_MEMBERS = "invite members, change roles, remove members, reset passwords"
    MANAGE_PROJECT = "rename the project and change its settings (blind coding, evidence source)"
    ASSIGN_STUDIES = "assign studies to reviewers"
    RELEASE_STUDIES = "release a blind study for comparison"
    VIEW_BLIND_CODINGS = "see other members' codings of a study still coded blind"
    VIEW_AGREEMENT = "compare coders and see agreement"
    ADJUDICATE = "settle disagreements into consensus codings"
    RUN_CONSULTATIONS = "set up and run stakeholder consultations"
    RATE_CONFIGURATIONS = "rate and comment on configurations in a consultation"


_ALL = frozenset(Role)
_EDITORS = frozenset({Role.OWNER, Role.REVIEWER})
_OWNER = frozenset({Role.OWNER})

# The access table: action -> the roles that may perform it.
TABLE: dict[Action, frozenset[Role]] = {
    Action.READ_THEORY: _ALL,
    Action.READ_STUDIES: _EDITORS,
    Action.IMPORT: _EDITORS,
    Action.EDIT_STUDIES: _EDITORS,
    Action.DELETE_STUDIES: _OWNER,
    Action.CODE: _EDITORS,
    Action.EDIT_CODINGS_OF_OTHERS: _OWNER,
    Action.SUGGEST: _EDITORS,
    Action.EDIT_CODEBOOK: _EDITORS,
    Action.DELETE_CODES: _EDITORS,
    Action.DELETE_CODES_OF_OTHERS: _OWNER,
    Action.BUILD_CONFIGURATIONS: _EDITORS,
    Action.EDIT_CONFIGURATIONS_OF_OTHERS: _OWNER,
    Action.SAVE_THEORY: _EDITORS,
    Action.WRITE_MEMOS: _EDITORS,
    Action.EDIT_MEMOS_OF_OTHERS: _OWNER,
    Action.EXPORT: _EDITORS,
    Action.VIEW_AUDIT: _EDITORS,
    Action.MANAGE_MEMBERS: _OWNER,
    Action.MANAGE_PROJECT: _OWNER,
    Action.ASSIGN_STUDIES: _OWNER,
    Action.RELEASE_STUDIES: _OWNER,
    Action.VIEW_BLIND_CODINGS: _OWNER,
    Action.VIEW_AGREEMENT: _EDITORS,
    Action.ADJUDICATE: _OWNER,
    Action.RUN_CONSULTATIONS: _EDITORS,
    Action.RATE_CONFIGURATIONS: _ALL,
}

# the work of others an action on one's own rows escalates to
OTHERS: dict[Action, Action] = {
    Action.CODE: Action.EDIT_CODINGS_OF_OTHERS,
    Action.DELETE_CODES: Action.DELETE_CODES_OF_OTHERS,
    Action.BUILD_CONFIGURATIONS: Action.EDIT_CONFIGURATIONS_OF_OTHERS,
    Action.WRITE_MEMOS: Action.EDIT_MEMOS_OF_OTHERS,
}


def may(role: Role, action: Action) -> bool:
    """Whether ``role`` may perform ``action`` (the table, nothing else)."""
    return role in TABLE[action]


def current_username() -> str:
    """The acting user of the CLI and of ``local`` sign-in: ``WORKBENCH_USER``, else the OS user."""
    return os.environ.get(USER_ENV) or getpass.getuser()


def ensure_user(session: Session, username: str, display_name: str = "") -> User:
    """The user with this name, created on first use."""
    user = queries.user_by_name(session, username)
    if user is None:
        user = User(username=username, display_name=display_name or username)
        session.add(user)
        session.flush()
    return user


def member_role(session: Session, project_id: int, username: str) -> tuple[User, Role]:
    """The acting user and their role in the project; NotFound or PermissionDenied otherwise.

    One statement: the project, left-joined to the user of that name and to their membership of it."""
    row = session.execute(
        select(Project, User, Membership.role)
        .select_from(Project)
        .outerjoin(User, User.username == username)
        .outerjoin(Membership, and_(Membership.project_id == Project.id, Membership.user_id == User.id))
        .where(Project.id == project_id)
    ).first()
    if row is None:
        raise NotFound(f"project {project_id} does not exist")
    project, user, role = row
    if user is None or role is None or not user.active:
        raise PermissionDenied(f"{username} is not a member of project {project.name!r}")
    return user, role


def require_role(session: Session, project_id: int, username: str, action: Action) -> tuple[User, Role]:
    """The acting user and their role, if it allows ``action``; else PermissionDenied (one statement)."""
    user, role = member_role(session, project_id, username)
    if not may(role, action):
        raise PermissionDenied(f"{username} is a {role.value} here and may not {action.value}")
    return user, role


def require(session: Session, project_id: int, username: str, action: Action) -> User:
    """The acting user, if their role in the project allows ``action``; else PermissionDenied."""
    return require_role(session, project_id, username, action)[0]


def require_for_work(
    session: Session, project_id: int, username: str, action: Action, owner_ids: Iterable[int | None]
) -> User:
    """``require(action)``, escalated to ``OTHERS[action]`` when any of the rows is someone else's.

    ``owner_ids`` are the creators (coder, author, ``created_by``) of the rows the action touches.
    The refusal names whose work it is, so the reviewer knows whom to ask.
    """
    user, role = require_role(session, project_id, username, action)
    others = {i for i in owner_ids if i is not None and i != user.id}
    escalated = OTHERS.get(action)
    if others and escalated is not None and not may(role, escalated):
        names = sorted(u.username for u in (session.get(User, i) for i in others) if u is not None)
        whose = ", ".join(names) or "other members"
        raise PermissionDenied(f"this touches work by {whose}; only a project owner may {escalated.value}")
    return user


def allowed_actions(session: Session, project_id: int, username: str) -> frozenset[Action]:
    """Every action the user may perform in the project (empty if not a member): pages hide the rest."""
    try:
        _, role = member_role(session, project_id, username)
    except (NotFound, PermissionDenied):
        return frozenset()
    return frozenset(a for a, roles in TABLE.items() if role in roles)
