"""A reviewer's remembered settings (``User.preferences``), kept across sessions and projects."""

from __future__ import annotations

from typing import Any

from workbench.domain.suggestions import PER_PAGE
from workbench.services.access import ensure_user
from workbench.services.errors import Invalid
from workbench.store import queries
from workbench.store.db import Store

SUGGESTIONS_PER_PAGE = "suggestions_per_page"
PER_PAGE_CHOICES = (0, 1, 2, 3, 5, 10)  # 0: every suggestion
_SCALARS = (bool, int, float, str, type(None))


def get_preferences(store: Store, username: str) -> dict[str, Any]:
    """Every setting the user saved (an empty dict for a user never seen); no project is involved,
    so no membership is checked: a user only ever reads their own."""
    with store.transaction() as session:
        user = queries.user_by_name(session, username)
        return dict(user.preferences or {}) if user is not None else {}


def set_preference(store: Store, username: str, name: str, value: Any) -> None:
    """Save one setting of the user (created on first use); values are JSON scalars."""
    if not name or not isinstance(value, _SCALARS):  # bool is an int: both fine as JSON
        raise Invalid(f"a preference is a name and a plain value, not {type(value).__name__}")
    with store.transaction() as session:
        user = ensure_user(session, username)
        # a new dict, so that the JSON column is seen as changed
        user.preferences = {**(user.preferences or {}), name: value}


def suggestions_per_page(store: Store, username: str) -> int:
    """How many suggestions per page the user wants the reader to show (default ``PER_PAGE``)."""
    value = get_preferences(store, username).get(SUGGESTIONS_PER_PAGE)
    return value if isinstance(value, int) and value in PER_PAGE_CHOICES else PER_PAGE


def set_suggestions_per_page(store: Store, username: str, per_page: int) -> None:
    """Remember how many suggestions per page the user wants (0: all of them)."""
    if per_page not in PER_PAGE_CHOICES:
        raise Invalid(f"choose one of {', '.join(map(str, PER_PAGE_CHOICES))} suggestions per page")
    set_preference(store, username, SUGGESTIONS_PER_PAGE, per_page)
