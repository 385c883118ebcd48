"""The Import page states one upload limit, and forgets uploaded bytes once they are imported."""

import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from workbench.importers.archive import DEFAULT_MAX_FILE_MB
from workbench.services import projects
from workbench.services.database import upgrade_database
from workbench.store.db import Store

ROOT = Path(__file__).resolve().parents[2]
USER = "ui-importer"


def import_page(tmp_path: Path, monkeypatch) -> AppTest:
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    store = Store.open(url)
    upgrade_database(store)
    projects.create_project(store, USER, "My review")
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_USER", USER)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("workbench/ui/pages/import_studies.py").run()
    return at


def test_streamlit_refuses_uploads_over_the_same_limit_the_importer_applies():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == DEFAULT_MAX_FILE_MB


def test_the_page_states_the_smaller_limit_once(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "20")
    at = import_page(tmp_path, monkeypatch)
    intro = at.markdown[0].value
    assert "Each file may be up to 20 MB, and one upload up to 80 MB in all" in intro
    assert intro.count(" MB") == 2


def test_after_an_import_the_uploader_is_empty_and_the_summary_stays(tmp_path, monkeypatch):
    at = import_page(tmp_path, monkeypatch)
    at.file_uploader[0].set_value(
        [("a.txt", b"Peer support in housing first\n\nOpenness.", "text/plain")]
    ).run()
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value == "Import finished: 1 imported."
    assert not at.file_uploader[0].value
