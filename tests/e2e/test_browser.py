"""The real app in headless chromium: a reviewer opens the demo project and sees its studies."""

import re

import pytest
from playwright.sync_api import expect

from workbench.services.demo import DEMO_PROJECT

pytestmark = pytest.mark.e2e


def test_a_reviewer_opens_the_demo_project_and_sees_its_studies(app_url, browser, artifacts):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Projects")).to_be_visible(timeout=60_000)
    expect(page.get_by_text(f"Working in {DEMO_PROJECT}")).to_be_visible()

    page.get_by_role("link", name="Studies", exact=True).click()
    expect(page.get_by_role("heading", name="Studies", exact=True)).to_be_visible(timeout=30_000)
    caption = page.get_by_text(re.compile(r"^\d+ of \d+ studies$"))
    expect(caption).to_be_visible()
    shown, total = map(int, re.findall(r"\d+", caption.inner_text()))
    assert shown == total >= 12
    # st.dataframe paints cells on a canvas; its accessible table mirrors the rows for readers
    table = page.get_by_test_id("stDataFrame").locator("table[role=grid]")
    expect(table).to_have_attribute("aria-rowcount", str(total + 1))  # header + one row per study
    expect(table).to_contain_text("tuberculosis")
    page.screenshot(path=str(artifacts / "studies.png"), full_page=True)
    page.close()
