"""Codebook, Memos and Audit log pages in AppTest against a real SQLite store holding the demo."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.domain.codebook import CodeKind
from workbench.services import codebook, demo, memos
from workbench.services.audit import audit_entries
from workbench.services.database import upgrade_database
from workbench.services.stats import store_stats
from workbench.services.studies import list_studies
from workbench.store.db import Store
from workbench.store.enums import MemoTarget

ROOT = Path(__file__).resolve().parents[2]
USER = "ui-reviewer"


def app(url: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_USER", USER)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


@pytest.fixture
def with_demo(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    store = Store.open(url)
    upgrade_database(store)
    project_id = demo.load_demo(store, USER).project_id
    return url, store, project_id


def codes(store, project_id: int) -> dict[str, codebook.CodeNode]:
    return {n.name: n for n in codebook.flatten(codebook.codebook_tree(store, USER, project_id))}


def open_page(url: str, monkeypatch, page: str) -> AppTest:
    at = app(url, monkeypatch).run()
    at.switch_page(f"workbench/ui/pages/{page}.py").run()
    assert not at.exception
    return at


def test_adding_a_code_on_the_codebook_page_puts_it_in_the_tree(with_demo, monkeypatch):
    url, store, project_id = with_demo
    at = open_page(url, monkeypatch, "codebook")
    assert len(at.dataframe[0].value) == len(codes(store, project_id))
    at.selectbox(key="new_code_kind").set_value(CodeKind.OUTCOME).run()
    at.selectbox(key="new_code_parent").set_value(codes(store, project_id)["Outcomes"].id).run()
    at.text_input(key="new_code_name").input("Employment")
    at.button(key="add_code").click().run()
    assert not at.exception and "Employment" in at.success[0].value
    added = codes(store, project_id)["Employment"]
    assert (added.kind, added.path) == (CodeKind.OUTCOME, ("Outcomes", "Employment"))
    assert "\u2003Employment" in at.dataframe[0].value["Code"].tolist()


def test_the_delete_confirmation_states_the_codings_and_undo_brings_them_back(with_demo, monkeypatch):
    url, store, project_id = with_demo
    before = store_stats(store, USER, project_id)
    hope = codes(store, project_id)["Hope"]
    at = open_page(url, monkeypatch, "codebook")
    at.selectbox(key="delete_code").set_value(hope.id).run()
    assert f"{hope.codings} codings" in at.warning[0].value
    assert at.button(key="delete_code_button").label == f"Delete it with {hope.codings} codings"
    at.button(key="delete_code_button").click().run()
    assert not at.exception and "Hope" not in codes(store, project_id)
    assert store_stats(store, USER, project_id)["codings"] == before["codings"] - hope.codings
    at.button(key="undo_delete").click().run()
    assert not at.exception and "Restored" in at.success[0].value
    assert store_stats(store, USER, project_id) == before
    assert codes(store, project_id)["Hope"].codings == hope.codings
    assert not [b for b in at.button if b.key == "undo_delete"]


def test_searching_the_codebook_keeps_matches_and_their_parents(with_demo, monkeypatch):
    url, _store, _project_id = with_demo
    at = open_page(url, monkeypatch, "codebook")
    at.text_input(key="codebook_search").input("living proof").run()
    names = [name.strip("\u2003") for name in at.dataframe[0].value["Code"]]
    assert names == ["Contexts", "Empowering", "Role modelling recovery"]


def test_a_memo_written_on_the_memos_page_is_found_by_search(with_demo, monkeypatch):
    url, store, project_id = with_demo
    study = list_studies(store, USER, project_id)[0]
    memos.create_memo(store, USER, project_id, MemoTarget.PROJECT, None, "An unrelated note")
    at = open_page(url, monkeypatch, "memos")
    at.selectbox(key="memo_kind").set_value(MemoTarget.STUDY).run()
    at.selectbox(key=f"memo_target_{MemoTarget.STUDY}").set_value(study.id).run()
    at.text_input(key="memo_title").input("Peer burnout")
    at.text_area(key="memo_body").input("Workers describe Exhaustion after night shifts.")
    at.button(key="save_memo").click().run()
    assert not at.exception and at.success[0].value == "Memo saved."
    at.text_input(key="memo_search").input("exhaustion").run()
    assert at.caption[0].value == "1 memo, most recently changed first."
    shown = [m.value for m in at.markdown]
    assert any("Peer burnout" in m and study.key.split("_")[0] in m for m in shown)
    assert not any("unrelated" in m for m in shown)
    (saved,) = memos.list_memos(store, USER, project_id, target_type=MemoTarget.STUDY)
    assert saved.target_id == study.id


def test_a_memo_is_edited_deleted_and_undeleted_from_its_edit_button(with_demo, monkeypatch):
    url, store, project_id = with_demo
    first = memos.create_memo(store, USER, project_id, MemoTarget.PROJECT, None, "Draft wording", title="T1")
    other = memos.create_memo(store, USER, project_id, MemoTarget.PROJECT, None, "Obsolete note", title="T2")
    at = open_page(url, monkeypatch, "memos")
    assert [a.key for a in at.text_area] == ["memo_body"]  # the new memo's form; no memo open to edit
    at.button(key=f"edit_memo_{first}").click().run()
    assert at.text_area(key=f"memo_body_{first}").value == "Draft wording"
    assert not [a for a in at.text_area if a.key == f"memo_body_{other}"]  # one edit form at a time
    at.text_area(key=f"memo_body_{first}").input("Final wording, agreed with the team")
    at.button(key=f"save_memo_{first}").click().run()
    assert not at.exception and not at.error
    bodies = {m.id: m.body for m in memos.list_memos(store, USER, project_id)}
    assert (bodies[first], bodies[other]) == ("Final wording, agreed with the team", "Obsolete note")
    assert [a.key for a in at.text_area] == ["memo_body"]
    assert any("Final wording, agreed with the team" in m.value for m in at.markdown)  # form closed
    at.button(key=f"edit_memo_{other}").click().run()
    at.button(key=f"delete_memo_{other}").click().run()
    left = {m.id for m in memos.list_memos(store, USER, project_id)}
    assert first in left and other not in left and len(left) == len(bodies) - 1
    assert at.info[0].value == "Deleted the memo “T2”."
    at.button(key="undo_memo_delete").click().run()
    assert not at.exception and not at.error and not at.info
    back = {m.id: m.body for m in memos.list_memos(store, USER, project_id)}
    assert back[other] == "Obsolete note" and len(back) == len(bodies)


def test_the_audit_page_lists_a_rename_made_on_the_codebook_page(with_demo, monkeypatch):
    url, store, project_id = with_demo
    hope = codes(store, project_id)["Hope"]
    at = open_page(url, monkeypatch, "codebook")
    at.selectbox(key="edit_code").set_value(hope.id).run()
    at.text_input(key="edit_code_name").input("Optimism")
    at.button(key="save_code").click().run()
    assert not at.exception and "Optimism" in codes(store, project_id)
    at.switch_page("workbench/ui/pages/audit.py").run()
    assert not at.exception
    at.selectbox(key="audit_code").set_value(hope.id).run()
    table = at.dataframe[0].value
    assert table["Change"].tolist() == ["name: Hope → Optimism"]
    assert (table["Who"][0], table["Action"][0], table["What"][0]) == (
        USER,
        "update",
        f"code {hope.id}: Optimism",
    )
    assert len(audit_entries(store, USER, project_id)) == 2  # the project's creation and the rename


def test_a_parent_code_shows_the_codings_and_studies_of_its_sub_codes_beside_its_own(with_demo, monkeypatch):
    url, store, project_id = with_demo
    accepting = codes(store, project_id)["Accepting"]
    below = codebook.flatten(accepting.children)
    assert accepting.codings == 0 and accepting.codings_with_sub_codes == sum(n.codings for n in below) > 0
    assert max(n.studies for n in below) <= accepting.studies_with_sub_codes <= 13
    at = open_page(url, monkeypatch, "codebook")
    table = at.dataframe[0].value
    row = table[table["Code"].str.strip("\u2003") == "Accepting"].iloc[0]
    assert row["Codings"] == f"0 ({accepting.codings_with_sub_codes} with sub-codes)"
    assert row["Studies"] == f"0 ({accepting.studies_with_sub_codes} with sub-codes)"
    leaf = below[0]
    leaf_row = table[table["Code"].str.strip("\u2003") == leaf.name].iloc[0]
    assert (leaf_row["Codings"], leaf_row["Studies"]) == (str(leaf.codings), str(leaf.studies))


def test_the_audit_log_pages_through_more_entries_than_one_screen_holds(with_demo, monkeypatch):
    url, store, project_id = with_demo
    hope = codes(store, project_id)["Hope"]
    for n in range(30):
        version = codes(store, project_id)["Hope" if n == 0 else f"Hope {n - 1}"].version
        codebook.rename_code(store, USER, hope.id, f"Hope {n}", expected_version=version)
    at = open_page(url, monkeypatch, "audit")
    assert len(at.dataframe[0].value) == 25
    assert at.dataframe[0].value["Change"][0] == "name: Hope 28 → Hope 29"
    at.number_input(key="audit_page").set_value(2).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 31 - 25  # the project's creation and 30 renames
    assert at.dataframe[0].value["Action"].tolist()[-1] == "create"
