"""My studies page: the studies assigned to me, where I am with each, open one, mark it done."""

import streamlit as st

from workbench.domain.blinding import Progress
from workbench.services import assignments
from workbench.ui import navigation, resources, state
from workbench.ui.errors import reported
from workbench.ui.text import plain
from workbench.ui.widgets import PROGRESS_MARKS, require_project

project = require_project()
st.title("My studies")
store, user = resources.store(), resources.username()
queue = assignments.my_studies(store, user, project.id)
if not queue:
    st.info("No study is assigned to you in this project yet; the project owner assigns them.")
    st.stop()

done = sum(item.status == Progress.DONE for item in queue)
st.caption(f"{len(queue)} studies assigned to you · {done} done")
if assignments.blind_coding(store, user, project.id):
    st.caption("This project codes blind: you see only your own codings of a study until it is released.")

for item in queue:
    key, status, opened, toggle = st.columns([4, 2, 1.3, 1.3], vertical_alignment="center")
    title = f" — {item.title}" if item.title else ""
    key.markdown(f"**{plain(item.key)}**{plain(title)}")
    released = " · released" if item.released else ""
    status.write(
        f"{PROGRESS_MARKS[item.status.value]} {item.status.value} ({item.own_codings} codings){released}"
    )
    if opened.button("Open in Coding", key=f"my_open_{item.study_id}"):
        state.set_reader_target(item.study_id)
        st.switch_page(navigation.CODING.path)
    label = "Reopen" if item.status == Progress.DONE else "Mark done"
    if toggle.button(label, key=f"my_done_{item.study_id}"):
        with reported():
            if item.status == Progress.DONE:
                assignments.reopen(store, user, item.study_id)
            else:
                assignments.mark_done(store, user, item.study_id)
            st.rerun()
