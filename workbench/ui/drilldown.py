"""Drill-down: what a click on a figure selected, and the excerpts behind it, each openable for coding."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from workbench.domain.figures import Evidence
from workbench.ui import navigation, state

SHOWN = 40


def clicked(event: Any) -> str | None:
    """The ``customdata`` key of the first point selected in a plotly chart event, if any."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or []:
        data = point.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if isinstance(data, str):
            return data
    return None


def choose(label: str, options: Mapping[str, str], key: str, picked: str | None) -> str | None:
    """The element to drill into: the one clicked in the chart, else the one chosen in a selectbox
    (the selectbox also makes the drill-down usable without a pointer, and testable)."""
    keys = list(options)
    if picked in options and st.session_state.get(f"{key}_last_click") != picked:
        st.session_state[key] = picked
    st.session_state[f"{key}_last_click"] = picked
    return st.selectbox(
        label,
        keys,
        index=None,
        format_func=options.__getitem__,
        key=key,
        placeholder="click the chart or choose",
    )


def _open(study_id: int, start: int) -> None:
    state.set_reader_target(study_id, start)


def evidence_list(evidence: Sequence[Evidence], key: str) -> None:
    """The excerpts with study, page and reviewer, each with a button opening it on the Coding page."""
    if not evidence:
        st.info("No excerpts support this with the current filters.")
        return
    studies = len({e.study_id for e in evidence})
    st.caption(f"{len(evidence)} excerpts from {studies} stud{'y' if studies == 1 else 'ies'}.")
    for e in evidence[:SHOWN]:
        with st.container(border=True):
            left, right = st.columns([5, 1])
            page = f", p. {e.page}" if e.page else ""
            left.text(f"{e.citation}{page} · coded by {e.coder}")
            left.text(e.quote)
            if right.button("Open in Coding", key=f"{key}_open_{e.coding_id}", icon=":material/edit_note:"):
                _open(e.study_id, e.start)
                st.switch_page(navigation.CODING.path)
    if len(evidence) > SHOWN:
        st.caption(f"… and {len(evidence) - SHOWN} more excerpts.")
