"""The Codebook page says before submitting whose codings a delete or merge takes, and who may do it."""

from tests.conftest import DEMO_OWNER
from tests.ui.conftest import OpenApp
from workbench.domain.codebook import CodeKind
from workbench.services import codebook, demo, projects
from workbench.store.db import Store
from workbench.ui.text import plain

REVIEWER = "alice"  # a reviewer of the demo; bob coded every demo code too


def _codes(url: str) -> tuple[int, dict[str, int]]:
    store = Store.open(url)
    try:
        project_id = projects.project_id_by_name(store, DEMO_OWNER, demo.DEMO_PROJECT)
        tree = codebook.codebook_tree(store, DEMO_OWNER, project_id)
        return project_id, {n.name: n.id for n in codebook.flatten(tree)}
    finally:
        store.dispose()


def test_a_reviewer_sees_delete_disabled_with_whose_codings_stand_in_the_way(
    demo_url: str, open_app: OpenApp
):
    _project, codes = _codes(demo_url)
    at = open_app(demo_url, REVIEWER, "codebook")
    at.selectbox(key="delete_code").set_value(codes["Hope"]).run()
    assert not at.exception
    reason = plain("Carries codings by bob: only a project owner may delete it.")
    assert at.button(key="delete_code_button").disabled
    assert at.button(key="delete_code_button").help == reason
    assert reason in [i.value for i in at.info]


def test_a_reviewer_sees_merge_disabled_with_the_same_reason(demo_url: str, open_app: OpenApp):
    _project, codes = _codes(demo_url)
    at = open_app(demo_url, REVIEWER, "codebook")
    at.selectbox(key="merge_source").set_value(codes["Hope"]).run()
    at.selectbox(key="merge_target").set_value(codes["Self-expression"]).run()
    assert not at.exception
    assert at.button(key="merge_codes").disabled
    assert plain("Carries codings by bob: only a project owner may merge it.") in [i.value for i in at.info]


def test_a_reviewer_may_still_delete_a_code_carrying_no_one_elses_codings(demo_url: str, open_app: OpenApp):
    project_id, _codes_now = _codes(demo_url)
    store = Store.open(demo_url)
    own = codebook.create_code(store, REVIEWER, project_id, "Alice's draft", CodeKind.OUTCOME)
    at = open_app(demo_url, REVIEWER, "codebook")
    at.selectbox(key="delete_code").set_value(own).run()
    assert not at.button(key="delete_code_button").disabled
    at.button(key="delete_code_button").click().run()
    assert not at.exception
    assert "Alice's draft" not in _codes(demo_url)[1]
    store.dispose()


def test_the_owner_is_told_whose_codings_go_and_can_delete_the_code(demo_url: str, open_app: OpenApp):
    _project, codes = _codes(demo_url)
    at = open_app(demo_url, DEMO_OWNER, "codebook")
    at.selectbox(key="delete_code").set_value(codes["Hope"]).run()
    assert plain("codings (some by alice, bob)") in at.warning[0].value
    assert not at.info, "nothing stands in the owner's way"
    at.button(key="delete_code_button").click().run()
    assert not at.exception
    assert "Hope" not in _codes(demo_url)[1]
    assert any("Deleted" in s.value for s in at.success)
