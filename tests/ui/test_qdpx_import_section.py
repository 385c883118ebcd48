"""The Import page's REFI-QDA section: upload a .qdpx, read the summary and warnings, map code kinds."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.qdpx_files import selection, small_qdpx
from workbench.domain.codebook import CodeKind
from workbench.services import code_kinds, projects
from workbench.services.database import upgrade_database
from workbench.store.db import Store

ROOT = Path(__file__).resolve().parents[2]
USER = "ui-qdpx"


def import_page(tmp_path: Path, monkeypatch) -> tuple[AppTest, Store, int]:
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    store = Store.open(url)
    upgrade_database(store)
    project_id = projects.create_project(store, USER, "My review")
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_USER", USER)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("workbench/ui/pages/import_studies.py").run()
    return at, store, project_id


def test_a_qdpx_upload_shows_counts_and_each_unplaced_selection_with_its_reason(tmp_path, monkeypatch):
    at, _store, _ = import_page(tmp_path, monkeypatch)
    data = small_qdpx(selection("s1", 0, 5) + selection("s2", 3, 9999))
    at.file_uploader[1].set_value([("interviews.qdpx", data, "application/zip")]).run()
    at.button(key="qdpx_import").click().run()
    assert not at.exception
    assert at.warning[0].value == (
        "REFI-QDA import finished: 1 sources, 1 codes, 1 codings, 1 users, 0 memos."
    )
    warnings = list(at.dataframe[0].value["Warning"])
    (unplaced,) = [w for w in warnings if "not imported" in w]
    assert "Interview 1" in unplaced and "s2 [3, 9999)" in unplaced and "past the end" in unplaced
    assert any("read as Unicode code points" in w for w in warnings)  # the unit detected is stated
    assert not at.file_uploader[1].value


def test_the_kind_mapping_step_saves_a_kind_for_each_top_level_code(tmp_path, monkeypatch):
    at, store, project_id = import_page(tmp_path, monkeypatch)
    at.file_uploader[1].set_value([("a.qdpx", small_qdpx(selection("s1", 0, 5)), "application/zip")]).run()
    at.button(key="qdpx_import").click().run()
    (root,) = code_kinds.top_level_codes(store, USER, project_id)
    at.selectbox(key=f"kind_{root.id}").set_value(CodeKind.CONTEXT)
    at.button[-1].click().run()  # the form's "Save kinds"
    assert not at.exception
    assert "Kinds saved: 1 codes changed." in [s.value for s in at.success]
    assert code_kinds.top_level_codes(store, USER, project_id)[0].kind is CodeKind.CONTEXT
