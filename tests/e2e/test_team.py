"""A team in chromium, password sign-in: two reviewers code one study blind; the owner compares, settles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import aliased

from tests.e2e.test_coding import drag_select
from tests.e2e.test_sign_in import serve, stop
from workbench.domain.codebook import CodeKind
from workbench.importers.archive import IncomingFile
from workbench.services import assignments, auth, codebook, members, projects
from workbench.services.database import upgrade_database
from workbench.services.importing import import_files
from workbench.store import queries
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.store.models import Coding, Excerpt, User

pytestmark = pytest.mark.e2e

PASSWORD = "a long team password"
OWNER, RHEA, RAVI = "olive", "rhea", "ravi"
PROJECT = "Peer support team review"
FIRST = "Peer workers shared their own recovery stories with patients on the ward."
SECOND = "Patients said this made hope feel possible again for the first time."
TEXT = (
    "Peer support on an acute ward\n\n"
    f"{FIRST} Staff noticed the change within weeks. {SECOND} "
    "Some staff remained unsure about the peer role at first.\n"
)
CODE = "Hope"


@dataclass(frozen=True)
class Team:
    url: str
    db_url: str
    project_id: int
    study_id: int


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    """A password-mode app over a blind project: owner olive, reviewers rhea and ravi."""
    folder = tmp_path_factory.mktemp("team")
    db_url = f"sqlite:///{folder / 'team.db'}"
    store = Store.open(db_url)
    upgrade_database(store)
    for login in (OWNER, RHEA, RAVI):
        auth.add_user(store, login, name=login.title(), password=PASSWORD)
    project_id = projects.create_project(store, OWNER, PROJECT)
    raw = TEXT.encode()
    import_files(store, OWNER, project_id, [IncomingFile("ward_peer_study.txt", len(raw), lambda: raw)])
    codebook.create_code(store, OWNER, project_id, CODE, CodeKind.OUTCOME)
    for login, role in ((RHEA, Role.REVIEWER), (RAVI, Role.REVIEWER)):
        members.add_member(store, OWNER, project_id, login, role)
    assignments.set_blind_coding(store, OWNER, project_id, True)
    study_id = assignments.study_id_by_key(store, OWNER, project_id, "ward_peer_study")
    assignments.assign(store, OWNER, project_id, study_id, [RHEA, RAVI])
    store.dispose()
    process, url = serve(folder, db_url)
    try:
        yield Team(url, db_url, project_id, study_id)
    finally:
        stop(process)


def signed_in(browser: Browser, url: str, login: str) -> Page:
    """A fresh browser context (its own cookies) signed in as ``login``."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password", exact=True).press("Enter")
    expect(page.get_by_text(f"Signed in as {login}")).to_be_visible(timeout=60_000)
    return page


def code_passage(page: Page, url: str, phrase: str) -> None:
    page.goto(f"{url}/coding")
    expect(page.get_by_role("heading", name="Coding", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Blind coding")).to_be_visible()
    drag_select(page, phrase)
    expect(page.get_by_test_id("stText").filter(has_text=phrase)).to_be_visible()
    page.keyboard.press("1")  # the first shortcut code: the project's only code, Hope
    expect(page.locator(".seg.hl", has_text=phrase)).to_have_count(1)


def mark_done(page: Page, url: str) -> None:
    page.goto(f"{url}/my_studies")
    expect(page.get_by_role("heading", name="My studies", exact=True)).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()


def consensus_codings(db_url: str) -> list[tuple[str, str]]:
    """(excerpt text, who settled it) of every consensus coding in the app's store."""
    store = Store.open(db_url)
    try:
        with store.transaction() as session:
            settler = aliased(User)
            rows = session.execute(
                select(Excerpt.text, settler.username)
                .select_from(Coding)
                .join(Excerpt, Coding.excerpt_id == Excerpt.id)
                .join(User, Coding.coder_id == User.id)
                .join(settler, Coding.settled_by_id == settler.id)
                .where(User.username == queries.CONSENSUS_USERNAME)
            ).all()
            return [(text, who) for text, who in rows]
    finally:
        store.dispose()


def test_two_reviewers_code_blind_and_the_owner_settles_a_disagreement_into_consensus(
    team, browser, artifacts
):
    rhea = signed_in(browser, team.url, RHEA)
    ravi = signed_in(browser, team.url, RAVI)
    code_passage(rhea, team.url, FIRST)
    code_passage(ravi, team.url, SECOND)
    # blind: each sees only their own highlight, also after the other has coded
    rhea.reload()
    expect(rhea.locator(".seg.hl", has_text=FIRST)).to_have_count(1)
    expect(rhea.locator(".seg.hl", has_text=SECOND)).to_have_count(0)
    expect(ravi.locator(".seg.hl", has_text=FIRST)).to_have_count(0)
    rhea.screenshot(path=str(artifacts / "team-blind-rhea.png"))

    mark_done(rhea, team.url)
    mark_done(ravi, team.url)

    owner = signed_in(browser, team.url, OWNER)
    owner.goto(f"{team.url}/agreement")
    expect(owner.get_by_role("heading", name="Agreement", exact=True)).to_be_visible(timeout=60_000)
    expect(owner.get_by_test_id("stMetric").filter(has_text="kappa")).to_be_visible()
    owner.screenshot(path=str(artifacts / "team-agreement.png"), full_page=True)
    # two disagreements on Hope, one passage each reviewer coded alone; keep both sides of the first
    keep_both = owner.locator("[class*='st-key-adj_'][class*='_keep_both'] button").first
    keep_both.scroll_into_view_if_needed()
    keep_both.click()
    expect(owner.get_by_text(re.compile(f"Settled: Keep both .1 consensus span. by {OWNER}"))).to_be_visible()
    owner.screenshot(path=str(artifacts / "team-settled.png"), full_page=True)
    assert consensus_codings(team.db_url) == [(FIRST, OWNER)]
    for page in (rhea, ravi, owner):
        page.context.close()
