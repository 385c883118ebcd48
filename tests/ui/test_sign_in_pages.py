"""The sign-in gate in AppTest: without a session only sign-in (or a reset link) is routed, in each mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_OWNER
from workbench.services import auth, projects
from workbench.services.demo import DEMO_PROJECT
from workbench.store.db import Store

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "owner's long password"


@pytest.fixture
def app_in(demo_url: str, monkeypatch: pytest.MonkeyPatch):
    """AppTest of app.py on the demo store in a sign-in mode; the demo owner has a password."""
    store = Store.open(demo_url)
    auth.add_user(store, DEMO_OWNER, password=PASSWORD)
    store.dispose()
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", demo_url)
    monkeypatch.setenv(auth.DELAY_ENV, "0")
    monkeypatch.setenv("WORKBENCH_USER", DEMO_OWNER)  # must not sign anyone in outside local mode
    monkeypatch.chdir(ROOT)

    def opener(mode: str) -> AppTest:
        monkeypatch.setenv(auth.MODE_ENV, mode)
        return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)

    return opener


def test_password_mode_without_a_session_shows_only_the_sign_in_page(app_in) -> None:
    at = app_in("password").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert [t.label for t in at.text_input] == ["Login", "Password"]
    with pytest.raises(ValueError, match=r"Known pages: \['Sign in'\]"):  # nothing else is routed
        at.switch_page("workbench/ui/pages/projects.py")


def test_a_wrong_password_says_so_and_a_right_one_sends_the_browser_for_its_cookie(app_in) -> None:
    at = app_in("password").run()
    at.text_input[0].input(DEMO_OWNER)
    at.text_input[1].input("not my password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [r"Wrong login or password\."]
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.error
    [html] = at.get("html")
    assert "/auth/complete?ticket=" in html.proto.body


def test_a_reset_link_opens_the_reset_page_and_sets_the_password(app_in, demo_url: str) -> None:
    store = Store.open(demo_url)
    project_id = projects.project_id_by_name(store, DEMO_OWNER, DEMO_PROJECT)
    token = auth.issue_password_reset(store, DEMO_OWNER, project_id, DEMO_OWNER)
    at = app_in("password")
    at.query_params["reset"] = token
    at.run()
    assert [t.value for t in at.title] == ["Reset password"]
    at.text_input[0].input("a new long password")
    at.text_input[1].input("a new long password")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert "Password set" in at.success[0].value
    assert auth.sign_in(store, DEMO_OWNER, "a new long password")
    store.dispose()


def test_oidc_mode_without_an_identity_offers_the_providers_sign_in(app_in) -> None:
    at = app_in("oidc").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.text_input  # no password here: the identity provider asks for it


def test_local_mode_acts_as_workbench_user_and_the_account_page_says_so(app_in) -> None:
    at = app_in("local").run()
    assert [t.value for t in at.title] == ["Projects"]
    at.switch_page("workbench/ui/pages/account.py").run()
    assert not at.exception
    assert "Sign-in is off" in at.info[0].value and DEMO_OWNER in at.info[0].value
    assert not [b for b in at.button if b.label == "Sign out"]
