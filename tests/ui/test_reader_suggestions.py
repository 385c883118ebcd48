"""Suggested spans in the Coding page's reader (AppTest): shown, filtered, opened, accepted, rejected.

Clicks in the reader are sent as the browser sends them (see `reader_event` in test_coding_page.py):
UTF-16 offsets in a trigger value, converted back to code points by the page.
"""

import json

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.domain.configurations import CodingMode
from workbench.domain.offsets import Utf16Index
from workbench.domain.suggestions import labelled_as, page_count, score_cut
from workbench.services import coding, preferences, suggestion_jobs
from workbench.services.access import ensure_user
from workbench.services.errors import PermissionDenied
from workbench.services.suggestions import Suggestion, suggest_for_study, train_model
from workbench.store.enums import CodingOrigin, Decision, Role
from workbench.store.models import Coding, Document, Excerpt, Membership, SuggestionDecision, SuggestionModel

from .test_coding_page import REVIEWER, ROOT, demo_store, open_coding, reader_event, study_id

__all__ = ["demo_store"]  # the fixture, shared with the Coding page's tests


@pytest.fixture(autouse=True)
def no_background_training(monkeypatch):
    monkeypatch.setenv(suggestion_jobs.RETRAIN_ENV, "0")


def reader_payload(at: AppTest) -> dict:
    """The data the page sent to the reader component in its last run."""
    (component,) = at.get("bidi_component")
    return json.loads(component.proto.json)


def shown_spans(at: AppTest) -> list[tuple[int, int]]:
    """The suggested spans drawn in the reader, as UTF-16 offsets."""
    return [(row[1], row[2]) for row in reader_payload(at)["suggestions"]]


def open_span(at: AppTest) -> tuple[int, int] | None:
    """The UTF-16 span of the suggestion the reader outlines as open, if any."""
    payload = reader_payload(at)
    return next(((r[1], r[2]) for r in payload["suggestions"] if r[0] == payload["open"]), None)


def utf16(text: str, s: Suggestion) -> tuple[int, int]:
    index = Utf16Index(text)
    return index.to_utf16(s.start), index.to_utf16(s.end)


def click_suggestion(at: AppTest, text: str, s: Suggestion) -> AppTest:
    """Click a suggested span in the reader, as the browser reports it."""
    start, end = utf16(text, s)
    return reader_event(at, "suggestion", {"start": start, "end": end})


def open_study(
    url: str, monkeypatch, store, project_id: int, key: str = "s01_acute_ward", every: bool = True
):
    """The Coding page on a demo study, with the study's text and the suggestions the service makes;
    with ``every``, the reader is set to draw all of them, not the best few per page."""
    sid = study_id(store, project_id, key)
    at = open_coding(url, monkeypatch)
    at.selectbox(key="coding_study").set_value(sid).run()
    if every:
        at.selectbox(key="sg_per_page").set_value(0).run()
    text = coding.document_view(store, REVIEWER, sid).text
    return at, sid, text, suggest_for_study(store, REVIEWER, sid)


def suggestion_codings(
    store, s: Suggestion, start: int | None = None, end: int | None = None
) -> list[Coding]:
    with store.transaction() as session:
        rows = session.scalars(
            select(Coding)
            .join(Excerpt)
            .where(
                Excerpt.document_id == s.document_id,
                Excerpt.start == (s.start if start is None else start),
                Excerpt.end == (s.end if end is None else end),
            )
            .order_by(Coding.id)
        ).all()
        session.expunge_all()
        return list(rows)


def test_the_reader_draws_the_studys_suggestions_and_the_toggle_hides_them(demo_store, monkeypatch):
    url, store, project_id = demo_store
    at, _sid, text, found = open_study(url, monkeypatch, store, project_id)
    assert not at.exception
    assert found and sorted(shown_spans(at)) == sorted(utf16(text, s) for s in found)
    payload = reader_payload(at)
    rows = {(row[1], row[2]): row for row in payload["suggestions"]}
    top = found[0]
    _id, _start, _end, score, context, mechanism, outcome, codes, reasons, version = rows[utf16(text, top)]
    assert (score, [context, mechanism, outcome], version) == (
        round(top.score, 2),
        [round(top.labels[kind], 2) for kind in ("context", "mechanism", "outcome")],
        None,
    )
    assert [payload["strings"][i] for i in codes] == [c.name for c in top.codes[:3]]
    assert [payload["strings"][i] for i in reasons] == list(top.reasons)
    at.toggle(key="sg_show").set_value(False).run()
    assert shown_spans(at) == []


def test_filters_keep_the_suggestions_of_one_kind_code_and_score(demo_store, monkeypatch):
    url, store, project_id = demo_store
    at, _sid, text, found = open_study(url, monkeypatch, store, project_id)
    at.selectbox(key="sg_filter_kind").set_value("outcome").run()
    outcomes = [utf16(text, s) for s in found if labelled_as(s.labels, "outcome")]
    assert 0 < len(outcomes) < len(found) and sorted(shown_spans(at)) == sorted(outcomes)
    code = found[0].codes[0].code_id
    at.selectbox(key="sg_filter_kind").set_value(None)
    at.selectbox(key="sg_filter_code").set_value(code).run()
    proposing = [utf16(text, s) for s in found if any(c.code_id == code for c in s.codes)]
    assert proposing and sorted(shown_spans(at)) == sorted(proposing)
    at.selectbox(key="sg_filter_code").set_value(None)
    at.selectbox(key="sg_per_page").set_value(1).run()
    cut = score_cut([s.score for s in found], page_count(len(text)), 1)
    best = [utf16(text, s) for s in found if s.score >= cut]
    assert 0 < len(best) < len(found) and sorted(shown_spans(at)) == sorted(best)


def test_clicking_a_suggestion_shows_its_scores_reasons_and_suggested_codes(demo_store, monkeypatch):
    url, store, project_id = demo_store
    at, _sid, text, found = open_study(url, monkeypatch, store, project_id)
    top = found[0]
    at = click_suggestion(at, text, top)
    assert not at.exception
    assert at.subheader[0].value == "Suggestion"
    assert top.text in [t.value for t in at.text]
    assert any(t.value.startswith("context ") and " · outcome " in t.value for t in at.text)
    assert any(c.value.startswith("Why: ") for c in at.caption)
    form = at.multiselect(key=f"reader_sg_{top.document_id}_{top.start}_{top.end}_codes")
    assert form.value == [c.code_id for c in top.codes[:2]]
    assert open_span(at) == utf16(text, top)


def test_accepting_a_suggestion_codes_it_with_the_models_version(demo_store, monkeypatch):
    url, store, project_id = demo_store
    model = train_model(store, REVIEWER, project_id)
    at, _sid, text, found = open_study(url, monkeypatch, store, project_id)
    top = found[0]
    assert top.model_version == model.version
    at = click_suggestion(at, text, top)
    at.radio(key=f"reader_sg_{top.document_id}_{top.start}_{top.end}_mode").set_value(CodingMode.DEDUCTIVE)
    at.button(key="sg_accept").click().run()
    assert not at.exception and at.success[0].value.startswith("Accepted the suggestion \\(model v1\\)")
    codings = suggestion_codings(store, top)
    assert [c.code_id for c in codings] == [c.code_id for c in top.codes[:2]]
    with store.transaction() as session:
        version = session.scalar(
            select(SuggestionModel.version).where(SuggestionModel.project_id == project_id)
        )
    assert {(c.origin, c.mode) for c in codings} == {(CodingOrigin.SUGGESTION, CodingMode.DEDUCTIVE)}
    assert version == model.version and {c.suggestion_model_id for c in codings} != {None}
    assert utf16(text, top) not in shown_spans(at)  # the same rerun draws it as a coding instead
    assert utf16(text, top) in [(s, e) for _id, s, e, *_rest in reader_payload(at)["excerpts"]]


def test_a_cold_start_suggestion_is_accepted_without_a_model_version(demo_store, monkeypatch):
    url, store, project_id = demo_store
    at, _sid, text, found = open_study(url, monkeypatch, store, project_id)
    top = found[0]
    assert top.model_version is None
    click_suggestion(at, text, top).button(key="sg_accept").click().run()
    assert at.success[0].value.startswith("Accepted the suggestion \\(the rules alone\\)")
    codings = suggestion_codings(store, top)
    assert codings and {(c.origin, c.suggestion_model_id) for c in codings} == {
        (CodingOrigin.SUGGESTION, None)
    }
    with store.transaction() as session:
        decision = session.scalar(select(SuggestionDecision))
        assert (decision.decision, decision.model_id, decision.coding_id) == (
            Decision.ACCEPTED,
            None,
            codings[0].id,
        )


def test_edit_then_accept_codes_a_reselected_range_with_other_codes(demo_store, monkeypatch):
    url, store, project_id = demo_store
    at, _sid, text, found = open_study(url, monkeypatch, store, project_id)
    top = found[0]
    at = click_suggestion(at, text, top)
    start, end = top.start, top.start + len(top.text) // 2  # a shorter range, selected in the text
    index = Utf16Index(text)
    at = reader_event(at, "selection", {"start": index.to_utf16(start), "end": index.to_utf16(end)})
    assert top.text[: len(top.text) // 2].strip()[:20] in " ".join(t.value for t in at.text)
    at.toggle(key="coding_show_offsets").set_value(True).run()  # to nudge the span by a character
    keys = f"reader_sg_{top.document_id}_{top.start}_{top.end}"
    assert (at.number_input(key=f"{keys}_start").value, at.number_input(key=f"{keys}_end").value) == (
        start,
        end,
    )
    assert reader_payload(at)["pending"] == [index.to_utf16(start), index.to_utf16(end)]
    at.number_input(key=f"{keys}_end").set_value(end + 1).run()  # and nudged by one character
    other = next(o.id for o in coding.code_options(store, REVIEWER, project_id) if o.name == "Hope")
    at.multiselect(key=f"{keys}_codes").set_value([other]).run()
    at.button(key="sg_accept").click().run()
    assert not at.exception
    (made,) = suggestion_codings(store, top, start, end + 1)
    assert (made.code_id, made.origin) == (other, CodingOrigin.SUGGESTION)
    assert suggestion_codings(store, top) == []


def test_a_rejected_suggestion_leaves_the_reader_and_never_comes_back(demo_store, monkeypatch):
    url, store, project_id = demo_store
    at, sid, text, found = open_study(url, monkeypatch, store, project_id)
    second = found[1]
    at = click_suggestion(at, text, second)
    at.text_input(key=f"reader_sg_{second.document_id}_{second.start}_{second.end}_reason").input(
        "background"
    )
    at.button(key="sg_reject").click().run()
    assert not at.exception and at.success[0].value.startswith("Rejected '")
    assert utf16(text, second) not in shown_spans(at) and open_span(at) is None
    with store.transaction() as session:
        decision = session.scalar(select(SuggestionDecision))
        assert (decision.decision, decision.reason, decision.start) == (
            Decision.REJECTED,
            "background",
            second.start,
        )
    again, *_rest = open_study(url, monkeypatch, store, project_id)  # a new session
    assert utf16(text, second) not in shown_spans(again) and shown_spans(again)
    assert (second.start, second.end) not in {
        (s.start, s.end) for s in suggest_for_study(store, REVIEWER, sid)
    }


def test_the_queue_opens_a_suggestion_in_the_reader(demo_store, monkeypatch):
    url, store, _project_id = demo_store
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_USER", REVIEWER)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at = at.switch_page("workbench/ui/pages/suggestions.py").run()
    first = next(b for b in at.button if b.label == "Open in Coding")
    document_id, start, end = (int(part) for part in first.key.split("_")[1:4])
    first.click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Coding"] and at.subheader[0].value == "Suggestion"
    assert any(c.value.startswith("score ") and "haracters" not in c.value for c in at.caption)
    with store.transaction() as session:
        index = Utf16Index(session.get(Document, document_id).text)
    assert reader_payload(at)["doc"] == document_id
    assert open_span(at) == (index.to_utf16(start), index.to_utf16(end))


def test_a_stakeholder_gets_neither_the_coding_page_nor_suggestions(demo_store, monkeypatch):
    url, store, project_id = demo_store
    with store.transaction() as session:
        session.add(
            Membership(project_id=project_id, user_id=ensure_user(session, "sam").id, role=Role.STAKEHOLDER)
        )
    sid = study_id(store, project_id, "s01_acute_ward")
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not listed for the role
        open_coding(url, monkeypatch, user="sam")
    with pytest.raises(PermissionDenied, match="stakeholder"):
        suggest_for_study(store, "sam", sid)


def test_escape_in_the_reader_closes_the_open_suggestion(demo_store, monkeypatch):
    url, store, project_id = demo_store
    at, _sid, text, found = open_study(url, monkeypatch, store, project_id)
    at = click_suggestion(at, text, found[0])
    assert open_span(at) == utf16(text, found[0])
    at = reader_event(at, "command", {"action": "clear"})
    assert open_span(at) is None and at.subheader[0].value == "Selection"


def test_the_reader_shows_the_best_three_suggestions_per_page_by_default(demo_store, monkeypatch):
    url, store, project_id = demo_store
    at, _sid, text, found = open_study(url, monkeypatch, store, project_id, every=False)
    assert at.selectbox(key="sg_per_page").value == 3
    cut = score_cut([s.score for s in found], page_count(len(text)), 3)
    best = [utf16(text, s) for s in found if s.score >= cut]
    assert 0 < len(best) < len(found) // 2, "a few per page, not every sentence"
    assert sorted(shown_spans(at)) == sorted(best)


def test_the_reviewers_choice_of_how_many_suggestions_is_remembered_in_the_next_session(
    demo_store, monkeypatch
):
    url, store, project_id = demo_store
    at, *_rest = open_study(url, monkeypatch, store, project_id, every=False)
    at.selectbox(key="sg_per_page").set_value(5).run()
    assert not at.exception and preferences.suggestions_per_page(store, REVIEWER) == 5
    again, _sid, text, found = open_study(url, monkeypatch, store, project_id, every=False)  # a new session
    assert again.selectbox(key="sg_per_page").value == 5
    cut = score_cut([s.score for s in found], page_count(len(text)), 5)
    assert sorted(shown_spans(again)) == sorted(utf16(text, s) for s in found if s.score >= cut)


def test_a_number_key_accepts_the_open_suggestion_with_that_proposed_code(demo_store, monkeypatch):
    url, store, project_id = demo_store
    at, _sid, text, found = open_study(url, monkeypatch, store, project_id, key="s02_psychosis_community")
    s = next(x for x in found if len(x.codes) >= 2)
    at = click_suggestion(at, text, s)
    at = reader_event(at, "command", {"action": "apply", "slot": 2, "start": None, "end": None})
    assert not at.exception and at.success[0].value.startswith("Accepted the suggestion")
    codings = suggestion_codings(store, s)
    assert [(c.code_id, c.origin) for c in codings] == [(s.codes[1].code_id, CodingOrigin.SUGGESTION)]
    assert open_span(at) is None and utf16(text, s) not in shown_spans(at)


def test_ctrl_z_takes_out_an_accepted_suggestions_coding_like_any_coding(demo_store, monkeypatch):
    url, store, project_id = demo_store
    at, _sid, text, found = open_study(url, monkeypatch, store, project_id, key="s03_early_intervention")
    s = found[0]
    at = click_suggestion(at, text, s)
    at = reader_event(at, "command", {"action": "apply", "slot": 1, "start": None, "end": None})
    assert [c.code_id for c in suggestion_codings(store, s)] == [s.codes[0].code_id]
    at = reader_event(at, "command", {"action": "undo"})
    assert not at.exception and at.success[0].value.startswith("Undo\\: Removed")
    assert suggestion_codings(store, s) == []
