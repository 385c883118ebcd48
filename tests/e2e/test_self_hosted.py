"""A self-hosted install in chromium: the whole navigation shows; no page asks the internet for anything."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.conftest import USER
from workbench.services import projects
from workbench.services.demo import DEMO_PROJECT
from workbench.services.studies import list_studies
from workbench.store.db import Store

pytestmark = pytest.mark.e2e

PAGES = [
    "Import", "Studies", "Characteristics", "Appraisal", "Coding", "Suggestions", "Codebook",
    "Configurations", "Programme theory", "Memos", "Graphs", "Export", "Audit log",
]  # fmt: skip
LOCAL = {"127.0.0.1"}


def outside(request: Request) -> bool:
    """A request that leaves this machine (``data:`` and ``blob:`` URLs never do)."""
    parts = urlsplit(request.url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL


def open_page(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.wait_for_load_state("networkidle")


def test_every_page_is_in_the_sidebar_without_a_view_more_button(app_url, browser, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(app_url)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Audit log")).to_be_visible(timeout=60_000)
    for title in PAGES:
        expect(nav.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(page.get_by_text("View", exact=False).filter(has_text="more")).to_have_count(0)
    page.screenshot(path=str(artifacts / "navigation.png"))
    page.close()


def test_no_page_makes_a_request_outside_the_server(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    leaving: list[str] = []
    page.on("request", lambda request: leaving.append(request.url) if outside(request) else None)
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Projects")).to_be_visible(timeout=60_000)
    page.wait_for_load_state("networkidle")
    for title in PAGES:
        open_page(page, title)
    assert leaving == []
    page.close()


def test_the_characteristics_grid_shows_every_study_and_the_study_column_at_1280_px(
    app_url, database_url, browser
):
    store = Store.open(database_url)  # other e2e tests may have imported studies into the shared store
    try:
        project_id = projects.project_id_by_name(store, USER, DEMO_PROJECT)
        n_studies = len(list_studies(store, USER, project_id))
    finally:
        store.dispose()
    assert n_studies >= 13
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Projects")).to_be_visible(timeout=60_000)
    open_page(page, "Characteristics")
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible(timeout=30_000)
    box = grid.bounding_box()
    assert box is not None
    assert box["height"] >= (n_studies + 1) * 35  # the header and a row of 35 px each: no inner scrolling
    assert box["x"] + box["width"] <= 1280  # the grid, its pinned study columns first, fits the window
    expect(grid.locator("table[role=grid]")).to_have_attribute("aria-rowcount", str(n_studies + 1))
    page.close()
