"""Import, Studies (reader), Characteristics and Appraisal pages in AppTest against a real SQLite store."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.domain.characteristics import FieldType
from workbench.services import demo, projects
from workbench.services.appraisal import get_appraisal
from workbench.services.characteristics import list_fields
from workbench.services.database import upgrade_database
from workbench.services.studies import list_studies
from workbench.store.db import Store

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "sample_corpus"
USER = "ui-reviewer"


def app(url: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_USER", USER)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


@pytest.fixture
def fresh(tmp_path):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    store = Store.open(url)
    upgrade_database(store)
    projects.create_project(store, USER, "My review")
    return url, store


@pytest.fixture
def with_demo(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    store = Store.open(url)
    upgrade_database(store)
    demo.load_demo(store, USER)
    return url, store


def test_uploading_files_imports_them_and_explains_each_failure(fresh, monkeypatch):
    url, store = fresh
    at = app(url, monkeypatch).run()
    at.switch_page("workbench/ui/pages/import_studies.py").run()
    at.file_uploader[0].set_value([
        ("references.ris", (CORPUS / "references.ris").read_bytes(), "application/x-research-info-systems"),
        ("s01_acute_ward.txt", (CORPUS / "studies" / "s01_acute_ward.txt").read_bytes(), "text/plain"),
        ("empty.txt", b"", "text/plain"),
    ])  # fmt: skip
    at.run()
    at.button[0].click().run()
    assert not at.exception
    assert at.warning[0].value == "Import finished: 2 imported, 1 failed, 1 references."
    table = at.dataframe[0].value
    failed = table[table["Result"] == "failed"]
    assert failed["File"].tolist() == ["empty.txt"] and "empty" in failed["Details"].iloc[0]
    assert len(list_studies(store, USER, 1)) == 13


def test_the_reader_shows_a_pdf_study_with_page_markers(with_demo, monkeypatch):
    url, store = with_demo
    at = app(url, monkeypatch).run()
    at.switch_page("workbench/ui/pages/studies.py").run()
    pdf_study = next(r for r in list_studies(store, USER, 1) if r.key == "s09_veterans_ptsd")
    at.selectbox(key="reader_study").set_value(pdf_study.id).run()
    assert not at.exception
    markers = [m.value for m in at.markdown if "page" in m.value]
    assert markers[:2] == ["**— page 1 —**", "**— page 2 —**"]
    assert "Battle Buddies" in at.text[0].value


def test_filtering_studies_by_a_characteristic(with_demo, monkeypatch):
    url, _store = with_demo
    at = app(url, monkeypatch).run()
    at.switch_page("workbench/ui/pages/studies.py").run()
    at.multiselect(key="filter_Country").select("Kenya").run()
    assert at.dataframe[0].value["Country"].tolist() == ["Kenya"]


def test_adding_an_extraction_field_shows_it_in_the_grid(with_demo, monkeypatch):
    url, store = with_demo
    at = app(url, monkeypatch).run()
    at.switch_page("workbench/ui/pages/characteristics.py").run()
    at.text_input(key="field_name").input("Peer role")
    at.selectbox(key="field_type").set_value(FieldType.CHOICE)
    at.text_input(key="field_choices").input("paid; volunteer")
    at.button(key="add_field_submit").click().run()
    assert not at.exception
    (field,) = list_fields(store, USER, 1)
    assert (field.name, field.choices) == ("Peer role", ("paid", "volunteer"))


def test_saving_an_appraisal_stores_ratings_and_casp_answers(with_demo, monkeypatch):
    url, store = with_demo
    at = app(url, monkeypatch).run()
    at.switch_page("workbench/ui/pages/appraisal.py").run()
    study_id = at.selectbox(key="appraisal_study").value
    at.radio[0].set_value("low")
    at.radio(key=f"casp_{study_id}_1").set_value("yes")
    at.radio(key=f"casp_{study_id}_2").set_value("can't tell")
    at.button(key="save_appraisal").click().run()
    assert not at.exception
    assert at.success[0].value == "Saved. CASP total: 1/10 yes"
    saved = get_appraisal(store, USER, study_id)
    assert saved.relevance == "low" and saved.casp == {"1": "yes", "2": "can't tell"}


def test_the_characteristics_grid_shows_every_study_with_the_study_first(with_demo, monkeypatch):
    url, store = with_demo
    at = app(url, monkeypatch).run()
    at.switch_page("workbench/ui/pages/characteristics.py").run()
    assert not at.exception
    grid = at.dataframe[0].value
    assert len(grid) == len(list_studies(store, USER, 1)) == 13  # one page: no picker, no hidden rows
    assert not [n for n in at.number_input if n.key == "characteristics_page"]
    assert "Thwaite et al., 2023" in grid["study"].tolist()


def test_a_project_name_that_is_taken_is_refused_with_a_message(fresh, monkeypatch):
    url, _store = fresh
    at = app(url, monkeypatch).run()
    at.text_input[0].input("My review")
    at.button[0].click().run()
    assert not at.exception
    assert "already exists" in at.error[0].value
