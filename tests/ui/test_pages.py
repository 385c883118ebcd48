"""Every page runs in Streamlit's AppTest against a real SQLite store, empty and with the demo."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.services import demo
from workbench.services.database import upgrade_database
from workbench.store.db import Store
from workbench.ui.navigation import SECTIONS

ROOT = Path(__file__).resolve().parents[2]
PAGES = [entry.script.removesuffix(".py") for entries in SECTIONS.values() for entry in entries]
USER = "ui-tester"


def test_every_page_script_is_in_the_navigation_registry():
    scripts = {p.stem for p in (ROOT / "workbench/ui/pages").glob("*.py")} - {"__init__"}
    assert sorted(PAGES) == sorted(scripts)


@pytest.fixture
def empty_app(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'ui.db'}")
    monkeypatch.setenv("WORKBENCH_USER", USER)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('ui') / 'demo.db'}"
    store = Store.open(url)
    upgrade_database(store)
    demo.load_demo(store, USER)
    store.dispose()
    return url


@pytest.fixture
def demo_app(demo_url, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", demo_url)
    monkeypatch.setenv("WORKBENCH_USER", USER)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def test_an_empty_store_shows_how_to_start(empty_app):
    at = empty_app.run()
    assert not at.exception
    assert "The store is empty" in at.info[0].value
    assert [b.label for b in at.button] == ["Create project", "Load demo project"]


def test_creating_a_project_lists_it(empty_app):
    at = empty_app.run()
    at.text_input[0].input("Peer support in psychosis")
    at.button[0].click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Project"]) == ["Peer support in psychosis"]
    assert list(table["Your role"]) == ["owner"]


def test_loading_the_demo_from_the_projects_page(empty_app):
    at = empty_app.run()
    at.button(key="load_demo").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Project"]) == [demo.DEMO_PROJECT]
    assert int(table["Studies"][0]) >= 12


@pytest.mark.parametrize("page", [p for p in PAGES[1:] if p != "account"])  # Account needs no project
def test_pages_other_than_projects_point_to_it_when_there_is_no_project(empty_app, page):
    at = empty_app.run()
    at.switch_page(f"workbench/ui/pages/{page}.py").run()
    assert not at.exception
    assert "No project yet" in at.info[0].value


def test_the_studies_page_lists_the_demo_studies_and_filters_them(demo_app):
    at = demo_app.run()
    at.switch_page("workbench/ui/pages/studies.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) >= 12
    assert table["Title"].str.len().min() > 10
    at.multiselect(key="filter_Discipline").select("tuberculosis").run()
    filtered = at.dataframe[0].value
    assert len(filtered) == 1 and filtered["Discipline"].tolist() == ["tuberculosis"]


def test_the_configurations_page_lists_the_demo_configurations(demo_app):
    at = demo_app.run()
    at.switch_page("workbench/ui/pages/configurations.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) >= 25
    assert (table["N studies"] >= 1).all()


@pytest.mark.parametrize("page", ["coding", "graphs", "export"])
def test_synthesis_pages_open_with_the_demo_project(demo_app, page):
    at = demo_app.run()
    at.switch_page(f"workbench/ui/pages/{page}.py").run()
    assert not at.exception
    assert at.title[0].value == page.capitalize()
