"""In chromium: a card's infographic on a phone-sized screen (through a link), and a signed-in stakeholder
answering a card from "My consultations"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from tests.e2e.test_sign_in import serve, stop
from workbench.services import auth, consultations, demo, members, projects
from workbench.services.database import upgrade_database
from workbench.store.db import Store
from workbench.store.enums import Role

pytestmark = pytest.mark.e2e

OWNER, STAKEHOLDER, PASSWORD = "e2e-owner", "e2e-stakeholder", "a stakeholder's long password"
TITLE = "Peer workers' panel"
PHONE: ViewportSize = {"width": 390, "height": 844}
FIGURE = re.compile("^Diagram: how")


@dataclass
class Panel:
    url: str
    db_url: str
    session_id: int
    link: str
    cards: int


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Panel]:
    """An app server (password sign-in) whose demo project has a stakeholder with a password and a
    consultation whose first card shows its infographic, with one invitation link."""
    folder = tmp_path_factory.mktemp("consultation-member")
    db_url = f"sqlite:///{folder / 'member.db'}"
    store = Store.open(db_url)
    upgrade_database(store)
    demo.load_demo(store, OWNER)
    project_id = projects.project_id_by_name(store, OWNER, demo.DEMO_PROJECT)
    members.add_member(store, OWNER, project_id, STAKEHOLDER, Role.STAKEHOLDER)
    auth.add_user(store, STAKEHOLDER, name="Peer worker", password=PASSWORD)
    session_id = consultations.create_session(store, OWNER, project_id, TITLE)
    cards = consultations.session_cards(store, OWNER, session_id)
    consultations.edit_card(store, OWNER, cards[0].id, show_figure=True)
    link = consultations.invite(store, OWNER, session_id, 1)[0].link
    store.dispose()
    process, url = serve(folder, db_url)
    try:
        yield Panel(url, db_url, session_id, link, len(cards))
    finally:
        stop(process)


def test_a_card_shows_its_infographic_scaled_to_a_phones_width(
    panel: Panel, browser: Browser, artifacts: Path
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(panel.url + panel.link)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=60_000)
    figure = page.get_by_role("img", name=FIGURE)
    expect(figure).to_be_visible(timeout=60_000)  # the first render starts kaleido's browser
    figure.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.images].some(i => i.alt.startsWith('Diagram') && i.complete && i.naturalWidth)"
    )
    box = figure.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["width"] >= PHONE["width"] * 0.75  # scaled to the width, not a thumbnail
    assert box["height"] / box["width"] > 0.5  # scaled as a whole, not squashed
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    situation = page.get_by_text("In this situation:")
    mechanism = page.get_by_text("This happens:")
    above, below = situation.bounding_box(), mechanism.bounding_box()
    assert above is not None and below is not None
    assert above["y"] < box["y"] < below["y"]  # under the card's context, before its mechanism
    page.screenshot(path=str(artifacts / "consultation-figure-phone.png"))
    page.screenshot(path=str(artifacts / "consultation-figure-phone-full.png"), full_page=True)
    context.close()


def test_a_signed_in_stakeholder_answers_a_card_from_my_consultations(
    panel: Panel, browser: Browser, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(panel.url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    page.get_by_label("Login").fill(STAKEHOLDER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password", exact=True).press("Enter")
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="My consultations").click()
    expect(page.get_by_role("heading", name="My consultations")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text(f"Card 1 of {panel.cards}")).to_be_visible()
    expect(page.get_by_role("img", name=FIGURE)).to_be_visible(timeout=60_000)
    page.get_by_text("4 · Mostly true", exact=True).click()
    page.get_by_role("textbox", name="Your comment (optional)").fill("True on my ward, with a trained peer.")
    page.screenshot(path=str(artifacts / "consultation-member-card.png"), full_page=True)
    page.get_by_role("button", name="Save & next").click()
    expect(page.get_by_text(f"Card 2 of {panel.cards}")).to_be_visible()
    page.screenshot(path=str(artifacts / "consultation-member-next.png"))
    context.close()
    store = Store.open(panel.db_url)
    try:
        results = consultations.results(store, OWNER, panel.session_id)
    finally:
        store.dispose()
    assert [(c.ratings, c.comments) for c in results.cards if c.ratings] == [
        ((4,), ("True on my ward, with a trained peer.",))
    ]
