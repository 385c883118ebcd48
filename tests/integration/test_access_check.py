"""The access check is one statement, whether it lets the user through or refuses them."""

from collections.abc import Callable

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.integration.blind_project import ALICE, OWNER, build
from workbench.services.access import Action, require, require_for_work
from workbench.services.errors import NotFound, PermissionDenied
from workbench.store.db import Store
from workbench.store.models import User


def _statements(store: Store, check: Callable[[Session], object]) -> tuple[int, str]:
    """How many statements ``check(session)`` sends, and the refusal it raised ("" if none)."""
    sent: list[str] = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731
    with store.transaction() as session:
        event.listen(store.engine, "before_cursor_execute", listener)
        try:
            check(session)
            refusal = ""
        except (NotFound, PermissionDenied) as exc:
            refusal = str(exc)
        finally:
            event.remove(store.engine, "before_cursor_execute", listener)
    return len(sent), refusal


def test_every_answer_of_the_access_check_costs_one_statement(store: Store):
    b = build(store)
    with store.transaction() as session:
        session.add(User(username="gone", display_name="gone", active=False))
    assert _statements(store, lambda s: require(s, b.project_id, OWNER, Action.ASSIGN_STUDIES)) == (1, "")
    assert _statements(store, lambda s: require(s, b.project_id, ALICE, Action.ASSIGN_STUDIES)) == (
        1,
        f"{ALICE} is a reviewer here and may not {Action.ASSIGN_STUDIES.value}",
    )
    for stranger in ("nobody", "gone"):
        assert _statements(
            store, lambda s, who=stranger: require(s, b.project_id, who, Action.READ_THEORY)
        ) == (
            1,
            f"{stranger} is not a member of project 'Blind review'",
        )
    assert _statements(store, lambda s: require(s, 10**6, OWNER, Action.READ_THEORY)) == (
        1,
        f"project {10**6} does not exist",
    )
    own = lambda s: require_for_work(s, b.project_id, ALICE, Action.CODE, [None])  # noqa: E731
    assert _statements(store, own) == (1, "")


def test_a_member_made_inactive_is_refused_like_a_stranger(store: Store):
    b = build(store)
    with store.transaction() as session:
        session.scalars(select(User).where(User.username == ALICE)).one().active = False
    with store.transaction() as session, pytest.raises(PermissionDenied, match="alice is not a member"):
        require(session, b.project_id, ALICE, Action.READ_THEORY)
