"""The Configurations page in headless chromium: evidence added, removed and re-saved; a CMOC built from
a co-occurrence suggestion to saved evidence in one flow."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from workbench.services import configurations as cfg
from workbench.services import evidence, projects
from workbench.services.demo import DEMO_PROJECT
from workbench.store.db import Store
from workbench.ui.evidence_picker import scope_of

from .conftest import USER

pytestmark = pytest.mark.e2e


@contextmanager
def app_store(database_url: str) -> Iterator[tuple[Store, int]]:
    """The store the app serves, and the demo project's id, to check what the browser saved."""
    store = Store.open(database_url)
    try:
        yield store, projects.project_id_by_name(store, USER, DEMO_PROJECT)
    finally:
        store.dispose()


def open_configurations(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/configurations")
    expect(page.get_by_role("heading", name="Configurations", exact=True)).to_be_visible(timeout=60_000)


def widget(page: Page, key: str) -> Locator:
    """A keyed Streamlit widget (Streamlit gives its container the class ``st-key-<key>``)."""
    return page.locator(f".st-key-{key}")


def no_error_on(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


def test_a_reviewer_adds_removes_and_re_saves_an_elements_evidence(app_url, database_url, browser, artifacts):
    with app_store(database_url) as (store, project_id):
        rows = cfg.list_configurations(store, USER, project_id)
        row = rows[0]
        element = next(e for e in row.elements if e.role == "outcome")
        options = evidence.evidence_options(store, USER, element.id)
        spare = next(o for o in options if not o.attached)
        scope = scope_of(f"ev{element.id}", options)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_configurations(page, app_url)
    # every configuration is shown, none hidden behind the table's own scroll bar
    grid = page.get_by_test_id("stDataFrame")
    expect(grid.locator("table[role=grid]")).to_have_attribute("aria-rowcount", str(len(rows) + 1))
    box = grid.bounding_box()
    assert box and box["height"] >= 35 * (len(rows) + 1) and box["x"] + box["width"] <= 1400
    page.screenshot(path=str(artifacts / "configurations-table.png"))
    widget(page, "open_configuration").click()
    page.keyboard.type(row.label)
    page.get_by_role("option", name=re.compile(f"^{row.label}: ")).click()
    page.get_by_text(re.compile(rf"^Outcome: {re.escape(element.code)}: \d+ stud")).click()
    box = widget(page, f"{scope}_tick_{spare.coding_id}")
    box.get_by_text(spare.quote[:40]).click()  # the label: what a reviewer reads and clicks
    expect(box.get_by_role("checkbox")).to_be_checked()
    page.get_by_role("button", name="Save evidence").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Saved the evidence of {row.label}")
    no_error_on(page)
    with app_store(database_url) as (store, _):
        attached = [o.coding_id for o in evidence.evidence_options(store, USER, element.id) if o.attached]
        added = evidence.evidence_options(store, USER, element.id)
    assert spare.coding_id in attached

    # the picker restarts from what is stored: the new excerpt is ticked; untick it and save again
    box = widget(page, f"{scope_of(f'ev{element.id}', added)}_tick_{spare.coding_id}")
    label = box.get_by_text(spare.quote[:40])

    def show_element() -> None:
        """Open the element's evidence, unless the save's rerun left it open (a click would close it)."""
        if not label.is_visible():
            page.get_by_text(re.compile(rf"^Outcome: {re.escape(element.code)}: \d+ stud")).click()
        expect(label).to_be_visible()

    show_element()
    expect(box.get_by_role("checkbox")).to_be_checked()
    for attempt in range(3):  # a click landing while the save's rerun redraws the form can be dropped
        show_element()
        try:
            label.click(timeout=7_000)
            expect(box.get_by_role("checkbox")).not_to_be_checked(timeout=7_000)
            break
        except (AssertionError, PlaywrightTimeoutError):
            if attempt == 2:
                raise
    page.get_by_role("button", name="Save evidence").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Saved the evidence of {row.label}")

    def stored() -> list[int]:
        with app_store(database_url) as (store, _):
            return [o.coding_id for o in evidence.evidence_options(store, USER, element.id) if o.attached]

    # the first save's message is still on screen while this one runs: wait for the store itself
    deadline = time.monotonic() + 20
    while spare.coding_id in (attached := stored()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert spare.coding_id not in attached
    assert sorted(attached) == sorted(o.coding_id for o in options if o.attached)

    # re-saving the unchanged set used to crash on the unique constraint: now it says so, calmly
    page.get_by_role("button", name="Save evidence").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Nothing to save")
    no_error_on(page)
    page.get_by_text(re.compile(rf"^Outcome: {re.escape(element.code)}: \d+ stud")).click()
    page.screenshot(path=str(artifacts / "configuration-evidence.png"))
    page.close()


def test_a_reviewer_builds_a_cmoc_from_a_suggestion_to_saved_evidence(
    app_url, database_url, browser, artifacts
):
    with app_store(database_url) as (store, project_id):
        suggestion = evidence.suggest_configurations(store, USER, project_id, "excerpt")[0]
        before = {r.label for r in cfg.list_configurations(store, USER, project_id)}
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_configurations(page, app_url)
    page.get_by_role("tab", name="Build a CMOC").click()
    widget(page, "use_suggestion_0").get_by_role("button", name="Use this").click()

    expect(widget(page, "cmoc1_context").get_by_role("combobox")).to_have_value(suggestion.context)
    expect(widget(page, "cmoc1_mechanisms")).to_contain_text(suggestion.mechanism)
    expect(widget(page, "cmoc1_outcomes")).to_contain_text(suggestion.outcome)
    boxes = page.locator("[class*='st-key-cmoc1_code'][class*='_tick_']")
    expect(boxes.first).to_be_visible()
    expect(page.locator("[class*='st-key-cmoc1_code'] input:checked")).to_have_count(0)  # none pre-ticked

    # tick the excerpts where the three were found together, one per element
    ticked = []
    for code_id in suggestion.code_ids:
        together = page.locator(f"[class*='st-key-cmoc1_code{code_id}_']").filter(has_text="found together")
        first = together.first
        first.locator("label").click()
        expect(first.get_by_role("checkbox")).to_be_checked()
        ticked.append(int(re.search(r"_tick_(\d+)", first.get_attribute("class") or "").group(1)))
    c, m, o = suggestion.context, suggestion.mechanism, suggestion.outcome
    page.get_by_label("Statement").fill(f"Where {c.lower()}, {m.lower()} leads to {o.lower()}.")
    save = page.get_by_role("button", name=f"Save configuration with {len(ticked)} excerpts")
    expect(save).to_be_enabled()
    # Streamlit scrolls inside the page, so a full-page shot needs a viewport as tall as the flow
    page.set_viewport_size({"width": 1400, "height": 3400})
    page.get_by_role("heading", name="Configurations", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "cmoc-flow.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    save.click()

    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        re.compile(rf"Saved C\d+ with {len(ticked)} excerpts from \d+ studies")
    )
    no_error_on(page)
    with app_store(database_url) as (store, project_id):
        (new,) = [r for r in cfg.list_configurations(store, USER, project_id) if r.label not in before]
    assert (new.contexts, new.mechanisms, new.outcomes) == (
        (suggestion.context,), (suggestion.mechanism,), (suggestion.outcome,),
    )  # fmt: skip
    assert sorted(ev.coding_id for e in new.elements for ev in e.evidence) == sorted(ticked)
    assert new.nested, "a suggestion found within one excerpt is nested"
    # the saved configuration opens in the Configurations tab, its evidence ticked
    expect(widget(page, "open_configuration").get_by_role("combobox")).to_have_value(
        re.compile(f"^{new.label}: ")
    )
    page.close()
