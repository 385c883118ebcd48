"""The "Draw from" toggle of the Graphs and Configurations pages: everyone's codings or consensus only."""

from __future__ import annotations

import streamlit as st

from workbench.services.evidence_source import set_consensus_only, source_setting
from workbench.ui import resources
from workbench.ui.errors import reported

LABELS = {False: "everyone's codings", True: "consensus codings only"}


def evidence_source_toggle(project_id: int, key: str) -> None:
    """The project's evidence source: a choice for those who may change it, a caption for the rest."""
    setting = source_setting(resources.store(), resources.username(), project_id)
    if not setting.may_change:
        st.caption(f"Drawn from {LABELS[setting.consensus_only]} (the project owner chooses).")
        return
    widget = f"{key}_evidence_source"
    st.session_state[widget] = (
        setting.consensus_only
    )  # what the store holds, even if another owner changed it

    def change() -> None:
        with reported():
            set_consensus_only(
                resources.store(), resources.username(), project_id, bool(st.session_state[widget])
            )

    st.radio(
        "Draw from", [False, True], format_func=LABELS.__getitem__, horizontal=True, key=widget,
        on_change=change,
        help="Counts, lines, boxes and evidence pickers use these codings. Consensus codings are the ones "
        "settled on the Agreement page.",
    )  # fmt: skip
