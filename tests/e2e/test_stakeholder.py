"""A stakeholder signs in (password sign-in, in chromium) and finds no coding or codebook controls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_sign_in import serve, stop
from workbench.services import auth, demo, members, projects
from workbench.services.database import upgrade_database
from workbench.store.db import Store
from workbench.store.enums import Role

pytestmark = pytest.mark.e2e

OWNER, STAKEHOLDER, PASSWORD = "e2e-owner", "e2e-stakeholder", "a stakeholder's long password"


@pytest.fixture(scope="module")
def stakeholder_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An app server (password sign-in) whose demo project has a stakeholder with a password."""
    folder = tmp_path_factory.mktemp("stakeholder")
    db_url = f"sqlite:///{folder / 'team.db'}"
    store = Store.open(db_url)
    upgrade_database(store)
    demo.load_demo(store, OWNER)
    project_id = projects.project_id_by_name(store, OWNER, demo.DEMO_PROJECT)
    members.add_member(store, OWNER, project_id, STAKEHOLDER, Role.STAKEHOLDER)
    auth.add_user(store, STAKEHOLDER, name="Peer worker", password=PASSWORD)
    store.dispose()
    process, url = serve(folder, db_url)
    try:
        yield url
    finally:
        stop(process)


def test_a_stakeholder_finds_the_theory_pages_and_no_coding_or_codebook_controls(
    stakeholder_app: str, browser: Browser, artifacts: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(stakeholder_app)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    page.get_by_label("Login").fill(STAKEHOLDER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password", exact=True).press("Enter")
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    for title in ("Configurations", "Programme theory", "Graphs", "Team"):
        expect(nav.get_by_role("link", name=title)).to_be_visible()
    for title in ("Coding", "Codebook", "Import", "Suggestions", "Memos", "Export", "Audit log"):
        expect(nav.get_by_role("link", name=title, exact=True)).to_have_count(0)

    nav.get_by_role("link", name="Configurations").click()
    expect(page.get_by_role("heading", name="Configurations")).to_be_visible()
    expect(page.get_by_role("tab", name="Chains")).to_be_visible()
    expect(page.get_by_role("tab", name="Build a CMOC")).to_have_count(0)
    expect(page.get_by_role("button", name="Chain them")).to_have_count(0)
    page.screenshot(path=str(artifacts / "stakeholder-configurations.png"))

    nav.get_by_role("link", name="Programme theory").click()
    expect(page.get_by_role("heading", name="Programme theory")).to_be_visible()
    expect(page.get_by_role("button", name="Save version")).to_have_count(0)

    page.goto(f"{stakeholder_app}/coding")  # a bookmark to a page the role cannot use
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    expect(page.get_by_role("heading", name="Coding")).to_have_count(0)
    page.close()
