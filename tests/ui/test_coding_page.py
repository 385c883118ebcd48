"""The Coding page in AppTest: select text in the reader, code it, undo, edit and remove codings.

AppTest has no API for custom (v2) components, so `reader_event` sends the reader's trigger
exactly as the browser does: a JSON trigger value in the widget states of the next run. The
page's callbacks, the UTF-16 to code point conversion and the services all run for real.
"""

import json
from pathlib import Path

import pytest
from streamlit.components.v2.bidi_component.constants import EVENT_DELIM
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX
from streamlit.testing.v1 import AppTest

from workbench.domain.configurations import CodingMode
from workbench.domain.offsets import Utf16Index
from workbench.importers.archive import IncomingFile
from workbench.services import coding, demo, projects
from workbench.services.access import ensure_user
from workbench.services.importing import import_files
from workbench.services.studies import list_studies
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.store.models import Membership

ROOT = Path(__file__).resolve().parents[2]
OWNER, REVIEWER = "owner", "alice"  # alice is a reviewer of the demo project
SENTENCE = "Ward routines, staffing pressures and unclear role boundaries limited what PSWs could offer."


@pytest.fixture
def demo_store(demo_url):
    """The URL, an open store and the project id of this test's own copy of the demo."""
    store = Store.open(demo_url)
    yield demo_url, store, projects.project_id_by_name(store, OWNER, demo.DEMO_PROJECT)
    store.dispose()


def open_coding(url: str, monkeypatch, user: str = REVIEWER) -> AppTest:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_USER", user)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    return at.switch_page("workbench/ui/pages/coding.py").run()


def reader_event(at: AppTest, event: str, value: dict) -> AppTest:
    """Run the page as after the reader called ``setTriggerValue(event, value)`` in the browser."""
    (component,) = at.get("bidi_component")
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{component.proto.id}{EVENT_DELIM}events"
    trigger.json_trigger_value = json.dumps([{"event": event, "value": value}])
    return at._run(states)


def select(at: AppTest, text: str, phrase: str) -> AppTest:
    """Select ``phrase`` in the reader, reporting UTF-16 offsets as the browser does."""
    start = text.index(phrase)
    index = Utf16Index(text)
    return reader_event(
        at, "selection", {"start": index.to_utf16(start), "end": index.to_utf16(start + len(phrase))}
    )


def study_id(store, project_id, key):
    return next(r.id for r in list_studies(store, OWNER, project_id) if r.key == key)


def mechanism(store, project_id, name):
    return next(o for o in coding.code_options(store, OWNER, project_id) if o.name == name)


def test_a_reviewer_selects_a_sentence_and_codes_it_as_a_mechanism(demo_store, monkeypatch):
    url, store, project_id = demo_store
    s01 = study_id(store, project_id, "s01_acute_ward")
    code = mechanism(store, project_id, "Others are safe, trusted or like me")
    at = open_coding(url, monkeypatch)
    at.selectbox(key="coding_study").set_value(s01).run()
    view = coding.document_view(store, REVIEWER, s01)
    at = select(at, view.text, SENTENCE)
    assert not at.exception
    assert SENTENCE in [t.value for t in at.text]
    at.multiselect(key="coding_codes").select(code.id).run()  # the button waits for a code
    at.radio(key="coding_mode").set_value(CodingMode.INDUCTIVE)
    at.text_area(key="coding_memo").input("ward routine limits the mechanism")
    at.button(key="code_selection").click().run()
    assert not at.exception
    message = at.success[0].value.replace("\\", "")  # the page escapes Markdown
    assert (
        message == "Coded 'Ward routines, staffing pressures and…' with Others are safe, trusted or like me."
    )
    start = view.text.index(SENTENCE)
    (excerpt,) = [e for e in coding.document_view(store, REVIEWER, s01).excerpts if e.start == start]
    assert (excerpt.end, excerpt.text, excerpt.memo) == (
        start + len(SENTENCE),
        SENTENCE,
        "ward routine limits the mechanism",
    )
    assert [(c.code_name, c.coder, c.mode) for c in excerpt.codings] == [
        (code.name, REVIEWER, CodingMode.INDUCTIVE)
    ]
    assert at.multiselect(key="coding_codes").value == []


def test_a_number_key_codes_the_selection_and_ctrl_z_undoes_and_redoes_it(demo_store, monkeypatch):
    url, store, project_id = demo_store
    s01 = study_id(store, project_id, "s01_acute_ward")
    at = open_coding(url, monkeypatch)
    at.selectbox(key="coding_study").set_value(s01).run()
    text = coding.document_view(store, REVIEWER, s01).text
    at = select(at, text, SENTENCE)
    at = reader_event(at, "command", {"action": "apply", "slot": 1, "start": None, "end": None})
    assert not at.exception and at.success[0].value.startswith("Coded 'Ward routines")
    coded = [e for e in coding.document_view(store, REVIEWER, s01).excerpts if e.text == SENTENCE]
    assert len(coded) == 1 and coded[0].codings[0].coder == REVIEWER
    at = reader_event(at, "command", {"action": "undo"})
    assert not [e for e in coding.document_view(store, REVIEWER, s01).excerpts if e.text == SENTENCE]
    reader_event(at, "command", {"action": "undo"})
    assert [e for e in coding.document_view(store, REVIEWER, s01).excerpts if e.text == SENTENCE]


def test_two_passages_coded_in_a_row_stay_in_the_chosen_study(demo_store, monkeypatch):
    url, store, project_id = demo_store
    at = open_coding(url, monkeypatch)
    s04 = study_id(store, project_id, "s04_online_forum")
    assert at.selectbox(key="coding_study").value != s04, "the page does not open on s04 by itself"
    at.selectbox(key="coding_study").set_value(s04).run()
    text = coding.document_view(store, REVIEWER, s04).text
    phrases = [
        "The moderation policy mattered here.",
        "The forum's constant availability was valued, particularly at night.",
    ]
    for phrase in phrases:
        at = select(at, text, phrase)
        at = reader_event(at, "command", {"action": "apply", "slot": 1, "start": None, "end": None})
        assert not at.exception and at.selectbox(key="coding_study").value == s04
    coded = coding.document_view(store, REVIEWER, s04).excerpts
    assert set(phrases) <= {e.text for e in coded if any(c.coder == REVIEWER for c in e.codings)}


def test_clicking_a_highlight_shows_its_codings_and_a_removal_can_be_undone(demo_store, monkeypatch):
    url, store, project_id = demo_store
    s01 = study_id(store, project_id, "s01_acute_ward")
    excerpt = next(
        e for e in coding.document_view(store, OWNER, s01).excerpts if e.codings[0].coder == REVIEWER
    )
    at = open_coding(url, monkeypatch)
    at.selectbox(key="coding_study").set_value(s01).run()
    at = reader_event(at, "excerpt", {"ids": [excerpt.id]})
    assert excerpt.text in [t.value for t in at.text]
    first = excerpt.codings[0]
    at.button(key=f"remove_{first.id}_{first.version}").click().run()
    assert not at.exception
    after = {c.id for e in coding.document_view(store, OWNER, s01).excerpts for c in e.codings}
    assert first.id not in after
    at.button(key="coding_undo").click().run()
    again = {c.id for e in coding.document_view(store, OWNER, s01).excerpts for c in e.codings}
    assert first.id in again


def test_editing_a_coding_sets_its_mode_and_theory_link(demo_store, monkeypatch):
    url, store, project_id = demo_store
    s01 = study_id(store, project_id, "s01_acute_ward")
    excerpt = next(
        e for e in coding.document_view(store, OWNER, s01).excerpts if e.codings[0].coder == REVIEWER
    )
    first = excerpt.codings[0]
    at = open_coding(url, monkeypatch)
    at.selectbox(key="coding_study").set_value(s01).run()
    at = reader_event(at, "excerpt", {"ids": [excerpt.id]})
    at.selectbox(key=f"edit_mode_{first.id}_{first.version}").set_value(CodingMode.RETRODUCTIVE)
    at.text_input(key=f"edit_theory_{first.id}_{first.version}").input("IPT 1: acceptance")
    at.button(key=f"save_{first.id}_{first.version}").click().run()
    assert not at.exception and at.success[0].value.startswith("Saved")
    saved = next(e for e in coding.document_view(store, OWNER, s01).excerpts if e.id == excerpt.id).codings[0]
    assert (saved.mode, saved.theory_reference, saved.version) == (
        "retroductive",
        "IPT 1: acceptance",
        first.version + 1,
    )


def test_a_selection_after_emoji_and_crlf_is_coded_at_the_exact_characters(demo_store, monkeypatch):
    url, store, project_id = demo_store
    raw = (
        "Emoji 😀\r\n\r\nShe smiled 🎉🎉: I felt accepted.\r\nThen 👨\u200d👩\u200d👧 we talked.\r\n".encode()
    )
    import_files(store, OWNER, project_id, [IncomingFile("emoji_study.txt", len(raw), lambda: raw)])
    emoji = study_id(store, project_id, "emoji_study")
    at = open_coding(url, monkeypatch)
    at.selectbox(key="coding_study").set_value(emoji).run()
    text = coding.document_view(store, REVIEWER, emoji).text
    at = select(at, text, "I felt accepted.\r\nThen 👨\u200d👩\u200d👧 we")
    trusted = mechanism(store, project_id, "Others are safe, trusted or like me")
    at.multiselect(key="coding_codes").select(trusted.id).run()
    at.button(key="code_selection").click().run()
    (excerpt,) = coding.document_view(store, REVIEWER, emoji).excerpts
    assert excerpt.text == "I felt accepted.\r\nThen 👨\u200d👩\u200d👧 we"
    assert excerpt.start == text.index("I felt")


def test_a_stakeholder_is_not_routed_to_the_coding_page(demo_store, monkeypatch):
    url, store, project_id = demo_store
    with store.transaction() as session:
        session.add(
            Membership(project_id=project_id, user_id=ensure_user(session, "sam").id, role=Role.STAKEHOLDER)
        )
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # stakeholders read theory only
        open_coding(url, monkeypatch, user="sam")
