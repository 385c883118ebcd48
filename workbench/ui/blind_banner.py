"""The Coding page's note on blind coding, with the assignee's Mark done / Reopen button."""

from __future__ import annotations

import streamlit as st

from workbench.services import assignments
from workbench.store.db import Store
from workbench.ui.errors import reported


def blind_banner(store: Store, user: str, study_id: int) -> None:
    """Say so when the user sees only their own codings of this study; let an assignee mark it done."""
    state = assignments.blind_state(store, user, study_id)
    if state.blind:
        st.info(
            "Blind coding: you see only your own codings until this study is released.",
            icon=":material/visibility_off:",
        )
    if not state.assigned:
        return
    if state.done:
        label, help_text = "Reopen", "Take the study up again (the comparison, once open, stays open)"
    else:
        label, help_text = "Mark done", "You have finished coding this study"
    if st.button(label, key=f"blind_done_{study_id}", help=help_text):
        with reported():
            if state.done:
                assignments.reopen(store, user, study_id)
            else:
                released = assignments.mark_done(store, user, study_id)
                st.toast("Both reviewers are done: the comparison is open." if released else "Marked done.")
            st.rerun()
