"""The Suggestions page in Streamlit's AppTest, on a fresh SQLite store holding the demo project."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_OWNER
from workbench.services import suggestion_jobs
from workbench.services.studies import list_studies
from workbench.services.suggestions import reject_suggestion, suggestion_queue
from workbench.store.db import Store
from workbench.store.enums import CodingOrigin, Decision
from workbench.store.models import Coding, SuggestionDecision
from workbench.ui.text import plain

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "workbench" / "ui" / "pages" / "suggestions.py"
USER = DEMO_OWNER


@pytest.fixture
def store(demo_url, monkeypatch):
    opened = Store.open(demo_url)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", demo_url)
    monkeypatch.setenv("WORKBENCH_USER", USER)
    monkeypatch.chdir(ROOT)
    yield opened
    opened.dispose()


@pytest.fixture
def page(store):
    return AppTest.from_file(str(PAGE), default_timeout=60).run()


def cards(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("> ")]


def button(at: AppTest, label: str):
    """The first card's button with this label."""
    return next(b for b in at.button if b.label == label)


def test_the_page_names_the_pipeline_and_lists_suggestions_best_first(page):
    assert not page.exception
    assert page.caption[0].value.startswith("Pipeline: blank English")
    assert len(cards(page)) == 20
    headers = [m.value for m in page.markdown if "· score **" in m.value]
    scores = [float(h.split("score **")[1].split("**")[0]) for h in headers]
    assert scores == sorted(scores, reverse=True)


def test_the_model_tab_drawn_only_when_opened_says_there_is_no_model_yet(page):
    assert not any("No trained model yet" in i.value for i in page.info)  # the Queue tab is open
    page.session_state["suggestions_tab"] = "Model"
    page.run()
    assert not page.exception
    assert "No trained model yet" in page.info[0].value


def test_accepting_on_the_page_codes_the_span_as_a_suggestion(page, store):
    first = cards(page)[0]
    button(page, "Accept").click().run()
    assert not page.exception
    toast = page.toast[0].value.replace("\\", "")  # escaped Markdown
    assert toast.startswith("Coded '") and " with 2 codes." in toast and "[" not in toast, toast
    assert cards(page)[0] != first
    with store.transaction() as session:
        coding = session.scalar(select(Coding).where(Coding.origin == CodingOrigin.SUGGESTION))
        assert coding is not None and first == "> " + plain(" ".join(coding.excerpt.text.split()))


def test_rejecting_on_the_page_keeps_the_reason_and_hides_the_span(page, store):
    first = cards(page)[0]
    next(t for t in page.text_input if t.key.endswith("_reason")).input("only background")
    button(page, "Reject").click().run()
    assert not page.exception
    assert first not in cards(page)
    with store.transaction() as session:
        decision = session.scalar(select(SuggestionDecision))
        assert (decision.decision, decision.reason) == (Decision.REJECTED, "only background")


def test_the_study_filter_keeps_the_queue_to_the_chosen_study(page, store):
    rows = list_studies(store, USER, 1)
    forum = next(r for r in rows if r.key == "s04_online_forum")
    page.selectbox(key="sg_study").set_value(forum.id).run()
    assert not page.exception
    headers = [m.value for m in page.markdown if "· score **" in m.value]
    assert headers and all(h.startswith(f"**{plain(forum.citation)}**") for h in headers)
    assert any("in this study" in c.value for c in page.caption)


def test_retrain_trains_a_model_and_the_page_then_shows_its_held_out_figures(page, store):
    page.session_state["suggestions_tab"] = "Model"  # only the open tab is drawn
    page.run()
    page.button(key="retrain").click().run()
    assert not page.exception
    job = suggestion_jobs.training_job(store, 1)
    assert job is not None and job.wait(timeout=120).state == "done"
    page.run()
    assert any(m.value.startswith("**Model version 1**") for m in page.markdown)
    table = page.dataframe[0].value
    assert list(table["Kind"]) == ["context", "mechanism", "outcome"]
    assert table["Precision"].between(0, 1).all() and table["Recall"].between(0, 1).all()
    assert page.success[0].value.startswith("Model version 1 trained in")


def test_a_suggestion_rejected_in_another_session_leaves_the_queue_on_the_next_run(page, store):
    first = cards(page)[0]
    page.run()  # a rerun with nothing changed keeps the queue it read
    assert cards(page)[0] == first
    top = suggestion_queue(store, USER, 1, limit=1)[0]
    reject_suggestion(store, USER, top.document_id, top.start, top.end, "read elsewhere")
    page.run()
    assert not page.exception
    assert first not in cards(page)
