"""The Coding page's panel for the open suggestion: its text, scores, reasons and the accept/reject form."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from workbench.domain.configurations import CodingMode
from workbench.domain.suggestions import KINDS
from workbench.services.coding import DocumentView
from workbench.services.suggestions import Suggestion
from workbench.ui import state
from workbench.ui.coding.passages import page_label
from workbench.ui.coding.reader_suggestions import preselected_codes
from workbench.ui.coding.suggestion_actions import FormKeys, SuggestionActions, edited_span
from workbench.ui.text import plain


def _short(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class SuggestionPanel:
    """The panel of the open suggestion: its text, scores, codes and reasons, and the form."""

    actions: SuggestionActions
    view: DocumentView
    paths: dict[int, str]
    can_code: bool

    def show(self, s: Suggestion) -> None:
        """The open suggestion, and (for those who may code) its accept and reject form."""
        st.subheader("Suggestion")
        state.show_notice(state.CODING_NOTICE)
        version = f"model v{s.model_version}" if s.model_version is not None else "rules only"
        page = page_label(s.start, self.view.page_starts).capitalize()
        offsets = f"characters {s.start}–{s.end}" if state.show_offsets() else ""
        st.caption(" · ".join(p for p in (page, f"score {s.score:.2f}", version, offsets) if p))
        st.text(_short(s.text))
        st.text(" · ".join(f"{kind} {s.labels.get(kind, 0.0):.2f}" for kind in KINDS))
        st.caption("Why: " + plain("; ".join(s.reasons) or "weak signals only"))
        codes = ", ".join(f"{n}: {c.name} ({c.kind} {c.score:.2f})" for n, c in enumerate(s.codes, start=1))
        keys = " (press a number to accept with that code)" if s.codes and self.can_code else ""
        st.caption("Suggested codes" + keys + ": " + plain(codes or "none"))
        if not self.can_code:
            st.info("Stakeholders can read suggestions but not accept or reject them.")
            st.button("Close", key="sg_close", on_click=self.actions.close)
            return
        self._form(s)

    def _form(self, s: Suggestion) -> None:
        keys = FormKeys.of(s.document_id, s.start, s.end)
        defaults = {keys.codes: preselected_codes(s, self.paths), keys.mode: CodingMode.INDUCTIVE,
                    keys.start: s.start, keys.end: s.end, keys.reason: ""}  # fmt: skip
        for key, value in defaults.items():
            st.session_state.setdefault(key, value)
        st.multiselect("Codes", list(self.paths), format_func=self.paths.__getitem__, key=keys.codes)
        st.radio("Mode", list(CodingMode), format_func=lambda m: m.value.capitalize(), horizontal=True,
                 key=keys.mode)  # fmt: skip
        if state.show_offsets():
            left, right = st.columns(2)
            length = len(self.view.text)
            left.number_input("Start", min_value=0, max_value=length, step=1, key=keys.start)
            right.number_input("End", min_value=0, max_value=length, step=1, key=keys.end)
        start, end = edited_span(s)
        if (start, end) != (s.start, s.end):
            st.caption("Edited passage:")
            st.text(_short(self.view.text[start:end]) if end > start else "(empty: End must follow Start)")
        else:
            st.caption("Select other text in the study to code a different passage instead.")
        st.text_input("Reason to reject (optional)", key=keys.reason)
        accept, reject, close = st.columns(3)
        ready = bool(st.session_state.get(keys.codes)) and end > start
        accept.button("Accept", key="sg_accept", type="primary", on_click=self.actions.accept, args=(s,),
                      disabled=not ready, width="stretch")  # fmt: skip
        reject.button("Reject", key="sg_reject", on_click=self.actions.reject, args=(s,), width="stretch")
        close.button("Close", key="sg_close", on_click=self.actions.close, width="stretch")
