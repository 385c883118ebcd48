"""Typed session state of the Configurations page: the CMOC being built, and what to show after a save."""

from __future__ import annotations

import streamlit as st

_ROUND = "cmoc_build_round"
_TOGETHER = "cmoc_found_together"
_NOTICE = "cmoc_notice"
_OPEN_NEXT = "cmoc_open_next"
TAB = "configurations_tab"
OPEN = "open_configuration"


def build_round() -> int:
    """Which build this is: every widget of the build flow is keyed by it, so a new round starts empty."""
    return int(st.session_state.get(_ROUND, 0))


def build_key(name: str) -> str:
    """The session-state key of one widget of the current build."""
    return f"cmoc{build_round()}_{name}"


def next_build_round(found_together: tuple[int, ...] = ()) -> None:
    """Start a fresh build; ``found_together`` are the codings behind the suggestion it starts from."""
    st.session_state[_ROUND] = build_round() + 1
    st.session_state[_TOGETHER] = found_together


def found_together() -> tuple[int, ...]:
    """The codings of the co-occurrence suggestion the current build started from, if any."""
    value = st.session_state.get(_TOGETHER, ())
    return tuple(value)


def set_notice(message: str) -> None:
    """A success message to show once, on the next run."""
    st.session_state[_NOTICE] = message


def take_notice() -> str | None:
    """The pending success message, removed as it is read."""
    message = st.session_state.pop(_NOTICE, None)
    return str(message) if message is not None else None


def open_next(config_id: int) -> None:
    """On the next run, show the Configurations tab with this configuration open."""
    st.session_state[_OPEN_NEXT] = config_id


def apply_open_next() -> None:
    """Before the page's widgets exist: select the tab and configuration asked for by ``open_next``."""
    config_id = st.session_state.pop(_OPEN_NEXT, None)
    if config_id is not None:
        st.session_state[TAB] = "Configurations"
        st.session_state[OPEN] = int(config_id)
