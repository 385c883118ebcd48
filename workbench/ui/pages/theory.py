"""Programme theory page: save the configurations as a named version and compare two versions."""

import streamlit as st

from workbench.services import theory
from workbench.services.access import Action
from workbench.ui import resources, revision_cache
from workbench.ui.errors import reported
from workbench.ui.permissions import can
from workbench.ui.widgets import require_project

project = require_project()
st.title("Programme theory")
store, user = resources.store(), resources.username()

if can(Action.SAVE_THEORY):
    with st.form("save_version", clear_on_submit=True):
        st.subheader("Save a version")
        name = st.text_input(
            "Name", placeholder="Initial programme theory / Refined / Final", key="version_name"
        )
        description = st.text_area("What changed and why", height=80)
        if st.form_submit_button("Save version", type="primary", key="save_version_submit"):
            with reported():
                theory.save_version(store, user, project.id, name, description)

# versions and differences are read again only when a configuration, its evidence or a version changed
# (one fingerprint query): each read decodes every saved snapshot, seconds for 2,000 configurations
revision = revision_cache.revision(project.id)
versions = revision_cache.cached(
    "theory_versions", None, revision, lambda: theory.list_versions(store, user, project.id)
)
if not versions:
    st.info("No versions yet. Save the current configurations as your initial programme theory.")
    st.stop()
st.dataframe(
    [{"Version": v.name, "Saved": v.created_at.strftime("%Y-%m-%d %H:%M"), "By": v.created_by,
      "Configurations": v.configurations, "Notes": v.description} for v in versions],
    hide_index=True, width="stretch",
)  # fmt: skip

st.subheader("Compare")
choices: dict[int | None, str] = {v.id: v.name for v in versions}
choices[None] = theory.CURRENT
left, right = st.columns(2)
ids = list(choices)
old = left.selectbox("From", ids, index=0, format_func=lambda i: choices[i], key="compare_from")
new = right.selectbox("To", ids, index=len(ids) - 1, format_func=lambda i: choices[i], key="compare_to")
diff = revision_cache.cached(
    "theory_diff", (old, new), revision, lambda: theory.compare_versions(store, user, project.id, old, new)
)
counts = f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed"
st.write(f"{counts}, {diff.unchanged} unchanged.")
for title, items in (("Added", diff.added), ("Removed", diff.removed)):
    if items:
        st.markdown(f"**{title}**")
        st.dataframe(
            [{"CMOC": c["label"], "Statement": c["statement"], "N studies": c["n_studies"]} for c in items],
            hide_index=True, width="stretch",
        )  # fmt: skip
if diff.changed:
    st.markdown("**Changed**")
    st.dataframe(
        [{"CMOC": c.label, "Field": field, "Before": str(before), "After": str(after), "Why": c.reason}
         for c in diff.changed for field, (before, after) in c.fields.items()],
        hide_index=True, width="stretch",
    )  # fmt: skip
