"""The Export page in AppTest: only the open tab is built, and the cached preview follows the project."""

from tests.conftest import DEMO_OWNER
from workbench.services import demo, projects, studies
from workbench.services.study_deletion import delete_study
from workbench.store.db import Store


def test_the_export_page_builds_only_the_open_tab(demo_sqlite_url, open_app):
    at = open_app(demo_sqlite_url, DEMO_OWNER, page="export", timeout=120)
    assert not at.exception
    keys = {w.key for w in [*at.selectbox, *at.button]}
    assert "export_table" in keys and "export_context" not in keys and "build_bundle" not in keys
    at.session_state["export_tab"] = "Figures"
    at.run()
    keys = {w.key for w in [*at.selectbox, *at.button]}
    assert "export_context" in keys and "export_table" not in keys and not at.exception


def test_the_table_preview_shows_a_deleted_study_gone_on_the_next_run(demo_sqlite_url, open_app):
    at = open_app(demo_sqlite_url, DEMO_OWNER, page="export", timeout=120)
    at.selectbox(key="export_table").set_value("study-characteristics").run()
    assert len(at.dataframe[0].value) == 13
    at.selectbox(key="export_format").set_value("csv").run()  # a rerun reusing the preview
    store = Store.open(demo_sqlite_url)
    project_id = projects.project_id_by_name(store, DEMO_OWNER, demo.DEMO_PROJECT)
    gone = studies.list_studies(store, DEMO_OWNER, project_id)[0]
    delete_study(store, DEMO_OWNER, gone.id)
    store.dispose()
    at.run()
    table = at.dataframe[0].value
    assert len(table) == 12 and gone.key not in list(table["Study"])
    assert any("study-characteristics.csv" in d.proto.label for d in at.get("download_button"))
