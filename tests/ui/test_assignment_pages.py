"""My studies, Assignments and the Coding page's blind banner in AppTest against a real SQLite store."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Multiselect

from tests.integration.blind_project import ALICE, BOB, CAROL, OWNER, Blind, build
from tests.ui.conftest import OpenApp
from workbench.domain.blinding import Progress
from workbench.services import assignments
from workbench.services.database import upgrade_database
from workbench.store.db import Store


@pytest.fixture
def blind(tmp_path: Path) -> tuple[str, Store, Blind]:
    url = f"sqlite:///{tmp_path / 'blind.db'}"
    store = Store.open(url)
    upgrade_database(store)
    return url, store, build(store)


def test_the_owner_sees_the_progress_grid_and_releases_a_study(blind, open_app: OpenApp):
    url, store, b = blind
    at = open_app(url, OWNER, "assignments")
    assert not at.exception
    assert at.toggle(key="assign_blind").value is True
    grid = at.dataframe[0].value
    assert list(grid["Study"]) == ["s01"]
    assert list(grid[ALICE]) == ["◐ in progress"] and list(grid[BOB]) == ["◐ in progress"]
    at.selectbox(key="assign_release").select(b.s01).run()
    next(x for x in at.button if x.label == "Release").click().run()
    assert not at.exception
    assert assignments.blind_state(store, ALICE, b.s01).released


def reviewers_of(at: AppTest) -> Multiselect[str]:
    """The "Reviewers (one or two)" picker of the study chosen on the Assignments page."""
    return next(m for m in at.multiselect if m.label == "Reviewers (one or two)")


def test_the_owner_assigns_a_study_to_a_reviewer(blind, open_app: OpenApp):
    url, store, b = blind
    at = open_app(url, OWNER, "assignments")
    at.selectbox(key="assign_study").select(b.s02).run()
    assert reviewers_of(at).value == []
    reviewers_of(at).select(CAROL)
    next(x for x in at.button if x.label == "Save reviewers").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [q.study_id for q in assignments.my_studies(store, CAROL, b.project_id)] == [b.s02]
    assert reviewers_of(at).value == [CAROL]  # the picker shows who the study is assigned to now
    assert list(at.dataframe[0].value["Study"]) == ["s01", "s02"]  # and so does the grid, in the same run


def test_the_owner_sees_a_studys_reviewers_and_takes_one_off(blind, open_app: OpenApp):
    url, store, b = blind
    at = open_app(url, OWNER, "assignments")
    at.selectbox(key="assign_study").select(b.s01).run()
    before = reviewers_of(at).value
    assert len(before) == 2
    reviewers_of(at).unselect(before[1])
    next(x for x in at.button if x.label == "Save reviewers").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert b.s01 not in [q.study_id for q in assignments.my_studies(store, before[1], b.project_id)]
    assert b.s01 in [q.study_id for q in assignments.my_studies(store, before[0], b.project_id)]


def test_a_reviewer_sees_progress_but_no_owner_controls(blind, open_app: OpenApp):
    url, _, _ = blind
    at = open_app(url, ALICE, "assignments")
    assert not at.exception
    assert not at.toggle and "Save reviewers" not in [x.label for x in at.button]
    assert list(at.dataframe[0].value["Study"]) == ["s01"]


def test_my_studies_lists_the_queue_and_marks_a_study_done(blind, open_app: OpenApp):
    url, store, b = blind
    at = open_app(url, ALICE, "my_studies")
    assert not at.exception
    assert any("in progress" in m.value for m in at.markdown)
    at.button(key=f"my_done_{b.s01}").click().run()
    assert not at.exception
    assert assignments.my_studies(store, ALICE, b.project_id)[0].status == Progress.DONE
    assert at.button(key=f"my_done_{b.s01}").label == "Reopen"


def test_the_coding_page_tells_an_assignee_they_code_blind_and_lets_them_mark_done(blind, open_app: OpenApp):
    url, store, b = blind
    at = open_app(url, BOB, "coding")
    assert not at.exception
    assert any("Blind coding: you see only your own codings" in i.value for i in at.info)
    at.button(key=f"blind_done_{b.s01}").click().run()
    assert not at.exception
    assert assignments.blind_state(store, BOB, b.s01).done
    owner = open_app(url, OWNER, "coding")
    assert not any("Blind coding" in i.value for i in owner.info)


def test_the_owner_switches_blind_coding_off_and_on(blind, open_app: OpenApp):
    url, store, b = blind
    at = open_app(url, OWNER, "assignments")
    at.toggle(key="assign_blind").set_value(False).run()
    assert not at.exception
    assert not assignments.blind_coding(store, OWNER, b.project_id)
    assert at.toggle(key="assign_blind").value is False
    at.toggle(key="assign_blind").set_value(True).run()
    assert assignments.blind_coding(store, OWNER, b.project_id)
