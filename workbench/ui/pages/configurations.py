"""Configurations page: CMOCs with their support, built in one flow from coded evidence, and chained."""

import streamlit as st

from workbench.services.access import Action
from workbench.services.configurations import changeable, list_configurations
from workbench.ui import cmoc_builder, cmoc_state, resources, revision_cache
from workbench.ui import configuration_panels as panels
from workbench.ui.evidence_source import evidence_source_toggle
from workbench.ui.permissions import can
from workbench.ui.text import plain
from workbench.ui.widgets import require_project

project = require_project()
st.title("Configurations")
evidence_source_toggle(project.id, "configurations")
cmoc_state.apply_open_next()
notice = cmoc_state.take_notice()
if notice:  # at the top, and as a toast for a reviewer scrolled down to the Save button
    st.success(plain(notice), icon=":material/check_circle:")
    st.toast(plain(notice), icon=":material/check_circle:")
store, user = resources.store(), resources.username()
# read again only when a configuration, its evidence or a coding changed (one fingerprint query)
rows = revision_cache.cached(
    "configurations",
    None,
    revision_cache.revision(project.id),
    lambda: list_configurations(store, user, project.id),
)
builds = can(Action.BUILD_CONFIGURATIONS)  # stakeholders read configurations; no build or edit forms
tabs = st.tabs(
    ["Configurations", "Build a CMOC", "Chains"] if builds else ["Configurations", "Chains"],
    key=cmoc_state.TAB, on_change="rerun",
)  # fmt: skip
overview, build, chain = tabs[0], tabs[1] if builds else None, tabs[-1]

with overview:
    if not rows:
        st.info("No configurations yet: build one from coded evidence in the **Build a CMOC** tab.")
    else:
        st.caption(
            f"{len(rows)} configurations. N studies = distinct studies whose codings support any element."
        )
        panels.table(rows)
        by_id = {r.id: r for r in rows}
        chosen = st.selectbox(
            "Open a configuration", list(by_id), index=None, key=cmoc_state.OPEN,
            format_func=lambda i: f"{by_id[i].label}: {by_id[i].statement[:90]}",
        )  # fmt: skip
        if chosen is not None:
            mine = changeable(resources.store(), resources.username(), project.id)
            panels.detail(by_id[chosen], editable=chosen in mine)
# the tabs rerun when switched, so only the open one is drawn: the builder's co-occurrence suggestions
# read every coding of the project, seconds on 200 studies
if build is not None and build.open:
    with build:
        cmoc_builder.build(project.id)
if chain.open:
    with chain:
        if len(rows) < 2:
            st.info("Chains need at least two configurations.")
        else:
            panels.chains(project.id, rows, may_link=builds)
