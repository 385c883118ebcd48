"""Memos page: write notes on the project, a study, a code or a configuration; search and filter them."""

import streamlit as st

from workbench.services import memos
from workbench.services.access import Action
from workbench.services.memos import MemoTarget
from workbench.ui import resources, revision_cache, state
from workbench.ui.errors import reported
from workbench.ui.permissions import can
from workbench.ui.text import plain
from workbench.ui.widgets import paged, require_project

MEMOS_PER_PAGE = 20
KINDS = [MemoTarget.PROJECT, MemoTarget.STUDY, MemoTarget.CODE, MemoTarget.CONFIGURATION]

project = require_project()
st.title("Memos")
store, user = resources.store(), resources.username()


def paragraphs(text: str) -> str:
    """Memo text for st.markdown: escaped, with its line breaks kept."""
    return "  \n".join(plain(line) for line in text.splitlines())


with st.expander("Write a memo", expanded=True, icon=":material/edit:"):
    kind = st.selectbox("About", KINDS, format_func=lambda k: k.value.title(), key="memo_kind")
    # every study, code and configuration, read again only when one of them changed (one fingerprint query)
    targets = revision_cache.cached(
        "memo_targets",
        None,
        revision_cache.revision(project.id, Action.READ_STUDIES),
        lambda: memos.memo_targets(store, user, project.id),
    )
    options = [o for o in targets if o.type is kind]
    labels = {o.id: o.label for o in options}
    target = st.selectbox(
        "Which one", list(labels), format_func=lambda i: labels[i], key=f"memo_target_{kind}"
    )
    with st.form("new_memo", clear_on_submit=True):
        title = st.text_input("Title", key="memo_title")
        body = st.text_area("Memo", key="memo_body", height=150)
        if st.form_submit_button("Save memo", type="primary", key="save_memo"):
            with reported():
                memos.create_memo(
                    store, user, project.id, kind or MemoTarget.PROJECT, target, body, title=title
                )
                st.success("Memo saved.")

left, right = st.columns([3, 1])
search = left.text_input("Search memos", key="memo_search", placeholder="Words in the title or text")
names = {None: "Everything", **{k: k.value.title() for k in MemoTarget}}
shown_kind = right.selectbox("Written about", list(names), format_func=lambda k: names[k], key="memo_filter")
rows = memos.list_memos(store, user, project.id, target_type=shown_kind, search=search)
st.caption(f"{len(rows)} memo{'' if len(rows) == 1 else 's'}, most recently changed first.")
editing = state.EDITED_MEMO.get()


def undo_bar() -> None:
    """After a delete: which memo went, and an Undo button that puts it back."""
    gone = state.LAST_DELETED_MEMO.get()
    if gone is None or gone.project_id != project.id:
        return
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.info(f"Deleted the memo “{plain(gone.title or '(untitled)')}”.")
    if right.button("Undo delete", key="undo_memo_delete", icon=":material/undo:"):
        with reported():
            memos.restore_memo(store, user, gone)
            state.LAST_DELETED_MEMO.set(None)
            st.rerun()


undo_bar()


def edit_form(memo: memos.MemoRow) -> None:
    """The one memo being edited: its title and text, saved with the version it was read at."""
    with st.form(f"edit_memo_{memo.id}_{memo.version}"):
        new_title = st.text_input("Title", memo.title, key=f"memo_title_{memo.id}")
        new_body = st.text_area("Memo", memo.body, key=f"memo_body_{memo.id}", height=150)
        save, cancel = st.columns([1, 5])
        saved = save.form_submit_button("Save", type="primary", key=f"save_memo_{memo.id}")
        cancelled = cancel.form_submit_button("Cancel", key=f"cancel_memo_{memo.id}")
    deleted = st.button("Delete memo", key=f"delete_memo_{memo.id}", icon=":material/delete:")
    with reported():
        if saved:
            memos.update_memo(
                store, user, memo.id, expected_version=memo.version, title=new_title, body=new_body
            )
        if deleted:
            state.LAST_DELETED_MEMO.set(
                memos.delete_memo(store, user, memo.id, expected_version=memo.version)
            )
        if saved or deleted or cancelled:
            state.EDITED_MEMO.set(None)
            st.rerun()


# one Edit button per memo and one edit form at a time: a form in every memo of the page would
# double what each rerun draws (benchmarks/page_times.py)
for memo in paged(rows, "memos", MEMOS_PER_PAGE, noun="memos"):
    with st.container(border=True):
        mine = memo.author == user or can(Action.EDIT_MEMOS_OF_OTHERS)
        if mine and editing == memo.id:
            edit_form(memo)
            continue
        st.markdown(f"**{plain(memo.title or '(untitled)')}** · {plain(memo.target_label)}")
        st.caption(plain(f"{memo.author}, {memo.updated_at:%Y-%m-%d %H:%M}"))
        st.markdown(paragraphs(memo.body))
        if mine and st.button("Edit", key=f"edit_memo_{memo.id}", icon=":material/edit:", type="tertiary"):
            state.EDITED_MEMO.set(memo.id)
            st.rerun()
