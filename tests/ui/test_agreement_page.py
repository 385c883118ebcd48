"""The Agreement page in AppTest: overall figures, codes worst first, disagreements side by side."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from tests.conftest import Templates
from tests.integration.agreement_project import ALICE, BOB, OWNER, SAM, build
from tests.ui.conftest import OpenApp
from workbench.store.db import Store
from workbench.store.models import Project

PAGE = "agreement"


@pytest.fixture
def url(templates: Templates, tmp_path) -> Iterator[str]:
    for clone in templates.clone("sqlite", tmp_path, demo=False):
        store = Store.open(clone)
        build(store)
        store.dispose()
        yield clone


def test_the_page_shows_the_overall_figures_and_the_codes_worst_first(url, open_app: OpenApp):
    at = open_app(url, ALICE, PAGE)
    assert not at.exception
    assert [s.value for s in at.selectbox][:2] == [ALICE, BOB]
    assert [(m.label, m.value) for m in at.metric] == [
        ("Agreement", "60.0%"),
        ("Cohen's kappa", "0.15"),  # 7/47
        ("Krippendorff's alpha", "0.16"),  # 236/1500
    ]
    codes = at.dataframe[0].value
    assert list(codes["Code"]) == ["Contexts/Peer", "Outcomes/Hope"]  # kappa 0 before 4/19
    assert len(at.get("plotly_chart")) == 1


def test_choosing_a_code_shows_each_coders_highlights_side_by_side(url, open_app: OpenApp):
    at = open_app(url, ALICE, PAGE)
    code = next(s for s in at.selectbox if s.key == "agreement_code")
    at = code.select_index(0).run()  # Contexts/Peer: alice [0, 10), bob [5, 15)
    assert not at.exception
    texts = [m.value for m in at.markdown]
    # the passage [0, 15) with the text around it, each coder's spans marked
    assert ":orange-background[abcdefghij]klmnopqrst" in texts  # coder A
    assert "abcde:blue-background[fghijklmno]pqrst" in texts  # coder B
    assert not [b for b in at.button if b.label == "Keep A"]  # a reviewer may not settle


def test_the_owner_may_settle_a_disagreement_from_the_page(url, open_app: OpenApp):
    at = open_app(url, OWNER, PAGE)
    code = next(s for s in at.selectbox if s.key == "agreement_code")
    at = code.select_index(0).run()
    assert [b.label for b in at.button if b.label in ("Keep A", "Keep B")] == ["Keep A", "Keep B"]


def test_the_configuration_comparison_names_both_coders(url, open_app: OpenApp):
    at = open_app(url, ALICE, PAGE)
    assert any("1 match exactly" in c.value for c in at.caption)
    table = at.dataframe[1].value
    assert list(table.columns[:3]) == [ALICE, BOB, "Exact"] and list(table["Exact"]) == [True, False]


def test_a_stakeholder_is_not_routed_to_the_agreement_page(url, open_app: OpenApp):
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not listed for the role
        open_app(url, SAM, PAGE)


def test_the_demo_project_page_runs_for_its_owner(demo_url, open_app: OpenApp):
    at = open_app(demo_url, page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Agreement"


def test_a_reviewer_sees_no_passages_of_a_study_still_coded_blind(url, open_app: OpenApp):
    store = Store.open(url)
    with store.transaction() as session:
        session.execute(update(Project).values(blind_coding=True))
    store.dispose()
    at = open_app(url, ALICE, PAGE)
    assert at.metric[0].value == "60.0%"  # the figures still cover the blind study
    code = next(s for s in at.selectbox if s.key == "agreement_code")
    at = code.select_index(0).run()
    assert not at.exception
    assert not any("background[" in m.value for m in at.markdown)
    assert any("No disagreement" in s.value for s in at.success)
