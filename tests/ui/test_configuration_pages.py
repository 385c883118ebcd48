"""Configurations and Programme theory pages in AppTest against a demo store."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.services import configurations as cfg
from workbench.services import demo, theory
from workbench.services.database import upgrade_database
from workbench.store.db import Store

ROOT = Path(__file__).resolve().parents[2]
USER = "ui-analyst"


@pytest.fixture
def demo_app(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    store = Store.open(url)
    upgrade_database(store)
    demo.load_demo(store, USER)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_USER", USER)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), store


def test_building_a_configuration_through_the_page_stores_it(demo_app):
    at, store = demo_app
    at.run()
    at.switch_page("workbench/ui/pages/configurations.py").run()
    options = cfg.role_options(store, USER, 1)
    pick = {o.name: o.id for kind in options.values() for o in kind}
    at.selectbox(key="build_context").set_value(pick["Mutual sharing"])
    at.multiselect(key="build_mechanisms").set_value([pick["I am acceptable or worthwhile"]])
    at.multiselect(key="build_outcomes").set_value([pick["Self-expression"]])
    at.text_area[0].input("When sharing is mutual, people feel worthwhile and speak up.")
    at.text_input[0].input("UI1")
    at.button(key="FormSubmitter:build_configuration-Create configuration").click().run()
    assert not at.exception
    created = [r for r in cfg.list_configurations(store, USER, 1) if r.label == "UI1"]
    assert created and created[0].contexts == ("Mutual sharing",)


def test_opening_a_configuration_shows_its_elements_and_study_counts(demo_app):
    at, store = demo_app
    at.run()
    at.switch_page("workbench/ui/pages/configurations.py").run()
    first = cfg.list_configurations(store, USER, 1)[0]
    at.selectbox(key="open_configuration").set_value(first.id).run()
    assert not at.exception
    assert any(f"coded in {first.n_studies} studies" in c.value for c in at.caption)
    titles = [e.label for e in at.expander]
    assert titles[0].startswith(f"Context: {first.contexts[0]}")


def test_saving_a_version_and_comparing_it_with_the_current_configurations(demo_app):
    at, store = demo_app
    at.run()
    at.switch_page("workbench/ui/pages/theory.py").run()
    at.text_input(key="version_name").input("Initial programme theory")
    at.button(key="save_version_submit").click().run()
    assert not at.exception
    assert [v.name for v in theory.list_versions(store, USER, 1)] == ["Initial programme theory"]
    assert any(m.value == "0 added, 0 removed, 0 changed, 32 unchanged." for m in at.markdown)
