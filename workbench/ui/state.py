"""Typed accessors for the session state the pages share (no raw string keys in pages)."""

from __future__ import annotations

import streamlit as st

from workbench.services.importing import ImportSummary

_PROJECT = "current_project_id"


def current_project_id() -> int | None:
    """The project the user is working in, if one is chosen."""
    value = st.session_state.get(_PROJECT)
    return value if isinstance(value, int) else None


def set_current_project_id(project_id: int | None) -> None:
    """Choose the project the other pages work in."""
    st.session_state[_PROJECT] = project_id


_IMPORT_SUMMARY = "import_summary"


def import_summary() -> ImportSummary | None:
    """The summary of this session's last batch import, with any duplicates awaiting a choice."""
    value = st.session_state.get(_IMPORT_SUMMARY)
    return value if isinstance(value, ImportSummary) else None


def set_import_summary(summary: ImportSummary | None) -> None:
    """Keep a batch import's summary across reruns."""
    st.session_state[_IMPORT_SUMMARY] = summary
