"""The "back into the theory" panel on its own: the owner revises a configuration citing a participant's
comment and saves a version whose diff names the session; the report downloads; a stakeholder sees no form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_OWNER
from workbench.services import configurations, consultation_answers, consultations, members, projects, theory
from workbench.store.db import Store
from workbench.store.enums import Role

TITLE = "Panel *bold* [x](y)"


def panel() -> None:
    """A stand-in for the facilitator's page: the theory panel of the project's last consultation."""
    import streamlit as st

    from workbench.ui.consultation_results import theory_panel

    theory_panel(int(st.query_params["project"]), int(st.query_params["session"]))


@pytest.fixture
def consulted(demo_url: str) -> tuple[str, int, int, int, int]:
    """A consultation of the first demo configuration with two answers; a stakeholder member 'sam'."""
    store = Store.open(demo_url)
    try:
        project_id = projects.project_id_by_name(store, DEMO_OWNER, "Peer support demo")
        members.add_member(store, DEMO_OWNER, project_id, "sam", Role.STAKEHOLDER)
        config = configurations.list_configurations(store, DEMO_OWNER, project_id)[0]
        session_id = consultations.create_session(
            store, DEMO_OWNER, project_id, TITLE, configuration_ids=[config.id]
        )
        (card,) = consultations.session_cards(store, DEMO_OWNER, session_id)
        one, two = consultations.invite(store, DEMO_OWNER, session_id, 2)
        consultation_answers.answer(store, one.token, card.id, 2, "Only with a *shared* story")
        consultation_answers.answer(store, two.token, card.id, 4, "", "being believed", "mechanism")
        theory.save_version(store, DEMO_OWNER, project_id, "Before")
        return demo_url, project_id, session_id, config.id, card.id
    finally:
        store.dispose()


@pytest.fixture
def run_as(consulted, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    url, project_id, session_id, _config_id, _card_id = consulted

    def opener(user: str) -> AppTest:
        monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
        monkeypatch.setenv("WORKBENCH_USER", user)
        at = AppTest.from_function(panel, default_timeout=60)
        at.query_params["project"] = str(project_id)
        at.query_params["session"] = str(session_id)
        return at.run()

    return opener


def test_the_owner_revises_a_configuration_citing_a_comment_and_the_new_version_names_the_session(
    consulted, run_as
):
    url, project_id, session_id, config_id, _card_id = consulted
    at = run_as(DEMO_OWNER)
    key = f"{session_id}-{config_id}"
    at.radio(key=f"verdict-{key}").set_value("revised")
    cite = at.multiselect(key=f"cite-{key}")
    comment = next(o for o in cite.options if "shared" in o)
    cite.select(comment)
    at.multiselect(key=f"add-{key}").select(at.multiselect(key=f"add-{key}").options[0])
    at.text_area(key=f"statement-{key}").input("Peer workers who share their story are trusted")
    next(b for b in at.button if b.label == "Save as a new programme theory version").click().run()
    assert not at.exception and not at.error
    assert "Saved" in at.success[0].value
    store = Store.open(url)
    try:
        versions = theory.list_versions(store, DEMO_OWNER, project_id)
        assert [v.name for v in versions] == ["Before", f"After {TITLE}"]
        (change,) = theory.compare_versions(
            store, DEMO_OWNER, project_id, versions[0].id, versions[1].id
        ).changed
        assert change.reason == f"changed because of session {TITLE}"
        row = configurations.get_configuration(store, DEMO_OWNER, config_id)
        assert (row.status, row.statement) == ("revised", "Peer workers who share their story are trusted")
        assert "being believed" in row.mechanisms and len(row.status_ratings) == 1
    finally:
        store.dispose()
    assert any("revised in version" in m.value for m in at.markdown)


def test_revising_without_citing_shows_the_reason_and_the_report_buttons_are_there(run_as, consulted):
    _url, _project_id, session_id, config_id, _card_id = consulted
    at = run_as(DEMO_OWNER)
    at.radio(key=f"verdict-{session_id}-{config_id}").set_value("refuted")
    next(b for b in at.button if b.label == "Save as a new programme theory version").click().run()
    assert "cite at least one" in at.error[0].value
    assert not at.success
    assert at.get("download_button") == []  # the report is built only when asked for
    for fmt in ("docx", "xlsx"):
        next(b for b in at.button if b.label == f"Prepare .{fmt}").click().run()
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Consultation report (DOCX)", "Consultation report (XLSX)"]


def test_a_stakeholder_is_told_their_role_does_not_run_consultations(run_as):
    at = run_as("sam")
    assert not at.exception
    assert "does not let you run consultations" in at.info[0].value
    assert not at.radio and not at.get("download_button")
