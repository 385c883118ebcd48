"""Password sign-in in chromium, on an app server of its own (WORKBENCH_AUTH=password)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ROOT, _free_port, _wait_healthy
from workbench.services import auth, demo
from workbench.services.database import upgrade_database
from workbench.store.db import Store
from workbench.ui.http import COOKIE

pytestmark = pytest.mark.e2e

LOGIN, PASSWORD = "e2e-owner", "a password long enough"
SECRET = "the e2e server's key"


def serve(
    folder: Path, db_url: str, *extra: str, auth_mode: str = "password"
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `streamlit run app.py` on a free loopback port; returns the process and its URL."""
    port = _free_port()
    env = {**os.environ, "WORKBENCH_DATABASE_URL": db_url, "WORKBENCH_AUTH": auth_mode, auth.DELAY_ENV: "0.2",
           "WORKBENCH_SECRET_KEY": SECRET}  # fmt: skip
    env.pop("WORKBENCH_USER", None)
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", *extra,
    ]  # fmt: skip
    log = folder / f"streamlit-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(url, process, log)
    return process, url


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def signed_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite store with the demo project, owned by an account with a password."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('sign-in-store') / 'auth.db'}"
    store = Store.open(db_url)
    upgrade_database(store)
    demo.load_demo(store, LOGIN)
    auth.add_user(store, LOGIN, name="E2E Owner", password=PASSWORD)
    store.dispose()
    return db_url


@pytest.fixture(scope="module")
def password_app(tmp_path_factory: pytest.TempPathFactory, signed_store: str) -> Iterator[str]:
    process, url = serve(tmp_path_factory.mktemp("sign-in"), signed_store)
    try:
        yield url
    finally:
        stop(process)


def sign_in(page: Page, password: str) -> None:
    page.get_by_label("Login").fill(LOGIN)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password", exact=True).press("Enter")


def test_a_wrong_password_shows_an_error_and_nothing_else(password_app: str, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(password_app)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # no page but sign-in is routed
    sign_in(page, "not the password")
    expect(page.get_by_text("Wrong login or password.")).to_be_visible()
    assert [c for c in page.context.cookies() if c["name"] == COOKIE] == []
    page.close()


def test_signing_in_survives_a_reload_and_signing_out_ends_the_session(
    password_app: str, signed_store: str, browser: Browser, artifacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(password_app)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    sign_in(page, PASSWORD)
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    expect(page.get_by_text(f"Signed in as {LOGIN}")).to_be_visible()
    [cookie] = [c for c in context.cookies() if c["name"] == COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.screenshot(path=str(artifacts / "signed-in.png"))

    page.reload()
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    expect(page.get_by_text("Peer support demo").first).to_be_visible()

    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert [c for c in context.cookies() if c["name"] == COOKIE] == []
    context.close()

    # the old cookie, replayed by another browser, opens nothing: the session was revoked on the server
    replay = browser.new_context()
    replay.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])  # type: ignore[misc]
    again = replay.new_page()
    again.goto(password_app)
    expect(again.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    replay.close()
    monkeypatch.setenv("WORKBENCH_SECRET_KEY", SECRET)
    store = Store.open(signed_store)
    assert auth.session_user(store, cookie["value"]) is None
    store.dispose()
