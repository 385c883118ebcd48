"""The Export page's REFI-QDA tab in AppTest: the .qdpx and .qdc downloads of the demo project."""

import io
import zipfile

from tests.conftest import DEMO_OWNER
from workbench.services import demo, projects
from workbench.store.db import Store
from workbench.ui.exchange_panel import QDC_LABEL, QDPX_LABEL


def test_the_export_page_offers_the_project_as_qdpx_and_the_codebook_as_qdc(demo_url, open_app):
    at = open_app(demo_url, DEMO_OWNER, page="export", timeout=120)
    at.session_state["export_tab"] = "REFI-QDA"  # only the open tab is built
    at.run()
    assert not at.exception
    at.button(key="build_qdpx").click().run()
    at.button(key="build_qdc").click().run()
    assert not at.exception and not at.error
    downloads = {d.proto.label: d for d in at.get("download_button")}
    assert QDPX_LABEL in downloads and QDC_LABEL in downloads
    store = Store.open(demo_url)
    project_id = projects.project_id_by_name(store, DEMO_OWNER, demo.DEMO_PROJECT)
    store.dispose()
    data = at.session_state[f"qdpx_bytes_{project_id}"]
    assert zipfile.ZipFile(io.BytesIO(data)).namelist()[0] == "project.qde"
