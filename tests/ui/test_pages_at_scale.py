"""Pages of a large project stay usable: grids page, and what a page keeps between runs is read again
when the project changes."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_OWNER
from workbench.services import configurations, database, evidence, theory
from workbench.services.demo_large import load_large_demo
from workbench.services.projects import list_projects
from workbench.services.studies import list_studies
from workbench.store.db import Store

STUDIES = 30  # more than one page of the grid (25 rows)


@pytest.fixture(scope="module")
def large_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('large') / 'large.db'}"
    store = Store.open(url)
    database.upgrade_database(store, backup=False)
    load_large_demo(store, DEMO_OWNER, STUDIES, reviewers=2)
    store.dispose()
    return url


def _grid_studies(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Study"])


def test_the_studies_grid_shows_25_studies_a_page_and_page_2_the_next_ones(open_app, large_url: str):
    store = Store.open(large_url)
    project_id = _project_id(store)
    everything = sorted(s.citation for s in list_studies(store, DEMO_OWNER, project_id))
    store.dispose()
    at = open_app(large_url, DEMO_OWNER, "studies")
    assert not at.exception
    first = _grid_studies(at)
    assert first == everything[:25]
    assert any(f"Studies 1–25 of {STUDIES}, page 1 of 2." == c.value for c in at.caption)
    at.number_input(key="studies_page").set_value(2).run()
    assert not at.exception
    assert _grid_studies(at) == everything[25:]
    assert any(f"Studies 26–{STUDIES} of {STUDIES}, page 2 of 2." == c.value for c in at.caption)


def _project_id(store: Store) -> int:
    return list_projects(store, DEMO_OWNER)[0].id


def test_the_graphs_page_draws_a_chain_linked_after_it_was_opened(open_app, demo_url: str):
    store = Store.open(demo_url)
    project_id = _project_id(store)
    at = open_app(demo_url, DEMO_OWNER)
    at.session_state["graphs_tab"] = "Chains"
    at = at.switch_page("workbench/ui/pages/graphs.py").run()
    assert not at.exception and not at.warning
    rows = {c.label: c.id for c in configurations.list_configurations(store, DEMO_OWNER, project_id)}
    evidence.link_configurations(store, DEMO_OWNER, rows["A01"], rows["A02"])
    evidence.link_configurations(store, DEMO_OWNER, rows["A02"], rows["A01"])
    store.dispose()
    at.run()  # the page kept the project's data from the first run: the new links must show
    assert [w.value for w in at.warning] == ["Feedback loop: A01 → A02 → A01"]


def test_the_programme_theory_page_compares_again_when_a_configuration_is_deleted(open_app, demo_url: str):
    store = Store.open(demo_url)
    project_id = _project_id(store)
    theory.save_version(store, DEMO_OWNER, project_id, "Initial")
    at = open_app(demo_url, DEMO_OWNER, "theory")
    assert not at.exception
    total = len(configurations.list_configurations(store, DEMO_OWNER, project_id))
    assert any(m.value == f"0 added, 0 removed, 0 changed, {total} unchanged." for m in at.markdown)
    first = configurations.list_configurations(store, DEMO_OWNER, project_id)[0]
    configurations.delete_configuration(store, DEMO_OWNER, first.id)
    store.dispose()
    at.run()
    assert any(m.value == f"0 added, 1 removed, 0 changed, {total - 1} unchanged." for m in at.markdown)


def test_an_infographic_names_at_most_20_of_its_configurations_and_counts_the_rest(open_app, large_url: str):
    at = open_app(large_url, DEMO_OWNER, "graphs")
    assert not at.exception
    (caption,) = [c.value for c in at.caption if c.value.startswith("Border width")]
    total = int(caption.split("context's ")[1].split(" configurations")[0])
    assert total > 20
    listed = caption.split("(")[1].split(", …")[0].split(", ")
    assert len(listed) == 20 and f"… and {total - 20} more" in caption
