"""Assignments page: who codes which study, blind coding, release, and the progress dashboard."""

import streamlit as st

from workbench.domain.blinding import Progress
from workbench.services import assignments
from workbench.ui import resources
from workbench.ui.errors import reported
from workbench.ui.widgets import PROGRESS_MARKS, require_project

# the grid's colours: one per state, the same as on the My studies page


BLIND_KEY = "assign_blind"

project = require_project()
st.title("Assignments")
store, user = resources.store(), resources.username()
read: assignments.AssignmentsPage | None = None
with reported():  # one transaction and one access check for everything the page shows
    read = assignments.assignments_page(store, user, project.id)
if read is None:
    st.stop()
view: assignments.AssignmentsPage = read
owner, blind, grid = view.owner, view.blind, view.grid


def switch_blind() -> None:
    """The toggle's on_change: store what the owner switched to."""
    with reported():
        assignments.set_blind_coding(store, user, project.id, bool(st.session_state[BLIND_KEY]))


def owner_controls() -> bool:
    """Blind coding, assigning one study or all of them, releasing; returns whether a form was submitted."""
    submitted = False
    st.session_state[BLIND_KEY] = blind  # the stored setting, even if another owner changed it meanwhile
    st.toggle(
        "Blind double coding",
        key=BLIND_KEY,
        on_change=switch_blind,
        help="Each assigned reviewer sees only their own codings of a study until it is released",
    )
    reviewers, studies = view.reviewers, view.studies
    one, balanced = st.columns(2, gap="large")
    with one.container(border=True):
        st.subheader("Reviewers of a study")
        study_id = st.selectbox("Study", list(studies), format_func=lambda i: studies[i], key="assign_study")
        current = view.assignees(study_id)
        with st.form("assign_one", border=False):
            chosen = st.multiselect(
                "Reviewers (one or two)", reviewers, default=[r for r in current if r in reviewers],
                max_selections=2, key=f"assign_to_{study_id}_{'_'.join(current)}",  # new key: fresh default
            )  # fmt: skip
            if st.form_submit_button("Save reviewers") and study_id is not None:
                submitted = True
                with reported():
                    for login in set(current) - set(chosen):
                        assignments.unassign(store, user, project.id, study_id, login)
                    added = assignments.assign(store, user, project.id, study_id, chosen) if chosen else []
                    gone = sorted(set(current) - set(chosen))
                    said = [f"assigned {', '.join(added)}"] if added else []
                    said += [f"unassigned {', '.join(gone)}"] if gone else []
                    st.toast("; ".join(said).capitalize() if said else "No change")
    with balanced.form("assign_balanced", border=True):
        st.subheader("Every study to reviewers, balanced")
        pool = st.multiselect("Reviewers", reviewers, default=reviewers, key="assign_pool")
        per_study = st.number_input("Reviewers per study", 1, 2, 2, key="assign_per_study")
        if st.form_submit_button("Assign balanced"):
            submitted = True
            with reported():
                plan = assignments.assign_balanced(store, user, project.id, pool, int(per_study))
                st.toast(
                    f"Assigned {sum(map(len, plan.values()))} new reviewer places in {len(plan)} studies"
                )
    return submitted


def release_controls(grid: assignments.ProgressGrid) -> None:
    """Open the comparison of a study now (the owner), or code it blind again."""
    blind_ids = {sid: key for sid, key, released in grid.studies if not released}
    released_ids = {sid: key for sid, key, released in grid.studies if released}
    left, right = st.columns(2, gap="large")
    study_id = left.selectbox(
        "Release a study now",
        list(blind_ids),
        format_func=lambda i: blind_ids[i],
        index=None,
        key="assign_release",
        placeholder="Choose a study still coded blind",
    )
    if left.button("Release", disabled=study_id is None) and study_id is not None:
        with reported(left):
            assignments.release(store, user, study_id)
            st.rerun()
    again = right.selectbox(
        "Code a released study blind again",
        list(released_ids),
        index=None,
        format_func=lambda i: released_ids[i],
        key="assign_reblind",
        placeholder="Choose a study",
    )
    if right.button("Blind again", disabled=again is None) and again is not None:
        with reported(right):
            assignments.reblind(store, user, again)
            st.rerun()


if owner and owner_controls():  # assignments changed after the page's read: show the grid as it is now
    grid = assignments.progress_grid(store, user, project.id)


def cell(state: Progress | None) -> str:
    """A grid cell: the state with its colour mark; empty where the reviewer is not assigned."""
    return f"{PROGRESS_MARKS[state.value]} {state.value}" if state is not None else ""


st.header("Progress")
if not grid.cells:
    st.info("No study is assigned yet." + (" Assign studies above." if owner else ""))
    st.stop()
rows = [
    {"Study": key, "Released": "yes" if released else "no"}
    | {who: cell(grid.cells.get((who, key))) for who in grid.reviewers}
    for _, key, released in grid.studies
]
st.dataframe(rows, hide_index=True, key="assign_grid")
counts = [{"Reviewer": who} | {p.value: n for p, n in grid.counts(who).items()} for who in grid.reviewers]
st.dataframe(counts, hide_index=True, key="assign_counts")
if owner and blind:
    release_controls(grid)
