"""Graphs and Export pages in AppTest on the demo: figures, drill-down to excerpts, filters, downloads."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_OWNER
from workbench.domain.overview import study_code_matrix
from workbench.domain.tables import TABLES, build_table
from workbench.services import evidence
from workbench.services.figures import programme
from workbench.store.db import Store
from workbench.ui.drilldown import clicked

ROOT = Path(__file__).resolve().parents[2]
USER = DEMO_OWNER
APPEAR = ["Accepting", "Personalised Practice", "Empowering", "Available", "Reciprocal"]


@pytest.fixture
def app(demo_url, open_app):
    return open_app(demo_url, USER, timeout=120)


def _graphs(at: AppTest, tab: str | None = None) -> AppTest:
    """The Graphs page, on ``tab`` if given (only the open tab is drawn)."""
    if tab is not None:
        at.session_state["graphs_tab"] = tab
    return at.switch_page("workbench/ui/pages/graphs.py").run()


def _evidence_lines(at: AppTest) -> list[str]:
    return [t.value for t in at.text if " · coded by " in t.value]


def test_the_graphs_page_offers_one_infographic_per_context(app):
    at = _graphs(app)
    assert not at.exception
    assert at.selectbox(key="graph_context").options == APPEAR
    assert any("configurations from 13 studies" in c.value for c in at.caption)


def test_choosing_a_line_lists_its_excerpts_with_study_page_and_reviewer(app):
    at = _graphs(app)
    drill = at.selectbox(key="drill_infographic")
    line = next(o for o in drill.options if o.startswith("Line: Shared lived experience → Others are safe"))
    _pick(drill, line).run()
    assert not at.exception
    lines = _evidence_lines(at)
    assert lines and all(", " in line and "coded by" in line for line in lines)
    assert any(c.value.startswith(f"{len(lines)} excerpts from 4 studies") for c in at.caption)


def _pick(selectbox, label: str):
    """Choose the option shown as ``label``."""
    return selectbox.select_index(selectbox.options.index(label))


def test_opening_an_excerpt_goes_to_the_coding_page_with_its_study(app, demo_url):
    at = _graphs(app)
    drill = at.selectbox(key="drill_infographic")
    _pick(drill, next(o for o in drill.options if o.startswith("Mechanism:"))).run()
    button = next(b for b in at.button if b.key and b.key.startswith("infographic_open_"))
    coding_id = int(button.key.rsplit("_", 1)[1])
    button.click().run()
    store = Store.open(demo_url)
    evidence = {e.coding_id: e for e in programme(store, USER, 1).codings}[coding_id]
    store.dispose()
    assert at.title[0].value == "Coding"
    assert at.selectbox(key="coding_study").value == evidence.study_id
    assert at.subheader[-1].value == "Excerpt" and evidence.quote in [t.value for t in at.text], "shown"


def test_a_reviewer_filter_limits_the_drill_down_to_that_reviewer(app):
    at = _graphs(app)
    at.multiselect(key="graphs_reviewer").select("bob").run()
    assert any(c.value.startswith("Filtered: reviewer: bob") for c in at.caption)
    drill = at.selectbox(key="drill_infographic")
    drill.select_index(1).run()
    lines = _evidence_lines(at)
    assert lines and all(line.endswith("coded by bob") for line in lines)


def test_a_matrix_cell_drill_down_lists_its_excerpts(app):
    at = _graphs(app, "Context × outcome")
    drill = at.selectbox(key="drill_context_outcome")
    label = next(o for o in drill.options if o.startswith("Opportunity to help others × Self-acceptance"))
    _pick(drill, label).run()
    assert "(5 studies)" in label
    assert any(c.value.endswith("from 5 studies.") for c in at.caption)


def test_a_click_on_the_chart_selects_the_drill_down():
    def script():
        import streamlit as st

        from workbench.ui.drilldown import choose

        picked = st.session_state.get("fake_click")
        st.write(choose("Drill", {"a": "A", "b": "B"}, "drill", picked))

    at = AppTest.from_function(script).run()
    assert at.selectbox(key="drill").value is None
    at.session_state["fake_click"] = "b"
    at.run()
    assert at.selectbox(key="drill").value == "b"


@pytest.mark.parametrize(
    ("event", "key"),
    [
        ({"selection": {"points": [{"customdata": "m12"}]}}, "m12"),
        ({"selection": {"points": [{"customdata": ["c3|o4"]}]}}, "c3|o4"),
        ({"selection": {"points": []}}, None),
        (None, None),
    ],
)
def test_the_clicked_key_comes_from_the_point_s_customdata(event, key):
    assert clicked(event) == key


def test_the_export_page_previews_each_table_and_offers_its_download(app):
    at = app.switch_page("workbench/ui/pages/export.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 32
    at.selectbox(key="export_table").set_value("study-characteristics").run()
    at.selectbox(key="export_format").set_value("tex").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 13
    assert list(at.dataframe[0].value.columns)[:2] == ["Study", "Reference"]
    downloads = at.get("download_button")
    assert any("study-characteristics.tex" in d.proto.label for d in downloads)


def test_the_export_page_filters_the_tables(app):
    at = app.switch_page("workbench/ui/pages/export.py").run()
    at.multiselect(key="export_discipline").select("tuberculosis").run()
    at.selectbox(key="export_table").set_value("study-characteristics").run()
    table = at.dataframe[0].value
    assert list(table["Discipline"]) == ["tuberculosis"]


def test_chained_configurations_show_their_feedback_loop(app, demo_url):
    store = Store.open(demo_url)
    rows = {c.label: c.id for c in programme(store, USER, 1).configurations}
    evidence.link_configurations(store, USER, rows["A01"], rows["A02"])
    evidence.link_configurations(store, USER, rows["A02"], rows["A01"])
    store.dispose()
    at = _graphs(app, "Chains")
    assert not at.exception
    assert [w.value for w in at.warning] == ["Feedback loop: A01 → A02 → A01"]


def test_only_the_open_tab_of_the_graphs_page_is_drawn(app):
    at = _graphs(app)
    assert "graph_context" in [s.key for s in at.selectbox]
    assert "drill_study_code" not in [s.key for s in at.selectbox]
    at = _graphs(app, "Study × code")
    keys = [s.key for s in at.selectbox]
    assert "drill_study_code" in keys and "graph_context" not in keys


def test_the_study_code_tab_opened_after_the_infographics_counts_every_coding(app, demo_url):
    at = _graphs(app)  # the infographic tab reads only the codings behind configurations
    assert not at.exception
    at.session_state["graphs_tab"] = "Study × code"
    at.run()
    assert not at.exception
    store = Store.open(demo_url)
    matrix = study_code_matrix(programme(store, USER, 1))
    store.dispose()
    rows, columns = dict(matrix.rows), dict(matrix.columns)
    expected = [f"{rows[c.row]} × {columns[c.column]} ({c.value} excerpt{'' if c.value == 1 else 's'})"
                for c in matrix.cells]  # fmt: skip
    assert sorted(at.selectbox(key="drill_study_code").options) == sorted(expected)


def test_the_export_tables_built_after_the_configurations_table_use_every_coding(app, demo_url):
    at = app.switch_page("workbench/ui/pages/export.py").run()  # the configurations table: a light read
    store = Store.open(demo_url)
    data = programme(store, USER, 1)
    store.dispose()
    for name in TABLES:
        at.selectbox(key="export_table").set_value(name).run()
        assert not at.exception
        table = build_table(data, name)
        assert any(c.value.startswith(f"{table.title}: {len(table.rows)} rows.") for c in at.caption)
        shown = at.dataframe[0].value  # the first page of the preview
        assert list(shown[table.columns[0]]) == [row[0] for row in table.rows[: len(shown)]]
