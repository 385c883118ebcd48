"""Suggested spans in the Coding page's reader, in headless chromium: click one, accept it; reject another."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from workbench.domain.offsets import Utf16Index
from workbench.domain.suggestions import overlap, page_count, score_cut
from workbench.services import coding, projects
from workbench.services.demo import DEMO_PROJECT
from workbench.services.studies import list_studies
from workbench.services.suggestions import Suggestion, suggest_for_study, train_model
from workbench.store.db import Store
from workbench.store.enums import CodingOrigin, Decision
from workbench.store.models import Coding, Excerpt, SuggestionDecision, SuggestionModel

from .conftest import USER
from .test_coding import open_study

pytestmark = pytest.mark.e2e

STUDY, CITATION = "s05_discharge_transition", re.compile("de Groot et al")  # no other e2e test touches it


def prepare(database_url: str) -> tuple[int, str, list[Suggestion]]:
    """Train a model version on the app's store; the study's text and what the app will suggest
    there, keeping suggestions clear of every coded excerpt (a click there opens the excerpt)."""
    store = Store.open(database_url)
    try:
        project_id = projects.project_id_by_name(store, USER, DEMO_PROJECT)
        version = train_model(store, USER, project_id).version
        study_id = next(s.id for s in list_studies(store, USER, project_id) if s.key == STUDY)
        view = coding.document_view(store, USER, study_id)
        clear = [
            s
            for s in suggest_for_study(store, USER, study_id)
            if not any(overlap((s.start, s.end), (e.start, e.end)) for e in view.excerpts)
        ]
        return version, view.text, clear
    finally:
        store.dispose()


def segment(page: Page, text: str, s: Suggestion, kind: str = "sg"):
    """The reader's segment starting where a suggestion starts (segments carry UTF-16 offsets)."""
    return page.locator(f'.reader .seg.{kind}[data-s="{Utf16Index(text).to_utf16(s.start)}"]')


def stored(database_url: str, s: Suggestion) -> tuple[list[tuple[CodingOrigin, int | None]], list[Decision]]:
    """The codings at exactly the suggested span (origin, model version), and the decisions on it."""
    store = Store.open(database_url)
    try:
        with store.transaction() as session:
            codings = session.execute(
                select(Coding.origin, SuggestionModel.version)
                .join(Excerpt)
                .outerjoin(SuggestionModel, Coding.suggestion_model_id == SuggestionModel.id)
                .where(Excerpt.document_id == s.document_id, Excerpt.start == s.start, Excerpt.end == s.end)
            ).all()
            decisions = session.scalars(
                select(SuggestionDecision.decision).where(
                    SuggestionDecision.document_id == s.document_id,
                    SuggestionDecision.start == s.start,
                    SuggestionDecision.end == s.end,
                )
            ).all()
            return [(origin, version) for origin, version in codings], list(decisions)
    finally:
        store.dispose()


def test_a_reviewer_accepts_one_suggested_span_and_rejects_another_for_good(
    app_url, database_url, browser, artifacts
):
    version, text, found = prepare(database_url)
    accepted = found[0]
    rejected = next(s for s in found[1:] if not overlap((s.start, s.end), (accepted.start, accepted.end)))
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    open_study(page, app_url, CITATION)

    expect(segment(page, text, accepted)).to_have_count(1)
    segment(page, text, accepted).click()
    expect(page.get_by_role("heading", name="Suggestion")).to_be_visible()
    expect(page.get_by_test_id("stText").filter(has_text=accepted.text[:60]).first).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"model v{version}")
    expect(segment(page, text, accepted, "hl")).to_have_count(1)  # drawn as a coding now
    expect(segment(page, text, accepted)).to_have_count(0)
    codings, decisions = stored(database_url, accepted)
    assert codings and set(codings) == {(CodingOrigin.SUGGESTION, version)}
    assert decisions == [Decision.ACCEPTED]

    segment(page, text, rejected).click()
    # typed, not yet applied: the Reject click commits the reason and rejects in one rerun (pressing
    # Enter first would start a rerun that a quick click could race)
    page.get_by_label("Reason to reject (optional)").fill("only describes the setting")
    page.screenshot(path=str(artifacts / "suggestions.png"))
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Rejected '", timeout=15_000)
    expect(segment(page, text, rejected)).to_have_count(0)
    assert stored(database_url, rejected) == ([], [Decision.REJECTED])

    page.reload()  # a new session: the reader reads the suggestions again
    open_study(page, app_url, CITATION)
    expect(page.locator(".reader .seg.sg").first).to_be_visible()
    expect(segment(page, text, rejected)).to_have_count(0)
    expect(segment(page, text, accepted)).to_have_count(0)
    page.close()


def stored_codes(database_url: str, s: Suggestion) -> list[int]:
    """The codes of the codings at exactly the suggested span."""
    store = Store.open(database_url)
    try:
        with store.transaction() as session:
            return list(session.scalars(
                select(Coding.code_id).join(Excerpt)
                .where(Excerpt.document_id == s.document_id, Excerpt.start == s.start, Excerpt.end == s.end)
            ))  # fmt: skip
    finally:
        store.dispose()


def test_a_number_key_accepts_the_open_suggestion_with_that_code_and_ctrl_z_takes_it_out(
    app_url, database_url, browser, artifacts
):
    _version, text, found = prepare(database_url)
    s = next(x for x in found if len(x.codes) >= 2)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    open_study(page, app_url, CITATION)
    segment(page, text, s).click()
    expect(page.get_by_role("heading", name="Suggestion")).to_be_visible()
    expect(page.get_by_test_id("stCaptionContainer").filter(has_text="press a number")).to_be_visible()
    page.screenshot(path=str(artifacts / "suggestion-keys.png"))
    page.keyboard.press("2")
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Accepted the suggestion")
    expect(segment(page, text, s, "hl")).to_have_count(1)
    assert stored_codes(database_url, s) == [s.codes[1].code_id]
    page.screenshot(path=str(artifacts / "suggestion-accepted-by-key.png"))

    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Undo: Removed")
    expect(segment(page, text, s, "hl")).to_have_count(0)
    assert stored_codes(database_url, s) == []
    page.close()


SCROLL_READER_TO = """(seg) => {
  const box = seg.closest('.text').parentElement;
  box.scrollTop += seg.getBoundingClientRect().top - box.getBoundingClientRect().top - 150;
}"""


def test_the_reader_draws_the_best_few_suggestions_per_page_by_default(
    app_url, database_url, browser, artifacts
):
    store = Store.open(database_url)
    try:
        project_id = projects.project_id_by_name(store, USER, DEMO_PROJECT)
        study_id = next(s.id for s in list_studies(store, USER, project_id) if s.key == "s12_diabetes_groups")
        view = coding.document_view(store, USER, study_id)
        found = suggest_for_study(store, USER, study_id)
    finally:
        store.dispose()
    pages = page_count(len(view.text), view.page_starts)
    cut = score_cut([s.score for s in found], pages, 3)
    best = [s for s in found if s.score >= cut]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_study(page, app_url, re.compile("Subramanian et al"))
    expect(page.get_by_role("combobox", name="Best suggestions")).to_have_value("3 per page")
    marks = page.locator(".reader .sg-mark")
    expect(marks).to_have_count(len(best))
    # the rule is the best 3 per page (ties at the cut all shown), whatever share of the text's
    # suggestions that is: a few per page, not every suggestion
    above = [s for s in found if s.score > cut]
    assert len(above) < 3 * pages <= len(best) < len(found), "the best 3 per page, not every suggestion"
    page.locator(".reader .seg.sg").first.evaluate(SCROLL_READER_TO)  # the reader only, not the page
    page.screenshot(path=str(artifacts / "coding-default-threshold.png"))
    # the PDF's line breaks inside a paragraph read as spaces; its blank lines still part paragraphs
    shown = page.locator(".reader .text").evaluate("t => t.textContent")
    utf16 = Utf16Index(view.text)
    assert len(shown) == utf16.to_utf16(len(view.text))  # same length: offsets are unchanged
    lone = [i for i, c in enumerate(view.text) if c == "\n" and "\n" not in view.text[i - 1 : i + 2 : 2]]
    assert lone, "the sample PDF has lines broken inside paragraphs"
    assert {shown[utf16.to_utf16(i)] for i in lone} == {" "} and "\n\n" in shown
    page.close()
