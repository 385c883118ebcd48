"""Configurations and Programme theory pages in AppTest against a demo store."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.services import configurations as cfg
from workbench.services import evidence, theory
from workbench.store.db import Store
from workbench.ui.text import plain

from ..conftest import DEMO_OWNER as USER

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_app(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", demo_sqlite_url)
    monkeypatch.setenv("WORKBENCH_USER", USER)
    monkeypatch.chdir(ROOT)
    store = Store.open(demo_sqlite_url)
    yield AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), store
    store.dispose()


def test_opening_a_configuration_shows_its_elements_and_study_counts(demo_app):
    at, store = demo_app
    at.run()
    at.switch_page("workbench/ui/pages/configurations.py").run()
    first = cfg.list_configurations(store, USER, 1)[0]
    at.selectbox(key="open_configuration").set_value(first.id).run()
    assert not at.exception
    assert any(f"coded in {first.n_studies} studies" in c.value for c in at.caption)
    titles = [e.label for e in at.expander]
    assert titles[0].startswith(plain(f"Context: {first.contexts[0]}"))  # escaped Markdown


def test_saving_a_version_and_comparing_it_with_the_current_configurations(demo_app):
    at, store = demo_app
    at.run()
    at.switch_page("workbench/ui/pages/theory.py").run()
    at.text_input(key="version_name").input("Initial programme theory")
    at.button(key="save_version_submit").click().run()
    assert not at.exception
    assert [v.name for v in theory.list_versions(store, USER, 1)] == ["Initial programme theory"]
    assert any(m.value == "0 added, 0 removed, 0 changed, 32 unchanged." for m in at.markdown)


def open_page(at, tab=None):
    """The Configurations page, on ``tab`` if given (only the open tab is drawn)."""
    at.run()
    if tab is not None:
        at.session_state["configurations_tab"] = tab
    return at.switch_page("workbench/ui/pages/configurations.py").run()


def code_ids(store):
    return {o.name: o.id for kind in cfg.role_options(store, USER, 1).values() for o in kind}


def test_building_a_configuration_saves_it_with_the_ticked_excerpts_in_one_step(demo_app):
    at, store = demo_app
    open_page(at, "Build a CMOC")
    pick = code_ids(store)
    at.selectbox(key="cmoc0_context").set_value(pick["Mutual sharing"]).run()
    at.multiselect(key="cmoc0_mechanisms").set_value([pick["I am acceptable or worthwhile"]]).run()
    at.multiselect(key="cmoc0_outcomes").set_value([pick["Self-expression"]]).run()
    assert not at.exception
    boxes = [c for c in at.checkbox if "_tick_" in (c.key or "")]
    assert boxes and not any(c.value for c in boxes), "no excerpt is ticked until the reviewer ticks it"
    boxes[0].check().run()
    at.text_area(key="cmoc0_statement").input("When sharing is mutual, people feel worthwhile and speak up.")
    at.text_input(key="cmoc0_label").input("UI1")
    at.button(key="save_configuration").click().run()
    assert not at.exception
    created = [r for r in cfg.list_configurations(store, USER, 1) if r.label == "UI1"]
    assert created and created[0].contexts == ("Mutual sharing",)
    assert sum(len(e.evidence) for e in created[0].elements) == 1
    assert any("Saved UI1 with 1 excerpts from 1 studies" in s.value for s in at.success)
    assert at.selectbox(key="open_configuration").value == created[0].id


def test_using_a_suggestion_fills_in_its_codes_and_ticks_nothing(demo_app):
    at, store = demo_app
    open_page(at, "Build a CMOC")
    suggestion = evidence.suggest_configurations(store, USER, 1, "excerpt")[0]
    at.button(key="use_suggestion_0").click().run()
    assert not at.exception
    assert at.selectbox(key="cmoc1_context").value == suggestion.code_ids[0]
    assert at.multiselect(key="cmoc1_mechanisms").value == [suggestion.code_ids[1]]
    assert at.multiselect(key="cmoc1_outcomes").value == [suggestion.code_ids[2]]
    assert at.checkbox(key="cmoc1_nested").value is True
    boxes = [c for c in at.checkbox if "_tick_" in (c.key or "")]
    assert boxes and not any(c.value for c in boxes)


def test_a_configuration_without_a_statement_is_refused_with_a_message(demo_app):
    at, store = demo_app
    open_page(at, "Build a CMOC")
    before = len(cfg.list_configurations(store, USER, 1))
    at.button(key="use_suggestion_0").click().run()
    at.button(key="save_configuration").click().run()
    assert not at.exception
    assert any("statement" in e.value for e in at.error)
    assert len(cfg.list_configurations(store, USER, 1)) == before


def test_unticking_an_excerpt_and_saving_removes_it_from_the_configuration(demo_app):
    at, store = demo_app
    open_page(at)
    first = next(r for r in cfg.list_configurations(store, USER, 1) if any(e.evidence for e in r.elements))
    at.selectbox(key="open_configuration").set_value(first.id).run()
    element = next(e for e in first.elements if e.evidence)
    removed = element.evidence[0].coding_id
    box = next(c for c in at.checkbox if (c.key or "").endswith(f"_tick_{removed}"))
    assert box.value is True, "the picker starts from the stored evidence"
    box.uncheck().run()
    at.button(key=f"save_evidence_{first.id}").click().run()
    assert not at.exception
    again = cfg.get_configuration(store, USER, first.id)
    assert removed not in {ev.coding_id for e in again.elements for ev in e.evidence}
    assert any(f"Saved the evidence of {first.label}" in s.value for s in at.success)
    at.button(key=f"save_evidence_{first.id}").click().run()
    assert not at.exception and any("Nothing to save" in s.value for s in at.success)
