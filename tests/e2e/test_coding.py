"""The Coding page in headless chromium: select a sentence with the mouse, code it, see it highlighted."""

import re

import pytest
from playwright.sync_api import Page, expect

from workbench.importers.archive import IncomingFile
from workbench.services import coding, projects
from workbench.services.demo import DEMO_PROJECT
from workbench.services.importing import import_files
from workbench.services.studies import list_studies
from workbench.store.db import Store
from workbench.ui.coding.commands import shortcut_codes

from .conftest import USER

pytestmark = pytest.mark.e2e

SENTENCE = "Ward routines, staffing pressures and unclear role boundaries limited what PSWs could offer."
CODE = "Others are safe, trusted or like me"
FORUM = re.compile("Avery-Kimura et al")  # s04_online_forum: no other e2e test codes in it

# Where the first and last characters of a phrase are on screen, after scrolling it into view; the
# phrase may span several highlight segments, so the reader's text is searched as a whole.
PHRASE_POINTS = """(text, phrase) => {
  const nodes = [...text.querySelectorAll('.seg')].map((seg) => seg.firstChild).filter(Boolean);
  const whole = nodes.map((node) => node.data).join('');
  const at = whole.indexOf(phrase);
  if (at < 0) return null;
  const locate = (offset) => {
    for (const node of nodes) {
      if (offset < node.data.length) return [node, offset];
      offset -= node.data.length;
    }
    return null;
  };
  const [first, firstAt] = locate(at);
  const [last, lastAt] = locate(at + phrase.length - 1);
  const range = document.createRange();
  range.setStart(first, firstAt); range.setEnd(last, lastAt + 1);
  const reader = text.parentElement;  // the scrolling box: bring the phrase to its upper third,
  reader.scrollIntoView({ block: 'center' });  // clear of the page's sticky header
  reader.scrollTop += range.getBoundingClientRect().top - reader.getBoundingClientRect().top
    - reader.clientHeight / 3;
  range.setStart(first, firstAt); range.setEnd(first, firstAt + 1);
  const a = range.getClientRects()[0];
  range.setStart(last, lastAt); range.setEnd(last, lastAt + 1);
  const rects = range.getClientRects();
  const b = rects[rects.length - 1];
  return { x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2 };
}"""


def open_study(page: Page, app_url: str, label: re.Pattern[str]) -> None:
    page.goto(f"{app_url}/coding")
    expect(page.get_by_role("heading", name="Coding", exact=True)).to_be_visible(timeout=60_000)
    page.get_by_test_id("stSelectbox").filter(has_text="Study").click()
    page.get_by_role("option", name=label).click()
    expect(page.get_by_test_id("stCaptionContainer").filter(has_text=label).first).to_be_visible()


def drag_select(page: Page, phrase: str) -> None:
    """Select ``phrase`` in the reader with a real mouse drag, from its first to its last character."""
    text = page.locator(".reader .text")
    expect(text).to_contain_text(phrase.split("\r")[0])
    points = text.evaluate(PHRASE_POINTS, phrase)
    assert points, f"{phrase!r} is not in the reader"
    page.mouse.move(points["x1"], points["y1"])
    page.mouse.down()
    page.mouse.move(points["x2"], points["y2"], steps=10)
    page.mouse.up()


def my_coding(database_url: str, key: str) -> tuple[str, list[coding.ExcerptView]]:
    """A demo study's text and the excerpts the e2e reviewer coded in it, read from the app's store."""
    store = Store.open(database_url)
    try:
        project_id = projects.project_id_by_name(store, USER, DEMO_PROJECT)
        study_id = next(s.id for s in list_studies(store, USER, project_id) if s.key == key)
        view = coding.document_view(store, USER, study_id)
        return view.text, [e for e in view.excerpts if any(c.coder == USER for c in e.codings)]
    finally:
        store.dispose()


def test_a_reviewer_selects_a_sentence_with_the_mouse_and_codes_it_as_a_mechanism(
    app_url, database_url, browser, artifacts
):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    open_study(page, app_url, re.compile("Thwaite et al"))
    drag_select(page, SENTENCE)
    expect(page.get_by_test_id("stText").filter(has_text=SENTENCE)).to_be_visible()
    page.get_by_test_id("stMultiSelect").click()
    page.keyboard.type("Others are safe")
    page.get_by_role("option", name=f"Mechanisms / {CODE}").click()
    page.keyboard.press("Escape")
    button = page.get_by_role("button", name="Code selection")
    expect(button).to_be_enabled()
    button.click()

    highlight = page.locator(".seg.hl", has_text=SENTENCE)
    expect(highlight).to_have_count(1)
    expect(highlight).to_have_attribute("title", re.compile(f"mechanism: {CODE}"))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Coded 'Ward routines")
    page.get_by_text("Keyboard shortcuts").click()
    highlight.evaluate("segment => segment.scrollIntoView({ block: 'center' })")
    page.screenshot(path=str(artifacts / "coding.png"))

    text, (excerpt,) = my_coding(database_url, "s01_acute_ward")
    assert (excerpt.start, excerpt.end) == (text.index(SENTENCE), text.index(SENTENCE) + len(SENTENCE))
    assert excerpt.text == SENTENCE
    assert [(c.code_name, c.code_kind, c.coder) for c in excerpt.codings] == [(CODE, "mechanism", USER)]
    page.close()


def test_a_selection_after_emoji_is_coded_by_a_number_key_at_the_exact_characters(
    app_url, database_url, browser
):
    phrase = "I felt accepted here.\r\nThen 👨\u200d👩\u200d👧 we"
    text = f"Emoji 😀 first\r\n\r\nShe smiled 🎉🎉 and said: {phrase} talked.\r\n"
    raw = text.encode()
    store = Store.open(database_url)
    try:
        project_id = projects.project_id_by_name(store, USER, DEMO_PROJECT)
        import_files(store, USER, project_id, [IncomingFile("emoji_study.txt", len(raw), lambda: raw)])
        shortcut = shortcut_codes(coding.code_options(store, USER, project_id))[0]
    finally:
        store.dispose()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_study(page, app_url, re.compile("Emoji 😀 first"))
    drag_select(page, phrase)
    expect(page.get_by_test_id("stText").filter(has_text="I felt accepted here.")).to_be_visible()
    page.keyboard.press("1")
    expect(page.locator(".seg.hl")).to_have_count(1)
    _text, (excerpt,) = my_coding(database_url, "emoji_study")
    assert (excerpt.start, excerpt.end, excerpt.text) == (
        text.index(phrase),
        text.index(phrase) + len(phrase),
        phrase,
    )
    assert [c.code_id for c in excerpt.codings] == [shortcut.id]

    page.keyboard.press("Control+z")
    expect(page.locator(".seg.hl")).to_have_count(0)
    assert my_coding(database_url, "emoji_study")[1] == []
    page.close()


def test_a_reviewer_codes_two_passages_in_a_row_and_stays_in_the_study(app_url, database_url, browser):
    first = "The moderation policy mattered here."
    second = "The forum's constant availability was valued, particularly at night."
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_study(page, app_url, FORUM)
    drag_select(page, first)
    expect(page.get_by_test_id("stText").filter(has_text=first)).to_be_visible()
    page.keyboard.press("1")  # code it with the reviewer's first shortcut code
    expect(page.locator(".seg.hl", has_text=first)).to_have_count(1)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Coded 'The moderation policy")

    drag_select(page, second)  # the next selection, right after coding: still in the same study
    expect(page.get_by_test_id("stText").filter(has_text=second)).to_be_visible()
    page.keyboard.press("1")
    expect(page.locator(".seg.hl", has_text=second)).to_have_count(1)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Coded 'The forum's constant")
    expect(page.get_by_role("combobox", name="Study")).to_have_value(FORUM)
    expect(page.locator(".seg.hl", has_text=first)).to_have_count(1)

    _text, excerpts = my_coding(database_url, "s04_online_forum")
    assert {first, second} <= {e.text for e in excerpts}
    page.close()
