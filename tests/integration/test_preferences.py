"""A reviewer's remembered settings, on SQLite and PostgreSQL: kept per user, across sessions."""

from __future__ import annotations

import pytest

from workbench.services import preferences
from workbench.services.errors import Invalid


def test_a_user_never_seen_has_no_preferences_and_the_default_number_of_suggestions(store):
    assert preferences.get_preferences(store, "newcomer") == {}
    assert preferences.suggestions_per_page(store, "newcomer") == 3


def test_a_saved_choice_is_read_back_and_leaves_other_settings_and_users_alone(store):
    preferences.set_preference(store, "alice", "theme", "dark")
    preferences.set_suggestions_per_page(store, "alice", 5)
    preferences.set_suggestions_per_page(store, "alice", 10)
    assert preferences.get_preferences(store, "alice") == {"theme": "dark", "suggestions_per_page": 10}
    assert preferences.suggestions_per_page(store, "bob") == 3


@pytest.mark.parametrize("per_page", [4, -1, 1000])
def test_a_number_of_suggestions_outside_the_choices_is_refused(store, per_page):
    with pytest.raises(Invalid):
        preferences.set_suggestions_per_page(store, "alice", per_page)
    assert preferences.get_preferences(store, "alice") == {}
