"""The Export page's bundle tab in AppTest: a progress bar over the bundle's steps, then the download."""

import io
import zipfile

from tests.conftest import DEMO_OWNER


def test_the_export_page_builds_the_bundle_with_a_progress_bar_and_offers_it(demo_url, open_app):
    at = open_app(demo_url, DEMO_OWNER, page="export", timeout=180)
    at.session_state["export_tab"] = "Publication bundle"  # only the open tab is built
    at.run()
    assert not at.exception
    at.multiselect(key="bundle_formats").set_value(["svg"]).run(timeout=180)
    at.button(key="build_bundle").click().run(timeout=180)
    assert not at.exception and not at.error
    bars = at.get("progress")
    assert bars and bars[-1].proto.value == 100 and bars[-1].proto.text == "done"
    labels = [d.proto.label for d in at.get("download_button")]
    assert any(label.startswith("Download bundle (") for label in labels)
    _made_for, data = at.session_state["bundle_bytes"]
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "tables/tables.xlsx" in names and "figures/study-code-matrix.svg" in names
    # other formats chosen afterwards: the bundle built for SVG only is no longer offered as theirs
    at.multiselect(key="bundle_formats").set_value(["svg", "pdf"]).run(timeout=180)
    labels = [d.proto.label for d in at.get("download_button")]
    assert not any(label.startswith("Download bundle (") for label in labels)
