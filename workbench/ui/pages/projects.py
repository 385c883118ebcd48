"""Projects page: the user's reviews, creating one, and loading the demo project."""

import streamlit as st

from workbench.services import demo, projects
from workbench.ui import resources, state
from workbench.ui.errors import reported
from workbench.ui.text import plain
from workbench.ui.widgets import project_picker

st.title("Projects")
store, user = resources.store(), resources.username()
summaries = projects.list_projects(store, user)
current = project_picker(summaries)

if not summaries:
    st.info(
        "The store is empty. **Create a project** for your review below, or **load the demo "
        "project**: a fictional realist review of peer support (13 studies, an APPEAR codebook, "
        "gold codings and configurations) to explore the workbench."
    )
else:
    st.dataframe(
        [
            {
                "Project": p.name,
                "Your role": p.role,
                "Studies": p.studies,
                "Codes": p.codes,
                "Codings": p.codings,
                "Configurations": p.configurations,
            }
            for p in summaries
        ],
        hide_index=True,
        width="stretch",
        height="content",
    )
    if current is not None:
        st.caption(f"Working in **{plain(current.name)}**. Choose another project in the sidebar.")

left, right = st.columns(2)
with left, st.form("create_project", clear_on_submit=True):
    st.subheader("New project")
    name = st.text_input("Name", placeholder="e.g. Peer support in mental health")
    description = st.text_area("Review question or description", height=80)
    if st.form_submit_button("Create project", type="primary"):
        with reported():
            state.PROJECT.set(projects.create_project(store, user, name, description))
            st.rerun()

with right:
    st.subheader("Demo project")
    st.write(f"Load **{demo.DEMO_PROJECT}** from the bundled sample corpus (safe to repeat).")
    if st.button("Load demo project", key="load_demo"):
        with st.spinner("Loading the sample corpus…"), reported():
            state.PROJECT.set(demo.load_demo(store, user).project_id)
            st.rerun()
